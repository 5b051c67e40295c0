"""The inbox over HTTP: the list, a thread, a reply, the fan's notes and tags, and their polls."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.accounts import Role
from tests.integration.conftest import Api, open_api
from tests.support.console import ConsoleSession, console_sign_in
from tests.support.events import BRIDGE_SECRET, encoded, event, signed
from tests.support.people import person

ACCOUNT = "acct-a"
CHATTER = "chatter@inbox.example"
HTMX = {"HX-Request": "true"}
_ROW = re.compile(
    r'<a id="c-(\d+)"[^>]*>\s*<span class="conversation-name">([^<]*)</span>(.*?)</a>', re.S
)
_BADGE = re.compile(r'<span class="badge">(\d+)')
_PANEL_FIELD = re.compile(r'name="(version|was)" value="([^"]*)"')


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async for built in open_api(API_RATE_PER_MINUTE="1000", DELIVERY_WEBHOOK_SECRET=BRIDGE_SECRET):
        yield built


@pytest.fixture
async def chatter(api: Api) -> ConsoleSession:
    await person(api, CHATTER, {ACCOUNT: Role.CHATTER})
    return await console_sign_in(api.client, CHATTER)


async def bridge_sends(api: Api, body: dict[str, Any]) -> None:
    raw = encoded(body)
    response = await api.client.post("/api/onlyfans/events", content=raw, headers=signed(raw))
    assert response.status_code == 200, response.text


async def fan_writes(
    api: Api, handle: str, text: str, at: str, account: str = ACCOUNT, **data: Any
) -> int:
    """The fan's message arrives from the bridge; the id of their conversation."""
    await bridge_sends(
        api, event("message.received", account, handle, text=text, occurred_at=at, **data)
    )
    listed = await api.client.get("/api/crm/conversations", headers=api.auth(account))
    return next(c["id"] for c in listed.json()["items"] if c["fanHandle"] == handle)


def rows(page: str) -> list[tuple[int, str, int]]:
    """(conversation id, name shown, unread badge) of each row of the list, in order."""
    found = []
    for conversation_id, name, rest in _ROW.findall(page):
        badge = _BADGE.search(rest)
        found.append((int(conversation_id), html.unescape(name), int(badge[1]) if badge else 0))
    return found


def panel_fields(page: str) -> dict[str, str]:
    """The side panel's hidden fields: the fan's version and the notes and tags it showed."""
    fields = dict(_PANEL_FIELD.findall(page))
    assert fields.keys() == {"version", "was"}, page
    return fields


async def fan_of(api: Api, conversation_id: int) -> dict[str, Any]:
    conversation = await api.client.get(
        f"/api/crm/conversations/{conversation_id}", headers=api.auth(ACCOUNT)
    )
    fan = await api.client.get(
        f"/api/crm/fans/{conversation.json()['fanId']}", headers=api.auth(ACCOUNT)
    )
    return dict(fan.json())


async def test_the_list_is_newest_first_with_unread_counts(api: Api, chatter: ConsoleSession):
    quiet = await api.fan(ACCOUNT, "quiet")
    sent = await api.client.post(
        "/api/onlyfans/messaging/send",
        json={"recipientId": quiet, "content": "hello"},
        headers=api.auth(ACCOUNT),
    )
    assert sent.status_code == 202
    early = await fan_writes(api, "early", "hi", "2026-01-01T09:00:00Z", name="Early")
    await fan_writes(api, "early", "still there?", "2026-01-01T09:05:00Z")
    late = await fan_writes(api, "late", "hey", "2026-01-01T11:00:00Z")
    await fan_writes(api, "stranger", "yo", "2026-01-01T12:00:00Z", account="acct-b")

    page = await api.client.get("/inbox", headers=chatter.headers())

    assert page.status_code == 200
    listed = rows(page.text)
    assert [(name, unread) for _, name, unread in listed] == [
        ("@late", 1),
        ("Early", 2),
        ("@quiet", 0),
    ]
    assert [conversation_id for conversation_id, _, _ in listed][:2] == [late, early]
    assert "1\N{EN DASH}3 of 3" in page.text
    unread_only = await api.client.get("/inbox?filter=unread", headers=chatter.headers())
    assert [name for _, name, _ in rows(unread_only.text)] == ["@late", "Early"]
    searched = await api.client.get("/inbox?q=earl", headers=chatter.headers())
    assert [name for _, name, _ in rows(searched.text)] == ["Early"]


