"""The HMAC-SHA256 signature shared with the platform bridge, in both directions.

Outbound deliveries are signed with it and inbound events (POST /api/onlyfans/events) are verified
with it, so the bridge implements one scheme: `X-Fancrm-Signature: sha256=<hex>` over the exact
body bytes, keyed with DELIVERY_WEBHOOK_SECRET.
"""

from __future__ import annotations

import hashlib
import hmac

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
