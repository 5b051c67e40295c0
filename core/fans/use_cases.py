"""Fan use cases: create, list (search, filter, sort), get, top; changes are in updates."""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.errors import Invalid, found
from core.fans.ports import FanQuery, FanStorage
from core.fans.records import MAX_TOP, Fan, NewFan, check_search, check_tags
from core.paging import Page, check_page
from core.ports import Clock


@dataclass(frozen=True, slots=True)
class CreateFan:
    storage: FanStorage
    clock: Clock

    async def execute(self, user_id: str, new: NewFan) -> Fan:
        fan = new.to_fan(user_id, self.clock.now())
        async with self.storage.begin() as uow:
            return await uow.fans.add(fan)


@dataclass(frozen=True, slots=True)
class ListFans:
    storage: FanStorage

    async def execute(self, user_id: str, query: FanQuery) -> Page[Fan]:
        check_page(query.limit, query.offset)
        # Tags are stored trimmed, so a filter is trimmed the same way; blanks filter nothing.
        tags = check_tags(query.tags)
        query = replace(query, search=check_search(query.search), tags=tags)
        async with self.storage.begin() as uow:
            return await uow.fans.list(user_id, query)


@dataclass(frozen=True, slots=True)
class TopFans:
    storage: FanStorage

    async def execute(self, user_id: str, limit: int = 10) -> list[Fan]:
        """The creator's biggest spenders; fans who spent nothing are not on the list."""
        if not 1 <= limit <= MAX_TOP:
            raise Invalid(f"limit must be between 1 and {MAX_TOP}", field="limit")
        async with self.storage.begin() as uow:
            return await uow.fans.top(user_id, limit)


@dataclass(frozen=True, slots=True)
class GetFan:
    storage: FanStorage

    async def execute(self, user_id: str, fan_id: int) -> Fan:
        async with self.storage.begin() as uow:
            fan = found(await uow.fans.get(user_id, fan_id), "fan", fan_id)
        return fan