async def test_j_and_k_go_to_the_conversations_around_the_open_one(
    api: Api, chatter: ConsoleSession
):
    ids = [
        await fan_writes(api, handle, "hi", f"2026-01-01T0{hour}:00:00Z")
        for hour, handle in enumerate(["c", "b", "a"], start=1)
    ]  # listed a, b, c

    middle = await api.client.get(f"/inbox/{ids[1]}", headers=chatter.headers())
    first = await api.client.get("/inbox", headers=chatter.headers())

    assert re.search(rf'id="c-{ids[0]}"[^>]*data-key="j"', middle.text)
    assert re.search(rf'id="c-{ids[2]}"[^>]*data-key="k"', middle.text)
    assert re.search(rf'id="c-{ids[2]}"[^>]*data-key="j"', first.text)
    assert 'data-key="k"' not in first.text
    for key in ("/", "r"):
        assert f'data-key="{key}"' in middle.text


async def test_opening_a_thread_shows_it_and_the_page_marks_it_read(
    api: Api, chatter: ConsoleSession
):
    conversation_id = await fan_writes(api, "luna", "are you there?", "2026-01-01T09:00:00Z")

    page = await api.client.get(f"/inbox/{conversation_id}", headers=chatter.headers())

    assert "are you there?" in page.text
    mark = f'hx-post="/inbox/{conversation_id}/read"'
    assert mark in page.text  # the GET itself changed nothing
    stored = await api.client.get(
        f"/api/crm/conversations/{conversation_id}", headers=api.auth(ACCOUNT)
    )
    assert stored.json()["unreadCount"] == 1
    read = await api.client.post(
        f"/inbox/{conversation_id}/read", headers={**chatter.headers(), **HTMX}
    )
    assert read.status_code == 204
    stored = await api.client.get(
        f"/api/crm/conversations/{conversation_id}", headers=api.auth(ACCOUNT)
    )
    assert stored.json()["unreadCount"] == 0
    again = await api.client.get(f"/inbox/{conversation_id}", headers=chatter.headers())
    assert mark not in again.text


async def test_polls_answer_204_until_a_message_arrives(api: Api, chatter: ConsoleSession):
    conversation_id = await fan_writes(api, "luna", "hi", "2026-01-01T09:00:00Z")
    page = await api.client.get(f"/inbox/{conversation_id}", headers=chatter.headers())
    list_poll = html.unescape(re.search(r'hx-get="(/inbox/list\?[^"]*)"', page.text)[1])
    thread_poll = html.unescape(re.search(r'hx-get="(/inbox/\d+/thread\?[^"]*)"', page.text)[1])
    polling = {**chatter.headers(), **HTMX}

    assert (await api.client.get(list_poll, headers=polling)).status_code == 204
    assert (await api.client.get(thread_poll, headers=polling)).status_code == 204

    await fan_writes(api, "luna", "hello?", "2026-01-01T09:01:00Z")
    other = await fan_writes(api, "nova", "me too", "2026-01-01T09:02:00Z")

    thread = await api.client.get(thread_poll, headers=polling)
    assert thread.status_code == 200
    assert "hello?" in thread.text
    assert "me too" not in thread.text
    listed = await api.client.get(list_poll, headers=polling)
    assert listed.status_code == 200
    assert [(i, unread) for i, _, unread in rows(listed.text)] == [(other, 1), (conversation_id, 0)]


