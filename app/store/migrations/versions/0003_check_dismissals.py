"""quality-check dismissals and cached findings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 09:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "check_dismissal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("translation_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.String(length=40), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["translation_id"], ["translation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("translation_id", "check_id", "text_sha256"),
    )
    with op.batch_alter_table("check_dismissal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_check_dismissal_translation_id"),
                              ["translation_id"], unique=False)
    op.create_table(
        "check_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("translation_id", sa.Integer(), nullable=False),
        sa.Column("language_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["language_id"], ["language.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["translation_id"], ["translation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("check_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_check_result_translation_id"), ["translation_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_check_result_language_id"), ["language_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("check_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_result_language_id"))
        batch_op.drop_index(batch_op.f("ix_check_result_translation_id"))
    op.drop_table("check_result")
    with op.batch_alter_table("check_dismissal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_dismissal_translation_id"))
    op.drop_table("check_dismissal")
