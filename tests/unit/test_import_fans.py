"""ImportFansCsv on the real container (SQLite in memory): rows, upserts, dry runs, failures."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from core.errors import Invalid, NotFound, Unavailable
from core.fans.records import Platform
from core.imports.records import ImportMode, ImportOptions
from entrypoints.container import resolve
from tests.support.authors import SERVICE
from tests.support.imports import all_fans, error_file, import_csv
from tests.support.world import World

MIXED = b"""Username,Full Name,E-mail,Total Spent,Tags,Joined,Platform,Shoe size
@Alice,Alice A,alice@example.com,"$1,234.56",vip|whale,2024-01-02,,42
bob!,Bob,,,,,,
carol,Carol,not-an-email,,,,,
dave,Dave,,-5,,,,
erin,Erin,,12,,13/01/2024,,
frank,Frank,,,,,myspace,
ALICE,Second Alice,,,,,,
grace,Grace,,,"a,b;c",,fansly,
"""


async def test_a_mixed_file_keeps_the_good_rows_and_names_each_bad_row_and_column(w: World):
    report = await import_csv(w.container, "creator-a", MIXED)

    assert (report.total_rows, report.inserted, report.updated, report.skipped) == (8, 2, 0, 1)
    assert [(e.row, e.error.split(":")[0]) for e in report.errors] == [
        (2, "column 'Username'"),
        (3, "column 'E-mail'"),
        (4, "column 'Total Spent'"),
        (5, "column 'Joined'"),
        (6, "column 'Platform'"),
    ]
    assert [(s.row, s.reason) for s in report.skipped_rows] == [(7, "duplicate of row 1")]
    assert report.ignored_columns == ["Shoe size"]
    fans = await all_fans(w.container, "creator-a")
    assert set(fans) == {"alice", "grace"}
    alice, grace = fans["alice"], fans["grace"]
    assert (alice.name, alice.email, alice.value_cents) == ("Alice A", "alice@example.com", 123456)
    assert alice.tags == {"vip", "whale"}
    assert alice.subscribed_at == datetime(2024, 1, 2, tzinfo=UTC)
    assert (grace.platform, grace.tags) == (Platform.FANSLY, {"a", "b", "c"})


async def test_the_error_file_has_every_failed_row_with_its_original_columns(w: World):
    report = await import_csv(w.container, "creator-a", MIXED)

    lines = list(csv.reader(io.StringIO(await error_file(w.container, "creator-a", report))))

    assert lines[0] == ["row", "error", "Username", "Full Name", "E-mail", "Total Spent", "Tags",
                        "Joined", "Platform", "Shoe size"]  # fmt: skip
    assert [line[0] for line in lines[1:]] == ["2", "3", "4", "5", "6"]
    assert lines[3][2:] == ["dave", "Dave", "", "-5", "", "", "", ""]
    assert "negative" in lines[3][1]


async def test_another_tenant_cannot_read_an_import_error_file(w: World):
    report = await import_csv(w.container, "creator-a", MIXED)

    with pytest.raises(NotFound):
        await error_file(w.container, "creator-b", report)


async def test_the_same_file_twice_updates_everything_and_inserts_nothing_twice(w: World):
    data = b"handle,name,value\n" + b"".join(b"fan%d,Fan %d,%d\n" % (n, n, n) for n in range(300))
    first = await import_csv(w.container, "creator-a", data)
    again = await import_csv(w.container, "creator-a", data)

    assert (first.inserted, first.updated) == (300, 0)
    assert (again.inserted, again.updated, again.skipped, again.error_count) == (0, 300, 0, 0)
    assert len(await all_fans(w.container, "creator-a")) == 300


async def test_skip_existing_leaves_existing_fans_as_they_were(w: World):
    await import_csv(w.container, "creator-a", b"handle,name\nalice,Alice\n")

    report = await import_csv(
        w.container, "creator-a", b"handle,name\nalice,Changed\nbob,Bob\n",
        mode=ImportMode.SKIP_EXISTING,
    )  # fmt: skip

    assert (report.inserted, report.updated, report.skipped) == (1, 0, 1)
    assert [(s.row, s.reason) for s in report.skipped_rows] == [(1, "already exists")]
    assert (await all_fans(w.container, "creator-a"))["alice"].name == "Alice"


async def test_an_update_takes_non_empty_fields_keeps_the_rest_and_merges_tags(w: World):
    await import_csv(
        w.container, "creator-a",
        b"handle,name,email,tags,value,notes\nalice,Alice,a@x.io,vip;new,$5,first\n",
    )  # fmt: skip

    await import_csv(w.container, "creator-a", b"handle,name,email,tags,value\nalice,,,whale,\n")

    alice = (await all_fans(w.container, "creator-a"))["alice"]
    assert (alice.name, alice.email, alice.notes, alice.value_cents) == (
        "Alice", "a@x.io", "first", 500,
    )  # fmt: skip
    assert alice.tags == {"vip", "new", "whale"}


async def test_a_dry_run_counts_as_a_real_run_would_and_writes_no_fan(w: World):
    await import_csv(w.container, "creator-a", b"handle\nalice\n")

    report = await import_csv(
        w.container, "creator-a", b"handle\nalice\nbob\nbob\nbad!\n", dry_run=True
    )

    assert (report.inserted, report.updated, report.skipped, report.error_count) == (1, 1, 1, 1)
    assert set(await all_fans(w.container, "creator-a")) == {"alice"}
    assert "bad!" in await error_file(w.container, "creator-a", report)


async def test_imports_are_per_tenant(w: World):
    await import_csv(w.container, "creator-a", b"handle\nalice\n")

    report = await import_csv(w.container, "creator-b", b"handle\nalice\n")

    assert (report.inserted, report.updated) == (1, 0)
    assert set(await all_fans(w.container, "creator-b")) == {"alice"}


async def test_past_a_thousand_errors_they_are_counted_and_all_kept_in_the_file(w: World):
    data = b"handle\n" + b"".join(b"bad!%d\n" % n for n in range(1500))

    report = await import_csv(w.container, "creator-a", data)

    assert (report.error_count, len(report.errors)) == (1500, 1000)
    assert len((await error_file(w.container, "creator-a", report)).splitlines()) == 1501


async def test_a_bad_byte_mid_file_refuses_the_whole_import_and_writes_nothing(w: World):
    good = b"".join(b"fan%d\n" % n for n in range(12_000))  # more than one staged batch

    with pytest.raises(Invalid, match="nothing was imported"):
        await import_csv(w.container, "creator-a", b"handle\n" + good + b"caf\xe9\n")

    assert await all_fans(w.container, "creator-a") == {}


async def test_a_crash_mid_import_rolls_everything_back_and_says_so(w: World):
    use_case = await resolve(w.container.import_fans_csv)
    data = b"handle\n" + b"".join(b"fan%d\n" % n for n in range(12_000))

    def crash(_: int) -> None:
        raise RuntimeError("the process died")

    with pytest.raises(Unavailable, match="nothing was imported"):
        await use_case.execute(
            "creator-a", io.BytesIO(data), ImportOptions(), progress=crash, actor=SERVICE
        )

    assert await all_fans(w.container, "creator-a") == {}


async def test_a_header_only_file_imports_nothing_and_says_so(w: World):
    report = await import_csv(w.container, "creator-a", b"handle,name\r\n")

    assert (report.total_rows, report.inserted, report.error_count) == (0, 0, 0)