async def test_a_reply_is_queued_shows_in_the_thread_and_its_status_moves_to_sent(
    api: Api, chatter: ConsoleSession
):
    conversation_id = await fan_writes(api, "luna", "hi", "2026-01-01T09:00:00Z")
    api.clock.advance(10 * 3600)  # the reply comes after the fan's message

    sent = await api.client.post(
        f"/inbox/{conversation_id}/messages",
        data=chatter.form(content="Hi Luna!"),
        headers={**chatter.headers(), **HTMX},
    )

    assert sent.status_code == 200, sent.text
    assert 'id="thread"' in sent.text
    assert 'id="reply-field" class="field" hx-swap-oob="true"' in sent.text  # emptied
    message_poll = re.search(r'hx-get="(/inbox/messages/[^"]+)"', sent.text)
    assert message_poll, sent.text
    assert "Hi Luna!" in sent.text
    assert "status-queued" in sent.text
    assert "due " in sent.text  # the send's ETA
    [newest, _] = (
        await api.client.get(
            f"/api/crm/conversations/{conversation_id}/messages", headers=api.auth(ACCOUNT)
        )
    ).json()["items"]
    assert (newest["content"], newest["status"]) == ("Hi Luna!", "queued")
    assert newest["author"]["kind"] == "member"  # the chatter signed in, as the API records
    assert newest["author"]["id"]

    await api.drain()
    polled = await api.client.get(html.unescape(message_poll[1]), headers=chatter.headers())

    assert "status-sent" in polled.text
    assert "hx-get" not in polled.text  # final: it stops polling


async def test_a_reply_from_a_plain_form_goes_back_to_the_conversation(
    api: Api, chatter: ConsoleSession
):
    conversation_id = await fan_writes(api, "luna", "hi", "2026-01-01T09:00:00Z")

    sent = await api.client.post(
        f"/inbox/{conversation_id}/messages",
        data=chatter.form(content="sent without htmx"),
        headers=chatter.headers(),
        follow_redirects=False,
    )

    assert sent.status_code == 303
    assert sent.headers["location"] == f"/inbox/{conversation_id}"
    page = await api.client.get(sent.headers["location"], headers=chatter.headers())
    assert "sent without htmx" in page.text


async def test_a_long_thread_shows_its_newest_messages_and_earlier_ones_on_demand(
    api: Api, chatter: ConsoleSession
):
    for n in range(55):
        conversation_id = await fan_writes(
            api, "luna", f"message #{n}.", f"2026-01-01T09:{n:02d}:00Z"
        )

    page = await api.client.get(f"/inbox/{conversation_id}", headers=chatter.headers())
    earlier = re.search(r'hx-get="(/inbox/\d+/thread\?shown=100)"[^>]*>Earlier messages', page.text)
    more = await api.client.get(earlier[1], headers={**chatter.headers(), **HTMX})

    assert ("message #5." in page.text, "message #4." in page.text) == (True, False)
    assert all(f"message #{n}." in more.text for n in range(55))
    assert "Earlier messages" not in more.text
    assert "shown=100&amp;seen=" in more.text  # and it polls as long a thread


async def test_a_blank_reply_comes_back_with_the_reason_under_the_field(
    api: Api, chatter: ConsoleSession
):
    conversation_id = await fan_writes(api, "luna", "hi", "2026-01-01T09:00:00Z")

    refused = await api.client.post(
        f"/inbox/{conversation_id}/messages",
        data=chatter.form(content="   "),
        headers={**chatter.headers(), **HTMX},
    )

    assert refused.status_code == 400
    assert refused.headers["HX-Retarget"] == "#reply-field"
    assert 'class="field-error" id="reply-error">content must not be empty' in refused.text


async def test_the_side_panel_shows_the_fans_spend_subscription_and_last_activity(
    api: Api, chatter: ConsoleSession
):
    conversation_id = await fan_writes(api, "luna", "hi", "2026-01-01T09:00:00Z", name="Luna")
    await bridge_sends(api, event("ppv.purchased", ACCOUNT, "luna", amountCents=123_450))
    await bridge_sends(
        api, event("fan.subscribed", ACCOUNT, "luna", occurred_at="2025-12-24T18:30:00Z")
    )

    page = await api.client.get(f"/inbox/{conversation_id}", headers=chatter.headers())

    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page.text))
    assert facts == {
        "Lifetime spend": "$1,234.50",
        "Subscription": "subscribed since 24 Dec 2025",
        "Last active": "today 10:00",  # the purchase, at the events' default time
    }


