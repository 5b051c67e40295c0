"""Scheduling and unsend from the CLI, in-process through click's runner, against a migrated
SQLite file: a scheduled campaign created, edited and cancelled; a scheduled send unsent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from entrypoints.cli.main import cli
from tests.integration.test_campaigns_cli import env  # noqa: F401 (a fixture)
from tests.integration.test_cli import keep_root_logging  # noqa: F401 (a fixture)


def run(environment: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env=environment)
    assert result.exit_code == 0, result.output
    return result.output


def later(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat(timespec="seconds")


def test_a_scheduled_campaign_from_the_cli(env: dict[str, str]) -> None:  # noqa: F811
    created = run(
        env, "campaigns", "create", "--user", "creator-a", "--name", "eve", "--content", "hi",
        "--to", "1", "--send-at", later(2), "--rate-per-minute", "5", "--max-messages", "10",
    )  # fmt: skip
    assert "campaign 1 scheduled: 1 to send" in created
    new_time = later(3)
    edited = run(
        env, "campaigns", "edit", "1", "--user", "creator-a", "--content", "bye",
        "--to", "1", "--to", "2", "--send-at", new_time,
    )  # fmt: skip
    assert f"scheduled, starts {new_time}" in edited
    assert "targeted=0" in edited  # nothing is written before it starts
    cancelled = run(env, "campaigns", "cancel", "1", "--user", "creator-a")
    assert ": cancelled" in cancelled
    refused = CliRunner().invoke(
        cli, ["campaigns", "edit", "1", "--user", "creator-a", "--content", "x"], env=env
    )
    assert refused.exit_code == 1
    assert "only a scheduled one can be edited" in refused.output


def test_a_bad_send_at_fails_with_one_line(env: dict[str, str]) -> None:  # noqa: F811
    for value, says in (("yesterday", "not an ISO 8601"), ("2020-01-01T00:00:00Z", "future")):
        result = CliRunner().invoke(
            cli,
            ["campaigns", "create", "--user", "creator-a", "--name", "n", "--content", "hi",
             "--to", "1", "--send-at", value],
            env=env,
        )  # fmt: skip
        assert result.exit_code != 0
        assert says in result.output


def test_a_scheduled_send_unsent_from_the_cli(env: dict[str, str]) -> None:  # noqa: F811
    sent = run(
        env, "send", "--user", "creator-a", "--to", "1", "--content", "hi", "--send-at", later(1)
    )
    message_id, status = sent.strip().splitlines()[-1].split()[:2]  # after the queue warning
    assert status == "scheduled"
    assert run(env, "messages", "unsend", message_id, "--user", "creator-a").split() == [
        message_id, "cancelled",
    ]  # fmt: skip
    other = CliRunner().invoke(
        cli, ["messages", "unsend", message_id, "--user", "creator-b"], env=env
    )
    assert other.exit_code == 1
    assert "not found" in other.output
