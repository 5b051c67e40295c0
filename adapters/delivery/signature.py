"""The HMAC-SHA256 signature shared with the platform bridge, in both directions.

Outbound deliveries are signed with it and inbound events (POST /api/onlyfans/events) are verified
with it, so the bridge implements one scheme: `X-Fancrm-Signature: sha256=<hex>` over the exact
body bytes, keyed with DELIVERY_WEBHOOK_SECRET.
"""

from __future__ import annotations

import hashlib
import hmac

from core.errors import Unavailable

SIGNATURE_HEADER = "X-Fancrm-Signature"
_PREFIX = "sha256="


def sign(secret: str, body: bytes) -> str:
    """The header value for `body`: `sha256=` and the hex HMAC-SHA256 of the bytes."""
    return _PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """Whether `header` is the signature of exactly these bytes; compared in constant time."""
    given = (header or "").strip()
    if not given.startswith(_PREFIX):
        return False
    # As bytes: compare_digest refuses non-ASCII str, and a header may carry anything.
    return hmac.compare_digest(sign(secret, body).encode(), given.encode())


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
