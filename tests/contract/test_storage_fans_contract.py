"""The fan repository's contract: search, filters, sorts, update, delete, top; per tenant.

Runs on SQLite in memory, SQLite on file and a real PostgreSQL (tests/contract/conftest.py).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from uuid import uuid4

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.storage.database import SqlAlchemyStorage
from adapters.storage.tables import conversations, fans, messages
from core.errors import Conflict
from core.fans.ports import FanQuery, FanSort
from core.fans.records import Fan, Platform
from core.messaging.records import MessageStatus
from tests.support.storage import ALICE, BOB, T0, add_fan, add_message, new_fan


async def listed(storage: SqlAlchemyStorage, user_id: str, **query: object) -> list[str]:
    async with storage.begin() as uow:
        page = await uow.fans.list(user_id, FanQuery(**query))  # type: ignore[arg-type]
    return [fan.handle for fan in page.items]


# --- search and filters --------------------------------------------------------------------------


async def test_search_is_a_case_insensitive_substring_of_handle_name_or_email(
    storage: SqlAlchemyStorage,
):
    await add_fan(storage, ALICE, "moonlight")
    await add_fan(storage, ALICE, "x1", name="Sailor MOON")
    await add_fan(storage, ALICE, "x2", email="Honeymoon@example.com")
    await add_fan(storage, ALICE, "x3", name="Star", email="star@example.com")
    await add_fan(storage, BOB, "moon")

    assert await listed(storage, ALICE, search="MoOn") == ["moonlight", "x1", "x2"]
    assert await listed(storage, ALICE, search="example.com") == ["x2", "x3"]
    assert await listed(storage, ALICE, search="nobody") == []


async def test_like_wildcards_in_a_search_match_only_themselves(storage: SqlAlchemyStorage):
    await add_fan(storage, ALICE, "a_b")
    await add_fan(storage, ALICE, "axb")
    await add_fan(storage, ALICE, "c", name="100% real")
    await add_fan(storage, ALICE, "d", name="1000 real")
    await add_fan(storage, ALICE, "e", name="back\\slash")

    assert await listed(storage, ALICE, search="a_b") == ["a_b"]
    assert await listed(storage, ALICE, search="0%") == ["c"]
    assert await listed(storage, ALICE, search="k\\s") == ["e"]


async def test_the_tag_filter_keeps_fans_carrying_every_tag_given(storage: SqlAlchemyStorage):
    await add_fan(storage, ALICE, "both", tags=frozenset({"vip", "whale"}))
    await add_fan(storage, ALICE, "vip-only", tags=frozenset({"vip"}))
    await add_fan(storage, ALICE, "spaced", tags=frozenset({"big spender", "vip"}))
    await add_fan(storage, ALICE, "none")
    await add_fan(storage, BOB, "bobs-vip", tags=frozenset({"vip", "whale"}))

    assert await listed(storage, ALICE, tags=frozenset({"vip"})) == ["both", "vip-only", "spaced"]
    assert await listed(storage, ALICE, tags=frozenset({"vip", "whale"})) == ["both"]
    assert await listed(storage, ALICE, tags=frozenset({"big spender"})) == ["spaced"]
    # A tag is matched whole, never as a substring of another.
    assert await listed(storage, ALICE, tags=frozenset({"vi"})) == []


async def test_filters_combine_and_the_total_counts_every_match_not_the_page(
    storage: SqlAlchemyStorage,
):
    for i in range(6):
        platform = Platform.FANSLY if i % 2 else Platform.ONLYFANS
        await add_fan(storage, ALICE, f"luna{i}", platform=platform, tags=frozenset({"vip"}))
    await add_fan(storage, ALICE, "luna-untagged", platform=Platform.FANSLY)

    query = FanQuery(
        limit=2,
        platform=Platform.FANSLY,
        search="LUNA",
        tags=frozenset({"vip"}),
        sort=FanSort.NEWEST,
    )
    async with storage.begin() as uow:
        page = await uow.fans.list(ALICE, query)
    assert page.total == 3
    assert [fan.handle for fan in page.items] == ["luna5", "luna3"]


# --- sorts ---------------------------------------------------------------------------------------


async def test_each_sort_orders_by_its_column_ties_by_id_never_active_as_least_recent(
    storage: SqlAlchemyStorage,
):
    rows = [("a", 500, 3), ("b", 100, None), ("c", 500, 1), ("d", 0, 2), ("e", 100, None)]
    for handle, value, active_hours in rows:
        active = None if active_hours is None else T0 + timedelta(hours=active_hours)
        await add_fan(storage, ALICE, handle, value_cents=value, last_active_at=active)

    expected = {
        FanSort.CREATED: "abcde",
        FanSort.NEWEST: "edcba",
        FanSort.VALUE: "dbeac",
        FanSort.TOP_VALUE: "caebd",
        FanSort.LEAST_RECENTLY_ACTIVE: "becda",
        FanSort.MOST_RECENTLY_ACTIVE: "adceb",
    }
    for sort, order in expected.items():
        assert "".join(await listed(storage, ALICE, sort=sort)) == order, sort


# --- the same answers as a plain Python filter ---------------------------------------------------

TAGS = ["vip", "whale", "new", "big spender"]
# ASCII only: SQLite's lower() folds ASCII letters and nothing else (PostgreSQL folds all).
TEXT = st.text(alphabet="aAbBoO%_\\. @", min_size=1, max_size=8)
generated_fan = st.fixed_dictionaries(
    {
        "platform": st.sampled_from([Platform.ONLYFANS, Platform.FANSLY]),
        "name": st.none() | TEXT,
        "email": st.none() | TEXT,
        "tags": st.frozensets(st.sampled_from(TAGS), max_size=3),
        "value_cents": st.integers(0, 3),
        "active_hours": st.none() | st.integers(0, 3),
    }
)
generated_query = st.builds(
    FanQuery,
    limit=st.integers(1, 5),
    offset=st.integers(0, 4),
    platform=st.none() | st.sampled_from([Platform.ONLYFANS, Platform.FANSLY]),
    search=st.none() | st.text(alphabet="abAB%_\\.@o", min_size=1, max_size=3),
    tags=st.frozensets(st.sampled_from(TAGS), max_size=2),
    sort=st.sampled_from(list(FanSort)),
)


def python_list(fans: list[Fan], query: FanQuery) -> tuple[list[int], int]:
    """The page and total a fan list must give, computed without SQL."""

    def matches(fan: Fan) -> bool:
        term = (query.search or "").lower()
        texts = (fan.handle, fan.name or "", fan.email or "")
        return (
            (query.platform is None or fan.platform == query.platform)
            and query.tags <= fan.tags
            and any(term in text.lower() for text in texts)
        )

    def by_activity(fan: Fan, newest_first: bool) -> tuple[bool, float, int]:
        """Never active counts as least recently active: first oldest-first, last newest-first."""
        seen = fan.last_active_at
        stamp = 0.0 if seen is None else seen.timestamp()
        sign = -1 if newest_first else 1
        return ((seen is None) == newest_first, sign * stamp, sign * (fan.id or 0))

    keys = {
        FanSort.CREATED: lambda f: f.id,
        FanSort.NEWEST: lambda f: -f.id,
        FanSort.VALUE: lambda f: (f.value_cents, f.id),
        FanSort.TOP_VALUE: lambda f: (-f.value_cents, -f.id),
        FanSort.LEAST_RECENTLY_ACTIVE: lambda f: by_activity(f, newest_first=False),
        FanSort.MOST_RECENTLY_ACTIVE: lambda f: by_activity(f, newest_first=True),
    }
    found = sorted(filter(matches, fans), key=keys[query.sort])
    page = found[query.offset : query.offset + query.limit]
    return [fan.id for fan in page if fan.id is not None], len(found)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fans=st.lists(generated_fan, min_size=0, max_size=8),
    queries=st.lists(generated_query, min_size=1, max_size=6),
)
async def test_lists_equal_a_python_filter_over_the_same_fans(
    storage: SqlAlchemyStorage, fans: list[dict], queries: list[FanQuery]
):
    owner = f"creator-{uuid4().hex}"  # a tenant per example: the storage outlives examples
    stored = []
    async with storage.begin() as uow:
        await uow.fans.add(new_fan(BOB + owner, "intruder", tags=frozenset(TAGS)))
        for index, generated in enumerate(fans):
            fields = dict(generated)
            hours = fields.pop("active_hours")
            active = None if hours is None else T0 + timedelta(hours=hours)
            fan = new_fan(owner, f"fan{index}.{'ab'[index % 2]}", **fields, last_active_at=active)
            stored.append(await uow.fans.add(fan))

    for query in queries:
        async with storage.begin() as uow:
            page = await uow.fans.list(owner, query)
        assert ([fan.id for fan in page.items], page.total) == python_list(stored, query), query


# --- update, delete, top -------------------------------------------------------------------------


async def test_update_writes_every_field_but_the_owner_and_creation_time(
    storage: SqlAlchemyStorage,
):
    fan = await add_fan(storage, ALICE, "luna", name="Luna", tags=frozenset({"vip"}))
    changed = replace(
        fan,
        platform=Platform.PATREON,
        handle="luna2",
        name=None,
        email="l@example.com",
        tags=frozenset({"whale", "new"}),
        notes="moved",
        value_cents=999,
        subscribed_at=T0,
        last_active_at=T0 + timedelta(days=1),
        updated_at=T0 + timedelta(days=2),
    )

    async with storage.begin() as uow:
        assert await uow.fans.update(changed)
    async with storage.begin() as uow:
        found = await uow.fans.get(ALICE, fan.id, for_update=True)
    assert found == changed
    assert found.created_at == fan.created_at


async def test_update_of_another_tenants_fan_changes_nothing(storage: SqlAlchemyStorage):
    fan = await add_fan(storage, ALICE, "luna", name="Luna")

    async with storage.begin() as uow:
        assert not await uow.fans.update(replace(fan, user_id=BOB, name="Stolen"))
        assert not await uow.fans.update(replace(fan, id=fan.id + 1000))
    async with storage.begin() as uow:
        assert (await uow.fans.get(ALICE, fan.id)).name == "Luna"


async def test_update_onto_a_taken_handle_is_a_conflict_and_changes_nothing(
    storage: SqlAlchemyStorage,
):
    await add_fan(storage, ALICE, "taken")
    fan = await add_fan(storage, ALICE, "luna")
    await add_fan(storage, BOB, "bobs")

    with pytest.raises(Conflict, match="taken"):
        async with storage.begin() as uow:
            await uow.fans.update(replace(fan, handle="taken", name="changed"))
    async with storage.begin() as uow:
        assert (await uow.fans.get(ALICE, fan.id)) == fan
        # Another tenant's handle, or the same handle on another platform, is free.
        assert await uow.fans.update(replace(fan, handle="bobs"))
        assert await uow.fans.update(replace(fan, handle="taken", platform=Platform.FANSLY))


async def test_delete_removes_the_fan_with_its_conversation_and_messages_only(
    storage: SqlAlchemyStorage,
):
    fan = await add_fan(storage, ALICE, "luna")
    other = await add_fan(storage, ALICE, "nova")
    await add_message(storage, fan, MessageStatus.QUEUED)
    await add_message(storage, fan, MessageStatus.SENT)
    kept = await add_message(storage, other, MessageStatus.QUEUED)

    async with storage.begin() as uow:
        assert not await uow.fans.delete(BOB, fan.id)  # another tenant's: untouched
        assert await uow.fans.delete(ALICE, fan.id)
        assert not await uow.fans.delete(ALICE, fan.id)  # already gone

    async with storage.connection() as connection:
        left = (await connection.execute(sa.select(messages.c.id))).scalars().all()
        chats = (await connection.execute(sa.select(conversations.c.fan_id))).scalars().all()
    async with storage.begin() as uow:
        assert await uow.fans.get(ALICE, fan.id) is None
        assert await uow.fans.get(ALICE, other.id) == other
    assert left == [kept.id]
    assert chats == [other.id]


async def test_top_is_the_biggest_spenders_of_the_tenant_highest_first(
    storage: SqlAlchemyStorage,
):
    for handle, value in [("a", 300), ("b", 0), ("c", 900), ("d", 300), ("e", 50)]:
        await add_fan(storage, ALICE, handle, value_cents=value)
    await add_fan(storage, BOB, "rich", value_cents=10**9)

    async with storage.begin() as uow:
        top3 = await uow.fans.top(ALICE, 3)
        everyone = await uow.fans.top(ALICE, 100)
        nobody = await uow.fans.top("creator-nobody", 10)
    assert [fan.handle for fan in top3] == ["c", "d", "a"]  # ties: the newer first
    assert [fan.handle for fan in everyone] == ["c", "d", "a", "e"]  # no spend, not on the list
    assert nobody == []


async def test_a_fan_read_for_update_loses_no_concurrent_increment(storage: SqlAlchemyStorage):
    """An edit (read, then write every field) racing a purchase must keep the purchase."""
    fan = await add_fan(storage, ALICE, "luna", value_cents=100)
    increment = fans.update().where(fans.c.id == fan.id).values(value_cents=fans.c.value_cents + 5)

    async def purchase() -> None:
        async with storage.connection(transaction=True) as connection:
            await connection.execute(increment)

    async with storage.begin() as uow:
        read = await uow.fans.get(ALICE, fan.id, for_update=True)
        racing = asyncio.create_task(purchase())
        await asyncio.sleep(0.2)  # room for the purchase to commit, were the row not locked
        await uow.fans.update(replace(read, name="edited"))
    await racing

    async with storage.begin() as uow:
        after = await uow.fans.get(ALICE, fan.id)
    assert (after.name, after.value_cents) == ("edited", 105)


async def test_a_deleted_fans_id_is_never_handed_out_again(storage: SqlAlchemyStorage) -> None:
    async with storage.begin() as uow:
        first = await uow.fans.add(Fan(None, ALICE, Platform.ONLYFANS, "one", created_at=T0))
        last = await uow.fans.add(Fan(None, ALICE, Platform.ONLYFANS, "two", created_at=T0))
        assert await uow.fans.delete(ALICE, last.id)
    async with storage.begin() as uow:
        other = await uow.fans.add(Fan(None, BOB, Platform.ONLYFANS, "three", created_at=T0))
    assert other.id > last.id > first.id  # SQLite, too, never hands out the highest id again
