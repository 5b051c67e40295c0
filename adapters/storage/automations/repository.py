"""Automations in SQL, always within one tenant but for what the ticks look for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import sqlalchemy as sa

from adapters.storage.automations.figures import figures_of
from adapters.storage.automations.rows import automation_from_row, automation_values
from adapters.storage.connection import Connection
from adapters.storage.tables import automations
from adapters.storage.types import UtcDateTime
from core.automations import Automation, AutomationFigures, Trigger
from core.paging import Page

_OWNER = automations.c.user_id == sa.bindparam("owner")
_OWNED = (_OWNER, automations.c.id == sa.bindparam("automation"))
_INSERT = automations.insert().returning(automations.c.id)
_GET = sa.select(automations).where(*_OWNED)
_LIST = (
    sa.select(automations)
    .where(_OWNER)
    .order_by(automations.c.id)
    .limit(sa.bindparam("limit"))
    .offset(sa.bindparam("offset"))
)
_COUNT = sa.select(sa.func.count()).select_from(automations).where(_OWNER)
_DELETE = automations.delete().where(*_OWNED)
_ENABLED_WITH_TRIGGER = (
    sa.select(automations)
    .where(_OWNER, automations.c.trigger == sa.bindparam("trigger"), automations.c.enabled)
    .order_by(automations.c.id)
)
_ENABLED_INACTIVITY = (
    sa.select(automations)
    .where(automations.c.trigger == Trigger.INACTIVE.value, automations.c.enabled)
    .order_by(automations.c.id)
)
_NOW = sa.bindparam("now", type_=UtcDateTime())


class SqlAlchemyAutomationRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, automation: Automation) -> Automation:
        values = {
            **automation_values(automation),
            "user_id": automation.user_id,
            "created_at": automation.created_at,
        }
        new_id = (await self._connection.execute(_INSERT, values)).scalar_one()
        return replace(automation, id=new_id)

    async def get(self, user_id: str, automation_id: int) -> Automation | None:
        params = {"owner": user_id, "automation": automation_id}
        row = (await self._connection.execute(_GET, params)).one_or_none()
        return None if row is None else automation_from_row(row)

    async def replace(self, automation: Automation) -> bool:
        statement = (
            automations.update()
            .where(automations.c.user_id == automation.user_id, automations.c.id == automation.id)
            .values(automation_values(automation))
        )
        return (await self._connection.execute(statement)).rowcount == 1

    async def set_enabled(
        self, user_id: str, automation_id: int, enabled: bool, now: datetime
    ) -> Automation | None:
        values: dict[str, object] = {"enabled": enabled, "updated_at": now}
        if enabled:  # fans who were quiet while it was off are not written to
            values["scanned_until"] = sa.case(
                (automations.c.enabled, automations.c.scanned_until), else_=_NOW
            )
        statement = (
            automations.update()
            .where(automations.c.user_id == user_id, automations.c.id == automation_id)
            .values(values)
        )
        await self._connection.execute(statement, {"now": now})
        return await self.get(user_id, automation_id)

    async def delete(self, user_id: str, automation_id: int) -> bool:
        params = {"owner": user_id, "automation": automation_id}
        return (await self._connection.execute(_DELETE, params)).rowcount == 1

    async def enabled_with_trigger(self, user_id: str, trigger: Trigger) -> list[Automation]:
        params = {"owner": user_id, "trigger": trigger.value}
        rows = await self._connection.execute(_ENABLED_WITH_TRIGGER, params)
        return [automation_from_row(row) for row in rows]

    async def enabled_inactivity(self) -> list[Automation]:
        rows = await self._connection.execute(_ENABLED_INACTIVITY)
        return [automation_from_row(row) for row in rows]

    async def move_scan(self, automation: Automation, until: datetime, now: datetime) -> bool:
        held = automations.c.scanned_until
        was = automation.scanned_until
        statement = (
            automations.update()
            .where(
                automations.c.id == automation.id,
                automations.c.enabled,
                held.is_(None) if was is None else held == was,
            )
            .values(scanned_until=until, updated_at=now)
        )
        return (await self._connection.execute(statement)).rowcount == 1

    async def figures(
        self, user_id: str, automation_ids: Sequence[int]
    ) -> dict[int, AutomationFigures]:
        return await figures_of(self._connection, user_id, automation_ids)

    async def list(self, user_id: str, limit: int, offset: int) -> Page[Automation]:
        params = {"owner": user_id, "limit": limit, "offset": offset}
        rows = await self._connection.execute(_LIST, params)
        total = await self._connection.scalar(_COUNT, {"owner": user_id})
        return Page([automation_from_row(row) for row in rows], total or 0)
