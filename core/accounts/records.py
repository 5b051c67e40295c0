"""Who acts: a role in a creator account, the author a message records, the caller of a request."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    """A member's role in one creator account; each includes what the ones below it may do."""

    CHATTER = "chatter"
    MANAGER = "manager"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def includes(self, other: Role) -> bool:
        """Whether this role may do what `other` may."""
        return self.rank >= other.rank


_RANKS = {Role.CHATTER: 0, Role.MANAGER: 1, Role.OWNER: 2}


class AuthorKind(enum.StrEnum):
    MEMBER = "member"  # a person, by user id
    KEY = "key"  # an API key of the account, by key id
    SERVICE = "service"  # the shared-secret service token (no id)
    CAMPAIGN = "campaign"  # a bulk campaign, by campaign id
    AUTOMATION = "automation"  # an automation, by automation id
    BRIDGE = "bridge"  # the platform bridge's signed events (an audit actor, never an author)


@dataclass(frozen=True, slots=True)
class Author:
    """Who sent an outbound message: a purchase naming the message credits this author."""

    kind: AuthorKind
    id: str | None = None

    @classmethod
    def member(cls, user_id: str) -> Author:
        return cls(AuthorKind.MEMBER, user_id)

    @classmethod
    def key(cls, key_id: str) -> Author:
        return cls(AuthorKind.KEY, key_id)

    @classmethod
    def service(cls) -> Author:
        return cls(AuthorKind.SERVICE)

    @classmethod
    def campaign(cls, campaign_id: int) -> Author:
        return cls(AuthorKind.CAMPAIGN, str(campaign_id))

    @classmethod
    def automation(cls, automation_id: int) -> Author:
        return cls(AuthorKind.AUTOMATION, str(automation_id))

    @classmethod
    def bridge(cls) -> Author:
        return cls(AuthorKind.BRIDGE)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who makes a request and in which account: checked afresh on every request.

    `account` is the tenant every row carries (`user_id` in storage). `user_id` and
    `session_id` are set for a person signed in; an API key or the service token has neither.
    `role` is None for a person signed in who acts in no account (a member of none): such a
    caller may reach only what needs no account (their own profile, password, sign-out).
    """

    account: str
    role: Role | None
    author: Author
    user_id: str | None = None
    session_id: str | None = None
