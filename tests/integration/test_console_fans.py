"""The console's fans pages and CSV import over HTTP: the list agrees with GET /api/crm/fans for
the same query, forms show a field's error under it, an edit from a stale copy is refused with
a way to reload, roles see and may do what the API lets them, and every user text is escaped."""

from __future__ import annotations

import csv
import html
import io
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from core.accounts import Role
from tests.integration.conftest import Api, open_api
from tests.support.console import ConsoleSession, console_person, field_error, input_value, shown

ACCOUNT, OTHER = "acct-fans", "acct-other"
MANAGER, CHATTER = "manager@fans.example", "chatter@fans.example"
SCRIPT = "<script>alert(1)</script>"
FANS = [  # handle, name, tags, spend in cents, last active
    ("ann", "Ann Lee", ["vip"], 500, "2025-06-03T10:00:00Z"),
    ("annie", "Annie Hall", ["vip", "new"], 9000, None),
    ("bob", "Bob Ross", ["new"], 120, "2025-06-01T10:00:00Z"),
    ("carla", "Carla", [], 0, "2025-06-05T10:00:00Z"),
    ("dan", "Dan Vip", ["vip"], 70_000, None),
    ("eve", "Eve", ["vip", "new"], 300, "2025-05-01T10:00:00Z"),
]


async def add_fan(api: Api, account: str = ACCOUNT, **fields: Any) -> dict[str, Any]:
    body = {"platform": "onlyfans", **fields}
    answer = await api.client.post("/api/crm/fans", json=body, headers=api.auth(account))
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def fan_json(api: Api, fan_id: int, account: str = ACCOUNT) -> Any:
    return await api.client.get(f"/api/crm/fans/{fan_id}", headers=api.auth(account))


async def fan_total(api: Api) -> int:
    answer = await api.client.get("/api/crm/fans", headers=api.auth(ACCOUNT))
    return int(answer.json()["total"])


def listed(page: str) -> tuple[list[str], int]:
    """The handles a fans page lists, in order, and the total it states."""
    handles = re.findall(r'<a href="/fans/\d+">@([^<]+)</a>', page)
    total = re.search(r"of ([\d,]+) fans", page)
    return handles, int(total.group(1).replace(",", "")) if total else 0


def hidden(page: str, name: str) -> str:
    return shown(page, rf'name="{name}" value="([^"]*)"', f"field {name}")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "search=ann",
        "search=VIP",
        "tags=vip",
        "tags=vip&tags=new",
        "tags=%20vip%20&tags=",
        "sort=-value",
        "sort=value&limit=2&offset=2",
        "sort=-lastActive",
        "sort=lastActive&search=a&tags=vip",
        "sort=-created&limit=4&offset=4",
    ],
)
async def test_the_list_shows_what_the_json_endpoint_answers_for_the_same_query(api, query):
    session = await console_person(api, CHATTER, {ACCOUNT: Role.CHATTER})
    for handle, name, tags, cents, active in FANS:
        await add_fan(
            api, handle=handle, name=name, tags=tags, valueCents=cents, lastActiveAt=active
        )
    json = (await api.client.get(f"/api/crm/fans?{query}", headers=api.auth(ACCOUNT))).json()
    page = await api.client.get(f"/fans?{query}", headers=session.headers())

    assert page.status_code == 200, page.text
    assert listed(page.text) == ([f["handle"] for f in json["items"]], json["total"])


async def test_pages_link_to_the_pages_before_and_after_keeping_the_query(api):
    session = await console_person(api, CHATTER, {ACCOUNT: Role.CHATTER})
    for handle, *_ in FANS:
        await add_fan(api, handle=handle, tags=["vip"])

    middle = await api.client.get("/fans?tags=vip&limit=2&offset=2", headers=session.headers())
    links = {rel: urlsplit(html.unescape(url)) for url, rel in re.findall(
        r'href="([^"]+)" rel="(prev|next)"', middle.text)}  # fmt: skip
    last = await api.client.get(links["next"].geturl(), headers=session.headers())

    assert {rel: (url.path, sorted(parse_qsl(url.query))) for rel, url in links.items()} == {
        "prev": ("/fans", [("limit", "2"), ("offset", "0"), ("tags", "vip")]),
        "next": ("/fans", [("limit", "2"), ("offset", "4"), ("tags", "vip")]),
    }
    assert listed(last.text) == (["dan", "eve"], 6)
    assert 'rel="next"' not in last.text


