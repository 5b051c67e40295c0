"""The inbox's pure helpers: the list's state in its URL, where j and k lead, the digests a poll
compares, and the words for money, times and a send's ETA."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.conversations import Conversation, ConversationSummary, Subscription
from core.errors import Invalid
from core.fans import Platform
from core.messaging import Direction, Message, MessageStatus
from core.paging import Page
from entrypoints.http.console.inbox_views import (
    FILTERS,
    PAGE_SIZE,
    ConversationList,
    ListState,
    MessageView,
    Thread,
    eta_text,
    on_day,
    when,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def summary(conversation_id: int, unread: int = 0, name: str | None = None) -> ConversationSummary:
    conversation = Conversation(
        conversation_id, "acct", conversation_id, Platform.ONLYFANS, NOW, unread
    )
    return ConversationSummary(conversation, f"fan{conversation_id}", name)


def listing(ids: list[int], open_id: int | None, page: int = 1) -> ConversationList:
    summaries = Page([summary(i) for i in ids], total=500)
    return ConversationList.of(summaries, ListState(page=page), NOW, open_id)


def keys(listed: ConversationList) -> dict[int, str]:
    return {r.id: r.key for r in listed.rows if r.key}


@given(
    st.sampled_from(sorted(FILTERS)),
    st.text(max_size=30),
    st.integers(min_value=1, max_value=10_000),
)
def test_the_state_survives_its_own_url(filter_: str, search: str, page: int) -> None:
    state = ListState(filter_, search, page)
    query = {k: v[0] for k, v in parse_qs(state.params(), keep_blank_values=True).items()}
    assert (
        ListState.parse(query.get("filter", ""), query.get("q", ""), query.get("page", "")) == state
    )


def test_the_state_asks_the_use_case_for_its_filter_and_page() -> None:
    query = ListState("expired", "luna", 3).query()
    assert (query.limit, query.offset) == (PAGE_SIZE, 2 * PAGE_SIZE)
    assert (query.subscription, query.search, query.unread) == (Subscription.EXPIRED, "luna", False)
    assert ListState("unread").query().unread


@pytest.mark.parametrize(
    ("filter_", "page", "field"),
    [
        ("vip", "", "filter"),
        ("", "0", "page"),
        ("", "-1", "page"),
        ("", "two", "page"),
        ("", "9" * 5000, "page"),  # past what int() reads: refused before it, not a 500
    ],
)
def test_a_state_we_do_not_serve_is_invalid_naming_it(filter_: str, page: str, field: str) -> None:
    with pytest.raises(Invalid) as refused:
        ListState.parse(filter_, "", page)
    assert refused.value.field == field


def test_j_goes_to_the_next_conversation_and_k_to_the_one_before() -> None:
    assert keys(listing([5, 4, 3], open_id=4)) == {3: "j", 5: "k"}
    assert keys(listing([5, 4, 3], open_id=None)) == {5: "j"}
    assert keys(listing([5, 4, 3], open_id=99)) == {5: "j"}  # open, but on another page
    last = listing([5, 4, 3], open_id=3)
    assert keys(last) == {4: "k"}
    assert last.j_on_older  # past the page's last row, j turns the page
    assert listing([5, 4, 3], open_id=5).k_on_newer


def test_the_open_conversation_shows_no_unread_badge_while_the_page_reads_it() -> None:
    rows = ConversationList.of(Page([summary(1, 3), summary(2, 2)], 2), ListState(), NOW, 1).rows
    assert [r.unread for r in rows] == [0, 2]


def test_the_lists_digest_follows_what_it_shows() -> None:
    def digest(*summaries: ConversationSummary, total: int = 2, open_id: int | None = None) -> str:
        return ConversationList.of(Page(list(summaries), total), ListState(), NOW, open_id).digest

    same = digest(summary(1), summary(2))
    assert digest(summary(1), summary(2)) == same
    assert digest(summary(2), summary(1)) != same  # another order
    assert digest(summary(1, unread=1), summary(2)) != same
    assert digest(summary(1, name="Luna"), summary(2)) != same
    assert digest(summary(1), summary(2), total=3) != same
    assert digest(summary(1), summary(2), open_id=1) != same  # j and k lead elsewhere


def message(direction: Direction, status: MessageStatus, read: bool = False) -> Message:
    return Message(
        uuid4(), "acct", 1, 1, direction, "hi", status, NOW, read_at=NOW if read else None
    )


def test_the_threads_digest_changes_with_its_messages_not_their_statuses() -> None:
    queued = message(Direction.OUT, MessageStatus.QUEUED)
    sent = replace(queued, status=MessageStatus.SENT)
    before = Thread.of(1, Page([queued], 1), 50, NOW)
    assert Thread.of(1, Page([sent], 1), 50, NOW).digest == before.digest
    arrived = message(Direction.IN, MessageStatus.RECEIVED)
    after = Thread.of(1, Page([arrived, queued], 2), 50, NOW)
    assert after.digest != before.digest
    assert after.unread  # an inbound message not read yet: the page marks it read
    read = Thread.of(
        1, Page([message(Direction.IN, MessageStatus.RECEIVED, read=True)], 1), 50, NOW
    )
    assert not read.unread


def test_only_an_outbound_message_waiting_to_go_polls_and_shows_its_eta() -> None:
    eta = NOW + timedelta(seconds=40)
    queued = MessageView.of(message(Direction.OUT, MessageStatus.QUEUED), NOW, eta)
    assert (queued.waiting, queued.eta) == (True, "due in 40 s")
    for status in (MessageStatus.SENT, MessageStatus.FAILED):
        done = MessageView.of(message(Direction.OUT, status), NOW, eta)
        assert (done.waiting, done.eta) == (False, None)
    inbound = MessageView.of(message(Direction.IN, MessageStatus.RECEIVED), NOW, eta)
    assert (inbound.waiting, inbound.eta) == (False, None)


def test_words_for_times_and_etas() -> None:
    assert when(NOW.replace(hour=9, minute=5), NOW) == "09:05"
    assert when(datetime(2026, 1, 2, 8, 0, tzinfo=UTC), NOW) == "2 Jan 08:00"
    assert when(datetime(2025, 1, 2, 8, 0, tzinfo=UTC), NOW) == "2 Jan 2025"
    assert when(None, NOW) == ""
    assert on_day(NOW.replace(hour=9, minute=5), NOW) == "today 09:05"
    assert on_day(datetime(2026, 1, 2, 8, 0, tzinfo=UTC), NOW) == "2 Jan 08:00"
    assert eta_text(NOW - timedelta(seconds=3), NOW) == "due now"
    assert eta_text(NOW + timedelta(minutes=5), NOW) == "due in 5 min"
