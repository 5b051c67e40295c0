"""The new campaign form: a message, its recipients by segment, its schedule and pace.

As it is filled in, it posts itself (htmx, a moment after typing stops) to the audience count,
which answers the number of fans the segment reaches now, counted by CountAudience as the API's
countCampaignAudience counts it, and the message as a fan would see it. Sent, it is the bulk
send's CreateCampaign; a refusal comes back with what was typed and the reason under its field.
"""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from core.campaigns import MAX_RECIPIENTS, CountAudience, CreateCampaign
from core.campaigns.audience import MAX_CAMPAIGN_RATE
from core.errors import Invalid, RateLimited, Unavailable
from core.messaging import MAX_CONTENT_LENGTH
from entrypoints.http.caller import caller_of
from entrypoints.http.console.campaign_form import PLATFORMS, CampaignForm
from entrypoints.http.console.forms import FormData
from entrypoints.http.console.pages import AnyRequest, acting_as, render
from entrypoints.http.errors import status_of


@get("/campaigns/new", opt=acting_as("sendBulkMessage"), include_in_schema=False)
async def new_campaign_page(request: AnyRequest) -> Template:
    return _form_page(request, CampaignForm())


@post("/campaigns/new", opt=acting_as("sendBulkMessage"), include_in_schema=False)
async def create_campaign_form(
    request: AnyRequest, data: FormData, create_campaign: NamedDependency[CreateCampaign]
) -> Response[Any]:
    form = CampaignForm.posted(data)
    author = caller_of(request).author
    try:
        accepted = await create_campaign.execute(request.user, form.new_campaign(), actor=author)
    except Invalid as exc:
        return _form_page(request, form, 400, {exc.field or "": exc.message})
    except (RateLimited, Unavailable) as exc:  # sending is off, or the queue is down
        return _form_page(request, form, status_of(exc), {"": exc.message})
    return Redirect(f"/campaigns?created={accepted.campaign_id}", status_code=303)


@post(
    "/campaigns/new/audience",
    opt=acting_as("countCampaignAudience"),
    include_in_schema=False,
)
async def audience_count(
    request: AnyRequest, data: FormData, count_audience: NamedDependency[CountAudience]
) -> Template:
    """The form's live part: its audience counted (or why it cannot be) and its preview."""
    form = CampaignForm()
    try:
        form = CampaignForm.posted(data)
        counted = await count_audience.execute(request.user, segment=form.segment())
    except Invalid as exc:
        return _audience(request, form, None, 400, exc)
    return _audience(request, form, counted.fans)


def _audience(
    request: AnyRequest,
    form: CampaignForm,
    fans: int | None,
    status: int = 200,
    refused: Invalid | None = None,
) -> Template:
    return render(
        request,
        "campaign_audience.html",
        status=status,
        fans=fans,
        refused=refused,
        max_recipients=MAX_RECIPIENTS,
        preview=form.preview(),
    )


def _form_page(
    request: AnyRequest, form: CampaignForm, status: int = 200, errors: dict[str, str] | None = None
) -> Template:
    return render(
        request,
        "campaign_new.html",
        status=status,
        form=form,
        errors=errors or {},
        platforms=PLATFORMS,
        preview=form.preview(),
        max_length=MAX_CONTENT_LENGTH,
        max_rate=MAX_CAMPAIGN_RATE,
    )


ROUTES = [new_campaign_page, create_campaign_form, audience_count]
