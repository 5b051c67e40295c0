"""Campaigns: the bulk message form (a segment, its live audience count, a preview), the list
with live progress, and pause, resume, cancel and retry-failed.

The list is a page of ListCampaigns, as GET /api/crm/campaigns pages it. While a campaign on it
is scheduled, running or paused, it polls itself every POLL_S (204 while nothing changed, the
`seen` digest); the answer that finds none of them left stops the polling (286). Each action
calls its use case as the API does, and answers the list again; a refusal (409, 404, 503) is
said above the list, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from core.accounts import Author
from core.campaigns import (
    CampaignView,
    CancelCampaign,
    GetCampaign,
    ListCampaigns,
    PauseCampaign,
    ResumeCampaign,
    RetryFailedInCampaign,
)
from core.errors import Conflict, DomainError, NotFound, Unavailable
from core.paging import check_page
from entrypoints.http.caller import caller_of
from entrypoints.http.console import campaign_new
from entrypoints.http.console.campaign_form import Preview
from entrypoints.http.console.campaign_views import ACTIONS, CampaignListing, audience_facts
from entrypoints.http.console.forms import URL_ENCODED
from entrypoints.http.console.pages import (
    NO_CHANGE,
    STOP_POLLING,
    AnyRequest,
    acting_as,
    is_htmx,
    may,
    render,
)
from entrypoints.http.controllers.params import Limit, Offset, PathId
from entrypoints.http.errors import status_of

# Seconds between two polls of a live list: counters move as messages go, and a paused or
# resumed campaign shows it within this. One grouped query per poll.
POLL_S = 2


class CampaignControl(Protocol):
    """A campaign control use case: pause, resume, cancel or retry the failed."""

    async def execute(self, user_id: str, campaign_id: int, *, actor: Author) -> CampaignView: ...


@dataclass
class PageForm:
    """The list's page, posted with an action so that the same page comes back."""

    limit: int = 50
    offset: int = 0


@get("/campaigns", opt=acting_as("listCampaigns"), include_in_schema=False)
async def campaigns_page(
    request: AnyRequest,
    list_campaigns: NamedDependency[ListCampaigns],
    limit: Limit = 50,
    offset: Offset = 0,
    created: Annotated[int | None, QueryParameter(ge=1)] = None,
) -> Template:
    """`created`: the campaign the form just made (said above the list)."""
    listing = await _listing(request, list_campaigns, limit, offset)
    flash = "Campaign created: it is on the list below." if created is not None else None
    return render(
        request,
        "campaigns.html",
        listing=listing,
        flash=flash,
        poll_s=POLL_S,
        may_create=may(caller_of(request), "sendBulkMessage"),
    )


@get("/campaigns/live", opt=acting_as("listCampaigns"), include_in_schema=False)
async def campaigns_poll(
    request: AnyRequest,
    list_campaigns: NamedDependency[ListCampaigns],
    limit: Limit = 50,
    offset: Offset = 0,
    seen: FromQuery[str] = "",
) -> Response[Any]:
    """The list's poll: 204 while it is what the page shows, 286 once nothing on it moves."""
    listing = await _listing(request, list_campaigns, limit, offset)
    if listing.digest == seen:
        return Response(None, status_code=NO_CHANGE)
    status = 200 if listing.live else STOP_POLLING
    return render(request, "campaigns_list.html", status=status, listing=listing, poll_s=POLL_S)


@get("/campaigns/{campaign_id:int}", opt=acting_as("getCampaign"), include_in_schema=False)
async def campaign_page(
    request: AnyRequest, campaign_id: PathId, get_campaign: NamedDependency[GetCampaign]
) -> Template:
    """One campaign: its counters as it was opened, its message and who it is for."""
    view = await get_campaign.execute(request.user, campaign_id)
    template = view.campaign.template
    return render(
        request,
        "campaign.html",
        view=view,
        preview=Preview(template.content, template.price_cents, template.media_urls),
        audience=audience_facts(view.campaign.audience),
    )


