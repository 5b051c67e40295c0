"""Alembic's environment: runs the revisions on a connection the caller passes, or on DATABASE_URL.

`adapters.storage.migrator` passes a connection (`config.attributes["connection"]`); Alembic's own
command (see alembic.ini) gets the URL from `-x url=…` or DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import Connection, pool
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.storage.migrations.autogenerate import context_options


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
    elif context.is_offline_mode():
        _emit_sql(_url())
    else:
        asyncio.run(_migrate_url(_url()))


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("set DATABASE_URL (or pass -x url=…) to the database to migrate")
    return url


def _migrate(connection: Connection) -> None:
    options = context_options(connection.dialect.name, every_dialect=_every_dialect())
    context.configure(connection=connection, **options)
    with context.begin_transaction():
        context.run_migrations()


async def _migrate_url(url: str) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate)
    finally:
        await engine.dispose()


def _every_dialect() -> bool:
    """`-x every_dialect=1`: for the first revision, from an empty database (see autogenerate)."""
    return context.get_x_argument(as_dictionary=True).get("every_dialect") == "1"


def _emit_sql(url: str) -> None:
    """`alembic upgrade head --sql`: the SQL script for a DBA to run, without connecting."""
    dialect_name = url.split("+", 1)[0].split(":", 1)[0]
    context.configure(url=url, literal_binds=True, **context_options(dialect_name))
    with context.begin_transaction():
        context.run_migrations()


main()
