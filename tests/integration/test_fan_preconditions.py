"""ETag and If-Match on fans: an edit made from a stale copy cannot undo a purchase."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from entrypoints.http.etags import accepted_versions
from tests.integration.conftest import Api, open_api
from tests.integration.test_events_api import post_event
from tests.support.events import BRIDGE_SECRET, event

FANS = "/api/crm/fans"
ALICE = "creator-a"


@pytest.fixture
async def bridge() -> AsyncIterator[Api]:
    async for built in open_api(API_RATE_PER_MINUTE="1000", DELIVERY_WEBHOOK_SECRET=BRIDGE_SECRET):
        yield built


async def read(api: Api, fan_id: int) -> tuple[dict[str, object], str]:
    response = await api.client.get(f"{FANS}/{fan_id}", headers=api.auth(ALICE))
    assert response.status_code == 200, response.text
    return response.json(), response.headers["ETag"]


@pytest.mark.parametrize("method", ["put", "patch"])
async def test_an_edit_from_a_copy_read_before_a_purchase_is_412_and_keeps_it(
    bridge: Api, method: str
) -> None:
    fan_id = await bridge.fan(ALICE, "luna")
    copy, tag = await read(bridge, fan_id)
    bridge.clock.advance(1)
    await post_event(bridge, event("ppv.purchased", ALICE, "luna", amountCents=100))

    body = {"platform": "onlyfans", "handle": "luna", "name": "Luna", "valueCents": 0}
    headers = {**bridge.auth(ALICE), "If-Match": tag}
    response = await getattr(bridge.client, method)(f"{FANS}/{fan_id}", json=body, headers=headers)

    assert response.status_code == 412, response.text
    assert "changed" in response.json()["error"]
    now, fresh_tag = await read(bridge, fan_id)
    assert (now["name"], now["valueCents"]) == (copy["name"], 100)
    assert fresh_tag != tag


async def test_a_message_from_the_fan_changes_the_etag_so_a_stale_put_cannot_erase_it(
    bridge: Api,
) -> None:
    fan_id = await bridge.fan(ALICE, "luna")
    _, tag = await read(bridge, fan_id)
    bridge.clock.advance(1)
    await post_event(bridge, event("message.received", ALICE, "luna", text="hi"))

    # A PUT from the copy read before the message would write lastActiveAt back to null.
    body = {"platform": "onlyfans", "handle": "luna", "name": "Luna"}
    headers = {**bridge.auth(ALICE), "If-Match": tag}
    response = await bridge.client.put(f"{FANS}/{fan_id}", json=body, headers=headers)

    assert response.status_code == 412, response.text
    now, fresh_tag = await read(bridge, fan_id)
    assert now["lastActiveAt"] is not None
    assert fresh_tag != tag


@pytest.mark.parametrize("method", ["put", "patch"])
async def test_an_edit_with_the_current_etag_applies_and_answers_the_next_one(
    api: Api, method: str
) -> None:
    fan_id = await api.fan(ALICE, "luna")
    _, tag = await read(api, fan_id)
    api.clock.advance(1)

    body = {"platform": "onlyfans", "handle": "luna", "name": "Luna"}
    headers = {**api.auth(ALICE), "If-Match": f'"other", {tag}'}
    response = await getattr(api.client, method)(f"{FANS}/{fan_id}", json=body, headers=headers)

    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Luna"
    assert response.headers["ETag"] != tag
    assert (await read(api, fan_id))[1] == response.headers["ETag"]


async def test_without_if_match_or_with_a_star_an_edit_applies(api: Api) -> None:
    fan_id = await api.fan(ALICE, "luna")
    for n, headers in enumerate([{}, {"If-Match": "*"}]):
        api.clock.advance(1)
        response = await api.client.patch(
            f"{FANS}/{fan_id}", json={"notes": f"v{n}"}, headers={**api.auth(ALICE), **headers}
        )
        assert response.status_code == 200, response.text
        assert response.json()["notes"] == f"v{n}"


async def test_a_weak_or_malformed_tag_never_matches(api: Api) -> None:
    fan_id = await api.fan(ALICE, "luna")
    _, tag = await read(api, fan_id)
    for sent in (f"W/{tag}", tag.strip('"'), ""):
        response = await api.client.patch(
            f"{FANS}/{fan_id}", json={"notes": "x"}, headers={**api.auth(ALICE), "If-Match": sent}
        )
        assert response.status_code == 412, sent
    assert (await read(api, fan_id))[0]["notes"] is None


async def test_create_answers_the_etag_a_get_gives(api: Api) -> None:
    response = await api.client.post(
        FANS, json={"platform": "onlyfans", "handle": "luna"}, headers=api.auth(ALICE)
    )
    assert response.status_code == 201
    assert response.headers["ETag"] == (await read(api, response.json()["id"]))[1]


def test_if_match_lists_are_parsed_strongly() -> None:
    assert accepted_versions(None) is None
    assert accepted_versions(" * ") is None
    assert accepted_versions('"a", W/"b" ,"c"') == ["a", "c"]
    assert accepted_versions("a") == []
