"""Due steps written to the outbox, each exactly once, by the worker's tick and the Lambda sweep.

Per tenant, a batch of due runs is claimed (locked, and skipped by other runners, until the
transaction ends); in that one transaction each run's message is written `pending` and the run
moves to its next step. A crash before the commit leaves both undone, after it both done: a
step is neither repeated nor skipped. The sweep then relays the pending rows at the creator's
pace in the bulk lane, like a campaign's (core.messaging.sweep).

A step due inside the account's quiet hours is not written then: its run waits for the window
to open, and the steps after it keep their spacing from when it is written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from uuid import uuid4

from core.accounts import Author
from core.automations.ports import AutomationStorage, AutomationStore, RandomSource
from core.automations.records import DueRun, Move, RunStatus, StopReason
from core.automations.triggers import delay_of
from core.messaging import Direction, Message, MessageStatus
from core.planning import from_micros, micros
from core.ports import Clock
from core.settings import AccountRules, AccountSettings, find_blocked

BATCH = 500  # runs claimed per transaction
MAX_BATCHES = 1_000  # per tenant and tick: the next tick carries on


@dataclass(frozen=True, slots=True)
class FireDueSteps:
    storage: AutomationStorage
    rules: AccountRules
    clock: Clock
    random: RandomSource
    batch: int = BATCH

    async def execute(self) -> int:
        """Write every step now due; how many messages were written."""
        async with self.storage.begin() as uow:
            users = await uow.automation_runs.users_with_due(self.clock.now())
        written = 0
        for user_id in users:
            written += await self._tenant(user_id)
        return written

    async def _tenant(self, user_id: str) -> int:
        settings = await self.rules.of(user_id)  # outside the claim: its own transaction
        written = 0
        for _ in range(MAX_BATCHES):
            now = self.clock.now()
            async with self.storage.begin() as uow:
                due = await uow.automation_runs.claim_due(user_id, now, self.batch)
                messages = await self._fire(uow, due, settings, now)
                await _write(uow, user_id, messages, now)
            written += len(messages)
            if len(due) < self.batch:
                break
        return written

    async def _fire(
        self, uow: AutomationStore, due: list[DueRun], settings: AccountSettings, now: datetime
    ) -> list[Message]:
        """Each claimed run moved on (one statement); the messages of the steps written."""
        moves, messages = [], {}
        for claimed in due:
            move, message = self._next(claimed, settings, now)
            moves.append(move)
            if message is not None:
                messages[claimed.run.id] = message
        moved = await uow.automation_runs.move(moves, now) if moves else set()
        # A run moved on by another runner meanwhile writes nothing (the claim makes it rare).
        return [message for run_id, message in messages.items() if run_id in moved]

    def _next(
        self, claimed: DueRun, settings: AccountSettings, now: datetime
    ) -> tuple[Move, Message | None]:
        """Where the run goes next, and the message of its step when one is written now: none
        when the run ends (its fan deleted, its automation disabled, its steps cut below it by
        an edit), stops on a word blocked since, or waits for the quiet window to open."""
        run, automation = claimed.run, claimed.automation
        if run.fan_id is None or not automation.enabled:
            reason = StopReason.FAN_DELETED if run.fan_id is None else StopReason.DISABLED
            return Move(run, run.step, None, RunStatus.STOPPED, reason), None
        if run.step >= len(automation.steps):
            return Move(run, run.step, None, RunStatus.COMPLETED), None
        rules = settings.rules
        if rules.is_quiet(micros(now)):  # the first tick after it opens writes it
            return Move(run, run.step, from_micros(rules.next_open(micros(now)))), None
        step = automation.steps[run.step]
        text = step.variants[self.random.randint(0, len(step.variants) - 1)]
        if _holds_blocked_word(text, settings.blocked_words):
            return Move(run, run.step, None, RunStatus.STOPPED, StopReason.BLOCKED_WORD), None
        following = run.step + 1
        if following == len(automation.steps):
            move = Move(run, following, None, RunStatus.COMPLETED)
        else:
            move = Move(run, following, now + delay_of(automation.steps[following], self.random))
        return move, _message(claimed, text, step.price_cents, now)


@lru_cache(maxsize=1024)
def _holds_blocked_word(text: str, words: tuple[str, ...]) -> bool:
    """Cached: a batch writes the same few variants to hundreds of fans."""
    return find_blocked(text, words) is not None


def _message(claimed: DueRun, text: str, price_cents: int | None, now: datetime) -> Message:
    run = claimed.run
    assert run.fan_id is not None
    assert claimed.automation.id is not None
    return Message(
        id=uuid4(),
        user_id=run.user_id,
        conversation_id=0,  # set once the conversations are known (_write)
        fan_id=run.fan_id,
        direction=Direction.OUT,
        text=text,
        status=MessageStatus.PENDING,
        created_at=now,
        price_cents=price_cents,
        author=Author.automation(claimed.automation.id),
    )


async def _write(
    uow: AutomationStore, user_id: str, messages: list[Message], now: datetime
) -> None:
    """The messages written `pending`, each in its fan's conversation, moved up the inbox."""
    if not messages:
        return
    conversations = await uow.conversations.get_or_create_many(
        user_id, {m.fan_id for m in messages}
    )
    # The claim holds each run, and a fan's deletion clears its runs' fan first: every fan here
    # still exists, so each has its conversation.
    rows = [replace(m, conversation_id=_id(conversations[m.fan_id].id)) for m in messages]
    await uow.messages.add_many(rows)
    await uow.conversations.record_outbound(user_id, sorted({m.conversation_id for m in rows}), now)


def _id(conversation_id: int | None) -> int:
    assert conversation_id is not None
    return conversation_id
