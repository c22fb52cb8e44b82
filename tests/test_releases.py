"""Releases: the gate, numbering, files, manifest, ZIP, verification, diffs and drafts.

Languages are made releasable the real way: real sentences (tests/export/samples.py) saved,
approved and signed off through the services, with every quality check switched on.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from release_helpers import edit, make_releasable, sign_off, translate_all
from sqlalchemy import func, select

from app.export import DRAFT_MARK, RENDERERS
from app.services import releases
from app.store.models import AuditLog, Release, ReleaseFile, Translation
from app.web import project

DOC = "statement"


@pytest.fixture
def editor(make_user) -> int:
    return make_user("ilham", "editor", ["ug", "tr", "ru"])


@pytest.fixture
def db(app):  # noqa: ANN001, ANN201
    with app.app_context():
        yield app.extensions["terjime.db"]


@pytest.fixture
def instance(app) -> Path:  # noqa: ANN001
    return Path(app.config["INSTANCE_PATH"])


def publish(db, instance: Path, *codes: str) -> list[int]:  # noqa: ANN001
    with db.session() as session:
        return [release.id for release in
                releases.publish(session, project(), instance, DOC, list(codes), None)]


def release_count(db) -> int:  # noqa: ANN001
    with db.session() as session:
        return session.scalar(select(func.count(Release.id)))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def assert_nothing_published(db, instance: Path) -> None:  # noqa: ANN001
    assert release_count(db) == 0
    with db.session() as session:
        assert session.scalar(select(func.count(ReleaseFile.id))) == 0
        assert session.scalar(select(func.count(AuditLog.id))
                              .where(AuditLog.action == "publish")) == 0
    left = (instance / "releases").rglob("*") if (instance / "releases").exists() else []
    assert [path for path in left if not path.is_dir() or path.name.startswith(".")] == []


# --- the gate --------------------------------------------------------------------------------


def test_a_language_that_is_not_signed_off_is_refused(db, instance, editor) -> None:
    translate_all(db, editor, "ug")  # every segment approved, but nobody signed it off
    with db.session() as session:
        assert releases.readiness(session, project(), DOC, "ug") == [
            "Uyghur is not signed off: an editor approves every segment and signs it off first"]
    with pytest.raises(releases.ReleaseRefused, match=r"statement ug: Uyghur is not signed off"):
        publish(db, instance, "ug")
    assert_nothing_published(db, instance)


def test_unapproved_segments_are_refused_with_the_count(db, instance, editor) -> None:
    translate_all(db, editor, "ug", approve=False, skip=2)
    with db.session() as session:
        reasons = releases.readiness(session, project(), DOC, "ug")
    assert any("segments are not approved yet (2 empty" in reason for reason in reasons), reasons
    with pytest.raises(releases.ReleaseRefused):
        publish(db, instance, "ug")
    assert_nothing_published(db, instance)


def test_a_reopened_sign_off_is_refused(db, instance, editor, make_user) -> None:
    make_releasable(db, project(), editor, "ug")
    translator = make_user("aygul", "translator", ["ug"])
    edit(db, translator, "ug", 2, "ئۆزگەرتىلگەن جۈملە.", approve=False)
    with db.session() as session:
        reasons = releases.readiness(session, project(), DOC, "ug")
    assert reasons[0] == ("the sign-off was re-opened (segment 3 edited by aygul): review the "
                          "changes and sign off again")
    assert "1 of" in reasons[1] and "1 translated" in reasons[1]
    with pytest.raises(releases.ReleaseRefused, match="re-opened"):
        publish(db, instance, "ug")
    assert_nothing_published(db, instance)


def test_an_error_level_check_is_refused(db, instance, editor) -> None:
    make_releasable(db, project(), editor, "ug")
    # an import can leave an approved, signed-off text failing a check: the number is gone
    with db.session() as session:
        row = session.scalar(select(Translation).where(Translation.text.like("% 2022 22 50")))
        row.text = row.text.replace(" 2022 22 50", "")
        row.revision += 1
    with db.session() as session:
        reasons = releases.readiness(session, project(), DOC, "ug")
    assert len(reasons) == 1 and "quality check error remains (1 numbers)" in reasons[0]
    with pytest.raises(releases.ReleaseRefused, match="numbers"):
        publish(db, instance, "ug")
    assert_nothing_published(db, instance)


def test_all_languages_or_none(db, instance, editor) -> None:
    make_releasable(db, project(), editor, "ug")
    translate_all(db, editor, "tr", approve=False)
    with pytest.raises(releases.ReleaseRefused) as refused:
        publish(db, instance, "ug", "tr")
    assert list(refused.value.reasons) == ["statement tr"]
    assert "statement tr: Turkish is not signed off" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert_nothing_published(db, instance)


def test_unknown_language_or_statement_is_a_clear_error(db, instance) -> None:
    with pytest.raises(releases.ReleaseRefused, match=r"unknown language 'xx' \(known: ru, tr, ug"):
        publish(db, instance, "xx")
    with db.session() as session, pytest.raises(releases.ReleaseRefused,
                                                 match="unknown statement 'nope'"):
        releases.publish(session, project(), instance, "nope", ["ug"], None)
    assert_nothing_published(db, instance)


def test_a_user_without_the_publisher_role_is_refused(db, instance, editor) -> None:
    from app.store.models import User

    make_releasable(db, project(), editor, "ug")
    with db.session() as session, pytest.raises(releases.ReleaseRefused, match="may not"):
        releases.publish(session, project(), instance, DOC, ["ug"], session.get(User, editor))
    assert_nothing_published(db, instance)


# --- a release -------------------------------------------------------------------------------


def test_a_release_has_every_format_a_manifest_and_a_zip(db, instance, editor,
                                                         make_user) -> None:
    make_releasable(db, project(), editor, "ug")
    publisher = make_user("tursun", "publisher")
    from app.store.models import User

    with db.session() as session:
        made = releases.publish(session, project(), instance, DOC, ["ug"],
                                session.get(User, publisher))
        assert [(r.number, r.user_id) for r in made] == [(1, publisher)]
        release_id = made[0].id
    folder = instance / "releases" / DOC / "ug" / "1"
    with db.session() as session:
        release = session.get(Release, release_id)
        names = [f.filename for f in release.files]
        # every registered format, in Uyghur and (reader formats) in each script variant
        expected = [f"statement.ug.{r.extension}" for r in RENDERERS.values()]
        for script in releases.script_variants("ug"):
            expected += [f"statement.ug-{script}.{r.extension}" for r in RENDERERS.values()
                         if not r.for_translators]
        assert sorted(names) == sorted([*expected, "units.json"])
        assert {f.language for f in release.files} == {"ug", "ug-Latn", "ug-Cyrl"}
        assert release.zip_name == "statement.ug.release-1.zip"
        assert release.source_revision == sha256((project().document(DOC)).read_bytes())
        recorded = {f.filename: (f.sha256, f.size, f.format, f.media_type) for f in release.files}
        audit = session.scalar(select(AuditLog).where(AuditLog.action == "publish"))
        assert audit.actor_id == publisher and audit.target == "statement/ug"
        assert releases.verify(instance, release) == []
    # the files on disk match the records
    for name, (digest, size, _, _) in recorded.items():
        data = (folder / name).read_bytes()
        assert (sha256(data), len(data)) == (digest, size)
    # the manifest lists every file with its checksum, and names no person
    raw = (folder / "manifest.json").read_bytes()
    manifest = json.loads(raw)
    assert manifest["document"] == DOC and manifest["language"] == "ug"
    assert manifest["release"] == 1 and manifest["source_revision"] == release.source_revision
    assert manifest["created"].startswith(release.created_at.isoformat())
    assert {f["name"]: (f["sha256"], f["size"], f["format"], f["media_type"])
            for f in manifest["files"]} == recorded
    for entry in manifest["files"]:
        assert sha256((folder / entry["name"]).read_bytes()) == entry["sha256"]
    assert b"ilham" not in raw and b"tursun" not in raw
    # the ZIP holds exactly the files and the manifest, byte for byte, in one folder
    with zipfile.ZipFile(folder / "statement.ug.release-1.zip") as bundle:
        members = {info.filename: bundle.read(info) for info in bundle.infolist()}
        dates = {info.date_time for info in bundle.infolist()}
    prefix = "statement.ug.release-1/"
    assert set(members) == {prefix + name for name in [*recorded, "manifest.json"]}
    for name in recorded:
        assert members[prefix + name] == (folder / name).read_bytes()
    assert members[prefix + "manifest.json"] == raw
    stamp = release.created_at.timetuple()[:6]
    assert dates == {(*stamp[:5], stamp[5] // 2 * 2)}  # ZIP times have 2-second steps
    # a release carries no DRAFT mark, and the HTML says it is in Uyghur, right to left
    html = (folder / "statement.ug.html").read_text(encoding="utf-8")
    assert DRAFT_MARK not in html and 'lang="ug"' in html and 'dir="rtl"' in html
    assert "ئۇيغۇرلار خىتايغا قايتۇرۇلسا" in html


def test_numbering_history_and_the_diff_between_releases(db, instance, editor) -> None:
    make_releasable(db, project(), editor, "ug")
    first = publish(db, instance, "ug")
    new_text = "ھېچقانداق ئۇيغۇر قايتۇرۇلماسلىقى كېرەك."
    source = edit(db, editor, "ug", 3, new_text)
    sign_off(db, project(), editor, "ug")
    second = publish(db, instance, "ug")
    with db.session() as session:
        one, two = session.get(Release, first[0]), session.get(Release, second[0])
        assert (one.number, two.number) == (1, 2)
        assert [r.number for r in releases.releases(session, DOC, "ug")] == [2, 1]
        # the first release is still there, whole, and downloadable
        assert releases.verify(instance, one) == []
        path = releases.release_file_path(instance, one, "statement.ug.md")
        assert path == instance / "releases" / DOC / "ug" / "1" / "statement.ug.md"
        assert new_text not in path.read_text(encoding="utf-8")
        assert new_text in releases.release_file_path(instance, two, "statement.ug.md"
                                                      ).read_text(encoding="utf-8")
        # what changed: exactly the edited sentence, word by word
        diff = releases.changes_since_previous(session, instance, two)
        assert diff.previous.id == one.id
        assert diff.counts == {"added": 0, "changed": 1, "removed": 0}
        [row] = diff.rows
        assert (row.kind, row.source, row.new) == ("changed", source, new_text)
        assert row.old == "ھېچقانداق ئۇيغۇر زورلۇق بىلەن قايتۇرۇلماسلىقى كېرەك."
        assert row.pieces == (("equal", "ھېچقانداق ئۇيغۇر "), ("delete", "زورلۇق بىلەن "),
                              ("equal", "قايتۇرۇلماسلىقى كېرەك."))
        assert diff.unchanged == len(json.loads(releases.release_file_path(
            instance, two, "units.json").read_text(encoding="utf-8"))["units"]) - 1
        # the first release: everything is new
        first_diff = releases.changes_since_previous(session, instance, one)
        assert first_diff.previous is None and first_diff.counts["changed"] == 0
        assert first_diff.counts["added"] == first_diff.rows.__len__() > 90
    assert_audit = [a for a in _audit(db) if a == "publish"]
    assert len(assert_audit) == 2


def _audit(db) -> list[str]:  # noqa: ANN001
    with db.session() as session:
        return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_verify_reports_a_changed_or_missing_file(db, instance, editor) -> None:
    make_releasable(db, project(), editor, "ug")
    [release_id] = publish(db, instance, "ug")
    folder = instance / "releases" / DOC / "ug" / "1"
    (folder / "statement.ug.txt").write_text("tampered", encoding="utf-8")
    (folder / "statement.ug.md").unlink()
    with db.session() as session:
        problems = releases.verify(instance, session.get(Release, release_id))
    assert problems == ["statement.ug.md: missing", "statement.ug.txt: checksum mismatch"]


def test_only_recorded_file_names_are_served(db, instance, editor) -> None:
    make_releasable(db, project(), editor, "ug")
    [release_id] = publish(db, instance, "ug")
    with db.session() as session:
        release = session.get(Release, release_id)
        for name in ("../../terjime.db", "/etc/passwd", "statement.ug.exe", ""):
            with pytest.raises(releases.NotInRelease):
                releases.release_file_path(instance, release, name)
        for name in ("manifest.json", release.zip_name, "units.json"):
            assert releases.release_file_path(instance, release, name).is_file()


def test_a_folder_left_on_disk_is_never_overwritten(db, instance, editor) -> None:
    make_releasable(db, project(), editor, "ug")
    orphan = instance / "releases" / DOC / "ug" / "1"
    orphan.mkdir(parents=True)
    (orphan / "keep.txt").write_text("from a failed commit", encoding="utf-8")
    publish(db, instance, "ug")
    assert (orphan / "keep.txt").read_text(encoding="utf-8") == "from a failed commit"
    with db.session() as session:
        assert [r.number for r in releases.releases(session)] == [2]
    assert not [p for p in orphan.parent.iterdir() if p.name.startswith(".")]


def test_a_number_taken_meanwhile_is_refused_not_overwritten(db, instance, editor,
                                                             monkeypatch) -> None:
    make_releasable(db, project(), editor, "ug")
    publish(db, instance, "ug")
    before = (instance / "releases" / DOC / "ug" / "1" / "manifest.json").read_bytes()
    # another publisher took number 1 between our look-up and our write
    monkeypatch.setattr(releases, "next_number", lambda *args: 1)
    with pytest.raises(releases.ReleaseRefused, match="someone published at the same moment"):
        publish(db, instance, "ug")
    assert (instance / "releases" / DOC / "ug" / "1" / "manifest.json").read_bytes() == before
    assert release_count(db) == 1


def test_a_failing_renderer_leaves_nothing_behind(db, instance, editor) -> None:
    make_releasable(db, project(), editor, "ug")
    make_releasable(db, project(), editor, "tr")

    class Broken(type(RENDERERS["md"])):
        name, extension = "broken", "broken"
        calls = 0

        def render(self, item):  # noqa: ANN001, ANN202
            Broken.calls += 1
            if item.language.code == "tr":
                raise RuntimeError("renderer crashed")
            return super().render(item)

    with db.session() as session, pytest.raises(RuntimeError, match="crashed"):
        releases.publish(session, project(), instance, DOC, ["ug", "tr"], None,
                         renderers={"md": RENDERERS["md"], "broken": Broken()})
    assert Broken.calls >= 2  # ug was written before tr failed, and then removed
    assert_nothing_published(db, instance)


# --- drafts ----------------------------------------------------------------------------------


def test_a_draft_export_is_marked_and_never_recorded(db, editor) -> None:
    translate_all(db, editor, "ug", approve=False, skip=5)
    with db.session() as session:
        name, data, media_type = releases.export_draft(session, project(), DOC, "ug", "html")
        assert name == "statement.ug.draft.html" and media_type.startswith("text/html")
        text = data.decode("utf-8")
        assert DRAFT_MARK in text and "ئۇيغۇرلار خىتايغا قايتۇرۇلسا" in text
        assert "Civil Society calls for urgent measures" in text  # untranslated: the source
        name, data, _ = releases.export_draft(session, project(), DOC, "ug", "txt",
                                              variant="Latn")
        assert name == "statement.ug-Latn.draft.txt" and DRAFT_MARK in data.decode("utf-8")
        with pytest.raises(ValueError, match="unknown format 'exe'"):
            releases.export_draft(session, project(), DOC, "ug", "exe")
        with pytest.raises(releases.ReleaseRefused, match="no 'Grek' script variant"):
            releases.export_draft(session, project(), DOC, "ug", "md", variant="Grek")
    assert release_count(db) == 0


# --- the bundle on its own -------------------------------------------------------------------


def test_the_bundle_is_deterministic_and_checkable(tmp_path: Path) -> None:
    from export.samples import sample_localized

    from app.services import release_bundle as bundle

    def build() -> tuple[list[bundle.BundleFile], bytes, bytes]:
        item = sample_localized("ug")
        files = bundle.render_files([(item, [RENDERERS["md"], RENDERERS["txt"]])])
        files.append(bundle.units_file(item))
        manifest = bundle.manifest(item, files)
        return files, manifest, bundle.zip_bytes(item, files, manifest)

    files, manifest, archive = build()
    assert build()[1:] == (manifest, archive)  # same snapshot, same bytes
    assert [f.name for f in files] == ["statement.ug.md", "statement.ug.txt", "units.json"]
    folder = tmp_path / "1"
    bundle.write_folder(folder, {"statement.ug.release-1.zip": archive})
    expected = {f.name: f.sha256 for f in files} | {"manifest.json": bundle.sha256_bytes(manifest)}
    assert bundle.check_zip(folder / "statement.ug.release-1.zip", expected) == []
    expected["statement.ug.md"] = "0" * 64
    assert bundle.check_zip(folder / "statement.ug.release-1.zip", expected) == [
        "statement.ug.release-1.zip: statement.ug.md checksum mismatch"]
    with pytest.raises(FileExistsError):
        bundle.write_folder(folder, {"other.txt": b"x"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1"]
    for bad in ("../x.md", ".hidden", "manifest.json", "a/b"):
        with pytest.raises(ValueError, match="unusable file name"):
            bundle.safe_name(bad)
