"""The import's storage (staging, merge, reports, error pages) on SQLite in memory, SQLite on
file and PostgreSQL (COPY): the same counts, the same fans, nothing half-written."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
import pytest
import sqlalchemy as sa

from adapters.clock import ManualClock
from adapters.storage.database import SqlAlchemyStorage
from adapters.storage.tables import fan_imports
from core.errors import NotFound, Unavailable
from core.fans.ports import FanQuery
from core.fans.records import Fan, NewFan, Platform
from core.imports.error_file import GetImportErrors
from core.imports.records import ImportMode, ImportOptions, ImportReport
from core.imports.use_case import ImportFansCsv
from tests.support.authors import SERVICE

NOW = datetime(2026, 3, 1, tzinfo=UTC)
FILE = b"""handle,name,email,value,tags,platform,last seen
alice,Alice,alice@x.io,$10,vip;new,,2025-01-01T10:00:00Z
bob,Bob,,,,fansly,
alice,Dup,,,,,
bad!,Bad,,,,,
carol,,,,whale,,
"""


async def run(
    storage: SqlAlchemyStorage, user: str, data: bytes, **options: object
) -> ImportReport:
    use_case = ImportFansCsv(storage, ManualClock(NOW))
    return await use_case.execute(user, io.BytesIO(data), ImportOptions(**options), actor=SERVICE)  # type: ignore[arg-type]


async def fans_of(storage: SqlAlchemyStorage, user: str) -> dict[tuple[str, str], Fan]:
    async with storage.begin() as uow:
        page = await uow.fans.list(user, FanQuery(limit=100))
    return {(f.platform.value, f.handle): f for f in page.items}


async def test_an_import_stages_dedupes_and_inserts_the_same_on_every_database(
    storage: SqlAlchemyStorage,
):
    user = f"creator-{uuid4().hex}"
    report = await run(storage, user, FILE)

    assert (report.total_rows, report.inserted, report.updated, report.skipped) == (5, 3, 0, 1)
    assert [(s.row, s.reason) for s in report.skipped_rows] == [(3, "duplicate of row 1")]
    assert [e.row for e in report.errors] == [4]
    fans = await fans_of(storage, user)
    assert set(fans) == {("onlyfans", "alice"), ("fansly", "bob"), ("onlyfans", "carol")}
    alice = fans["onlyfans", "alice"]
    assert (alice.name, alice.email, alice.value_cents, alice.tags) == (
        "Alice", "alice@x.io", 1000, {"vip", "new"},
    )  # fmt: skip
    assert alice.last_active_at == datetime(2025, 1, 1, 10, tzinfo=UTC)
    assert (alice.created_at, alice.updated_at) == (NOW, NOW)
    assert fans["onlyfans", "carol"].value_cents == 0


async def test_a_second_import_updates_merges_tags_and_keeps_what_the_file_left_empty(
    storage: SqlAlchemyStorage,
):
    user = f"creator-{uuid4().hex}"
    await run(storage, user, FILE)

    again = await run(storage, user, b"handle,name,value,tags\nalice,,$2.50,whale\ncarol,C,,\n")

    assert (again.inserted, again.updated, again.skipped) == (0, 2, 0)
    fans = await fans_of(storage, user)
    alice, carol = fans["onlyfans", "alice"], fans["onlyfans", "carol"]
    assert (alice.name, alice.email, alice.value_cents) == ("Alice", "alice@x.io", 250)
    assert alice.tags == {"vip", "new", "whale"}
    assert (carol.name, carol.value_cents, carol.tags) == ("C", 0, {"whale"})
    assert len(fans) == 3


async def test_skip_existing_and_dry_run_count_without_changing_existing_fans(
    storage: SqlAlchemyStorage,
):
    user = f"creator-{uuid4().hex}"
    await run(storage, user, FILE)
    before = await fans_of(storage, user)

    skipping = await run(storage, user, FILE, mode=ImportMode.SKIP_EXISTING)
    dry = await run(storage, user, FILE + b"dave,Dave,,,,,\n", dry_run=True)

    assert (skipping.inserted, skipping.updated, skipping.skipped) == (0, 0, 4)
    assert [s.reason for s in skipping.skipped_rows] == [
        "already exists", "already exists", "duplicate of row 1", "already exists",
    ]  # fmt: skip
    assert (dry.inserted, dry.updated, dry.skipped) == (1, 3, 1)
    assert await fans_of(storage, user) == before


async def test_the_error_file_pages_through_every_error_in_row_order_for_its_tenant_only(
    storage: SqlAlchemyStorage,
):
    user = f"creator-{uuid4().hex}"
    rows = b"".join(b"bad!%d,x\x00y\n" % n if n % 3 else b"ok%d,x\n" % n for n in range(2500))
    report = await run(storage, user, b"handle,name\n" + rows)

    errors = await GetImportErrors(storage).execute(user, report.id)
    found = [error async for page in errors.pages for error in page]

    assert report.error_count == len(found) == 1666
    assert [e.row for e in found] == [n + 1 for n in range(2500) if n % 3]
    assert found[0].values == ("bad!1", "x\ufffdy")  # PostgreSQL keeps no NUL: U+FFFD shows it
    with pytest.raises(NotFound):
        await GetImportErrors(storage).execute("someone-else", report.id)


async def test_a_crash_mid_import_leaves_fans_and_reports_as_they_were(
    storage: SqlAlchemyStorage,
):
    user = f"creator-{uuid4().hex}"
    async with storage.begin() as uow:
        await uow.fans.add(NewFan(Platform.ONLYFANS, "fan1", "Kept").to_fan(user, NOW))
    data = b"handle,name\n" + b"".join(b"fan%d,New\n" % n for n in range(12_000))

    def crash(_: int) -> None:
        raise RuntimeError("killed")

    use_case = ImportFansCsv(storage, ManualClock(NOW))
    with pytest.raises(Unavailable, match="nothing was imported"):
        await use_case.execute(
            user, io.BytesIO(data), ImportOptions(), progress=crash, actor=SERVICE
        )

    fans = await fans_of(storage, user)
    assert [(f.handle, f.name) for f in fans.values()] == [("fan1", "Kept")]
    async with storage.connection() as connection:
        assert await connection.scalar(sa.select(sa.func.count()).select_from(fan_imports)) == 0


@pytest.mark.parametrize("storage", ["postgres"], indirect=True)
async def test_a_database_error_mid_import_rolls_back_and_says_so(storage: SqlAlchemyStorage):
    """A real failure: the import's backend is terminated while it waits on a lock."""
    user = f"creator-{uuid4().hex}"
    url = storage.engine.url.set(drivername="postgresql").render_as_string(False)
    holder = await asyncpg.connect(url, server_settings={"search_path": await _schema(storage)})
    try:
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("LOCK TABLE fans IN EXCLUSIVE MODE")
        importing = asyncio.create_task(run(storage, user, FILE))
        for _ in range(300):
            waiting = await holder.fetchval(
                # Its query column may still show the statement before: match by the wait.
                "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND pid <> pg_backend_pid()"
            )
            if waiting:
                break
            await asyncio.sleep(0.05)
        assert waiting, "the import never waited on the lock"
        await holder.execute("SELECT pg_terminate_backend($1)", waiting)
        await transaction.rollback()
        with pytest.raises(Unavailable, match="nothing was imported"):
            await importing
    finally:
        await holder.close()
    assert await fans_of(storage, user) == {}


async def _schema(storage: SqlAlchemyStorage) -> str:
    async with storage.connection() as connection:
        return str(await connection.scalar(sa.text("SELECT current_schema()")))


async def test_a_row_whose_merged_tags_would_pass_fifty_is_refused_and_the_fan_kept(
    storage: SqlAlchemyStorage,
):
    user = f"creator-{uuid4().hex}"
    many = frozenset(f"t{n}" for n in range(48))
    async with storage.begin() as uow:
        await uow.fans.add(NewFan(Platform.ONLYFANS, "alice", tags=many).to_fan(user, NOW))

    report = await run(storage, user, b"handle,tags\nbob,a;b\nalice,t1;x;y;z\nalice,t2\n")

    assert (report.inserted, report.updated, report.skipped, report.error_count) == (1, 0, 1, 1)
    assert report.errors[0].row == 2
    assert "more than 50" in report.errors[0].error
    assert (await fans_of(storage, user))["onlyfans", "alice"].tags == many
    errors = await GetImportErrors(storage).execute(user, report.id)
    assert [e.row async for page in errors.pages for e in page] == [2]
