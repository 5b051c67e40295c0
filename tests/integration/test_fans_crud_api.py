"""The fan API beyond create: list options, top, get, PUT, PATCH, DELETE; tenants never meet."""

from __future__ import annotations

from typing import Any

import pytest

from entrypoints.container import resolve
from tests.integration.conftest import Api

FANS = "/api/crm/fans"
ALICE, BOB = "creator-a", "creator-b"


async def make(api: Api, user: str, handle: str, **fields: Any) -> dict[str, Any]:
    body = {"platform": "onlyfans", "handle": handle, **fields}
    response = await api.client.post(FANS, json=body, headers=api.auth(user))
    assert response.status_code == 201, response.text
    return response.json()


async def handles(api: Api, user: str, query: str = "") -> list[str]:
    response = await api.client.get(f"{FANS}?{query}", headers=api.auth(user))
    assert response.status_code == 200, response.text
    return [fan["handle"] for fan in response.json()["items"]]


# --- list ----------------------------------------------------------------------------------------


async def test_the_list_searches_filters_sorts_and_counts(api: Api) -> None:
    await make(api, ALICE, "moon1", tags=["vip", "whale"], valueCents=100)
    await make(api, ALICE, "moon2", platform="fansly", tags=["vip", "whale"], valueCents=900)
    await make(api, ALICE, "star", name="Moonchild", tags=["vip"], valueCents=500)
    await make(api, ALICE, "sun", email="sun@moon.example", valueCents=50)
    await make(api, BOB, "moon-of-bob", tags=["vip", "whale"], valueCents=10**6)

    assert await handles(api, ALICE, "search=MOON&sort=-value") == ["moon2", "star", "moon1", "sun"]
    assert await handles(api, ALICE, "tags=vip&tags=whale") == ["moon1", "moon2"]
    assert await handles(api, ALICE, "tags=vip&platform=onlyfans&sort=value") == ["moon1", "star"]
    page = await api.client.get(f"{FANS}?search=moon&limit=2&offset=1", headers=api.auth(ALICE))
    assert (page.json()["total"], [f["handle"] for f in page.json()["items"]]) == (
        4,
        ["moon2", "star"],
    )
    assert await handles(api, BOB, "search=moon") == ["moon-of-bob"]


async def test_recency_sorts_count_fans_never_seen_as_the_least_recent(api: Api) -> None:
    await make(api, ALICE, "never")
    await make(api, ALICE, "old", lastActiveAt="2026-01-01T00:00:00Z")
    await make(api, ALICE, "recent", lastActiveAt="2026-02-01T00:00:00Z")

    assert await handles(api, ALICE, "sort=-lastActive") == ["recent", "old", "never"]
    assert await handles(api, ALICE, "sort=lastActive") == ["never", "old", "recent"]
    assert await handles(api, ALICE, "sort=-created") == ["recent", "old", "never"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sort=name", "sort"),
        ("sort=", "sort"),
        ("limit=201", "limit"),
        ("search=" + "x" * 101, "search"),
        ("search=a%00b", "search"),
        ("tags=" + "x" * 65, "tags"),
    ],
)
async def test_bad_list_options_are_400_naming_the_field(api: Api, query: str, field: str) -> None:
    response = await api.client.get(f"{FANS}?{query}", headers=api.auth(ALICE))
    assert response.status_code == 400, response.text
    assert field in response.json()["error"]


# --- top -----------------------------------------------------------------------------------------


async def test_top_fans_are_the_biggest_spenders_of_the_creator_only(api: Api) -> None:
    for handle, value in [("a", 300), ("b", 0), ("c", 900), ("d", 50)]:
        await make(api, ALICE, handle, valueCents=value)
    await make(api, BOB, "whale", valueCents=10**6)

    top = await api.client.get(f"{FANS}/top?limit=2", headers=api.auth(ALICE))
    everyone = await api.client.get(f"{FANS}/top", headers=api.auth(ALICE))
    assert top.status_code == 200
    assert [(f["handle"], f["valueCents"]) for f in top.json()["items"]] == [("c", 900), ("a", 300)]
    assert [f["handle"] for f in everyone.json()["items"]] == ["c", "a", "d"]


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
async def test_a_bad_top_limit_is_400_naming_it(api: Api, limit: str) -> None:
    response = await api.client.get(f"{FANS}/top?limit={limit}", headers=api.auth(ALICE))
    assert response.status_code == 400
    assert "limit" in response.json()["error"]


# --- PUT and PATCH -------------------------------------------------------------------------------


async def test_put_replaces_every_field_and_moves_updated_at_only(api: Api) -> None:
    fan = await make(
        api, ALICE, "luna", name="Luna", email="l@x.io", tags=["vip"], notes="n", valueCents=5
    )
    api.clock.advance(60)

    response = await api.client.put(
        f"{FANS}/{fan['id']}",
        json={"platform": "fansly", "handle": "@Luna.New", "tags": ["whale"]},
        headers=api.auth(ALICE),
    )
    assert response.status_code == 200, response.text
    put = response.json()
    assert (put["platform"], put["handle"], put["tags"], put["valueCents"]) == (
        "fansly",
        "luna.new",
        ["whale"],
        0,
    )
    assert (put["name"], put["email"], put["notes"]) == (None, None, None)
    assert put["createdAt"] == fan["createdAt"]
    assert put["updatedAt"] > fan["updatedAt"]
    fetched = await api.client.get(f"{FANS}/{fan['id']}", headers=api.auth(ALICE))
    assert fetched.json() == put


async def test_patch_changes_only_the_fields_given_and_null_clears(api: Api) -> None:
    fan = await make(api, ALICE, "luna", name="Luna", email="l@x.io", tags=["vip"], valueCents=5)
    api.clock.advance(60)

    response = await api.client.patch(
        f"{FANS}/{fan['id']}",
        json={"name": None, "valueCents": 700, "tags": ["vip", "whale"]},
        headers=api.auth(ALICE),
    )
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched == {
        **fan,
        "name": None,
        "valueCents": 700,
        "tags": ["vip", "whale"],
        "updatedAt": patched["updatedAt"],
    }
    assert patched["updatedAt"] > fan["updatedAt"]
    empty = await api.client.patch(f"{FANS}/{fan['id']}", json={}, headers=api.auth(ALICE))
    assert {**empty.json(), "updatedAt": None} == {**patched, "updatedAt": None}


@pytest.mark.parametrize("method", ["put", "patch"])
async def test_a_handle_clash_on_update_is_409_and_changes_nothing(api: Api, method: str) -> None:
    await make(api, ALICE, "taken")
    fan = await make(api, ALICE, "luna")
    await make(api, BOB, "bobs")

    body = {"platform": "onlyfans", "handle": "TAKEN", "name": "changed"}
    clash = await getattr(api.client, method)(
        f"{FANS}/{fan['id']}", json=body, headers=api.auth(ALICE)
    )
    assert clash.status_code == 409, clash.text
    assert "handle" in str(clash.json()["detail"])
    assert (await api.client.get(f"{FANS}/{fan['id']}", headers=api.auth(ALICE))).json() == fan
    free = {"platform": "onlyfans", "handle": "bobs"}  # another creator's handle is free
    moved = await getattr(api.client, method)(
        f"{FANS}/{fan['id']}", json=free, headers=api.auth(ALICE)
    )
    assert moved.status_code == 200


BAD_FIELDS = [
    ({"platform": "myspace"}, "platform"),
    ({"handle": ""}, "handle"),
    ({"handle": "   "}, "handle"),
    ({"handle": "x" * 65}, "handle"),
    ({"email": "nope"}, "email"),
    ({"valueCents": -1}, "valueCents"),
    ({"tags": "vip"}, "tags"),
    ({"lastActiveAt": "yesterday"}, "lastActiveAt"),
    # Sizes and characters the database would refuse (PostgreSQL) are 400s, not 500s.
    ({"name": "x" * 256}, "name"),
    ({"notes": "a\x00b"}, "notes"),
    ({"email": "a\x00@b.co"}, "email"),
    ({"tags": [f"t{i}" for i in range(51)]}, "tags"),
    ({"tags": ["x" * 65]}, "tags"),
    ({"valueCents": 2**63}, "valueCents"),
]


