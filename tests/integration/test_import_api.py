"""POST /api/onlyfans/import/csv and its error file, through the real app on SQLite and
PostgreSQL: the answer's shape, tenants, the size cap, bad files as 400s and nothing written."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import pytest

from tests.integration.conftest import DATABASES, Api, open_api, open_api_on

IMPORT = "/api/onlyfans/import/csv"
ALICE, BOB = "creator-a", "creator-b"
FILE = b"""username;display name;total spent;tags;favourite colour
@Alice;Alice;$1,234.56;vip|new;red
bob!;Bob;;;blue
alice;Again;;;green
carol;Carol;12.5;;
"""


@pytest.fixture(params=DATABASES)
async def api_db(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    async for built in open_api_on(request.param, API_RATE_PER_MINUTE="1000"):
        yield built


async def upload(api: Api, user: str, data: bytes, **form: str):  # type: ignore[no-untyped-def]
    files = {"file": ("fans.csv", data, "text/csv")}
    return await api.client.post(IMPORT, files=files, data=form, headers=api.auth(user))


async def fan_handles(api: Api, user: str) -> set[str]:
    response = await api.client.get("/api/crm/fans?limit=100", headers=api.auth(user))
    return {fan["handle"] for fan in response.json()["items"]}


async def test_an_import_answers_the_issue_shape_and_stores_the_good_rows(api_db: Api):
    response = await upload(api_db, ALICE, FILE)

    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"importId", "summary", "skippedRows", "ignoredColumns", "dryRun"}
    assert body["summary"] == {
        "totalRows": 4,
        "successfulInserts": 2,
        "updated": 0,
        "skipped": 1,
        "errorCount": 1,
        "errors": [{"row": 2, "error": body["summary"]["errors"][0]["error"]}],
    }
    assert body["summary"]["errors"][0]["error"].startswith("column 'username': handle may hold")
    assert body["skippedRows"] == [{"row": 3, "reason": "duplicate of row 1"}]
    assert body["ignoredColumns"] == ["favourite colour"]
    assert await fan_handles(api_db, ALICE) == {"alice", "carol"}
    assert await fan_handles(api_db, BOB) == set()


async def test_the_error_csv_has_each_failed_row_and_is_the_owners_alone(api_db: Api):
    import_id = (await upload(api_db, ALICE, FILE)).json()["importId"]
    url = f"/api/onlyfans/import/{import_id}/errors.csv"

    mine = await api_db.client.get(url, headers=api_db.auth(ALICE))
    theirs = await api_db.client.get(url, headers=api_db.auth(BOB))

    assert mine.status_code == 200
    assert mine.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(mine.text)))
    assert rows[0] == ["row", "error", "username", "display name", "total spent", "tags",
                       "favourite colour"]  # fmt: skip
    assert rows[1][0] == "2"
    assert rows[1][2:] == ["bob!", "Bob", "", "", "blue"]
    assert theirs.status_code == 404
    unknown = f"/api/onlyfans/import/{'0' * 8}-0000-4000-8000-{'0' * 12}/errors.csv"
    assert (await api_db.client.get(unknown, headers=api_db.auth(ALICE))).status_code == 404


async def test_the_error_csv_never_hands_a_spreadsheet_a_formula(api: Api):
    typed = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx"]
    lines = "".join(f'"{cell.replace(chr(34), chr(34) * 2)}!",n,x\n' for cell in typed)
    import_id = (await upload(api, ALICE, f"handle,name,email\n{lines}".encode())).json()[
        "importId"
    ]

    url = f"/api/onlyfans/import/{import_id}/errors.csv"
    rows = list(csv.reader(io.StringIO((await api.client.get(url, headers=api.auth(ALICE))).text)))

    assert [row[2] for row in rows[1:]] == [f"'{cell}!" for cell in typed]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t")) for row in rows for cell in row)


async def test_the_same_upload_twice_updates_and_a_dry_run_writes_nothing(api_db: Api):
    await upload(api_db, ALICE, FILE)

    again = (await upload(api_db, ALICE, FILE)).json()["summary"]
    dry = (await upload(api_db, BOB, FILE, dryRun="true")).json()

    assert (again["successfulInserts"], again["updated"]) == (0, 2)
    assert (dry["dryRun"], dry["summary"]["successfulInserts"]) == (True, 2)
    assert await fan_handles(api_db, BOB) == set()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"name,email\nAlice,a@b.co\n", "the file has no handle column"),
        ("handle\nzoé\n".encode("latin-1"), "encoding not supported"),
        (b"handle\n" + b"fan\n" * 9000 + b"caf\xe9\n", "encoding not supported"),
    ],
    ids=["empty", "no-handle-column", "latin-1", "latin-1-deep-in-the-file"],
)
async def test_a_file_that_cannot_be_imported_is_a_400_and_writes_nothing(
    api_db: Api, data: bytes, message: str
):
    response = await upload(api_db, ALICE, data)

    assert response.status_code == 400, response.text
    assert message in response.json()["error"]
    assert await fan_handles(api_db, ALICE) == set()


@pytest.mark.parametrize(
    ("form", "field"), [({"mode": "merge"}, "mode"), ({"platform": "myspace"}, "platform")]
)
async def test_bad_form_fields_are_400s_naming_them(api: Api, form: dict[str, str], field: str):
    response = await upload(api, ALICE, b"handle\nalice\n", **form)

    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == field


async def test_an_upload_past_import_max_bytes_is_a_413_and_writes_nothing():
    """Declared by Content-Length; a streamed upload is tests/e2e/test_import_server.py."""
    async for api in open_api(API_RATE_PER_MINUTE="1000", IMPORT_MAX_BYTES="100000"):
        response = await upload(api, ALICE, b"handle\n" + b"fan\n" * 30_000)

        assert response.status_code == 413, response.text
        assert "IMPORT_MAX_BYTES" in response.json()["error"]
        assert await fan_handles(api, ALICE) == set()
