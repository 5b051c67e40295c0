"""The WHERE and ORDER BY of a fan list: search, platform, tags, sort, on either dialect."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from adapters.storage.tables import fans
from core.fans import FanQuery, FanSort

_LIKE_ESCAPE = "\\"
_LAST_ACTIVE = fans.c.last_active_at
# Each sort breaks ties by id in its own direction, so one (user_id, column, id) index serves it.
# A fan never seen active counts as the least recently active: first one way, last the other,
# which is SQLite's own NULL order and one index scanned either way on PostgreSQL.
_ORDER: dict[FanSort, tuple[Any, ...]] = {
    FanSort.CREATED: (fans.c.id.asc(),),
    FanSort.NEWEST: (fans.c.id.desc(),),
    FanSort.VALUE: (fans.c.value_cents.asc(), fans.c.id.asc()),
    FanSort.TOP_VALUE: (fans.c.value_cents.desc(), fans.c.id.desc()),
    FanSort.LEAST_RECENTLY_ACTIVE: (_LAST_ACTIVE.asc().nulls_first(), fans.c.id.asc()),
    FanSort.MOST_RECENTLY_ACTIVE: (_LAST_ACTIVE.desc().nulls_last(), fans.c.id.desc()),
}


def order_of(sort: FanSort) -> tuple[Any, ...]:
    return _ORDER[sort]


def conditions_of(user_id: str, query: FanQuery, dialect: str) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = [fans.c.user_id == user_id]
    if query.platform is not None:
        conditions.append(fans.c.platform == query.platform.value)
    if query.search:
        conditions.append(matching_search(query.search))
    if query.tags:
        conditions.append(_tagged_with_all(query.tags, dialect))
    return conditions


def matching_search(search: str) -> sa.ColumnElement[bool]:
    """A case-insensitive substring of handle, name or email; `%` and `_` match themselves."""
    escaped = (
        search.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2)
        .replace("%", _LIKE_ESCAPE + "%")
        .replace("_", _LIKE_ESCAPE + "_")
    )
    pattern = f"%{escaped}%"
    return sa.or_(
        *(
            column.ilike(pattern, escape=_LIKE_ESCAPE)
            for column in (fans.c.handle, fans.c.name, fans.c.email)
        )
    )


def _tagged_with_all(tags: Collection[str], dialect: str) -> sa.ColumnElement[bool]:
    if dialect == "postgresql":
        # JSONB containment, which the GIN index on tags answers.
        return sa.type_coerce(fans.c.tags, JSONB).contains(sorted(tags))
    # SQLite: the fan's tag array, unnested by json_each, holds each of them.
    return sa.and_(*(_has_tag(tag) for tag in sorted(tags)))


def _has_tag(tag: str) -> sa.ColumnElement[bool]:
    each = sa.func.json_each(fans.c.tags).table_valued("value")
    return sa.exists().select_from(each).where(each.c.value == tag)
