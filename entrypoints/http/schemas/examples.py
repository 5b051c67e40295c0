"""Request bodies with examples for the OpenAPI page: the safe-sending options (a schedule, a
campaign's own limits, an edit before it starts) shown as a client writes them."""

from __future__ import annotations

from typing import Annotated

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import Body

from entrypoints.http.schemas.campaigns import BulkMessageBody, CampaignEditBody
from entrypoints.http.schemas.messaging import SendMessageBody

_SCHEDULED_CAMPAIGN = {
    "campaignName": "Christmas eve",
    "content": "Merry Christmas! Something special for you tonight",
    "segment": {"tagsAny": ["vip"]},
    "sendAt": "2026-12-24T18:00:00+01:00",
    "ratePerMinute": 4,
    "stopAt": "2026-12-24T23:00:00+01:00",
    "maxMessages": 500,
}

BulkMessageJson = Annotated[
    BulkMessageBody,
    Body(
        media_type=RequestEncodingType.JSON,
        examples=[
            Example(
                summary="now",
                value={"campaignName": "spring", "content": "hi", "recipientIds": [1, 2, 3]},
            ),
            Example(summary="scheduled, paced, stopped and capped", value=_SCHEDULED_CAMPAIGN),
        ],
    ),
]

CampaignEditJson = Annotated[
    CampaignEditBody,
    Body(
        media_type=RequestEncodingType.JSON,
        examples=[
            Example(
                summary="new content and a later time",
                value={"content": "Merry Christmas!", "sendAt": "2026-12-24T19:00:00+01:00"},
            ),
            Example(summary="explicit fans only", value={"recipientIds": [7, 9], "segment": None}),
        ],
    ),
]

SendMessageJson = Annotated[
    SendMessageBody,
    Body(
        media_type=RequestEncodingType.JSON,
        examples=[
            Example(summary="now", value={"recipientId": 17, "content": "thanks babe"}),
            Example(
                summary="scheduled",
                value={
                    "recipientId": 17,
                    "content": "good morning",
                    "sendAt": "2026-12-07T09:00:00Z",
                },
            ),
        ],
    ),
]
