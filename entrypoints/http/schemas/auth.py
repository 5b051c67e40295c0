"""Signing in and out, the person's profile, and accepting an invitation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, UnsetType

from core.accounts import Role
from core.identity import (
    MAX_ACCOUNT_ID_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_PASSWORD_LENGTH,
    MAX_PERSON_NAME_LENGTH,
    MIN_PASSWORD_LENGTH,
    SECRET_PATTERN,
    AccountRole,
    Profile,
    User,
)
from entrypoints.http.schemas import NO_NUL, Body, Schema, not_blank

# Any password a person may have: a new one is 10 to 1024 characters, kept exactly as typed.
GivenPassword = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_PASSWORD_LENGTH)]
NewPassword = Annotated[
    str, msgspec.Meta(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)
]
LoginEmail = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_EMAIL_LENGTH, pattern=NO_NUL)]
AccountId = Annotated[
    str, msgspec.Meta(min_length=1, max_length=MAX_ACCOUNT_ID_LENGTH, pattern=NO_NUL)
]
# A refresh or invitation token exactly as the server made it (256 random bits, URL-safe).
Secret = Annotated[str, msgspec.Meta(pattern=f"^{SECRET_PATTERN}$")]


class LoginBody(Body):
    email: LoginEmail
    password: GivenPassword
    # The account requests act in when they name none (X-Fancrm-Account); else the earliest.
    account: AccountId | UnsetType = UNSET


class RefreshBody(Body):
    """Without refreshToken, the `fancrm_refresh` cookie is read."""

    refresh_token: Secret | UnsetType = UNSET


class PasswordBody(Body):
    current_password: GivenPassword
    new_password: NewPassword


class AcceptInvitationBody(Body):
    token: Secret
    # A new email's password (10 or more characters); an email with a user already: its own.
    password: GivenPassword
    name: not_blank(MAX_PERSON_NAME_LENGTH) | UnsetType = UNSET  # type: ignore[valid-type]


class UserView(Schema):
    id: str
    email: str
    name: str | None
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserView:
        return cls(id=user.id, email=user.email, name=user.name, created_at=user.created_at)


class AccountRoleView(Schema):
    id: str
    name: str
    role: Role

    @classmethod
    def of(cls, account: AccountRole) -> AccountRoleView:
        return cls(id=account.id, name=account.name, role=account.role)


class TokensView(Schema):
    access_token: str
    token_type: str
    expires_in: int  # seconds the access token lives
    refresh_token: str
    refresh_expires_at: datetime


class SignedInView(TokensView):
    user: UserView
    accounts: list[AccountRoleView]


class ProfileView(Schema):
    user: UserView
    accounts: list[AccountRoleView]

    @classmethod
    def of(cls, profile: Profile) -> ProfileView:
        return cls(
            user=UserView.of(profile.user),
            accounts=[AccountRoleView.of(a) for a in profile.accounts],
        )


class AcceptedView(Schema):
    user: UserView
    account: AccountRoleView
