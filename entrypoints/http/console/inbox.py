"""The inbox: where chatters spend their day.

GET /inbox is the list (its first page: PAGE_SIZE conversations, newest activity first) and
GET /inbox/{id} the same with that conversation's thread, reply box and fan. The list and the
thread poll their fragments (every POLL_S: a new message shows within two seconds); a poll that
finds what the page already shows (the `seen` digest) answers 204 and htmx swaps nothing, so an
idle inbox costs a read of the page on screen, never a render.
Opening a thread marks it read by a POST of its own: a GET changes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from core.conversations import (
    GetConversation,
    ListConversationMessages,
    ListConversations,
    MarkConversationRead,
)
from core.errors import NotFound
from core.fans import GetFan
from core.fans.records import MAX_SEARCH_LENGTH
from core.messaging import MAX_CONTENT_LENGTH
from core.ports import Clock
from core.quick_replies import ListQuickReplies
from entrypoints.http.console import inbox_actions
from entrypoints.http.console.inbox_views import (
    FILTERS,
    THREAD_STEP,
    AnyClock,
    ConversationList,
    FanPanel,
    ListState,
    Thread,
    thread_size,
)
from entrypoints.http.console.pages import (
    NO_CHANGE,
    STOP_POLLING,
    AnyRequest,
    acting_as,
    is_htmx,
    render,
)
from entrypoints.http.controllers.params import PathId

FilterParam = Annotated[str, QueryParameter(name="filter")]


def _list_state(
    filter_: FilterParam = "", q: FromQuery[str] = "", page: FromQuery[str] = ""
) -> ListState:
    """The list's filter, search and page, as the three routes showing it take them."""
    return ListState.parse(filter_, q, page)


# The `list_state` of the routes that show the list.
WITH_LIST_STATE = {"list_state": Provide(_list_state, sync_to_thread=False)}


@get(
    "/inbox",
    opt=acting_as("listConversations"),
    include_in_schema=False,
    dependencies=WITH_LIST_STATE,
)
async def inbox_page(
    request: AnyRequest,
    list_conversations: NamedDependency[ListConversations],
    clock: NamedDependency[AnyClock],
    list_state: NamedDependency[ListState],
) -> Template:
    """The list alone: opening a conversation is the chatter's choice (it marks it read)."""
    listing = await _listing(request, list_conversations, clock, list_state, None)
    return render(request, "inbox.html", **_page(listing), thread=None, fan=None)


@get(
    "/inbox/{conversation_id:int}",
    opt=acting_as("getConversation"),
    include_in_schema=False,
    dependencies=WITH_LIST_STATE,
)
async def conversation_page(
    request: AnyRequest,
    conversation_id: PathId,
    get_conversation: NamedDependency[GetConversation],
    list_conversations: NamedDependency[ListConversations],
    list_conversation_messages: NamedDependency[ListConversationMessages],
    get_fan: NamedDependency[GetFan],
    list_quick_replies: NamedDependency[ListQuickReplies],
    clock: NamedDependency[AnyClock],
    list_state: NamedDependency[ListState],
) -> Template:
    """The list, the thread, its reply box and the fan: another account's id is not found."""
    summary = await get_conversation.execute(request.user, conversation_id)
    listing = await _listing(request, list_conversations, clock, list_state, conversation_id)
    messages = await list_conversation_messages.execute(request.user, conversation_id, THREAD_STEP)
    fan = await get_fan.execute(request.user, summary.conversation.fan_id)
    replies = await list_quick_replies.execute(request.user)
    now = clock.now()
    return render(
        request,
        "inbox.html",
        **_page(listing),
        thread=Thread.of(conversation_id, messages, THREAD_STEP, now),
        fan=FanPanel.of(fan, now),
        conversation_id=conversation_id,
        quick_replies=replies.items,
        max_length=MAX_CONTENT_LENGTH,
    )


@get(
    "/inbox/list",
    opt=acting_as("listConversations"),
    include_in_schema=False,
    dependencies=WITH_LIST_STATE,
)
async def list_fragment(
    request: AnyRequest,
    list_conversations: NamedDependency[ListConversations],
    clock: NamedDependency[AnyClock],
    list_state: NamedDependency[ListState],
    open_id: Annotated[int | None, QueryParameter(name="open", ge=1)] = None,
    seen: FromQuery[str] = "",
) -> Response[Any]:
    """The list's poll: 204 while it is what the page shows."""
    listing = await _listing(request, list_conversations, clock, list_state, open_id)
    if listing.digest == seen:
        return Response(None, status_code=NO_CHANGE)
    return render(request, "inbox_list.html", listing=listing)


@get(
    "/inbox/{conversation_id:int}/thread",
    opt=acting_as("listConversationMessages"),
    include_in_schema=False,
)
async def thread_fragment(
    request: AnyRequest,
    conversation_id: PathId,
    list_conversation_messages: NamedDependency[ListConversationMessages],
    clock: NamedDependency[AnyClock],
    shown: FromQuery[str] = "",
    seen: FromQuery[str] = "",
) -> Response[Any]:
    """The thread's poll (204 while no message came or went), and its earlier messages. A
    conversation gone meanwhile (its fan deleted) ends the poll with a line saying so."""
    size = thread_size(shown)
    try:
        messages = await list_conversation_messages.execute(request.user, conversation_id, size)
    except NotFound:
        if not is_htmx(request):
            raise
        return render(request, "inbox_gone.html", status=STOP_POLLING)
    thread = Thread.of(conversation_id, messages, size, clock.now())
    if thread.digest == seen:
        return Response(None, status_code=NO_CHANGE)
    return render(request, "inbox_thread.html", thread=thread)


@post(
    "/inbox/{conversation_id:int}/read",
    opt=acting_as("markConversationRead"),
    include_in_schema=False,
    status_code=NO_CHANGE,
)
async def mark_read(
    request: AnyRequest,
    conversation_id: PathId,
    mark_conversation_read: NamedDependency[MarkConversationRead],
) -> None:
    """Sent by the page when it shows inbound messages not read yet."""
    await mark_conversation_read.execute(request.user, conversation_id)


async def _listing(
    request: AnyRequest,
    list_conversations: ListConversations,
    clock: Clock,
    state: ListState,
    open_id: int | None,
) -> ConversationList:
    page = await list_conversations.execute(request.user, state.query())
    return ConversationList.of(page, state, clock.now(), open_id)


def _page(listing: ConversationList) -> dict[str, Any]:
    return {
        "listing": listing,
        "state": listing.state,
        "filters": FILTERS,
        "max_search": MAX_SEARCH_LENGTH,
    }


ROUTES = [
    inbox_page,
    list_fragment,
    conversation_page,
    thread_fragment,
    mark_read,
    *inbox_actions.ROUTES,
]
