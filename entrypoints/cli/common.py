"""What every `fancrm` command shares: settings from the environment, and running a body of
work inside a started container (a domain error becomes `error: …` and exit code 1)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import click

from core.accounts import Author
from core.errors import DomainError
from entrypoints import container as composition
from entrypoints.config import ConfigError, Settings
from entrypoints.container import Container, build_container
from entrypoints.logs import configure_logging

# Who the CLI acts as: whoever runs it holds the deployment's secrets, so its sends and changes
# are the service's (the shared-secret credential), as the audit log and message authors say.
CLI_AUTHOR = Author.service()


def load_settings(dev: bool = False, *, needs_jwt_secret: bool = False) -> Settings:
    try:
        settings = Settings.from_env(os.environ, dev=dev, needs_jwt_secret=needs_jwt_secret)
    except ConfigError as exc:
        raise click.ClickException(f"configuration: {exc}") from None
    configure_logging(settings.log_level, settings.log_format)
    return settings


def warn_if_queue_in_memory(settings: Settings, consequence: str) -> None:
    if settings.queue_backend == "memory":
        click.echo(f"warning: the queue is in memory; {consequence}", err=True)


def run_in_container(settings: Settings, body: Callable[[Container], Awaitable[Any]]) -> None:
    async def main() -> None:
        container = build_container(settings)
        await composition.start(container)
        try:
            await body(container)
        finally:
            await composition.stop(container)

    try:
        asyncio.run(main())
    except DomainError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)


class Instant(click.ParamType):
    """An ISO 8601 date and time; its UTC offset is required by the use cases, which say so."""

    name = "datetime"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        try:
            return datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 date and time", param, ctx)
