"""CORS: no origin is allowed unless CORS_ORIGINS names it."""

from __future__ import annotations

import pytest

from entrypoints.config import ConfigError, Settings
from tests.integration.conftest import open_api

PREFLIGHT = {
    "Origin": "https://app.example.com",
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "Authorization, Content-Type",
}


async def test_no_origin_is_allowed_by_default() -> None:
    async for api in open_api():
        response = await api.client.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in response.headers


async def test_a_named_origin_may_call_the_api_and_read_its_headers() -> None:
    async for api in open_api(CORS_ORIGINS="https://app.example.com, http://localhost:5173"):
        preflight = await api.client.options("/api/crm/fans", headers=PREFLIGHT)
        assert preflight.status_code in {200, 204}
        assert preflight.headers["access-control-allow-origin"] == "https://app.example.com"
        listed = await api.client.get(
            "/api/crm/fans", headers={**api.auth("a"), "Origin": "https://app.example.com"}
        )
        assert listed.headers["access-control-allow-origin"] == "https://app.example.com"
        assert "etag" in listed.headers["access-control-expose-headers"].lower()
        other = await api.client.get(
            "/api/crm/fans", headers={**api.auth("a"), "Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers


def test_a_malformed_origin_fails_at_start_up_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match="CORS_ORIGINS"):
        Settings.from_env({"JWT_SECRET": "s" * 32, "CORS_ORIGINS": "app.example.com/path"})
