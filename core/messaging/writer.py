"""Writing new outbound messages: `pending` rows in one transaction, a place in each creator's
backlog, and the relay to the queue (delayed until the bucket should let each one through)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from core.accounts import Author
from core.checks import MAX_BIGINT, MAX_ID, check_text
from core.errors import DomainError, Invalid, NotFound
from core.messaging import audited
from core.messaging.backlog import BacklogCounter
from core.messaging.config import MessagingConfig
from core.messaging.eta import already_waiting, plan_backlog
from core.messaging.ports import MessagingStorage, MessagingStore
from core.messaging.records import (
    MAX_CONTENT_LENGTH,
    MAX_PRIORITY,
    MIN_PRIORITY,
    Direction,
    Message,
    MessageStatus,
)
from core.messaging.relay import OutboxRelay
from core.planning import Lane, Waiting, from_micros, micros, plan
from core.ports import Clock, RateLimiter
from core.settings import AccountRules, AccountSettings, check_blocked

MAX_MEDIA_URL_LENGTH = 2048
MAX_PRICE_CENTS = MAX_BIGINT  # the column's size; more is a database error, not a 400


@dataclass(frozen=True, slots=True)
class NewMessage:
    recipient_id: int
    content: str
    media_urls: tuple[str, ...] = ()
    price_cents: int | None = None
    priority: int = 5
    send_at: datetime | None = None  # None: now; else it waits `scheduled` until then

    def validate(self) -> None:
        if self.recipient_id > MAX_ID:  # no fan has it, and the database cannot even look it up
            raise Invalid(f"recipientId is above {MAX_ID}", field="recipientId")
        check_outbound(self.content, self.media_urls, self.price_cents, self.priority)


def check_send_at(send_at: datetime | None, now: datetime) -> None:
    """A schedule must name an instant (with its offset) that is still ahead."""
    if send_at is None:
        return
    if send_at.tzinfo is None or send_at.utcoffset() is None:
        raise Invalid("sendAt must carry a UTC offset (e.g. 2026-12-24T18:00:00Z)", field="sendAt")
    if send_at <= now:
        raise Invalid("sendAt must be in the future", field="sendAt")


def check_outbound(
    content: str, media_urls: Sequence[str], price_cents: int | None, priority: int
) -> None:
    """What any outbound message must be, a single send's or a campaign's template."""
    if not content.strip():
        raise Invalid("content must not be empty", field="content")
    check_text(content, "content", MAX_CONTENT_LENGTH)
    for url in media_urls:
        check_text(url, "mediaUrls", MAX_MEDIA_URL_LENGTH)
    if not MIN_PRIORITY <= priority <= MAX_PRIORITY:
        raise Invalid(
            f"priority must be between {MIN_PRIORITY} and {MAX_PRIORITY}", field="priority"
        )
    if price_cents is not None and price_cents < 0:
        raise Invalid("priceCents must not be negative", field="priceCents")
    if price_cents is not None and price_cents > MAX_PRICE_CENTS:
        raise Invalid(f"priceCents is above {MAX_PRICE_CENTS}", field="priceCents")


@dataclass(frozen=True, slots=True)
class Slot:
    position: int  # 1-based, in the creator's backlog
    wait: timedelta  # until the send bucket should let it through


@dataclass(frozen=True, slots=True)
class Request:
    """A message to write for a creator, and who sends it (recorded on the row)."""

    user_id: str
    new: NewMessage
    author: Author


Outcome = Message | DomainError


@dataclass(frozen=True, slots=True)
class Written:
    """Per request, in order: its message, or the error that kept it from being written."""

    outcomes: list[Outcome]
    slots: dict[UUID, Slot] = field(default_factory=dict)
    # Written, but the queue could not be reached: these rows are `failed` (queue_unavailable).
    unqueued: set[UUID] = field(default_factory=set)


class OutboundWriter:
    def __init__(
        self,
        storage: MessagingStorage,
        relay: OutboxRelay,
        limiter: RateLimiter,
        clock: Clock,
        config: MessagingConfig,
        rules: AccountRules | None = None,
    ) -> None:
        self._rules = rules or AccountRules(storage, config.send_policy)
        self._storage = storage
        self._relay = relay
        self._limiter = limiter
        self._clock = clock
        self._config = config
        self._backlog = BacklogCounter()

    async def write(self, requests: Sequence[Request], *, batch: bool = False) -> Written:
        """`batch`: the requests are one client's batch, audited as one entry with its counts;
        otherwise each message written is an entry of its own."""
        settings = {user: await self._rules.of(user) for user in {r.user_id for r in requests}}
        now = self._clock.now()
        refused = [_invalid(r.new, settings[r.user_id], now) for r in requests]
        outcomes, backlog = await self._store(requests, refused, batch)
        written = [m for m in outcomes if isinstance(m, Message)]
        messages = [m for m in written if m.send_at is None]
        slots = await self._later(written, settings)
        if not messages:
            return Written(outcomes, slots)
        slots |= await self._schedule(messages, backlog, settings)
        delays = {m.id: int(slots[m.id].wait.total_seconds()) for m in messages}
        return Written(outcomes, slots, await self._relay.relay(messages, delays))

    async def _later(
        self, written: Sequence[Message], settings: dict[str, AccountSettings]
    ) -> dict[UUID, Slot]:
        """Scheduled sends are not relayed now: each one's slot is its own time, as the planner
        sees it then with nothing else waiting (quiet hours may move it on)."""
        now = self._clock.now()
        slots: dict[UUID, Slot] = {}
        for m in written:
            if m.send_at is None:
                continue
            waiting = [Waiting(Lane.INTERACTIVE, m.priority, micros(m.send_at), key=m.id)]
            planned = plan(settings[m.user_id].rules, None, micros(m.send_at), waiting)
            slots[m.id] = Slot(1, from_micros(planned[m.id]) - now)
        return slots

    async def _store(
        self, requests: Sequence[Request], refused: list[Invalid | None], batch: bool
    ) -> tuple[list[Outcome], dict[str, int]]:
        """Pending rows for `requests` (but the `refused`) and their audit entries, in one
        transaction, and each creator's backlog of replies and single sends after it."""
        now = self._clock.now()
        outcomes: list[Outcome | None] = list(refused)
        valid = [i for i, outcome in enumerate(outcomes) if outcome is None]
        async with self._storage.begin() as uow:
            built = await self._build(uow, [requests[i] for i in valid], now)
            for i, outcome in zip(valid, built, strict=True):
                outcomes[i] = outcome
            messages = [m for m in built if isinstance(m, Message)]
            await uow.messages.add_many(messages)
            await uow.audit.add(audited.sends(messages, now, batch=batch, asked=len(requests)))
            await _move_conversations_up(uow, messages, now)
            written_by = Counter(m.user_id for m in messages if m.send_at is None)
            backlog = {
                user: await self._backlog.after_write(uow, user, written_by[user])
                for user in {m.user_id for m in messages}
            }
        return [o for o in outcomes if o is not None], backlog

    async def _build(
        self, uow: MessagingStore, requests: Sequence[Request], now: datetime
    ) -> list[Outcome]:
        """A pending message per request, or NotFound when the recipient is not the sender's fan."""
        recipients: dict[str, set[int]] = defaultdict(set)
        for request in requests:
            recipients[request.user_id].add(request.new.recipient_id)
        conversation_ids: dict[tuple[str, int], int | None] = {}
        for user_id, fan_ids in recipients.items():
            conversations = await uow.conversations.get_or_create_many(user_id, fan_ids)
            conversation_ids.update({(user_id, fan): c.id for fan, c in conversations.items()})
        built: list[Outcome] = []
        for request in requests:
            fan_id = request.new.recipient_id
            conversation_id = conversation_ids.get((request.user_id, fan_id))
            if conversation_id is None:
                error = NotFound(f"recipient {fan_id} not found", detail={"field": "recipientId"})
                built.append(error)
            else:
                built.append(_pending(request, conversation_id, now))
        return built

    async def _schedule(
        self,
        messages: Sequence[Message],
        backlog: dict[str, int],
        settings: dict[str, AccountSettings],
    ) -> dict[UUID, Slot]:
        """Each message's place among its creator's replies and single sends, and when it goes:
        behind those already waiting, then by priority. A campaign's messages are not ahead of
        it: the bulk lane leaves a token free for this one (core.planning)."""
        now = self._clock.now()
        slots: dict[UUID, Slot] = {}
        for user, written in Counter(m.user_id for m in messages).items():
            ahead = backlog[user] - written
            mine = [m for m in messages if m.user_id == user]
            waiting = already_waiting(Lane.INTERACTIVE, ahead, now) + [
                Waiting(Lane.INTERACTIVE, m.priority, micros(now), key=m.id) for m in mine
            ]
            planned = await plan_backlog(self._limiter, settings[user], now, waiting)
            order = sorted(range(len(mine)), key=lambda i: (planned[mine[i].id], i))
            for place, i in enumerate(order, start=ahead + 1):
                slots[mine[i].id] = Slot(place, max(timedelta(0), planned[mine[i].id] - now))
        return slots


