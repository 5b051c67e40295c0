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
    # Deliveries under way at once in a process (WORKER_CONCURRENCY), across every batch in hand.
    delivery_concurrency: int = 1
    # How long a claimant owns a `sending` row; shorter than the queue's visibility timeout.
    lease_s: float = 20.0
    retry_base_s: float = 2.0
    max_jitter_s: float = 1.0
    # Deferral while the bucket itself cannot be asked (fail closed).
    limiter_down_delay_s: float = 5.0
    enqueue_tries: int = 3
    enqueue_backoff_s: float = 0.05
    # A campaign's pending rows go on the queue only as far ahead as the creator's bucket will
    # let them through within this window: pause and cancel then act on rows still in the
    # database, and a single send waits behind at most this much campaign traffic.
    campaign_horizon_s: int = 300
    # How often the worker sweeps the outbox, and how old a single send still `pending` must be
    # before the sweep relays it (the API relays its own at once; this is for crashes).
    sweep_every_s: float = 10.0
    stale_single_send_s: float = 30.0
    # Fans a campaign's fan-out writes per transaction (FANOUT_CHUNK_SIZE): each chunk holds the
    # campaign row's lock, so pause and cancel wait at most one chunk.
    fan_out_chunk: int = 5000

    def ensure_enabled(self) -> None:
        if not self.enabled:
            raise Unavailable("outbound messaging is switched off (RATE_LIMITER_ENABLED=false)")

    @staticmethod
    def bucket_key(user_id: str) -> str:
        return f"send:{user_id}"
