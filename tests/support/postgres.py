"""Throwaway PostgreSQL databases, and pg_trgm where per-test schemas can see it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, ProgrammingError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from tests.conftest import TEST_DATABASE_URL, service_unreachable

_WHERE_TRGM = sa.text(
    "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
)


@asynccontextmanager
async def fresh_database(prefix: str = "fancrm") -> AsyncIterator[str]:
    """The URL of a new, empty database on the test server, dropped afterwards.

    A database of its own (not a schema) so the code under test runs on DATABASE_URL exactly as
    in production: `public`, the extensions the migrations install, nothing shared.
    """
    name = f"{prefix}_{uuid4().hex[:12]}"
    admin = create_async_engine(
        TEST_DATABASE_URL, poolclass=NullPool, isolation_level="AUTOCOMMIT",
        connect_args={"timeout": 5},
    )  # fmt: skip
    try:
        async with admin.connect() as connection:
            await connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except (OSError, SQLAlchemyError, TimeoutError) as exc:
        await admin.dispose()
        service_unreachable("PostgreSQL", exc)
    try:
        yield sa.make_url(TEST_DATABASE_URL).set(database=name).render_as_string(False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def make_pg_trgm_visible_everywhere(connection: AsyncConnection) -> None:
    """Put pg_trgm in pg_catalog, which every search_path includes.

    The contract tests give each test a schema and a search_path of that schema alone: the
    trigram operator classes of the search indexes must resolve from there. Call it outside any
    transaction (an AUTOCOMMIT connection): two test processes may race to create it.
    """
    for _ in range(3):
        where = await connection.scalar(_WHERE_TRGM)
        try:
            if where is None:
                await connection.execute(sa.text("CREATE EXTENSION pg_trgm SCHEMA pg_catalog"))
            elif where != "pg_catalog":
                await connection.execute(sa.text("ALTER EXTENSION pg_trgm SET SCHEMA pg_catalog"))
            return
        except (IntegrityError, ProgrammingError):
            continue  # another process created it in between: look again
