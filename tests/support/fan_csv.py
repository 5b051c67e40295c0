"""Generated fan files for the import tests and benchmark: many rows, written fast."""

from __future__ import annotations

import csv
from pathlib import Path

HEADER = ("handle", "name", "email", "total spent", "tags", "joined", "last seen", "notes")


def fan_row(n: int) -> tuple[str, ...]:
    """Row `n` (from 0): every field set, values that vary with n and are easy to predict."""
    return (
        f"fan{n:07d}",
        f"Fan Number {n}",
        f"fan{n}@example.com",
        f"${n // 100:,}.{n % 100:02d}",
        "vip;new" if n % 10 == 0 else "regular",
        f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
        f"2025-06-{n % 30 + 1:02d}T12:{n % 60:02d}:00Z",
        "",
    )


def write_fans_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(fan_row(n) for n in range(rows))
    return path
