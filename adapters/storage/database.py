"""The SQL storage: an engine for SQLite or PostgreSQL and units of work over one transaction."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, QueuePool

from adapters.storage.accounts import (
    SqlAlchemyAccountRepository,
    SqlAlchemyApiKeyRepository,
    SqlAlchemyInvitationRepository,
    SqlAlchemyMembershipRepository,
    SqlAlchemySessionRepository,
    SqlAlchemyUserRepository,
)
from adapters.storage.analytics import SqlAlchemyAnalyticsRepository
from adapters.storage.audit import SqlAlchemyAuditRepository
from adapters.storage.automations import SqlAlchemyAutomationRepository, SqlAlchemyRunRepository
from adapters.storage.campaigns.repository import SqlAlchemyCampaignRepository
from adapters.storage.connection import Connection, InlineConnection
from adapters.storage.conversations import SqlAlchemyConversationRepository
from adapters.storage.fans.repository import SqlAlchemyFanRepository
from adapters.storage.imports import SqlAlchemyFanImportRepository
from adapters.storage.inbound.processed_events import SqlAlchemyProcessedEventRepository
from adapters.storage.inbound.purchases import SqlAlchemyPurchaseRepository
from adapters.storage.messaging.messages import SqlAlchemyMessageRepository
from adapters.storage.messaging.outbox import SqlAlchemyOutboxRepository
from adapters.storage.quick_replies import SqlAlchemyQuickReplyRepository
from adapters.storage.settings import SqlAlchemySettingsRepository
from adapters.storage.tables import metadata
from adapters.storage.team import SqlAlchemyTeamAnalyticsRepository
from core.errors import Unavailable

SQLITE_BUSY_TIMEOUT_MS = 5000
# What a database that is down, restarting or out of reach raises, as opposed to a bad statement.
_UNREACHABLE = (OSError, TimeoutError, sa.exc.OperationalError, sa.exc.InterfaceError)


def is_in_memory(url: str) -> bool:
    """SQLite without a path: a private database that lives and dies with the process."""
    parsed = sa.make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


@asynccontextmanager
async def unavailable_when_unreachable() -> AsyncIterator[None]:
    """A database that cannot be reached is `Unavailable` (a 503), not an unexpected error."""
    try:
        yield
    except _UNREACHABLE as exc:
        raise Unavailable(f"the database is unreachable ({type(exc).__name__})") from exc


class SqlAlchemyUnitOfWork:
    """The repositories of one transaction, all on the same connection."""

    __slots__ = (
        "accounts",
        "analytics",
        "api_keys",
        "audit",
        "automation_runs",
        "automations",
        "campaigns",
        "conversations",
        "fan_imports",
        "fans",
        "invitations",
        "memberships",
        "messages",
        "outbox",
        "processed_events",
        "purchases",
        "quick_replies",
        "sessions",
        "settings",
        "team",
        "users",
    )

    def __init__(self, connection: Connection) -> None:
        self.fans = SqlAlchemyFanRepository(connection)
        self.fan_imports = SqlAlchemyFanImportRepository(connection)
        self.conversations = SqlAlchemyConversationRepository(connection)
        self.messages = SqlAlchemyMessageRepository(connection)
        self.outbox = SqlAlchemyOutboxRepository(connection)
        self.campaigns = SqlAlchemyCampaignRepository(connection)
        self.processed_events = SqlAlchemyProcessedEventRepository(connection)
        self.quick_replies = SqlAlchemyQuickReplyRepository(connection)
        self.purchases = SqlAlchemyPurchaseRepository(connection)
        self.analytics = SqlAlchemyAnalyticsRepository(connection)
        self.audit = SqlAlchemyAuditRepository(connection)
        self.automations = SqlAlchemyAutomationRepository(connection)
        self.automation_runs = SqlAlchemyRunRepository(connection)
        self.settings = SqlAlchemySettingsRepository(connection)
        self.team = SqlAlchemyTeamAnalyticsRepository(connection)
        self.users = SqlAlchemyUserRepository(connection)
        self.accounts = SqlAlchemyAccountRepository(connection)
        self.memberships = SqlAlchemyMembershipRepository(connection)
        self.sessions = SqlAlchemySessionRepository(connection)
        self.api_keys = SqlAlchemyApiKeyRepository(connection)
        self.invitations = SqlAlchemyInvitationRepository(connection)


class SqlAlchemyStorage:
    """Storage on `postgresql+asyncpg://…` or `sqlite+aiosqlite://…` (no path: in memory).

    `schema` (PostgreSQL only) puts the tables in that schema instead of `public`.
    """

    def __init__(self, url: str, *, echo: bool = False, schema: str | None = None) -> None:
        parsed = sa.make_url(url)
        self._memory_keeper: sqlite3.Connection | None = None
        # One unit of work at a time on the inline (in-memory SQLite) engine.
        self._inline_lock = asyncio.Lock()
        self.engine: AsyncEngine | sa.Engine
        if parsed.get_backend_name() != "sqlite":
            # Plan every statement for its values: tenants differ in size by orders of magnitude,
            # and the generic plan a prepared statement falls back to after five runs, made for
            # an average tenant, sorted thousands of rows for a page an index gives directly
            # (tests/bench/test_fans_bench.py). Planning costs well under a millisecond.
            settings = {"plan_cache_mode": "force_custom_plan"}
            if schema:
                settings["search_path"] = schema
            connect_args = {"server_settings": settings}
            self.engine = create_async_engine(
                parsed,
                echo=echo,
                pool_size=10,
                max_overflow=10,
                # Renew connections every 30 minutes: proxies and NATs drop idle ones silently.
                pool_recycle=1800,
                connect_args=connect_args,
            )
        elif schema is not None:
            raise ValueError("schema is for PostgreSQL; SQLite has none")
        elif is_in_memory(url):
            self.engine = self._inline_memory_engine(echo)
        else:
            self.engine = self._sqlite_file_engine(parsed, echo)

    def _sqlite_file_engine(self, url: URL, echo: bool) -> AsyncEngine:
        engine = create_async_engine(
            url,
            echo=echo,
            # One connection, so concurrent tasks queue for it instead of interleaving statements
            # of different transactions on it; SQLite admits one writer at a time anyway.
            poolclass=AsyncAdaptedQueuePool,
            pool_size=1,
            max_overflow=0,
            pool_recycle=-1,
        )
        _configure_sqlite(engine.sync_engine, in_memory=False)
        return engine

    def _inline_memory_engine(self, echo: bool) -> sa.Engine:
        """A private in-memory database, run on the event loop (see adapters.storage.connection).

        The pool may throw a connection away (an error mid-rollback, say); a plain `:memory:`
        database would vanish with it. A named shared-cache one lives as long as any connection
        to it, so one idle connection held here keeps it until `close()`.
        """
        name = f"fancrm-{uuid4().hex}"
        self._memory_keeper = sqlite3.connect(
            f"file:{name}?mode=memory&cache=shared", uri=True, check_same_thread=False
        )
        url = f"sqlite+pysqlite:///file:{name}?mode=memory&cache=shared&uri=true"
        engine = sa.create_engine(
            url, echo=echo, poolclass=QueuePool, pool_size=1, max_overflow=0, pool_recycle=-1,
            connect_args={"check_same_thread": False},
        )  # fmt: skip
        _configure_sqlite(engine, in_memory=True)
        return engine

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[SqlAlchemyUnitOfWork]:
        """One transaction: committed when the block exits normally, rolled back when it raises."""
        async with self.connection(transaction=True) as connection:
            yield SqlAlchemyUnitOfWork(connection)

    @asynccontextmanager
    async def connection(self, *, transaction: bool = False) -> AsyncIterator[Connection]:
        """A connection for raw statements (tests, operations); `transaction` commits at the end.

        A database that cannot be reached is `Unavailable` (a 503), not an unexpected error.
        """
        async with unavailable_when_unreachable(), self._open(transaction) as connection:
            yield connection

    @asynccontextmanager
    async def _open(self, transaction: bool) -> AsyncIterator[Connection]:
        if isinstance(self.engine, AsyncEngine):
            opened = self.engine.begin() if transaction else self.engine.connect()
            async with opened as connection:
                yield connection
            return
        async with self._inline_lock:
            with self.engine.begin() if transaction else self.engine.connect() as connection:
                yield InlineConnection(connection)

    async def create_schema(self) -> None:
        """Create the tables that do not exist yet (dev mode and tests; production migrates)."""
        if isinstance(self.engine, AsyncEngine):
            async with self.engine.begin() as connection:
                await connection.run_sync(metadata.create_all)
        else:
            async with self._inline_lock:
                metadata.create_all(self.engine)

    async def ping(self) -> None:
        async with self.connection() as connection:
            await connection.execute(sa.text("SELECT 1"))

    async def close(self) -> None:
        if isinstance(self.engine, AsyncEngine):
            await self.engine.dispose()
        else:
            self.engine.dispose()
        if self._memory_keeper is not None:
            self._memory_keeper.close()
            self._memory_keeper = None


def _configure_sqlite(engine: sa.Engine, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling skips BEGIN before SELECT and breaks
        # SAVEPOINT; turn it off and let `on_begin` open every transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")  # off by default in SQLite
        if not in_memory:
            # WAL lets readers in other processes (the CLI) run while the server writes.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # durable enough under WAL, and faster
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        # IMMEDIATE takes the write lock up front: a deferred transaction that reads and then
        # writes can fail at once with SQLITE_BUSY when another process wrote in between.
        # Straight to the driver: this runs on every unit of work, and SQLAlchemy's statement
        # machinery would cost more than the BEGIN itself.
        cursor = connection.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        cursor.close()