@pytest.mark.parametrize(("change", "field"), BAD_FIELDS)
@pytest.mark.parametrize("method", ["put", "patch"])
async def test_bad_updates_are_400_naming_the_field(
    api: Api, method: str, change: dict[str, Any], field: str
) -> None:
    fan = await make(api, ALICE, "luna")
    body = {"platform": "onlyfans", "handle": "luna", **change}
    response = await getattr(api.client, method)(
        f"{FANS}/{fan['id']}", json=body, headers=api.auth(ALICE)
    )
    assert response.status_code == 400, response.text
    assert field in response.json()["error"]


@pytest.mark.parametrize("field", ["platform", "handle", "tags", "valueCents"])
async def test_patch_cannot_null_a_required_field(api: Api, field: str) -> None:
    fan = await make(api, ALICE, "luna")
    response = await api.client.patch(
        f"{FANS}/{fan['id']}", json={field: None}, headers=api.auth(ALICE)
    )
    assert response.status_code == 400
    assert field in response.json()["error"]


# --- tenants and DELETE --------------------------------------------------------------------------


async def test_another_creators_fan_is_404_to_every_endpoint_and_stays_as_it_was(api: Api) -> None:
    fan = await make(api, ALICE, "luna", valueCents=10)
    url, bob = f"{FANS}/{fan['id']}", api.auth(BOB)
    body = {"platform": "onlyfans", "handle": "stolen"}

    answers = [
        await api.client.get(url, headers=bob),
        await api.client.put(url, json=body, headers=bob),
        await api.client.patch(url, json=body, headers=bob),
        await api.client.delete(url, headers=bob),
    ]
    assert [answer.status_code for answer in answers] == [404, 404, 404, 404]
    assert all(set(answer.json()) == {"error", "detail"} for answer in answers)
    assert (await api.client.get(url, headers=api.auth(ALICE))).json() == fan
    assert await handles(api, BOB) == []
    assert (await api.client.get(f"{FANS}/top", headers=bob)).json()["items"] == []


async def test_a_missing_fan_is_404_to_every_endpoint(api: Api) -> None:
    url, alice = f"{FANS}/987654", api.auth(ALICE)
    body = {"platform": "onlyfans", "handle": "ghost"}
    answers = [
        await api.client.get(url, headers=alice),
        await api.client.put(url, json=body, headers=alice),
        await api.client.patch(url, json=body, headers=alice),
        await api.client.delete(url, headers=alice),
    ]
    assert [answer.status_code for answer in answers] == [404, 404, 404, 404]


async def test_delete_removes_the_fan_from_get_list_and_top(api: Api) -> None:
    fan = await make(api, ALICE, "luna", valueCents=10)
    kept = await make(api, ALICE, "nova", valueCents=5)

    deleted = await api.client.delete(f"{FANS}/{fan['id']}", headers=api.auth(ALICE))
    assert deleted.status_code == 204
    assert (await api.client.get(f"{FANS}/{fan['id']}", headers=api.auth(ALICE))).status_code == 404
    assert await handles(api, ALICE) == ["nova"]
    top = (await api.client.get(f"{FANS}/top", headers=api.auth(ALICE))).json()["items"]
    assert [f["id"] for f in top] == [kept["id"]]


async def test_deleting_a_fan_cancels_what_it_had_queued(api: Api) -> None:
    """send → delete the fan → the worker runs: nothing delivered, no crash, nothing in the DLQ."""
    doomed = await make(api, ALICE, "luna")
    kept = await make(api, ALICE, "nova")
    sent = []
    for fan, text in [(doomed, "one"), (doomed, "two"), (kept, "three")]:
        response = await api.client.post(
            "/api/onlyfans/messaging/send",
            json={"recipientId": fan["id"], "content": text},
            headers=api.auth(ALICE),
        )
        assert response.status_code == 202, response.text
        sent.append(response.json()["messageId"])

    deleted = await api.client.delete(f"{FANS}/{doomed['id']}", headers=api.auth(ALICE))
    assert deleted.status_code == 204
    await api.drain()

    gateway = await resolve(api.container.delivery)
    queue = await resolve(api.container.queue)
    assert [str(m) for m in gateway.attempts] == [sent[2]]  # only the kept fan's message
    stats = await queue.stats()
    assert (stats.depth, stats.in_flight, stats.delayed, stats.dlq_depth) == (0, 0, 0, 0)
    gone = await api.client.get(f"/api/onlyfans/messaging/{sent[0]}", headers=api.auth(ALICE))
    assert gone.status_code == 404
