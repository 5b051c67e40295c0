"""The `fancrm` command: serve the API, run the worker, mint tokens, send, inspect the queue."""

from __future__ import annotations

import asyncio
import os
import signal
from dataclasses import replace
from datetime import datetime, timedelta

import click
import uvicorn

from core.messaging import NewMessage
from entrypoints.cli.accounts import accounts, keys, members, users
from entrypoints.cli.campaigns import campaigns
from entrypoints.cli.common import (
    CLI_AUTHOR,
    Instant,
    load_settings,
    run_in_container,
    warn_if_queue_in_memory,
)
from entrypoints.cli.db import db, exit_unless_schema_at_head
from entrypoints.cli.fans import fans
from entrypoints.cli.messages import messages
from entrypoints.cli.settings import settings as settings_commands
from entrypoints.cli.workers import serve_workers
from entrypoints.config import MAX_WORKER_CONCURRENCY, dev_secret_path
from entrypoints.container import Container, build_container, resolve
from entrypoints.dev import (
    banner,
    seed_demo_campaign,
    seed_demo_fans,
    seed_demo_people,
    seed_demo_purchases,
)
from entrypoints.http.app import create_app
from entrypoints.http.auth import MAX_TOKEN_TTL, issue_token
from entrypoints.http.protocol import JsonErrorsHttpToolsProtocol
from entrypoints.runtime import tune_garbage_collector


@click.group()
def cli() -> None:
    """fancrm: a fan CRM whose messages never go out faster than the platform allows."""


@cli.command()
@click.option(
    "--dev", is_flag=True, help="Everything not configured in memory, worker inside, demo fans."
)
@click.option("--host", default=None, help="Interface to listen on (default $HOST or 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default $PORT or 8000).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="API processes; more than one needs a database and Redis outside the process.",
)
def serve(dev: bool, host: str | None, port: int | None, workers: int) -> None:
    """Serve the HTTP API."""
    settings = load_settings(dev, needs_jwt_secret=True)
    host, port = host or settings.host, port or settings.port
    # Here, not in the app's lifespan: uvicorn would print a traceback for a refusal.
    exit_unless_schema_at_head(settings.database_url)
    if workers > 1:
        serve_workers(settings, dev=dev, host=host, port=port, workers=workers)
        return
    container = build_container(settings)
    # With an in-memory queue nothing outside this process can drain it, so the worker runs here.
    run_worker = dev or settings.queue_backend == "memory"

    async def on_startup(c: Container) -> None:
        if dev:
            fans = await seed_demo_fans(c)
            await seed_demo_purchases(c, fans)
            people = await seed_demo_people(c)
            await seed_demo_campaign(c)
            kept_in = None if os.environ.get("JWT_SECRET") else dev_secret_path(os.environ)
            base_url = f"http://{host}:{port}"
            click.echo(banner(base_url, settings.jwt_secret, fans, kept_in, people), err=False)

    app = create_app(container, run_worker=run_worker, on_startup=on_startup)
    tune_garbage_collector()
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        http=JsonErrorsHttpToolsProtocol,
    )


@cli.command()
@click.option(
    "--concurrency",
    type=click.IntRange(1, MAX_WORKER_CONCURRENCY),
    default=None,
    help="Deliveries under way at once (default $WORKER_CONCURRENCY or 10).",
)
def worker(concurrency: int | None) -> None:
    """Consume the queue until SIGTERM or SIGINT; the batches in hand are finished first."""
    settings = load_settings()
    if concurrency is not None:
        settings = replace(settings, worker_concurrency=concurrency)
    warn_if_queue_in_memory(settings, "only this process's own sends reach it")

    async def run(container: Container) -> None:
        tune_garbage_collector()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await (await resolve(container.worker)).run(stop)

    run_in_container(settings, run)


def _token_user(_: click.Context, __: click.Parameter, user: str) -> str:
    if not user.strip():
        raise click.BadParameter("must not be empty")
    return user


def _token_ttl(_: click.Context, __: click.Parameter, hours: float) -> timedelta:
    longest = MAX_TOKEN_TTL.total_seconds() / 3600
    if not 0 < hours <= longest:  # also refuses nan, which every comparison fails
        raise click.BadParameter(f"must be more than 0 and at most {longest:g} hours")
    return timedelta(hours=hours)


@cli.command()
@click.option(
    "--user", required=True, callback=_token_user, help="The user id the token speaks for."
)
@click.option("--ttl-hours", type=float, default=24.0, show_default=True, callback=_token_ttl)
def token(user: str, ttl_hours: timedelta) -> None:
    """Print a bearer token signed with JWT_SECRET (it lives at most 30 days)."""
    settings = load_settings(needs_jwt_secret=True)
    click.echo(issue_token(settings.jwt_secret, user, ttl_hours))


@cli.command()
@click.option("--user", required=True)
@click.option("--to", "recipient_id", type=int, required=True, help="The fan's id.")
@click.option("--content", required=True)
@click.option("--priority", type=click.IntRange(1, 10), default=5, show_default=True)
@click.option("--send-at", type=Instant(), default=None, help="Schedule it (ISO 8601, offset).")
def send(
    user: str, recipient_id: int, content: str, priority: int, send_at: datetime | None
) -> None:
    """Queue one message, exactly as the API does (or schedule it with --send-at)."""
    new = NewMessage(recipient_id, content, priority=priority, send_at=send_at)

    async def run(container: Container) -> None:
        send_message = await resolve(container.send_message)
        receipt = await send_message.execute(user, new, author=CLI_AUTHOR)
        eta = receipt.estimated_send_time.isoformat(timespec="seconds")
        click.echo(
            f"{receipt.message_id} {receipt.status} position={receipt.queue_position} eta={eta}"
        )

    settings = load_settings()
    warn_if_queue_in_memory(
        settings,
        "the message is stored, but its envelope ends with this process: no worker sees it",
    )
    run_in_container(settings, run)


cli.add_command(db)
cli.add_command(campaigns)
cli.add_command(fans)
cli.add_command(messages)
cli.add_command(settings_commands)
for group in (users, accounts, members, keys):
    cli.add_command(group)


@cli.group()
def queue() -> None:
    """Inspect the outbound queue."""


@queue.command("status")
@click.option("--user", required=True)
def queue_status(user: str) -> None:
    """This creator's messages waiting, sending, held and failed, and the time to send them."""

    async def run(container: Container) -> None:
        status = await (await resolve(container.queue_status)).execute(user)
        c = status.counts
        click.echo(
            f"waiting={c.waiting} sending={c.sending} held={c.held} failed={c.failed} "
            f"backlog={c.backlog} eta={status.estimated_time_s:.0f}s "
            f"health={'ok' if status.healthy else 'degraded'}: {status.health_message}"
        )

    run_in_container(load_settings(), run)