@post("/campaigns/{campaign_id:int}/pause", opt=acting_as("pauseCampaign"), include_in_schema=False)
async def pause(
    request: AnyRequest,
    campaign_id: PathId,
    data: Annotated[PageForm, URL_ENCODED],
    pause_campaign: NamedDependency[PauseCampaign],
    list_campaigns: NamedDependency[ListCampaigns],
) -> Response[Any]:
    return await _control(request, campaign_id, data, pause_campaign, list_campaigns, "paused")


@post(
    "/campaigns/{campaign_id:int}/resume", opt=acting_as("resumeCampaign"), include_in_schema=False
)
async def resume(
    request: AnyRequest,
    campaign_id: PathId,
    data: Annotated[PageForm, URL_ENCODED],
    resume_campaign: NamedDependency[ResumeCampaign],
    list_campaigns: NamedDependency[ListCampaigns],
) -> Response[Any]:
    return await _control(request, campaign_id, data, resume_campaign, list_campaigns, "resumed")


@post(
    "/campaigns/{campaign_id:int}/cancel", opt=acting_as("cancelCampaign"), include_in_schema=False
)
async def cancel(
    request: AnyRequest,
    campaign_id: PathId,
    data: Annotated[PageForm, URL_ENCODED],
    cancel_campaign: NamedDependency[CancelCampaign],
    list_campaigns: NamedDependency[ListCampaigns],
) -> Response[Any]:
    return await _control(request, campaign_id, data, cancel_campaign, list_campaigns, "cancelled")


@post(
    "/campaigns/{campaign_id:int}/retry-failed",
    opt=acting_as("retryFailedCampaignMessages"),
    include_in_schema=False,
)
async def retry_failed(
    request: AnyRequest,
    campaign_id: PathId,
    data: Annotated[PageForm, URL_ENCODED],
    retry_failed_campaign: NamedDependency[RetryFailedInCampaign],
    list_campaigns: NamedDependency[ListCampaigns],
) -> Response[Any]:
    done = "sending its failed messages again"
    return await _control(request, campaign_id, data, retry_failed_campaign, list_campaigns, done)


async def _control(
    request: AnyRequest,
    campaign_id: int,
    data: PageForm,
    use_case: CampaignControl,
    list_campaigns: ListCampaigns,
    done: str,
) -> Response[Any]:
    """The action, then the list (htmx) or a redirect to it (a form posted without htmx). A
    refusal is raised for a plain form (the error page says it) and said above the list else."""
    check_page(data.limit, data.offset)  # before acting: a bad page refuses the whole request
    refused: DomainError | None = None
    try:
        view = await use_case.execute(request.user, campaign_id, actor=caller_of(request).author)
        said = f"{view.campaign.name}: {done}."
    except (Conflict, NotFound, Unavailable) as exc:
        if not is_htmx(request):
            raise
        refused, said = exc, exc.message
    if not is_htmx(request):
        return Redirect(f"/campaigns?limit={data.limit}&offset={data.offset}", status_code=303)
    listing = await _listing(request, list_campaigns, data.limit, data.offset)
    return render(
        request,
        "campaigns_changed.html",
        status=status_of(refused) if refused else 200,
        listing=listing,
        poll_s=POLL_S,
        said=said,
        refused=refused is not None,
    )


async def _listing(
    request: AnyRequest, list_campaigns: ListCampaigns, limit: int, offset: int
) -> CampaignListing:
    page = await list_campaigns.execute(request.user, limit, offset)
    caller = caller_of(request)
    offered = frozenset(a.operation for a in ACTIONS if may(caller, a.operation))
    return CampaignListing(page, limit, offset, offered)


ROUTES = [
    campaigns_page,
    campaigns_poll,
    campaign_page,
    pause,
    resume,
    cancel,
    retry_failed,
    *campaign_new.ROUTES,
]
