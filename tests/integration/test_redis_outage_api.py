"""The API on the Redis bucket while Redis goes away and comes back.

The API's own request limit fails open (served, counted, warned), monitoring names the rate
limiter as down with the reason and its latency, and all of it recovers without a restart.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from entrypoints.container import resolve
from tests.integration.conftest import Api, open_api
from tests.support.redis import PrivateRedis

MONITORING = "/api/monitoring/onlyfans"


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def api_on_redis(redis_server: PrivateRedis) -> AsyncIterator[Api]:
    async for built in open_api(REDIS_URL=redis_server.url, API_RATE_PER_MINUTE="2"):
        yield built


async def statuses(api: Api, user: str, n: int) -> list[int]:
    return [
        (await api.client.get("/api/crm/fans", headers=api.auth(user))).status_code
        for _ in range(n)
    ]


async def test_the_api_limit_fails_open_while_redis_is_down_and_comes_back_with_it(
    api_on_redis: Api, redis_server: PrivateRedis, caplog: pytest.LogCaptureFixture
) -> None:
    api = api_on_redis
    metrics = await resolve(api.container.metrics)
    assert await statuses(api, "before", 3) == [200, 200, 429]

    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="fancrm.http"):
        assert await statuses(api, "during", 4) == [200] * 4
    assert metrics.count("onlyfans.api.ratelimit.unavailable") == 4
    assert [r.message for r in caplog.records].count(
        "API rate limiter unreachable; failing open"
    ) == 4

    redis_server.start()
    assert await statuses(api, "after", 3) == [200, 200, 429]
    assert metrics.count("onlyfans.api.ratelimit.unavailable") == 4


async def test_monitoring_reports_the_limiter_down_with_its_reason_then_up_again(
    api_on_redis: Api, redis_server: PrivateRedis
) -> None:
    api, auth = api_on_redis, api_on_redis.auth("ops")
    up = await api.client.get(MONITORING, headers=auth)
    limiter = up.json()["components"]["rateLimiter"]
    assert (up.status_code, limiter["status"], limiter["reason"]) == (200, "healthy", None)
    assert limiter["latencyMs"] > 0  # a real round trip to Redis

    redis_server.stop()
    down = await api.client.get(MONITORING, headers=auth)
    limiter = down.json()["components"]["rateLimiter"]
    assert (down.status_code, down.json()["status"], limiter["status"]) == (
        503,
        "unhealthy",
        "unhealthy",
    )
    assert "Redis unreachable" in limiter["reason"]
    assert down.json()["components"]["database"]["status"] == "healthy"

    redis_server.start()
    again = await api.client.get(MONITORING, headers=auth)
    assert again.status_code == 200
    assert again.json()["components"]["rateLimiter"]["status"] == "healthy"
