"""An audit entry: who did what in an account, and when. Never a message's text, a token or a
password: only ids and short facts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from core.accounts import Author

MAX_ACTION_LENGTH = 64
MAX_TARGET_LENGTH = 128

Detail = dict[str, str | int | bool | None]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    account: str
    at: datetime
    actor: Author
    action: str  # dotted, e.g. "login.ok", "member.role_changed", "campaign.pause"
    target: str | None = None  # the id of what it acted on, when there is one
    detail: Detail = field(default_factory=dict)
    id: int | None = None


@dataclass(frozen=True, slots=True)
class AuditQuery:
    limit: int = 50
    offset: int = 0
    member: str | None = None  # a user id: only what that member did
    action: str | None = None


def field_list(names: Iterable[str]) -> str:
    """Field names as the API spells them (`value_cents` → `valueCents`), comma-separated: what
    an entry says was changed, never the values."""
    return ",".join(_camel(name) for name in names)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
