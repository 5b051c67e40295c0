"""Settings read from the environment once at start-up; a bad value fails with one clear line."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

DEFAULT_DATABASE_URL = "sqlite+aiosqlite://"  # SQLite in memory, shared by the whole process
# The bucket counts in whole microseconds: a minute holds at most this many intervals.
MAX_RATE = 60_000_000
# A delivery must end well inside the consumer's claim lease (MessagingConfig.lease_s, 20 s),
# or a slow bridge could see the same message claimed again by another consumer.
MAX_WEBHOOK_TIMEOUT_S = 15
# Deliveries under way at once in one consumer process (WORKER_CONCURRENCY), and connections to
# the bridge. One by default: a crash then repeats at most one delivery (the bridge dedupes it by
# its Idempotency-Key); a deployment raises it to overlap the bridge's latency.
DEFAULT_WORKER_CONCURRENCY = 1
MAX_WORKER_CONCURRENCY = 1000
# A CSV import streams to a temporary file; past this the API answers 413 before reading more.
DEFAULT_IMPORT_MAX_BYTES = 100 * 1024 * 1024
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True, slots=True)
class Settings:
    dev: bool
    database_url: str
    queue_backend: str
    sqs_queue_url: str | None
    sqs_dlq_url: str | None
    sqs_endpoint_url: str | None
    aws_region: str
    limiter_backend: str
    redis_url: str | None
    rate_limiter_enabled: bool
    send_rate_per_minute: int
    send_burst: int
    api_rate_per_minute: int
    jwt_secret: str
    delivery_backend: str
    delivery_webhook_url: str | None
    delivery_webhook_secret: str | None
    cloudwatch_namespace: str
    metrics_backend: str
    log_level: str
    log_format: str
    host: str
    port: int
    delivery_webhook_timeout_s: int = 10
    import_max_bytes: int = DEFAULT_IMPORT_MAX_BYTES
    fanout_chunk_size: int = 5000
    worker_concurrency: int = DEFAULT_WORKER_CONCURRENCY
    # Browser origins allowed to call the API (CORS); none by default: only same-origin pages.
    cors_origins: tuple[str, ...] = ()

    @classmethod
    def from_env(
        cls, env: Mapping[str, str], *, dev: bool = False, needs_jwt_secret: bool = True
    ) -> Settings:
        """`needs_jwt_secret=False` for what never checks a token (the worker, the Lambda, the
        commands that work on the database directly): JWT_SECRET may then be unset."""
        read = _Reader(env)
        redis_url = _redis_url(read)
        sqs_queue_url = read.text("SQS_RATE_LIMITER_QUEUE_URL")
        settings = cls(
            dev=dev,
            database_url=read.text("DATABASE_URL") or DEFAULT_DATABASE_URL,
            queue_backend="sqs" if sqs_queue_url else "memory",
            sqs_queue_url=sqs_queue_url,
            sqs_dlq_url=read.text("SQS_RATE_LIMITER_DLQ_URL"),
            sqs_endpoint_url=read.text("SQS_ENDPOINT_URL"),
            aws_region=read.text("AWS_REGION") or "us-east-1",
            limiter_backend="redis" if redis_url else "memory",
            redis_url=redis_url,
            rate_limiter_enabled=read.flag("RATE_LIMITER_ENABLED", default=True),
            send_rate_per_minute=read.positive_int("SEND_RATE_PER_MINUTE", 10, MAX_RATE),
            send_burst=read.positive_int("SEND_BURST", 10),
            api_rate_per_minute=read.positive_int("API_RATE_PER_MINUTE", 60, MAX_RATE),
            jwt_secret=read.text("JWT_SECRET") or _dev_secret(env, dev, needs_jwt_secret),
            delivery_backend=read.choice("DELIVERY_BACKEND", {"simulated", "webhook"}, "simulated"),
            delivery_webhook_url=read.text("DELIVERY_WEBHOOK_URL"),
            delivery_webhook_secret=read.text("DELIVERY_WEBHOOK_SECRET"),
            cloudwatch_namespace=read.text("CLOUDWATCH_NAMESPACE") or "Huntaze/OnlyFans",
            metrics_backend=read.choice(
                "METRICS_BACKEND", {"memory", "cloudwatch", "prometheus"}, "memory"
            ),
            log_level=read.choice(
                "LOG_LEVEL", {"DEBUG", "INFO", "WARNING", "ERROR"}, "INFO", upper=True
            ),
            log_format=read.choice("LOG_FORMAT", {"json", "console"}, "console" if dev else "json"),
            host=read.text("HOST") or "127.0.0.1",
            port=read.positive_int("PORT", 8000),
            delivery_webhook_timeout_s=read.positive_int(
                "DELIVERY_WEBHOOK_TIMEOUT_S", 10, MAX_WEBHOOK_TIMEOUT_S
            ),
            import_max_bytes=read.positive_int("IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES),
            fanout_chunk_size=read.positive_int("FANOUT_CHUNK_SIZE", 5000, 100_000),
            worker_concurrency=read.positive_int(
                "WORKER_CONCURRENCY", DEFAULT_WORKER_CONCURRENCY, MAX_WORKER_CONCURRENCY
            ),
            cors_origins=read.origins("CORS_ORIGINS"),
        )
        settings._check_database_url()
        settings._check_sqs_urls()
        settings._check_webhook()
        return settings

    def as_config(self) -> dict[str, Any]:
        """The flat mapping the dependency-injector Configuration provider reads."""
        return asdict(self)

    def _check_database_url(self) -> None:
        _check_database_url(self.database_url)

    def _check_webhook(self) -> None:
        if self.delivery_backend != "webhook":
            return
        if not self.delivery_webhook_url:
            raise ConfigError("DELIVERY_WEBHOOK_URL must be set when DELIVERY_BACKEND=webhook")
        if not self.delivery_webhook_url.startswith(("http://", "https://")):
            raise ConfigError("DELIVERY_WEBHOOK_URL must start with http:// or https://")
        if not self.delivery_webhook_secret:
            raise ConfigError("DELIVERY_WEBHOOK_SECRET must be set when DELIVERY_BACKEND=webhook")

    def _check_sqs_urls(self) -> None:
        urls = {
            "SQS_RATE_LIMITER_QUEUE_URL": self.sqs_queue_url,
            "SQS_RATE_LIMITER_DLQ_URL": self.sqs_dlq_url,
            "SQS_ENDPOINT_URL": self.sqs_endpoint_url,
        }
        for variable, url in urls.items():
            if url is not None and not url.startswith(("http://", "https://")):
                raise ConfigError(f"{variable} must start with http:// or https://, not {url!r}")


class _Reader:
    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def text(self, name: str) -> str | None:
        value = self._env.get(name, "").strip()
        return value or None

    def flag(self, name: str, *, default: bool) -> bool:
        value = (self.text(name) or "").lower()
        if not value:
            return default
        if value in _TRUE | _FALSE:
            return value in _TRUE
        raise ConfigError(f"{name} must be true or false, not {value!r}")

    def positive_int(self, name: str, default: int, maximum: int | None = None) -> int:
        value = self.text(name)
        if value is None:
            return default
        if not value.isdigit() or int(value) < 1:
            raise ConfigError(f"{name} must be a positive whole number, not {value!r}")
        if maximum is not None and int(value) > maximum:
            raise ConfigError(f"{name} must be at most {maximum}, not {value}")
        return int(value)

    def origins(self, name: str) -> tuple[str, ...]:
        """Comma-separated `scheme://host[:port]` origins, each exactly as a browser sends it."""
        origins = tuple(o.strip() for o in (self.text(name) or "").split(",") if o.strip())
        for origin in origins:
            if not _ORIGIN.fullmatch(origin):
                raise ConfigError(f"{name}: {origin!r} is no origin (like https://app.example.com)")
        return origins

    def choice(self, name: str, allowed: set[str], default: str, *, upper: bool = False) -> str:
        value = self.text(name)
        if value is None:
            return default
        value = value.upper() if upper else value.lower()
        if value not in allowed:
            raise ConfigError(f"{name} must be one of {', '.join(sorted(allowed))}, not {value!r}")
        return value


def database_url_from_env(env: Mapping[str, str]) -> str:
    """DATABASE_URL alone, checked as Settings checks it: `fancrm db` needs nothing else."""
    url = _Reader(env).text("DATABASE_URL") or DEFAULT_DATABASE_URL
    _check_database_url(url)
    return url


def _check_database_url(url: str) -> None:
    if not url.startswith(("sqlite+aiosqlite:", "postgresql+asyncpg:")):
        raise ConfigError(
            "DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
        )


def _redis_url(read: _Reader) -> str | None:
    """REDIS_URL as given, or one made of REDIS_ENDPOINT (`host:port`, as ElastiCache gives it)."""
    url = read.text("REDIS_URL")
    if url:
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError("REDIS_URL must start with redis://, rediss:// or unix://")
        return url
    endpoint = read.text("REDIS_ENDPOINT")
    if endpoint is None:
        return None
    host, _, port = endpoint.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"REDIS_ENDPOINT must be host:port, not {endpoint!r}")
    return f"redis://{endpoint}/0"


def _dev_secret(env: Mapping[str, str], dev: bool, needed: bool) -> str:
    if dev:
        return _kept_dev_secret(dev_secret_path(env))
    if needed:
        raise ConfigError("JWT_SECRET must be set (only `fancrm serve --dev` makes one up)")
    return ""


def dev_secret_path(env: Mapping[str, str]) -> Path:
    """Where dev mode keeps the secret it made up, so a token outlives a restart."""
    if explicit := env.get("FANCRM_DEV_SECRET_FILE"):
        return Path(explicit)
    config_home = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "fancrm" / "dev-jwt-secret"


def _kept_dev_secret(path: Path) -> str:
    try:
        kept = path.read_text().strip()
    except FileNotFoundError:
        kept = ""
    if len(kept) >= 32:
        return kept
    made = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Readable by its owner only: anyone who reads it can sign tokens for the dev server.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(made)
    return made
