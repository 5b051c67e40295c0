"""A real `fancrm serve` on a benchmark's database, as the PostgreSQL read benchmarks drive it."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.support.dev_server import FANCRM, free_port, wait_until_listening


@asynccontextmanager
async def fancrm_serve(database_url: str, jwt_secret: str, **env: str) -> AsyncIterator[str]:
    """Its base URL while it runs; the API limit is lifted so it never answers 429 to wrk."""
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        FANCRM, "serve", "--port", str(port),
        env={
            **os.environ, "DATABASE_URL": database_url, "JWT_SECRET": jwt_secret,
            "LOG_LEVEL": "WARNING", "API_RATE_PER_MINUTE": "60000000", **env,
        },
    )  # fmt: skip
    try:
        await asyncio.to_thread(wait_until_listening, port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        await server.wait()
