"""Checking the bridge's signature on inbound events (the scheme is adapters.delivery.signature)."""

from __future__ import annotations

from adapters.delivery.signature import verify
from core.errors import Unavailable


class BridgeSignature:
    """Verifies `X-Fancrm-Signature` with DELIVERY_WEBHOOK_SECRET.

    With no secret configured nothing is accepted: an unsigned event could move any fan's
    spend. The answer is 503, not 401, so the bridge keeps retrying until an operator sets it.
    """

    def __init__(self, secret: str | None) -> None:
        self._secret = secret

    def matches(self, body: bytes, header: str | None) -> bool:
        if not self._secret:
            raise Unavailable("inbound events are switched off: DELIVERY_WEBHOOK_SECRET is not set")
        return verify(self._secret, body, header)
