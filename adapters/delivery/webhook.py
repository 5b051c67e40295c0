"""The production delivery gateway: a signed JSON POST to the platform bridge.

aiohttp rather than httpx: it is already a runtime dependency (aiobotocore, under aioboto3, is
built on it), so the Lambda zip and the image carry one HTTP stack instead of two.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

import aiohttp
import msgspec

from adapters.delivery.retry_after import retry_after_s
from adapters.delivery.signature import SIGNATURE_HEADER, sign
from core.fans import Platform
from core.messaging import (
    Delivered,
    DeliveryResult,
    Outbound,
    PermanentFailure,
    Throttled,
    TransientFailure,
)
from core.ports import Clock

_MAX_REASON = 200  # the bridge's answer is kept with a failed message; a bounded piece of it
_MAX_REASON_BYTES = 4096
# A 4xx that means "not now" rather than "never": a timeout on the bridge's side, or too early.
_TRANSIENT_4XX = frozenset({408, 425})


class OutboundPayload(msgspec.Struct, rename="camel", frozen=True):
    """The body the bridge receives: the Outbound, camelCase."""

    message_id: UUID
    user_id: str
    platform: str
    fan_handle: str
    text: str
    media_urls: tuple[str, ...]
    price_cents: int | None

    @classmethod
    def of(cls, outbound: Outbound) -> OutboundPayload:
        return cls(
            outbound.message_id,
            outbound.user_id,
            str(outbound.platform),
            outbound.fan_handle,
            outbound.text,
            outbound.media_urls,
            outbound.price_cents,
        )


class UnsendPayload(msgspec.Struct, rename="camel", frozen=True):
    """An unsend, to the same URL: `action` tells it apart from a delivery (which has none)."""

    action: str
    message_id: UUID
    user_id: str
    platform: str
    fan_handle: str


_encode = msgspec.json.Encoder().encode


# How long an idle connection to the bridge stays open for the next delivery: longer than the
# pause between batches, so a busy consumer pays the TCP (and TLS) handshake once per connection.
KEEPALIVE_S = 60.0


def new_http_session(timeout_s: float, connections: int = 10) -> aiohttp.ClientSession:
    """The pooled client, keeping up to `connections` open to the bridge, one per delivery under
    way; call inside the running loop, and close it when done."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections, keepalive_timeout=KEEPALIVE_S),
        timeout=aiohttp.ClientTimeout(total=timeout_s),
        headers={"User-Agent": "fancrm-delivery/0.1"},
    )


async def open_webhook_gateway(
    backend: str,
    url: str | None,
    secret: str | None,
    timeout_s: float,
    clock: Clock,
    connections: int = 10,
) -> AsyncIterator[WebhookDeliveryGateway | None]:
    """A container Resource: one HTTP client for the process, its pool sized to the deliveries
    the process runs at once (WORKER_CONCURRENCY), closed at shutdown.

    The container opens every resource, selected or not: unless DELIVERY_BACKEND=webhook
    (which the settings only allow with a URL and a secret), there is nothing to open.
    """
    if backend != "webhook" or not url or not secret:
        yield None
        return
    session = new_http_session(timeout_s, connections)
    try:
        yield WebhookDeliveryGateway(session, url, secret, clock)
    finally:
        await session.close()


class WebhookDeliveryGateway:
    def __init__(self, session: aiohttp.ClientSession, url: str, secret: str, clock: Clock) -> None:
        self._session = session
        self._url = url
        self._secret = secret
        self._clock = clock

    async def deliver(self, outbound: Outbound) -> DeliveryResult:
        # The bridge drops a repeat of a message it already put on the platform.
        return await self._post(_encode(OutboundPayload.of(outbound)), str(outbound.message_id))

    async def unsend(
        self, message_id: UUID, user_id: str, platform: Platform, fan_handle: str
    ) -> DeliveryResult:
        payload = UnsendPayload("unsend", message_id, user_id, str(platform), fan_handle)
        return await self._post(_encode(payload), f"unsend-{message_id}")

    async def _post(self, body: bytes, idempotency_key: str) -> DeliveryResult:
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(self._secret, body),
            "Idempotency-Key": idempotency_key,
        }
        try:
            async with self._session.post(
                self._url, data=body, headers=headers, allow_redirects=False
            ) as response:
                return await self._outcome(response)
        except TimeoutError:
            return TransientFailure("webhook timed out")
        except aiohttp.ClientError as exc:
            return TransientFailure(f"webhook unreachable: {type(exc).__name__}")

    async def _outcome(self, response: aiohttp.ClientResponse) -> DeliveryResult:
        status = response.status
        if 200 <= status < 300:
            return Delivered()
        if status == 429:
            return Throttled(retry_after_s(response.headers.get("Retry-After"), self._clock.now()))
        reason = f"webhook answered {status}: {await _excerpt(response)}".rstrip(": ")
        if status >= 500 or status in _TRANSIENT_4XX:
            return TransientFailure(reason)
        # Other 4xx, and a redirect or 1xx the bridge should never send: retrying cannot help.
        return PermanentFailure(reason)


async def _excerpt(response: aiohttp.ClientResponse) -> str:
    try:
        # The start of the body only: a bridge answering an error with megabytes must not make
        # the consumer hold them.
        head = await response.content.read(_MAX_REASON_BYTES)
    except (aiohttp.ClientError, TimeoutError):
        return ""
    text = head.decode(errors="replace")  # bytes that are not UTF-8 show as U+FFFD
    return " ".join(text.split())[:_MAX_REASON]
