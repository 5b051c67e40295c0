"""How Alembic compares a database with `tables.metadata`, and how it writes a new revision.

Shared by env.py and the tests. `tables.py` declares some indexes for one dialect only
(`Index(...).ddl_if(dialect=...)`, e.g. GIN on PostgreSQL); Alembic knows nothing of `ddl_if`, so
this module leaves those out of another dialect's comparison and writes them into revisions
under `if op.get_bind().dialect.name == ...:`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import rewriter
from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import render_op_text, renderers
from alembic.operations import ops

from adapters.storage.tables import metadata
from adapters.storage.types import UtcDateTime


def context_options(dialect_name: str, *, every_dialect: bool = False) -> dict[str, Any]:
    """`EnvironmentContext.configure` options for a database of that dialect.

    `every_dialect` also proposes the indexes of other dialects: right only when writing the
    first revision from an empty database (`-x every_dialect=1`), where everything is new.
    """
    return {
        "target_metadata": metadata,
        # SQLite cannot ALTER most things: Alembic rebuilds the table ("batch") instead.
        "render_as_batch": dialect_name == "sqlite",
        "compare_type": True,
        "include_object": _ObjectsOfDialect(None if every_dialect else dialect_name),
        "render_item": _render_item,
        "process_revision_directives": _under_their_dialect,
    }


def _dialects_of(item: Any) -> tuple[str, ...] | None:
    """The dialects `ddl_if` limits a schema item to; None for every dialect."""
    condition = getattr(item, "_ddl_if", None)
    if condition is None or condition.dialect is None:
        return None
    dialects = condition.dialect
    return (dialects,) if isinstance(dialects, str) else tuple(dialects)


class _ObjectsOfDialect:
    """Leaves out of the comparison what `tables.py` creates only on other dialects."""

    def __init__(self, dialect_name: str | None) -> None:
        self._dialect_name = dialect_name

    def __call__(
        self, obj: Any, _name: str | None, _type: str, reflected: bool, compare_to: Any
    ) -> bool:
        dialects = _dialects_of(compare_to if reflected else obj)
        return dialects is None or self._dialect_name is None or self._dialect_name in dialects


def _render_item(type_: str, obj: Any, _context: AutogenContext) -> str | bool:
    # A revision must not import the application's types: it would change when they do.
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False  # Alembic's own rendering


class DialectOnly(ops.MigrateOperation):
    """An index operation that runs on one dialect only, rendered under an `if`."""

    def __init__(self, dialect: str, operation: ops.CreateIndexOp | ops.DropIndexOp) -> None:
        self.dialect = dialect
        self.operation = operation

    def reverse(self) -> DialectOnly:
        return DialectOnly(self.dialect, self.operation.reverse())


@renderers.dispatch_for(DialectOnly)
def _render_dialect_only(context: AutogenContext, only: DialectOnly) -> list[str]:
    lines = [f"if op.get_bind().dialect.name == {only.dialect!r}:"]
    if isinstance(only.operation, ops.CreateIndexOp) and _uses_pg_trgm(only.operation):
        # IF NOT EXISTS: several indexes bring it. pg_trgm is a trusted extension (PostgreSQL
        # 13+): the database's owner may install it. A downgrade leaves it: others may use it.
        lines.append('op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")')
    # Alembic's printer indents after a line ending in ':' and dedents at an empty line.
    return [*lines, render_op_text(context, only.operation), ""]


def _uses_pg_trgm(operation: ops.CreateIndexOp) -> bool:
    classes = operation.kw.get("postgresql_ops") or {}
    return any("trgm" in name for name in classes.values())


_under_their_dialect = rewriter.Rewriter()


@_under_their_dialect.rewrites(ops.CreateIndexOp)
@_under_their_dialect.rewrites(ops.DropIndexOp)
def _wrap_dialect_only_index(
    _context: Any, _revision: Any, operation: ops.CreateIndexOp | ops.DropIndexOp
) -> list[ops.MigrateOperation]:
    dialects = _dialects_of(_declared_index(operation.table_name, operation.index_name))
    if dialects is None:
        return [operation]
    return [DialectOnly(dialect, operation) for dialect in dialects]


def _declared_index(table_name: str | None, index_name: Any) -> sa.Index | None:
    table = metadata.tables.get(table_name or "")
    if table is None:
        return None
    return next((index for index in table.indexes if index.name == index_name), None)
