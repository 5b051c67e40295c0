"""`fancrm fans import FILE`: the CSV import, through the same use case as the API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from adapters.storage.database import is_in_memory
from core.fans import Platform
from core.imports import ImportMode, ImportOptions, ImportReport
from entrypoints.cli.common import CLI_AUTHOR, load_settings, run_in_container
from entrypoints.container import Container, resolve
from entrypoints.runtime import tune_garbage_collector

SHOWN = 20  # errors and skipped rows printed; the rest are counted (and in --errors-out)


@click.group()
def fans() -> None:
    """The creator's fans."""


@fans.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", required=True, help="The creator the fans belong to.")
@click.option(
    "--platform",
    type=click.Choice([p.value for p in Platform]),
    default=Platform.ONLYFANS.value,
    show_default=True,
    help="Of rows without a platform column or value.",
)
@click.option(
    "--mode",
    type=click.Choice([m.value for m in ImportMode]),
    default=ImportMode.UPSERT.value,
    show_default=True,
    help="upsert: existing fans take the file's non-empty fields; skip_existing: left as they are.",
)
@click.option("--dry-run", is_flag=True, help="Validate and count; write no fan.")
@click.option(
    "--errors-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every failed row (row, error, its columns) to this CSV file.",
)
def import_fans(
    file: Path, user: str, platform: str, mode: str, dry_run: bool, errors_out: Path | None
) -> None:
    """Import fans from a CSV FILE in one transaction: all of it, or (on failure) nothing.

    Exits 0 when the import is done, even if some rows were refused (they are listed, and all
    of them go to --errors-out); 1 when the file or the database refused the whole import.
    """
    settings = load_settings()
    if is_in_memory(settings.database_url) and not dry_run:
        raise click.ClickException(
            "DATABASE_URL names no database that persists: the fans would vanish with this "
            "process (set it, or use --dry-run to check the file)"
        )
    options = ImportOptions(Platform(platform), ImportMode(mode), dry_run)
    size = file.stat().st_size

    async def run(container: Container) -> None:
        tune_garbage_collector()  # a million short-lived rows: fewer full collections
        use_case = await resolve(container.import_fans_csv)
        with file.open("rb") as binary, _progress_bar(size) as advance:
            report = await use_case.execute(
                user, binary, options, progress=advance, actor=CLI_AUTHOR
            )
        _print_summary(report)
        if errors_out is not None:
            errors = await (await resolve(container.get_import_errors)).execute(user, report.id)
            with errors_out.open("w", encoding="utf-8", newline="") as out:
                async for chunk in errors.csv_chunks():
                    out.write(chunk)
            click.echo(f"errors written to {errors_out}")

    run_in_container(settings, run)


@contextmanager
def _progress_bar(total: int) -> Iterator[Callable[[int], None]]:
    """A bar on stderr (gone when done), moved by the bytes the import has read."""
    columns = (BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("import", total=total)
        yield lambda done: progress.update(task, completed=done)


def _print_summary(report: ImportReport) -> None:
    click.echo(f"import {report.id}{' (dry run: nothing written)' if report.dry_run else ''}")
    click.echo(
        f"rows={report.total_rows} inserted={report.inserted} updated={report.updated} "
        f"skipped={report.skipped} errors={report.error_count}"
    )
    if report.ignored_columns:
        click.echo(f"ignored columns: {', '.join(report.ignored_columns)}")
    for error in report.errors[:SHOWN]:
        click.echo(f"row {error.row}: {error.error}")
    for skipped in report.skipped_rows[:SHOWN]:
        click.echo(f"row {skipped.row}: skipped: {skipped.reason}")
    hidden = max(0, report.error_count - SHOWN) + max(0, report.skipped - SHOWN)
    if hidden:
        click.echo(f"... and {hidden} more rows refused or skipped")
