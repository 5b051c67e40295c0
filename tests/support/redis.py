"""Redis for tests: a limiter on the shared server, and private servers a test may stop and start.

The shared server (TEST_REDIS_URL) is used by other tests at the same time: tests use keys of
their own (`test:<uuid>`, which expire) and never flush it, nor stop it. A test that takes Redis
down starts a `redis-server` of its own on a free port instead.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from redis.asyncio import Redis

from adapters.ratelimit.redis import MAX_CONNECTIONS, UNREACHABLE, RedisRateLimiter, connect_redis
from tests.conftest import TEST_REDIS_URL, service_unreachable


async def open_test_limiter(
    url: str = TEST_REDIS_URL, max_connections: int = MAX_CONNECTIONS
) -> tuple[RedisRateLimiter, Redis]:
    """A limiter and its client (close it); skips, or fails in CI, when Redis is unreachable."""
    client = connect_redis(url, max_connections)
    try:
        await client.ping()
    except UNREACHABLE as exc:
        await client.aclose()
        service_unreachable("Redis", exc)
    return RedisRateLimiter(client), client


class PrivateRedis:
    """A `redis-server` of the test's own, in memory only, on a port nobody else uses."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            service_unreachable("redis-server", FileNotFoundError("redis-server is not installed"))
        self._command = [
            str(binary),
            *("--port", str(_free_port()), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(workdir)),
        ]
        self.port = int(self._command[2])
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            self._command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._answers():
                return
            time.sleep(0.02)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
