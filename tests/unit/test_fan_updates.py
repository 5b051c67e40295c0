"""Fan updates, deletion, top fans and list options, on the real container with in-memory SQLite."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.errors import Conflict, Invalid, NotFound
from core.fans.ports import FanQuery
from core.fans.records import NewFan, Platform
from core.fans.updates import FanChanges
from tests.support.authors import SERVICE
from tests.support.world import World


async def test_a_patch_keeps_what_it_does_not_name_and_stamps_updated_at(w: World) -> None:
    created = await (await w.use("create_fan")).execute(
        "creator-a", NewFan(Platform.ONLYFANS, "luna", "Luna", "l@x.io", frozenset({"vip"}))
    )
    w.clock.advance(30)

    updated = await (await w.use("update_fan")).execute(
        "creator-a",
        created.id,
        FanChanges(name=None, handle="@Luna.Two", value_cents=70),
        actor=SERVICE,
    )

    assert updated == replace(
        created, name=None, handle="luna.two", value_cents=70, updated_at=w.clock.now()
    )
    assert await (await w.use("get_fan")).execute("creator-a", created.id) == updated


async def test_a_replacement_keeps_fields_no_request_can_set(w: World) -> None:
    fan = await w.fan("creator-a", "luna")
    unsubscribed = datetime(2026, 1, 1, tzinfo=UTC)
    async with (await w.use("storage")).begin() as uow:
        await uow.fans.update(replace(fan, unsubscribed_at=unsubscribed))

    replaced = await (await w.use("update_fan")).execute(
        "creator-a", fan.id, FanChanges.replacing(NewFan(Platform.FANSLY, "nova")), actor=SERVICE
    )

    assert (replaced.platform, replaced.handle) == (Platform.FANSLY, "nova")
    assert (replaced.created_at, replaced.unsubscribed_at) == (fan.created_at, unsubscribed)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (FanChanges(handle=" "), "handle"),
        (FanChanges(handle="x" * 65), "handle"),
        (FanChanges(email="nope"), "email"),
        (FanChanges(value_cents=-1), "valueCents"),
        (FanChanges(last_active_at=datetime(2024, 1, 1)), "lastActiveAt"),
        (
            FanChanges(subscribed_at=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))),
            "subscribedAt",
        ),
    ],
)
async def test_bad_changes_name_the_field_and_change_nothing(
    w: World, changes: FanChanges, field: str
) -> None:
    fan = await w.fan("creator-a", "luna")
    with pytest.raises(Invalid) as raised:
        await (await w.use("update_fan")).execute("creator-a", fan.id, changes, actor=SERVICE)
    assert raised.value.field == field
    assert await (await w.use("get_fan")).execute("creator-a", fan.id) == fan


async def test_updating_onto_a_taken_handle_is_a_conflict(w: World) -> None:
    await w.fan("creator-a", "taken")
    fan = await w.fan("creator-a", "luna")
    with pytest.raises(Conflict):
        await (await w.use("update_fan")).execute(
            "creator-a", fan.id, FanChanges(handle="TAKEN"), actor=SERVICE
        )


async def test_another_creators_fan_cannot_be_updated_or_deleted(w: World) -> None:
    fan = await w.fan("creator-a", "luna")
    with pytest.raises(NotFound):
        await (await w.use("update_fan")).execute(
            "creator-b", fan.id, FanChanges(name="x"), actor=SERVICE
        )
    with pytest.raises(NotFound):
        await (await w.use("delete_fan")).execute("creator-b", fan.id, actor=SERVICE)
    assert await (await w.use("get_fan")).execute("creator-a", fan.id) == fan


async def test_a_deleted_fan_is_gone(w: World) -> None:
    fan = await w.fan("creator-a", "luna")
    await (await w.use("delete_fan")).execute("creator-a", fan.id, actor=SERVICE)
    with pytest.raises(NotFound):
        await (await w.use("get_fan")).execute("creator-a", fan.id)
    with pytest.raises(NotFound):
        await (await w.use("delete_fan")).execute("creator-a", fan.id, actor=SERVICE)


async def test_list_options_are_trimmed_and_bounded(w: World) -> None:
    await w.fan("creator-a", "luna")
    list_fans = await w.use("list_fans")
    # A blank search or tag filters nothing; a padded one is trimmed.
    blank = FanQuery(search="   ", tags=frozenset({" "}))
    assert (await list_fans.execute("creator-a", blank)).total == 1
    assert (await list_fans.execute("creator-a", FanQuery(search=" LUN "))).total == 1
    with pytest.raises(Invalid) as raised:
        await list_fans.execute("creator-a", FanQuery(search="x" * 101))
    assert raised.value.field == "search"


@pytest.mark.parametrize("limit", [0, 101])
async def test_the_top_limit_is_bounded(w: World, limit: int) -> None:
    with pytest.raises(Invalid) as raised:
        await (await w.use("top_fans")).execute("creator-a", limit)
    assert raised.value.field == "limit"
