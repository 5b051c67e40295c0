"""`fancrm campaigns …` in-process through click's runner, against a migrated SQLite file."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.storage.database import SqlAlchemyStorage
from adapters.storage.migrator import SchemaMigrator
from core.fans.records import NewFan, Platform
from entrypoints.cli.main import cli
from tests.integration.test_cli import SECRET, keep_root_logging  # noqa: F401 (a fixture)


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fancrm.db'}"

    async def with_fans() -> None:
        await SchemaMigrator(url).upgrade()
        storage = SqlAlchemyStorage(url)
        async with storage.begin() as uow:
            for handle, tags in [("luna", {"vip"}), ("nova", set()), ("mia", {"vip"})]:
                fan = NewFan(Platform.ONLYFANS, handle, tags=frozenset(tags))
                await uow.fans.add(fan.to_fan("creator-a", datetime.now(UTC)))
        await storage.close()

    asyncio.run(with_fans())
    return {"JWT_SECRET": SECRET, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}


def run(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(cli, ["campaigns", *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_create_list_show_and_control_a_campaign(env: dict[str, str]) -> None:
    created = run(
        env, "create", "--user", "creator-a", "--name", "vips", "--content", "hi",
        "--tag-any", "vip", "--to", "2", "--to", "99",
    )  # fmt: skip
    assert "campaign 1 running: 3 to send, 1 failed" in created
    assert "not your fans: 99" in created

    listed = run(env, "list", "--user", "creator-a")
    assert "vips" in listed
    assert "1 campaign(s)" in listed
    shown = run(env, "show", "1", "--user", "creator-a")
    assert "targeted=3" in shown  # `create` waited for its fan-out before it exited
    assert "fan-out complete" in shown
    assert "paused" in run(env, "pause", "1", "--user", "creator-a")
    assert ": running" in run(env, "resume", "1", "--user", "creator-a")
    cancelled = run(env, "cancel", "1", "--user", "creator-a")
    assert "cancelled=3" in cancelled
    assert "pending=0 queued=0" in cancelled


def test_control_of_someone_elses_or_a_finished_campaign_fails_with_one_line(
    env: dict[str, str],
) -> None:
    run(env, "create", "--user", "creator-a", "--name", "n", "--content", "hi", "--to", "1")
    other = CliRunner().invoke(cli, ["campaigns", "pause", "1", "--user", "creator-b"], env=env)
    assert (other.exit_code, other.output.strip()) == (1, "error: campaign 1 not found")
    run(env, "cancel", "1", "--user", "creator-a")
    again = CliRunner().invoke(cli, ["campaigns", "resume", "1", "--user", "creator-a"], env=env)
    assert again.exit_code == 1
    assert "cannot be resumed" in again.output
