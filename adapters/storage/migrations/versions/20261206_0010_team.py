"""team analytics: purchases keep the author they credit; indexes for per-member figures

Revision ID: 0010_team
Revises: 0009_accounts
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_team"
down_revision: str | Sequence[str] | None = "0009_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MEMBERS = sa.text("author_kind = 'member'")


def upgrade() -> None:
    # Nullable and without a default: purchases already stored keep exactly what they hold (the
    # messages they name had no author before 0008 either).
    op.add_column("purchases", sa.Column("author_kind", sa.String(16), nullable=True))
    op.add_column("purchases", sa.Column("author_id", sa.String(128), nullable=True))
    op.create_index(
        "ix_messages_member_sent",
        "messages",
        ["user_id", "sent_at"],
        postgresql_where=_MEMBERS,
        sqlite_where=_MEMBERS,
    )
    op.create_index(
        "ix_purchases_member_credit",
        "purchases",
        ["user_id", "occurred_at", "author_id", "amount_cents"],
        postgresql_where=_MEMBERS,
        sqlite_where=_MEMBERS,
    )


def downgrade() -> None:
    op.drop_index("ix_purchases_member_credit", table_name="purchases")
    op.drop_index("ix_messages_member_sent", table_name="messages")
    op.drop_column("purchases", "author_id")
    op.drop_column("purchases", "author_kind")
