"""imports: the report and the refused rows of each CSV import of fans

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _count(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), server_default=sa.text("0"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "fan_imports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("columns", _JSON, nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        *(_count(name) for name in ("total_rows", "inserted", "updated", "skipped")),
        _count("error_count"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fan_imports")),
    )
    op.create_index(
        op.f("ix_fan_imports_user_id_created_at"), "fan_imports", ["user_id", "created_at"]
    )
    op.create_table(
        "fan_import_errors",
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("row_no", sa.BigInteger(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("values", _JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["fan_imports.id"],
            name=op.f("fk_fan_import_errors_import_id_fan_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("import_id", "row_no", name=op.f("pk_fan_import_errors")),
    )


def downgrade() -> None:
    op.drop_table("fan_import_errors")
    op.drop_index(op.f("ix_fan_imports_user_id_created_at"), table_name="fan_imports")
    op.drop_table("fan_imports")
