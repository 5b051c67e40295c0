"""The `fancrm` command, run in-process through click's runner against a SQLite file."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import jwt
import pytest
from click.testing import CliRunner

from adapters.storage.database import SqlAlchemyStorage
from adapters.storage.migrator import SchemaMigrator
from core.fans.records import NewFan, Platform
from entrypoints.cli.main import cli

SECRET = "cli-test-secret-0123456789-0123456789"


@pytest.fixture(autouse=True)
def keep_root_logging() -> Iterator[None]:
    """The CLI configures logging for its process; give the other tests theirs back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fancrm.db'}"

    async def with_a_fan() -> None:
        await SchemaMigrator(url).upgrade()  # a file persists: it is migrated, as in production
        storage = SqlAlchemyStorage(url)
        async with storage.begin() as uow:
            await uow.fans.add(
                NewFan(Platform.ONLYFANS, "alice").to_fan("creator-a", datetime.now(UTC))
            )
        await storage.close()

    asyncio.run(with_a_fan())
    return url


def test_token_prints_a_bearer_token_for_the_user() -> None:
    result = CliRunner().invoke(cli, ["token", "--user", "creator-a"], env={"JWT_SECRET": SECRET})
    assert result.exit_code == 0, result.output
    assert jwt.decode(result.output.strip(), SECRET, algorithms=["HS256"])["sub"] == "creator-a"


def test_token_without_a_secret_says_which_variable_is_missing() -> None:
    result = CliRunner().invoke(cli, ["token", "--user", "u"], env={"JWT_SECRET": ""})
    assert result.exit_code == 1
    assert "configuration: JWT_SECRET must be set" in result.output


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--user", "u", "--ttl-hours", "-1"], "--ttl-hours"),
        (["--user", "u", "--ttl-hours", "nan"], "--ttl-hours"),
        (["--user", "u", "--ttl-hours", "721"], "at most 720 hours"),
        (["--user", ""], "--user"),
        (["--user", "  "], "--user"),
    ],
)
def test_token_refuses_a_bad_user_or_lifetime_with_a_line_not_a_traceback(
    args: list[str], complaint: str
) -> None:
    result = CliRunner().invoke(cli, ["token", *args], env={"JWT_SECRET": SECRET})
    assert result.exit_code == 2, result.output
    assert complaint in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_send_queues_a_message_that_queue_status_then_counts(database: str) -> None:
    env = {"JWT_SECRET": SECRET, "DATABASE_URL": database, "LOG_LEVEL": "WARNING"}
    runner = CliRunner()
    sent = runner.invoke(
        cli, ["send", "--user", "creator-a", "--to", "1", "--content", "hi"], env=env
    )
    assert sent.exit_code == 0, sent.output
    assert " queued position=1" in sent.output
    assert "warning: the queue is in memory" in sent.output  # nothing else will see it

    status = runner.invoke(cli, ["queue", "status", "--user", "creator-a"], env=env)
    assert status.exit_code == 0, status.output
    assert "backlog=1" in status.output  # stored in the database, though this queue is new


def test_send_to_someone_elses_fan_fails_with_a_clear_line(database: str) -> None:
    env = {"JWT_SECRET": SECRET, "DATABASE_URL": database, "LOG_LEVEL": "WARNING"}
    result = CliRunner().invoke(
        cli, ["send", "--user", "creator-b", "--to", "1", "--content", "hi"], env=env
    )
    assert result.exit_code == 1
    assert "error: recipient 1 not found" in result.output


def test_worker_concurrency_out_of_range_is_refused_naming_the_option() -> None:
    result = CliRunner().invoke(cli, ["worker", "--concurrency", "0"], env={"JWT_SECRET": SECRET})
    assert result.exit_code == 2
    assert "--concurrency" in result.output
