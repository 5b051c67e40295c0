"""Analytics on SQLite (memory, file) and a real PostgreSQL: generated fans, messages, purchases
and campaigns of two tenants, aggregated by the storage (through the use case) and by a plain
Python computation over the same rows. The two must agree, day by day."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from adapters.clock import ManualClock
from adapters.storage.database import SqlAlchemyStorage
from core.analytics.get import GetAnalytics
from core.analytics.report import AnalyticsReport
from core.campaigns.records import Campaign, CampaignTemplate
from core.fans.records import Fan, Platform
from core.inbound.records import Purchase
from core.messaging.records import Direction, Message, MessageStatus

BASE = datetime(2026, 3, 1, tzinfo=UTC)  # a midnight; the generated world spans days -2 … +8

# Any minute of the window, or a hair either side of a midnight: the boundaries must hold.
moment = st.one_of(
    st.integers(-2 * 1440, 9 * 1440 - 1).map(lambda m: BASE + timedelta(minutes=m)),
    st.tuples(st.integers(-2, 9), st.sampled_from([-1, 0, 1])).map(
        lambda t: BASE + timedelta(days=t[0], microseconds=t[1])
    ),
)
message_spec = st.tuples(
    st.integers(0, 5),  # which fan
    st.sampled_from(list(MessageStatus)),
    moment,  # sent_at of a sent one, updated_at of the others
    st.one_of(st.none(), st.integers(0, 2)),  # which campaign, if any
)
purchase_spec = st.tuples(
    st.one_of(st.none(), st.integers(0, 5)),  # None: the fan was deleted since
    st.integers(0, 10**9),
    moment,
)


@dataclass
class World:
    fans: list[Fan]
    campaigns: list[Campaign]
    messages: list[Message]
    purchases: list[Purchase]


async def build(
    storage: SqlAlchemyStorage,
    owner: str,
    fan_times: list[datetime],
    campaign_times: list[datetime],
    message_specs: list[tuple],
    purchase_specs: list[tuple],
) -> World:
    world = World([], [], [], [])
    async with storage.begin() as uow:
        for n, at in enumerate(fan_times):
            fan = Fan(None, owner, Platform.ONLYFANS, f"fan{n}", created_at=at, value_cents=n)
            world.fans.append(await uow.fans.add(fan))
        for n, at in enumerate(campaign_times):
            campaign = Campaign(
                None, owner, f"c{n}", CampaignTemplate("hi"), revenue_cents=100 * n, created_at=at
            )
            world.campaigns.append(await uow.campaigns.add(campaign))
        taken = set()
        for fan_n, status, at, campaign_n in message_specs:
            if fan_n >= len(world.fans):
                continue
            fan, campaign_id = world.fans[fan_n], None
            # Inbound messages never belong to a campaign; one message per fan per campaign.
            if campaign_n is not None and campaign_n < len(world.campaigns):
                campaign_id = world.campaigns[campaign_n].id
            if status is MessageStatus.RECEIVED or (campaign_id, fan.id) in taken:
                campaign_id = None
            taken.add((campaign_id, fan.id))
            conversation = await uow.conversations.get_or_create(owner, fan.id, fan.platform)
            sent = status is MessageStatus.SENT
            message = Message(
                uuid4(), owner, conversation.id, fan.id,
                Direction.IN if status is MessageStatus.RECEIVED else Direction.OUT,
                "hi", status, created_at=BASE - timedelta(days=3),
                campaign_id=campaign_id,
                sent_at=at if sent else None, updated_at=None if sent else at,
            )  # fmt: skip
            await uow.messages.add(message)
            world.messages.append(message)
        for fan_n, amount, at in purchase_specs:
            fan_id = None if fan_n is None or fan_n >= len(world.fans) else world.fans[fan_n].id
            purchase = Purchase(None, owner, fan_id, amount, at)
            await uow.purchases.add(purchase)
            world.purchases.append(purchase)
    return world


def expected(world: World, first: date, last: date, top: int) -> dict:
    """The report computed in plain Python from the rows written."""

    def day_in(at: datetime | None) -> date | None:
        return at.date() if at is not None and first <= at.date() <= last else None

    revenue: Counter[date] = Counter()
    bought: Counter[date] = Counter()
    spent: Counter[int] = Counter()
    times_bought: Counter[int] = Counter()
    for p in world.purchases:
        if (day := day_in(p.occurred_at)) is not None:
            revenue[day] += p.amount_cents
            bought[day] += 1
            if p.fan_id is not None:
                spent[p.fan_id] += p.amount_cents
                times_bought[p.fan_id] += 1
    sent = Counter(day_in(m.sent_at) for m in world.messages if m.status is MessageStatus.SENT)
    failed = Counter(
        day_in(m.updated_at) for m in world.messages if m.status is MessageStatus.FAILED
    )
    new_fans = Counter(day_in(f.created_at) for f in world.fans)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    ranked = sorted(spent, key=lambda fan_id: (-spent[fan_id], fan_id))[:top]
    created = [c for c in world.campaigns if day_in(c.created_at) is not None]
    created.sort(key=lambda c: (c.created_at, c.id), reverse=True)
    return {
        "days": [(d, revenue[d], bought[d], sent[d], failed[d], new_fans[d]) for d in days],
        "top": [(fan_id, spent[fan_id], times_bought[fan_id]) for fan_id in ranked],
        "campaigns": [(c.id, *_counted(world, c.id), c.revenue_cents) for c in created],
    }


def _counted(world: World, campaign_id: int | None) -> tuple[int, int, int]:
    """Targeted, sent, failed: every message of the campaign, whatever its state, is targeted."""
    statuses = Counter(m.status for m in world.messages if m.campaign_id == campaign_id)
    return statuses.total(), statuses[MessageStatus.SENT], statuses[MessageStatus.FAILED]


def reported(report: AnalyticsReport) -> dict:
    days = []
    for d in report.days:
        f = d.figures
        days.append((d.day, f.revenue.cents, f.revenue.purchases, f.sent, f.failed, f.new_fans))
    campaigns = []
    for c in report.campaigns:
        counters = c.counters
        row = (counters.targeted, counters.sent, counters.failed, c.campaign.revenue_cents)
        campaigns.append((c.campaign.id, *row))
    return {
        "days": days,
        "top": [(s.fan.id, s.spend.cents, s.spend.purchases) for s in report.top_fans],
        "campaigns": campaigns,
    }


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fan_times=st.lists(moment, max_size=6),
    campaign_times=st.lists(moment, max_size=3),
    messages=st.lists(message_spec, max_size=12),
    purchases=st.lists(purchase_spec, max_size=12),
    first_day=st.integers(-1, 7),
    extra_days=st.integers(0, 6),
    top=st.integers(1, 4),
)
async def test_the_report_equals_a_python_computation_over_the_same_rows(
    storage: SqlAlchemyStorage,
    fan_times: list[datetime],
    campaign_times: list[datetime],
    messages: list[tuple],
    purchases: list[tuple],
    first_day: int,
    extra_days: int,
    top: int,
):
    owner = f"creator-{uuid4().hex}"  # a tenant per example: the storage outlives examples
    world = await build(storage, owner, fan_times, campaign_times, messages, purchases)
    # Another tenant with the same rows at the same times: none of them may count.
    intruder = f"intruder-{uuid4().hex}"
    await build(storage, intruder, fan_times, campaign_times, messages, purchases)
    first = (BASE + timedelta(days=first_day)).date()
    last = first + timedelta(days=extra_days)

    report = await GetAnalytics(storage, ManualClock(BASE)).execute(owner, first, last, top)

    assert reported(report) == expected(world, first, last, top)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fan_times=st.lists(moment, min_size=1, max_size=6),
    messages=st.lists(message_spec, max_size=12),
    deleted=st.sets(st.integers(0, 5)),
    first_day=st.integers(-1, 7),
    extra_days=st.integers(0, 6),
)
@example(  # one fan, one message sent and one failed on day 1, the fan deleted
    fan_times=[BASE],
    messages=[
        (0, MessageStatus.SENT, BASE + timedelta(days=1), None),
        (0, MessageStatus.FAILED, BASE + timedelta(days=1, hours=2), None),
    ],
    deleted={0},
    first_day=0,
    extra_days=2,
)
async def test_a_deleted_fans_sent_and_failed_messages_stay_counted(
    storage: SqlAlchemyStorage,
    fan_times: list[datetime],
    messages: list[tuple],
    deleted: set[int],
    first_day: int,
    extra_days: int,
):
    owner, intruder = f"creator-{uuid4().hex}", f"intruder-{uuid4().hex}"
    world = await build(storage, owner, fan_times, [], messages, [])
    theirs = await build(storage, intruder, fan_times, [], messages, [])
    async with storage.begin() as uow:
        for n in deleted & set(range(len(world.fans))):
            assert await uow.fans.delete(owner, world.fans[n].id)
            # Another tenant deleting its own fans never moves this tenant's figures.
            assert await uow.fans.delete(intruder, theirs.fans[n].id)
            # Nor does a delete naming this tenant's fan with the other tenant's id.
            assert not await uow.fans.delete(intruder, world.fans[n].id)
    first = (BASE + timedelta(days=first_day)).date()
    last = first + timedelta(days=extra_days)

    report = await GetAnalytics(storage, ManualClock(BASE)).execute(owner, first, last, 1)

    want = [
        (d, sent, failed) for d, _, _, sent, failed, _ in expected(world, first, last, 1)["days"]
    ]
    assert [(d.day, d.figures.sent, d.figures.failed) for d in report.days] == want
