"""What the inbox's templates show, worked out here so they stay plain: the list's state in the
URL, each row, message and fan as text, and the digests that let a poll answer "no change"."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from core.conversations import ConversationQuery, ConversationSummary, Subscription
from core.errors import Invalid
from core.fans import MAX_NOTES_LENGTH, Fan, fan_version
from core.messaging import UNSENT_STATUSES, Direction, Message
from core.paging import MAX_OFFSET, Page
from entrypoints.http.console.formats import duration_text, money, subscription
from entrypoints.http.console.forms import whole_number

# The container's clock as a handler asks for it: Clock is a Protocol, which the parameters'
# runtime check cannot test an instance against.
AnyClock = Any
PAGE_SIZE = 50  # the list's pages stay small: a poll re-reads only the page on screen
# The list and the open thread poll this often: a new message shows within two seconds.
POLL_S = 1.5
# A search reads the name, handle and email of every fan (~60 ms a query at 100,000 fans on
# PostgreSQL, the fan list's search alike), so its results are polled less often.
SEARCH_POLL_S = 10
THREAD_STEP = 50  # messages shown at first, and how many more "earlier messages" adds
MAX_THREAD = 200  # the most a thread shows (the API's page size)
# The list's filters: the value in the URL, its label, and what it asks of ListConversations.
FILTERS: Mapping[str, tuple[str, dict[str, Any]]] = {
    "": ("All", {}),
    "unread": ("Unread", {"unread": True}),
    "spenders": ("Spenders", {"spenders": True}),
    "subscribed": ("Subscribed", {"subscription": Subscription.SUBSCRIBED}),
    "expired": ("Expired", {"subscription": Subscription.EXPIRED}),
}


@dataclass(frozen=True, slots=True)
class ListState:
    """Which conversations the list shows: its filter, search and page, kept in every URL."""

    filter: str = ""
    search: str = ""
    page: int = 1

    @classmethod
    def parse(cls, filter_: str, search: str, page: str) -> ListState:
        """From the query string; Invalid naming the parameter when it is not one we serve."""
        if filter_ not in FILTERS:
            allowed = ", ".join(f for f in FILTERS if f)
            raise Invalid(f"filter must be one of {allowed}, or none", field="filter")
        number = whole_number(page.strip() or "1", "page")
        if not 1 <= number <= MAX_OFFSET // PAGE_SIZE:
            raise Invalid("page must be a whole number from 1", field="page")
        return cls(filter_, search, number)

    def query(self) -> ConversationQuery:
        offset = (self.page - 1) * PAGE_SIZE
        return ConversationQuery(PAGE_SIZE, offset, search=self.search, **FILTERS[self.filter][1])

    def params(self, **more: Any) -> str:
        """The query string of this state (defaults left out) and `more` (None left out)."""
        page = self.page if self.page > 1 else None
        given = {"filter": self.filter or None, "q": self.search or None, "page": page, **more}
        return urlencode({k: v for k, v in given.items() if v is not None})

    def link(self, path: str, **more: Any) -> str:
        params = self.params(**more)
        return f"{path}?{params}" if params else path


@dataclass(frozen=True, slots=True)
class ConversationRow:
    """One row, everything worked out: a page renders fifty of them on every change."""

    id: int
    title: str  # the fan's name, else their handle
    handle: str
    unread: int
    last_at: datetime | None
    last_iso: str
    when: str
    href: str  # the conversation, the list kept as it is
    current: bool  # the conversation open on the page
    key: str | None  # `j` or `k` when that key goes here


@dataclass(frozen=True, slots=True)
class ConversationList:
    """A page of the list, where j and k go from the open conversation, and its pager."""

    rows: list[ConversationRow]
    total: int
    state: ListState
    open_id: int | None
    digest: str

    @classmethod
    def of(
        cls, page: Page[ConversationSummary], state: ListState, now: datetime, open_id: int | None
    ) -> ConversationList:
        keys = keys_around([s.conversation.id for s in page.items], open_id)
        query = state.params()
        rows = [_row(s, now, open_id, keys, query) for s in page.items]
        seen = [(r.id, r.title, r.handle, r.unread, r.last_iso) for r in rows]
        return cls(rows, page.total, state, open_id, digest_of(seen, page.total, state, open_id))

    @property
    def poll_s(self) -> float:
        return SEARCH_POLL_S if self.state.search else POLL_S

    @property
    def first(self) -> int:
        return (self.state.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0

    @property
    def has_newer(self) -> bool:
        return self.state.page > 1

    @property
    def has_older(self) -> bool:
        return self.state.page * PAGE_SIZE < self.total

    @property
    def j_on_older(self) -> bool:
        """Past the last row of the page, `j` turns the page."""
        return bool(self.rows) and self.open_id == self.rows[-1].id

    @property
    def k_on_newer(self) -> bool:
        return bool(self.rows) and self.open_id == self.rows[0].id


def _row(
    summary: ConversationSummary,
    now: datetime,
    open_id: int | None,
    keys: Mapping[int, str],
    query: str,
) -> ConversationRow:
    c = summary.conversation
    assert c.id is not None
    at = c.last_message_at
    return ConversationRow(
        id=c.id,
        title=summary.fan_name or "@" + summary.fan_handle,
        handle=summary.fan_handle,
        # The open conversation's messages are being marked read as the page shows them.
        unread=0 if c.id == open_id else c.unread_count,
        last_at=at,
        last_iso=at.isoformat() if at else "",
        when=when(at, now),
        href=f"/inbox/{c.id}?{query}" if query else f"/inbox/{c.id}",
        current=c.id == open_id,
        key=keys.get(c.id),
    )


def keys_around(ids: list[int | None], open_id: int | None) -> dict[int, str]:
    """`j` on the conversation after the open one (the first when none is open on this page),
    `k` on the one before."""
    if open_id not in ids:
        return {ids[0]: "j"} if ids and ids[0] is not None else {}
    at = ids.index(open_id)
    around = {"k": ids[at - 1] if at > 0 else None, "j": ids[at + 1] if at + 1 < len(ids) else None}
    return {i: key for key, i in around.items() if i is not None}


@dataclass(frozen=True, slots=True)
class MessageView:
    id: UUID
    outbound: bool
    text: str
    status: str
    when: str
    at: datetime
    error: str | None
    eta: str | None  # while it waits: when it should go, from the send's receipt
    eta_iso: str | None
    waiting: bool  # not sent nor failed yet: its fragment polls until it is

    @classmethod
    def of(cls, message: Message, now: datetime, eta: datetime | None = None) -> MessageView:
        waiting = message.direction is Direction.OUT and message.status in UNSENT_STATUSES
        return cls(
            id=message.id,
            outbound=message.direction is Direction.OUT,
            text=message.text,
            status=message.status.value,
            when=when(message.created_at, now),
            at=message.created_at,
            error=message.error,
            eta=eta_text(eta, now) if waiting and eta else None,
            eta_iso=eta.isoformat() if waiting and eta else None,
            waiting=waiting,
        )


@dataclass(frozen=True, slots=True)
class Thread:
    """A conversation's newest messages (newest first, as the page lays them out bottom-up)."""

    conversation_id: int
    messages: list[MessageView]
    total: int
    shown: int
    digest: str
    unread: bool  # inbound messages not read yet: the page marks them read when it shows them

    @classmethod
    def of(
        cls,
        conversation_id: int,
        page: Page[Message],
        shown: int,
        now: datetime,
        etas: Mapping[UUID, datetime] | None = None,
    ) -> Thread:
        views = [MessageView.of(m, now, (etas or {}).get(m.id)) for m in page.items]
        # New messages change it; statuses do not: each waiting message polls its own.
        digest = digest_of([m.id for m in page.items], page.total, shown)
        unread = any(m.direction is Direction.IN and m.read_at is None for m in page.items)
        return cls(conversation_id, views, page.total, shown, digest, unread)

    @property
    def poll_s(self) -> float:
        return POLL_S

    @property
    def more(self) -> bool:
        """Earlier messages exist and the thread may show more of them."""
        return self.total > len(self.messages) and self.shown < MAX_THREAD

    @property
    def more_shown(self) -> int:
        return min(self.shown + THREAD_STEP, MAX_THREAD)


