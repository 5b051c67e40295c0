"""The Alembic migrations, on SQLite (a file) and on a real PostgreSQL database of their own.

From an empty database they build exactly `tables.py` (autogenerate finds nothing to add, so a
table changed without a migration fails here), and `downgrade base` takes it all away again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from adapters.storage.database import is_in_memory
from adapters.storage.migrator import SchemaMigrator, SchemaNotAtHead
from adapters.storage.tables import metadata
from tests.support.postgres import fresh_database


@pytest.fixture(params=["sqlite-file", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite-file":
        yield f"sqlite+aiosqlite:///{tmp_path / 'fancrm.db'}"
        return
    async with fresh_database("fancrm_migrations") as url:
        yield url


async def table_names(url: str) -> set[str]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda c: sa.inspect(c).get_table_names())
    finally:
        await engine.dispose()
    return set(names)


async def execute(url: str, statement: str) -> None:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.text(statement))
    finally:
        await engine.dispose()


async def test_upgrade_from_empty_builds_exactly_the_tables_of_the_code(database_url: str):
    migrator = SchemaMigrator(database_url)
    assert await migrator.current() is None

    await migrator.upgrade()

    assert await migrator.current() == migrator.head()
    assert await table_names(database_url) == {*metadata.tables, "alembic_version"}
    assert await migrator.differences() == []


async def test_the_comparison_sees_a_schema_that_drifted_from_the_tables(database_url: str):
    """Proves the check above can fail: what a forgotten migration would look like."""
    migrator = SchemaMigrator(database_url)
    await migrator.upgrade()
    await execute(database_url, "DROP INDEX ix_fans_user_id_value_cents_id")
    await execute(database_url, "ALTER TABLE quick_replies ADD COLUMN colour VARCHAR(7)")

    found = await migrator.differences()

    assert ("add_index", "ix_fans_user_id_value_cents_id") in {
        (kind, getattr(item, "name", None)) for kind, item, *_ in _flat(found)
    }
    assert any(d[0] == "remove_column" and d[-1].name == "colour" for d in _flat(found))


async def test_downgrade_to_base_removes_everything_and_upgrade_works_again(database_url: str):
    migrator = SchemaMigrator(database_url)
    await migrator.upgrade()

    await migrator.downgrade("base")

    assert await migrator.current() is None
    assert await table_names(database_url) <= {"alembic_version"}
    await migrator.upgrade()
    assert await migrator.differences() == []


async def test_a_database_not_at_head_is_refused_with_the_command_to_run(database_url: str):
    migrator = SchemaMigrator(database_url)
    with pytest.raises(SchemaNotAtHead, match=r"has no schema yet: run `fancrm db upgrade`"):
        await migrator.require_head()

    await migrator.upgrade()
    await migrator.require_head()  # at head: nothing to say

    await execute(database_url, "UPDATE alembic_version SET version_num = 'f00dfeed0000'")
    with pytest.raises(SchemaNotAtHead, match="does not know: run `fancrm db upgrade`"):
        await migrator.require_head()


def test_only_sqlite_in_memory_counts_as_in_memory() -> None:
    assert is_in_memory("sqlite+aiosqlite://")
    assert is_in_memory("sqlite+aiosqlite:///:memory:")
    assert not is_in_memory("sqlite+aiosqlite:////tmp/fancrm.db")
    assert not is_in_memory("postgresql+asyncpg://postgres@127.0.0.1/fancrm")
    with pytest.raises(ValueError, match="in-memory"):
        SchemaMigrator("sqlite+aiosqlite://")


def _flat(differences: list) -> list[tuple]:
    """Alembic nests column-level changes in lists; index and table changes are tuples."""
    return [d for d in differences if isinstance(d, tuple)]


async def test_two_upgrades_at_once_both_succeed_and_migrate_once(database_url: str):
    """Two deploy tasks running `fancrm db upgrade` at the same moment."""
    first, second = SchemaMigrator(database_url), SchemaMigrator(database_url)

    await asyncio.gather(first.upgrade(), second.upgrade())

    assert await first.current() == first.head()
    assert await first.differences() == []


async def test_an_upgraded_sqlite_database_keeps_its_rows_and_never_reuses_an_id(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    migrator = SchemaMigrator(url)
    await migrator.upgrade("0004")
    insert = (
        "INSERT INTO fans (user_id, platform, handle, tags, value_cents) "
        "VALUES ('{user}', 'onlyfans', '{handle}', '[]', 0)"
    )
    await execute(url, insert.format(user="a", handle="one"))
    await execute(url, insert.format(user="a", handle="two"))

    await migrator.upgrade()
    await execute(url, "DELETE FROM fans WHERE handle = 'two'")
    await execute(url, insert.format(user="b", handle="three"))

    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(sa.text("SELECT id, handle FROM fans"))).all()
    finally:
        await engine.dispose()
    assert sorted(rows) == [(1, "one"), (3, "three")]  # 2 was deleted: never handed out again
    assert await migrator.differences() == []


async def rows(url: str, statement: str) -> list[tuple]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return [tuple(row) for row in await connection.execute(sa.text(statement))]
    finally:
        await engine.dispose()


async def test_0009_makes_every_stored_tenant_an_account_and_changes_no_row(database_url: str):
    """A database at 0008 holding two creators' fans, conversations and messages (and a third
    creator with only settings) is upgraded: the rows are as they were, each creator is an
    account with no members, and nobody is a user."""
    migrator = SchemaMigrator(database_url)
    await migrator.upgrade("0008_authorship")
    for statement in (
        "INSERT INTO fans (user_id, platform, handle, tags, value_cents, notes) "
        "VALUES ('creator-a', 'onlyfans', 'luna', '[\"vip\"]', 1250, 'likes mornings')",
        "INSERT INTO fans (user_id, platform, handle, tags, value_cents) "
        "VALUES ('creator-b', 'fansly', 'max', '[]', 0)",
        "INSERT INTO conversations (user_id, fan_id, platform, unread_count) "
        "SELECT user_id, id, platform, 2 FROM fans",
        *(
            "INSERT INTO messages (id, user_id, conversation_id, fan_id, direction, text, "
            "media_urls, priority, status, attempts, created_at, author_kind) "
            f"SELECT '{uuid}', c.user_id, c.id, c.fan_id, 'out', 'hello', '[]', 5, 'sent', 1, "
            f"'2026-01-02 03:04:05', 'service' FROM conversations c WHERE c.user_id = '{owner}'"
            for uuid, owner in (
                ("7f1c2a52-9a1e-4d2b-9a53-1d5f6c7e8a90", "creator-a"),
                ("0b6d9a0e-3c1f-4a8e-b7d2-5e4f3a2b1c0d", "creator-b"),
            )
        ),
        "INSERT INTO account_settings (user_id, time_zone, rate_per_minute, burst) "
        "VALUES ('creator-c', 'Europe/Berlin', 6, 3)",
    ):
        await execute(database_url, statement)
    before = {table: await rows(database_url, f"SELECT * FROM {table} ORDER BY 1") for table in (
        "fans", "conversations", "messages", "account_settings"
    )}  # fmt: skip

    await migrator.upgrade()

    for table, stored in before.items():
        assert await rows(database_url, f"SELECT * FROM {table} ORDER BY 1") == stored, table
    accounts = await rows(database_url, "SELECT id, name FROM accounts ORDER BY id")
    assert accounts == [(t, t) for t in ("creator-a", "creator-b", "creator-c")]
    assert await rows(database_url, "SELECT count(*) FROM memberships") == [(0,)]
    assert await rows(database_url, "SELECT count(*) FROM users") == [(0,)]
    assert await migrator.differences() == []
