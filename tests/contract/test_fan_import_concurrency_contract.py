"""Two imports of one creator at the same moment, on every storage: each fan is written once, and
`skip_existing` leaves alone the fans the other import wrote first (PostgreSQL runs them side by
side; SQLite one after the other)."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from adapters.storage.database import SqlAlchemyStorage
from core.imports.records import ImportMode
from tests.contract.test_fan_import_contract import fans_of, run

ROWS = 300
FILE = b"handle,name,value\n" + b"".join(b"fan%d,First,$1\n" % i for i in range(ROWS))
OTHER = FILE.replace(b"First", b"Second")


async def test_concurrent_skip_existing_imports_insert_each_fan_once_and_update_none(
    storage: SqlAlchemyStorage,
):
    user = f"creator-{uuid4().hex}"

    first, second = await asyncio.gather(
        run(storage, user, FILE, mode=ImportMode.SKIP_EXISTING),
        run(storage, user, OTHER, mode=ImportMode.SKIP_EXISTING),
    )

    assert first.updated == second.updated == 0
    assert first.inserted + second.inserted == ROWS
    assert first.skipped + second.skipped == ROWS
    for report in (first, second):
        assert report.inserted + report.skipped == ROWS
    # Nothing the other import wrote was overwritten: one name per fan, the inserting import's.
    names = {fan.name for fan in (await fans_of(storage, user)).values()}
    if first.inserted == ROWS:
        assert names == {"First"}
    elif second.inserted == ROWS:
        assert names == {"Second"}
