"""The fans pages and the CSV import in chromium, as the demo's people use them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import Dialog, Page, expect

from tests.browser.harness import Console, sign_in

SCRIPT = "<script>alert(1)</script>"
PHONE = {"width": 375, "height": 800}
# Two good rows, a bad email (row 2) and a bad handle (row 4).
CSV = """handle,name,email,total spent
browser-imported-1,Imported One,one@example.com,$10.00
browser-bad-email,Bad Email,not-an-email,
browser-imported-2,Imported Two,,
bad handle!,Bad Handle,,
"""
# The import script's status words, recorded as they change (the upload of a small file to a
# local server is over before a test could look at the page between two of them).
RECORD_STATUS = """() => {
  const status = document.querySelector("[data-upload-status]");
  const bar = status.parentElement.querySelector("progress");
  window.uploadSeen = [];
  new MutationObserver(() => window.uploadSeen.push([status.textContent, bar.value, bar.max]))
    .observe(status, {childList: true, characterData: true, subtree: true});
}"""


def test_an_import_with_bad_rows_shows_its_summary_and_refused_rows_and_errors_csv(
    page: Page, console: Console, tmp_path: Path
) -> None:
    sign_in(page, console, console.owner)
    page.goto("/fans/import")
    file = tmp_path / "fans.csv"
    file.write_text(CSV)
    page.get_by_label("CSV file").set_input_files(file)
    page.evaluate(RECORD_STATUS)

    page.get_by_role("button", name="Import").click()

    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    seen = page.evaluate("window.uploadSeen")  # still this page: the script sent the form
    assert seen[0][0] == "Uploading…"
    assert seen[-1][0] == "Uploaded; importing…"
    assert seen[-1][1] == seen[-1][2] > 0  # the bar full: every byte sent
    summary = page.locator("dl.counts")
    expect(summary).to_contain_text("Rows read4")
    expect(summary).to_contain_text("Added2")
    expect(summary).to_contain_text("Refused2")
    refused = page.locator("table.refused tbody tr")
    expect(refused).to_have_count(2)
    expect(refused.nth(0)).to_contain_text("2email")
    expect(refused.nth(0)).to_contain_text("'not-an-email' is malformed")
    expect(refused.nth(1)).to_contain_text("4handle")

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download errors.csv").click()
    download = downloading.value
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text())))
    assert download.suggested_filename.endswith("-errors.csv")
    assert rows[0] == ["row", "error", "handle", "name", "email", "total spent"]
    assert [(row[0], row[2]) for row in rows[1:]] == [
        ("2", "browser-bad-email"),
        ("4", "bad handle!"),
    ]
    fans = console.api.get("/api/crm/fans", params={"search": "browser-imported"}).json()
    assert fans["total"] == 2


def test_a_fan_named_like_a_script_shows_as_text_and_opens_no_dialog(
    page: Page, console: Console
) -> None:
    body = {"platform": "onlyfans", "handle": "script-fan", "name": SCRIPT, "notes": SCRIPT}
    answer = console.api.post("/api/crm/fans", json={**body, "tags": [SCRIPT]})
    assert answer.status_code == 201, answer.text
    dialogs: list[str] = []

    def dismissed(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismissed)
    sign_in(page, console, console.owner)

    page.goto("/fans?search=script-fan")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="@script-fan"))
    expect(row).to_contain_text(SCRIPT)  # the name and the tag, as text
    row.get_by_role("link", name="@script-fan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SCRIPT)
    expect(page.get_by_label("Notes")).to_have_value(SCRIPT)
    expect(page.get_by_label("Tags (separated by commas)")).to_have_value(SCRIPT)
    assert page.locator("script:not([src])").count() == 0
    assert dialogs == []


def test_a_chatter_on_a_phone_edits_a_fans_notes(page: Page, console: Console) -> None:
    answer = console.api.post("/api/crm/fans", json={"platform": "onlyfans", "handle": "noted"})
    fan_id = answer.json()["id"]
    page.set_viewport_size(PHONE)
    sign_in(page, console, console.chatter)

    page.goto("/fans?search=noted")
    assert_no_horizontal_scroll(page)
    page.get_by_role("link", name="@noted").click()
    assert_no_horizontal_scroll(page)
    expect(page.get_by_role("button", name="Delete this fan")).to_have_count(0)
    expect(page.get_by_label("Handle")).to_have_count(0)  # a chatter's form: notes and tags
    page.get_by_label("Notes").fill("Prefers evening messages")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(page.get_by_label("Notes")).to_have_value("Prefers evening messages")
    assert console.api.get(f"/api/crm/fans/{fan_id}").json()["notes"] == (
        "Prefers evening messages"
    )


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url}: {widths[0]} px wide in {widths[1]}"
