"""The CSV import's rules pinned one by one (survivors of `make mutate`): every header alias, the
money and cents forms at their edges, the reader's encodings and offsets, and each row column."""

from __future__ import annotations

import codecs
import gc
import io
import re
from datetime import UTC, datetime

import pytest

from core.errors import Invalid
from core.fans.records import Platform
from core.imports.columns import Column, match_columns, normalize_header
from core.imports.reader import CsvSource, sniff_delimiter
from core.imports.records import StagedFan
from core.imports.rows import RowParser
from core.imports.values import parse_cents, parse_money

ALIASES = {
    "handle": Column.HANDLE,
    "username": Column.HANDLE,
    "user name": Column.HANDLE,
    "user": Column.HANDLE,
    "fan": Column.HANDLE,
    "name": Column.NAME,
    "display name": Column.NAME,
    "full name": Column.NAME,
    "email": Column.EMAIL,
    "e mail": Column.EMAIL,
    "platform": Column.PLATFORM,
    "total spent": Column.VALUE,
    "lifetime value": Column.VALUE,
    "ltv": Column.VALUE,
    "value": Column.VALUE,
    "spent": Column.VALUE,
    "value cents": Column.VALUE_CENTS,
    "tags": Column.TAGS,
    "labels": Column.TAGS,
    "notes": Column.NOTES,
    "note": Column.NOTES,
    "subscribed at": Column.SUBSCRIBED_AT,
    "subscribed": Column.SUBSCRIBED_AT,
    "joined": Column.SUBSCRIBED_AT,
    "subscription date": Column.SUBSCRIBED_AT,
    "last active": Column.LAST_ACTIVE_AT,
    "last seen": Column.LAST_ACTIVE_AT,
}


@pytest.mark.parametrize(("alias", "column"), ALIASES.items())
def test_each_alias_names_its_column(alias: str, column: Column) -> None:
    headers = [alias] if column is Column.HANDLE else ["handle", alias]
    assert match_columns(headers).positions[column] == len(headers) - 1


def test_a_header_that_is_no_alias_is_ignored() -> None:
    columns = match_columns(["handle", "handles", "e-mails", "value_cent"])
    assert columns.positions == {Column.HANDLE: 0}
    assert columns.ignored == ["handles", "e-mails", "value_cent"]


def test_each_columns_own_name_is_one_of_its_headers() -> None:
    headers = [column.value for column in Column]
    assert headers == [
        "handle", "name", "email", "platform", "value", "value cents", "tags", "notes",
        "subscribed at", "last active",
    ]  # fmt: skip
    positions = match_columns(headers).positions
    # `value cents` is the second spelling of the money field, so only `value` is read.
    assert positions == {c: i for i, c in enumerate(Column) if c is not Column.VALUE_CENTS}


def test_value_cents_alone_is_the_money_column() -> None:
    columns = match_columns(["value cents", "handle", "value"])
    assert columns.positions == {Column.VALUE_CENTS: 0, Column.HANDLE: 1}
    assert columns.ignored == ["value"]
    assert columns.name_of(Column.VALUE_CENTS) == "value cents"


def test_a_header_is_normalised_to_lower_case_single_spaces() -> None:
    assert normalize_header("  Last__Seen - At\t") == "last seen at"
    assert normalize_header("E-MAIL") == "e mail"


def test_the_handle_error_lists_every_handle_alias() -> None:
    with pytest.raises(Exception, match="one of: handle, username, user name, user, fan"):
        match_columns(["name"])


# --- core.imports.values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cents"),
    [(".50", 50), ("$.5", 50), ("€12", 1200), ("12£", 1200), ("¥5", 500), ("0.01", 1)],
)
def test_money_with_or_without_units_and_each_currency(text: str, cents: int) -> None:
    assert parse_money(text) == cents


@pytest.mark.parametrize("text", ["X12", "12X", "(12", "12)"])
def test_money_with_an_unknown_sign_or_half_a_parenthesis_is_no_amount(text: str) -> None:
    with pytest.raises(Invalid, match="is not an amount of money") as raised:
        parse_money(text)
    assert raised.value.field == "value"


def test_cents_name_their_field_by_default() -> None:
    with pytest.raises(Invalid, match="is negative") as raised:
        parse_cents("-1")
    assert raised.value.field == "value cents"


# --- core.imports.reader -------------------------------------------------------------------------


def consumed(data: bytes) -> CsvSource:
    source = CsvSource(io.BytesIO(data))
    list(source.records())
    return source


