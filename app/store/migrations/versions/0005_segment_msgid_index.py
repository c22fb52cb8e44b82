"""index segment.msgid (the quality checks' per-save lookup of other translations)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 12:05:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_segment_msgid", "segment", ["msgid"], postgresql_using="hash")


def downgrade() -> None:
    op.drop_index("ix_segment_msgid", table_name="segment")
