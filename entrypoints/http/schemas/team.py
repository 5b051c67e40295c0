"""An account's members, invitations and API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from core.accounts import Role
from core.identity import (
    MAX_EMAIL_LENGTH,
    MAX_KEY_NAME_LENGTH,
    ApiKey,
    Invitation,
    IssuedInvitation,
    IssuedKey,
    Member,
)
from entrypoints.http.schemas import SPACE, Body, Schema, not_blank

_PART = rf"[^@\x00{SPACE}]+"
Email = Annotated[
    str,
    msgspec.Meta(
        max_length=MAX_EMAIL_LENGTH, pattern=rf"^[{SPACE}]*{_PART}@{_PART}\.{_PART}[{SPACE}]*$"
    ),
]
INVITATION_PATH = "/invite/"


class MemberPatchBody(Body):
    role: Role


class InvitationBody(Body):
    email: Email
    role: Role


class ApiKeyBody(Body):
    name: not_blank(MAX_KEY_NAME_LENGTH)  # type: ignore[valid-type]
    role: Role


class MemberView(Schema):
    user_id: str
    email: str
    name: str | None
    role: Role
    joined_at: datetime

    @classmethod
    def of(cls, member: Member) -> MemberView:
        return cls(
            user_id=member.user_id,
            email=member.email,
            name=member.name,
            role=member.role,
            joined_at=member.joined_at,
        )


class MemberPage(Schema):
    items: list[MemberView]
    total: int
    limit: int
    offset: int


class InvitationView(Schema):
    id: str
    email: str
    role: Role
    invited_by: str | None
    created_at: datetime
    expires_at: datetime

    @classmethod
    def fields_of(cls, invitation: Invitation) -> dict[str, object]:
        return {
            "id": invitation.id,
            "email": invitation.email,
            "role": invitation.role,
            "invited_by": invitation.invited_by,
            "created_at": invitation.created_at,
            "expires_at": invitation.expires_at,
        }

    @classmethod
    def of(cls, invitation: Invitation) -> InvitationView:
        return cls(**cls.fields_of(invitation))


class IssuedInvitationView(InvitationView):
    link: str  # relative to this server: the console's page that accepts it
    token: str  # shown this once: POST it to /api/auth/invitations/accept

    @classmethod
    def issued(cls, issued: IssuedInvitation) -> IssuedInvitationView:
        return cls(
            **cls.fields_of(issued.invitation),
            link=f"{INVITATION_PATH}{issued.token}",
            token=issued.token,
        )


class InvitationPage(Schema):
    items: list[InvitationView]
    total: int
    limit: int
    offset: int


class ApiKeyView(Schema):
    id: str
    name: str
    role: Role
    created_at: datetime
    last_used_at: datetime | None  # written at most once a minute
    revoked_at: datetime | None

    @classmethod
    def fields_of(cls, key: ApiKey) -> dict[str, object]:
        return {
            "id": key.id,
            "name": key.name,
            "role": key.role,
            "created_at": key.created_at,
            "last_used_at": key.last_used_at,
            "revoked_at": key.revoked_at,
        }

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyView:
        return cls(**cls.fields_of(key))


class IssuedApiKeyView(ApiKeyView):
    key: str  # `fck_<id>_<secret>`, shown this once: send it as `Authorization: Bearer <key>`

    @classmethod
    def issued(cls, issued: IssuedKey) -> IssuedApiKeyView:
        return cls(**cls.fields_of(issued.key), key=str(issued.secret))


class ApiKeyPage(Schema):
    items: list[ApiKeyView]
    total: int
    limit: int
    offset: int