def test_the_position_is_every_byte_read_in_any_encoding() -> None:
    plain = b"handle\nalice\nbob\n"
    assert consumed(plain).position() == 17
    assert consumed(codecs.BOM_UTF8 + plain).position() == 20
    utf16 = codecs.BOM_UTF16_LE + "handle\nalice\n".encode("utf-16-le")
    assert consumed(utf16).position() == 28


def test_detaching_leaves_the_file_open_for_its_owner() -> None:
    for data in (b"handle\nalice\n", codecs.BOM_UTF16_BE + "handle\n".encode("utf-16-be")):
        binary = io.BytesIO(data)
        source = consumed_from(binary)
        source.detach()
        del source
        gc.collect()
        assert not binary.closed
        assert binary.seek(0) == 0


def consumed_from(binary: io.BytesIO) -> CsvSource:
    source = CsvSource(binary)
    list(source.records())
    return source


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"handle\nalice\nb\xffob\n", "byte 0xff on line 3, at byte 14 of the file"),
        (codecs.BOM_UTF8 + b"handle\n\xfe\n", "byte 0xfe on line 2, at byte 10 of the file"),
        (codecs.BOM_UTF8 + b"ha\xffndle\n", "byte 0xff on line 1, at byte 5 of the file"),
    ],
)
def test_an_undecodable_byte_is_named_with_its_line_and_offset(data: bytes, where: str) -> None:
    with pytest.raises(Invalid, match=re.escape(where)) as raised:
        consumed(data)
    assert raised.value.field == "file"


@pytest.mark.parametrize(
    ("bom", "codec"), [(codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be")]
)
def test_utf32_in_either_byte_order_is_refused_as_such(bom: bytes, codec: str) -> None:
    message = (
        "encoding not supported: the file must be UTF-8 (with or without BOM) or UTF-16 "
        "with BOM (UTF-32 found)"
    )
    with pytest.raises(Invalid) as raised:
        consumed(bom + "handle\n".encode(codec))
    assert (raised.value.message, raised.value.field) == (message, "file")


def test_delimiters_inside_quotes_are_not_counted() -> None:
    assert sniff_delimiter('"a;b;c",d') == ","
    assert sniff_delimiter('"a,b,c";d') == ";"
    assert sniff_delimiter("a;b\tc") == ";"
    assert sniff_delimiter("a\tb\tc;d") == "\t"


# --- core.imports.rows ---------------------------------------------------------------------------

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def parse(headers: list[str], record: list[str]) -> StagedFan:
    return RowParser(match_columns(headers), Platform.ONLYFANS, NOW).parse(7, record)


def test_a_row_of_a_handle_only_file_has_nothing_else() -> None:
    assert parse(["handle"], ["alice"]) == StagedFan(7, Platform.ONLYFANS, "alice")
    assert parse(["handle", "email"], ["alice"]) == StagedFan(7, Platform.ONLYFANS, "alice")


@pytest.mark.parametrize(
    ("header", "cell", "message"),
    [
        (
            "User Name",
            "bad handle",
            "column 'User Name': handle may hold only letters, digits, '.', '_' and '-'",
        ),
        ("E-Mail", "nope", "column 'E-Mail': email 'nope' is malformed"),
        ("Total Spent", "-5", "column 'Total Spent': '-5' is negative"),
        ("Full Name", "x" * 256, "column 'Full Name': name is longer than 255 characters"),
        ("Labels", "a;" + "t" * 65, "column 'Labels': tags is longer than 64 characters"),
        ("Note", "n" * 10_001, "column 'Note': notes is longer than 10000 characters"),
        ("value_cents", "-5", "column 'value_cents': '-5' is negative"),
        ("Value Cents", "1.5", "column 'Value Cents': '1.5' is not a whole number of cents"),
        ("Joined", "soon", "column 'Joined': 'soon' is not an ISO-8601 date or date-time"),
        ("Last Seen", "soon", "column 'Last Seen': 'soon' is not an ISO-8601 date or date-time"),
        ("Last Seen", "0001-01-01T00:00+14:00", "column 'Last Seen': lastActiveAt is out of range"),
        ("Joined", "0001-01-01T00:00+14:00", "column 'Joined': subscribedAt is out of range"),
        (
            "Platform",
            "myspace",
            "column 'Platform': unknown platform 'myspace' (one of: onlyfans, fansly, patreon, "
            "other)",
        ),
    ],
)
def test_a_bad_cell_is_named_by_its_column(header: str, cell: str, message: str) -> None:
    headers, record = (
        ([header], [cell]) if header == "User Name" else (["handle", header], ["alice", cell])
    )
    with pytest.raises(Invalid) as raised:
        parse(headers, record)
    assert raised.value.message == message
