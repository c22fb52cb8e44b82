"""Shared pieces of the fuzz tests: the example budget, hostile byte strategies, snapshots.

The suite runs every target with 1,000 examples in CI (``CI=true``) and 200 on a laptop, so it
stays well under its time budget; CI then runs the fuzz campaign, ``scripts/fuzz.sh``, with
10,000 examples per target (``TERJIME_FUZZ_EXAMPLES`` overrides every default). Examples are
derandomized: a failure found in CI is found again on a laptop.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("TERJIME_FUZZ_EXAMPLES")
               or (1_000 if os.environ.get("CI") == "true" else 200))

#: One app and client serve every example of a test (examples must stay cheap), hence the
#: function-scoped-fixture health check is suppressed on purpose.
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)

BOMS = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x2b\x2f\x76"]
INVALID_UTF8 = [b"\xff", b"\xc3\x28", b"\xa0\xa1", b"\xe2\x28\xa1", b"\xf0\x28\x8c\xbc",
                b"\xed\xa0\x80", b"\xc0\xaf", b"\xf8\x88\x80\x80\x80"]
NASTY_TEXT = ["\x00", "\u202e", "\ufeff", "\r", "\r\n", "\u2028", "\ud7ff", "\U0001f600",
              "<script>alert(1)</script>", "%s", "{0}", "\\", '"', "\t", " " * 3, "ئۇيغۇر",
              "\x1b[31m", "\x7f", "\u0301", "\uffff"]


def hostile_bytes(pieces: list[bytes]) -> st.SearchStrategy[bytes]:
    """Byte strings assembled from meaningful ``pieces`` and hostile fragments: random bytes,
    BOMs, invalid UTF-8, NUL bytes, nasty characters and (sometimes) a huge line."""
    fragment = st.one_of(
        st.sampled_from(pieces),
        st.binary(max_size=40),
        st.sampled_from(BOMS + INVALID_UTF8 + [b"\x00", b"\n", b"\r\n", b"\r", b'"', b"\\"]),
        st.sampled_from(NASTY_TEXT).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.text(max_size=20).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.integers(1_000, 20_000).map(lambda n: b"x" * n),
    )
    return st.lists(fragment, max_size=30).map(b"".join)


def one_line(message: str) -> bool:
    return bool(message.strip()) and "\n" not in message.strip() and "Traceback" not in message


def snapshot(session) -> tuple[int, ...]:  # noqa: ANN001
    """A fingerprint of every row of every table: equal fingerprints mean nothing changed.

    Plain SQL through the session's connection (it sees the session's flushed changes) and
    Python's hash of the row tuples: an ORM query per table, or a repr of every row, would
    cost more than the example being checked."""
    from conftest import table_fingerprints

    return table_fingerprints(session.connection())


def segment_ids(app) -> list[int]:  # noqa: ANN001
    """Active segment ids of the bundled statement, in document order."""
    from sqlalchemy import select

    from app.store.models import Segment

    with app.extensions["terjime.db"].session() as session:
        return list(session.scalars(select(Segment.id).where(Segment.active.is_(True))
                                    .order_by(Segment.position)))


def api_token(app, user_id: int) -> str:  # noqa: ANN001
    from app.services.tokens import new_token, token_hash
    from app.store.models import ApiToken

    token = new_token("tj_")
    with app.extensions["terjime.db"].session() as session:
        session.add(ApiToken(user_id=user_id, token_hash=token_hash(token), name="fuzz"))
    return token
