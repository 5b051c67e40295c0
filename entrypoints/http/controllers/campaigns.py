"""Bulk campaigns: the bulk send, the campaign list and one campaign, and their control."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from core.campaigns import (
    CancelCampaign,
    CountAudience,
    CreateCampaign,
    EditScheduledCampaign,
    GetCampaign,
    ListCampaigns,
    PauseCampaign,
    ResumeCampaign,
    RetryFailedInCampaign,
    UnsendUnreadInCampaign,
)
from entrypoints.http.caller import caller_of
from entrypoints.http.controllers.params import Limit, Offset, PathId
from entrypoints.http.schemas.campaigns import (
    AudienceBody,
    AudienceCountBody,
    BulkMessageBody,
    BulkMessageResponse,
    CampaignBody,
    CampaignEditBody,
    CampaignPage,
)

AnyRequest = Request[str, Any, Any]


class CampaignController(Controller):
    path = "/api"
    tags = ["campaigns"]

    @post("/messages/bulk", status_code=202, operation_id="sendBulkMessage")
    async def bulk(
        self,
        request: AnyRequest,
        data: JSONBody[BulkMessageBody],
        create_campaign: NamedDependency[CreateCampaign],
    ) -> BulkMessageResponse:
        """One message to many fans (≤ 100,000: ids and/or a segment), at the creator's pace."""
        actor = caller_of(request).author
        accepted = await create_campaign.execute(request.user, data.to_core(), actor=actor)
        return BulkMessageResponse.of(accepted)

    @post("/crm/campaigns/audience", status_code=200, operation_id="countCampaignAudience")
    async def count_audience(
        self,
        request: AnyRequest,
        data: JSONBody[AudienceBody],
        count_audience: NamedDependency[CountAudience],
    ) -> AudienceCountBody:
        """How many fans a bulk send with this audience would target now; nothing is written."""
        count = await count_audience.execute(request.user, data.recipients(), data.segment_of())
        return AudienceCountBody.of(count)

    @get("/crm/campaigns", operation_id="listCampaigns")
    async def list(
        self,
        request: AnyRequest,
        list_campaigns: NamedDependency[ListCampaigns],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> CampaignPage:
        """The creator's campaigns, newest first, each with its counters."""
        page = await list_campaigns.execute(request.user, limit, offset)
        items = [CampaignBody.of(view) for view in page.items]
        return CampaignPage(items=items, total=page.total, limit=limit, offset=offset)

    @get("/crm/campaigns/{campaign_id:int}", operation_id="getCampaign")
    async def get_one(
        self, request: AnyRequest, campaign_id: PathId, get_campaign: NamedDependency[GetCampaign]
    ) -> CampaignBody:
        """One campaign with its counters."""
        return CampaignBody.of(await get_campaign.execute(request.user, campaign_id))

    @patch("/crm/campaigns/{campaign_id:int}", operation_id="editScheduledCampaign")
    async def edit(
        self,
        request: AnyRequest,
        campaign_id: PathId,
        data: JSONBody[CampaignEditBody],
        edit_scheduled_campaign: NamedDependency[EditScheduledCampaign],
    ) -> CampaignBody:
        """Change a scheduled campaign (content, audience, time) until it starts; 409 after."""
        edited = await edit_scheduled_campaign.execute(
            request.user, campaign_id, data.to_core(), actor=caller_of(request).author
        )
        return CampaignBody.of(edited)

    @post("/crm/campaigns/{campaign_id:int}/pause", status_code=200, operation_id="pauseCampaign")
    async def pause(
        self,
        request: AnyRequest,
        campaign_id: PathId,
        pause_campaign: NamedDependency[PauseCampaign],
    ) -> CampaignBody:
        """Stop sending; what reaches the consumer meanwhile is held until resumed."""
        actor = caller_of(request).author
        return CampaignBody.of(await pause_campaign.execute(request.user, campaign_id, actor=actor))

    @post("/crm/campaigns/{campaign_id:int}/resume", status_code=200, operation_id="resumeCampaign")
    async def resume(
        self,
        request: AnyRequest,
        campaign_id: PathId,
        resume_campaign: NamedDependency[ResumeCampaign],
    ) -> CampaignBody:
        """Send the held and pending messages of a paused campaign."""
        actor = caller_of(request).author
        return CampaignBody.of(
            await resume_campaign.execute(request.user, campaign_id, actor=actor)
        )

    @post("/crm/campaigns/{campaign_id:int}/cancel", status_code=200, operation_id="cancelCampaign")
    async def cancel(
        self,
        request: AnyRequest,
        campaign_id: PathId,
        cancel_campaign: NamedDependency[CancelCampaign],
    ) -> CampaignBody:
        """Nothing more is sent: every message not yet sent is cancelled."""
        actor = caller_of(request).author
        return CampaignBody.of(
            await cancel_campaign.execute(request.user, campaign_id, actor=actor)
        )

    @post(
        "/crm/campaigns/{campaign_id:int}/retry-failed",
        status_code=200,
        operation_id="retryFailedCampaignMessages",
    )
    async def retry_failed(
        self,
        request: AnyRequest,
        campaign_id: PathId,
        retry_failed_campaign: NamedDependency[RetryFailedInCampaign],
    ) -> CampaignBody:
        """Send the campaign's failed messages again; nothing else moves."""
        actor = caller_of(request).author
        view = await retry_failed_campaign.execute(request.user, campaign_id, actor=actor)
        return CampaignBody.of(view)

    @post(
        "/crm/campaigns/{campaign_id:int}/unsend-unread",
        status_code=200,
        operation_id="unsendUnreadCampaignMessages",
    )
    async def unsend_unread(
        self,
        request: AnyRequest,
        campaign_id: PathId,
        unsend_unread_campaign: NamedDependency[UnsendUnreadInCampaign],
    ) -> CampaignBody:
        """Cancel what is not sent yet and take back every sent message not yet read; 503 (ask
        again to carry on) when the bridge cannot be reached."""
        actor = caller_of(request).author
        view = await unsend_unread_campaign.execute(request.user, campaign_id, actor=actor)
        return CampaignBody.of(view)
