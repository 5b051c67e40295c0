"""Reading a CSV file as it streams: encoding from its first bytes, delimiter from its header,
then one record at a time, numbered from 1 at the first data record (blank ones are not rows)."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import IO

from core.errors import Invalid

DELIMITERS = (",", ";", "\t")
_NOT_SUPPORTED = (
    "encoding not supported: the file must be UTF-8 (with or without BOM) or UTF-16 with BOM"
)


class CsvSource:
    """The header and the records of a seekable binary file; nothing is read twice or kept."""

    def __init__(self, binary: IO[bytes]) -> None:
        self._binary = binary
        self._text: io.TextIOWrapper | None = None
        self._rows = 0
        self._offset = 0
        self._lines = self._decoded_lines(_encoding(binary))
        first_line = next((line for line in self._lines if line.strip()), "")
        if not first_line:
            raise Invalid("the file is empty: it has no header", field="file")
        if "\x00" in first_line:  # decodes as UTF-8, but no header of text holds a NUL
            raise Invalid(f"{_NOT_SUPPORTED} (NUL bytes: UTF-16 without BOM?)", field="file")
        self.delimiter = sniff_delimiter(first_line)
        # Strict: an unclosed quote is an error, not a field that swallows the rest of the file.
        self._records = csv.reader(
            _chain(first_line, self._lines), delimiter=self.delimiter, strict=True
        )
        header = self._next()
        self.header: list[str] = header if header is not None else []

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, fields) for each data record; blank lines and blank records are skipped."""
        while (record := self._next()) is not None:
            if "".join(record).strip():
                self._rows += 1
                yield self._rows, record

    def position(self) -> int:
        """Bytes of the file read so far (progress, and batches bounded in bytes)."""
        return self._offset if self._text is None else self._binary.tell()

    def detach(self) -> None:
        """Leave the binary file open for its owner (a text wrapper would close it)."""
        if self._text is not None:
            self._text.detach()

    def _next(self) -> list[str] | None:
        try:
            return next(self._records, None)
        except csv.Error as exc:
            raise Invalid(
                f"row {self._rows + 1}: the CSV is malformed ({exc})", field="file"
            ) from None

    def _decoded_lines(self, encoding: str) -> Iterator[str]:
        if encoding == "utf-16":
            self._text = io.TextIOWrapper(self._binary, encoding=encoding, newline="")
            try:
                yield from self._text
            except UnicodeDecodeError as exc:  # a lone surrogate, an odd byte at the end
                raise Invalid(
                    f"{_NOT_SUPPORTED} ({exc.reason} after row {self._rows}); nothing was imported",
                    field="file",
                ) from None
            return
        # UTF-8 line by line (no multi-byte sequence holds a newline byte), so an undecodable
        # byte is reported with its line and offset, wherever it is in the file.
        for number, raw in enumerate(self._binary, start=1):
            line = raw[len(codecs.BOM_UTF8) :] if number == 1 and encoding == "utf-8-sig" else raw
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError as exc:
                at = self._offset + len(raw) - len(line) + exc.start
                raise Invalid(
                    f"{_NOT_SUPPORTED} (byte 0x{line[exc.start]:02x} on line {number}, at byte "
                    f"{at} of the file); nothing was imported",
                    field="file",
                ) from None
            self._offset += len(raw)


def sniff_delimiter(header_line: str) -> str:
    """The candidate that splits the header most often, outside quotes; `,` on a tie."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equals: `,`


def _encoding(binary: IO[bytes]) -> str:
    head = binary.read(4)
    binary.seek(0)
    if head.startswith(codecs.BOM_UTF32_LE) or head.startswith(codecs.BOM_UTF32_BE):
        raise Invalid(f"{_NOT_SUPPORTED} (UTF-32 found)", field="file")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # the codec reads the BOM and takes its byte order
    return "utf-8"  # strict: Latin-1 and the like fail on their first non-ASCII byte


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest
