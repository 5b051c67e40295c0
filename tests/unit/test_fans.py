from __future__ import annotations

import pytest

from core.errors import Conflict, Invalid, NotFound
from core.fans import NewFan, normalize_handle
from core.models import Platform
from core.ports import FanQuery
from tests.support.world import World


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


def test_handles_are_trimmed_unprefixed_and_lower_cased() -> None:
    assert normalize_handle(" @Some_One-2.x ") == "some_one-2.x"
