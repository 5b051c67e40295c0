"""Redis stopped mid-run and started again, under a real `fancrm serve --dev` on the Redis bucket.

While it is down the consumer sends nothing (fail closed) but the API keeps answering (its own
limit fails open) and monitoring says why; once it is back, everything waiting goes out, with no
restart. The Redis is a private `redis-server`: the shared one is never stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.dev_server import DevServer, start_dev_server, stop
from tests.support.redis import PrivateRedis

# Longer than the consumer's deferral while the bucket is unreachable (limiter_down_delay_s, 5 s
# plus up to 1 s of jitter): every waiting envelope has come back and been deferred again.
DOWN_FOR_S = 8


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server_on_redis(redis_server: PrivateRedis) -> Iterator[DevServer]:
    # A fast bucket: with Redis down, sends are scheduled as if it held no tokens at all.
    server = start_dev_server(
        REDIS_URL=redis_server.url, SEND_RATE_PER_MINUTE="600", API_RATE_PER_MINUTE="100000"
    )
    yield server
    stop(server)


def wait_for(fetch: Callable[[], Any], done: Callable[[Any], bool], timeout_s: float) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = fetch()
        if done(value):
            return value
        time.sleep(0.25)
    raise AssertionError(f"not done after {timeout_s} s: {value}")


def test_nothing_is_sent_while_redis_is_down_and_everything_after(
    server_on_redis: DevServer, redis_server: PrivateRedis
) -> None:
    with httpx.Client(base_url=server_on_redis.base_url, headers=server_on_redis.auth) as api:
        fan = api.post("/api/crm/fans", json={"platform": "onlyfans", "handle": "outage"})
        fan_id = fan.json()["id"]

        def send(text: str) -> str:
            sent = api.post(
                "/api/onlyfans/messaging/send", json={"recipientId": fan_id, "content": text}
            )
            assert sent.status_code == 202, sent.text
            return str(sent.json()["messageId"])

        def messages(ids: list[str]) -> list[dict[str, Any]]:
            return [api.get(f"/api/onlyfans/messaging/{i}").json() for i in ids]

        def all_sent(ms: list[dict[str, Any]]) -> bool:
            return all(m["status"] == "sent" for m in ms)

        wait_for(lambda: messages([send("before 1"), send("before 2")]), all_sent, 15)

        redis_server.stop()
        waiting = [send(f"during {n}") for n in range(4)]  # the API limit fails open
        deadline = time.monotonic() + DOWN_FOR_S
        while time.monotonic() < deadline:
            assert {m["status"] for m in messages(waiting)} == {"queued"}
            time.sleep(0.5)
        health = api.get("/api/monitoring/onlyfans")
        limiter = health.json()["components"]["rateLimiter"]
        assert (health.status_code, limiter["status"]) == (503, "unhealthy")
        assert "Redis unreachable" in limiter["reason"]

        back_at = datetime.now(UTC)
        redis_server.start()
        sent = wait_for(lambda: messages(waiting), all_sent, 30)
        assert all(datetime.fromisoformat(m["sentAt"]) >= back_at for m in sent)
        assert api.get("/api/monitoring/onlyfans").status_code == 200
