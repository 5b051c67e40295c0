"""The schema as SQLAlchemy Core tables: one definition for SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.storage.types import BigId, Json, UtcDateTime

# Defaults live in the database too, so rows written outside these tables (COPY, SQL) get them.
metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

fans = sa.Table(
    "fans",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("handle", sa.String(64), nullable=False),
    sa.Column("name", sa.String(255)),
    sa.Column("email", sa.String(320)),
    sa.Column("tags", Json, nullable=False, server_default="[]"),  # a sorted list of strings
    sa.Column("notes", sa.Text),
    sa.Column("value_cents", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    sa.Column("subscribed_at", UtcDateTime),
    sa.Column("last_active_at", UtcDateTime),
    sa.Column("created_at", UtcDateTime),
    sa.Column("updated_at", UtcDateTime),
    sa.UniqueConstraint("user_id", "platform", "handle"),
    # Serves a tenant's listing in id order; the unique constraint covers lookups by handle.
    sa.Index(None, "user_id", "id"),
)

conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("fan_id", BigId, sa.ForeignKey("fans.id", ondelete="CASCADE"), nullable=False),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("last_message_at", UtcDateTime),
    sa.Column("unread_count", sa.Integer, nullable=False, server_default=sa.text("0")),
    # Leads with user_id, so it also serves every per-tenant lookup.
    sa.UniqueConstraint("user_id", "fan_id"),
    # Lets a fan's deletion find its conversations without a scan.
    sa.Index(None, "fan_id"),
)

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column(
        "conversation_id",
        BigId,
        sa.ForeignKey("conversations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("fan_id", BigId, sa.ForeignKey("fans.id", ondelete="CASCADE"), nullable=False),
    sa.Column("direction", sa.String(8), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("media_urls", Json, nullable=False, server_default="[]"),
    sa.Column("price_cents", sa.BigInteger),
    sa.Column("priority", sa.SmallInteger, nullable=False),
    sa.Column("campaign_id", sa.BigInteger),  # the campaigns table arrives with issue 3
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("error", sa.Text),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("queued_at", UtcDateTime),
    sa.Column("sent_at", UtcDateTime),
    sa.Column("read_at", UtcDateTime),
    sa.Column("updated_at", UtcDateTime),
    sa.Column("lease_until", UtcDateTime),
    sa.Index(None, "user_id", "status"),
    sa.Index(None, "user_id", "created_at"),
    sa.Index(None, "conversation_id", "created_at"),
    # Lets a fan's deletion cascade without scanning every message.
    sa.Index(None, "fan_id"),
)
