"""The knobs of outbound messaging, read once at start-up by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.errors import Unavailable
from core.ratelimit import Policy


@dataclass(frozen=True, slots=True)
class MessagingConfig:
    send_policy: Policy = field(default_factory=lambda: Policy.per_minute(10))
    # The kill switch: off means nothing is queued at all (we never send unthrottled).
    enabled: bool = True
    max_attempts: int = 3
    # How long a claimant owns a `sending` row; shorter than the queue's visibility timeout.
    lease_s: float = 20.0
    retry_base_s: float = 2.0
    max_jitter_s: float = 1.0
    # Deferral while the bucket itself cannot be asked (fail closed).
    limiter_down_delay_s: float = 5.0
    enqueue_tries: int = 3
    enqueue_backoff_s: float = 0.05

    def ensure_enabled(self) -> None:
        if not self.enabled:
            raise Unavailable("outbound messaging is switched off (RATE_LIMITER_ENABLED=false)")

    @staticmethod
    def bucket_key(user_id: str) -> str:
        return f"send:{user_id}"
