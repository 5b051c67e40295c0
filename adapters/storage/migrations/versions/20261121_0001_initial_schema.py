"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21 08:04:34.973151
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=32), server_default="bulk_message", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "template",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "audience",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("revenue_cents", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    op.create_index(op.f("ix_campaigns_user_id"), "campaigns", ["user_id"], unique=False)
    op.create_table(
        "fans",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("handle", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("value_cents", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("subscribed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_active_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unsubscribed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fans")),
        sa.UniqueConstraint(
            "user_id", "platform", "handle", name=op.f("uq_fans_user_id_platform_handle")
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_fans_email_trgm",
            "fans",
            ["email"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"email": "gin_trgm_ops"},
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_fans_handle_trgm",
            "fans",
            ["handle"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"handle": "gin_trgm_ops"},
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_fans_name_trgm",
            "fans",
            ["name"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        )

    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            op.f("ix_fans_tags"),
            "fans",
            ["tags"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"tags": "jsonb_path_ops"},
        )

    op.create_index(op.f("ix_fans_user_id_id"), "fans", ["user_id", "id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_fans_user_id_last_active_at_desc",
            "fans",
            [
                "user_id",
                sa.literal_column("last_active_at DESC NULLS LAST"),
                sa.literal_column("id DESC"),
            ],
            unique=False,
        )

    op.create_index(
        op.f("ix_fans_user_id_last_active_at_id"),
        "fans",
        ["user_id", "last_active_at", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_fans_user_id_value_cents_id"),
        "fans",
        ["user_id", "value_cents", "id"],
        unique=False,
    )
    op.create_table(
        "processed_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processed_events")),
        sa.UniqueConstraint(
            "user_id", "event_id", name=op.f("uq_processed_events_user_id_event_id")
        ),
    )
    op.create_table(
        "quick_replies",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quick_replies")),
    )
    op.create_index(
        op.f("ix_quick_replies_user_id_id"), "quick_replies", ["user_id", "id"], unique=False
    )
    op.create_table(
        "conversations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("fan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unread_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["fan_id"], ["fans.id"], name=op.f("fk_conversations_fan_id_fans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("user_id", "fan_id", name=op.f("uq_conversations_user_id_fan_id")),
    )
    op.create_index(op.f("ix_conversations_fan_id"), "conversations", ["fan_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_conversations_inbox",
            "conversations",
            [
                "user_id",
                sa.literal_column("last_message_at DESC NULLS LAST"),
                sa.literal_column("id DESC"),
            ],
            unique=False,
        )

    if op.get_bind().dialect.name == "sqlite":
        op.create_index(
            "ix_conversations_inbox_sqlite",
            "conversations",
            ["user_id", sa.literal_column("last_message_at DESC"), sa.literal_column("id DESC")],
            unique=False,
        )

    op.create_table(
        "messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column(
            "conversation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("fan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "media_urls",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("price_cents", sa.BigInteger(), nullable=True),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column(
            "campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_messages_campaign_id_campaigns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_messages_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["fan_id"], ["fans.id"], name=op.f("fk_messages_fan_id_fans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("campaign_id", "fan_id", name=op.f("uq_messages_campaign_id_fan_id")),
    )
    op.create_index(
        op.f("ix_messages_conversation_id_created_at"),
        "messages",
        ["conversation_id", "created_at"],
        unique=False,
    )
    op.create_index(op.f("ix_messages_fan_id"), "messages", ["fan_id"], unique=False)
    op.create_index(
        op.f("ix_messages_user_id_created_at"), "messages", ["user_id", "created_at"], unique=False
    )
    op.create_index(
        op.f("ix_messages_user_id_status"), "messages", ["user_id", "status"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_messages_user_id_status"), table_name="messages")
    op.drop_index(op.f("ix_messages_user_id_created_at"), table_name="messages")
    op.drop_index(op.f("ix_messages_fan_id"), table_name="messages")
    op.drop_index(op.f("ix_messages_conversation_id_created_at"), table_name="messages")
    op.drop_table("messages")
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_conversations_inbox_sqlite", table_name="conversations")

    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_conversations_inbox", table_name="conversations")

    op.drop_index(op.f("ix_conversations_fan_id"), table_name="conversations")
    op.drop_table("conversations")
    op.drop_index(op.f("ix_quick_replies_user_id_id"), table_name="quick_replies")
    op.drop_table("quick_replies")
    op.drop_table("processed_events")
    op.drop_index(op.f("ix_fans_user_id_value_cents_id"), table_name="fans")
    op.drop_index(op.f("ix_fans_user_id_last_active_at_id"), table_name="fans")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_fans_user_id_last_active_at_desc", table_name="fans")

    op.drop_index(op.f("ix_fans_user_id_id"), table_name="fans")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(
            op.f("ix_fans_tags"),
            table_name="fans",
            postgresql_using="gin",
            postgresql_ops={"tags": "jsonb_path_ops"},
        )

    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(
            "ix_fans_name_trgm",
            table_name="fans",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        )

    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(
            "ix_fans_handle_trgm",
            table_name="fans",
            postgresql_using="gin",
            postgresql_ops={"handle": "gin_trgm_ops"},
        )

    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(
            "ix_fans_email_trgm",
            table_name="fans",
            postgresql_using="gin",
            postgresql_ops={"email": "gin_trgm_ops"},
        )

    op.drop_table("fans")
    op.drop_index(op.f("ix_campaigns_user_id"), table_name="campaigns")
    op.drop_table("campaigns")
