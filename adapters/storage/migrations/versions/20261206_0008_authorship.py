"""authorship and the audit log: who sent each outbound message; who did what in an account

Revision ID: 0008_authorship
Revises: 0007_schedules
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008_authorship"
down_revision: str | Sequence[str] | None = "0007_schedules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    # Nullable and without a default: rows already stored keep exactly what they hold.
    op.add_column("messages", sa.Column("author_kind", sa.String(16), nullable=True))
    op.add_column("messages", sa.Column("author_id", sa.String(128), nullable=True))
    op.create_table(
        "audit_log",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=128), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=128), nullable=True),
        sa.Column("detail", Json, server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sqlite_autoincrement=True,
    )
    for columns in (["user_id", "id"], ["user_id", "actor_id", "id"], ["user_id", "action", "id"]):
        name = op.f("ix_audit_log_" + "_".join(columns))
        op.create_index(name, "audit_log", columns)


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_column("messages", "author_id")
    op.drop_column("messages", "author_kind")
