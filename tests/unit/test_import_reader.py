"""Reading hostile CSV files: encodings, delimiters, line endings, quoting, blank lines, headers."""

from __future__ import annotations

import codecs
import io

import pytest

from core.errors import Invalid
from core.imports.columns import Column, match_columns
from core.imports.reader import CsvSource


def read(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    source = CsvSource(io.BytesIO(data))
    return source.header, list(source.records()), source.delimiter


def test_a_utf8_bom_is_not_part_of_the_first_column():
    header, rows, _ = read(codecs.BOM_UTF8 + "handle,name\nzoé,Zoé\n".encode())

    assert header == ["handle", "name"]
    assert rows == [(1, ["zoé", "Zoé"])]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_its_bom_is_read_in_either_byte_order(codec: str):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    header, rows, _ = read(bom + "handle;name\r\nzoé;Zoé ✨\r\n".encode(codec))

    assert header == ["handle", "name"]
    assert rows == [(1, ["zoé", "Zoé ✨"])]


@pytest.mark.parametrize(("delimiter", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
def test_the_delimiter_is_sniffed_from_the_header(delimiter: str, name: str):
    text = delimiter.join(["handle", "name", "tags"]) + "\n"
    text += delimiter.join(["alice", '"Smith, Alice; Jr"', '"a,b"']) + "\n"

    _, rows, sniffed = read(text.encode())

    assert sniffed == delimiter, name
    assert rows == [(1, ["alice", "Smith, Alice; Jr", "a,b"])]


def test_crlf_line_endings_leave_no_carriage_returns():
    _, rows, _ = read(b"handle,name\r\nalice,Alice\r\nbob,Bob\r\n")

    assert rows == [(1, ["alice", "Alice"]), (2, ["bob", "Bob"])]


def test_a_quoted_field_holds_newlines_delimiters_and_quotes_and_is_one_row():
    data = b'handle,notes\nalice,"line one\r\nline two, with ""quotes"""\nbob,plain\n'

    _, rows, _ = read(data)

    assert rows == [(1, ["alice", 'line one\r\nline two, with "quotes"']), (2, ["bob", "plain"])]


def test_an_unclosed_quote_is_refused_rather_than_swallowing_the_rows_after_it():
    # A lenient reader would make rows 2 and 3 part of row 1's name, and report 1 row, no error.
    with pytest.raises(Invalid, match="row 1: the CSV is malformed") as raised:
        read(b'handle,name\nalice,"Alice\nbob,Bob\ncarol,Carol\n')

    assert raised.value.field == "file"


def test_a_utf16_header_with_a_lone_surrogate_is_refused_as_an_encoding():
    with pytest.raises(Invalid, match="encoding not supported") as raised:
        read(codecs.BOM_UTF16_LE + b"\x00\xd8" + "handle\nalice\n".encode("utf-16-le"))

    assert raised.value.field == "file"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_refused_as_an_encoding_not_read_as_a_header(codec: str):
    with pytest.raises(Invalid, match="encoding not supported") as raised:
        read("handle,name\nalice,Alice\n".encode(codec))

    assert raised.value.field == "file"


def test_blank_lines_and_blank_records_are_not_rows():
    _, rows, _ = read(b"\n\nhandle,name\n\nalice,A\n,\n   \nbob,B\n\n")

    assert rows == [(1, ["alice", "A"]), (2, ["bob", "B"])]


@pytest.mark.parametrize("data", [b"", b"\n\n", b"   \r\n"])
def test_an_empty_file_is_refused(data: bytes):
    with pytest.raises(Invalid, match="empty") as raised:
        read(data)
    assert raised.value.field == "file"


def test_a_header_only_file_has_no_rows():
    header, rows, _ = read(b"handle,name\r\n")

    assert (header, rows) == (["handle", "name"], [])


def test_latin1_bytes_are_refused_as_an_unsupported_encoding():
    with pytest.raises(Invalid, match="encoding not supported") as raised:
        read("handle,name\nzoé,Zoé\n".encode("latin-1"))
    assert "line 2" in raised.value.message
    assert raised.value.field == "file"


def test_a_bad_byte_deep_in_a_big_file_is_refused_naming_its_line():
    good = b"".join(b"fan%d,Name\n" % n for n in range(50_000))
    source = CsvSource(io.BytesIO(b"handle,name\n" + good + b"caf\xe9,x\n"))

    with pytest.raises(Invalid, match="encoding not supported") as raised:
        for _ in source.records():
            pass
    assert "line 50002" in raised.value.message


def test_utf32_is_refused_not_misread_as_utf16():
    with pytest.raises(Invalid, match="encoding not supported"):
        read(codecs.BOM_UTF32_LE + "handle\n".encode("utf-32-le"))


def test_columns_match_whatever_the_case_spaces_underscores_and_hyphens():
    headers = [" User_Name ", "FULL-NAME", "E-Mail", "Lifetime  Value", "Labels", "last_seen", "x"]

    columns = match_columns(headers)

    assert columns.positions == {
        Column.HANDLE: 0,
        Column.NAME: 1,
        Column.EMAIL: 2,
        Column.VALUE: 3,
        Column.TAGS: 4,
        Column.LAST_ACTIVE_AT: 5,
    }
    assert columns.ignored == ["x"]


def test_the_apis_own_camel_case_field_names_are_columns_too():
    headers = ["handle", "displayName", "valueCents", "subscribedAt", "lastActiveAt"]

    assert match_columns(headers).positions == {
        Column.HANDLE: 0,
        Column.NAME: 1,
        Column.VALUE_CENTS: 2,
        Column.SUBSCRIBED_AT: 3,
        Column.LAST_ACTIVE_AT: 4,
    }


def test_a_second_column_for_the_same_field_is_ignored_the_first_wins():
    columns = match_columns(["fan", "handle", "value", "value_cents"])

    assert columns.positions == {Column.HANDLE: 0, Column.VALUE: 2}
    assert columns.ignored == ["handle", "value_cents"]


def test_a_file_without_a_handle_column_is_refused_naming_it():
    with pytest.raises(Invalid, match="no handle column") as raised:
        match_columns(["name", "email"])
    assert raised.value.field == "handle"
