from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.errors import Conflict, Invalid, NotFound
from core.fans.ports import FanQuery
from core.fans.records import NewFan, Platform, normalize_handle
from core.paging import MAX_OFFSET
from tests.support.world import World

# Both out of range once in UTC, as storage keeps them: year 0 and year 10000.
PLUS_14, MINUS_14 = timezone(timedelta(hours=14)), timezone(timedelta(hours=-14))


async def test_a_created_fan_is_normalised_and_can_be_read_back(w: World) -> None:
    created = await (await w.use("create_fan")).execute(
        "creator-a",
        NewFan(
            Platform.FANSLY,
            "  @Alice.B ",
            "Alice",
            " a@b.co ",
            frozenset({"vip", " "}),
            value_cents=500,
        ),
    )
    assert (created.handle, created.email, created.tags) == (
        "alice.b",
        "a@b.co",
        frozenset({"vip"}),
    )
    fetched = await (await w.use("get_fan")).execute("creator-a", created.id)
    assert fetched == created


async def test_the_same_handle_twice_on_one_platform_is_a_conflict(w: World) -> None:
    await w.fan("creator-a", "alice")
    with pytest.raises(Conflict):
        await w.fan("creator-a", "ALICE")
    await w.fan("creator-a", "alice", Platform.PATREON)  # another platform: another fan
    await w.fan("creator-b", "alice")  # another creator: another fan


async def test_fans_are_listed_per_creator_in_pages(w: World) -> None:
    for i in range(5):
        await w.fan("creator-a", f"fan{i}")
    await w.fan("creator-b", "someone")
    list_fans = await w.use("list_fans")
    page = await list_fans.execute("creator-a", FanQuery(limit=2, offset=2))
    assert page.total == 5
    assert [f.handle for f in page.items] == ["fan2", "fan3"]
    assert (await list_fans.execute("creator-b", FanQuery())).total == 1


async def test_another_creators_fan_is_not_found(w: World) -> None:
    fan = await w.fan("creator-a")
    with pytest.raises(NotFound):
        await (await w.use("get_fan")).execute("creator-b", fan.id)


@pytest.mark.parametrize(
    ("new", "field"),
    [
        (NewFan(Platform.ONLYFANS, "   "), "handle"),
        (NewFan(Platform.ONLYFANS, "x" * 65), "handle"),
        (NewFan(Platform.ONLYFANS, "no spaces"), "handle"),
        (NewFan(Platform.ONLYFANS, "ok", email="not-an-email"), "email"),
        (NewFan(Platform.ONLYFANS, "ok", value_cents=-1), "valueCents"),
        (NewFan(Platform.ONLYFANS, "ok", subscribed_at=datetime(2024, 1, 1)), "subscribedAt"),
        (
            NewFan(Platform.ONLYFANS, "ok", last_active_at=datetime(1, 1, 1, tzinfo=PLUS_14)),
            "lastActiveAt",
        ),
        (
            NewFan(
                Platform.ONLYFANS, "ok", subscribed_at=datetime(9999, 12, 31, 23, tzinfo=MINUS_14)
            ),
            "subscribedAt",
        ),
    ],
)
async def test_bad_fans_name_the_field(w: World, new: NewFan, field: str) -> None:
    with pytest.raises(Invalid) as raised:
        await (await w.use("create_fan")).execute("creator-a", new)
    assert raised.value.field == field


@pytest.mark.parametrize("limit", [0, 201])
async def test_page_size_is_bounded(w: World, limit: int) -> None:
    with pytest.raises(Invalid) as raised:
        await (await w.use("list_fans")).execute("creator-a", FanQuery(limit=limit))
    assert raised.value.field == "limit"


@pytest.mark.parametrize("offset", [-1, MAX_OFFSET + 1, 2**63])
async def test_offset_is_bounded(w: World, offset: int) -> None:
    with pytest.raises(Invalid) as raised:
        await (await w.use("list_fans")).execute("creator-a", FanQuery(offset=offset))
    assert raised.value.field == "offset"


def test_handles_are_trimmed_unprefixed_and_lower_cased() -> None:
    assert normalize_handle(" @Some_One-2.x ") == "some_one-2.x"