async def _move_conversations_up(
    uow: MessagingStore, messages: Sequence[Message], now: datetime
) -> None:
    """A send is activity too: its conversation moves to the top of the creator's inbox."""
    by_user: dict[str, set[int]] = defaultdict(set)
    for message in messages:
        by_user[message.user_id].add(message.conversation_id)
    for user_id, conversation_ids in by_user.items():
        await uow.conversations.record_outbound(user_id, sorted(conversation_ids), now)


def _invalid(new: NewMessage, settings: AccountSettings, now: datetime) -> Invalid | None:
    try:
        new.validate()
        check_send_at(new.send_at, now)
        check_blocked({"content": new.content}, settings.blocked_words)
    except Invalid as exc:
        return exc
    return None


def _pending(request: Request, conversation_id: int, now: datetime) -> Message:
    new = request.new
    return Message(
        id=uuid4(),
        user_id=request.user_id,
        conversation_id=conversation_id,
        fan_id=new.recipient_id,
        direction=Direction.OUT,
        text=new.content,
        status=MessageStatus.PENDING if new.send_at is None else MessageStatus.SCHEDULED,
        created_at=now,
        media_urls=new.media_urls,
        price_cents=new.price_cents,
        priority=new.priority,
        send_at=new.send_at,
        author=request.author,
    )
