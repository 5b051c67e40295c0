"""The audit log's storage on SQLite (memory, file) and a real PostgreSQL: appended entries
read back newest first, filtered by member and action, counted, and one account's entries never
seen, nor counted, by another."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from adapters.storage.database import SqlAlchemyStorage
from core.accounts import Author
from core.audit import AuditEntry, AuditQuery
from tests.support.storage import T0

CHATTER, MANAGER = Author.member("u-chatter"), Author.member("u-manager")


def entry(account: str, n: int, actor: Author, action: str, **detail) -> AuditEntry:
    return AuditEntry(account, T0 + timedelta(seconds=n), actor, action, f"target-{n}", detail)


async def seeded(storage: SqlAlchemyStorage) -> tuple[str, str]:
    account, other = f"acct-{uuid4().hex}", f"acct-{uuid4().hex}"
    async with storage.begin() as uow:
        await uow.audit.add(
            [
                entry(account, 1, CHATTER, "message.send", fanId=7),
                entry(account, 2, MANAGER, "campaign.pause", messages=3),
                entry(other, 3, CHATTER, "message.send"),
                entry(account, 4, CHATTER, "fan.update", fields="name,tags"),
                # A key whose id is a member's user id is not that member.
                entry(account, 5, Author.key("u-chatter"), "message.send"),
                entry(account, 6, Author.service(), "import.csv", inserted=2, dryRun=False),
            ]
        )
    async with storage.begin() as uow:  # a later transaction's entry is newer still
        await uow.audit.add([entry(account, 7, CHATTER, "message.send", note=None)])
    return account, other


def targets(page) -> list[str | None]:
    return [e.target for e in page.items]


async def test_entries_come_back_newest_first_with_the_total(storage: SqlAlchemyStorage):
    account, _ = await seeded(storage)
    async with storage.begin() as uow:
        page = await uow.audit.list(account, AuditQuery())
        second = await uow.audit.list(account, AuditQuery(limit=2, offset=1))

    assert targets(page) == [f"target-{n}" for n in (7, 6, 5, 4, 2, 1)]
    assert page.total == 6
    assert targets(second) == ["target-6", "target-5"]
    assert second.total == 6


async def test_an_entry_reads_back_as_it_was_written(storage: SqlAlchemyStorage):
    account, _ = await seeded(storage)
    async with storage.begin() as uow:
        page = await uow.audit.list(account, AuditQuery(action="import.csv"))

    [imported] = page.items
    assert imported.id is not None
    assert (imported.account, imported.at, imported.actor) == (
        account,
        T0 + timedelta(seconds=6),
        Author.service(),
    )
    assert imported.detail == {"inserted": 2, "dryRun": False}


async def test_filters_keep_one_members_doings_or_one_action(storage: SqlAlchemyStorage):
    account, _ = await seeded(storage)
    async with storage.begin() as uow:
        chatter = await uow.audit.list(account, AuditQuery(member="u-chatter"))
        sends = await uow.audit.list(account, AuditQuery(action="message.send"))
        both = await uow.audit.list(account, AuditQuery(member="u-chatter", action="fan.update"))
        nobody = await uow.audit.list(account, AuditQuery(member="u-nobody"))

    assert targets(chatter) == ["target-7", "target-4", "target-1"]
    assert chatter.total == 3
    assert targets(sends) == ["target-7", "target-5", "target-1"]
    assert (targets(both), both.total) == (["target-4"], 1)
    assert (nobody.items, nobody.total) == ([], 0)


async def test_another_accounts_entries_are_neither_listed_nor_counted(
    storage: SqlAlchemyStorage,
):
    _, other = await seeded(storage)
    async with storage.begin() as uow:
        theirs = await uow.audit.list(other, AuditQuery())
        stranger = await uow.audit.list(f"acct-{uuid4().hex}", AuditQuery(action="message.send"))

    assert (targets(theirs), theirs.total) == (["target-3"], 1)
    assert (stranger.items, stranger.total) == ([], 0)
