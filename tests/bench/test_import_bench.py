"""CSV import of 1,000,000 generated fans: `fancrm fans import` (a real process: parse, check,
COPY to staging, dedupe, one INSERT … ON CONFLICT) against COPY of the same rows into the same
table in the same run; the import's peak memory; and the same file into SQLite."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from adapters.storage.migrator import SchemaMigrator
from tests.bench.wrk import machine
from tests.support.dev_server import FANCRM
from tests.support.fan_csv import HEADER, write_fans_csv
from tests.support.postgres import fresh_database

ROWS = 1_000_000
COLUMNS = ("user_id", "platform", "handle", "name", "email", "tags", "value_cents",
           "subscribed_at", "last_active_at", "created_at", "updated_at")  # fmt: skip


# The import runs under this small Python parent, which reports the peak of its one child. Not
# measured from here: on Linux a child inherits its parent's high-water mark through fork and exec,
# so the import would report this test's own peak (it holds the peer's million rows).
_PEAK_OF_CHILD = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(code)"
)


def run_import(url: str, path: Path, user: str) -> tuple[float, float]:
    """Seconds and peak resident MB of one `fancrm fans import` process."""
    env = {**os.environ, "DATABASE_URL": url, "JWT_SECRET": "s" * 32, "LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_OF_CHILD, FANCRM, "fans", "import", str(path), "--user", user],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"rows={ROWS} inserted={ROWS} updated=0 skipped=0 errors=0" in done.stdout, done.stdout
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    return seconds, peak_kib / 1024


def rows_of(path: Path, user: str) -> list[tuple[object, ...]]:
    """The file's rows as the fans table holds them: the peer's input, made before its clock."""
    now = datetime.now(UTC)
    rows = []
    with path.open(newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        assert tuple(next(reader)) == HEADER
        for handle, name, email, spent, tags, joined, seen, _ in reader:
            cents = int(spent.lstrip("$").replace(",", "").replace(".", ""))
            rows.append((
                user, "onlyfans", handle, name, email, json.dumps(sorted(tags.split(";"))), cents,
                datetime.fromisoformat(joined).replace(tzinfo=UTC), datetime.fromisoformat(seen),
                now, now,
            ))  # fmt: skip
    return rows


async def test_import_a_million_fans_against_copy_of_the_same_rows(tmp_path: Path) -> None:
    path = write_fans_csv(tmp_path / "fans.csv", ROWS)
    async with fresh_database("fancrm_import_bench") as url:
        await SchemaMigrator(url).upgrade()
        import_s, peak_mb = run_import(url, path, "creator-import")
        # Both imports before the peers' rows exist: a child forked from a big parent would
        # count the parent's pages in its own peak until it execs.
        sqlite_path = tmp_path / "fancrm.db"
        sqlite_url = f"sqlite+aiosqlite:///{sqlite_path}"
        await SchemaMigrator(sqlite_url).upgrade()
        sqlite_import_s, sqlite_peak_mb = run_import(sqlite_url, path, "creator-import")
        connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
        try:
            await connection.execute("TRUNCATE fans CASCADE")
            await connection.execute("VACUUM ANALYZE fans")
            rows = rows_of(path, "creator-copy")
            started = time.perf_counter()
            await connection.copy_records_to_table("fans", records=rows, columns=COLUMNS)
            copy_s = time.perf_counter() - started
        finally:
            await connection.close()

    sqlite_peer_s = sqlite_executemany(sqlite_path, rows)

    print(f"\nCSV import of {ROWS:,} fans ({machine()})")
    print(f"{'':44}{'rows/s':>10}{'s':>8}{'peak MB':>9}")
    table = [
        ("PostgreSQL: COPY of the same rows", copy_s, None),
        ("PostgreSQL: fancrm fans import (process)", import_s, peak_mb),
        ("SQLite file: executemany of the same rows", sqlite_peer_s, None),
        ("SQLite file: fancrm fans import (process)", sqlite_import_s, sqlite_peak_mb),
    ]
    for name, seconds, peak in table:
        peak_text = f"{peak:>9.0f}" if peak is not None else f"{'':>9}"
        print(f"{name:44}{ROWS / seconds:>10,.0f}{seconds:>8.1f}{peak_text}")
    print(f"import / COPY on PostgreSQL: {copy_s / import_s:.0%} (goal >= 50 %); peak "
          f"{peak_mb:.0f} MB (goal < 300 MB); SQLite: {sqlite_peer_s / sqlite_import_s:.0%} of "
          "executemany")  # fmt: skip


def sqlite_executemany(path: Path, rows: list[tuple[object, ...]]) -> float:
    """The same rows into the same (emptied) table, in one transaction, by plain sqlite3."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("DELETE FROM fans")
        connection.commit()
        values = [
            (*row[:7], *(t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") for t in row[7:]))  # type: ignore[attr-defined]
            for row in rows
        ]
        placeholders = ", ".join("?" * len(COLUMNS))
        started = time.perf_counter()
        with connection:
            connection.executemany(
                f"INSERT INTO fans ({', '.join(COLUMNS)}) VALUES ({placeholders})", values
            )
        return time.perf_counter() - started
    finally:
        connection.close()
