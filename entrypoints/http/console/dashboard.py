"""The dashboard: the account's backlog and its ETA, the queue's figures, the health of each part
messaging depends on (refreshed by polling), and the failed messages with retry one and retry all.

The page and its figures act as `monitoring` (managers and owners). The failed list and the
retries act as the operations whose use cases they call (`listFailedMessages`, `retryMessage`),
as the API's do: a chatter may retry through the API, so the console refuses them nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from core.accounts import Author
from core.errors import Conflict, NotFound, Unavailable
from core.messaging import GetQueueStatus, ListFailedMessages, RetryFailedMessage
from core.monitoring import CheckHealth
from entrypoints.http.caller import caller_of
from entrypoints.http.console.formats import duration_text
from entrypoints.http.console.pages import AnyRequest, acting_as, is_htmx, render
from entrypoints.http.errors import status_of

# Seconds between two refreshes of the figures: live enough to watch a backlog drain, far
# below what the database would notice (three small queries per poll).
POLL_EVERY_S = 5
# Sent with every retry's answer: the figures refresh at once instead of at the next poll.
CHANGED_EVENT = "dashboard-changed"


@dataclass(frozen=True, slots=True)
class Refusal:
    message_id: UUID
    status: int
    reason: str


@dataclass
class RetryOutcome:
    """What a retry did: the messages queued again, those refused (and why), and whether the
    loop stopped early (the queue or the kill switch: every other retry would fail alike)."""

    retried: list[UUID] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    stopped: bool = False

    @property
    def status(self) -> int:
        """200 when something was queued or nothing was asked; else the first refusal's."""
        if self.retried or not self.refused:
            return 200
        return self.refused[0].status


@get("/dashboard", opt=acting_as("monitoring"), include_in_schema=False)
async def dashboard_page(
    request: AnyRequest,
    check_health: NamedDependency[CheckHealth],
    queue_status: NamedDependency[GetQueueStatus],
    list_failed: NamedDependency[ListFailedMessages],
) -> Template:
    figures = await _figures(request, check_health, queue_status)
    failed = await list_failed.execute(request.user)
    return render(
        request, "dashboard.html", **figures, failed=failed, outcome=RetryOutcome(), asked=False
    )


@get("/dashboard/figures", opt=acting_as("monitoring"), include_in_schema=False)
async def dashboard_figures(
    request: AnyRequest,
    check_health: NamedDependency[CheckHealth],
    queue_status: NamedDependency[GetQueueStatus],
) -> Template:
    """The figures alone: what the page polls."""
    figures = await _figures(request, check_health, queue_status)
    return render(request, "dashboard_figures.html", **figures)


@get("/dashboard/failed", opt=acting_as("listFailedMessages"), include_in_schema=False)
async def failed_messages(
    request: AnyRequest, list_failed: NamedDependency[ListFailedMessages]
) -> Template:
    """The failed list alone: its Refresh button, and the page of a retry made without htmx."""
    return await _failed_answer(request, list_failed, RetryOutcome(), asked=False)


@post(
    "/dashboard/failed/{message_id:uuid}/retry",
    opt=acting_as("retryMessage"),
    include_in_schema=False,
)
async def retry_one(
    request: AnyRequest,
    message_id: FromPath[UUID],
    retry_failed: NamedDependency[RetryFailedMessage],
    list_failed: NamedDependency[ListFailedMessages],
) -> Template:
    outcome = RetryOutcome()
    await _retry(retry_failed, request.user, message_id, caller_of(request).author, outcome)
    return await _failed_answer(request, list_failed, outcome, asked=True)


@post("/dashboard/failed/retry-all", opt=acting_as("retryMessage"), include_in_schema=False)
async def retry_all(
    request: AnyRequest,
    retry_failed: NamedDependency[RetryFailedMessage],
    list_failed: NamedDependency[ListFailedMessages],
) -> Template:
    """Every failed message listed now (not only those the caller saw: new failures too), each
    through the same use case as retry one; there is no bulk retry outside campaigns."""
    outcome = RetryOutcome()
    author = caller_of(request).author
    for message in (await list_failed.execute(request.user)).items:
        await _retry(retry_failed, request.user, message.id, author, outcome)
        if outcome.stopped:
            break
    return await _failed_answer(request, list_failed, outcome, asked=True)


async def _retry(
    retry_failed: RetryFailedMessage,
    user_id: str,
    message_id: UUID,
    actor: Author,
    outcome: RetryOutcome,
) -> None:
    """One retry, its result added to `outcome`. Retried meanwhile by someone else (409) or not
    this account's (404): refused, the next goes on; the queue unreachable or messaging off
    (503): refused, and the loop stops."""
    try:
        await retry_failed.execute(user_id, message_id, actor=actor)
    except (Conflict, NotFound, Unavailable) as exc:
        outcome.refused.append(Refusal(message_id, status_of(exc), exc.message))
        outcome.stopped = isinstance(exc, Unavailable)
        return
    outcome.retried.append(message_id)


async def _failed_answer(
    request: AnyRequest, list_failed: ListFailedMessages, outcome: RetryOutcome, *, asked: bool
) -> Template:
    """The failed list after `outcome`: the fragment for htmx (which swaps a refusal in too,
    see console.js), else a page of its own, with the refusal's status either way."""
    failed = await list_failed.execute(request.user)
    template = "dashboard_failed.html" if is_htmx(request) else "dashboard_retried.html"
    answer = render(
        request, template, status=outcome.status, failed=failed, outcome=outcome, asked=asked
    )
    if asked:
        answer.set_header("HX-Trigger", CHANGED_EVENT)
    return answer


async def _figures(
    request: AnyRequest, check_health: CheckHealth, queue_status: GetQueueStatus
) -> dict[str, Any]:
    """What /api/monitoring/onlyfans and /api/onlyfans/messaging/status answer, for the page."""
    queue = await queue_status.execute(request.user)
    return {
        "health": await check_health.execute(request.user),
        "queue": queue,
        "eta": duration_text(queue.estimated_time_s),
        "poll_every_s": POLL_EVERY_S,
        "changed_event": CHANGED_EVENT,
    }


ROUTES = [dashboard_page, dashboard_figures, failed_messages, retry_one, retry_all]
