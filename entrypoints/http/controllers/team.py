"""An account's people: its members and the invitations that bring new ones."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from core.identity import (
    KEY_ID_PATTERN,
    ChangeMemberRole,
    InviteMember,
    ListInvitations,
    ListMembers,
    RemoveMember,
    RevokeInvitation,
)
from entrypoints.http.caller import caller_of
from entrypoints.http.controllers.params import Limit, Offset
from entrypoints.http.schemas.team import (
    InvitationBody,
    InvitationPage,
    InvitationView,
    IssuedInvitationView,
    MemberPage,
    MemberPatchBody,
    MemberView,
)

AnyRequest = Request[Any, Any, Any]
UserId = Annotated[str, PathParameter(pattern="^[0-9a-f]{32}$", description="A user's id")]
InvitationId = Annotated[str, PathParameter(pattern=f"^{KEY_ID_PATTERN}$")]


class TeamController(Controller):
    path = "/api/crm"
    tags = ["team"]

    @get("/members", operation_id="listMembers")
    async def list_members(
        self,
        request: AnyRequest,
        list_members: NamedDependency[ListMembers],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> MemberPage:
        """The account's members and their roles, in the order they joined."""
        page = await list_members.execute(caller_of(request), limit, offset)
        items = [MemberView.of(member) for member in page.items]
        return MemberPage(items=items, total=page.total, limit=limit, offset=offset)

    @patch("/members/{user_id:str}", operation_id="updateMember")
    async def update_member(
        self,
        request: AnyRequest,
        user_id: UserId,
        data: JSONBody[MemberPatchBody],
        change_member_role: NamedDependency[ChangeMemberRole],
    ) -> MemberView:
        """Change a member's role; it applies to their next request. A manager may not change
        an owner nor make one; the last owner cannot be demoted (409)."""
        member = await change_member_role.execute(caller_of(request), user_id, data.role)
        return MemberView.of(member)

    @delete("/members/{user_id:str}", operation_id="removeMember")
    async def remove_member(
        self,
        request: AnyRequest,
        user_id: UserId,
        remove_member: NamedDependency[RemoveMember],
    ) -> None:
        """Remove a member: their next request in this account is refused. A manager may not
        remove an owner; the last owner cannot be removed (409)."""
        await remove_member.execute(caller_of(request), user_id)

    @post("/invitations", operation_id="createInvitation")
    async def invite(
        self,
        request: AnyRequest,
        data: JSONBody[InvitationBody],
        invite_member: NamedDependency[InviteMember],
    ) -> IssuedInvitationView:
        """Invite an email with a role: the answer holds the one-time link (and its token),
        valid 7 days; no email is sent. Only an owner invites an owner. A new invitation
        replaces a pending one for the same email."""
        issued = await invite_member.execute(caller_of(request), data.email, data.role)
        return IssuedInvitationView.issued(issued)

    @get("/invitations", operation_id="listInvitations")
    async def list_invitations(
        self,
        request: AnyRequest,
        list_invitations: NamedDependency[ListInvitations],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> InvitationPage:
        """The invitations neither accepted, revoked nor expired, newest first."""
        page = await list_invitations.execute(caller_of(request), limit, offset)
        items = [InvitationView.of(invitation) for invitation in page.items]
        return InvitationPage(items=items, total=page.total, limit=limit, offset=offset)

    @delete("/invitations/{invitation_id:str}", operation_id="revokeInvitation")
    async def revoke_invitation(
        self,
        request: AnyRequest,
        invitation_id: InvitationId,
        revoke_invitation: NamedDependency[RevokeInvitation],
    ) -> None:
        """Revoke a pending invitation: its link stops working."""
        await revoke_invitation.execute(caller_of(request), invitation_id)
