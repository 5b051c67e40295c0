"""`fancrm users|accounts|members|keys …`: people and their accounts, through the API's use
cases. An operator acts in an account as its owner (recorded in the audit log as the service).
A password is read from a hidden prompt or from stdin, never from the command line (it would
stay in the shell's history and in every process listing)."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from core.accounts import Role
from core.identity import operator_in
from entrypoints.cli.common import load_settings, run_in_container
from entrypoints.container import Container, resolve

ROLES = click.Choice([role.value for role in Role])


def _when(at: datetime | None) -> str:
    return "-" if at is None else at.isoformat(timespec="seconds")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@click.group()
def users() -> None:
    """People who sign in."""


@users.command("create")
@click.argument("email")
@click.option("--name", default=None, help="How the person is shown.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin's first line.")
def create_user(email: str, name: str | None, password_stdin: bool) -> None:
    """Make a user (a password of 10 to 1024 characters)."""
    password = _password(password_stdin)

    async def run(container: Container) -> None:
        user = await (await resolve(container.create_user)).execute(email, password, name)
        click.echo(f"created user {user.id} {user.email}")

    run_in_container(load_settings(), run)


@click.group()
def accounts() -> None:
    """Creator accounts: the tenant every row of the CRM belongs to."""


@accounts.command("create")
@click.argument("name")
@click.option("--id", "account_id", default=None, help="The id its rows carry (made up if not).")
def create_account(name: str, account_id: str | None) -> None:
    """Make a creator account with no members (add one with `fancrm members add`)."""

    async def run(container: Container) -> None:
        account = await (await resolve(container.create_account)).execute(name, account_id)
        click.echo(f"created account {account.id} ({account.name})")

    run_in_container(load_settings(), run)


@click.group()
def members() -> None:
    """Who may act in an account, and with which role."""


@members.command("add")
@click.argument("account")
@click.argument("email")
@click.option("--role", type=ROLES, required=True)
def add_member(account: str, email: str, role: str) -> None:
    """Make a user (see `fancrm users create`) a member of ACCOUNT."""

    async def run(container: Container) -> None:
        add = await resolve(container.add_member)
        member = await add.execute(operator_in(account), email, Role(role))
        click.echo(f"{member.email} is {member.role.value} of {account}")

    run_in_container(load_settings(), run)


@members.command("remove")
@click.argument("account")
@click.argument("email")
def remove_member(account: str, email: str) -> None:
    """Remove a member: their next request in ACCOUNT is refused (never its last owner)."""

    async def run(container: Container) -> None:
        user = await (await resolve(container.find_user)).execute(email)
        await (await resolve(container.remove_member)).execute(operator_in(account), user.id)
        click.echo(f"removed {user.email} from {account}")

    run_in_container(load_settings(), run)


@members.command("list")
@click.argument("account")
def list_members(account: str) -> None:
    """ACCOUNT's members, in the order they joined."""

    async def run(container: Container) -> None:
        page = await (await resolve(container.list_members)).execute(operator_in(account), 200)
        for m in page.items:
            click.echo(f"{m.role.value:<8} {m.email:<40} {m.name or '-':<24} {_when(m.joined_at)}")
        click.echo(f"{page.total} member(s)")

    run_in_container(load_settings(), run)


@click.group()
def keys() -> None:
    """An account's API keys."""


@keys.command("create")
@click.argument("account")
@click.option("--name", required=True, help="What the key is for.")
@click.option("--role", type=ROLES, required=True)
def create_key(account: str, name: str, role: str) -> None:
    """Make a key for ACCOUNT: it is printed once, and only its digest is kept."""

    async def run(container: Container) -> None:
        create = await resolve(container.create_api_key)
        issued = await create.execute(operator_in(account), name, Role(role))
        click.echo(str(issued.secret))
        click.echo(f"key {issued.key.id} ({role}) made; it is shown this once", err=True)

    run_in_container(load_settings(), run)


@keys.command("revoke")
@click.argument("account")
@click.argument("key_id")
def revoke_key(account: str, key_id: str) -> None:
    """Revoke a key of ACCOUNT: its next request is refused."""

    async def run(container: Container) -> None:
        await (await resolve(container.revoke_api_key)).execute(operator_in(account), key_id)
        click.echo(f"revoked key {key_id}")

    run_in_container(load_settings(), run)


@keys.command("list")
@click.argument("account")
def list_keys(account: str) -> None:
    """ACCOUNT's keys, newest first (never a secret)."""

    async def run(container: Container) -> None:
        page = await (await resolve(container.list_api_keys)).execute(operator_in(account), 200)
        for k in page.items:
            revoked = f"revoked {_when(k.revoked_at)}" if k.revoked_at else "active"
            click.echo(
                f"{k.id} {k.role.value:<8} {k.name:<24} made {_when(k.created_at)} "
                f"used {_when(k.last_used_at)} {revoked}"
            )
        click.echo(f"{page.total} key(s)")

    run_in_container(load_settings(), run)
