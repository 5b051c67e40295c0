"""`fancrm settings …`: show and change an account's sending settings, through the API's use
cases (time zone, quiet hours, send rate and burst, blocked words)."""

from __future__ import annotations

from datetime import time
from typing import Any

import click

from core.errors import Invalid
from core.planning import QuietHours
from core.settings import AccountSettings, SettingsChanges
from entrypoints.cli.common import load_settings, run_in_container
from entrypoints.container import Container, resolve


def _describe(settings: AccountSettings) -> str:
    quiet = settings.quiet_hours
    window = f"{quiet.start:%H:%M}-{quiet.end:%H:%M}" if quiet else "none"
    return (
        f"time_zone={settings.time_zone} quiet_hours={window} "
        f"rate={settings.rate_per_minute}/min burst={settings.burst}\n"
        f"blocked_words={', '.join(settings.blocked_words) or '(none)'}"
    )


def _quiet(value: str) -> QuietHours | None:
    """`HH:MM-HH:MM`, or `none`."""
    if value == "none":
        return None
    try:
        start, end = (time.fromisoformat(part) for part in value.split("-"))
        return QuietHours(start, end)
    except ValueError as exc:
        raise Invalid("quiet hours are HH:MM-HH:MM or none", field="quietHours") from exc


@click.group()
def settings() -> None:
    """An account's sending settings."""


@settings.command("show")
@click.option("--user", required=True)
def show(user: str) -> None:
    async def run(container: Container) -> None:
        click.echo(_describe(await (await resolve(container.get_settings)).execute(user)))

    run_in_container(load_settings(), run)


@settings.command("set")
@click.option("--user", required=True)
@click.option("--time-zone", help="An IANA name, e.g. Europe/Berlin.")
@click.option("--quiet-hours", help="Local HH:MM-HH:MM (e.g. 01:00-09:00), or none.")
@click.option("--rate", type=int, help="Messages a minute, 1 to 60.")
@click.option("--burst", type=int, help="Messages at once, 1 to 60.")
@click.option("--blocked-word", "blocked_words", multiple=True, help="Replaces the list; repeat.")
@click.option("--no-blocked-words", is_flag=True, help="Empty the list.")
def set_(
    user: str,
    time_zone: str | None,
    quiet_hours: str | None,
    rate: int | None,
    burst: int | None,
    blocked_words: tuple[str, ...],
    no_blocked_words: bool,
) -> None:
    """Change only the options given."""
    given: dict[str, Any] = {}
    if time_zone is not None:
        given["time_zone"] = time_zone
    if rate is not None:
        given["rate_per_minute"] = rate
    if burst is not None:
        given["burst"] = burst
    if blocked_words or no_blocked_words:
        given["blocked_words"] = () if no_blocked_words else blocked_words

    async def run(container: Container) -> None:
        if quiet_hours is not None:
            given["quiet_hours"] = _quiet(quiet_hours)
        update = await resolve(container.update_settings)
        click.echo(_describe(await update.execute(user, SettingsChanges(**given))))

    run_in_container(load_settings(), run)
