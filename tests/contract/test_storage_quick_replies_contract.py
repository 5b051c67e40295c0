"""The quick reply repository's contract, per tenant, on SQLite (memory, file) and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from adapters.storage.database import SqlAlchemyStorage
from core.quick_replies.records import QuickReply
from tests.support.storage import ALICE, BOB, T0


async def add_reply(storage: SqlAlchemyStorage, user_id: str, title: str) -> QuickReply:
    async with storage.begin() as uow:
        return await uow.quick_replies.add(
            QuickReply(None, user_id, title, f"content of {title}\nsecond line", T0, T0)
        )


async def test_a_quick_reply_round_trips_with_its_id_and_times(storage: SqlAlchemyStorage):
    added = await add_reply(storage, ALICE, "Thanks")

    async with storage.begin() as uow:
        found = await uow.quick_replies.get(ALICE, added.id)
    assert isinstance(added.id, int)
    assert found == added
    assert found.created_at.utcoffset() == timedelta(0)


async def test_lists_are_per_tenant_in_creation_order_with_the_total(storage: SqlAlchemyStorage):
    mine = [await add_reply(storage, ALICE, f"reply {i}") for i in range(5)]
    await add_reply(storage, BOB, "bob's")

    async with storage.begin() as uow:
        page = await uow.quick_replies.list(ALICE, 2, 1)
        beyond = await uow.quick_replies.list(ALICE, 10, 10)
        bobs = await uow.quick_replies.list(BOB, 50, 0)
    assert page.items == mine[1:3]
    assert page.total == 5
    assert (beyond.items, beyond.total) == ([], 5)
    assert [reply.title for reply in bobs.items] == ["bob's"]


async def test_update_writes_title_content_and_updated_at_only(storage: SqlAlchemyStorage):
    added = await add_reply(storage, ALICE, "Thanks")
    later = T0 + timedelta(hours=1)
    changed = replace(added, title="Thank you", content="Thank you! ❤️", updated_at=later)

    async with storage.begin() as uow:
        assert await uow.quick_replies.update(changed)
        found = await uow.quick_replies.get(ALICE, added.id)
    assert found == changed
    assert found.created_at == T0


async def test_another_tenants_reply_is_missing_to_every_method(storage: SqlAlchemyStorage):
    added = await add_reply(storage, ALICE, "Thanks")

    async with storage.begin() as uow:
        assert await uow.quick_replies.get(BOB, added.id) is None
        assert not await uow.quick_replies.update(replace(added, user_id=BOB, title="Stolen"))
        assert not await uow.quick_replies.delete(BOB, added.id)
        assert await uow.quick_replies.get(ALICE, added.id) == added


async def test_delete_removes_only_that_reply(storage: SqlAlchemyStorage):
    first = await add_reply(storage, ALICE, "one")
    second = await add_reply(storage, ALICE, "two")

    async with storage.begin() as uow:
        assert await uow.quick_replies.delete(ALICE, first.id)
        assert not await uow.quick_replies.delete(ALICE, first.id)
        assert await uow.quick_replies.get(ALICE, first.id) is None
        assert (await uow.quick_replies.list(ALICE, 50, 0)).items == [second]
