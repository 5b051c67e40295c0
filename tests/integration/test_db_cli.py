"""`fancrm db upgrade|current|downgrade` on a SQLite file; what other commands say before it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from adapters.storage.migrator import SchemaMigrator
from entrypoints.cli.main import cli

HEAD = SchemaMigrator("sqlite+aiosqlite:////unused.db").head()


@pytest.fixture(autouse=True)
def keep_root_logging() -> Iterator[None]:
    """The CLI configures logging for its process; give the other tests theirs back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    # No JWT_SECRET: migrating needs nothing but the database.
    return {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'fancrm.db'}", "JWT_SECRET": ""}


def fancrm(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def test_upgrade_migrates_once_and_current_then_says_head(env: dict[str, str]):
    assert fancrm(env, "db", "current").output == (
        f"(empty) (head is {HEAD}: run `fancrm db upgrade`)\n"
    )

    first, again = fancrm(env, "db", "upgrade"), fancrm(env, "db", "upgrade")

    assert (first.exit_code, first.output) == (0, f"upgraded (empty) -> {HEAD}\n")
    assert (again.exit_code, again.output) == (0, f"already at {HEAD}\n")
    assert fancrm(env, "db", "current").output == f"{HEAD} (head)\n"


def test_downgrade_to_base_empties_the_database(env: dict[str, str]):
    fancrm(env, "db", "upgrade")

    result = fancrm(env, "db", "downgrade", "base")

    assert (result.exit_code, result.output) == (0, "downgraded to (empty)\n")
    assert fancrm(env, "db", "current").output.startswith("(empty) (head is ")


def test_a_command_on_a_database_not_migrated_says_to_upgrade(env: dict[str, str]):
    result = fancrm({**env, "JWT_SECRET": "s" * 32}, "queue", "status", "--user", "creator-a")

    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "error: the database has no schema yet: run `fancrm db upgrade`"
    )


@pytest.mark.parametrize(
    ("database_url", "expected"),
    [
        ("", "an in-memory one is created at start"),
        ("sqlite+aiosqlite://", "an in-memory one is created at start"),
        ("mysql://db/fancrm", "configuration: DATABASE_URL must start with"),
    ],
)
def test_upgrade_without_a_database_that_persists_fails_with_one_line(
    database_url: str, expected: str
):
    result = fancrm({"DATABASE_URL": database_url}, "db", "upgrade")

    assert result.exit_code == 1
    assert expected in result.output
    assert len(result.output.splitlines()) == 1
