"""Team analytics on SQLite (memory, file) and a real PostgreSQL: generated conversations of
fans, members, the service token and campaigns, with purchases naming their messages; the
storage's figures per member (through the use case) must equal a plain Python computation of
the definitions (core/analytics/team.py) over the same rows."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.clock import ManualClock
from adapters.storage.database import SqlAlchemyStorage
from core.accounts import Author, AuthorKind
from core.analytics import GetTeamAnalytics, MemberFigures, TeamReport
from core.campaigns.records import Campaign, CampaignTemplate
from core.fans.records import Fan, Platform
from core.inbound.records import Purchase
from core.messaging.records import Direction, Message, MessageStatus

BASE = datetime(2026, 3, 1, tzinfo=UTC)  # a midnight; the generated world spans days -1 … +3
MEMBERS = ["u0", "u1", "u2"]
SENDERS = ["fan", *MEMBERS, "service", "campaign"]

# Minutes apart (ties included), or a microsecond either side: reply times must be exact.
moment = st.tuples(st.integers(-1440, 3 * 1440), st.sampled_from([0, 0, 1, 999_999])).map(
    lambda t: BASE + timedelta(minutes=t[0], microseconds=t[1])
)
message_spec = st.tuples(
    st.integers(0, 2),  # which fan's conversation
    st.sampled_from(SENDERS),
    moment,  # created_at
    # An outbound message's fate: sent (or sent and then unsent) after a delay, or never sent.
    st.one_of(
        st.tuples(st.sampled_from([MessageStatus.SENT, MessageStatus.UNSENT]), st.integers(0, 90)),
        st.tuples(st.sampled_from([MessageStatus.QUEUED, MessageStatus.FAILED]), st.none()),
    ),
)
purchase_spec = st.tuples(
    st.one_of(st.none(), st.integers(0, 30)),  # the index of the message it names, if any
    st.integers(1, 10**6),
    moment,
)


@dataclass
class Rows:
    messages: list[Message]
    purchases: list[Purchase]


def _author(sender: str, campaign_id: int | None) -> Author | None:
    if sender == "fan":
        return None
    if sender == "service":
        return Author.service()
    if sender == "campaign":
        assert campaign_id is not None
        return Author.campaign(campaign_id)
    return Author.member(sender)


async def build(
    storage: SqlAlchemyStorage, owner: str, message_specs: list[tuple], purchase_specs: list[tuple]
) -> Rows:
    rows = Rows([], [])
    async with storage.begin() as uow:
        fans = [
            await uow.fans.add(Fan(None, owner, Platform.ONLYFANS, f"fan{n}", created_at=BASE))
            for n in range(3)
        ]
        campaign = await uow.campaigns.add(Campaign(None, owner, "spring", CampaignTemplate("hi")))
        with_campaign = set()
        for fan_n, sender, created, (status, delay) in message_specs:
            fan = fans[fan_n]
            campaign_id = campaign.id if sender == "campaign" else None
            if campaign_id is not None and fan.id in with_campaign:
                continue  # one message per fan per campaign
            if campaign_id is not None:
                with_campaign.add(fan.id)
            conversation = await uow.conversations.get_or_create(owner, fan.id, fan.platform)
            inbound = sender == "fan"
            message = Message(
                uuid4(), owner, conversation.id, fan.id,
                Direction.IN if inbound else Direction.OUT, "secret text",
                MessageStatus.RECEIVED if inbound else status, created_at=created,
                campaign_id=campaign_id,
                sent_at=None if inbound or delay is None else created + timedelta(minutes=delay),
                author=_author(sender, campaign_id),
            )  # fmt: skip
            await uow.messages.add(message)
            rows.messages.append(message)
        for index, amount, at in purchase_specs:
            named = None if index is None or index >= len(rows.messages) else rows.messages[index]
            purchase = Purchase(
                None, owner, named.fan_id if named else None, amount, at,
                message_id=named.id if named else None, credited=named.author if named else None,
            )  # fmt: skip
            await uow.purchases.add(purchase)
            rows.purchases.append(purchase)
    return rows


def _answers(message: Message) -> bool:
    """An outbound message that answered the fan: sent, and not a campaign's."""
    return (
        message.direction is Direction.OUT
        and message.sent_at is not None
        and message.campaign_id is None
    )


def reply_micros(reply: Message, thread: list[Message]) -> int | None:
    """The definition, said plainly: from the fan's latest message at or before the reply, if no
    other answer came at or after it and before the reply."""
    inbound = [m.created_at for m in thread if m.direction is Direction.IN]
    before = [at for at in inbound if at <= reply.created_at]
    if not before:
        return None
    fan_wrote = max(before)
    answered = any(
        other is not reply and _answers(other) and fan_wrote <= other.created_at < reply.created_at
        for other in thread
    )
    if answered:
        return None
    return (reply.created_at - fan_wrote) // timedelta(microseconds=1)


