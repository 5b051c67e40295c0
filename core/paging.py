"""Pages of a list: the one rule every list endpoint's `limit` and `offset` follow."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from core.errors import Invalid

MAX_PAGE_SIZE = 200
# Far past any list we hold, and far below a BIGINT (a bigger OFFSET is a database error, a 500).
MAX_OFFSET = 1_000_000_000


def check_page(limit: int, offset: int) -> None:
    """Invalid naming `limit` or `offset` unless they describe a page we serve."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise Invalid(f"limit must be between 1 and {MAX_PAGE_SIZE}", field="limit")
    if offset < 0:
        raise Invalid("offset must not be negative", field="offset")
    if offset > MAX_OFFSET:
        raise Invalid(f"offset must be at most {MAX_OFFSET}", field="offset")


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T] = field(default_factory=list)
    total: int = 0
