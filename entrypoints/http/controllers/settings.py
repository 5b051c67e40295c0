"""The account's sending settings: time zone, quiet hours, send rate and blocked words."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, patch
from litestar.di import NamedDependency
from litestar.params import JSONBody

from core.settings import GetSettings, UpdateSettings
from entrypoints.http.schemas.settings import SettingsPatchBody, SettingsView

AnyRequest = Request[str, Any, Any]


class SettingsController(Controller):
    path = "/api/crm/settings"
    tags = ["crm"]

    @get("/", operation_id="getSettings")
    async def get_settings(
        self, request: AnyRequest, get_settings: NamedDependency[GetSettings]
    ) -> SettingsView:
        """The account's settings; an account that never changed them has the defaults (UTC, no
        quiet hours, the deployment's send rate, a list of off-platform payment words)."""
        return SettingsView.of(await get_settings.execute(request.user))

    @patch("/", operation_id="updateSettings")
    async def update_settings(
        self,
        request: AnyRequest,
        data: JSONBody[SettingsPatchBody],
        update_settings: NamedDependency[UpdateSettings],
    ) -> SettingsView:
        """Change the fields given, e.g. `{"timeZone": "Europe/Berlin", "quietHours": {"start":
        "01:00", "end": "09:00"}, "ratePerMinute": 6, "burst": 3, "blockedWords": ["paypal"]}`.
        Rate 1 to 60 a minute, burst 1 to 60; `quietHours: null` removes the window."""
        return SettingsView.of(await update_settings.execute(request.user, data.to_core()))
