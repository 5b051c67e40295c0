"""`fancrm campaigns …`: create, list, show and control bulk campaigns, through the same use cases
as the API (the campaign is stored and relayed by the sweep of `fancrm worker`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from core.campaigns import CampaignEdit, CampaignLimits, CampaignView, NewCampaign, Segment
from core.fans import Platform
from entrypoints.cli.common import (
    CLI_AUTHOR,
    Instant,
    load_settings,
    run_in_container,
    warn_if_queue_in_memory,
)
from entrypoints.container import Container, resolve


def _run(body: Callable[[Container], Awaitable[Any]], *, relays: bool = False) -> None:
    settings = load_settings()
    if relays:
        warn_if_queue_in_memory(
            settings, "what is relayed now ends with this process; run a worker on a real queue"
        )
    run_in_container(settings, body)


@click.group()
def campaigns() -> None:
    """Bulk campaigns: one message to many fans, sent at the creator's pace."""


@campaigns.command()
@click.option("--user", required=True, help="The creator sending it.")
@click.option("--name", required=True)
@click.option("--content", required=True)
@click.option("--price-cents", type=int, default=None, help="A PPV price.")
@click.option("--to", "recipients", type=int, multiple=True, help="A fan id (repeat it).")
@click.option("--segment", is_flag=True, help="Select fans by the filters below too.")
@click.option("--tag-any", multiple=True, help="Fans with any of these tags (repeat it).")
@click.option("--tag-all", multiple=True, help="Fans with every one of these tags.")
@click.option("--tag-none", multiple=True, help="Fans with none of these tags.")
@click.option("--min-value", type=int, default=None, help="Lifetime spend, cents, at least.")
@click.option("--max-value", type=int, default=None, help="Lifetime spend, cents, at most.")
@click.option("--platform", type=click.Choice([p.value for p in Platform]), default=None)
@click.option("--exclude-messaged-hours", type=int, default=None, help="Skip fans sent to lately.")
@click.option("--exclude-unread", is_flag=True, help="Skip fans with unread messages.")
@click.option("--send-at", type=Instant(), default=None, help="Schedule it (ISO 8601, offset).")
@click.option("--rate-per-minute", type=int, default=None, help="Its own, slower rate.")
@click.option("--stop-at", type=Instant(), default=None, help="Cancel what is left then.")
@click.option("--max-messages", type=int, default=None, help="Write at most this many.")
def create(
    user: str, name: str, content: str, price_cents: int | None, recipients: tuple[int, ...],
    segment: bool, tag_any: tuple[str, ...], tag_all: tuple[str, ...], tag_none: tuple[str, ...],
    min_value: int | None, max_value: int | None, platform: str | None,
    exclude_messaged_hours: int | None, exclude_unread: bool, send_at: datetime | None,
    rate_per_minute: int | None, stop_at: datetime | None, max_messages: int | None,
) -> None:  # fmt: skip
    """Create a campaign to --to fans and/or a segment (any filter option implies --segment)."""
    filters = (tag_any, tag_all, tag_none, min_value, max_value, platform, exclude_messaged_hours)
    chosen = segment or exclude_unread or any(f not in (None, ()) for f in filters)
    new = NewCampaign(
        name=name,
        content=content,
        price_cents=price_cents,
        recipient_ids=recipients,
        segment=Segment(
            tags_any=frozenset(tag_any), tags_all=frozenset(tag_all),
            tags_none=frozenset(tag_none), min_value_cents=min_value, max_value_cents=max_value,
            platform=Platform(platform) if platform else None,
            exclude_messaged_within_hours=exclude_messaged_hours, exclude_unread=exclude_unread,
        ) if chosen else None,
        send_at=send_at,
        limits=CampaignLimits(rate_per_minute, stop_at, max_messages),
    )  # fmt: skip

    async def run(container: Container) -> None:
        create = await resolve(container.create_campaign)
        accepted = await create.execute(user, new, actor=CLI_AUTHOR)
        click.echo(
            f"campaign {accepted.campaign_id} {accepted.status}: {accepted.queued} to send, "
            f"{len(accepted.failed_recipient_ids)} failed, done by "
            f"{accepted.estimated_completion_time.isoformat(timespec='seconds')}"
        )
        if accepted.failed_recipient_ids:
            ids = ", ".join(map(str, accepted.failed_recipient_ids[:20]))
            click.echo(f"not your fans: {ids}")
        # The fan-out writes the messages after the answer: finish it before this process ends
        # (an interrupted one is carried on by the worker's sweep).
        await (await resolve(container.background_fan_outs)).wait()

    _run(run, relays=True)


