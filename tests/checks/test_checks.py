"""Table-driven tests: every check, good and bad, in Uyghur, Turkish, Russian, Chinese and
Arabic (and the neighbours the language check is for)."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from app.checks import CHECKS, DOCUMENT_CHECKS, CheckContext, GlossaryTerm, Severity, run_checks
from app.checks.numbers import source_numbers, target_numbers
from app.core.languages import get_language


class Case(NamedTuple):
    check_id: str
    lang: str
    source: str
    target: str
    context: CheckContext | None
    fails: bool


def ctx(**kwargs: object) -> CheckContext:
    return CheckContext(**kwargs)  # type: ignore[arg-type]


GLOSSARY = ctx(glossary=(
    GlossaryTerm("UNHCR", "", do_not_translate=True),
    GlossaryTerm("transnational repression", "transmilliy basturush"),
    GlossaryTerm("transnational repression", "ulus ötesi baskı"),
    GlossaryTerm("transnational repression", "транснациональные репрессии"),
    GlossaryTerm("transnational repression", "跨国镇压"),
    GlossaryTerm("transnational repression", "القمع العابر للحدود"),
    GlossaryTerm("transnational repression", "دۆلەت ھالقىغان باستۇرۇش"),
))
DRAFT = ctx(draft_text="Tüm devletlere çağrıda bulunuyoruz.", draft_origin="engine:google")
LONG_EN = "We call on all states to stop the persecution of Uyghurs abroad immediately."

CASES: list[Case] = [
    # numbers
    Case("numbers", "tr", "1,500 people in 2022, 50% of them", "2022'de 1.500 kişi, %50'si", None,
         False),
    Case("numbers", "tr", "1,500 people", "1.600 kişi", None, True),
    Case("numbers", "tr", "50% of them", "onların 50'si", None, True),
    Case("numbers", "ru", "1,500 people and 2.5 million", "1 500 человек и 2,5 миллиона", None,
         False),
    Case("numbers", "ru", "1,500 people", "1\u00a0500 человек", None, False),
    Case("numbers", "ru", "In 2022", "В 2021 году", None, True),
    Case("numbers", "ar", "1,500 people, 50%", "١٬٥٠٠ شخص، ٥٠٪", None, False),
    Case("numbers", "ar", "72 organisations", "٧٣ منظمة", None, True),
    Case("numbers", "fa", "1,500 people in 2022", "۱٬۵۰۰ نفر در ۲۰۲۲", None, False),
    Case("numbers", "fr", "50% of 1,500", "50\u202f% de 1\u202f500", None, False),
    Case("numbers", "ug", "72 organisations signed in 2022.", "2022-يىلى 72 تەشكىلات ئىمزا قويدى.",
         None, False),
    Case("numbers", "ug", "72 organisations", "تەشكىلاتلار", None, True),
    Case("numbers", "zh_Hans", "72 organisations signed in 2022.", "2022年，72个组织签署。", None,
         False),
    Case("numbers", "zh_Hans", "72 organisations", "72个组织和3个人", None, True),
    Case("numbers", "zh_Hans", "See [the report][1].", "见[报告][1]。", None, False),
    Case("numbers", "tr", "Articles 1, 2 and 3", "1,2 ve 3. maddeler", None, False),
    Case("numbers", "tr", "Articles 1, 2 and 3", "1,2 ve 4. maddeler", None, True),
    # urls
    Case("urls", "tr", "See https://uhrp.org/report. Write to info@uhrp.org.",
         "Bkz. https://uhrp.org/report. info@uhrp.org adresine yazın.", None, False),
    Case("urls", "tr", "See https://uhrp.org/report.", "Bkz. https://uhrp.org/rapor.", None, True),
    Case("urls", "ug", "Write to info@uhrp.org.", "info@uhrp.org غا يېزىڭ.", None, False),
    Case("urls", "ug", "Write to info@uhrp.org.", "ئېلخەت ئارقىلىق يېزىڭ.", None, True),
    Case("urls", "ru", "See <https://uhrp.org>.", "См. <https://uhrp.org>.", None, False),
    Case("urls", "ru", "See https://uhrp.org.", "См. https://uhrp.ru.", None, True),
    Case("urls", "zh_Hans", "See https://uhrp.org.", "见https://uhrp.org。", None, False),
    Case("urls", "zh_Hans", "See https://uhrp.org.", "见网站。", None, True),
    Case("urls", "ar", "See https://uhrp.org.", "انظر https://uhrp.org.", None, False),
    Case("urls", "ar", "See https://uhrp.org.", "انظر الموقع.", None, True),
    # placeholders
    Case("placeholders", "ug", "Read [the report][1] and [the letter][2].",
         "[دوكلات][1] ۋە [خەت][2] نى ئوقۇڭ.", None, False),
    Case("placeholders", "ug", "Read [the report][1] and [the letter][2].",
         "[دوكلات][1] ۋە خەتنى ئوقۇڭ.", None, True),
    Case("placeholders", "tr", "Read [the report][1].", "[Raporu][1] ve [raporu][1] okuyun.",
         None, True),
    Case("placeholders", "tr", "See ![the map][1].", "![Haritaya][1] bakın.", None, False),
    Case("placeholders", "ru", "Read [the report][1].", "Прочтите [доклад][2].", None, True),
    Case("placeholders", "ru", "Dear {name}, %s", "Уважаемый {name}, %s", None, False),
    Case("placeholders", "zh_Hans", "Dear {name},", "亲爱的{姓名}，", None, True),
    Case("placeholders", "zh_Hans", "Read [the report][1].", "阅读[报告][1]。", None, False),
    Case("placeholders", "ar", "Read [the report][1].", "اقرأ [التقرير][1].", None, False),
    Case("placeholders", "ar", "Read [the report][1].", "اقرأ التقرير.", None, True),
    # markup
    Case("markup", "tr", "This is *very* **important** and `code`.",
         "Bu *çok* **önemli** ve `code`.", None, False),
    Case("markup", "tr", "This is *very* important.", "Bu *çok önemli.", None, True),
    Case("markup", "ru", "This is **very** important.", "Это *очень* важно.", None, True),
    Case("markup", "ru", "This is **very** important.", "Это **очень** важно.", None, False),
    Case("markup", "ug", "This is **very** important.", "بۇ **ناھايىتى** مۇھىم.", None, False),
    Case("markup", "ug", "This is **very** important.", "بۇ **ناھايىتى مۇھىم.", None, True),
    Case("markup", "zh_Hans", "Run `terjime`.", "运行`terjime`。", None, False),
    Case("markup", "zh_Hans", "Run `terjime`.", "运行terjime。", None, True),
    Case("markup", "ar", "This is *urgent*.", "هذا *عاجل*.", None, False),
    Case("markup", "ar", "This is *urgent*.", "هذا عاجل.", None, True),
    # end_punctuation
    Case("end_punctuation", "ug", "Why?", "نېمىشقا؟", None, False),
    Case("end_punctuation", "ug", "Why?", "نېمىشقا?", None, True),
    Case("end_punctuation", "ug", "We call on them.", "بىز چاقىرىمىز.", None, False),
    Case("end_punctuation", "ug", "We call on them.", "بىز چاقىرىمىز", None, True),
    Case("end_punctuation", "ar", "Why?", "لماذا؟", None, False),
    Case("end_punctuation", "ar", "Note:", "ملاحظة", None, True),
    Case("end_punctuation", "fa", "Why?", "چرا؟", None, False),
    Case("end_punctuation", "zh_Hans", "We call on them.", "我们呼吁他们。", None, False),
    Case("end_punctuation", "zh_Hans", "We call on them.", "我们呼吁他们.", None, True),
    Case("end_punctuation", "ja", "Why?", "なぜ？", None, False),
    Case("end_punctuation", "tr", "He said \"stop.\"", "\"Durun.\" dedi.", None, False),
    Case("end_punctuation", "tr", "Stop!", "Durun.", None, True),
    Case("end_punctuation", "ru", "He said: \"stop.\"", "Он сказал: «стоп.»", None, False),
    Case("end_punctuation", "ru", "Stop", "Стоп.", None, True),
    # whitespace
    Case("whitespace", "tr", "We call.", "Çağırıyoruz.", None, False),
    Case("whitespace", "tr", "We call.", "Çağırıyoruz. ", None, True),
    Case("whitespace", "ru", "We call on them.", "Мы  призываем их.", None, True),
    Case("whitespace", "ru", "We call on them.", "Мы призываем их.", None, False),
    Case("whitespace", "ug", "We call.", "بىز\u200b چاقىرىمىز.", None, True),
    Case("whitespace", "ug", "We call.", "بىز چاقىرىمىز.", None, False),
    Case("whitespace", "ar", "We call.", "\u202bندعو.\u202c", None, True),
    Case("whitespace", "ar", "We call.", "ندعو.", None, False),
    Case("whitespace", "fa", "I want.", "می\u200cخواهم.", None, False),
    Case("whitespace", "zh_Hans", "We call.", "我们呼吁。\ufeff", None, True),
    Case("whitespace", "zh_Hans", "We call.", "我们呼吁。", None, False),
    # unchanged
    Case("unchanged", "tr", "We call on all states.", "We call on all states.", None, True),
    Case("unchanged", "tr", "Dolkun Isa", "Dolkun Isa", ctx(msgctxt="signatory"), False),
    Case("unchanged", "ug", "UNHCR", "UNHCR", GLOSSARY, False),
    Case("unchanged", "ug", "Human rights", "Human rights", None, True),
    Case("unchanged", "ru", "https://uhrp.org", "https://uhrp.org", None, False),
    Case("unchanged", "ru", "Statement", "Statement", None, True),
    Case("unchanged", "zh_Hans", "2022", "2022", None, False),
    Case("unchanged", "zh_Hans", "Statement", "Statement", None, True),
    Case("unchanged", "ar", "Statement", "بيان", None, False),
    Case("unchanged", "ar", "Statement", "Statement", None, True),
    # script
    Case("script", "ug", "The UNHCR must act.", "UNHCR چوقۇم ھەرىكەت قىلىشى كېرەك.", None, False),
    Case("script", "ug", "The UNHCR must act.", "UNHCR должен действовать.", None, True),
    Case("script", "ug", "We call on them.", "Biz ularni chaqirimiz.", None, True),
    Case("script", "ru", "Dolkun Isa said.", "Dolkun Isa сказал.", None, False),
    Case("script", "ru", "We call on them.", "Biz ularni chaqirimiz.", None, True),
    Case("script", "kk", "We call on them.", "Біз оларды шақырамыз.", None, False),
    Case("script", "ky", "We call on them.", "بىز ئۇلارنى چاقىرىمىز.", None, True),
    Case("script", "tr", "We call on them.", "Onları çağırıyoruz.", None, False),
    Case("script", "tr", "We call on them.", "Мы призываем их.", None, True),
    Case("script", "zh_Hans", "Dolkun Isa said.", "Dolkun Isa说。", None, False),
    Case("script", "zh_Hans", "We call on them.", "Wir rufen sie auf, 我们.", None, True),
    Case("script", "zh_Hans", "We call on them.", "Мы призываем их.", None, True),
    Case("script", "ja", "We call on them.", "私たちはカタカナで呼びかけます。", None, False),
    Case("script", "ar", "We call on them.", "ندعوهم.", None, False),
    Case("script", "ar", "We call on them.", "Мы призываем их.", None, True),
    Case("script", "uz_Cyrl", "We call on them.", "Биз уларни чақирамиз.", None, False),
    # language
    Case("language", "ky", LONG_EN,
         "Биз бардык мамлекеттерди чет өлкөлөрдөгү уйгурларды куугунтуктоону дароо токтотууга "
         "чакырабыз.", None, False),
    Case("language", "ky", LONG_EN,
         "Біз барлық мемлекеттерді шетелдегі ұйғырларды қудалауды дереу тоқтатуға шақырамыз.",
         None, True),
    Case("language", "kk", LONG_EN,
         "Мы призываем все государства немедленно прекратить преследование уйгуров за рубежом.",
         None, True),
    Case("language", "az", LONG_EN,
         "Tüm devletleri yurtdışındaki Uygurlara yönelik zulmü derhal durdurmaya çağırıyoruz.",
         None, True),
    Case("language", "tr", LONG_EN,
         "Tüm devletleri yurtdışındaki Uygurlara yönelik zulmü derhal durdurmaya çağırıyoruz.",
         None, False),
    Case("language", "ru", LONG_EN,
         "Мы призываем все государства немедленно прекратить преследование уйгуров за рубежом.",
         None, False),
    Case("language", "ug", LONG_EN,
         "بىز بارلىق دۆلەتلەرنى چەتئەلدىكى ئۇيغۇرلارغا قارىتىلغان زىيانكەشلىكنى دەرھال "
         "توختىتىشقا چاقىرىمىز.", None, False),
    Case("language", "ug", LONG_EN,
         "ندعو جميع الدول إلى الوقف الفوري لاضطهاد الأويغور في الخارج وحماية حقوقهم.", None,
         True),
    Case("language", "ar", LONG_EN,
         "ندعو جميع الدول إلى الوقف الفوري لاضطهاد الأويغور في الخارج وحماية حقوقهم.", None,
         False),
    Case("language", "zh_Hans", LONG_EN,
         "我们呼吁所有国家立即停止对海外维吾尔人的迫害，并保护他们的安全。这是非常重要的。", None,
         False),
    Case("language", "kk", "We call.", "Мы призываем.", None, False),  # too short to judge
    # length
    Case("length", "tr", LONG_EN, "Tüm devletleri yurtdışındaki Uygurlara yönelik zulmü derhal "
         "durdurmaya çağırıyoruz.", None, False),
    Case("length", "tr", LONG_EN, "Çağırıyoruz.", None, True),
    Case("length", "ru", LONG_EN, "Мы призываем. " * 16, None, True),
    Case("length", "ug", LONG_EN, "بىز بارلىق دۆلەتلەرنى زىيانكەشلىكنى توختىتىشقا چاقىرىمىز.", None,
         False),
    Case("length", "ug", LONG_EN, "چاقىرىمىز.", None, True),
    Case("length", "zh_Hans", LONG_EN, "我们呼吁所有国家立即停止对海外维吾尔人的迫害。", None,
         False),
    Case("length", "zh_Hans", LONG_EN, LONG_EN + " 我们呼吁所有国家立即停止对海外维吾尔人的迫害。",
         None, True),
    Case("length", "ar", LONG_EN, "ندعو جميع الدول إلى الوقف الفوري لاضطهاد الأويغور.", None,
         False),
    Case("length", "ar", LONG_EN, "ندعو.", None, True),
    Case("length", "ar", "Short.", "ندعو جميع الدول إلى الوقف الفوري لاضطهاد الأويغور.", None,
         False),  # too short to judge
    # glossary
    Case("glossary", "tr", "The UNHCR must act.", "UNHCR'nin harekete geçmesi gerek.", GLOSSARY,
         False),
    Case("glossary", "tr", "The UNHCR must act.", "BMMYK harekete geçmeli.", GLOSSARY, True),
    Case("glossary", "ug", "The UNHCR must act.", "UNHCRنىڭ ھەرىكەت قىلىشى كېرەك.", GLOSSARY,
         False),
    Case("glossary", "ug", "Transnational repression is real.",
         "دۆلەت ھالقىغان باستۇرۇش رېئال.", GLOSSARY, False),
    Case("glossary", "ug", "Transnational repression is real.", "چەتئەلدىكى زۇلۇم رېئال.",
         GLOSSARY, True),
    Case("glossary", "tr", "Transnational repression is real.", "Ulus ötesi baskı gerçektir.",
         GLOSSARY, False),
    Case("glossary", "ru", "Transnational repression is real.", "Транснациональные репрессии "
         "реальны.", GLOSSARY, False),
    Case("glossary", "ru", "Transnational repression is real.", "Преследования реальны.",
         GLOSSARY, True),
    Case("glossary", "zh_Hans", "Transnational repression is real.", "跨国镇压是真实的。",
         GLOSSARY, False),
    Case("glossary", "zh_Hans", "The UNHCR must act.", "联合国难民署必须行动。", GLOSSARY, True),
    Case("glossary", "zh_Hans", "The UNHCR must act.", "UNHCR必须行动。", GLOSSARY, False),
    Case("glossary", "zh_Hans", "Transnational repression is real.", "镇压是真实的。", GLOSSARY,
         True),
    Case("glossary", "ar", "Transnational repression is real.", "القمع العابر للحدود حقيقي.",
         GLOSSARY, False),
    Case("glossary", "ar", "Transnational repression is real.", "القمع حقيقي.", GLOSSARY, True),
    # inconsistent
    Case("inconsistent", "tr", "We call.", "Çağırıyoruz.", ctx(other_translations=(
        "Çağırıyoruz.",)), False),
    Case("inconsistent", "tr", "We call.", "Çağırıyoruz.", ctx(other_translations=(
        "Çağrıda bulunuyoruz.",)), True),
    Case("inconsistent", "ug", "We call.", "چاقىرىمىز.", ctx(other_translations=("چاقىرىمىز.",)),
         False),
    Case("inconsistent", "ug", "We call.", "چاقىرىمىز.", ctx(other_translations=(
        "مۇراجىئەت قىلىمىز.",)), True),
    Case("inconsistent", "ru", "We call.", "Призываем.", None, False),
    Case("inconsistent", "zh_Hans", "We call.", "我们呼吁。",
         ctx(other_translations=("我们号召。",)), True),
    Case("inconsistent", "ar", "We call.", "ندعو.", ctx(other_translations=("ندعو.",)), False),
    # machine_draft
    Case("machine_draft", "tr", "We call on all states.", "Tüm devletlere çağrıda bulunuyoruz.",
         DRAFT, True),
    Case("machine_draft", "tr", "We call on all states.", "Tüm devletleri çağırıyoruz.", DRAFT,
         False),
    Case("machine_draft", "tr", "We call on all states.", "Tüm devletlere çağrıda bulunuyoruz.",
         ctx(draft_text="Tüm devletlere çağrıda bulunuyoruz.", draft_origin="engine:google",
             approved_override=True), False),
    Case("machine_draft", "ug", "We call.", "چاقىرىمىز.", ctx(draft_text="چاقىرىمىز.",
                                                              draft_origin="engine:libre"), True),
    Case("machine_draft", "ug", "We call.", "چاقىرىمىز.", ctx(draft_text="چاقىرىمىز.",
                                                              draft_origin="memory"), False),
    Case("machine_draft", "ru", "We call.", "Призываем.", ctx(draft_text="Призываем.",
                                                              draft_origin="engine:deepl"), True),
    Case("machine_draft", "zh_Hans", "We call.", "我们呼吁。", None, False),
    Case("machine_draft", "ar", "We call.", "ندعو.", ctx(draft_text="ندعو.",
                                                      draft_origin="engine:google"), True),
    # brackets
    Case("brackets", "tr", "The UN (United Nations).", "BM (Birleşmiş Milletler).", None, False),
    Case("brackets", "tr", "The UN (United Nations).", "BM (Birleşmiş Milletler.", None, True),
    Case("brackets", "tr", "UNHCR’s “call”", "UNHCR’nin “çağrısı”", None, False),
    Case("brackets", "ru", "The “call”.", "«Призыв».", None, False),
    Case("brackets", "ru", "The “call”.", "«Призыв.", None, True),
    Case("brackets", "ug", "The UN (United Nations).", "ب د ت (بىرلەشكەن دۆلەتلەر تەشكىلاتى).",
         None, False),
    Case("brackets", "ug", "The UN (United Nations).", "ب د ت )بىرلەشكەن دۆلەتلەر تەشكىلاتى(.",
         None, True),
    Case("brackets", "zh_Hans", "The UN (United Nations).", "联合国（联合国组织）。", None, False),
    Case("brackets", "zh_Hans", "The UN (United Nations).", "联合国（联合国组织。", None, True),
    Case("brackets", "ar", "The [UN].", "[الأمم المتحدة].", None, False),
    Case("brackets", "ar", "The [UN].", "[الأمم المتحدة.", None, True),
    Case("brackets", "ar", "A (broken.", "(مكسور.", None, False),  # unbalanced source
    # sentences
    Case("sentences", "ug", "We call. They act?", "بىز چاقىرىمىز. ئۇلار ھەرىكەت قىلامدۇ؟", None,
         False),
    Case("sentences", "ug", "We call. They act.", "بىز چاقىرىمىز ۋە ئۇلار ھەرىكەت قىلىدۇ.", None,
         True),
    Case("sentences", "tr", "We call. They act.", "Çağırıyoruz. Harekete geçiyorlar.", None, False),
    Case("sentences", "tr", "We call.", "Çağırıyoruz. Harekete geçiyorlar.", None, True),
    Case("sentences", "ru", "We call. They act.", "Мы призываем. Они действуют.", None, False),
    Case("sentences", "ru", "We call. They act.", "Мы призываем, они действуют.", None, True),
    Case("sentences", "zh_Hans", "We call. They act.", "我们呼吁。他们行动。", None, False),
    Case("sentences", "zh_Hans", "We call. They act.", "我们呼吁，他们行动。", None, True),
    Case("sentences", "ar", "We call. They act.", "ندعو. هم يتصرفون.", None, False),
    Case("sentences", "ar", "We call. They act.", "ندعو وهم يتصرفون.", None, True),
]


def _id(case: Case) -> str:
    return f"{case.check_id}-{case.lang}-{'bad' if case.fails else 'good'}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_check_case(case: Case) -> None:
    check = CHECKS[case.check_id]
    findings = check.check(case.source, case.target, get_language(case.lang), case.context)
    assert bool(findings) == case.fails, findings
    for finding in findings:
        assert finding.check_id == case.check_id
        assert finding.severity == check.severity
        assert finding.message


def test_empty_target_has_no_findings() -> None:
    assert run_checks("We call on 72 organisations.", "", get_language("ug")) == []


def test_run_checks_only_and_unknown() -> None:
    language = get_language("tr")
    found = run_checks("1,500 people.", "1.600 kişi", language, only=["numbers"])
    assert {f.check_id for f in found} == {"numbers"}
    assert all(f.severity is Severity.ERROR for f in found)
    with pytest.raises(KeyError):
        run_checks("a", "b", language, only=["nope"])


def test_good_translations_pass_every_check() -> None:
    source = "We call on 72 organisations (see [the report][1]) to act by 2025."
    targets = {
        "ug": "بىز 72 تەشكىلاتنى ([دوكلات][1]) 2025-يىلىغىچە ھەرىكەت قىلىشقا چاقىرىمىز.",
        "tr": "72 kuruluşu ([rapora][1] bakınız) 2025'e kadar harekete geçmeye çağırıyoruz.",
        "ru": "Мы призываем 72 организации (см. [доклад][1]) действовать до 2025 года.",
        "zh_Hans": "我们呼吁72个组织（见[报告][1]）在2025年前采取行动。",
        "ar": "ندعو 72 منظمة (انظر [التقرير][1]) إلى التحرك بحلول عام 2025.",
    }
    for code, target in targets.items():
        assert run_checks(source, target, get_language(code)) == [], code


@pytest.mark.parametrize(("lang", "text", "value"), [
    ("tr", "1.500", "1500"), ("de", "1.500,5", "1500.5"), ("fr", "1\u202f500", "1500"),
    ("ru", "1\u00a0500", "1500"), ("ar", "١٬٥٠٠", "1500"), ("fa", "۱۵۰۰", "1500"),
    ("zh_Hans", "１５００", "1500"), ("en", "1,500", "1500"),
])
def test_number_readings(lang: str, text: str, value: str) -> None:
    assert any(str(v) == str(source_numbers(value)[0]) for v in target_numbers(text, lang)[0])


STATEMENT = """# Stop transnational repression

We call on all states to act.

1. Protect refugees.
2. End surveillance.

<!-- terjime: signatories -->

- World Uyghur Congress
- Uyghur Human Rights Project
"""


@pytest.mark.parametrize(("rebuilt", "fails"), [
    (STATEMENT, False),
    (STATEMENT.replace("# Stop", "Stop"), True),
    (STATEMENT.replace("2. End surveillance.\n", ""), True),
    (STATEMENT.replace("- Uyghur Human Rights Project\n", ""), True),
    (STATEMENT.replace("We call on all states to act.", "Biz barcha davlatlarni chaqiramiz."),
     False),
])
def test_structure(rebuilt: str, fails: bool) -> None:
    findings = DOCUMENT_CHECKS["structure"].check_document(STATEMENT, rebuilt)
    assert bool(findings) == fails, findings
    assert all(f.severity is Severity.ERROR for f in findings)
