"""Bulk campaigns: an audience, a resumable fan-out, and control (pause, resume, cancel, retry)."""

from core.campaigns.audience import (
    MAX_RECIPIENTS,
    NewCampaign,
    Segment,
    check_segment,
    checked_audience,
)
from core.campaigns.control import (
    CancelCampaign,
    PauseCampaign,
    ResumeCampaign,
    RetryFailedInCampaign,
)
from core.campaigns.count import CountAudience
from core.campaigns.create import Accepted, CreateCampaign
from core.campaigns.fan_out import BackgroundFanOuts, ContinueFanOuts, FanOutCampaign
from core.campaigns.ports import AudienceCount, CampaignRepository, FanOutChunk
from core.campaigns.records import (
    Campaign,
    CampaignAudience,
    CampaignCounters,
    CampaignLimits,
    CampaignStatus,
    CampaignTemplate,
    CampaignType,
)
from core.campaigns.schedule import (
    CampaignEdit,
    EditScheduledCampaign,
    StartDueCampaigns,
    StopCampaignsPastStopAt,
)
from core.campaigns.unsend import UnsendUnreadInCampaign
from core.campaigns.views import CampaignView, GetCampaign, ListCampaigns

__all__ = [
    "MAX_RECIPIENTS",
    "Accepted",
    "AudienceCount",
    "BackgroundFanOuts",
    "Campaign",
    "CampaignAudience",
    "CampaignCounters",
    "CampaignEdit",
    "CampaignLimits",
    "CampaignRepository",
    "CampaignStatus",
    "CampaignTemplate",
    "CampaignType",
    "CampaignView",
    "CancelCampaign",
    "ContinueFanOuts",
    "CountAudience",
    "CreateCampaign",
    "EditScheduledCampaign",
    "FanOutCampaign",
    "FanOutChunk",
    "GetCampaign",
    "ListCampaigns",
    "NewCampaign",
    "PauseCampaign",
    "ResumeCampaign",
    "RetryFailedInCampaign",
    "Segment",
    "StartDueCampaigns",
    "StopCampaignsPastStopAt",
    "UnsendUnreadInCampaign",
    "check_segment",
    "checked_audience",
]
