"""Shared test plumbing: markers by folder, and access to the real services.

A test that needs PostgreSQL, Redis or chromium skips with a reason when it is unreachable,
except under REQUIRE_SERVICES=1 (set by .ci/run), where it fails instead.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
_FOLDER_MARKERS = {"unit", "contract", "integration", "e2e", "bench", "browser"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folder = Path(str(item.fspath)).parent.name
        if folder in _FOLDER_MARKERS:
            item.add_marker(getattr(pytest.mark, folder))


def service_unreachable(what: str, error: BaseException) -> NoReturn:
    """Skip (locally) or fail (in CI) a test whose real service cannot be reached."""
    reason = f"{what} unreachable: {error!r}"
    if os.environ.get("REQUIRE_SERVICES") != "1":
        pytest.skip(reason)
    pytest.fail(f"{reason} (REQUIRE_SERVICES=1)", pytrace=False)
