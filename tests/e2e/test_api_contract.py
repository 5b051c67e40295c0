"""The published OpenAPI contract against a real `fancrm serve`: schemathesis generates requests
for every operation from /schema/openapi.json and runs every check on the answers (exceptions in
schemathesis.toml beside this file). On SQLite, and on PostgreSQL.

A fixed seed and a bounded number of examples per operation keep a run to tens of seconds.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import pytest

from tests.support.dev_server import FANCRM, free_port, wait_until_listening
from tests.support.events import BRIDGE_SECRET
from tests.support.postgres import fresh_database

SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
CONFIG = Path(__file__).with_name("schemathesis.toml")
SECRET = "contract-test-secret-0123456789abcdef"
SEED, EXAMPLES = "13", "25"


@asynccontextmanager
async def database(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'contract.db'}"
        return
    async with fresh_database("fancrm_contract") as url:
        yield url


@contextmanager
def server(url: str) -> Iterator[tuple[str, dict[str, str]]]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "JWT_SECRET": SECRET,
        "DELIVERY_WEBHOOK_SECRET": BRIDGE_SECRET,
        # The fuzzer is one caller sending thousands of requests: the limit is not under test.
        "API_RATE_PER_MINUTE": "10000000",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run([FANCRM, "db", "upgrade"], env=env, check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [FANCRM, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(port)
        token = subprocess.run(
            [FANCRM, "token", "--user", "contract-tester"],
            env=env, check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        yield f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.mark.e2e
@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
async def test_every_operation_keeps_the_published_contract(kind: str, tmp_path: Path) -> None:
    async with database(kind, tmp_path) as url:
        with server(url) as (base_url, headers):
            result = await asyncio.to_thread(
                subprocess.run,
                [
                    SCHEMATHESIS, "--config-file", str(CONFIG), "run",
                    f"{base_url}/schema/openapi.json",
                    "--checks", "all",
                    "--seed", SEED,
                    "--max-examples", EXAMPLES,
                    "--phases", "examples,coverage,fuzzing,stateful",
                    "--workers", "1",
                    "--no-color",
                    "--header", f"Authorization:{headers['Authorization']}",
                ],
                capture_output=True, text=True, timeout=600, cwd=tmp_path,
            )  # fmt: skip
    assert result.returncode == 0, result.stdout[-20_000:] + result.stderr[-5_000:]
    assert "Tested: 40" in result.stdout or "Tested:" in result.stdout
