"""Creating, changing, enabling, disabling, deleting and reading automations."""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.automations.definition import NewAutomation, check_no_blocked_word
from core.automations.ports import AutomationStorage, AutomationStore
from core.automations.records import Automation, AutomationFigures, StopReason
from core.errors import found, removed
from core.paging import Page, check_page
from core.ports import Clock
from core.settings import AccountRules


@dataclass(frozen=True, slots=True)
class AutomationView:
    automation: Automation
    figures: AutomationFigures


@dataclass(frozen=True, slots=True)
class CreateAutomation:
    storage: AutomationStorage
    rules: AccountRules
    clock: Clock

    async def execute(self, user_id: str, new: NewAutomation) -> AutomationView:
        automation = new.to_automation(user_id, self.clock.now())
        settings = await self.rules.of(user_id)
        check_no_blocked_word(automation.steps, settings.blocked_words)
        async with self.storage.begin() as uow:
            stored = await uow.automations.add(automation)
        return AutomationView(stored, AutomationFigures())


@dataclass(frozen=True, slots=True)
class ReplaceAutomation:
    """A new definition (name, trigger, audience, steps); whether it is enabled stays. Runs under
    way carry on with the new steps from the one they reached."""

    storage: AutomationStorage
    rules: AccountRules
    clock: Clock

    async def execute(self, user_id: str, automation_id: int, new: NewAutomation) -> AutomationView:
        now = self.clock.now()
        defined = new.to_automation(user_id, now)
        settings = await self.rules.of(user_id)
        check_no_blocked_word(defined.steps, settings.blocked_words)
        async with self.storage.begin() as uow:
            stored = found(await uow.automations.get(user_id, automation_id), "automation",
                           automation_id)  # fmt: skip
            changed = replace(
                defined, id=automation_id, enabled=stored.enabled, created_at=stored.created_at,
                scanned_until=stored.scanned_until or (now if stored.enabled else None),
            )  # fmt: skip
            await uow.automations.replace(changed)
            return await _view(uow, changed)


@dataclass(frozen=True, slots=True)
class EnableAutomation:
    storage: AutomationStorage
    clock: Clock

    async def execute(self, user_id: str, automation_id: int) -> AutomationView:
        async with self.storage.begin() as uow:
            enabled = await uow.automations.set_enabled(
                user_id, automation_id, True, self.clock.now()
            )
            return await _view(uow, found(enabled, "automation", automation_id))


@dataclass(frozen=True, slots=True)
class DisableAutomation:
    """Its running runs stop, and their messages not yet being delivered are cancelled."""

    storage: AutomationStorage
    clock: Clock

    async def execute(self, user_id: str, automation_id: int) -> AutomationView:
        now = self.clock.now()
        async with self.storage.begin() as uow:
            disabled = await uow.automations.set_enabled(user_id, automation_id, False, now)
            automation = found(disabled, "automation", automation_id)
            await uow.automation_runs.stop_for_automation(
                user_id, automation_id, StopReason.DISABLED, now
            )
            return await _view(uow, automation)


@dataclass(frozen=True, slots=True)
class DeleteAutomation:
    """Its runs go with it and its messages not yet being delivered are cancelled; what it sent
    stays in the fans' threads."""

    storage: AutomationStorage
    clock: Clock

    async def execute(self, user_id: str, automation_id: int) -> None:
        async with self.storage.begin() as uow:
            await uow.automation_runs.stop_for_automation(
                user_id, automation_id, StopReason.DISABLED, self.clock.now()
            )
            removed(await uow.automations.delete(user_id, automation_id), "automation",
                    automation_id)  # fmt: skip


@dataclass(frozen=True, slots=True)
class GetAutomation:
    storage: AutomationStorage

    async def execute(self, user_id: str, automation_id: int) -> AutomationView:
        async with self.storage.begin() as uow:
            stored = await uow.automations.get(user_id, automation_id)
            return await _view(uow, found(stored, "automation", automation_id))


@dataclass(frozen=True, slots=True)
class ListAutomations:
    storage: AutomationStorage

    async def execute(self, user_id: str, limit: int, offset: int) -> Page[AutomationView]:
        check_page(limit, offset)
        async with self.storage.begin() as uow:
            page = await uow.automations.list(user_id, limit, offset)
            ids = [a.id for a in page.items if a.id is not None]
            figures = await uow.automations.figures(user_id, ids) if ids else {}
        views = [AutomationView(a, figures.get(a.id or 0, AutomationFigures())) for a in page.items]
        return Page(views, page.total)


async def _view(uow: AutomationStore, automation: Automation) -> AutomationView:
    assert automation.id is not None
    figures = await uow.automations.figures(automation.user_id, [automation.id])
    return AutomationView(automation, figures.get(automation.id, AutomationFigures()))
