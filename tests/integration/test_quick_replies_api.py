"""The quick reply API: CRUD, validation naming the field, and tenants that never meet."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import Api

REPLIES = "/api/crm/quick-replies"
ALICE, BOB = "creator-a", "creator-b"


async def make(api: Api, user: str, title: str = "Thanks", content: str = "Thank you!") -> dict:
    body = {"title": title, "content": content}
    response = await api.client.post(REPLIES, json=body, headers=api.auth(user))
    assert response.status_code == 201, response.text
    return response.json()


async def test_create_get_and_list_in_creation_order(api: Api) -> None:
    first = await make(api, ALICE, "  Welcome ", "Hi there!\nGlad you're here.")
    second = await make(api, ALICE, "Thanks")
    await make(api, BOB, "Bob's")

    assert set(first) == {"id", "title", "content", "createdAt", "updatedAt"}
    assert (first["title"], first["content"]) == ("Welcome", "Hi there!\nGlad you're here.")
    fetched = await api.client.get(f"{REPLIES}/{first['id']}", headers=api.auth(ALICE))
    assert fetched.json() == first
    listed = (await api.client.get(REPLIES, headers=api.auth(ALICE))).json()
    assert (listed["items"], listed["total"]) == ([first, second], 2)
    page = (await api.client.get(f"{REPLIES}?limit=1&offset=1", headers=api.auth(ALICE))).json()
    assert (page["items"], page["total"], page["limit"], page["offset"]) == ([second], 2, 1, 1)


async def test_put_replaces_patch_changes_only_what_is_given(api: Api) -> None:
    reply = await make(api, ALICE, "Thanks", "Thank you!")
    url = f"{REPLIES}/{reply['id']}"
    api.clock.advance(60)

    put = await api.client.put(
        url, json={"title": "Hi", "content": "Hello"}, headers=api.auth(ALICE)
    )
    assert put.status_code == 200, put.text
    assert (put.json()["title"], put.json()["content"]) == ("Hi", "Hello")
    assert put.json()["createdAt"] == reply["createdAt"]
    assert put.json()["updatedAt"] > reply["updatedAt"]

    api.clock.advance(60)
    patched = await api.client.patch(url, json={"content": "Hey!"}, headers=api.auth(ALICE))
    assert patched.status_code == 200, patched.text
    assert (patched.json()["title"], patched.json()["content"]) == ("Hi", "Hey!")
    assert patched.json()["updatedAt"] > put.json()["updatedAt"]
    assert (await api.client.get(url, headers=api.auth(ALICE))).json() == patched.json()


async def test_delete_removes_it(api: Api) -> None:
    reply = await make(api, ALICE)
    url = f"{REPLIES}/{reply['id']}"

    assert (await api.client.delete(url, headers=api.auth(ALICE))).status_code == 204
    assert (await api.client.get(url, headers=api.auth(ALICE))).status_code == 404
    assert (await api.client.delete(url, headers=api.auth(ALICE))).status_code == 404
    assert (await api.client.get(REPLIES, headers=api.auth(ALICE))).json()["total"] == 0


async def test_another_creators_reply_is_404_everywhere_and_lists_never_leak(api: Api) -> None:
    reply = await make(api, ALICE)
    url, bob = f"{REPLIES}/{reply['id']}", api.auth(BOB)
    body = {"title": "Stolen", "content": "mine now"}

    answers = [
        await api.client.get(url, headers=bob),
        await api.client.put(url, json=body, headers=bob),
        await api.client.patch(url, json=body, headers=bob),
        await api.client.delete(url, headers=bob),
    ]
    assert [answer.status_code for answer in answers] == [404, 404, 404, 404]
    assert (await api.client.get(REPLIES, headers=bob)).json() == {
        "items": [],
        "total": 0,
        "limit": 50,
        "offset": 0,
    }
    assert (await api.client.get(url, headers=api.auth(ALICE))).json() == reply


BAD = [
    ({"title": "", "content": "x"}, "title"),
    ({"title": "   ", "content": "x"}, "title"),
    ({"title": "x" * 101, "content": "x"}, "title"),
    ({"title": 5, "content": "x"}, "title"),
    ({"title": "ok", "content": ""}, "content"),
    ({"title": "ok", "content": " \n "}, "content"),
    ({"title": "ok", "content": "x" * 5001}, "content"),
    ({"content": "x"}, "title"),
    ({"title": "ok"}, "content"),
    ({"title": "a\x00b", "content": "x"}, "title"),  # PostgreSQL refuses NUL in text
    ({"title": "ok", "content": "a\x00b"}, "content"),
]


@pytest.mark.parametrize(("body", "field"), BAD)
async def test_bad_create_and_put_bodies_are_400_naming_the_field(
    api: Api, body: dict[str, Any], field: str
) -> None:
    reply = await make(api, ALICE)
    created = await api.client.post(REPLIES, json=body, headers=api.auth(ALICE))
    put = await api.client.put(f"{REPLIES}/{reply['id']}", json=body, headers=api.auth(ALICE))
    for response in (created, put):
        assert response.status_code == 400, response.text
        assert field in response.json()["error"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"content": "x" * 5001}, "content"),
        ({"content": None}, "content"),
    ],
)
async def test_bad_patches_are_400_naming_the_field(
    api: Api, body: dict[str, Any], field: str
) -> None:
    reply = await make(api, ALICE)
    response = await api.client.patch(
        f"{REPLIES}/{reply['id']}", json=body, headers=api.auth(ALICE)
    )
    assert response.status_code == 400, response.text
    assert field in response.json()["error"]
    assert (
        await api.client.get(f"{REPLIES}/{reply['id']}", headers=api.auth(ALICE))
    ).json() == reply


@pytest.mark.parametrize("query", ["limit=201", "limit=0", "offset=-1"])
async def test_bad_list_queries_are_400_naming_the_parameter(api: Api, query: str) -> None:
    response = await api.client.get(f"{REPLIES}?{query}", headers=api.auth(ALICE))
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["error"]
