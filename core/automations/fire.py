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
from uuid import uuid4

from core.accounts import Author
from core.automations.ports import AutomationStorage, AutomationStore, RandomSource
from core.automations.records import DueRun, RunStatus, StopReason
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
        """Each claimed run moved on; the messages of the steps written."""
        quiet = settings.rules.is_quiet(micros(now))
        opens = from_micros(settings.rules.next_open(micros(now)))
        runs = uow.automation_runs
        written: list[Message] = []
        for claimed in due:
            run, automation = claimed.run, claimed.automation
            if run.fan_id is None or not automation.enabled or run.step >= len(automation.steps):
                await _end(uow, claimed, now)
                continue
            if quiet:  # it waits for the window; the next tick after it opens writes it
                await runs.advance(run, step=run.step, due_at=opens, status=_RUNNING, now=now)
                continue
            step = automation.steps[run.step]
            text = step.variants[self.random.randint(0, len(step.variants) - 1)]
            if find_blocked(text, settings.blocked_words) is not None:
                await runs.advance(run, step=run.step, due_at=None, status=_STOPPED, now=now,
                                   reason=StopReason.BLOCKED_WORD)  # fmt: skip
                continue
            following = run.step + 1
            last = following >= len(automation.steps)
            due_at = None if last else now + delay_of(automation.steps[following], self.random)
            status = RunStatus.COMPLETED if last else _RUNNING
            if await runs.advance(run, step=following, due_at=due_at, status=status, now=now):
                written.append(_message(claimed, text, step.price_cents, now))
        return written


_RUNNING, _STOPPED = RunStatus.RUNNING, RunStatus.STOPPED


async def _end(uow: AutomationStore, claimed: DueRun, now: datetime) -> None:
    """A run with nothing left to write: its fan deleted, its automation disabled, or its steps
    cut below where it stood by an edit."""
    run, automation = claimed.run, claimed.automation
    if run.fan_id is None or not automation.enabled:
        reason = StopReason.FAN_DELETED if run.fan_id is None else StopReason.DISABLED
        await uow.automation_runs.advance(
            run, step=run.step, due_at=None, status=_STOPPED, now=now, reason=reason
        )
        return
    await uow.automation_runs.advance(
        run, step=run.step, due_at=None, status=RunStatus.COMPLETED, now=now
    )


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
