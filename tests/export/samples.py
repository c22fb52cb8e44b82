"""Localized statements for export tests: the bundled statement with real sentences per language.

The bundled catalogues are empty (volunteers fill them), so the export tests translate every
segment with sentences from a small pool written in each language and script — real Uyghur,
Russian, Chinese… text, so shaping, direction, joiners and extraction are tested for real. A
segment's link placeholders (``[text][n]``) are carried over so the rebuild accepts it;
signatories keep their names.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from app.core.document import load_document
from app.core.languages import Language, get_language
from app.core.states import State
from app.export.base import Localized, Unit

ROOT = Path(__file__).resolve().parents[2]
STATEMENT = ROOT / "source" / "statement.md"
CREATED = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)

POOLS: dict[str, list[str]] = {
    "ug": [
        "ئۇيغۇرلار خىتايغا قايتۇرۇلسا قاتتىق خەۋپكە دۇچ كېلىدۇ.",
        "ھۆكۈمەتلەر پاناھلىق ئىلتىماسلىرىنى تېزدىن بىر تەرەپ قىلىشى كېرەك.",
        "بىز خەلقئارا جەمئىيەتنى دەرھال ھەرىكەت قىلىشقا چاقىرىمىز.",
        "ھېچقانداق ئۇيغۇر زورلۇق بىلەن قايتۇرۇلماسلىقى كېرەك.",
    ],
    "ru": [
        "Уйгурам, возвращённым в Китай, грозит серьёзная опасность.",
        "Правительства должны ускорить рассмотрение ходатайств об убежище.",
        "Мы призываем международное сообщество действовать немедленно.",
        "Ни один уйгур не должен быть выслан принудительно.",
    ],
    "tr": [
        "Çin'e iade edilen Uygurlar ciddi bir tehlikeyle karşı karşıyadır.",
        "Hükümetler sığınma başvurularını hızla karara bağlamalıdır.",
        "Uluslararası toplumu derhal harekete geçmeye çağırıyoruz.",
        "Hiçbir Uygur zorla geri gönderilmemelidir.",
    ],
    "zh_Hans": [
        "被遣返中国的维吾尔人面临严重危险。",
        "各国政府应尽快处理庇护申请。",
        "我们呼吁国际社会立即采取行动。",
        "任何维吾尔人都不应被强行遣返。",
    ],
    "ja": [
        "中国に送還されるウイグル人は深刻な危険にさらされている。",
        "各国政府は庇護申請を迅速に審査すべきである。",
        "私たちは国際社会に直ちに行動するよう求める。",
    ],
    "ar": [
        "يواجه الأويغور المعادون إلى الصين خطراً جسيماً.",
        "يجب على الحكومات الإسراع في البت في طلبات اللجوء.",
        "ندعو المجتمع الدولي إلى التحرك فوراً.",
    ],
    "fa": [
        "اویغورهایی که به چین بازگردانده شوند با خطر جدی روبه‌رو هستند.",
        "دولت‌ها باید درخواست‌های پناهندگی را به سرعت بررسی کنند.",
        "ما از جامعه بین‌المللی می‌خواهیم فوراً اقدام کند.",
    ],
    "kk": [
        "Қытайға қайтарылған ұйғырлар үлкен қауіпке ұшырайды.",
        "Үкіметтер баспана туралы өтініштерді тез қарауы керек.",
        "Біз халықаралық қауымдастықты дереу әрекет етуге шақырамыз.",
    ],
    "ky": [
        "Кытайга кайтарылган уйгурлар олуттуу коркунучка кабылат.",
        "Өкмөттөр башпаана өтүнмөлөрүн тез кароосу керек.",
        "Биз эл аралык коомчулукту тез аракет кылууга чакырабыз.",
    ],
    "uz": [
        "Xitoyga qaytarilgan uyg'urlar jiddiy xavfga duch keladi.",
        "Hukumatlar boshpana arizalarini tezda ko'rib chiqishi kerak.",
        "Biz xalqaro hamjamiyatni zudlik bilan harakat qilishga chaqiramiz.",
    ],
    "ms": [
        "Orang Uyghur yang dihantar pulang ke China menghadapi bahaya yang serius.",
        "Kerajaan perlu mempercepat keputusan permohonan suaka.",
        "Kami menyeru masyarakat antarabangsa bertindak segera.",
    ],
    "id": [
        "Orang Uighur yang dipulangkan ke Tiongkok menghadapi bahaya serius.",
        "Pemerintah harus segera memproses permohonan suaka.",
        "Kami menyerukan masyarakat internasional untuk segera bertindak.",
    ],
    "de": [
        "Uiguren, die nach China abgeschoben werden, droht große Gefahr.",
        "Regierungen müssen Asylanträge zügig bearbeiten.",
        "Wir rufen die internationale Gemeinschaft zum sofortigen Handeln auf.",
    ],
    "fr": [
        "Les Ouïghours renvoyés en Chine courent un grave danger.",
        "Les gouvernements doivent traiter rapidement les demandes d'asile.",
        "Nous appelons la communauté internationale à agir sans délai.",
    ],
}

_LINK = re.compile(r"\[[^\]]*\]\[\d+\]")


def sample_text(code: str, source: str, index: int) -> str:
    """A sentence of the language's pool, with the source's link placeholders appended."""
    pool = POOLS[code]
    links = " ".join(_LINK.findall(source))
    text = pool[index % len(pool)]
    return f"{text} {links}" if links else text


def sample_units(code: str, *, state: str = State.APPROVED.value,
                 untranslated: int = 0) -> list[Unit]:
    """Every segment of the bundled statement translated from the pool (the first
    ``untranslated`` left empty)."""
    document = load_document(STATEMENT, "source/statement.md")
    units = []
    for index, segment in enumerate(document.segments()):
        if index < untranslated:
            target, unit_state = "", State.EMPTY.value
        elif segment.msgctxt == "signatory":
            target, unit_state = segment.msgid, state
        else:
            target, unit_state = sample_text(code, segment.msgid, index), state
        units.append(Unit(context=segment.msgctxt, source=segment.msgid, target=target,
                          state=unit_state, notes=segment.comments,
                          locations=(f"source/statement.md:{segment.line}",)))
    return units


def sample_localized(code: str, *, draft: bool = False, untranslated: int = 0,
                     language: Language | None = None) -> Localized:
    """The bundled statement in ``code`` (every segment approved unless ``untranslated``)."""
    document = load_document(STATEMENT, "source/statement.md")
    return Localized(name="statement", document=document,
                     language=language or get_language(code),
                     units=sample_units(code, untranslated=untranslated), draft=draft,
                     source_revision="0" * 64, created=CREATED,
                     release=None if draft else 1)