def thread_size(shown: str) -> int:
    """How many messages the thread shows: a step of THREAD_STEP up to MAX_THREAD."""
    number = shown.strip() or str(THREAD_STEP)
    if not number.isdigit() or not THREAD_STEP <= int(number) <= MAX_THREAD:
        raise Invalid(f"shown must be from {THREAD_STEP} to {MAX_THREAD}", field="shown")
    return int(number)


@dataclass(frozen=True, slots=True)
class FanPanel:
    id: int
    title: str
    handle: str
    platform: str
    spend: str
    subscription: str
    last_active: str
    tags: str  # as the field shows them: comma-separated
    notes: str
    version: str  # the fan's ETag: an edit applies only to the fan as it was read
    was: str  # the notes and tags shown (their digest): what an edit is made over
    max_notes: int = MAX_NOTES_LENGTH

    @classmethod
    def of(cls, fan: Fan, now: datetime) -> FanPanel:
        assert fan.id is not None
        return cls(
            id=fan.id,
            title=fan.name or "@" + fan.handle,
            handle=fan.handle,
            platform=fan.platform.value,
            spend=money(fan.value_cents),
            subscription=subscription_text(fan, now),
            last_active=on_day(fan.last_active_at, now) if fan.last_active_at else "never seen",
            tags=", ".join(sorted(fan.tags)),
            notes=fan.notes or "",
            version=fan_version(fan),
            was=notes_and_tags_digest(fan),
        )


def notes_and_tags_digest(fan: Fan) -> str:
    return digest_of(fan.notes or "", sorted(fan.tags))


def subscription_text(fan: Fan, now: datetime) -> str:
    """The fans page's word for it (formats.subscription), with its day."""
    state = subscription(fan)
    if state == "expired" and fan.unsubscribed_at is not None:
        return f"expired {on_day(fan.unsubscribed_at, now)}"
    if state == "subscribed" and fan.subscribed_at is not None:
        return f"subscribed since {on_day(fan.subscribed_at, now)}"
    return "not subscribed"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def when(at: datetime | None, now: datetime) -> str:
    """A time as a list shows it, in UTC: the time today, else the day (and year if another).
    Formatted by hand: strftime takes most of the time of drawing a page of fifty rows."""
    if at is None:
        return ""
    clock = f"{at.hour:02d}:{at.minute:02d}"
    if at.date() == now.date():
        return clock
    day = f"{at.day} {_MONTHS[at.month - 1]}"
    return f"{day} {clock}" if at.year == now.year else f"{day} {at.year}"


def on_day(at: datetime, now: datetime) -> str:
    """As `when`, saying "today" where a list shows the time alone."""
    shown = when(at, now)
    return f"today {shown}" if at.date() == now.date() else shown


def eta_text(eta: datetime, now: datetime) -> str:
    seconds = (eta - now).total_seconds()
    return "due now" if seconds <= 0 else f"due in {duration_text(seconds)}"


def digest_of(*parts: Iterable[Any] | Any) -> str:
    """A short fingerprint of what a fragment shows: the same when nothing changed."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()
