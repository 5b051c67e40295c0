"""analytics: the purchases record, and an index for each per-day figure

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_FAILED = sa.text("status = 'failed'")


def upgrade() -> None:
    op.create_table(
        "purchases",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("fan_id", BigId, nullable=True),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("campaign_id", BigId, nullable=True),
        sa.Column("message_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_purchases_campaign_id_campaigns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["fan_id"], ["fans.id"], name=op.f("fk_purchases_fan_id_fans"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchases")),
    )
    op.create_index(
        op.f("ix_purchases_user_id_occurred_at_fan_id_amount_cents"),
        "purchases",
        ["user_id", "occurred_at", "fan_id", "amount_cents"],
    )
    op.create_index(op.f("ix_purchases_fan_id"), "purchases", ["fan_id"])
    op.create_index(op.f("ix_fans_user_id_created_at"), "fans", ["user_id", "created_at"])
    op.create_index(op.f("ix_messages_user_id_sent_at"), "messages", ["user_id", "sent_at"])
    op.create_index(
        "ix_messages_failed_user_id_updated_at",
        "messages",
        ["user_id", "updated_at"],
        postgresql_where=_FAILED,
        sqlite_where=_FAILED,
    )


def downgrade() -> None:
    op.drop_index("ix_messages_failed_user_id_updated_at", table_name="messages")
    op.drop_index(op.f("ix_messages_user_id_sent_at"), table_name="messages")
    op.drop_index(op.f("ix_fans_user_id_created_at"), table_name="fans")
    op.drop_index(op.f("ix_purchases_fan_id"), table_name="purchases")
    op.drop_index(
        op.f("ix_purchases_user_id_occurred_at_fan_id_amount_cents"), table_name="purchases"
    )
    op.drop_table("purchases")