async def test_the_fans_notes_and_tags_are_edited_from_the_side_panel(
    api: Api, chatter: ConsoleSession
):
    conversation_id = await fan_writes(api, "luna", "hi", "2026-01-01T09:00:00Z")
    page = await api.client.get(f"/inbox/{conversation_id}", headers=chatter.headers())
    api.clock.advance(1)

    saved = await api.client.post(
        f"/inbox/{conversation_id}/fan",
        data=chatter.form(notes="likes cats", tags="vip, cats ,", **panel_fields(page.text)),
        headers={**chatter.headers(), **HTMX},
    )

    assert saved.status_code == 200, saved.text
    assert "Notes and tags saved." in saved.text
    fan = await fan_of(api, conversation_id)
    assert (fan["notes"], sorted(fan["tags"])) == ("likes cats", ["cats", "vip"])


async def test_a_notes_edit_from_a_stale_panel_is_412_with_a_clear_message(
    api: Api, chatter: ConsoleSession
):
    conversation_id = await fan_writes(api, "luna", "hi", "2026-01-01T09:00:00Z")
    page = await api.client.get(f"/inbox/{conversation_id}", headers=chatter.headers())
    api.clock.advance(1)
    fan_id = (await fan_of(api, conversation_id))["id"]
    meanwhile = await api.client.patch(
        f"/api/crm/fans/{fan_id}", json={"notes": "from the API"}, headers=api.auth(ACCOUNT)
    )
    assert meanwhile.status_code == 200

    stale = await api.client.post(
        f"/inbox/{conversation_id}/fan",
        data=chatter.form(notes="mine", tags="", **panel_fields(page.text)),
        headers={**chatter.headers(), **HTMX},
    )

    assert stale.status_code == 412
    assert "This fan changed since you opened it: reload the page" in stale.text
    assert ">mine</textarea>" in stale.text  # what was typed is not lost
    assert (await fan_of(api, conversation_id))["notes"] == "from the API"


async def test_notes_typed_while_the_fan_writes_and_buys_are_still_saved(
    api: Api, chatter: ConsoleSession
):
    conversation_id = await fan_writes(api, "luna", "hi", "2026-01-01T09:00:00Z")
    page = await api.client.get(f"/inbox/{conversation_id}", headers=chatter.headers())
    api.clock.advance(1)
    await fan_writes(api, "luna", "still there?", "2026-01-01T09:05:00Z")
    await bridge_sends(api, event("ppv.purchased", ACCOUNT, "luna", amountCents=900))
    moved_on = await fan_of(api, conversation_id)
    assert moved_on["valueCents"] == 900  # the fan's version moved on twice since the panel

    saved = await api.client.post(
        f"/inbox/{conversation_id}/fan",
        data=chatter.form(notes="bought the set", tags="", **panel_fields(page.text)),
        headers={**chatter.headers(), **HTMX},
    )

    assert saved.status_code == 200, saved.text
    fan = await fan_of(api, conversation_id)
    assert (fan["notes"], fan["valueCents"]) == ("bought the set", 900)  # the purchase kept


async def test_a_chatter_cannot_change_a_fans_other_fields(api: Api, chatter: ConsoleSession):
    conversation_id = await fan_writes(api, "luna", "hi", "2026-01-01T09:00:00Z", name="Luna")
    before = await fan_of(api, conversation_id)

    refused = await api.client.post(
        f"/inbox/{conversation_id}/fan",
        data=chatter.form(notes="x", name="Someone else", valueCents="0", handle="evil"),
        headers={**chatter.headers(), **HTMX},
    )

    assert refused.status_code == 403
    assert "a chatter may change only notes and tags of a fan, not handle, name, valueCents" in (
        html.unescape(refused.text)
    )
    assert await fan_of(api, conversation_id) == before


async def test_another_accounts_conversation_is_not_found_everywhere(
    api: Api, chatter: ConsoleSession
):
    theirs = await fan_writes(api, "luna", "secret", "2026-01-01T09:00:00Z", account="acct-b")
    headers = {**chatter.headers(), "Accept": "text/html"}

    answers = [
        await api.client.get(f"/inbox/{theirs}", headers=headers),
        await api.client.get(f"/inbox/{theirs}/thread", headers=headers),
        await api.client.post(f"/inbox/{theirs}/read", headers=headers),
        await api.client.post(
            f"/inbox/{theirs}/messages", data=chatter.form(content="hi"), headers=headers
        ),
        await api.client.post(
            f"/inbox/{theirs}/fan", data=chatter.form(notes="mine"), headers=headers
        ),
    ]

    assert [a.status_code for a in answers] == [404] * 5
    assert all(f"conversation {theirs} not found" in a.text for a in answers)
    assert all("secret" not in a.text for a in answers)
    thread = await api.client.get(
        f"/api/crm/conversations/{theirs}/messages", headers=api.auth("acct-b")
    )
    assert [m["content"] for m in thread.json()["items"]] == ["secret"]  # no reply was sent


async def test_every_text_a_user_typed_comes_back_escaped(api: Api, chatter: ConsoleSession):
    script = "<script>alert(1)</script>"
    conversation_id = await fan_writes(
        api, "luna", '<img src=x onerror="alert(2)">', "2026-01-01T09:00:00Z", name=script
    )
    fan_id = (await fan_of(api, conversation_id))["id"]
    patched = await api.client.patch(
        f"/api/crm/fans/{fan_id}",
        json={"notes": "</textarea><b>bold</b>", "tags": ['<i onclick="x">t</i>']},
        headers=api.auth(ACCOUNT),
    )
    assert patched.status_code == 200

    pages = [
        (await api.client.get(f"/inbox/{conversation_id}", headers=chatter.headers())).text,
        (await api.client.get("/inbox?q=%3Cscript%3E", headers=chatter.headers())).text,
    ]

    for page in pages:
        assert script not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    page = pages[0]
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page
    assert "</textarea><b>" not in page
    assert "&lt;/textarea&gt;&lt;b&gt;bold&lt;/b&gt;" in page
    assert '<i onclick="x">' not in page
    assert "&lt;i onclick=&#34;x&#34;&gt;t&lt;/i&gt;" in page


async def test_bad_list_parameters_are_400_naming_them(api: Api, chatter: ConsoleSession):
    bad = [
        ("filter=vip", "filter"),
        ("page=0", "page"),
        ("page=" + "9" * 5000, "page"),
        ("q=" + "x" * 101, "search"),
    ]
    for query, field in bad:
        answer = await api.client.get(f"/inbox?{query}", headers=chatter.headers())
        assert answer.status_code == 400, query
        assert field in answer.text


async def test_the_poll_of_a_thread_whose_fan_was_deleted_stops_and_says_so(
    api: Api, chatter: ConsoleSession
):
    conversation = await fan_writes(api, "leaving", "bye", "2026-01-01T09:00:00Z")
    fan = await fan_of(api, conversation)
    poll = f"/inbox/{conversation}/thread"
    before = await api.client.get(poll, headers={**chatter.headers(), **HTMX})
    assert before.status_code == 200
    deleted = await api.client.delete(f"/api/crm/fans/{fan['id']}", headers=api.auth(ACCOUNT))
    assert deleted.status_code == 204
    after = await api.client.get(poll, headers={**chatter.headers(), **HTMX})
    assert after.status_code == 286  # htmx polls no more
    assert "no longer exists" in after.text
    assert "hx-trigger" not in after.text
    typed = await api.client.get(poll, headers=chatter.headers())
    assert typed.status_code == 404  # not a poll: the page of a conversation not found
