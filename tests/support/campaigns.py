"""Campaigns for tests: waiting for the fan-out a bulk send starts after answering 202."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from litestar.testing import AsyncTestClient

CAMPAIGNS = "/api/crm/campaigns"
# The fan-out writes a few rows in the app's background: well under a second. This is how long
# a test waits before calling it stuck, not a figure it asserts.
FANS_OUT_WITHIN_S = 10


async def fanned_out(
    client: AsyncTestClient[Any], campaign_id: int, headers: dict[str, str]
) -> dict[str, Any]:
    """The campaign as the API shows it, once its fan-out has written every message."""
    deadline = time.monotonic() + FANS_OUT_WITHIN_S
    while True:
        answer = await client.get(f"{CAMPAIGNS}/{campaign_id}", headers=headers)
        assert answer.status_code == 200, answer.text
        if answer.json()["fanOutComplete"]:
            return dict(answer.json())
        assert time.monotonic() < deadline, f"campaign {campaign_id}'s fan-out did not complete"
        await asyncio.sleep(0.05)
