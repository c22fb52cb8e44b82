"""Fuzzing PO uploads, through the service and through the web route.

Random bytes, near-valid PO text (real entries with mutated lines and random translations),
huge lines, invalid UTF-8, NUL bytes and BOMs. Every upload is either refused with one clear
line — and then the database is exactly as before — or merged cleanly; never a 5xx. The PO
file on disk is never touched in the request path.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from fuzz_helpers import FUZZ, NASTY_TEXT, hostile_bytes, one_line, snapshot
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.services import uploads
from app.store.models import Document, Language, Segment

ROUTE = "/documents/statement/ug/po"
HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Language: {lang}\\n"\n"X-Terjime-Snapshot: {snap}\\n"\n')
PO_PIECES = [b'msgid ""\n', b'msgstr ""\n', b'msgid "', b'msgstr "', b'"\n', b'msgctxt "',
             b"#, fuzzy\n", b"#~ ", b"#| msgid ", b'msgid_plural "x"\n', b'msgstr[0] "x"\n',
             b"#: a.md:1\n",
             b'"Language: ug\\n"\n', b'"Language: tr\\n"\n', b'"Content-Type: text/plain; '
             b'charset=latin-1\\n"\n', b'"Content-Type: text/plain; charset=bogus\\n"\n',
             b'"Content-Type: text/plain; charset=UTF-16\\n"\n', b"\\n", b"\\t", b"\\x", b"\\",
             b'"X-Terjime-Snapshot: 2020-01-01T00:00:00\\n"\n', b'"X-Terjime-Snapshot: nope\\n"\n']


def quote(value: str) -> str:
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\t", "\\t").replace("\r", "\\r"))
    return f'"{escaped}"'


def _po_text(lang: str, snap: str, entries: list[tuple[str, str, str | None, bool]]) -> str:
    out = [HEADER.format(lang=lang, snap=snap)]
    for msgid, msgstr, context, fuzzy in entries:
        out.append("\n" + ("#, fuzzy\n" if fuzzy else "")
                   + (f"msgctxt {quote(context)}\n" if context else "")
                   + f"msgid {quote(msgid)}\nmsgstr {quote(msgstr)}\n")
    return "".join(out)


def _segments(app) -> list[tuple[str, str | None]]:  # noqa: ANN001
    with app.extensions["terjime.db"].session() as session:
        return [(s.msgid, s.msgctxt or None) for s in session.scalars(
            select(Segment).where(Segment.active.is_(True)).order_by(Segment.position))]


def uploads_strategy(segments: list[tuple[str, str | None]], real: bytes
                     ) -> st.SearchStrategy[bytes]:
    """Three kinds of upload: hostile bytes, a real file with mutated lines, and well-formed
    files with random (often nasty) translations of real or unknown entries."""
    lines = real.splitlines(keepends=True)
    mutated = st.lists(st.one_of(st.sampled_from(lines), st.sampled_from(PO_PIECES),
                                 hostile_bytes(PO_PIECES)), min_size=1, max_size=60).map(b"".join)
    translation = st.one_of(st.text(max_size=60), st.sampled_from(NASTY_TEXT), st.just(""))
    entry = st.tuples(st.one_of(st.sampled_from(segments), st.tuples(st.text(max_size=20),
                                                                     st.none())),
                      translation, st.booleans())
    wellformed = st.builds(
        lambda lang, snap, items, encoding: _po_text(
            lang, snap, [(m, t, c, f) for (m, c), t, f in items]).encode(encoding, "replace"),
        st.sampled_from(["ug", "ug", "UG", "ug-CN", "tr", "", "u\u0261"]),
        st.sampled_from(["", "2000-01-01T00:00:00", "9999-12-31T23:59:59", "garbage"]),
        st.lists(entry, max_size=8),
        st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]),
    )
    return st.one_of(hostile_bytes(PO_PIECES + lines[:40]), mutated, wellformed)


def _real_po(app) -> bytes:  # noqa: ANN001
    """A download of the ug catalogue: the file a translator would start from."""
    from app.web import project

    with app.app_context(), app.extensions["terjime.db"].session() as session:
        document, language = uploads.find_catalogue(session, "statement", "ug")
        return uploads.download_po(session, project(), document, language)


def _po_path(app) -> Path:  # noqa: ANN001
    return Path(app.config["LOCALES_DIR"]) / "ug" / "LC_MESSAGES" / "statement.po"


@pytest.fixture
def po_file(app) -> bytes:  # noqa: ANN001
    return _po_path(app).read_bytes()


@FUZZ
@given(data=st.data(), name=st.sampled_from(["statement.ug.po", "", "../../x.po",
                                                       "a\x00b.po", "ئۇ.po", "x" * 300]))
def test_service_refuses_cleanly_or_merges(app, data, name: str) -> None:  # noqa: ANN001
    """apply_upload: UploadError (one line, database untouched) or a result; then rolled
    back, so every example starts from the same state."""
    database = app.extensions["terjime.db"]
    with app.app_context(), database.session() as session:
        strategy = getattr(app, "_fuzz_uploads", None)
        if strategy is None:
            strategy = app._fuzz_uploads = uploads_strategy(_segments(app), _real_po(app))
            app._fuzz_before = snapshot(session)
        payload = data.draw(strategy)
        document = session.scalar(select(Document).where(Document.name == "statement"))
        language = session.scalar(select(Language).where(Language.code == "ug"))
        try:
            result = uploads.apply_upload(session, document, language, payload, name, None)
        except uploads.UploadError as exc:
            assert one_line(str(exc)), str(exc)
            assert snapshot(session) == app._fuzz_before, "a refused upload changed the database"
        else:
            assert min(result.updated, result.suggestions, result.unknown, result.unchanged,
                       result.empty_ignored) >= 0
        finally:
            session.rollback()


def post_file(client, payload: bytes, name: str, route: str = ROUTE):  # noqa: ANN001, ANN201
    """A multipart POST built in memory: werkzeug's test client would spool a large body to a
    temporary file it never closes (a ResourceWarning, i.e. an error under our settings)."""
    boundary, body = encode_multipart({"po": FileStorage(io.BytesIO(payload), name)})
    return client.post(route, data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


_ERROR = re.compile(r'<p class="flash flash-error" role="alert">(.*?)</p>', re.S)


@FUZZ
@given(data=st.data(), name=st.sampled_from(["statement.ug.po", "../../x.po", "ئۇ.po", "a b"]))
def test_web_upload_never_fails_with_a_server_error(app, client, make_user, login, po_file,
                                                   data, name: str) -> None:  # noqa: ANN001
    if not getattr(app, "_fuzz_logged_in", False):
        login(client, make_user("fuzz-translator", "translator", ["ug"]))
        app._fuzz_logged_in = True
        app._fuzz_uploads = uploads_strategy(_segments(app), _real_po(app))
    payload = data.draw(app._fuzz_uploads)
    database = app.extensions["terjime.db"]
    with database.session() as session:
        before = snapshot(session)
    response = post_file(client, payload, name)
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        message = _ERROR.search(response.get_data(as_text=True))
        assert message and one_line(html.unescape(message.group(1))), response.data[:500]
        with database.session() as session:
            assert snapshot(session) == before, "a refused upload changed the database"
    assert _po_path(app).read_bytes() == po_file, "an upload wrote the PO file in the request path"


@pytest.mark.parametrize(("payload", "status"), [
    (b"", 400), (b"\x00" * 10, 400), (b"\xff\xfe" + 'msgid ""'.encode("utf-16-le"), 400),
    (b'msgid "' + b"x" * 7_000_000, 400), (b"#" * 1_000_000, 400),
    (b'\xef\xbb\xbfmsgid ""\nmsgstr ""\n"Language: ug\\n"\n', 200),  # no entries: a no-op
    # Found by the fuzzer: two entries with control characters in one run crashed read_po.
    (HEADER.format(lang="ug", snap="").encode() + b'\nmsgid "\x0c"\nmsgstr ""\n'
     b'\nmsgid "\\r"\nmsgstr ""\n', 400),
], ids=["empty", "nul", "utf16", "7MB-line", "1MB-comment", "bom-header-only", "two-controls"])
def test_web_upload_edge_cases(app, client, make_user, login, payload: bytes,
                               status: int) -> None:
    login(client, make_user("edge-translator", "translator", ["ug"]))
    with app.extensions["terjime.db"].session() as session:
        before = snapshot(session)
    response = post_file(client, payload, "statement.ug.po")
    assert response.status_code == status, response.status_code
    if status == 400:
        assert _ERROR.search(response.get_data(as_text=True))
    with app.extensions["terjime.db"].session() as session:
        assert snapshot(session) == before


def test_web_upload_over_the_size_limit_is_a_clear_413(app, client, make_user, login) -> None:
    login(client, make_user("big-translator", "translator", ["ug"]))
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    response = post_file(client, b"x" * 2 * 1024 * 1024, "a.po")
    assert response.status_code == 413
    assert "MB" in response.get_data(as_text=True)


def test_the_snapshot_sees_a_flushed_change(app) -> None:
    """The fingerprint the fuzz targets rely on does notice an unsaved (flushed) edit."""
    from app.store.models import Translation

    with app.extensions["terjime.db"].session() as session:
        before = snapshot(session)
        row = session.scalars(select(Translation)).first()
        row.text += "x"
        session.flush()
        assert snapshot(session) != before
        session.rollback()
        assert snapshot(session) == before
