from __future__ import annotations

import pytest

from entrypoints.config import ConfigError, Settings

BASE = {"JWT_SECRET": "s" * 32}


def test_nothing_set_means_everything_in_memory() -> None:
    settings = Settings.from_env(BASE)
    assert (settings.queue_backend, settings.limiter_backend) == ("memory", "memory")
    assert settings.database_url == "sqlite+aiosqlite://"
    assert (settings.send_rate_per_minute, settings.send_burst, settings.api_rate_per_minute) == (
        10,
        10,
        60,
    )
    assert (settings.host, settings.port, settings.log_format) == ("127.0.0.1", 8000, "json")


def test_dev_mode_makes_up_a_secret_and_logs_for_people() -> None:
    one, two = Settings.from_env({}, dev=True), Settings.from_env({}, dev=True)
    assert len(one.jwt_secret) >= 32
    assert one.jwt_secret != two.jwt_secret
    assert one.log_format == "console"
    assert (
        Settings.from_env({"JWT_SECRET": "mine", "LOG_FORMAT": "json"}, dev=True).jwt_secret
        == "mine"
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "JWT_SECRET"),
        ({**BASE, "SEND_RATE_PER_MINUTE": "0"}, "SEND_RATE_PER_MINUTE"),
        ({**BASE, "SEND_BURST": "lots"}, "SEND_BURST"),
        ({**BASE, "API_RATE_PER_MINUTE": "60000001"}, "API_RATE_PER_MINUTE"),
        ({**BASE, "RATE_LIMITER_ENABLED": "maybe"}, "RATE_LIMITER_ENABLED"),
        ({**BASE, "LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({**BASE, "PORT": "-1"}, "PORT"),
        ({**BASE, "DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({**BASE, "REDIS_URL": "redis://x"}, "REDIS_URL"),
        ({**BASE, "SQS_RATE_LIMITER_QUEUE_URL": "http://q"}, "SQS_RATE_LIMITER_QUEUE_URL"),
    ],
)
def test_a_bad_or_missing_value_is_one_error_naming_the_variable(env: dict, variable: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(env)
    assert str(raised.value).startswith(variable)
    assert "\n" not in str(raised.value)


def test_the_kill_switch_reads_false() -> None:
    assert (
        Settings.from_env({**BASE, "RATE_LIMITER_ENABLED": "false"}).rate_limiter_enabled is False
    )
