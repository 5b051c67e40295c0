"""ETags and If-Match (RFC 9110 §13.1.1) for rows edited from a copy the client read earlier."""

from __future__ import annotations

from typing import Annotated

from litestar.params import HeaderParameter

IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        description="Apply only if the row is still at this ETag (from a GET); 412 otherwise.",
    ),
]


def etag(version: str) -> str:
    return f'"{version}"'


def accepted_versions(if_match: str | None) -> list[str] | None:
    """The versions an If-Match header accepts; None when any will do (no header, or `*`).

    If-Match compares strongly, so a weak tag (`W/"…"`) matches nothing.
    """
    if if_match is None or if_match.strip() == "*":
        return None
    tags = (tag.strip() for tag in if_match.split(","))
    return [tag[1:-1] for tag in tags if len(tag) >= 2 and tag[0] == tag[-1] == '"']
