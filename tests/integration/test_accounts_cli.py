"""`fancrm users|accounts|members|keys …` in-process through click's runner, against a migrated
SQLite file; then the people and keys made work against the API on the same database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.storage.migrator import SchemaMigrator
from entrypoints.cli.main import cli
from tests.integration.conftest import open_api
from tests.integration.test_cli import SECRET, keep_root_logging  # noqa: F401 (a fixture)

PASSWORD = "correct horse battery staple"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fancrm.db'}"
    asyncio.run(SchemaMigrator(url).upgrade())
    return {"JWT_SECRET": SECRET, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}


def test_an_operator_makes_an_account_its_people_and_a_key(env: dict[str, str]) -> None:
    run = CliRunner().invoke

    account = run(cli, ["accounts", "create", "Luna's page", "--id", "luna"], env=env)
    owner = run(
        cli, ["users", "create", "Owner@Example.com", "--name", "Olga", "--password-stdin"],
        input=f"{PASSWORD}\n", env=env,
    )  # fmt: skip
    chatter = run(
        cli, ["users", "create", "chat@example.com"], input=f"{PASSWORD}\n{PASSWORD}\n", env=env
    )
    added = [
        run(cli, ["members", "add", "luna", email, "--role", role], env=env)
        for email, role in (("owner@example.com", "owner"), ("chat@example.com", "chatter"))
    ]
    listed = run(cli, ["members", "list", "luna"], env=env)
    key = run(cli, ["keys", "create", "luna", "--name", "bridge", "--role", "manager"], env=env)

    assert account.output == "created account luna (Luna's page)\n"
    assert owner.exit_code == 0, owner.output
    assert "created user" in owner.output
    assert PASSWORD not in owner.output + chatter.output
    assert [a.output for a in added] == [
        "owner@example.com is owner of luna\n",
        "chat@example.com is chatter of luna\n",
    ]
    assert [line.split()[:2] for line in listed.output.splitlines()[:2]] == [
        ["owner", "owner@example.com"],
        ["chatter", "chat@example.com"],
    ]
    secret = key.stdout.strip()
    assert secret.startswith("fck_")
    assert "shown this once" in key.stderr
    asyncio.run(_the_api_knows_them(env["DATABASE_URL"], secret))

    key_id = secret.split("_")[1]
    keys = run(cli, ["keys", "list", "luna"], env=env)
    revoked = run(cli, ["keys", "revoke", "luna", key_id], env=env)
    removed = run(cli, ["members", "remove", "luna", "chat@example.com"], env=env)
    last_owner = run(cli, ["members", "remove", "luna", "owner@example.com"], env=env)

    assert key_id in keys.output
    assert secret.removeprefix(f"fck_{key_id}_") not in keys.output
    assert revoked.output == f"revoked key {key_id}\n"
    assert removed.output == "removed chat@example.com from luna\n"
    assert last_owner.exit_code == 1
    assert "last owner" in last_owner.output


async def _the_api_knows_them(url: str, key: str) -> None:
    async for api in open_api(DATABASE_URL=url, JWT_SECRET=SECRET):
        login = await api.client.post(
            "/api/auth/login", json={"email": "chat@example.com", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        assert login.json()["accounts"] == [
            {"id": "luna", "name": "Luna's page", "role": "chatter"}
        ]
        fans = await api.client.get("/api/crm/fans", headers={"Authorization": f"Bearer {key}"})
        assert fans.status_code == 200


def test_a_password_is_never_an_argument_and_a_short_one_is_refused(env: dict[str, str]) -> None:
    run = CliRunner().invoke
    as_argument = run(cli, ["users", "create", "a@example.com", "--password", PASSWORD], env=env)
    short = run(
        cli, ["users", "create", "a@example.com", "--password-stdin"], input="short\n", env=env
    )
    twice = run(
        cli,
        ["users", "create", "b@example.com", "--password-stdin"],
        input=f"{PASSWORD}\n",
        env=env,
    )
    again = run(
        cli,
        ["users", "create", "B@example.com", "--password-stdin"],
        input=f"{PASSWORD}\n",
        env=env,
    )

    assert as_argument.exit_code == 2  # no such option
    assert short.exit_code == 1
    assert "password must be at least 10 characters" in short.output
    assert twice.exit_code == 0
    assert again.exit_code == 1
    assert "already" in again.output


def test_adding_someone_who_has_no_user_says_so(env: dict[str, str]) -> None:
    run = CliRunner().invoke
    run(cli, ["accounts", "create", "Luna", "--id", "luna"], env=env)
    missing = run(cli, ["members", "add", "luna", "nobody@example.com", "--role", "owner"], env=env)
    no_account = run(cli, ["accounts", "create", "Luna", "--id", "luna"], env=env)

    assert missing.exit_code == 1
    assert "no user has the email nobody@example.com" in missing.output
    assert no_account.exit_code == 1
    assert "exists already" in no_account.output
