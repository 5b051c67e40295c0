"""Each creator's backlog ahead of a new single send, as sends need it for a queue position:
the replies and single sends not sent yet. A campaign's rows are not ahead, on the queue or in
the outbox: their lane leaves a token for these (core.planning).

Counting the rows costs time in proportion to the backlog, on every write. So a count read from
storage is reused for `max_age_s` and moved on by this process's own writes in between; it can
lag by what other processes queued and what was delivered in that window: fine for an estimate.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from core.messaging.ports import MessagingStore


class BacklogCounter:
    def __init__(
        self, max_age_s: float = 0.25, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._max_age_s = max_age_s
        self._monotonic = monotonic
        self._known: dict[str, tuple[int, float]] = {}  # user -> (backlog, when counted)

    async def after_write(self, uow: MessagingStore, user_id: str, written: int) -> int:
        """The backlog once `written` new rows of the creator's (already in `uow`) are counted."""
        now = self._monotonic()
        known = self._known.get(user_id)
        if known is not None and now - known[1] < self._max_age_s:
            backlog = known[0] + written
            self._known[user_id] = (backlog, known[1])
            return backlog
        backlog = await uow.outbox.count_interactive(user_id)
        self._known[user_id] = (backlog, now)
        return backlog
