"""schedules: when a scheduled campaign or single send starts; a campaign's own limits

Revision ID: 0007_schedules
Revises: 0006_safe_sending
Create Date: 2026-12-06 01:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_schedules"
down_revision: str | Sequence[str] | None = "0006_safe_sending"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("campaigns", sa.Column("send_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("campaigns", sa.Column("rate_per_minute", sa.Integer(), nullable=True))
    op.add_column("campaigns", sa.Column("stop_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("campaigns", sa.Column("max_messages", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_campaigns_status_send_at"), "campaigns", ["status", "send_at"])
    op.add_column("messages", sa.Column("send_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_messages_scheduled_send_at",
        "messages",
        ["send_at"],
        postgresql_where=sa.text("status = 'scheduled'"),
        sqlite_where=sa.text("status = 'scheduled'"),
    )


def downgrade() -> None:
    op.drop_index("ix_messages_scheduled_send_at", table_name="messages")
    op.drop_column("messages", "send_at")
    op.drop_index(op.f("ix_campaigns_status_send_at"), table_name="campaigns")
    op.drop_column("campaigns", "max_messages")
    op.drop_column("campaigns", "stop_at")
    op.drop_column("campaigns", "rate_per_minute")
    op.drop_column("campaigns", "send_at")
