from __future__ import annotations

import pytest

from tests.integration.conftest import Api

FANS = "/api/crm/fans"


async def test_create_list_and_get_fans(api: Api) -> None:
    created = await api.client.post(
        FANS,
        json={"platform": "fansly", "handle": "@Alice", "tags": ["vip"], "valueCents": 1250},
        headers=api.auth("creator-a"),
    )
    assert created.status_code == 201
    fan = created.json()
    assert (fan["handle"], fan["platform"], fan["tags"], fan["valueCents"]) == (
        "alice",
        "fansly",
        ["vip"],
        1250,
    )
    await api.fan("creator-b", "bob")

    listed = (await api.client.get(FANS, headers=api.auth("creator-a"))).json()
    assert listed["total"] == 1
    assert [f["id"] for f in listed["items"]] == [fan["id"]]
    fetched = await api.client.get(f"{FANS}/{fan['id']}", headers=api.auth("creator-a"))
    assert fetched.json() == fan


async def test_a_duplicate_handle_is_409(api: Api) -> None:
    await api.fan("creator-a", "alice")
    again = await api.client.post(
        FANS, json={"platform": "onlyfans", "handle": "ALICE"}, headers=api.auth("creator-a")
    )
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"platform": "myspace", "handle": "a"}, "platform"),
        ({"platform": "onlyfans", "handle": ""}, "handle"),
        ({"platform": "onlyfans", "handle": "x" * 65}, "handle"),
        ({"platform": "onlyfans", "handle": "a", "email": "nope"}, "email"),
        ({"platform": "onlyfans", "handle": "a", "valueCents": -5}, "valueCents"),
    ],
)
async def test_bad_fans_are_400_naming_the_field(api: Api, body: dict, field: str) -> None:
    response = await api.client.post(FANS, json=body, headers=api.auth("creator-a"))
    assert response.status_code == 400
    assert field in response.json()["error"]


@pytest.mark.parametrize("query", ["limit=201", "limit=0", "offset=-1", "platform=myspace"])
async def test_bad_list_queries_are_400(api: Api, query: str) -> None:
    response = await api.client.get(f"{FANS}?{query}", headers=api.auth("creator-a"))
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["error"]
