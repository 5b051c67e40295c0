"""Properties of the CSV import: its row checks are the API's, and any fan list written as CSV
(any delimiter, BOM, line ending, UTF-8 or UTF-16) imports back as the same fans."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import UTC, datetime
from uuid import uuid4

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import Invalid
from core.fans.records import NewFan, Platform
from core.imports.columns import match_columns
from core.imports.rows import RowParser
from core.imports.values import split_tags
from tests.support.imports import all_fans, import_csv
from tests.support.world import World

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SLOW = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Cells as exports hold them: mostly sensible, sometimes not (NUL, too long, odd characters).
cell = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
    st.text("abcXYZ019._-@ ", max_size=70),
    st.sampled_from(["", " ", "\x00", "a" * 65, "x" * 256, "a@b.co", "a@b", "@@", "vip;;new|x"]),
)


@given(handle=cell, name=cell, email=cell, tags=cell, notes=cell)
def test_a_row_is_accepted_exactly_when_the_api_would_accept_the_same_fan(
    handle: str, name: str, email: str, tags: str, notes: str
):
    parser = RowParser(
        match_columns(["handle", "name", "email", "tags", "notes"]), Platform.OTHER, NOW
    )
    record = [handle, name, email, tags, notes]
    cells = [value.strip() for value in record]
    try:
        fan = NewFan(
            Platform.OTHER, cells[0], cells[1] or None, cells[2] or None,
            split_tags(cells[3]), cells[4] or None,
        ).to_fan("", NOW)  # fmt: skip
        expected: tuple[object, ...] | None = (fan.handle, fan.name, fan.email, fan.tags, fan.notes)
    except Invalid:
        expected = None

    try:
        staged = parser.parse(1, record)
        got: tuple[object, ...] | None = (
            staged.handle, staged.name, staged.email, staged.tags, staged.notes,
        )  # fmt: skip
    except Invalid:
        got = None

    assert got == expected


text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"), max_size=30
).map(str.strip)
tag = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zs"), blacklist_characters=";|,"),
    min_size=1, max_size=10,
)  # fmt: skip
moment = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
generated_fan = st.fixed_dictionaries({
    "name": text,
    "email": st.sampled_from(["", "a@b.co", "first.last+tag@example.com"]),
    "tags": st.frozensets(tag, max_size=4),
    "notes": st.one_of(text, st.just('multi\r\nline, "quoted"; |\tnotes')),
    "value_cents": st.integers(min_value=0, max_value=10**12),
    "subscribed_at": st.none() | moment,
    "last_active_at": st.none() | moment,
})  # fmt: skip


@SLOW
@given(
    fans=st.lists(generated_fan, max_size=12),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    line_end=st.sampled_from(["\n", "\r\n"]),
    money=st.booleans(),
)
async def test_a_fan_list_written_as_csv_imports_back_as_the_same_fans(
    w: World, fans: list[dict], delimiter: str, encoding: str, line_end: str, money: bool
):
    user = f"creator-{uuid4().hex}"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(["Handle", "Name", "E-mail", "Tags", "Notes",
                     "Total spent" if money else "value_cents", "Joined", "Last seen"])  # fmt: skip
    for n, fan in enumerate(fans):
        cents = fan["value_cents"]
        writer.writerow([
            f"@Fan{n}", fan["name"], fan["email"], "|".join(sorted(fan["tags"])), fan["notes"],
            f"${cents // 100:,}.{cents % 100:02d}" if money else str(cents),
            fan["subscribed_at"].isoformat() if fan["subscribed_at"] else "",
            fan["last_active_at"].isoformat() if fan["last_active_at"] else "",
        ])  # fmt: skip
    data = out.getvalue().encode(encoding)
    if encoding == "utf-16":
        assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))

    report = await import_csv(w.container, user, data)

    assert (report.inserted, report.error_count, report.skipped) == (len(fans), 0, 0)
    stored = await all_fans(w.container, user)
    assert set(stored) == {f"fan{n}" for n in range(len(fans))}
    for n, fan in enumerate(fans):
        got = stored[f"fan{n}"]
        assert (got.name, got.email, got.tags, got.notes, got.value_cents) == (
            fan["name"] or None, fan["email"] or None, fan["tags"], fan["notes"] or None,
            fan["value_cents"],
        )  # fmt: skip
        assert (got.subscribed_at, got.last_active_at) == (
            fan["subscribed_at"], fan["last_active_at"],
        )  # fmt: skip
