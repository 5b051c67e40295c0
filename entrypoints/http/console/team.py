"""The team: members and their roles, and invitations (the one-time link shown to copy).

Each route calls the use case of the API operation it acts as (entrypoints/http/controllers/
team.py), which holds the rules of who may change whom: a manager touching an owner (403) or the
last owner leaving (409) is refused there, and the page shows the refusal as a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from core.accounts import Role
from core.errors import Conflict, Forbidden, Invalid
from core.identity import (
    INVITATION_TTL,
    ChangeMemberRole,
    InviteMember,
    ListInvitations,
    ListMembers,
    RemoveMember,
    RevokeInvitation,
)
from core.paging import MAX_PAGE_SIZE
from entrypoints.http.caller import caller_of
from entrypoints.http.console.forms import URL_ENCODED, one_of, options
from entrypoints.http.console.pages import AnyRequest, acting_as, may, render, said
from entrypoints.http.controllers.team import InvitationId, UserId
from entrypoints.http.errors import status_of
from entrypoints.http.schemas.team import IssuedInvitationView

# Every role is offered to everyone: whether this caller may grant it is the use case's rule,
# and its refusal shows under the field.
ROLES = options(Role)
# What a change that worked says on the page it redirects to (`?done=`).
DONE = {
    "role": "Role saved; a change applies to their next request.",
    "removed": "The member was removed; their next request in this account is refused.",
    "revoked": "The invitation was revoked; its link no longer works.",
}
Refusal = Invalid | Forbidden | Conflict


@dataclass
class InviteForm:
    email: str = ""
    role: str = Role.CHATTER.value


@dataclass
class RoleForm:
    role: str = ""


@dataclass(frozen=True, slots=True)
class IssuedLink:
    """An invitation just made: its link, absolute, shown this once."""

    email: str
    role: Role
    url: str


@get("/team", opt=acting_as("listMembers"), include_in_schema=False)
async def team_page(
    request: AnyRequest,
    list_members: NamedDependency[ListMembers],
    list_invitations: NamedDependency[ListInvitations],
) -> Template:
    return await _team_page(request, list_members, list_invitations, done=said(request, DONE))


@post("/team/members/{user_id:str}/role", opt=acting_as("updateMember"), include_in_schema=False)
async def change_role(
    request: AnyRequest,
    user_id: UserId,
    data: Annotated[RoleForm, URL_ENCODED],
    change_member_role: NamedDependency[ChangeMemberRole],
    list_members: NamedDependency[ListMembers],
    list_invitations: NamedDependency[ListInvitations],
) -> Response[Any]:
    try:
        role = one_of(Role, data.role, "role")
        await change_member_role.execute(caller_of(request), user_id, role)
    except (Invalid, Forbidden, Conflict) as refused:
        return await _team_page(request, list_members, list_invitations, refused=refused)
    return Redirect("/team?done=role", status_code=303)


@post("/team/members/{user_id:str}/remove", opt=acting_as("removeMember"), include_in_schema=False)
async def remove(
    request: AnyRequest,
    user_id: UserId,
    remove_member: NamedDependency[RemoveMember],
    list_members: NamedDependency[ListMembers],
    list_invitations: NamedDependency[ListInvitations],
) -> Response[Any]:
    try:
        await remove_member.execute(caller_of(request), user_id)
    except (Forbidden, Conflict) as refused:
        return await _team_page(request, list_members, list_invitations, refused=refused)
    return Redirect("/team?done=removed", status_code=303)


@post("/team/invitations", opt=acting_as("createInvitation"), include_in_schema=False)
async def invite(
    request: AnyRequest,
    data: Annotated[InviteForm, URL_ENCODED],
    invite_member: NamedDependency[InviteMember],
    list_members: NamedDependency[ListMembers],
    list_invitations: NamedDependency[ListInvitations],
) -> Template:
    """The answer is the page with the link: it is shown this once (only its digest is kept),
    so it is never put in a redirect's URL."""
    try:
        role = one_of(Role, data.role, "role")
        issued = await invite_member.execute(caller_of(request), data.email, role)
    except (Invalid, Forbidden, Conflict) as refused:
        errors = {_field_refused(refused): refused.message}
        return await _team_page(
            request, list_members, list_invitations, status_of(refused), form=data, errors=errors
        )
    view = IssuedInvitationView.issued(issued)  # the API's answer, whose `link` is the path
    link = IssuedLink(view.email, view.role, str(request.base_url).rstrip("/") + view.link)
    return await _team_page(request, list_members, list_invitations, issued=link)


def _field_refused(refused: Refusal) -> str:
    """The invite form's field a refusal is about: only an owner invites an owner (Forbidden:
    the role); a member already (Conflict: the email); else the field the Invalid names."""
    if isinstance(refused, Forbidden):
        return "role"
    if isinstance(refused, Invalid) and refused.field:
        return refused.field
    return "email"


@post(
    "/team/invitations/{invitation_id:str}/revoke",
    opt=acting_as("revokeInvitation"),
    include_in_schema=False,
)
async def revoke(
    request: AnyRequest,
    invitation_id: InvitationId,
    revoke_invitation: NamedDependency[RevokeInvitation],
) -> Redirect:
    await revoke_invitation.execute(caller_of(request), invitation_id)
    return Redirect("/team?done=revoked", status_code=303)


async def _team_page(
    request: AnyRequest,
    list_members: ListMembers,
    list_invitations: ListInvitations,
    status: int = 200,
    *,
    form: InviteForm | None = None,
    errors: dict[str, str] | None = None,
    refused: Refusal | None = None,
    issued: IssuedLink | None = None,
    done: str | None = None,
) -> Template:
    """The page: members, pending invitations and the invite form (with what was typed and
    why it was refused), or a change's refusal in words with its status."""
    caller = caller_of(request)
    members = await list_members.execute(caller, MAX_PAGE_SIZE)
    invitations = await list_invitations.execute(caller, MAX_PAGE_SIZE)
    return render(
        request,
        "team.html",
        status=status_of(refused) if refused is not None else status,
        members=members,
        invitations=invitations,
        form=form or InviteForm(),
        errors=errors or {},
        refused=refused.message if refused is not None else None,
        issued=issued,
        ttl_days=INVITATION_TTL.days,
        done=done,
        roles=ROLES,
        may_keys=may(caller, "listApiKeys"),
    )


ROUTES = [team_page, change_role, remove, invite, revoke]
