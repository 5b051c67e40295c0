"""What every console page shares: how a route declares itself, its menu, and rendering.

A console route acts as one operation of the API (`acts_as`): it calls that operation's use case
and the permission table's rule for that operation admits or refuses it, so the console and the
API cannot disagree about who may do what. The menu shows a page only to whom it admits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.response import Template

from core.accounts import Caller
from entrypoints.http.auth import CONSOLE
from entrypoints.http.permissions import ACTS_AS, PERMISSIONS, allows

AnyRequest = Request[Any, Any, Any]
# What a poll answers besides a fragment (htmx's own meanings of these statuses).
NO_CHANGE = 204  # htmx swaps nothing: the page already shows this
STOP_POLLING = 286  # htmx swaps the answer in and polls no more


def acting_as(operation: str) -> dict[str, Any]:
    """The opt of a console route calling the use case of `operation` (a PERMISSIONS key)."""
    if operation not in PERMISSIONS:
        raise KeyError(f"{operation} is not in the permission table")
    return {CONSOLE: True, ACTS_AS: operation}


@dataclass(frozen=True, slots=True)
class MenuItem:
    label: str
    path: str
    acts_as: str


MENU = (
    MenuItem("Inbox", "/inbox", "listConversations"),
    MenuItem("Fans", "/fans", "listFans"),
    MenuItem("Import", "/fans/import", "importFansCsv"),
    MenuItem("Campaigns", "/campaigns", "listCampaigns"),
    MenuItem("Analytics", "/analytics", "analytics"),
    MenuItem("Dashboard", "/dashboard", "monitoring"),
    MenuItem("Team", "/team", "listMembers"),
    MenuItem("Settings", "/settings", "getSettings"),
)


def menu_of(caller: Caller | None) -> list[MenuItem]:
    if caller is None:
        return []
    return [item for item in MENU if allows(PERMISSIONS[item.acts_as], caller)]


def current_item(items: list[MenuItem], path: str) -> MenuItem | None:
    """The item the page belongs to: the longest menu path the page's path starts with."""
    matching = [i for i in items if path == i.path or path.startswith(i.path + "/")]
    return max(matching, key=lambda i: len(i.path), default=None)


def caller_or_none(request: AnyRequest) -> Caller | None:
    auth = request.scope.get("auth")
    return auth if isinstance(auth, Caller) else None


def render(request: AnyRequest, template: str, *, status: int = 200, **context: Any) -> Template:
    """A page (or, for an HTMX request, a fragment) with what the layout needs around it."""
    caller = caller_or_none(request)
    items = menu_of(caller)
    return Template(
        template_name=template,
        context={
            "caller": caller,
            "menu": items,
            "current": current_item(items, request.url.path),
            "status": status,
            **context,
        },
        status_code=status,
    )


def is_htmx(request: AnyRequest) -> bool:
    """Whether htmx asked (it wants a fragment), not the browser (a page)."""
    return request.headers.get("hx-request") == "true"


def may(caller: Caller, operation: str) -> bool:
    """Whether the page should offer an action: a button the caller may use."""
    return allows(PERMISSIONS[operation], caller)


def said(request: AnyRequest, messages: Mapping[str, str]) -> str | None:
    """What the redirect after a change asks its page to say (`?done=<word>`): one of the page's
    own messages, so a link cannot make the page say anything else."""
    return messages.get(request.query_params.get("done", ""))