@pytest.mark.parametrize("query", ["limit=0", "offset=-1", "sort=spend", "platform=myspace"])
async def test_a_query_the_json_endpoint_refuses_is_refused_on_the_page_too(api, query):
    session = await console_person(api, CHATTER, {ACCOUNT: Role.CHATTER})
    json = await api.client.get(f"/api/crm/fans?{query}", headers=api.auth(ACCOUNT))
    page = await api.client.get(f"/fans?{query}", headers=session.headers())

    assert json.status_code == page.status_code == 400
    assert "<h1>That did not work</h1>" in page.text


async def test_a_new_fan_with_a_bad_field_shows_the_error_under_it_and_creates_nothing(api):
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    for field, value, why in (
        ("email", "not-an-email", "malformed"),
        ("valueCents", "12.345", "more than two decimals"),
        ("handle", "a b", "may hold only letters"),
    ):
        form = {"platform": "onlyfans", "handle": "newfan", field: value}
        answer = await api.client.post(
            "/fans/new", data=session.form(**form), headers=session.headers()
        )

        assert answer.status_code == 400, field
        assert why in field_error(answer.text, field)
        assert input_value(answer.text, field) == value  # what they typed is still there
    assert await fan_total(api) == 0


async def test_a_new_fan_is_created_and_its_page_shows_it(api):
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    form = {"platform": "fansly", "handle": "@NewFan", "name": "New Fan", "email": "",
            "valueCents": "$1,234.50", "tags": "vip, new;;",
            "notes": "line 1\r\nline 2"}  # fmt: skip
    created = await api.client.post(
        "/fans/new", data=session.form(**form), headers=session.headers(), follow_redirects=False
    )

    assert created.status_code == 303
    fan_id = int(re.fullmatch(r"/fans/(\d+)\?saved=1", created.headers["location"])[1])
    fan = (await fan_json(api, fan_id)).json()
    assert (fan["platform"], fan["handle"], fan["email"]) == ("fansly", "newfan", None)
    assert (fan["valueCents"], fan["tags"]) == (123450, ["new", "vip"])
    assert fan["notes"] == "line 1\nline 2"  # a textarea's CRLF, as typed
    page = await api.client.get(created.headers["location"], headers=session.headers())
    assert "Saved." in page.text
    assert "$1,234.50" in page.text


async def test_a_handle_taken_is_shown_under_the_handle(api):
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    await add_fan(api, handle="taken")
    form = session.form(platform="onlyfans", handle="taken")
    answer = await api.client.post("/fans/new", data=form, headers=session.headers())

    assert answer.status_code == 409
    assert "taken" in field_error(answer.text, "handle")
    assert await fan_total(api) == 1


async def test_an_edit_from_a_stale_copy_is_refused_with_a_way_to_reload(api):
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    fan = await add_fan(api, handle="stale", notes="before")
    opened = await api.client.get(f"/fans/{fan['id']}", headers=session.headers())
    version = hidden(opened.text, "ifMatch")
    assert version == (await fan_json(api, fan["id"])).headers["etag"]
    api.clock.advance(1)  # a write stamps the clock's time: the version moves with it
    await api.client.patch(
        f"/api/crm/fans/{fan['id']}", json={"name": "Changed Elsewhere"}, headers=api.auth(ACCOUNT)
    )

    form = session.form(ifMatch=version, handle="stale", notes="mine")
    refused = await api.client.post(f"/fans/{fan['id']}", data=form, headers=session.headers())

    assert refused.status_code == 412
    assert "Changed since you opened it" in refused.text
    assert f'href="/fans/{fan["id"]}">Reload' in refused.text
    assert hidden(refused.text, "ifMatch") == version  # saving again is refused again
    after = (await fan_json(api, fan["id"])).json()
    assert (after["notes"], after["name"]) == ("before", "Changed Elsewhere")
    reloaded = await api.client.get(f"/fans/{fan['id']}", headers=session.headers())
    form = session.form(ifMatch=hidden(reloaded.text, "ifMatch"), notes="mine")
    saved = await api.client.post(
        f"/fans/{fan['id']}", data=form, headers=session.headers(), follow_redirects=False
    )
    assert saved.status_code == 303
    assert (await fan_json(api, fan["id"])).json()["notes"] == "mine"


