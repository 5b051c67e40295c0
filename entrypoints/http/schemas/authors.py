"""Who did something: the author of a message, the actor of an audit entry."""

from __future__ import annotations

from core.accounts import Author
from entrypoints.http.schemas import Schema


class AuthorView(Schema):
    """`kind` is `member` (id: their user id), `key` (an API key's id), `service` (the
    shared-secret service token; no id), `campaign` (its id), `automation` (its id), or, as an
    audit actor only, `bridge` (the platform bridge's signed events; no id)."""

    kind: str
    id: str | None

    @classmethod
    def of(cls, author: Author) -> AuthorView:
        return cls(kind=author.kind.value, id=author.id)

    @classmethod
    def of_optional(cls, author: Author | None) -> AuthorView | None:
        return None if author is None else cls.of(author)
