"""authorship: who sent each outbound message (a member, an API key, the service, a campaign…)

Revision ID: 0008_authorship
Revises: 0007_schedules
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_authorship"
down_revision: str | Sequence[str] | None = "0007_schedules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable and without a default: rows already stored keep exactly what they hold.
    op.add_column("messages", sa.Column("author_kind", sa.String(16), nullable=True))
    op.add_column("messages", sa.Column("author_id", sa.String(128), nullable=True))


def downgrade() -> None:
    op.drop_column("messages", "author_id")
    op.drop_column("messages", "author_kind")
