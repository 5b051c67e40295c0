"""`fancrm messages …`: what an operator does to one message, through the API's use cases."""

from __future__ import annotations

from uuid import UUID

import click

from entrypoints.cli.common import CLI_AUTHOR, load_settings, run_in_container
from entrypoints.container import Container, resolve


@click.group()
def messages() -> None:
    """One outbound message."""


@messages.command()
@click.argument("message_id", type=click.UUID)
@click.option("--user", required=True, help="The creator who sent it.")
def unsend(message_id: UUID, user: str) -> None:
    """Cancel it if not sent yet; take it back if sent and not read (else an error)."""

    async def run(container: Container) -> None:
        unsend_message = await resolve(container.unsend_message)
        message = await unsend_message.execute(user, message_id, actor=CLI_AUTHOR)
        click.echo(f"{message.id} {message.status}")

    run_in_container(load_settings(), run)
