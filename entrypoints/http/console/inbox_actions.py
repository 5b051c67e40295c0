"""What a chatter does in an open conversation: reply (and watch the message go), and keep the
fan's notes and tags.

Each answers htmx with the fragments to swap, and a plain form post with a redirect back to the
conversation. A refused form comes back, with its refusal's status, showing the reason next to its
field; its form's data-swap-errors lets htmx swap it in (console.js). A refused reply goes to
the reply box (HX-Retarget) rather than to the thread a sent one replaces.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from core.conversations import GetConversation, ListConversationMessages, Reply, SendInConversation
from core.errors import DomainError, Invalid, PreconditionFailed, RateLimited, Unavailable
from core.fans import Fan, FanChanges, GetFan, UpdateFan, fan_version
from core.imports.values import split_tags
from core.messaging import MAX_CONTENT_LENGTH, GetMessage
from entrypoints.http.caller import caller_of
from entrypoints.http.console.errors import error_page
from entrypoints.http.console.inbox_views import (
    THREAD_STEP,
    AnyClock,
    FanPanel,
    MessageView,
    Thread,
    notes_and_tags_digest,
)
from entrypoints.http.console.pages import AnyRequest, acting_as, is_htmx, render
from entrypoints.http.controllers.params import PathId
from entrypoints.http.errors import status_of
from entrypoints.http.permissions import refuse_fan_fields_beyond_role

Form = Body(media_type=RequestEncodingType.URL_ENCODED)
# Posted with the fan's fields, not fields of the fan.
_FORM_ONLY = frozenset({"version", "was", "_csrf_token"})
STALE = "This fan changed since you opened it: reload the page to see the change, then edit again."


@dataclass
class ReplyForm:
    content: str = ""


@dataclass
class FanForm:
    notes: str = ""
    tags: str = ""
    version: str = ""  # the fan's ETag when the panel was drawn
    was: str = ""  # the digest of the notes and tags it showed


@post(
    "/inbox/{conversation_id:int}/messages",
    opt=acting_as("replyInConversation"),
    include_in_schema=False,
)
async def reply(
    request: AnyRequest,
    conversation_id: PathId,
    data: Annotated[ReplyForm, Form],
    send_in_conversation: NamedDependency[SendInConversation],
    list_conversation_messages: NamedDependency[ListConversationMessages],
    clock: NamedDependency[AnyClock],
) -> Response[Any]:
    """Queued like POST /api/crm/conversations/{id}/messages; the thread comes back with it,
    showing when it should go, and the reply box empty."""
    author = caller_of(request).author
    try:
        receipt = await send_in_conversation.execute(
            request.user, conversation_id, Reply(data.content), author=author
        )
    except (Invalid, RateLimited, Unavailable) as refused:
        return _refused_reply(request, data, refused)
    if not is_htmx(request):
        return Redirect(f"/inbox/{conversation_id}", status_code=303)
    messages = await list_conversation_messages.execute(request.user, conversation_id, THREAD_STEP)
    etas = {receipt.message_id: receipt.estimated_send_time}
    thread = Thread.of(conversation_id, messages, THREAD_STEP, clock.now(), etas)
    return render(request, "inbox_sent.html", thread=thread, max_length=MAX_CONTENT_LENGTH)


def _refused_reply(request: AnyRequest, data: ReplyForm, refused: DomainError) -> Response[Any]:
    status = status_of(refused)
    if not is_htmx(request):
        return error_page(request, status, refused.message)
    field = refused.field if isinstance(refused, Invalid) else None
    answer = render(
        request,
        "inbox_reply_field.html",
        status=status,
        content=data.content,
        error=refused.message if field else None,
        flash=None if field else refused.message,
        max_length=MAX_CONTENT_LENGTH,
        oob=False,
    )
    return _retargeted(answer, "#reply-field")


@get("/inbox/messages/{message_id:uuid}", opt=acting_as("getMessage"), include_in_schema=False)
async def message_fragment(
    request: AnyRequest,
    message_id: FromPath[UUID],
    get_message: NamedDependency[GetMessage],
    clock: NamedDependency[AnyClock],
    eta: FromQuery[str] = "",
) -> Template:
    """One message as its thread shows it: polled while it waits to be sent."""
    message = await get_message.execute(request.user, message_id)
    view = MessageView.of(message, clock.now(), _eta(eta))
    return render(request, "inbox_message.html", message=view)


def _eta(raw: str) -> datetime | None:
    """The send's estimate, carried by the polling URL (the receipt is not stored)."""
    if not raw:
        return None
    try:
        eta = datetime.fromisoformat(raw)
    except ValueError:
        raise Invalid("eta must be an ISO-8601 time", field="eta") from None
    if eta.tzinfo is None:
        raise Invalid("eta must carry a time zone", field="eta")
    return eta


