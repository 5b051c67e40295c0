"""Inbound events from the platform bridge, authenticated by the HMAC of the raw body, not a JWT."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException

from adapters.delivery.signature import SIGNATURE_HEADER, BridgeSignature
from core.inbound import ProcessInboundEvent
from entrypoints.http.schemas.events import decode_event


@post(
    "/api/onlyfans/events",
    status_code=200,
    tags=["events"],
    operation_id="receiveEvent",
    # The bridge signs instead; with no JWT user the per-user API limit does not apply either.
    exclude_from_auth=True,
)
async def receive_event(
    request: Request[Any, Any, Any],
    bridge_signature: NamedDependency[BridgeSignature],
    process_inbound_event: NamedDependency[ProcessInboundEvent],
) -> dict[str, bool]:
    """Apply one event (`message.received`, `ppv.purchased`, `fan.subscribed`,
    `fan.unsubscribed`); a replayed event id changes nothing and answers `{"duplicate": true}`."""
    body = await request.body()
    if not bridge_signature.matches(body, request.headers.get(SIGNATURE_HEADER)):
        raise NotAuthorizedException(f"missing or bad {SIGNATURE_HEADER}")
    applied = await process_inbound_event.execute(decode_event(body))
    return {"duplicate": not applied}
