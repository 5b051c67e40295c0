"""What the repositories need of a connection, and an inline one for SQLite in memory.

In-memory SQLite does no I/O: a statement is microseconds of CPU. Through aiosqlite each one
would also cost several hand-offs to its thread (about 60 µs each, measured), so the in-memory
database runs on the event loop through the plain sqlite3 driver instead, one unit of work at a
time. PostgreSQL and SQLite files keep their async drivers.
"""

from __future__ import annotations

from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class Connection(Protocol):
    """The slice of SQLAlchemy's AsyncConnection the repositories use."""

    @property
    def dialect(self) -> Dialect: ...

    async def execute(self, statement: Any, parameters: Any = None) -> sa.CursorResult[Any]: ...

    async def scalar(self, statement: Any, parameters: Any = None) -> Any: ...


class InlineConnection:
    """A synchronous SQLAlchemy connection behind the async methods the repositories call."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    @property
    def dialect(self) -> Dialect:
        return self._connection.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> sa.CursorResult[Any]:
        return self._connection.execute(statement, parameters)

    async def scalar(self, statement: Any, parameters: Any = None) -> Any:
        return self._connection.scalar(statement, parameters)
