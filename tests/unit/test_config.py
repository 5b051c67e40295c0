from __future__ import annotations

from pathlib import Path

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


def test_dev_mode_makes_up_a_secret_once_and_logs_for_people(tmp_path: Path) -> None:
    kept = {"FANCRM_DEV_SECRET_FILE": str(tmp_path / "fancrm" / "secret")}
    one, two = Settings.from_env(kept, dev=True), Settings.from_env(kept, dev=True)
    assert len(one.jwt_secret) >= 32
    # Kept in a file only its owner reads: yesterday's token still works after a restart.
    assert one.jwt_secret == two.jwt_secret
    assert (tmp_path / "fancrm" / "secret").stat().st_mode & 0o777 == 0o600
    elsewhere = {"FANCRM_DEV_SECRET_FILE": str(tmp_path / "other")}
    assert Settings.from_env(elsewhere, dev=True).jwt_secret != one.jwt_secret
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
        ({**BASE, "REDIS_URL": "http://x"}, "REDIS_URL"),
        ({**BASE, "REDIS_ENDPOINT": "cache.local"}, "REDIS_ENDPOINT"),
        ({**BASE, "SQS_RATE_LIMITER_QUEUE_URL": "fancrm-queue"}, "SQS_RATE_LIMITER_QUEUE_URL"),
        ({**BASE, "SQS_ENDPOINT_URL": "localhost:5000"}, "SQS_ENDPOINT_URL"),
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


WEBHOOK = {**BASE, "DELIVERY_BACKEND": "webhook"}


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({**WEBHOOK, "DELIVERY_WEBHOOK_SECRET": "s"}, "DELIVERY_WEBHOOK_URL"),
        (
            {**WEBHOOK, "DELIVERY_WEBHOOK_URL": "bridge:8080", "DELIVERY_WEBHOOK_SECRET": "s"},
            "DELIVERY_WEBHOOK_URL",
        ),
        ({**WEBHOOK, "DELIVERY_WEBHOOK_URL": "https://bridge/x"}, "DELIVERY_WEBHOOK_SECRET"),
        ({**BASE, "DELIVERY_WEBHOOK_TIMEOUT_S": "60"}, "DELIVERY_WEBHOOK_TIMEOUT_S"),
        ({**BASE, "DELIVERY_BACKEND": "carrier-pigeon"}, "DELIVERY_BACKEND"),
        ({**BASE, "METRICS_BACKEND": "statsd"}, "METRICS_BACKEND"),
    ],
)
def test_the_webhook_and_metrics_settings_fail_naming_the_variable(
    env: dict, variable: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(env)
    assert str(raised.value).startswith(variable)
    assert "\n" not in str(raised.value)


def test_the_webhook_backend_and_every_metrics_backend_are_accepted() -> None:
    settings = Settings.from_env(
        {
            **WEBHOOK,
            "DELIVERY_WEBHOOK_URL": "https://bridge.internal/deliver",
            "DELIVERY_WEBHOOK_SECRET": "s3cret",
            "DELIVERY_WEBHOOK_TIMEOUT_S": "5",
        }
    )
    assert (settings.delivery_backend, settings.delivery_webhook_timeout_s) == ("webhook", 5)
    for backend in ("memory", "cloudwatch", "prometheus"):
        assert Settings.from_env({**BASE, "METRICS_BACKEND": backend}).metrics_backend == backend


def test_worker_concurrency_is_one_unless_set_and_bounded() -> None:
    assert Settings.from_env(BASE).worker_concurrency == 1
    assert Settings.from_env({**BASE, "WORKER_CONCURRENCY": "64"}).worker_concurrency == 64
    for bad in ("0", "1001", "many"):
        with pytest.raises(ConfigError, match=r"^WORKER_CONCURRENCY"):
            Settings.from_env({**BASE, "WORKER_CONCURRENCY": bad})


def test_only_what_checks_tokens_needs_jwt_secret() -> None:
    assert Settings.from_env({}, needs_jwt_secret=False).jwt_secret == ""
    with pytest.raises(ConfigError, match="JWT_SECRET"):
        Settings.from_env({})
