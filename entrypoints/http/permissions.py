"""Who may call what: one table, every route of the app declared in it.

A role includes what the roles below it may (chatter < manager < owner). An API key acts with
its role; the service token acts as the account's owner. A route missing from the table stops
the app from being built, so a new endpoint cannot ship without a decision about it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute

from core.accounts import Caller, Role
from entrypoints.http.caller import caller_of


class Access(enum.Enum):
    PUBLIC = "public"  # no credential at all
    SIGNED = "signed"  # the bridge's HMAC signature instead of a bearer token
    PERSON = "person"  # a person signed in, whatever their accounts: their own profile


Rule = Access | Role
CHATTER, MANAGER, OWNER = Role.CHATTER, Role.MANAGER, Role.OWNER

# Chatters answer fans: the inbox, threads and fans, single sends and replies, quick replies,
# fan notes and tags (the fan handler refuses them other fields). Managers run the account:
# imports, campaigns, revenue analytics, members and invitations. Owners also hold the keys.
PERMISSIONS: Mapping[str, Rule] = {
    # Open to anyone: probes, scrapes, the API document and signing in.
    "health": Access.PUBLIC,
    "metrics": Access.PUBLIC,
    "receiveEvent": Access.SIGNED,
    "login": Access.PUBLIC,
    "refreshSession": Access.PUBLIC,
    "logout": Access.PUBLIC,
    "acceptInvitation": Access.PUBLIC,
    # A person's own profile and password, whatever accounts they are in.
    "getProfile": Access.PERSON,
    "changePassword": Access.PERSON,
    # Conversations and single sends.
    "listConversations": CHATTER,
    "getConversation": CHATTER,
    "listConversationMessages": CHATTER,
    "markConversationRead": CHATTER,
    "replyInConversation": CHATTER,
    "sendMessage": CHATTER,
    "getQueueStatus": CHATTER,
    "getMessage": CHATTER,
    "listFailedMessages": CHATTER,
    "retryMessage": CHATTER,
    "unsendMessage": CHATTER,
    "sendMessageBatch": MANAGER,
    # Fans: chatters read them and edit notes and tags.
    "listFans": CHATTER,
    "topFans": CHATTER,
    "getFan": CHATTER,
    "updateFan": CHATTER,
    "createFan": MANAGER,
    "replaceFan": MANAGER,
    "deleteFan": MANAGER,
    "importFansCsv": MANAGER,
    "importErrorsCsv": MANAGER,
    # Quick replies: chatters use them, managers write them.
    "listQuickReplies": CHATTER,
    "getQuickReply": CHATTER,
    "createQuickReply": MANAGER,
    "replaceQuickReply": MANAGER,
    "updateQuickReply": MANAGER,
    "deleteQuickReply": MANAGER,
    # The account's sending rules: everyone reads them (quiet hours shape a chatter's day).
    "getSettings": CHATTER,
    "updateSettings": MANAGER,
    # Campaigns.
    "sendBulkMessage": MANAGER,
    "countCampaignAudience": MANAGER,
    "listCampaigns": MANAGER,
    "getCampaign": MANAGER,
    "editScheduledCampaign": MANAGER,
    "pauseCampaign": MANAGER,
    "resumeCampaign": MANAGER,
    "cancelCampaign": MANAGER,
    "retryFailedCampaignMessages": MANAGER,
    "unsendUnreadCampaignMessages": MANAGER,
    # Automations: sequences sent for the account, like campaigns.
    "createAutomation": MANAGER,
    "listAutomations": MANAGER,
    "getAutomation": MANAGER,
    "replaceAutomation": MANAGER,
    "deleteAutomation": MANAGER,
    "enableAutomation": MANAGER,
    "disableAutomation": MANAGER,
    # Revenue, the team's figures, who did what, and the health of the pipeline.
    "analytics": MANAGER,
    "getTeamAnalytics": MANAGER,
    "listAudit": MANAGER,
    "monitoring": MANAGER,
    # The team: managers run it, but may not touch owners (the use cases refuse that).
    "listMembers": MANAGER,
    "updateMember": MANAGER,
    "removeMember": MANAGER,
    "createInvitation": MANAGER,
    "listInvitations": MANAGER,
    "revokeInvitation": MANAGER,
    "createApiKey": OWNER,
    "listApiKeys": OWNER,
    "revokeApiKey": OWNER,
}

# Served by Litestar itself or as files (the OpenAPI document, Swagger UI and its assets): they
# carry no operation id, so they are declared by path. Everything under them is public.
PUBLIC_PREFIXES = ("/schema", "/static/")
_RULE = "permission"
ACTS_AS = "acts_as"


class MissingRule(LookupError):
    """A route the permission table does not declare: the app refuses to start."""


def declare_permissions(app: Litestar) -> None:
    """Attach each route handler's rule; raise `MissingRule` naming every undeclared route.

    Public and signed routes are excluded from bearer authentication here, so the table is
    also the one list of what needs no token.
    """
    missing = []
    for path, handler in routes_of(app):
        rule = rule_for(path, handler)
        if rule is None:
            missing.append(f"{sorted(handler.http_methods)[0]} {path} ({permission_key(handler)})")
            continue
        handler.opt[_RULE] = rule
        if rule in (Access.PUBLIC, Access.SIGNED):
            handler.opt["exclude_from_auth"] = True
    if missing:
        raise MissingRule("no permission rule for: " + ", ".join(missing))


def routes_of(app: Litestar) -> Iterator[tuple[str, HTTPRouteHandler]]:
    """Every (path, handler) the app serves, but the OPTIONS answers Litestar makes itself."""
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                if handler.http_methods != {"OPTIONS"}:
                    yield route.path, handler


def rules_by_operation(app: Litestar) -> dict[tuple[str, str], Rule]:
    """(path as the OpenAPI document writes it, lower-case method) → the rule declared for it."""
    rules: dict[tuple[str, str], Rule] = {}
    for path, handler in routes_of(app):
        documented = _CONVERTER.sub(r"{\1}", path)
        for method in handler.http_methods:
            rules[(documented, method.lower())] = handler.opt[_RULE]
    return rules


_CONVERTER = re.compile(r"{(\w+):[^}]+}")  # `{fan_id:int}` is `{fan_id}` in the document


def permission_key(handler: HTTPRouteHandler) -> str | None:
    """The operation id, or the name of a handler published under several paths; a console
    page is declared by the operation whose use case it calls (`acts_as`)."""
    if ACTS_AS in handler.opt:
        return str(handler.opt[ACTS_AS])
    if isinstance(handler.operation_id, str):
        return handler.operation_id
    return handler.name


def rule_for(path: str, handler: HTTPRouteHandler) -> Rule | None:
    key = permission_key(handler)
    if key is not None and key in PERMISSIONS:
        return PERMISSIONS[key]
    if path.startswith(PUBLIC_PREFIXES):
        return Access.PUBLIC
    return None


def enforce_permissions(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """The guard on every route: the caller's role (read afresh on this request) meets the rule."""
    rule = handler.opt.get(_RULE)
    # No rule: Litestar's own OPTIONS answers (every route the app starts with has one, checked
    # by declare_permissions). Public and signed routes have no bearer token to judge.
    if rule is None or rule in (Access.PUBLIC, Access.SIGNED):
        return
    caller = caller_of(connection)
    if not allows(rule, caller):
        if rule is Access.PERSON:
            raise PermissionDeniedException("only a person signed in may do this, not a key")
        held = caller.role.value if caller.role else "no role"
        raise PermissionDeniedException(f"this needs the {rule.value} role; the caller has {held}")


def allows(rule: Rule, caller: Caller) -> bool:
    """Whether the rule admits this caller (the guard, and the console's menus)."""
    if rule in (Access.PUBLIC, Access.SIGNED):
        return True
    if rule is Access.PERSON:
        return caller.user_id is not None
    return caller.role is not None and caller.role.includes(rule)


# What a chatter may change of a fan (PATCH): the rest of the record is the managers'.
CHATTER_FAN_FIELDS = frozenset({"notes", "tags"})


def fan_fields_beyond_role(caller: Caller, fields: Iterable[str]) -> list[str]:
    """Those of a fan's fields the caller may not change: for a chatter, all but notes and tags
    (the console shows them read-only)."""
    if caller.role is not Role.CHATTER:
        return []
    return sorted(set(fields) - CHATTER_FAN_FIELDS)


def refuse_fan_fields_beyond_role(
    connection: ASGIConnection[Any, Any, Any, Any], fields: Iterable[str]
) -> None:
    """A chatter's fan edit may touch only notes and tags; 403 naming the others."""
    beyond = fan_fields_beyond_role(caller_of(connection), fields)
    if beyond:
        raise PermissionDeniedException(
            f"a chatter may change only notes and tags of a fan, not {', '.join(beyond)}"
        )
