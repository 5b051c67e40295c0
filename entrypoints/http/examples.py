"""An example of every request body, by its schema's name: shown on /schema, and sent as they
are by the contract test (each must be accepted, or refused only for a row that is not there)."""

from __future__ import annotations

from typing import Any

_MESSAGE = {"recipientId": 1, "content": "Thanks for subscribing!", "priority": 5}
_TOKEN = "3q2-7wEXAMPLEonlyEXAMPLEonlyEXAMPLEonly-_x0"  # the shape of a refresh or invitation token

REQUEST_EXAMPLES: dict[str, Any] = {
    "FanBody": {
        "platform": "onlyfans",
        "handle": "luna.star",
        "name": "Luna",
        "email": "luna@example.com",
        "tags": ["vip"],
        "valueCents": 12500,
        "subscribedAt": "2026-01-15T10:00:00Z",
    },
    "FanPatchBody": {"tags": ["vip", "whale"], "notes": "prefers mornings"},
    "QuickReplyBody": {"title": "Welcome", "content": "Hi! Thanks for subscribing."},
    "QuickReplyPatchBody": {"content": "Hi again! Thanks for staying."},
    "SendMessageBody": _MESSAGE,
    "SendBatchBody": {"messages": [_MESSAGE, {**_MESSAGE, "recipientId": 2}]},
    "ReplyBody": {"content": "See you tonight!", "priceCents": 999},
    "BulkMessageBody": {
        "campaignName": "spring sale",
        "content": "Spring sale: 20% off this week",
        "segment": {"tagsAny": ["vip"], "minValueCents": 1000},
        # Scheduled, paced and bounded (each optional): without sendAt it starts at once.
        "sendAt": "2030-03-20T18:00:00+01:00",
        "ratePerMinute": 4,
        "stopAt": "2030-03-20T23:00:00+01:00",
        "maxMessages": 500,
    },
    "AudienceBody": {"segment": {"tagsAny": ["vip"], "tagsNone": ["muted"], "minValueCents": 1000}},
    "CampaignEditBody": {
        "content": "Spring sale: 25% off tonight",
        "sendAt": "2030-03-20T19:00:00Z",
    },
    "NewAutomationBody": {
        "name": "Welcome",
        "trigger": {"type": "fan.subscribed", "subscribers": "new"},
        "steps": [
            {"variants": ["Welcome! So glad you're here", "Hey, welcome!"], "jitterSeconds": 300},
            {"delaySeconds": 86400, "jitterSeconds": 3600, "variants": ["How's your first day?"]},
            {
                "delaySeconds": 172800,
                "variants": ["A little something for you"],
                "priceCents": 999,
            },
        ],
    },
    "AutomationDefinitionBody": {
        "name": "Win-back",
        "trigger": {"type": "fan.inactive", "inactiveDays": 14},
        "segment": {"minValueCents": 5000},
        "steps": [{"variants": ["Miss you! Anything you'd like to see?"], "jitterSeconds": 1800}],
    },
    "SettingsPatchBody": {
        "timeZone": "Europe/Berlin",
        "quietHours": {"start": "01:00", "end": "09:00"},
        "blockedWords": ["paypal", "venmo", "cash app"],
    },
    "LoginBody": {"email": "ann@example.com", "password": "correct horse battery staple"},
    "RefreshBody": {"refreshToken": _TOKEN},
    "PasswordBody": {
        "currentPassword": "correct horse battery staple",
        "newPassword": "a longer passphrase of my own",
    },
    "AcceptInvitationBody": {"token": _TOKEN, "password": "my own passphrase", "name": "Ann"},
    "MemberPatchBody": {"role": "manager"},
    "InvitationBody": {"email": "new.chatter@example.com", "role": "chatter"},
    "ApiKeyBody": {"name": "platform bridge", "role": "manager"},
    "EventBody": {
        "id": "evt-1",
        "type": "message.received",
        "userId": "creator-1",
        "occurredAt": "2026-01-15T10:00:00Z",
        "data": {"fanHandle": "luna.star", "platform": "onlyfans", "text": "hi!"},
    },
}