async def test_an_edit_with_a_bad_field_shows_it_under_the_field_and_changes_nothing(api):
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    fan = await add_fan(api, handle="keep", name="Kept")
    opened = await api.client.get(f"/fans/{fan['id']}", headers=session.headers())
    form = session.form(ifMatch=hidden(opened.text, "ifMatch"), name="New", email="nope")
    answer = await api.client.post(f"/fans/{fan['id']}", data=form, headers=session.headers())

    assert answer.status_code == 400
    assert "malformed" in field_error(answer.text, "email")
    assert (await fan_json(api, fan["id"])).json()["name"] == "Kept"


async def test_a_manager_deletes_a_fan_after_a_confirmation(api):
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    fan = await add_fan(api, handle="gone")
    page = await api.client.get(f"/fans/{fan['id']}", headers=session.headers())
    assert re.search(rf'action="/fans/{fan["id"]}/delete" data-confirm="Delete @gone', page.text)

    deleted = await api.client.post(
        f"/fans/{fan['id']}/delete", data=session.form(), headers=session.headers(),
        follow_redirects=False,
    )  # fmt: skip

    assert deleted.status_code == 303
    assert deleted.headers["location"] == "/fans?deleted=1"
    assert (await fan_json(api, fan["id"])).status_code == 404


async def test_a_chatter_sees_no_create_or_delete_and_edits_only_notes_and_tags(api):
    session = await console_person(api, CHATTER, {ACCOUNT: Role.CHATTER})
    fan = await add_fan(api, handle="chatted", name="Named")
    listing = await api.client.get("/fans", headers=session.headers())
    page = await api.client.get(f"/fans/{fan['id']}", headers=session.headers())

    assert 'href="/fans/new"' not in listing.text
    assert 'href="/fans/import"' not in listing.text
    assert "/delete" not in page.text
    offered = re.findall(r'<(?:input|textarea|select) id="f-(\w+)"', page.text)
    assert set(offered) == {"notes", "tags"}
    version = hidden(page.text, "ifMatch")
    mine = session.form(ifMatch=version, notes="likes cats", tags="cats")
    saved = await api.client.post(
        f"/fans/{fan['id']}", data=mine, headers=session.headers(), follow_redirects=False
    )
    assert saved.status_code == 303
    version = (await fan_json(api, fan["id"])).headers["etag"]
    beyond = session.form(ifMatch=version, notes="x", name="Renamed")
    refused = await api.client.post(f"/fans/{fan['id']}", data=beyond, headers=session.headers())
    assert refused.status_code == 403
    assert "not name" in refused.text
    after = (await fan_json(api, fan["id"])).json()
    assert (after["name"], after["notes"], after["tags"]) == ("Named", "likes cats", ["cats"])
    for method, path in (("GET", "/fans/new"), ("POST", f"/fans/{fan['id']}/delete")):
        answer = await api.client.request(
            method, path, data=session.form() if method == "POST" else None,
            headers=session.headers(),
        )  # fmt: skip
        assert answer.status_code == 403, path
    assert (await fan_json(api, fan["id"])).status_code == 200


async def test_another_accounts_fan_is_not_found(api):
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    theirs = await add_fan(api, account=OTHER, handle="theirs", notes="theirs")
    path = f"/fans/{theirs['id']}"
    form = session.form(notes="mine")

    assert (await api.client.get(path, headers=session.headers())).status_code == 404
    posted = await api.client.post(path, data=form, headers=session.headers())
    assert posted.status_code == 404
    deleted = await api.client.post(f"{path}/delete", data=form, headers=session.headers())
    assert deleted.status_code == 404
    assert (await fan_json(api, theirs["id"], OTHER)).json()["notes"] == "theirs"


async def test_a_fan_named_like_a_script_is_shown_as_text(api):
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    fan = await add_fan(api, handle="xss", name=SCRIPT, notes=SCRIPT, tags=[SCRIPT])

    for path in ("/fans", f"/fans/{fan['id']}", f"/fans?tags={SCRIPT}"):
        page = await api.client.get(path, headers=session.headers())
        assert page.status_code == 200
        assert "<script>alert" not in page.text, path
        assert html.escape(SCRIPT) in page.text, path


