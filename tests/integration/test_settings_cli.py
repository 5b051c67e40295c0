"""`fancrm settings …` in-process through click's runner, against a migrated SQLite file."""

from __future__ import annotations

import asyncio
from pathlib import Path

from click.testing import CliRunner

from adapters.storage.migrator import SchemaMigrator
from entrypoints.cli.main import cli
from tests.integration.test_cli import SECRET, keep_root_logging  # noqa: F401 (a fixture)


def test_settings_set_then_show_keeps_them_and_a_bad_value_exits_1(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fancrm.db'}"
    asyncio.run(SchemaMigrator(url).upgrade())
    env = {"JWT_SECRET": SECRET, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    runner = CliRunner()

    changed = runner.invoke(
        cli,
        ["settings", "set", "--user", "creator-a", "--time-zone", "America/New_York",
         "--quiet-hours", "22:00-07:00", "--rate", "6", "--blocked-word", "venmo"],
        env=env,
    )  # fmt: skip
    shown = runner.invoke(cli, ["settings", "show", "--user", "creator-a"], env=env)
    bad = runner.invoke(cli, ["settings", "set", "--user", "creator-a", "--rate", "99"], env=env)
    other = runner.invoke(cli, ["settings", "show", "--user", "creator-b"], env=env)

    assert changed.exit_code == 0, changed.output
    assert shown.output.splitlines() == [
        "time_zone=America/New_York quiet_hours=22:00-07:00 rate=6/min burst=10",
        "blocked_words=venmo",
    ]
    assert bad.exit_code == 1
    assert "ratePerMinute" in bad.output
    assert "time_zone=UTC quiet_hours=none" in other.output
