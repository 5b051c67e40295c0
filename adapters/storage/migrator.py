"""Runs the Alembic migrations of a database and tells whether its schema is the code's.

An in-memory SQLite database is created from `tables.metadata` (nothing persists, nothing to
migrate); every database that persists, PostgreSQL or a SQLite file, is migrated deliberately
with `fancrm db upgrade`, and a process refuses to start on one whose schema is not at head.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from adapters.storage.database import is_in_memory, unavailable_when_unreachable
from adapters.storage.migrations.autogenerate import context_options
from adapters.storage.tables import metadata
from core.errors import Unavailable

MIGRATIONS = Path(__file__).parent / "migrations"
UPGRADE_HINT = "run `fancrm db upgrade`"
_LOCK_MIGRATIONS = sa.text("SELECT pg_advisory_xact_lock(:key)")
_MIGRATION_LOCK_KEY = 0x66616E63726D  # "fancrm": one lock for every migration of a database


class SchemaNotAtHead(Unavailable):
    """The database's schema is not the one this code was written for."""


class SchemaMigrator:
    """Alembic on one database: `postgresql+asyncpg://…` or `sqlite+aiosqlite:///file`.

    Each call opens its own connection: on SQLite with foreign keys off (the default), because a
    batch migration rebuilds a table by dropping it, which would cascade into the tables that
    refer to it.
    """

    def __init__(self, url: str) -> None:
        if is_in_memory(url):
            raise ValueError("an in-memory database is created from the tables, not migrated")
        self._url = url
        self._config = Config()
        self._config.set_main_option("script_location", str(MIGRATIONS))

    def head(self) -> str:
        """The newest revision this code knows."""
        head = ScriptDirectory.from_config(self._config).get_current_head()
        assert head is not None, "there is no migration"
        return head

    async def current(self) -> str | None:
        """The database's revision; None for a database never migrated."""
        return await self._on_connection(_current_revision)

    async def upgrade(self, revision: str = "head") -> None:
        await self._on_connection(self._command(command.upgrade, revision))

    async def downgrade(self, revision: str) -> None:
        await self._on_connection(self._command(command.downgrade, revision))

    async def differences(self) -> list[Any]:
        """What Alembic's autogenerate finds between the database and `tables.metadata`."""
        return await self._on_connection(_compare_with_tables)

    async def require_head(self) -> None:
        """Raises `SchemaNotAtHead`, one line saying what to do, unless the schema is at head."""
        current, head = await self.current(), self.head()
        if current == head:
            return
        if current is None:
            state = "has no schema yet"
        elif self._knows(current):
            state = f"is at revision {current}, behind {head}"
        else:
            state = f"is at revision {current}, which this version of fancrm does not know"
        raise SchemaNotAtHead(f"the database {state}: {UPGRADE_HINT}")

    def _knows(self, revision: str) -> bool:
        scripts = ScriptDirectory.from_config(self._config)
        return any(script.revision == revision for script in scripts.walk_revisions())

    def _command(self, run: Callable[[Config, str], None], revision: str) -> Callable[..., None]:
        def on(connection: sa.Connection) -> None:
            if connection.dialect.name == "postgresql":
                # Two deploys migrating at once: the second waits for the first's commit, then
                # finds the schema at head (SQLite's BEGIN IMMEDIATE serializes them anyway).
                connection.execute(_LOCK_MIGRATIONS, {"key": _MIGRATION_LOCK_KEY})
            self._config.attributes["connection"] = connection  # env.py migrates on it
            try:
                run(self._config, revision)
            finally:
                del self._config.attributes["connection"]

        return on

    async def _on_connection(self, work: Callable[[sa.Connection], Any]) -> Any:
        engine = create_async_engine(self._url, poolclass=NullPool)
        if engine.dialect.name == "sqlite":
            _make_ddl_transactional(engine.sync_engine)
        try:
            async with unavailable_when_unreachable():
                connection = await engine.connect()
            try:
                async with connection.begin():
                    return await connection.run_sync(work)
            finally:
                await connection.close()
        finally:
            await engine.dispose()


def _make_ddl_transactional(engine: sa.Engine) -> None:
    """SQLite: every statement inside the migration's transaction, write lock taken at BEGIN.

    The driver would run DDL outside any transaction: a failed migration would stay half done,
    and two at once would race.
    """

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN/COMMIT from the driver

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _current_revision(connection: sa.Connection) -> str | None:
    with _alembic_quiet():
        return MigrationContext.configure(connection).get_current_revision()


def _compare_with_tables(connection: sa.Connection) -> list[Any]:
    options = context_options(connection.dialect.name)
    with _alembic_quiet():
        context = MigrationContext.configure(connection, opts=options)
    return list(compare_metadata(context, metadata))


@contextlib.contextmanager
def _alembic_quiet() -> Iterator[None]:
    """A look at the schema is no migration: Alembic's "Context impl …" info lines would land
    in the terminal of every command that checks the schema (around the import's progress bar)."""
    logger = logging.getLogger("alembic.runtime.migration")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