# The import: a file with a good row, a bad email holding markup, a bad handle, a duplicate.
MARKUP = "<img src=x onerror=alert(1)>"
CSV = f"""username,display name,email,total spent
alice,Alice,alice@example.com,$12.00
bob,Bob,{MARKUP},
bad handle,Bad,,
alice,Again,,
""".encode()


def upload_form(session: ConsoleSession, data: bytes, **options: str) -> dict[str, Any]:
    return {
        "files": {"file": ("fans.csv", data, "text/csv")},
        "data": session.form(**options),
        "headers": session.headers(),
    }


async def test_a_dry_run_counts_what_an_import_would_do_and_writes_nothing(api):
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    answer = await api.client.post("/fans/import", **upload_form(session, CSV, dryRun="true"))

    assert answer.status_code == 200, answer.text
    assert "Dry run: nothing was changed" in answer.text
    assert counts(answer.text) == {"Rows read": 4, "Would add": 1, "Would update": 0,
                                   "Skipped": 1, "Refused": 2}  # fmt: skip
    assert await fan_total(api) == 0


def counts(page: str) -> dict[str, int]:
    """The import's summary: each count by its label."""
    shown = re.findall(r"<dt>([^<]+)</dt><dd>([\d,]+)</dd>", page)
    return {label: int(count.replace(",", "")) for label, count in shown}


async def test_an_import_lists_the_refused_rows_escaped_and_links_their_errors_csv(api):
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    answer = await api.client.post("/fans/import", **upload_form(session, CSV, mode="upsert"))

    assert answer.status_code == 200, answer.text
    assert counts(answer.text)["Added"] == 1
    assert await fan_total(api) == 1
    rows = re.findall(
        r'<tr><td class="num">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>', answer.text
    )
    refused = [(int(row), html.unescape(col), html.unescape(why)) for row, col, why in rows]
    assert [(row, column) for row, column, _ in refused] == [(2, "email"), (3, "username")]
    assert refused[0][2] == f"email {MARKUP!r} is malformed"  # the cell, quoted: as text
    assert "may hold only letters" in refused[1][2]
    assert "<img" not in answer.text
    link = re.search(r'href="(/fans/import/([0-9a-f-]+)/errors\.csv)" download', answer.text)
    assert link

    download = await api.client.get(link[1], headers=session.headers())
    api_file = await api.client.get(
        f"/api/onlyfans/import/{link[2]}/errors.csv", headers=api.auth(ACCOUNT)
    )
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    assert download.text == api_file.text
    lines = list(csv.reader(io.StringIO(download.text)))
    assert [line[0] for line in lines[1:]] == ["2", "3"]
    assert lines[1][2:] == ["bob", "Bob", MARKUP, ""]


async def test_a_file_that_cannot_be_imported_shows_why_under_the_file_field(api):
    session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    answer = await api.client.post(
        "/fans/import", **upload_form(session, b"name,email\nAlice,a@b.co\n")
    )

    assert answer.status_code == 400
    assert "no handle column" in field_error(answer.text, "file")
    assert await fan_total(api) == 0


async def test_the_import_and_its_errors_are_for_managers_not_chatters(api):
    session = await console_person(api, CHATTER, {ACCOUNT: Role.CHATTER})
    error_file = f"/fans/import/{'0' * 8}-0000-4000-8000-{'0' * 12}/errors.csv"

    assert (await api.client.get("/fans/import", headers=session.headers())).status_code == 403
    posted = await api.client.post("/fans/import", **upload_form(session, CSV))
    assert posted.status_code == 403
    assert (await api.client.get(error_file, headers=session.headers())).status_code == 403
    assert await fan_total(api) == 0


async def test_an_upload_past_import_max_bytes_is_refused_under_the_file_field():
    async for api in open_api(API_RATE_PER_MINUTE="1000", IMPORT_MAX_BYTES="100000"):
        session = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
        big = b"handle\n" + b"fan\n" * 30_000
        answer = await api.client.post("/fans/import", **upload_form(session, big))

        assert answer.status_code == 413
        assert "IMPORT_MAX_BYTES" in field_error(answer.text, "file")
        assert await fan_total(api) == 0
        form = await api.client.get("/fans/import", headers=session.headers())
        assert 'data-max-bytes="100000"' in form.text  # import.js spares a bigger upload
