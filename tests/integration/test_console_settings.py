"""The settings and quick replies pages over HTTP: they show what the JSON API answers, a save
changes what it answers, bad input is a 400 under its field with nothing changed, a chatter reads
and may change nothing, and another account's quick reply is not found."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.accounts import Role
from tests.integration.conftest import Api, open_api
from tests.support.console import (
    console_person,
    field_error,
    input_value,
    textarea_value,
)

ACCOUNT, OTHER = "settings-acct", "settings-other"
MANAGER, CHATTER = "manager@settings.example", "chatter@settings.example"
SETTINGS, REPLIES = "/api/crm/settings", "/api/crm/quick-replies"
CHANGED = {
    "timeZone": "Europe/Berlin",
    "quietHours": {"start": "22:00", "end": "07:30"},
    "ratePerMinute": 6,
    "burst": 3,
    "blockedWords": ["paypal", "<b>venmo</b>"],
}
# The form of CHANGED, as a browser posts it (a textarea's lines end in CRLF).
CHANGED_FORM = {
    "timeZone": "Europe/Berlin",
    "quietHours.start": "22:00",
    "quietHours.end": "07:30",
    "ratePerMinute": "6",
    "burst": "3",
    "blockedWords": "paypal\r\n\r\n  <b>venmo</b>  \r\n",
}


async def api_settings(api: Api) -> dict[str, Any]:
    answer = await api.client.get(SETTINGS, headers=api.auth(ACCOUNT))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def api_replies(api: Api, account: str = ACCOUNT) -> list[dict[str, Any]]:
    answer = await api.client.get(REPLIES, headers=api.auth(account))
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


async def api_reply(api: Api, title: str, content: str, account: str = ACCOUNT) -> int:
    body = {"title": title, "content": content}
    answer = await api.client.post(REPLIES, json=body, headers=api.auth(account))
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def main_of(page: str) -> str:
    match = re.search(r'<main id="main".*?</main>', page, re.S)
    assert match, "no main"
    return match.group(0)


def controls(page: str) -> list[str]:
    return re.findall(r"<(form|input|select|textarea|button)\b", main_of(page))


def listed(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-quick-reply="(\d+)"', page)]


async def test_the_form_holds_what_the_api_answers(api: Api) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    patched = await api.client.patch(SETTINGS, json=CHANGED, headers=api.auth(ACCOUNT))
    assert patched.status_code == 200, patched.text
    answer = await api_settings(api)

    page = await api.client.get("/settings", headers=session.headers())

    assert page.status_code == 200
    assert input_value(page.text, "timeZone") == answer["timeZone"] == "Europe/Berlin"
    assert input_value(page.text, "quietHours.start") == answer["quietHours"]["start"]
    assert input_value(page.text, "quietHours.end") == answer["quietHours"]["end"]
    assert input_value(page.text, "ratePerMinute") == str(answer["ratePerMinute"])
    assert input_value(page.text, "burst") == str(answer["burst"])
    assert textarea_value(page.text, "blockedWords").split("\n") == answer["blockedWords"]
    assert "&lt;b&gt;venmo&lt;/b&gt;" in page.text
    assert "<b>venmo</b>" not in page.text
    assert '<option value="Europe/Berlin">' in page.text  # the zones offered to choose from


async def test_a_new_accounts_page_shows_the_defaults(api: Api) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    answer = await api_settings(api)
    page = await api.client.get("/settings", headers=session.headers())
    assert answer["quietHours"] is None
    assert answer["updatedAt"] is None
    assert input_value(page.text, "timeZone") == answer["timeZone"] == "UTC"
    assert input_value(page.text, "quietHours.start") == ""
    assert textarea_value(page.text, "blockedWords").split("\n") == answer["blockedWords"]
    assert "never (the defaults)" in page.text


async def test_a_save_changes_what_the_api_answers(api: Api) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})

    saved = await session.submit("/settings", **CHANGED_FORM)

    assert saved.status_code == 303
    assert saved.headers["location"] == "/settings?done=saved"
    answer = await api_settings(api)
    assert {k: answer[k] for k in CHANGED} == CHANGED  # blank lines and spaces are no words
    page = await api.client.get(saved.headers["location"], headers=session.headers())
    assert "Settings saved." in page.text
    assert input_value(page.text, "timeZone") == "Europe/Berlin"


async def test_both_quiet_hours_blank_remove_the_window(api: Api) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    await api.client.patch(SETTINGS, json=CHANGED, headers=api.auth(ACCOUNT))
    form = {**CHANGED_FORM, "quietHours.start": "", "quietHours.end": ""}
    saved = await session.submit("/settings", **form)
    assert saved.status_code == 303
    assert (await api_settings(api))["quietHours"] is None


@pytest.mark.parametrize(
    ("name", "typed", "error"),
    [
        ("timeZone", "Mars/Olympus_Mons", "timeZone 'Mars/Olympus_Mons' is not an IANA time zone"),
        ("ratePerMinute", "0", "ratePerMinute must be between 1 and 60"),
        ("ratePerMinute", "ten", "ratePerMinute must be a whole number"),
        ("ratePerMinute", "9" * 5000, "ratePerMinute is too large"),  # not int()'s ValueError
        ("burst", "61", "burst must be between 1 and 60"),
        ("quietHours.end", "22:00", "quietHours.end must differ from its start"),
        ("quietHours.start", "", "quietHours.start must be a local time HH:MM"),
        ("blockedWords", "fine\r\n" + "x" * 101, "a blocked word is 1 to 100 characters"),
    ],
)
async def test_a_bad_value_is_a_400_under_its_field_and_changes_nothing(
    api: Api, name: str, typed: str, error: str
) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    before = await api_settings(api)
    form = {**CHANGED_FORM, name: typed}

    refused = await session.submit("/settings", **form)

    assert refused.status_code == 400
    assert field_error(refused.text, name) == error
    assert 'aria-invalid="true" aria-describedby="e-' + name in refused.text
    kept = textarea_value if name == "blockedWords" else input_value
    assert kept(refused.text, name) == typed  # what was typed, kept
    assert input_value(refused.text, "timeZone") == form["timeZone"]  # the other fields too
    assert await api_settings(api) == before


@pytest.fixture
async def fast_default() -> AsyncIterator[Api]:
    """A deployment whose own send rate (120 a minute) is more than an owner may set."""
    async for built in open_api(API_RATE_PER_MINUTE="1000", SEND_RATE_PER_MINUTE="120"):
        yield built


async def test_fields_left_as_they_were_are_not_changed_nor_checked(fast_default: Api) -> None:
    api = fast_default
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    page = await api.client.get("/settings", headers=session.headers())
    form = {name: input_value(page.text, name) for name in ("timeZone", "ratePerMinute", "burst")}
    assert form["ratePerMinute"] == "120"

    saved = await session.submit("/settings", **form, blockedWords="only this")

    assert saved.status_code == 303, field_error(saved.text, "ratePerMinute")
    answer = await api_settings(api)
    assert (answer["ratePerMinute"], answer["blockedWords"]) == (120, ["only this"])


async def test_a_chatter_reads_the_settings_and_may_change_nothing(api: Api) -> None:
    session = await console_person(api, CHATTER, {ACCOUNT: Role.CHATTER})
    await api.client.patch(SETTINGS, json=CHANGED, headers=api.auth(ACCOUNT))
    before = await api_settings(api)

    page = await api.client.get("/settings", headers=session.headers())

    assert page.status_code == 200
    assert controls(page.text) == []
    assert "22:00 to 07:30 (Europe/Berlin)" in page.text
    assert "6 messages a minute, bursts of up to 3" in page.text
    assert '<li class="badge grey">&lt;b&gt;venmo&lt;/b&gt;</li>' in page.text
    refused = await session.submit("/settings", **{**CHANGED_FORM, "timeZone": "Asia/Tokyo"})
    assert refused.status_code == 403
    assert "Not for your role" in refused.text
    assert await api_settings(api) == before


async def test_a_save_without_the_csrf_token_changes_nothing(api: Api) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    before = await api_settings(api)
    refused = await api.client.post(
        "/settings", data={**CHANGED_FORM}, headers=session.headers(csrf=False)
    )
    assert refused.status_code == 403
    assert "nothing was changed" in refused.text
    assert await api_settings(api) == before


async def test_quick_replies_made_edited_and_deleted_in_the_page_are_the_apis(api: Api) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})

    added = await session.submit(
        "/settings/quick-replies",
        title="  Good <night>  ",
        content="Sleep well,\r\n  see you",
    )

    assert added.status_code == 303
    assert added.headers["location"] == "/settings/quick-replies?done=added"
    (reply,) = await api_replies(api)
    assert (reply["title"], reply["content"]) == ("Good <night>", "Sleep well,\n  see you")
    page = await api.client.get(added.headers["location"], headers=session.headers())
    assert listed(page.text) == [reply["id"]]
    assert "Quick reply added." in page.text
    assert "Good &lt;night&gt;" in page.text
    assert "<night>" not in page.text

    edit = f"/settings/quick-replies/{reply['id']}"
    form = await api.client.get(edit, headers=session.headers())
    assert input_value(form.text, "title") == "Good <night>"
    assert textarea_value(form.text, "content") == "Sleep well,\n  see you"
    saved = await session.submit(edit, title="Night", content="Sweet dreams")
    assert saved.status_code == 303
    assert saved.headers["location"] == "/settings/quick-replies?done=saved"
    got = (await api.client.get(f"{REPLIES}/{reply['id']}", headers=api.auth(ACCOUNT))).json()
    assert (got["title"], got["content"]) == ("Night", "Sweet dreams")

    deleted = await session.submit(f"{edit}/delete")
    assert deleted.status_code == 303
    assert deleted.headers["location"] == "/settings/quick-replies?done=deleted"
    assert await api_replies(api) == []
    gone = await api.client.get(f"{REPLIES}/{reply['id']}", headers=api.auth(ACCOUNT))
    assert gone.status_code == 404


async def test_the_list_pages_through_the_replies_as_the_api_lists_them(api: Api) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    ids = [await api_reply(api, f"reply {n}", "text") for n in range(52)]
    first = await api.client.get("/settings/quick-replies", headers=session.headers())
    second = await api.client.get("/settings/quick-replies?offset=50", headers=session.headers())
    assert listed(first.text) == ids[:50]
    assert listed(second.text) == ids[50:]
    assert 'href="/settings/quick-replies?offset=50" rel="next"' in first.text
    assert 'href="/settings/quick-replies?offset=0" rel="prev"' in second.text
    past = await api.client.get("/settings/quick-replies?offset=100", headers=session.headers())
    assert listed(past.text) == []
    assert "None this far: there are 52." in past.text  # not "101 to 100 of 52"
    assert 'href="/settings/quick-replies?offset=50" rel="prev"' in past.text


@pytest.mark.parametrize(
    ("fields", "name", "error"),
    [
        ({"title": "   ", "content": "kept"}, "title", "title must not be empty"),
        ({"title": "t" * 101, "content": "kept"}, "title", "title is longer than 100 characters"),
        ({"title": "kept", "content": " \r\n "}, "content", "content must not be empty"),
        (
            {"title": "kept", "content": "c" * 5001},
            "content",
            "content is longer than 5000 characters",
        ),
    ],
)
async def test_a_bad_quick_reply_is_a_400_under_its_field_and_nothing_is_written(
    api: Api, fields: dict[str, str], name: str, error: str
) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    reply_id = await api_reply(api, "Before", "as it was")
    edit = f"/settings/quick-replies/{reply_id}"
    for path in ("/settings/quick-replies", edit):
        refused = await session.submit(path, **fields)
        assert refused.status_code == 400, path
        assert field_error(refused.text, name) == error
        assert input_value(refused.text, "title") == fields["title"]  # what was typed, kept
        assert textarea_value(refused.text, "content") == fields["content"]
    (reply,) = await api_replies(api)
    assert (reply["title"], reply["content"]) == ("Before", "as it was")


async def test_another_accounts_quick_reply_is_not_found_and_untouched(api: Api) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    theirs = await api_reply(api, "Theirs", "not yours", account=OTHER)
    path = f"/settings/quick-replies/{theirs}"
    answers = [
        await api.client.get(path, headers=session.headers()),
        await session.submit(path, title="Mine", content="now"),
        await session.submit(f"{path}/delete"),
    ]
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert all(f"quick reply {theirs} not found" in a.text for a in answers)
    (reply,) = await api_replies(api, OTHER)
    assert (reply["id"], reply["title"], reply["content"]) == (theirs, "Theirs", "not yours")
    assert (
        listed((await api.client.get("/settings/quick-replies", headers=session.headers())).text)
        == []
    )


async def test_a_chatter_reads_the_quick_replies_and_may_write_none(api: Api) -> None:
    session = await console_person(api, CHATTER, {ACCOUNT: Role.CHATTER})
    reply_id = await api_reply(api, "Hello", "Hi <there>!")
    path = f"/settings/quick-replies/{reply_id}"

    for page in ("/settings/quick-replies", path):
        shown = await api.client.get(page, headers=session.headers())
        assert shown.status_code == 200, page
        assert controls(shown.text) == [], page
        assert "Hi &lt;there&gt;!" in shown.text
    refused = [
        await session.submit("/settings/quick-replies", title="New", content="x"),
        await session.submit(path, title="Edited", content="x"),
        await session.submit(f"{path}/delete"),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403]
    (reply,) = await api_replies(api)
    assert (reply["title"], reply["content"]) == ("Hello", "Hi <there>!")


async def test_the_settings_tabs_are_on_both_pages_with_the_menu_item_current(api: Api) -> None:
    session = await console_person(api, CHATTER, {ACCOUNT: Role.CHATTER})
    for path, current in [
        ("/settings", "Sending rules"),
        ("/settings/quick-replies", "Quick replies"),
    ]:
        page = await api.client.get(path, headers=session.headers())
        assert '<a href="/settings" aria-current="page">Settings</a>' in page.text, path
        assert re.search(rf'aria-current="page">{current}</a>', page.text), path
