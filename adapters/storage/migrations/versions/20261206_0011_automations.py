"""automations: sequences started by fans' events, their runs, and their messages' index

Revision ID: 0011_automations
Revises: 0010_team
Create Date: 2026-12-06 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011_automations"
down_revision: str | Sequence[str] | None = "0010_team"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_RUNNING = sa.text("status = 'running'")
_BY_AUTOMATION = sa.text("author_kind = 'automation'")


def upgrade() -> None:
    op.create_table(
        "automations",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("trigger", sa.String(length=32), nullable=False),
        sa.Column("subscribers", sa.String(length=16), server_default="any", nullable=False),
        sa.Column("inactive_days", sa.Integer(), nullable=True),
        sa.Column("segment", Json, nullable=True),
        sa.Column("steps", Json, nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("scanned_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automations")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_automations_user_id_trigger"), "automations", ["user_id", "trigger"])
    op.create_table(
        "automation_runs",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("automation_id", BigId, nullable=False),
        sa.Column("fan_id", BigId, nullable=True),
        sa.Column("occurrence", sa.String(length=160), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stop_reason", sa.String(length=16), nullable=True),
        sa.Column("step", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["automation_id"],
            ["automations.id"],
            name=op.f("fk_automation_runs_automation_id_automations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["fan_id"],
            ["fans.id"],
            name=op.f("fk_automation_runs_fan_id_fans"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_runs")),
        sa.UniqueConstraint(
            "automation_id",
            "fan_id",
            "occurrence",
            name=op.f("uq_automation_runs_automation_id_fan_id_occurrence"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_automation_runs_fan_id"), "automation_runs", ["fan_id"])
    op.create_index(
        "ix_automation_runs_due",
        "automation_runs",
        ["user_id", "due_at"],
        postgresql_where=_RUNNING,
        sqlite_where=_RUNNING,
    )
    op.create_index(
        "ux_automation_runs_running",
        "automation_runs",
        ["automation_id", "fan_id"],
        unique=True,
        postgresql_where=_RUNNING,
        sqlite_where=_RUNNING,
    )
    op.create_index(
        "ix_messages_automation",
        "messages",
        ["status", "user_id", "created_at"],
        postgresql_where=_BY_AUTOMATION,
        sqlite_where=_BY_AUTOMATION,
    )


def downgrade() -> None:
    op.drop_index("ix_messages_automation", table_name="messages")
    op.drop_table("automation_runs")
    op.drop_table("automations")
