"""Real `fancrm` processes on a PostgreSQL database of their own: no start before `db upgrade`."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import pytest

from tests.support.dev_server import FANCRM, free_port, wait_until_listening
from tests.support.postgres import fresh_database


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    async with fresh_database("fancrm_startup") as url:
        yield url


async def fancrm(url: str, *args: str, timeout_s: float = 30) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        FANCRM,
        *args,
        env={**os.environ, "DATABASE_URL": url, "JWT_SECRET": "s" * 32, "LOG_LEVEL": "WARNING"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout_s)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.mark.parametrize("command", [["serve"], ["worker"]])
async def test_a_database_without_the_schema_is_refused_in_one_line(
    database_url: str, command: list[str]
):
    code, out, err = await fancrm(database_url, *command)

    assert code == 1
    assert out == ""
    # The worker may first warn that its queue is in memory; the refusal is one line, no trace.
    assert "Traceback" not in err
    assert err.splitlines()[-1] == "error: the database has no schema yet: run `fancrm db upgrade`"


async def test_after_db_upgrade_the_schema_is_current_and_the_server_starts(database_url: str):
    code, out, _ = await fancrm(database_url, "db", "current")
    assert (code, out.startswith("(empty) (head is ")) == (0, True)

    code, out, err = await fancrm(database_url, "db", "upgrade")
    assert code == 0, err
    assert out.startswith("upgraded (empty) -> ")
    head = out.split("-> ")[1].strip()

    code, out, _ = await fancrm(database_url, "db", "current")
    assert (code, out) == (0, f"{head} (head)\n")

    port = free_port()
    server = await asyncio.create_subprocess_exec(
        FANCRM, "serve", "--port", str(port),
        env={**os.environ, "DATABASE_URL": database_url, "JWT_SECRET": "s" * 32},
    )  # fmt: skip
    try:
        await asyncio.to_thread(wait_until_listening, port)
        assert server.returncode is None
    finally:
        server.terminate()
        await server.wait()
