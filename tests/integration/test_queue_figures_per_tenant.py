"""Two tenants share one queue: neither sees a figure that includes the other's messages."""

from __future__ import annotations

from typing import Any

from tests.integration.conftest import Api

SEND = "/api/onlyfans/messaging/send"
STATUS = "/api/onlyfans/messaging/status"
MONITORING = "/api/monitoring/onlyfans"


async def send(api: Api, user: str, fan: int, times: int) -> None:
    for n in range(times):
        response = await api.client.post(
            SEND, json={"recipientId": fan, "content": f"hi {n}"}, headers=api.auth(user)
        )
        assert response.status_code == 202, response.text


async def figures(api: Api, user: str) -> dict[str, Any]:
    status = await api.client.get(STATUS, headers=api.auth(user))
    health = await api.client.get(MONITORING, headers=api.auth(user))
    assert status.status_code == health.status_code == 200, (status.text, health.text)
    return {
        "queue": status.json()["queue"],
        "queueDepth": health.json()["components"]["sqs"]["queueDepth"],
    }


async def test_each_tenant_sees_only_its_own_queue(api: Api) -> None:
    await send(api, "creator-a", await api.fan("creator-a"), 3)
    await send(api, "creator-b", await api.fan("creator-b"), 1)

    a, b = await figures(api, "creator-a"), await figures(api, "creator-b")
    assert a == {
        "queue": {"depth": 3, "inFlight": 0, "held": 0, "failed": 0, "total": 3},
        "queueDepth": 3,
    }
    assert b == {
        "queue": {"depth": 1, "inFlight": 0, "held": 0, "failed": 0, "total": 1},
        "queueDepth": 1,
    }
    idle = await figures(api, "creator-c")
    assert idle["queue"]["total"] == idle["queueDepth"] == 0

    await api.drain()
    assert (await figures(api, "creator-a"))["queue"]["total"] == 0
