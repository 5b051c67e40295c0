"""Automations: sequences of messages that fans' events start and their replies stop."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from core.automations import (
    CreateAutomation,
    DeleteAutomation,
    DisableAutomation,
    EnableAutomation,
    GetAutomation,
    ListAutomations,
    ReplaceAutomation,
)
from entrypoints.http.controllers.params import Limit, Offset, PathId
from entrypoints.http.schemas.automations import (
    AutomationDefinitionBody,
    AutomationPage,
    AutomationWithFigures,
    NewAutomationBody,
)

AnyRequest = Request[str, Any, Any]
AutomationId = PathId


class AutomationController(Controller):
    path = "/api/crm/automations"
    tags = ["automations"]

    @post("/", operation_id="createAutomation")
    async def create(
        self,
        request: AnyRequest,
        data: JSONBody[NewAutomationBody],
        create_automation: NamedDependency[CreateAutomation],
    ) -> AutomationWithFigures:
        """A trigger, an optional segment and 1 to 5 steps (each a delay with random jitter,
        1 to 5 text variants, an optional PPV price); enabled unless `enabled` is false."""
        view = await create_automation.execute(request.user, data.to_new())
        return AutomationWithFigures.of(view)

    @get("/", operation_id="listAutomations")
    async def list(
        self,
        request: AnyRequest,
        list_automations: NamedDependency[ListAutomations],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> AutomationPage:
        """The creator's automations in the order they were made, each with its figures."""
        page = await list_automations.execute(request.user, limit, offset)
        items = [AutomationWithFigures.of(view) for view in page.items]
        return AutomationPage(items=items, total=page.total, limit=limit, offset=offset)

    @get("/{automation_id:int}", operation_id="getAutomation")
    async def get_one(
        self,
        request: AnyRequest,
        automation_id: AutomationId,
        get_automation: NamedDependency[GetAutomation],
    ) -> AutomationWithFigures:
        """One automation with its figures: runs started, running, completed, stopped by a
        reply or otherwise, messages delivered, PPV revenue credited and reply rate."""
        return AutomationWithFigures.of(await get_automation.execute(request.user, automation_id))

    @put("/{automation_id:int}", operation_id="replaceAutomation")
    async def replace(
        self,
        request: AnyRequest,
        automation_id: AutomationId,
        data: JSONBody[AutomationDefinitionBody],
        replace_automation: NamedDependency[ReplaceAutomation],
    ) -> AutomationWithFigures:
        """A new definition; enabled or not stays as it is. Runs under way carry on with the
        new steps from the one they reached."""
        view = await replace_automation.execute(request.user, automation_id, data.to_core())
        return AutomationWithFigures.of(view)

    @post("/{automation_id:int}/enable", status_code=200, operation_id="enableAutomation")
    async def enable(
        self,
        request: AnyRequest,
        automation_id: AutomationId,
        enable_automation: NamedDependency[EnableAutomation],
    ) -> AutomationWithFigures:
        """Start runs again from now on (runs it stopped when disabled stay stopped)."""
        view = await enable_automation.execute(request.user, automation_id)
        return AutomationWithFigures.of(view)

    @post("/{automation_id:int}/disable", status_code=200, operation_id="disableAutomation")
    async def disable(
        self,
        request: AnyRequest,
        automation_id: AutomationId,
        disable_automation: NamedDependency[DisableAutomation],
    ) -> AutomationWithFigures:
        """No new runs; the running ones stop and their messages not yet on their way are
        cancelled."""
        view = await disable_automation.execute(request.user, automation_id)
        return AutomationWithFigures.of(view)

    @delete("/{automation_id:int}", operation_id="deleteAutomation")
    async def remove(
        self,
        request: AnyRequest,
        automation_id: AutomationId,
        delete_automation: NamedDependency[DeleteAutomation],
    ) -> None:
        """Delete it with its runs; what it sent stays in the fans' threads."""
        await delete_automation.execute(request.user, automation_id)
