"""`fancrm serve --workers N`: several API processes on one port, sharing what must be shared.

Each process builds its own app from the environment (entrypoints.http.asgi). State that lives
inside a process would silently split N ways, so it is refused: an in-memory database would be N
databases, an in-memory bucket would give every user N times the API limit.
"""

from __future__ import annotations

import click
import uvicorn

from adapters.storage.database import is_in_memory
from entrypoints.config import Settings
from entrypoints.http.protocol import JsonErrorsHttpToolsProtocol

APP_FACTORY = "entrypoints.http.asgi:app_from_environment"


def serve_workers(settings: Settings, *, dev: bool, host: str, port: int, workers: int) -> None:
    refuse_per_process_state(settings, dev=dev, workers=workers)
    if settings.queue_backend == "memory":
        click.echo(
            "warning: the queue is in memory; each process sends and drains its own "
            "(the bucket is still shared)",
            err=True,
        )
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        http=JsonErrorsHttpToolsProtocol,
    )


def refuse_per_process_state(settings: Settings, *, dev: bool, workers: int) -> None:
    if dev:
        raise click.UsageError(
            f"--workers {workers} cannot be used with --dev: dev mode keeps all in one process"
        )
    if is_in_memory(settings.database_url):
        raise click.UsageError(
            f"--workers {workers} needs DATABASE_URL: "
            "an in-memory database would be a different one in each process"
        )
    if settings.limiter_backend == "memory":
        raise click.UsageError(
            f"--workers {workers} needs REDIS_URL or REDIS_ENDPOINT: "
            "an in-memory rate limiter would give each process a limit of its own"
        )
