"""The storage fixture: every storage contract file runs on SQLite (memory, file) and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from adapters.storage.database import SqlAlchemyStorage
from tests.conftest import TEST_DATABASE_URL, service_unreachable
from tests.support.postgres import make_pg_trgm_visible_everywhere


@pytest.fixture(params=["sqlite-memory", "sqlite-file", "postgres"])
async def storage(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[SqlAlchemyStorage]:
    if request.param.startswith("sqlite"):
        path = "" if request.param == "sqlite-memory" else f"/{tmp_path / 'fancrm.db'}"
        storage = SqlAlchemyStorage(f"sqlite+aiosqlite://{path}")
        await storage.create_schema()
        yield storage
        await storage.close()
        return
    async for storage in _postgres_storage():
        yield storage


async def _postgres_storage() -> AsyncIterator[SqlAlchemyStorage]:
    """A storage whose tables live in a schema of their own, dropped afterwards."""
    schema = f"t_{uuid4().hex[:16]}"
    admin = create_async_engine(TEST_DATABASE_URL, poolclass=NullPool, connect_args={"timeout": 5})
    try:
        async with admin.connect() as connection:
            await make_pg_trgm_visible_everywhere(
                await connection.execution_options(isolation_level="AUTOCOMMIT")
            )
        async with admin.begin() as connection:
            await connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except (OSError, SQLAlchemyError, TimeoutError) as exc:
        await admin.dispose()
        service_unreachable("PostgreSQL", exc)
    storage = SqlAlchemyStorage(TEST_DATABASE_URL, schema=schema)
    try:
        await storage.create_schema()
        yield storage
    finally:
        await storage.close()
        async with admin.begin() as connection:
            await connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        await admin.dispose()
