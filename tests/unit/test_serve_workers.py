"""`fancrm serve --workers N` refuses state that would split N ways between the processes."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from entrypoints.cli.main import cli
from entrypoints.cli.workers import refuse_per_process_state
from entrypoints.config import Settings

SECRET = "workers-test-secret-0123456789-0123456789"
SHARED = {
    "JWT_SECRET": SECRET,
    "DATABASE_URL": "postgresql+asyncpg://db.internal/fancrm",
    "REDIS_ENDPOINT": "cache.internal:6379",
}


@pytest.fixture(autouse=True)
def keep_root_logging() -> Iterator[None]:
    """The CLI configures logging for its process; give the other tests theirs back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


@pytest.mark.parametrize(
    ("unset", "dev", "named"),
    [
        ("DATABASE_URL", False, "needs DATABASE_URL"),
        ("REDIS_ENDPOINT", False, "needs REDIS_URL or REDIS_ENDPOINT"),
        (None, True, "cannot be used with --dev"),
    ],
)
def test_state_inside_the_process_is_refused_with_the_reason(
    unset: str | None, dev: bool, named: str
) -> None:
    env = {name: value for name, value in SHARED.items() if name != unset}
    with pytest.raises(click.UsageError) as refused:
        refuse_per_process_state(Settings.from_env(env, dev=dev), dev=dev, workers=3)
    assert named in refused.value.message
    assert refused.value.message.startswith("--workers 3 ")


def test_a_shared_database_and_redis_are_enough() -> None:
    refuse_per_process_state(Settings.from_env(SHARED), dev=False, workers=4)


def test_the_command_refuses_before_starting_anything() -> None:
    env = {"JWT_SECRET": SECRET, "DATABASE_URL": None}  # None: unset, whatever the shell says
    result = CliRunner().invoke(cli, ["serve", "--workers", "2"], env=env)
    assert result.exit_code == 2
    assert "--workers 2 needs DATABASE_URL" in result.output
