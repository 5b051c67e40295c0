"""The campaigns pages over HTTP: the list shows the API's counters and polls while something
moves, the form makes the campaign the bulk send would (its live count is the API's count), a
refused field comes back under it with what was typed, each action calls its use case (a
refusal said, not a 500), another account's campaign is 404 and a chatter is refused."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.accounts import Role
from core.messaging import PermanentFailure
from entrypoints.container import resolve
from entrypoints.http.console.campaign_form import FIELDS
from tests.integration.conftest import Api
from tests.support.campaigns import fanned_out
from tests.support.console import ConsoleSession, console_sign_in
from tests.support.people import person

ACCOUNT, OTHER = "camp-acct", "camp-other"
MANAGER, CHATTER = "manager@camp.example", "chatter@camp.example"
HTMX = {"HX-Request": "true"}
CAMPAIGNS = "/api/crm/campaigns"
COUNTERS = ["targeted", "pending", "queued", "sent", "failed", "held", "cancelled", "unsent"]
NAMED = {*COUNTERS, "revenueCents"}


async def signed_in(api: Api, email: str = MANAGER, role: Role = Role.MANAGER) -> ConsoleSession:
    await person(api, email, {ACCOUNT: role})
    return await console_sign_in(api.client, email)


async def fans(api: Api, *handles_and_tags: tuple[str, list[str]], account: str = ACCOUNT) -> None:
    for handle, tags in handles_and_tags:
        body = {"platform": "onlyfans", "handle": handle, "tags": tags}
        made = await api.client.post("/api/crm/fans", json=body, headers=api.auth(account))
        assert made.status_code == 201, made.text


async def bulk(api: Api, name: str = "spring", account: str = ACCOUNT, **body: object) -> dict:
    sent = await api.client.post(
        "/api/messages/bulk",
        json={"campaignName": name, "content": "hi", "segment": {}, **body},
        headers=api.auth(account),
    )
    assert sent.status_code == 202, sent.text
    return await fanned_out(api.client, sent.json()["campaignId"], api.auth(account))


def card(page: str, campaign_id: int) -> str:
    match = re.search(rf'<li class="campaign" data-campaign="{campaign_id}".*?</li>', page, re.S)
    assert match, f"campaign {campaign_id} is not listed"
    return match.group(0)


def shown(page: str, campaign_id: int) -> dict[str, int]:
    """The counters on the campaign's card, revenue in cents."""
    counts = re.findall(
        r'data-count="(\w+)"(?: data-cents="(\d+)")?>(\d+)?', card(page, campaign_id)
    )
    return {name: int(cents or value) for name, cents, value in counts if name in NAMED}


def status_shown(page: str, campaign_id: int) -> str:
    match = re.search(r'data-status="(\w+)"', card(page, campaign_id))
    assert match
    return match.group(1)


def buttons(page: str, campaign_id: int) -> list[str]:
    return re.findall(r'<button type="submit"[^>]*>([^<]+)<', card(page, campaign_id))


def field_error(page: str, name: str) -> str:
    match = re.search(rf'<p class="field-error" id="e-{re.escape(name)}">([^<]*)</p>', page)
    assert match, f"no error under {name}"
    return html.unescape(match.group(1))


def polls(page: str) -> bool:
    return 'hx-get="/campaigns/live' in page


async def test_the_list_shows_the_apis_counters_and_only_this_accounts_campaigns(
    api: Api,
) -> None:
    session = await signed_in(api)
    await fans(api, ("luna", ["vip"]), ("mia", []), ("nova", ["vip"]))
    await fans(api, ("elsewhere", []), account=OTHER)
    gateway = await resolve(api.container.delivery)
    gateway.script(PermanentFailure("fan blocked the creator"))  # one fails, two are sent
    done = await bulk(api, "<b>drained</b>")
    await api.drain()
    running = await bulk(api, "vips", segment={"tagsAny": ["vip"]})
    theirs = await bulk(api, "not yours", account=OTHER)

    page = await api.client.get("/campaigns", headers=session.headers())

    assert page.status_code == 200
    listed = (await api.client.get(CAMPAIGNS, headers=api.auth(ACCOUNT))).json()["items"]
    assert [c["id"] for c in listed] == [running["id"], done["id"]]
    for campaign in listed:
        counters = campaign["counters"]
        assert shown(page.text, campaign["id"]) == {
            **{name: counters[name] for name in COUNTERS},
            "revenueCents": counters["revenueCents"],
        }
        assert status_shown(page.text, campaign["id"]) == campaign["status"]
    drained = listed[1]
    assert (drained["status"], drained["counters"]["sent"], drained["counters"]["failed"]) == (
        "completed", 2, 1,
    )  # fmt: skip
    assert f'data-campaign="{theirs["id"]}"' not in page.text
    assert "&lt;b&gt;drained&lt;/b&gt;" in page.text
    assert "<b>drained</b>" not in page.text
    assert buttons(page.text, running["id"]) == ["Pause", "Cancel"]
    assert buttons(page.text, done["id"]) == ["Retry failed"]  # completed, with a failure
    assert polls(page.text)  # the running one moves


async def test_the_poll_answers_204_while_unchanged_and_286_once_nothing_moves(api: Api) -> None:
    session = await signed_in(api)
    await fans(api, ("luna", []))
    campaign = await bulk(api)
    page = (await api.client.get("/campaigns", headers=session.headers())).text
    seen = re.search(r"seen=(\w+)", page)
    assert seen

    headers = {**session.headers(), **HTMX}
    same = await api.client.get(f"/campaigns/live?seen={seen.group(1)}", headers=headers)
    assert same.status_code == 204
    await api.drain()  # it completes: nothing on the page moves any more
    last = await api.client.get(f"/campaigns/live?seen={seen.group(1)}", headers=headers)
    assert last.status_code == 286
    assert status_shown(last.text, campaign["id"]) == "completed"
    assert not polls(last.text)
    assert "<html" not in last.text


async def test_the_form_makes_the_campaign_its_live_count_announced(api: Api) -> None:
    session = await signed_in(api)
    await fans(api, ("luna", ["vip"]), ("mia", ["vip", "muted"]), ("nova", ["new"]))
    await fans(api, ("elsewhere", ["vip"]), account=OTHER)
    form = {
        "campaignName": "VIP night",
        "content": "Tonight only <3",
        "priceCents": "9.99",
        "mediaUrls": "https://cdn.example/a.jpg\r\n",
        "segment.tagsAny": "vip, new",
        "segment.tagsNone": "muted",
        "segment.platform": "onlyfans",
        "ratePerMinute": "3",
    }
    segment = {"tagsAny": ["vip", "new"], "tagsNone": ["muted"], "platform": "onlyfans"}
    by_api = await api.client.post(
        f"{CAMPAIGNS}/audience", json={"segment": segment}, headers=api.auth(ACCOUNT)
    )

    live = await api.client.post(
        "/campaigns/new/audience", data=session.form(**form), headers={**session.headers(), **HTMX}
    )

    assert live.status_code == 200
    counted = re.search(r'data-audience="fans">(\d+)<', live.text)
    assert counted
    assert int(counted.group(1)) == by_api.json()["fans"] == 2
    assert "Tonight only &lt;3" in live.text  # the preview, escaped
    assert "Unlock for $9.99" in live.text
    assert "https://cdn.example/a.jpg" in live.text

    made = await api.client.post(
        "/campaigns/new",
        data=session.form(**form),
        headers=session.headers(csrf=False),
        follow_redirects=False,
    )

    assert made.status_code == 303
    [campaign] = (await api.client.get(CAMPAIGNS, headers=api.auth(ACCOUNT))).json()["items"]
    assert made.headers["location"] == f"/campaigns?created={campaign['id']}"
    assert (campaign["name"], campaign["content"], campaign["priceCents"]) == (
        "VIP night", "Tonight only <3", 999,
    )  # fmt: skip
    assert (campaign["mediaUrls"], campaign["ratePerMinute"]) == (["https://cdn.example/a.jpg"], 3)
    campaign = await fanned_out(api.client, campaign["id"], api.auth(ACCOUNT))
    assert campaign["counters"]["targeted"] == by_api.json()["fans"]
    listed = await api.client.get(made.headers["location"], headers=session.headers())
    assert "Campaign created" in listed.text


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"campaignName": " "}, "campaignName", "must not be empty"),
        ({"segment.minValueCents": "50", "segment.maxValueCents": "5"}, "segment.maxValueCents",
         "below minValueCents"),
        ({"segment.minValueCents": "lots"}, "segment.minValueCents", "not an amount of money"),
        ({"segment.excludeMessagedWithinHours": "0"}, "segment.excludeMessagedWithinHours",
         "between 1 and"),
        ({"segment.excludeFanIds": "3, x"}, "segment.excludeFanIds", "not a fan id"),
        ({"ratePerMinute": "500"}, "ratePerMinute", "between 1 and 60"),
        ({"sendAt": "2000-01-01T10:00"}, "sendAt", "must be in the future"),
        ({"priceCents": "1" * 40}, "priceCents", "not an amount of money"),
    ],
)  # fmt: skip
async def test_a_refused_field_is_said_under_it_with_400_and_what_was_typed_kept(
    api: Api, change: dict[str, str], field: str, says: str
) -> None:
    session = await signed_in(api)
    await fans(api, ("luna", []))
    form = {"campaignName": "kept <name>", "content": "kept content", **change}

    refused = await api.client.post(
        "/campaigns/new", data=session.form(**form), headers=session.headers()
    )

    assert refused.status_code == 400
    assert says in field_error(refused.text, field)
    assert f'aria-describedby="e-{field}"' in refused.text
    for value in form.values():
        assert html.escape(value) in refused.text, value  # typed, kept (and escaped)
    listed = (await api.client.get(CAMPAIGNS, headers=api.auth(ACCOUNT))).json()
    assert listed["total"] == 0


async def test_the_live_count_says_why_it_cannot_count_with_400(api: Api) -> None:
    session = await signed_in(api)
    form = {"segment.minValueCents": "50", "segment.maxValueCents": "5"}

    live = await api.client.post(
        "/campaigns/new/audience", data=session.form(**form), headers={**session.headers(), **HTMX}
    )

    assert live.status_code == 400
    assert "segment.maxValueCents is below minValueCents" in live.text
    assert 'data-audience="refused"' in live.text


async def test_pause_resume_and_cancel_move_the_campaign_and_a_refusal_is_said(api: Api) -> None:
    session = await signed_in(api)
    await fans(api, ("luna", []), ("mia", []))
    campaign = (await bulk(api))["id"]
    headers = {**session.headers(), **HTMX}

    async def act(action: str) -> tuple[int, str]:
        answer = await api.client.post(
            f"/campaigns/{campaign}/{action}", data=session.form(limit="50", offset="0"),
            headers=headers,
        )  # fmt: skip
        return answer.status_code, answer.text

    status, paused = await act("pause")
    assert (status, status_shown(paused, campaign)) == (200, "paused")
    assert buttons(paused, campaign) == ["Resume", "Cancel"]
    assert "spring: paused." in paused
    assert 'hx-swap-oob="true"' in paused  # the outcome, above the list

    status, again = await act("pause")
    assert status == 409
    assert "it cannot be paused" in again
    assert status_shown(again, campaign) == "paused"

    status, resumed = await act("resume")
    assert (status, status_shown(resumed, campaign)) == (200, "running")
    status, cancelled = await act("cancel")
    assert (status, status_shown(cancelled, campaign)) == (200, "cancelled")
    assert buttons(cancelled, campaign) == []
    assert not polls(cancelled)
    one = (await api.client.get(f"{CAMPAIGNS}/{campaign}", headers=api.auth(ACCOUNT))).json()
    assert (one["status"], one["counters"]["cancelled"]) == ("cancelled", 2)


async def test_retry_failed_sends_the_failed_messages_again(api: Api) -> None:
    session = await signed_in(api)
    await fans(api, ("luna", []), ("mia", []))
    gateway = await resolve(api.container.delivery)
    gateway.script(*[PermanentFailure("fan blocked the creator")] * 2)
    campaign = (await bulk(api))["id"]
    await api.drain()

    answer = await api.client.post(
        f"/campaigns/{campaign}/retry-failed",
        data=session.form(),
        headers=session.headers(),
        follow_redirects=False,
    )

    assert answer.status_code == 303  # a form posted without htmx: back to the list
    assert answer.headers["location"] == "/campaigns?limit=50&offset=0"
    one = (await api.client.get(f"{CAMPAIGNS}/{campaign}", headers=api.auth(ACCOUNT))).json()
    assert (one["status"], one["counters"]["failed"]) == ("running", 0)
    await api.drain()
    one = (await api.client.get(f"{CAMPAIGNS}/{campaign}", headers=api.auth(ACCOUNT))).json()
    assert (one["status"], one["counters"]["sent"]) == ("completed", 2)


async def test_the_confirmation_guards_cancel_only(api: Api) -> None:
    session = await signed_in(api)
    await fans(api, ("luna", []))
    campaign = (await bulk(api))["id"]
    page = (await api.client.get("/campaigns", headers=session.headers())).text
    forms = re.findall(r"<form [^>]*>", card(page, campaign))
    confirming = [f for f in forms if "data-confirm=" in f]
    # Each action aborts the list's poll in flight: its older answer never replaces the action's.
    assert all('hx-sync="closest #campaigns:replace"' in f for f in forms)
    assert len(confirming) == 1
    assert f'action="/campaigns/{campaign}/cancel"' in confirming[0]


async def test_another_accounts_campaign_is_404_and_left_alone(api: Api) -> None:
    session = await signed_in(api)
    await fans(api, ("elsewhere", []), account=OTHER)
    theirs = (await bulk(api, "not yours", account=OTHER))["id"]

    for action in ("pause", "cancel", "resume", "retry-failed"):
        plain = await api.client.post(
            f"/campaigns/{theirs}/{action}", data=session.form(), headers=session.headers()
        )
        assert plain.status_code == 404, action
        assert f"campaign {theirs} not found" in plain.text
        htmx = await api.client.post(
            f"/campaigns/{theirs}/{action}",
            data=session.form(),
            headers={**session.headers(), **HTMX},
        )
        assert htmx.status_code == 404, action
        assert 'data-swap-errors="404 409 503"' in htmx.text
    one = (await api.client.get(f"{CAMPAIGNS}/{theirs}", headers=api.auth(OTHER))).json()
    assert one["status"] == "running"


async def test_a_chatter_is_refused_every_campaign_page_and_sees_none_in_the_menu(
    api: Api,
) -> None:
    session = await signed_in(api, CHATTER, Role.CHATTER)
    await fans(api, ("luna", []))
    campaign = (await bulk(api))["id"]

    for method, path in [
        ("GET", "/campaigns"), ("GET", "/campaigns/live"), ("GET", "/campaigns/new"),
        ("POST", "/campaigns/new"), ("POST", "/campaigns/new/audience"),
        ("POST", f"/campaigns/{campaign}/pause"), ("POST", f"/campaigns/{campaign}/cancel"),
    ]:  # fmt: skip
        refused = await api.client.request(
            method,
            path,
            data=session.form(campaignName="x", content="y"),
            headers=session.headers(),
        )
        assert refused.status_code == 403, path
        assert "Not for your role" in refused.text
    inbox = await api.client.get("/inbox", headers=session.headers())
    assert 'href="/campaigns"' not in inbox.text
    one = (await api.client.get(f"{CAMPAIGNS}/{campaign}", headers=api.auth(ACCOUNT))).json()
    assert one["status"] == "running"


async def test_an_action_without_the_csrf_token_changes_nothing(api: Api) -> None:
    session = await signed_in(api)
    await fans(api, ("luna", []))
    campaign = (await bulk(api))["id"]

    refused = await api.client.post(
        f"/campaigns/{campaign}/pause", headers=session.headers(csrf=False)
    )

    assert refused.status_code == 403
    one = (await api.client.get(f"{CAMPAIGNS}/{campaign}", headers=api.auth(ACCOUNT))).json()
    assert one["status"] == "running"


async def test_a_campaigns_page_shows_its_message_audience_and_counters(api: Api) -> None:
    session = await signed_in(api)
    await fans(api, ("luna", ["vip"]), ("mia", []))
    segment = {"tagsAny": ["vip"], "tagsNone": ["muted"], "minValueCents": 1050}
    campaign = await bulk(api, "vip <night>", segment=segment, content="<i>hi</i>", priceCents=499)
    await fans(api, ("elsewhere", []), account=OTHER)
    theirs = (await bulk(api, "not yours", account=OTHER))["id"]

    page = await api.client.get(f"/campaigns/{campaign['id']}", headers=session.headers())

    assert page.status_code == 200
    assert shown(page.text, campaign["id"]) == {
        **{name: campaign["counters"][name] for name in COUNTERS},
        "revenueCents": 0,
    }
    assert "&lt;i&gt;hi&lt;/i&gt;" in page.text
    assert "Unlock for $4.99" in page.text
    for fact in ("<dt>Any of the tags</dt><dd>vip</dd>", "<dt>None of the tags</dt><dd>muted</dd>",
                 "<dt>Spent at least</dt><dd>$10.50</dd>"):  # fmt: skip
        assert fact in page.text
    listed = await api.client.get("/campaigns", headers=session.headers())
    assert f'href="/campaigns/{campaign["id"]}"' in listed.text
    other = await api.client.get(f"/campaigns/{theirs}", headers=session.headers())
    assert other.status_code == 404


async def test_an_action_asking_for_a_page_we_do_not_serve_is_refused_before_acting(
    api: Api,
) -> None:
    session = await signed_in(api)
    await fans(api, ("luna", []))
    campaign = (await bulk(api))["id"]

    refused = await api.client.post(
        f"/campaigns/{campaign}/pause",
        data=session.form(limit="0", offset="0"),
        headers={**session.headers(), **HTMX},
    )

    assert refused.status_code == 400
    assert "limit must be between 1 and" in refused.text
    one = (await api.client.get(f"{CAMPAIGNS}/{campaign}", headers=api.auth(ACCOUNT))).json()
    assert one["status"] == "running"


# What a person (or a script posting the form) may type: words, numbers of any length, dates,
# a platform's name, blank; never a lone surrogate (no browser sends one).
typed = (
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
    | st.from_regex(r"-?[0-9]{1,40}([.,][0-9]{0,3})?", fullmatch=True)
    | st.sampled_from(["", " ", "vip, new", "onlyfans", "2030-01-01T10:00", "9999-12-31T23:59"])
)
forms = st.dictionaries(st.sampled_from(sorted(FIELDS)), typed, max_size=6)


@pytest.fixture
async def session_of(api: Api) -> ConsoleSession:
    """A manager signed in once for every example hypothesis draws (they share `api`)."""
    await fans(api, ("luna", ["vip"]))
    return await signed_in(api)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(form=forms)
async def test_whatever_is_typed_the_form_answers_a_count_a_campaign_or_a_400(
    api: Api, session_of: ConsoleSession, form: dict[str, str]
) -> None:
    headers = {**session_of.headers(), **HTMX}
    live = await api.client.post(
        "/campaigns/new/audience", data=session_of.form(**form), headers=headers
    )
    assert live.status_code in (200, 400), (form, live.text)
    assert ('data-audience="refused"' in live.text) == (live.status_code == 400)

    made = await api.client.post(
        "/campaigns/new",
        data=session_of.form(**form),
        headers=session_of.headers(),
        follow_redirects=False,
    )
    assert made.status_code in (303, 400), (form, made.text)
    if made.status_code == 400:  # the form again, the reason said
        assert 'role="alert"' in made.text, made.text
        assert 'id="campaign-form"' in made.text


async def test_a_page_past_the_last_says_so_and_links_to_the_first(api: Api) -> None:
    session = await signed_in(api)
    await fans(api, ("luna", []))
    await bulk(api)

    past = await api.client.get("/campaigns?limit=10&offset=10", headers=session.headers())

    assert past.status_code == 200
    assert "No campaigns yet" not in past.text
    assert 'No campaign on this page: <a href="/campaigns?limit=10">' in past.text