def expected(rows: Rows, first: date, last: date) -> dict[str, tuple]:
    start = datetime.combine(first, datetime.min.time(), UTC)
    end = datetime.combine(last, datetime.min.time(), UTC) + timedelta(days=1)
    threads: dict[int, list[Message]] = defaultdict(list)
    for m in rows.messages:
        threads[m.conversation_id].append(m)
    sent: dict[str, list[Message]] = defaultdict(list)
    for m in rows.messages:
        author = m.author
        if author and author.kind is AuthorKind.MEMBER and m.sent_at and start <= m.sent_at < end:
            sent[author.id or ""].append(m)
    revenue: dict[str, list[int]] = defaultdict(list)
    for p in rows.purchases:
        credited = p.credited
        if credited and credited.kind is AuthorKind.MEMBER and start <= p.occurred_at < end:
            revenue[credited.id or ""].append(p.amount_cents)
    figures = {}
    for member in sent.keys() | revenue.keys():
        mine = sent.get(member, [])
        waits = [reply_micros(m, threads[m.conversation_id]) for m in mine]
        timed = [w for w in waits if w is not None]
        median = float(statistics.median(timed)) / 1e6 if timed else None
        figures[member] = (
            len(mine),
            len({m.conversation_id for m in mine}),
            sum(revenue.get(member, [])),
            len(revenue.get(member, [])),
            len(timed),
            median,
        )
    return figures


def reported(report: TeamReport) -> dict[str, tuple]:
    def row(m: MemberFigures) -> tuple:
        times = m.reply_times
        return (
            m.sends.messages,
            m.sends.conversations,
            m.revenue.cents,
            m.revenue.purchases,
            0 if times is None else times.replies,
            None if times is None else pytest.approx(times.median_s, abs=1e-6),
        )

    return {m.user_id: row(m) for m in report.members}


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    messages=st.lists(message_spec, max_size=24),
    purchases=st.lists(purchase_spec, max_size=8),
    first_day=st.integers(-1, 2),
    extra_days=st.integers(0, 2),
)
async def test_each_members_figures_equal_a_python_computation_of_the_definitions(
    storage: SqlAlchemyStorage,
    messages: list[tuple],
    purchases: list[tuple],
    first_day: int,
    extra_days: int,
):
    owner = f"creator-{uuid4().hex}"  # a tenant per example: the storage outlives examples
    rows = await build(storage, owner, messages, purchases)
    # Another account with the same rows at the same times: none of them may count.
    await build(storage, f"intruder-{uuid4().hex}", messages, purchases)
    first = (BASE + timedelta(days=first_day)).date()
    last = first + timedelta(days=extra_days)

    report = await GetTeamAnalytics(storage, ManualClock(BASE)).execute(owner, first, last)

    assert reported(report) == expected(rows, first, last)
    assert [m.user_id for m in report.members] == sorted(
        reported(report), key=lambda u: (-reported(report)[u][2], -reported(report)[u][0], u)
    )


def at(hh_mm: str) -> datetime:
    hours, minutes = hh_mm.split(":")
    return BASE + timedelta(hours=int(hours), minutes=int(minutes))


async def test_a_reply_is_timed_from_the_fans_latest_unanswered_message(
    storage: SqlAlchemyStorage,
):
    """The definition on one readable thread:
    10:00 and 10:05 the fan writes; 10:20 u0 answers (15 min, from 10:05); 10:30 u1 writes too
    (answers nothing: u0 did); 11:00 the fan writes; 11:10 a campaign's message (not an answer);
    11:15 u0 queues one that is never sent (not an answer either); 11:30 u1 answers (30 min).
    """
    owner = f"creator-{uuid4().hex}"
    thread = [
        (0, "fan", at("10:00"), (None, None)),
        (0, "fan", at("10:05"), (None, None)),
        (0, "u0", at("10:20"), (MessageStatus.SENT, 1)),
        (0, "u1", at("10:30"), (MessageStatus.SENT, 1)),
        (0, "fan", at("11:00"), (None, None)),
        (0, "campaign", at("11:10"), (MessageStatus.SENT, 0)),
        (0, "u0", at("11:15"), (MessageStatus.FAILED, None)),
        (0, "u1", at("11:30"), (MessageStatus.SENT, 5)),
    ]
    await build(storage, owner, thread, [])

    report = await GetTeamAnalytics(storage, ManualClock(BASE)).execute(owner, BASE.date())

    figures = {m.user_id: m for m in report.members}
    assert set(figures) == {"u0", "u1"}
    assert figures["u0"].sends.messages == 1  # the failed one was never sent
    assert figures["u0"].reply_times is not None
    assert (figures["u0"].reply_times.replies, figures["u0"].reply_times.median_s) == (1, 900.0)
    assert figures["u1"].sends.messages == 2
    assert figures["u1"].reply_times is not None
    assert (figures["u1"].reply_times.replies, figures["u1"].reply_times.median_s) == (1, 1800.0)
