"""People and where they act: users, creator accounts, memberships, sessions, API keys and
invitations. Secrets are never held here: only their SHA-256 digests (see `tokens`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.accounts import Role
from core.checks import check_text
from core.errors import Invalid

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
MAX_EMAIL_LENGTH = 320
MAX_PERSON_NAME_LENGTH = 255
MAX_ACCOUNT_NAME_LENGTH = 200
MAX_ACCOUNT_ID_LENGTH = 128  # the tenant column every table carries
MAX_KEY_NAME_LENGTH = 100

# A refresh token lives this long after it is issued; each use issues the next one.
REFRESH_TTL = timedelta(days=30)
INVITATION_TTL = timedelta(days=7)
# An API key's last use is written at most this often: a key may be used many times a second.
KEY_USE_RECORDED_EVERY = timedelta(minutes=1)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# An id chosen by an operator (`fancrm accounts create --id`): plain enough for a URL or a log.
_ACCOUNT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]*")


@dataclass(frozen=True, slots=True)
class User:
    id: str
    email: str  # trimmed and lower-cased: one person, one email, whatever its case
    name: str | None
    password_hash: str
    created_at: datetime
    password_changed_at: datetime


@dataclass(frozen=True, slots=True)
class Account:
    """A creator account: the tenant (`user_id`) every row of the CRM belongs to."""

    id: str
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Membership:
    account_id: str
    user_id: str
    role: Role
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AccountRole:
    """An account a person may act in, and their role there."""

    id: str
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class Member:
    user_id: str
    email: str
    name: str | None
    role: Role
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class Session:
    """One sign-in: the family of refresh tokens it rotates through. Revoked, it ends them all.

    `account_id` is the account chosen at sign-in, acting as the account header of every request
    that names none.
    """

    id: str
    user_id: str
    account_id: str | None
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RefreshToken:
    token_hash: str
    session_id: str
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None = None  # set when it was exchanged for the next one


@dataclass(frozen=True, slots=True)
class SessionAccess:
    """What one request's check finds: the session is live; `role` in `account`, if a member."""

    account: str | None  # the account named (header or sign-in), or the earliest membership's
    named: bool  # the account was named by the request or at sign-in, not found by default
    role: Role | None  # None: not a member of `account` (or of any account when not named)


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    account_id: str
    name: str
    role: Role
    secret_hash: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Invitation:
    id: str
    account_id: str
    email: str
    role: Role
    token_hash: str
    invited_by: str | None  # the inviting member's user id; None for a key or the service
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None = None
    revoked_at: datetime | None = None

    def pending_at(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


def normalize_email(raw: str, field: str = "email") -> str:
    """Trimmed and lower-cased; a 400 naming `field` unless it looks like an address."""
    email = check_text(raw.strip().lower(), field, MAX_EMAIL_LENGTH) or ""
    if not _EMAIL.fullmatch(email):
        raise Invalid(f"{field} is not an email address", field=field)
    return email


def check_password(raw: str, field: str = "password") -> str:
    """A new password: 10 to 1024 characters, kept exactly as typed (spaces included)."""
    if len(raw) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"{field} must be at least {MIN_PASSWORD_LENGTH} characters", field=field)
    if len(raw) > MAX_PASSWORD_LENGTH:
        raise Invalid(f"{field} must be at most {MAX_PASSWORD_LENGTH} characters", field=field)
    return raw


def check_person_name(raw: str | None) -> str | None:
    name = check_text(None if raw is None else raw.strip(), "name", MAX_PERSON_NAME_LENGTH)
    return name or None


def check_required_name(raw: str, field: str, max_length: int) -> str:
    name = check_text(raw.strip(), field, max_length)
    if not name:
        raise Invalid(f"{field} must not be empty", field=field)
    return name


def check_account_id(raw: str) -> str:
    account_id = check_text(raw, "id", MAX_ACCOUNT_ID_LENGTH) or ""
    if not _ACCOUNT_ID.fullmatch(account_id):
        raise Invalid(
            "an account id starts with a letter or digit and holds only letters, digits and "
            "'.', '_', ':', '@', '-'",
            field="id",
        )
    return account_id
