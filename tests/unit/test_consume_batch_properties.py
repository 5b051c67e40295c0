"""Any batch (any mix of creators, duplicate envelopes, paused and cancelled campaigns, live and
stale leases, envelopes naming no message, bucket denials and delivery outcomes) processed at once
ends in the same states as its envelopes processed one by one: the same rows in the same status,
attempts and error, the same deliveries, the same tokens spent. Nobody is sent twice, and nobody
more than their bucket allows."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from uuid import uuid4

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.campaigns.records import CampaignStatus
from core.messaging.config import MessagingConfig
from core.messaging.ports import DeliveryResult, PermanentFailure, Throttled, TransientFailure
from core.messaging.records import Envelope, Message, MessageStatus
from core.ratelimit import Policy
from tests.support.storage import add_campaign, add_message
from tests.support.world import World, world

CREATORS = ["ann", "bea", "cat"]
KINDS = ["queued", "pending", "sent", "held", "paused", "cancelled", "stale", "leased", "gone"]
OUTCOMES: dict[str, DeliveryResult] = {
    "transient": TransientFailure("bridge 502"),
    "permanent": PermanentFailure("blocked"),
    "throttled": Throttled(retry_after_s=30),
}


@dataclass(frozen=True)
class Row:
    creator: int
    kind: str
    outcomes: tuple[str, ...]  # what its deliveries answer, in turn; then delivered


rows_strategy = st.lists(
    st.builds(
        Row,
        st.integers(0, len(CREATORS) - 1),
        st.sampled_from(KINDS),
        st.lists(st.sampled_from(sorted(OUTCOMES)), max_size=2).map(tuple),
    ),
    min_size=1,
    max_size=8,
)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Row], list[int], int, bool]:
    rows = draw(rows_strategy)
    batch = draw(st.lists(st.integers(0, len(rows) - 1), min_size=1, max_size=12))
    burst = draw(st.integers(1, 4))
    spent_before = draw(st.booleans())  # the first creator's bucket already empty
    return rows, batch, burst, spent_before


async def build(w: World, rows: list[Row], spent_before: bool) -> list[Envelope]:
    storage = await w.use("storage")
    fans = [await w.fan(creator, "luna") for creator in CREATORS]
    now = w.clock.now()
    envelopes = []
    for row in rows:
        fan = fans[row.creator]
        if row.kind == "gone":
            envelopes.append(Envelope(uuid4(), fan.user_id, fan.id or 0))
            continue
        fields: dict[str, object] = {}
        status = {
            "pending": MessageStatus.PENDING, "sent": MessageStatus.SENT,
            "held": MessageStatus.HELD, "stale": MessageStatus.SENDING,
            "leased": MessageStatus.SENDING,
        }.get(row.kind, MessageStatus.QUEUED)  # fmt: skip
        if row.kind in ("paused", "cancelled"):
            campaign = await add_campaign(storage, fan.user_id)
            target = CampaignStatus.PAUSED if row.kind == "paused" else CampaignStatus.CANCELLED
            async with storage.begin() as uow:
                await uow.campaigns.set_status(
                    fan.user_id, campaign, target, now, only_from=[CampaignStatus.RUNNING]
                )
            fields["campaign_id"] = campaign
        if row.kind in ("stale", "leased"):
            fields["lease_until"] = now + timedelta(seconds=-1 if row.kind == "stale" else 60)
        message = await add_message(storage, fan, status, **fields)
        w.gateway.script_for(message.id, *(OUTCOMES[o] for o in row.outcomes))
        envelopes.append(Envelope.for_message(message))
    if spent_before:
        limiter, policy = await w.use("rate_limiter"), await w.use("messaging_config")
        key = MessagingConfig.bucket_key(CREATORS[0])
        while (await limiter.acquire(key, policy.send_policy)).allowed:
            pass
    return envelopes


@dataclass(frozen=True)
class End:
    rows: list[tuple[str, int, str | None] | None]
    attempts: Counter[int]  # deliveries tried, by the message's place in `rows`
    delivered: Counter[int]
    tokens_left: list[int]


async def end_state(w: World, envelopes: list[Envelope], policy: Policy) -> End:
    storage, limiter = await w.use("storage"), await w.use("rate_limiter")
    found: list[Message | None] = []
    async with storage.begin() as uow:
        for e in envelopes:
            found.append(await uow.messages.get(e.user_id, e.message_id))
    position = {e.message_id: i for i, e in enumerate(envelopes)}
    tokens = [
        (await limiter.peek(MessagingConfig.bucket_key(c), policy)).remaining for c in CREATORS
    ]
    return End(
        [None if m is None else (m.status.value, m.attempts, m.error) for m in found],
        Counter(position[m] for m in w.gateway.attempts),
        Counter(position[m] for m in w.gateway.delivered_ids()),
        tokens,
    )


async def run(rows: list[Row], batch: list[int], burst: int, spent: bool, together: bool) -> End:
    # Deliveries at once for a whole batch, and in two rounds for one bigger than that.
    env = {"SEND_RATE_PER_MINUTE": "60", "SEND_BURST": str(burst), "WORKER_CONCURRENCY": "8"}
    async with world(**env) as w:
        envelopes = await build(w, rows, spent)
        consume = await w.use("consume")
        chosen = [envelopes[i] for i in batch]
        if together:
            outcomes = await consume.execute(chosen)
        else:
            outcomes = [(await consume.execute([e]))[0] for e in chosen]
        assert outcomes == [True] * len(chosen)  # everything finished: nothing left to the queue
        policy = (await w.use("messaging_config")).send_policy
        return await end_state(w, envelopes, policy)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_a_batch_at_once_ends_as_its_envelopes_one_by_one(
    scenario: tuple[list[Row], list[int], int, bool],
) -> None:
    rows, batch, burst, spent = scenario
    at_once = asyncio.run(run(rows, batch, burst, spent, together=True))
    one_by_one = asyncio.run(run(rows, batch, burst, spent, together=False))

    assert at_once == one_by_one
    assert all(n == 1 for n in at_once.delivered.values())  # nobody sent twice
    # Nobody over the bucket: the burst, with the clock standing still.
    by_creator = Counter(rows[i].creator for i in at_once.attempts.elements())
    for creator, count in by_creator.items():
        assert count <= (0 if spent and creator == 0 else burst)
    never = ("sent", "held", "leased", "gone", "paused", "cancelled")
    assert not [i for i in at_once.attempts if rows[i].kind in never]