@post("/inbox/{conversation_id:int}/fan", opt=acting_as("updateFan"), include_in_schema=False)
async def edit_fan(
    request: AnyRequest,
    conversation_id: PathId,
    data: Annotated[FanForm, Form],
    get_conversation: NamedDependency[GetConversation],
    update_fan: NamedDependency[UpdateFan],
    get_fan: NamedDependency[GetFan],
    clock: NamedDependency[AnyClock],
) -> Response[Any]:
    """The notes and tags of the conversation's fan, as PATCH /api/crm/fans/{id} changes them:
    only if the fan is still as the panel showed it (412 otherwise). A chatter may change nothing
    else (403 naming what else was sent); the panel changes nothing else for anyone (the fans
    page edits the rest), so a manager's other fields are ignored."""
    refuse_fan_fields_beyond_role(request, set((await request.form()).keys()) - _FORM_ONLY)
    summary = await get_conversation.execute(request.user, conversation_id)
    fan_id = summary.conversation.fan_id
    try:
        fan = await _save(request, update_fan, get_fan, fan_id, data)
    except (Invalid, PreconditionFailed) as refused:
        current = await get_fan.execute(request.user, fan_id)
        return _refused_edit(request, conversation_id, current, data, refused, clock.now())
    if not is_htmx(request):
        return Redirect(f"/inbox/{conversation_id}", status_code=303)
    panel = FanPanel.of(fan, clock.now())
    return render(request, "inbox_fan.html", fan=panel, conversation_id=conversation_id, saved=True)


async def _save(
    request: AnyRequest, update_fan: UpdateFan, get_fan: GetFan, fan_id: int, data: FanForm
) -> Fan:
    """The edit, if the fan is still at the version the panel showed.

    A fan who writes or buys moves their last activity or spend, and with it the version, while
    the chatter types: when the notes and tags are still those the panel showed (`was`), the
    edit applies to the fan as it is now (at its new version, still a precondition), since it
    changes nothing else. A change of the notes or tags themselves stays a 412.
    """
    changes = FanChanges(notes=data.notes or None, tags=split_tags(data.tags))
    versions = [data.version] if data.version else None  # none: as a PATCH without If-Match
    actor = caller_of(request).author
    try:
        return await update_fan.execute(request.user, fan_id, changes, versions, actor=actor)
    except PreconditionFailed:
        current = await get_fan.execute(request.user, fan_id)
        if not data.was or notes_and_tags_digest(current) != data.was:
            raise
    now_at = [fan_version(current)]
    return await update_fan.execute(request.user, fan_id, changes, now_at, actor=actor)


def _refused_edit(
    request: AnyRequest,
    conversation_id: int,
    current: Fan,
    data: FanForm,
    refused: DomainError,
    now: datetime,
) -> Response[Any]:
    """The panel again with what was typed (and the version it was typed against), and why."""
    status = status_of(refused)
    message = STALE if isinstance(refused, PreconditionFailed) else refused.message
    if not is_htmx(request):
        return error_page(request, status, message)
    typed = replace(
        FanPanel.of(current, now),
        notes=data.notes,
        tags=data.tags,
        version=data.version,
        was=data.was,
    )
    field = refused.field if isinstance(refused, Invalid) else None
    return render(
        request,
        "inbox_fan.html",
        status=status,
        fan=typed,
        conversation_id=conversation_id,
        errors={field: message} if field else {},
        flash=None if field else message,
    )


def _retargeted(answer: Template, target: str) -> Template:
    answer.headers.update({"HX-Retarget": target, "HX-Reswap": "outerHTML"})
    return answer


ROUTES = [reply, message_fragment, edit_fan]
