"""Authentication, the per-user API limit, OpenAPI, health and monitoring."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from litestar.security.jwt import Token

from entrypoints.container import resolve
from entrypoints.http.auth import MAX_TOKEN_TTL, issue_token
from tests.integration.conftest import Api, open_api
from tests.support.world import TEST_SECRET


async def test_requests_without_a_valid_token_are_401(api: Api) -> None:
    assert (await api.client.get("/api/crm/fans")).status_code == 401
    forged = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad"}
    response = await api.client.get("/api/crm/fans", headers=forged)
    assert response.status_code == 401
    assert set(response.json()) == {"error", "detail"}


async def test_health_and_schema_need_no_token(api: Api) -> None:
    assert (await api.client.get("/health")).json() == {"status": "ok"}
    schema = (await api.client.get("/schema/openapi.json")).json()
    assert "/api/onlyfans/messaging/send" in schema["paths"]
    assert "/api/onlyfans/messages/send" in schema["paths"]
    assert "/api/crm/fans" in schema["paths"] or "/api/crm/fans/" in schema["paths"]


async def test_monitoring_reports_each_component(api: Api) -> None:
    response = await api.client.get("/api/monitoring/onlyfans", headers=api.auth("creator-a"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert set(body["components"]) == {"database", "sqs", "rateLimiter"}
    assert body["components"]["rateLimiter"]["enabled"] is True
    assert body["components"]["sqs"]["queueDepth"] == 0


async def test_the_api_limit_answers_429_with_retry_after_and_ratelimit_headers() -> None:
    async for api in open_api(API_RATE_PER_MINUTE="3"):
        answers = [
            await api.client.get("/api/crm/fans", headers=api.auth("creator-a")) for _ in range(4)
        ]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
        assert answers[0].headers["ratelimit-limit"] == "3"
        assert int(answers[3].headers["retry-after"]) == 20  # one request per 20 s refills
        assert answers[3].json()["error"] == "API rate limit exceeded"
        # each user has a bucket of their own
        assert (
            await api.client.get("/api/crm/fans", headers=api.auth("creator-b"))
        ).status_code == 200
        api.clock.advance(20)
        assert (
            await api.client.get("/api/crm/fans", headers=api.auth("creator-a"))
        ).status_code == 200


async def test_every_answer_carries_a_request_id(api: Api) -> None:
    response = await api.client.get("/health", headers={"X-Request-ID": "abc123"})
    assert response.headers["x-request-id"] == "abc123"
    first = (await api.client.get("/health")).headers["x-request-id"]
    second = (await api.client.get("/health")).headers["x-request-id"]
    assert first != second


async def test_a_remembered_token_still_expires(api: Api) -> None:
    token = issue_token(TEST_SECRET, "creator-a", ttl=timedelta(seconds=1))
    headers = {"Authorization": f"Bearer {token}"}
    assert (await api.client.get("/api/crm/fans", headers=headers)).status_code == 200
    await asyncio.sleep(1.1)
    assert (await api.client.get("/api/crm/fans", headers=headers)).status_code == 401


async def test_a_token_living_longer_than_30_days_is_refused(api: Api) -> None:
    month = issue_token(TEST_SECRET, "creator-a", ttl=MAX_TOKEN_TTL)
    assert (await api.client.get("/api/crm/fans", headers=bearer(month))).status_code == 200
    # Signed with the right secret, but by something that ignores the limit.
    exp = datetime.now(UTC) + timedelta(days=365 * 31)
    forever = Token(sub="creator-a", exp=exp).encode(TEST_SECRET, "HS256")
    response = await api.client.get("/api/crm/fans", headers=bearer(forever))
    assert response.status_code == 401
    assert "30 days" in response.json()["error"]
    with pytest.raises(ValueError, match="at most"):
        issue_token(TEST_SECRET, "creator-a", ttl=MAX_TOKEN_TTL + timedelta(seconds=1))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_signed_with_another_secret_is_refused(api: Api) -> None:
    forged = issue_token("another-secret-of-the-same-length-0000", "creator-a")
    response = await api.client.get("/api/crm/fans", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


async def test_monitoring_answers_503_naming_the_component_that_is_down(api: Api) -> None:
    queue = await resolve(api.container.queue)
    queue.available = False
    response = await api.client.get("/api/monitoring/onlyfans", headers=api.auth("creator-a"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["components"]["sqs"]["status"] == "unhealthy"
    assert "Unavailable" in body["components"]["sqs"]["reason"]
    assert body["components"]["database"]["status"] == "healthy"
