"""Quick replies: the list and a new one (/settings/quick-replies), one to edit, deleting one.

Chatters read them (and insert them in the inbox); managers and owners write them, through the
use cases of `/api/crm/quick-replies` (an edit replaces both fields, as its PUT does). The rules
(not blank, lengths) are the core's, and name the field the form shows the error under.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from core.errors import Invalid
from core.messaging import MAX_CONTENT_LENGTH
from core.quick_replies import (
    CreateQuickReply,
    DeleteQuickReply,
    GetQuickReply,
    ListQuickReplies,
    QuickReplyChanges,
    UpdateQuickReply,
)
from core.quick_replies.records import MAX_QUICK_REPLY_TITLE_LENGTH
from entrypoints.http.caller import caller_of
from entrypoints.http.console.forms import URL_ENCODED, textarea_text
from entrypoints.http.console.pages import AnyRequest, acting_as, may, render, said
from entrypoints.http.controllers.params import Offset, PathId

LIST = "/settings/quick-replies"
PAGE_SIZE = 50
# What the list says after a change (`?done=`).
DONE = {
    "added": "Quick reply added.",
    "saved": "Quick reply saved.",
    "deleted": "Quick reply deleted.",
}
LIMITS = {"title": MAX_QUICK_REPLY_TITLE_LENGTH, "content": MAX_CONTENT_LENGTH}


@dataclass
class QuickReplyForm:
    title: str = ""
    content: str = ""


@get(LIST, opt=acting_as("listQuickReplies"), include_in_schema=False)
async def quick_replies_page(
    request: AnyRequest, list_quick_replies: NamedDependency[ListQuickReplies], offset: Offset = 0
) -> Template:
    done = said(request, DONE)
    return await _list(request, list_quick_replies, QuickReplyForm(), offset=offset, done=done)


@post(LIST, opt=acting_as("createQuickReply"), include_in_schema=False)
async def create_quick_reply_form(
    request: AnyRequest,
    data: Annotated[QuickReplyForm, URL_ENCODED],
    create_quick_reply: NamedDependency[CreateQuickReply],
    list_quick_replies: NamedDependency[ListQuickReplies],
) -> Response[Any]:
    try:
        await create_quick_reply.execute(request.user, data.title, textarea_text(data.content))
    except Invalid as exc:
        return await _list(request, list_quick_replies, data, 400, {exc.field or "": exc.message})
    return Redirect(f"{LIST}?done=added", status_code=303)


async def _list(
    request: AnyRequest,
    list_quick_replies: ListQuickReplies,
    form: QuickReplyForm,
    status: int = 200,
    errors: dict[str, str] | None = None,
    *,
    offset: int = 0,
    done: str | None = None,
) -> Template:
    page = await list_quick_replies.execute(request.user, PAGE_SIZE, offset)
    return render(
        request,
        "quick_replies.html",
        status=status,
        page=page,
        offset=offset,
        previous=f"{LIST}?offset={max(0, offset - PAGE_SIZE)}" if offset > 0 else None,
        next=f"{LIST}?offset={offset + PAGE_SIZE}" if offset + PAGE_SIZE < page.total else None,
        form=form,
        errors=errors or {},
        done=done,
        limits=LIMITS,
        **_offered(request),
    )


@get(f"{LIST}/{{reply_id:int}}", opt=acting_as("getQuickReply"), include_in_schema=False)
async def quick_reply_page(
    request: AnyRequest, reply_id: PathId, get_quick_reply: NamedDependency[GetQuickReply]
) -> Template:
    reply = await get_quick_reply.execute(request.user, reply_id)
    return _edit(request, reply_id, QuickReplyForm(reply.title, reply.content))


@post(f"{LIST}/{{reply_id:int}}", opt=acting_as("replaceQuickReply"), include_in_schema=False)
async def replace_quick_reply_form(
    request: AnyRequest,
    reply_id: PathId,
    data: Annotated[QuickReplyForm, URL_ENCODED],
    update_quick_reply: NamedDependency[UpdateQuickReply],
) -> Response[Any]:
    changes = QuickReplyChanges(data.title, textarea_text(data.content))
    try:
        await update_quick_reply.execute(request.user, reply_id, changes)
    except Invalid as exc:  # checked before anything is read or written
        return _edit(request, reply_id, data, 400, {exc.field or "": exc.message})
    return Redirect(f"{LIST}?done=saved", status_code=303)


def _edit(
    request: AnyRequest,
    reply_id: int,
    form: QuickReplyForm,
    status: int = 200,
    errors: dict[str, str] | None = None,
) -> Template:
    return render(
        request,
        "quick_reply.html",
        status=status,
        reply_id=reply_id,
        form=form,
        errors=errors or {},
        limits=LIMITS,
        **_offered(request),
    )


def _offered(request: AnyRequest) -> dict[str, bool]:
    """The changes the pages offer this caller: those the API's operations allow them."""
    caller = caller_of(request)
    return {
        "may_create": may(caller, "createQuickReply"),
        "may_edit": may(caller, "replaceQuickReply"),
        "may_delete": may(caller, "deleteQuickReply"),
    }


@post(f"{LIST}/{{reply_id:int}}/delete", opt=acting_as("deleteQuickReply"), include_in_schema=False)
async def delete_quick_reply_form(
    request: AnyRequest, reply_id: PathId, delete_quick_reply: NamedDependency[DeleteQuickReply]
) -> Redirect:
    await delete_quick_reply.execute(request.user, reply_id)
    return Redirect(f"{LIST}?done=deleted", status_code=303)


ROUTES = [
    quick_replies_page,
    create_quick_reply_form,
    quick_reply_page,
    replace_quick_reply_form,
    delete_quick_reply_form,
]
