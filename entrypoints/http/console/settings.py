"""The account's settings (time zone, quiet hours, send rate, blocked words) and, on a page of
their own, its quick replies (quick_replies.py).

Everyone reads them (`getSettings`): a chatter's day is shaped by the quiet hours. Managers and
owners change them through the same use case as `PATCH /api/crm/settings` (`updateSettings`);
the API has no ETag for settings, so the form carries none.
"""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from core.errors import Invalid
from core.settings import (
    MAX_BURST,
    MAX_RATE,
    MIN_BURST,
    MIN_RATE,
    AccountSettings,
    GetSettings,
    UpdateSettings,
    zone_names,
)
from entrypoints.http.caller import caller_of
from entrypoints.http.console import quick_replies
from entrypoints.http.console.forms import FormData
from entrypoints.http.console.pages import AnyRequest, acting_as, may, render, said
from entrypoints.http.console.settings_form import SettingsForm

# What the number fields offer (the core refuses the rest, and says so under the field).
BOUNDS = {"rate": (MIN_RATE, MAX_RATE), "burst": (MIN_BURST, MAX_BURST)}
DONE = {"saved": "Settings saved."}  # said after `?done=`


@get("/settings", opt=acting_as("getSettings"), include_in_schema=False)
async def settings_page(
    request: AnyRequest, get_settings: NamedDependency[GetSettings]
) -> Template:
    settings = await get_settings.execute(request.user)
    return _page(request, settings, SettingsForm.of(settings), done=said(request, DONE))


@post("/settings", opt=acting_as("updateSettings"), include_in_schema=False)
async def update_settings_form(
    request: AnyRequest,
    data: FormData,
    get_settings: NamedDependency[GetSettings],
    update_settings: NamedDependency[UpdateSettings],
) -> Response[Any]:
    form = SettingsForm.posted(data)
    current = await get_settings.execute(request.user)
    try:
        await update_settings.execute(request.user, form.changes(current))
    except Invalid as exc:  # checked before anything is written: nothing changed
        return _page(request, current, form, 400, {exc.field or "": exc.message})
    return Redirect("/settings?done=saved", status_code=303)


def _page(
    request: AnyRequest,
    settings: AccountSettings,
    form: SettingsForm,
    status: int = 200,
    errors: dict[str, str] | None = None,
    *,
    done: str | None = None,
) -> Template:
    may_change = may(caller_of(request), "updateSettings")
    return render(
        request,
        "settings.html",
        status=status,
        settings=settings,
        form=form,
        errors=errors or {},
        done=done,
        may_change=may_change,
        zones=zone_names() if may_change else [],
        bounds=BOUNDS,
    )


ROUTES = [settings_page, update_settings_form, *quick_replies.ROUTES]