@campaigns.command("list")
@click.option("--user", required=True)
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--offset", type=int, default=0, show_default=True)
def list_campaigns(user: str, limit: int, offset: int) -> None:
    """The creator's campaigns, newest first, with their counters."""

    async def run(container: Container) -> None:
        page = await (await resolve(container.list_campaigns)).execute(user, limit, offset)
        table = Table("id", "name", "status", "targeted", "sent", "failed", "left", "progress")
        for view in page.items:
            c = view.counters
            left = c.pending + c.queued + c.held
            table.add_row(
                str(view.campaign.id), view.campaign.name, view.status, str(c.targeted),
                str(c.sent), str(c.failed), str(left), f"{view.progress_percent:g}%",
            )  # fmt: skip
        Console().print(table)
        click.echo(f"{page.total} campaign(s)")

    _run(run)


@campaigns.command()
@click.argument("campaign_id", type=int)
@click.option("--user", required=True)
def show(campaign_id: int, user: str) -> None:
    """One campaign and its counters."""

    async def run(container: Container) -> None:
        _print(await (await resolve(container.get_campaign)).execute(user, campaign_id))

    _run(run)


def _control_command(name: str, provider: str, help_text: str) -> None:
    @campaigns.command(name, help=help_text)
    @click.argument("campaign_id", type=int)
    @click.option("--user", required=True)
    def command(campaign_id: int, user: str) -> None:
        _control(provider, campaign_id, user)


_control_command("pause", "pause_campaign", "Stop sending; what arrives meanwhile is held.")
_control_command("resume", "resume_campaign", "Send the held and pending messages again.")
_control_command("cancel", "cancel_campaign", "Send nothing more: every unsent message cancelled.")
_control_command("retry-failed", "retry_failed_campaign", "Send the failed messages again.")
_control_command(
    "unsend-unread", "unsend_unread_campaign",
    "Cancel what is not sent yet and take back every sent message not yet read.",
)  # fmt: skip


@campaigns.command()
@click.argument("campaign_id", type=int)
@click.option("--user", required=True)
@click.option("--name", default=None)
@click.option("--content", default=None)
@click.option("--to", "recipients", type=int, multiple=True, help="Replaces the fan ids.")
@click.option("--send-at", type=Instant(), default=None, help="A new time (ISO 8601, offset).")
@click.option("--rate-per-minute", type=int, default=None)
@click.option("--stop-at", type=Instant(), default=None)
@click.option("--max-messages", type=int, default=None)
def edit(
    campaign_id: int, user: str, name: str | None, content: str | None,
    recipients: tuple[int, ...], send_at: datetime | None, rate_per_minute: int | None,
    stop_at: datetime | None, max_messages: int | None,
) -> None:  # fmt: skip
    """Change a scheduled campaign before it starts (only the options given change)."""
    changes = CampaignEdit(
        name=name, content=content, recipient_ids=recipients or None, send_at=send_at,
        rate_per_minute=rate_per_minute, stop_at=stop_at, max_messages=max_messages,
    )  # fmt: skip

    async def run(container: Container) -> None:
        use_case = await resolve(container.edit_scheduled_campaign)
        _print(await use_case.execute(user, campaign_id, changes, actor=CLI_AUTHOR))

    _run(run)


def _control(provider: str, campaign_id: int, user: str) -> None:
    async def run(container: Container) -> None:
        use_case = await resolve(container.providers[provider])
        _print(await use_case.execute(user, campaign_id, actor=CLI_AUTHOR))

    _run(run)


def _print(view: CampaignView) -> None:
    c = view.counters
    fan_out = "complete" if view.fan_out_complete else "not complete"
    starts = view.campaign.send_at
    when = f", starts {starts.isoformat(timespec='seconds')}" if starts else ""
    click.echo(
        f"campaign {view.campaign.id} {view.campaign.name!r}: {view.status}{when}, "
        f"fan-out {fan_out}"
    )
    click.echo(
        f"targeted={c.targeted} pending={c.pending} queued={c.queued} sent={c.sent} "
        f"failed={c.failed} held={c.held} cancelled={c.cancelled} unsent={c.unsent} "
        f"revenue_cents={view.campaign.revenue_cents} progress={view.progress_percent:g}%"
    )
