"""`fancrm db`: migrate the schema of the database at DATABASE_URL, and say where it stands."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

import click

from adapters.storage.database import is_in_memory
from adapters.storage.migrator import UPGRADE_HINT, SchemaMigrator
from core.errors import DomainError
from entrypoints.config import ConfigError, database_url_from_env

T = TypeVar("T")


@click.group()
def db() -> None:
    """The database schema (Alembic migrations)."""


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Migrate up to REVISION (default: head, the schema of this version of fancrm)."""
    migrator = _migrator()
    before = _wait(migrator.current())
    _wait(migrator.upgrade(revision))
    after = _wait(migrator.current())
    if before == after:
        click.echo(f"already at {after}")
    else:
        click.echo(f"upgraded {before or '(empty)'} -> {after}")


@db.command()
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Migrate down to REVISION (`base`: drop every table)."""
    migrator = _migrator()
    _wait(migrator.downgrade(revision))
    click.echo(f"downgraded to {_wait(migrator.current()) or '(empty)'}")


@db.command()
def current() -> None:
    """Print the database's revision, and whether it is head."""
    migrator = _migrator()
    current, head = _wait(migrator.current()), migrator.head()
    if current == head:
        click.echo(f"{current} (head)")
    else:
        click.echo(f"{current or '(empty)'} (head is {head}: {UPGRADE_HINT})")


def exit_unless_schema_at_head(url: str) -> None:
    """Before a server starts: one line and exit 1 when the database is not at head."""
    if is_in_memory(url):
        return
    try:
        asyncio.run(SchemaMigrator(url).require_head())
    except DomainError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)


def _migrator() -> SchemaMigrator:
    try:
        url = database_url_from_env(os.environ)
    except ConfigError as exc:
        raise click.ClickException(f"configuration: {exc}") from None
    if is_in_memory(url):
        raise click.ClickException(
            "DATABASE_URL names no database that persists: an in-memory one is created at start"
        )
    return SchemaMigrator(url)


def _wait(work: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(work)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
