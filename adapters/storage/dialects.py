"""What the two dialects spell differently: INSERT … ON CONFLICT DO NOTHING, and a time's day."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from adapters.storage.connection import Connection


class InsertIgnoringConflicts:
    """`INSERT … ON CONFLICT (<columns>) DO NOTHING RETURNING id`, built once per dialect.

    A conflicting row returns nothing instead of raising, so the transaction stays usable
    (PostgreSQL aborts a whole transaction on a failed statement) without a SAVEPOINT round trip.
    With `source`, the row comes from that SELECT (`INSERT … SELECT`) and may not exist at all.
    """

    def __init__(
        self,
        table: sa.Table,
        conflict_columns: Sequence[str],
        *,
        source: sa.Select[Any] | None = None,
        returning: str = "id",
    ) -> None:
        """`returning`: a column every inserted row has a value in (a table without `id`)."""
        self._by_dialect: dict[str, sa.Insert] = {}
        for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert)):
            statement = insert(table)
            if source is not None:
                statement = statement.from_select(list(source.selected_columns.keys()), source)
            self._by_dialect[name] = statement.on_conflict_do_nothing(
                index_elements=list(conflict_columns)
            ).returning(table.c[returning])

    async def __call__(self, connection: Connection, values: dict[str, Any]) -> Any:
        """The new row's id (or `returning` column), or None when nothing was inserted."""
        statement = self._by_dialect[connection.dialect.name]
        return (await connection.execute(statement, values)).scalar_one_or_none()


class utc_day(FunctionElement[Any]):  # lower case: it reads as the SQL function it is
    """The UTC calendar day of a time column, as a `date`: what per-day figures group by."""

    type = sa.Date()
    inherit_cache = True


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    # timestamptz → the UTC wall time → its date, whatever the session's TimeZone.
    return f"CAST(timezone('UTC', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    # UtcDateTime stores the UTC wall time as text: its first ten characters are the day.
    return f"date({compiler.process(element.clauses, **kw)})"


class epoch_micros(FunctionElement[Any]):  # lower case: it reads as the SQL function it is
    """A time column as integer microseconds since the epoch: differences of two are exact."""

    type = sa.BigInteger()
    inherit_cache = True


@compiles(epoch_micros, "postgresql")
def _epoch_micros_postgresql(element: epoch_micros, compiler: SQLCompiler, **kw: Any) -> str:
    # EXTRACT returns an exact numeric (PostgreSQL 14+), so the product is whole microseconds.
    return (
        f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) * 1000000 AS BIGINT)"
    )


@compiles(epoch_micros, "sqlite")
def _epoch_micros_sqlite(element: epoch_micros, compiler: SQLCompiler, **kw: Any) -> str:
    # UtcDateTime stores `YYYY-MM-DD HH:MM:SS.ffffff`: whole seconds from strftime, then the six
    # digits after the point; integers throughout (julianday's float would round). strftime is
    # given the seconds only: it reads a fraction to the millisecond, rounding .999999 up a second.
    column = compiler.process(element.clauses, **kw)
    seconds = f"CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER)"
    return f"({seconds} * 1000000 + CAST(substr({column}, 21, 6) AS INTEGER))"
