"""`fancrm fans import` as a real process: a million rows into a fresh PostgreSQL database, and
the exit codes and error file of small ones."""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

import asyncpg
import pytest

from adapters.storage.migrator import SchemaMigrator
from tests.support.dev_server import FANCRM
from tests.support.postgres import fresh_database

MILLION = 1_000_000


def fancrm(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "JWT_SECRET": "s" * 32, "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [FANCRM, "fans", "import", *args], env=env, capture_output=True, text=True, timeout=300
    )


def write_million(path: Path) -> None:
    """Handle, name and value for fan n; every 100,000th row repeats the one before it."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Username,Display Name,Total Spent\r\n")
        for start in range(0, MILLION, 50_000):
            out.write("".join(
                f"fan{n - 1 if n % 100_000 == 99_999 else n},Fan {n},${n // 100}.{n % 100:02d}\r\n"
                for n in range(start, start + 50_000)
            ))  # fmt: skip


async def test_a_million_rows_import_through_the_cli_into_postgresql(tmp_path: Path):
    path = tmp_path / "fans.csv"
    write_million(path)
    async with fresh_database("fancrm_import") as url:
        await SchemaMigrator(url).upgrade()

        result = fancrm(url, str(path), "--user", "creator-a")

        assert result.returncode == 0, result.stderr
        duplicates = MILLION // 100_000
        assert f"rows={MILLION} inserted={MILLION - duplicates} updated=0 " in result.stdout
        assert f"skipped={duplicates} errors=0" in result.stdout
        assert "row 100000: skipped: duplicate of row 99999" in result.stdout
        connection = await asyncpg.connect(url.replace("+asyncpg", ""))
        try:
            count = await connection.fetchval(
                "SELECT count(*) FROM fans WHERE user_id = 'creator-a'"
            )
            sample = await connection.fetch(
                "SELECT handle, name, value_cents FROM fans WHERE handle = ANY($1) ORDER BY handle",
                ["fan0", "fan123457", "fan999998", "fan99999"],
            )
        finally:
            await connection.close()
        assert count == MILLION - duplicates
        assert [tuple(r) for r in sample] == [
            ("fan0", "Fan 0", 0),
            ("fan123457", "Fan 123457", 123457),
            ("fan999998", "Fan 999998", 999998),
        ]  # fan99999's row was a duplicate: the first fan99998 row is kept, and no fan99999


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fancrm.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([FANCRM, "db", "upgrade"], env=env, check=True, capture_output=True)
    return url


def test_row_errors_exit_0_and_go_to_the_errors_file(sqlite_url: str, tmp_path: Path):
    path = tmp_path / "fans.csv"
    path.write_bytes(b"handle,email,shoe\nalice,a@b.co,42\nbad!,x,43\nbob,nope,44\n")
    errors = tmp_path / "errors.csv"

    result = fancrm(sqlite_url, str(path), "--user", "creator-a", "--errors-out", str(errors))

    assert result.returncode == 0, result.stderr
    assert "rows=3 inserted=1 updated=0 skipped=0 errors=2" in result.stdout
    assert "ignored columns: shoe" in result.stdout
    with errors.open(newline="", encoding="utf-8") as written:
        lines = list(csv.reader(written))
    assert [line[0] for line in lines] == ["row", "2", "3"]
    assert lines[1][2:] == ["bad!", "x", "43"]


def test_a_dry_run_writes_nothing_and_a_second_run_updates(sqlite_url: str, tmp_path: Path):
    path = tmp_path / "fans.csv"
    path.write_bytes(b"handle\nalice\nbob\n")

    dry = fancrm(sqlite_url, str(path), "--user", "creator-a", "--dry-run")
    first = fancrm(sqlite_url, str(path), "--user", "creator-a")
    second = fancrm(sqlite_url, str(path), "--user", "creator-a", "--mode", "skip_existing")

    assert "(dry run: nothing written)" in dry.stdout
    assert "inserted=2 updated=0" in dry.stdout
    assert "inserted=2 updated=0" in first.stdout
    assert "inserted=0 updated=0 skipped=2" in second.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"name\nAlice\n", "no handle column"),
        ("handle\nzoé\n".encode("latin-1"), "encoding not supported"),
    ],
)
def test_a_file_refused_whole_exits_1_with_one_line(
    sqlite_url: str, tmp_path: Path, content: bytes, message: str
):
    path = tmp_path / "fans.csv"
    path.write_bytes(content)

    result = fancrm(sqlite_url, str(path), "--user", "creator-a")

    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: ")
    assert message in result.stderr


def test_usage_errors_exit_2(sqlite_url: str, tmp_path: Path):
    path = tmp_path / "fans.csv"
    path.write_bytes(b"handle\nalice\n")

    assert fancrm(sqlite_url, str(path)).returncode == 2  # no --user
    assert fancrm(sqlite_url, str(path), "--user", "u", "--mode", "merge").returncode == 2
    assert fancrm(sqlite_url, str(tmp_path / "missing.csv"), "--user", "u").returncode == 2


def test_the_import_needs_no_jwt_secret_and_prints_no_log_lines(sqlite_url: str, tmp_path: Path):
    path = tmp_path / "fans.csv"
    path.write_bytes(b"handle\nalice\n")
    env = {k: v for k, v in os.environ.items() if k not in {"JWT_SECRET", "LOG_LEVEL"}}

    result = subprocess.run(
        [FANCRM, "fans", "import", str(path), "--user", "creator-a"],
        env={**env, "DATABASE_URL": sqlite_url},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "inserted=1" in result.stdout
    assert result.stderr.strip() == ""  # the bar is transient; no Alembic "Context impl" lines
