from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.world import World, world


@pytest.fixture
async def w() -> AsyncIterator[World]:
    async with world(SEND_RATE_PER_MINUTE="60", SEND_BURST="5") as built:
        yield built
