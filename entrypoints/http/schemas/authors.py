"""Who did something: the author of a message, the actor of an audit entry."""

from __future__ import annotations

from typing import Annotated

import msgspec

from core.accounts import Author, AuthorKind
from entrypoints.http.schemas import Schema

_KINDS = (
    "`member` (id: their user id), `key` (an API key's id), `service` (the shared-secret service "
    "token; no id), `campaign` (its id), `automation` (its id); as an audit actor only, `bridge` "
    "(the platform bridge's signed events; no id)"
)


class AuthorView(Schema):
    """`kind` is `member` (id: their user id), `key` (an API key's id), `service` (the
    shared-secret service token; no id), `campaign` (its id), `automation` (its id), or, as an
    audit actor only, `bridge` (the platform bridge's signed events; no id)."""

    kind: Annotated[AuthorKind, msgspec.Meta(description=_KINDS)]
    id: str | None

    @classmethod
    def of(cls, author: Author) -> AuthorView:
        return cls(kind=author.kind, id=author.id)

    @classmethod
    def of_optional(cls, author: Author | None) -> AuthorView | None:
        return None if author is None else cls.of(author)
