"""accounts: people (users), creator accounts, memberships, sessions and refresh tokens, API
keys and invitations; every tenant already stored becomes an account with no members

Revision ID: 0009_accounts
Revises: 0008_authorship
Create Date: 2026-12-06 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0009_accounts"
down_revision: str | Sequence[str] | None = "0008_authorship"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Time = sa.DateTime(timezone=True)
# Every table that carries a tenant id (`user_id`) as of 0008: each id found becomes an account.
TENANT_TABLES = (
    "fans",
    "conversations",
    "campaigns",
    "messages",
    "processed_events",
    "purchases",
    "message_tallies",
    "quick_replies",
    "fan_imports",
    "account_settings",
    "audit_log",
)


def upgrade() -> None:
    _create_tables()
    _accounts_for_existing_tenants()


def _create_tables() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("password_changed_at", Time, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "memberships",
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", Time, nullable=False),
        _cascade("account_id", "accounts", "memberships"),
        _cascade("user_id", "users", "memberships"),
        sa.PrimaryKeyConstraint("account_id", "user_id", name=op.f("pk_memberships")),
    )
    _index("memberships", "user_id", "created_at")
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=True),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("revoked_at", Time, nullable=True),
        _cascade("user_id", "users", "sessions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    _index("sessions", "user_id")
    op.create_table(
        "refresh_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("issued_at", Time, nullable=False),
        sa.Column("expires_at", Time, nullable=False),
        sa.Column("used_at", Time, nullable=True),
        _cascade("session_id", "sessions", "refresh_tokens"),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_refresh_tokens")),
    )
    _index("refresh_tokens", "session_id")
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("last_used_at", Time, nullable=True),
        sa.Column("revoked_at", Time, nullable=True),
        _cascade("account_id", "accounts", "api_keys"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
    )
    _index("api_keys", "account_id", "created_at")
    op.create_table(
        "invitations",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("expires_at", Time, nullable=False),
        sa.Column("accepted_at", Time, nullable=True),
        sa.Column("revoked_at", Time, nullable=True),
        _cascade("account_id", "accounts", "invitations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    _index("invitations", "account_id", "email")


def _accounts_for_existing_tenants() -> None:
    """One account per tenant id found, named after it, with no members: the service token
    keeps acting as its owner, and an owner can be added (`fancrm members add`)."""
    tenants = " UNION ".join(f"SELECT user_id FROM {table}" for table in TENANT_TABLES)
    op.execute(
        sa.text(
            "INSERT INTO accounts (id, name, created_at) "
            f"SELECT user_id, user_id, :now FROM ({tenants}) AS tenants"
        ).bindparams(sa.bindparam("now", type_=Time, value=_now()))
    )


def _now() -> datetime:
    now = datetime.now(UTC)
    # SQLite keeps times as their UTC wall time (adapters.storage.types.UtcDateTime).
    return now.replace(tzinfo=None) if op.get_bind().dialect.name == "sqlite" else now


def _cascade(column: str, parent: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{parent}.id"],
        name=op.f(f"fk_{table}_{column}_{parent}"),
        ondelete="CASCADE",
    )


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


def downgrade() -> None:
    for table in ("invitations", "api_keys", "refresh_tokens", "sessions", "memberships"):
        op.drop_table(table)
    op.drop_table("users")
    op.drop_table("accounts")
