"""contract: SQLite ids never reused (AUTOINCREMENT), and a tally of deleted fans' messages

Revision ID: 0005_contract
Revises: 0004
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_contract"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Their ids are integers SQLite would otherwise hand out again after a delete.
_INTEGER_ID_TABLES = (
    "fans",
    "conversations",
    "campaigns",
    "processed_events",
    "purchases",
    "quick_replies",
)


def upgrade() -> None:
    op.create_table(
        "message_tallies",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sent", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("failed", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_tallies")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_message_tallies_user_id_day"), "message_tallies", ["user_id", "day"])
    _rebuild_on_sqlite(autoincrement=True)


def downgrade() -> None:
    _rebuild_on_sqlite(autoincrement=False)
    op.drop_index(op.f("ix_message_tallies_user_id_day"), table_name="message_tallies")
    op.drop_table("message_tallies")


def _rebuild_on_sqlite(*, autoincrement: bool) -> None:
    # SQLite cannot add AUTOINCREMENT to a table: it is rebuilt (rows, indexes and keys kept;
    # the migrator runs this with foreign keys off, so no cascade fires). PostgreSQL's
    # sequences never hand an id out twice already.
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in _INTEGER_ID_TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass
