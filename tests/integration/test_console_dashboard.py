"""The dashboard over HTTP: its figures are the JSON API's for the same account, the failed
messages (made by a delivery the bridge refused) are listed and retried one by one or all at
once, and a chatter is refused the page, its menu entry and what the role may not use."""

from __future__ import annotations

import re
from dataclasses import replace

from dependency_injector import providers

from core.accounts import Role
from core.messaging import PermanentFailure
from entrypoints.container import resolve
from entrypoints.http.console.pages import MENU
from entrypoints.http.permissions import PERMISSIONS, routes_of
from tests.integration.conftest import Api
from tests.support.console import console_person, menu_paths

ACCOUNT = "dash-acct"
MANAGER = "manager@dash.example"
CHATTER = "chatter@dash.example"
HTMX = {"HX-Request": "true"}
SEND = "/api/onlyfans/messaging/send"
REFUSED_BY_BRIDGE = "fan blocked the creator"


async def send(api: Api, fan: int, text: str, account: str = ACCOUNT) -> str:
    answer = await api.client.post(
        SEND, json={"recipientId": fan, "content": text}, headers=api.auth(account)
    )
    assert answer.status_code == 202, answer.text
    return str(answer.json()["messageId"])


async def failed_messages(api: Api, *texts: str, account: str = ACCOUNT) -> list[str]:
    """Messages the bridge refused for good, through the worker: one attempt each, then failed."""
    fan = await api.fan(account, handle=f"fan-{len(texts)}")
    gateway = await resolve(api.container.delivery)
    gateway.script(*[PermanentFailure(REFUSED_BY_BRIDGE)] * len(texts))
    ids = [await send(api, fan, text, account) for text in texts]
    await api.drain()
    for message_id in ids:
        assert await status_of(api, message_id, account) == "failed"
    return ids


async def status_of(api: Api, message_id: str, account: str = ACCOUNT) -> str:
    answer = await api.client.get(
        f"/api/onlyfans/messaging/{message_id}", headers=api.auth(account)
    )
    return str(answer.json()["status"])


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}"[^>]*>([^<]*)<', html)
    assert match, f"no figure {name}"
    return match.group(1).strip()


def health(html: str, part: str) -> str:
    match = re.search(rf'data-health="{part}"[^>]*>\s*(\w+)', html)
    assert match, f"no health of {part}"
    return match.group(1)


def listed(html: str) -> list[str]:
    return re.findall(r'data-message="([0-9a-f-]+)"', html)


async def test_the_figures_are_the_json_answers_for_the_same_account(api: Api) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    await failed_messages(api, "one that fails")
    await failed_messages(api, "elsewhere", account="other-acct")  # counted nowhere here
    fan = await api.fan(ACCOUNT, handle="waiting")
    for n in range(12):  # left waiting (no worker runs), more than the bucket's burst of 10
        await send(api, fan, f"waiting {n}")

    page = await api.client.get("/dashboard", headers=session.headers())
    assert page.status_code == 200
    status = (
        await api.client.get("/api/onlyfans/messaging/status", headers=api.auth(ACCOUNT))
    ).json()
    monitoring = (
        await api.client.get("/api/monitoring/onlyfans", headers=api.auth(ACCOUNT))
    ).json()
    queue = status["queue"]
    assert (queue["depth"], queue["inFlight"], queue["failed"]) == (12, 0, 1)  # not a vacuous match
    assert figure(page.text, "depth") == str(queue["depth"])
    assert figure(page.text, "in-flight") == str(queue["inFlight"])
    assert figure(page.text, "held") == str(queue["held"])
    assert figure(page.text, "failed") == str(queue["failed"])
    assert figure(page.text, "backlog") == str(queue["depth"] + queue["inFlight"])
    eta = re.search(r'data-figure="eta" data-seconds="([0-9.]+)"', page.text)
    assert eta, "no ETA"
    assert float(eta.group(1)) == status["processing"]["estimatedTimeSeconds"] > 0
    assert monitoring["components"]["sqs"]["queueDepth"] == queue["depth"]
    components = monitoring["components"]
    for part, key in [("database", "database"), ("sqs", "sqs"), ("rate_limiter", "rateLimiter")]:
        assert health(page.text, part) == components[key]["status"]
    assert health(page.text, "messaging") == status["health"]["status"]


async def test_the_figures_fragment_polls_itself_and_is_for_managers(api: Api) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    fragment = await api.client.get("/dashboard/figures", headers={**session.headers(), **HTMX})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text  # a fragment, not a page
    assert 'hx-get="/dashboard/figures"' in fragment.text
    assert 'hx-trigger="every 5s, dashboard-changed from:body"' in fragment.text
    chatter = await console_person(api, CHATTER, {ACCOUNT: Role.CHATTER})
    refused = await api.client.get("/dashboard/figures", headers={**chatter.headers(), **HTMX})
    assert refused.status_code == 403


async def test_a_failed_message_is_listed_escaped_and_retried_to_queued(api: Api) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    (message_id,) = await failed_messages(api, '<b>bold</b> & "quoted"')
    page = await api.client.get("/dashboard", headers=session.headers())
    assert listed(page.text) == [message_id]
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &#34;quoted&#34;" in page.text
    assert "<b>bold</b>" not in page.text
    assert REFUSED_BY_BRIDGE in page.text
    assert "fan #" in page.text

    retried = await api.client.post(
        f"/dashboard/failed/{message_id}/retry", headers={**session.headers(), **HTMX}
    )
    assert retried.status_code == 200
    assert retried.headers["hx-trigger"] == "dashboard-changed"  # the figures refresh at once
    assert "<html" not in retried.text
    assert "Retried 1: queued again." in retried.text
    assert listed(retried.text) == []
    assert await status_of(api, message_id) == "queued"
    await api.drain()
    assert await status_of(api, message_id) == "sent"


async def test_retry_all_queues_every_failed_message_again(api: Api) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    ids = await failed_messages(api, "a", "b", "c")
    # A plain form post (no htmx): a page of its own with the outcome and what is left.
    answer = await api.client.post(
        "/dashboard/failed/retry-all", data=session.form(), headers=session.headers(csrf=False)
    )
    assert answer.status_code == 200
    assert "<html" in answer.text
    assert "Retried 3: queued again." in answer.text
    assert "Refused" not in answer.text
    assert listed(answer.text) == []
    assert [await status_of(api, i) for i in ids] == ["queued"] * 3


async def test_retry_all_stops_and_says_so_when_messaging_is_switched_off(api: Api) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    ids = await failed_messages(api, "a", "b")
    config = await resolve(api.container.messaging_config)
    api.container.messaging_config.override(providers.Object(replace(config, enabled=False)))
    answer = await api.client.post(
        "/dashboard/failed/retry-all", headers={**session.headers(), **HTMX}
    )
    assert answer.status_code == 503
    assert "Retried 0" in answer.text
    assert "Refused 1:" in answer.text  # the first refused, the loop stopped there
    assert "outbound messaging is switched off" in answer.text
    assert "Stopped there" in answer.text
    assert sorted(listed(answer.text)) == sorted(ids)
    assert [await status_of(api, i) for i in ids] == ["failed", "failed"]


async def test_a_message_not_failed_is_refused_with_409_and_the_reason(api: Api) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    (message_id,) = await failed_messages(api, "once")
    first = await api.client.post(
        f"/dashboard/failed/{message_id}/retry", headers={**session.headers(), **HTMX}
    )
    assert first.status_code == 200
    again = await api.client.post(
        f"/dashboard/failed/{message_id}/retry", headers={**session.headers(), **HTMX}
    )
    assert again.status_code == 409
    assert f'data-refused="{message_id}"' in again.text
    assert "only a failed one can be retried" in again.text
    assert 'data-swap-errors="404 409 503"' in again.text  # htmx shows it (console.js)


async def test_another_accounts_message_is_404_and_stays_failed(api: Api) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    (theirs,) = await failed_messages(api, "not yours", account="other-acct")
    answer = await api.client.post(
        f"/dashboard/failed/{theirs}/retry", data=session.form(), headers=session.headers()
    )
    assert answer.status_code == 404
    assert f"message {theirs} not found" in answer.text
    assert await status_of(api, theirs, "other-acct") == "failed"


async def test_a_retry_without_the_csrf_token_is_refused(api: Api) -> None:
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    (message_id,) = await failed_messages(api, "kept")
    for path in (f"/dashboard/failed/{message_id}/retry", "/dashboard/failed/retry-all"):
        refused = await api.client.post(path, headers=session.headers(csrf=False))
        assert refused.status_code == 403, path
        assert "Not sent" in refused.text  # not "Not for your role": the token, not the role
        assert "nothing was changed" in refused.text
    assert await status_of(api, message_id) == "failed"


async def test_a_chatter_typing_a_managers_page_gets_the_403_page(api: Api) -> None:
    session = await console_person(api, CHATTER, {ACCOUNT: Role.CHATTER})
    served = {path for path, _ in routes_of(api.client.app)}
    refused = [i.path for i in MENU if not Role.CHATTER.includes(PERMISSIONS[i.acts_as])]
    assert {"/dashboard", "/fans/import"} <= set(refused)
    for path in [p for p in refused if p in served]:  # /fans/import once its page is there
        page = await api.client.get(path, headers=session.headers())
        assert page.status_code == 403, path
        assert page.headers["content-type"].startswith("text/html")
        assert "Not for your role" in page.text
        assert "Traceback" not in page.text


async def test_an_unknown_page_is_the_404_page(api: Api) -> None:
    session = await console_person(api, CHATTER, {ACCOUNT: Role.CHATTER})
    page = await api.client.get(
        "/dashboard/nothing-here", headers={**session.headers(), "Accept": "text/html"}
    )
    assert page.status_code == 404
    assert "There is no page at /dashboard/nothing-here." in page.text
    assert "Traceback" not in page.text


async def test_a_chatters_menu_lacks_the_dashboard_and_import(api: Api) -> None:
    chatter = await console_person(api, CHATTER, {ACCOUNT: Role.CHATTER})
    manager = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    chatter_menu = menu_paths((await api.client.get("/inbox", headers=chatter.headers())).text)
    manager_menu = menu_paths((await api.client.get("/inbox", headers=manager.headers())).text)
    assert chatter_menu == ["/inbox", "/fans", "/settings"]
    assert manager_menu == [
        "/inbox",
        "/fans",
        "/fans/import",
        "/campaigns",
        "/analytics",
        "/dashboard",
        "/team",
        "/settings",
    ]
