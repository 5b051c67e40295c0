"""One fan: its page and edit form, a new fan, deleting one.

Each route calls the use case of the API operation it acts as, as the fans controller does: the
same caller, the same actor for the audit log, the same If-Match precondition (the form carries
the ETag it was filled from, and a fan changed since answers 412 with a way to reload).
"""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from core.errors import Conflict, Invalid, PreconditionFailed
from core.fans import CreateFan, DeleteFan, Fan, GetFan, Platform, UpdateFan, fan_version
from entrypoints.http.caller import caller_of
from entrypoints.http.console.fan_form import FIELDS, IF_MATCH, PLATFORMS, FanForm
from entrypoints.http.console.forms import FormData
from entrypoints.http.console.pages import AnyRequest, acting_as, may, render
from entrypoints.http.controllers.fans import FanId
from entrypoints.http.etags import accepted_versions, etag
from entrypoints.http.permissions import fan_fields_beyond_role, refuse_fan_fields_beyond_role

STALE = "This fan has changed since you opened it, so your changes were not saved."


@get("/fans/new", opt=acting_as("createFan"), include_in_schema=False)
async def new_fan_page(request: AnyRequest) -> Template:
    return _new_form(request, FanForm({"platform": Platform.ONLYFANS.value}))


@post("/fans/new", opt=acting_as("createFan"), include_in_schema=False)
async def create_fan_form(
    request: AnyRequest, data: FormData, create_fan: NamedDependency[CreateFan]
) -> Response[Any]:
    form = FanForm.posted(data)
    try:
        fan = await create_fan.execute(request.user, form.new_fan())
    except Invalid as exc:
        return _new_form(request, form, 400, {exc.field or "": exc.message})
    except Conflict as exc:  # the handle is taken on that platform
        return _new_form(request, form, 409, {"handle": exc.message})
    return Redirect(f"/fans/{fan.id}?saved=1", status_code=303)


def _new_form(
    request: AnyRequest, form: FanForm, status: int = 200, errors: dict[str, str] | None = None
) -> Template:
    return render(
        request,
        "fan_new.html",
        status=status,
        form=form,
        errors=errors or {},
        platforms=PLATFORMS,
    )


@get("/fans/{fan_id:int}", opt=acting_as("getFan"), include_in_schema=False)
async def fan_page(
    request: AnyRequest, fan_id: FanId, get_fan: NamedDependency[GetFan]
) -> Template:
    fan = await get_fan.execute(request.user, fan_id)
    saved = request.query_params.get("saved") is not None
    return _fan_page(request, fan, FanForm.of(fan), etag(fan_version(fan)), saved=saved)


@post("/fans/{fan_id:int}", opt=acting_as("updateFan"), include_in_schema=False)
async def update_fan_form(
    request: AnyRequest,
    fan_id: FanId,
    data: FormData,
    update_fan: NamedDependency[UpdateFan],
    get_fan: NamedDependency[GetFan],
) -> Response[Any]:
    form = FanForm.posted(data)
    refuse_fan_fields_beyond_role(request, form.given())  # a chatter: notes and tags only
    if_match = data.get(IF_MATCH) if isinstance(data.get(IF_MATCH), str) else None
    author = caller_of(request).author
    try:
        changes = form.changes()
        await update_fan.execute(
            request.user, fan_id, changes, accepted_versions(if_match), actor=author
        )
    except Invalid as exc:
        fan = await get_fan.execute(request.user, fan_id)
        return _fan_page(request, fan, form, if_match, 400, {exc.field or "": exc.message})
    except Conflict as exc:
        fan = await get_fan.execute(request.user, fan_id)
        return _fan_page(request, fan, form, if_match, 409, {"handle": exc.message})
    except PreconditionFailed:
        # What they typed stays in the form with the ETag it was filled from: saving it again
        # is refused again, until they reload the fan as it is now.
        fan = await get_fan.execute(request.user, fan_id)
        return _fan_page(request, fan, form, if_match, 412, stale=True)
    return Redirect(f"/fans/{fan_id}?saved=1", status_code=303)


def _fan_page(
    request: AnyRequest,
    fan: Fan,
    form: FanForm,
    if_match: str | None,
    status: int = 200,
    errors: dict[str, str] | None = None,
    *,
    saved: bool = False,
    stale: bool = False,
) -> Template:
    caller = caller_of(request)
    return render(
        request,
        "fan.html",
        status=status,
        fan=fan,
        form=form,
        if_match=if_match or "",
        errors=errors or {},
        saved=saved,
        stale=STALE if stale else None,
        platforms=PLATFORMS,
        # Shown, not offered: what the API would refuse this caller to change (403).
        locked=fan_fields_beyond_role(caller, FIELDS),
        may_delete=may(caller, "deleteFan"),
    )


@post("/fans/{fan_id:int}/delete", opt=acting_as("deleteFan"), include_in_schema=False)
async def delete_fan_form(
    request: AnyRequest, fan_id: FanId, delete_fan: NamedDependency[DeleteFan]
) -> Redirect:
    await delete_fan.execute(request.user, fan_id, actor=caller_of(request).author)
    return Redirect("/fans?deleted=1", status_code=303)


ROUTES = [new_fan_page, create_fan_form, fan_page, update_fan_form, delete_fan_form]
