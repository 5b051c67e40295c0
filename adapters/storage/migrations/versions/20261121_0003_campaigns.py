"""campaigns: an index for each campaign's counters and its paced outbox; the fan-out's progress

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_messages_campaign_id_status", "messages", ["campaign_id", "status"])
    op.add_column(
        "campaigns",
        sa.Column("fanout_cursor", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
    )
    op.add_column("campaigns", sa.Column("fanned_out_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("fanned_out_at")
        batch.drop_column("fanout_cursor")
    op.drop_index("ix_messages_campaign_id_status", table_name="messages")
