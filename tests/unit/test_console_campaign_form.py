"""The campaign form's reading of what was typed, and the actions the list offers per status."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.campaigns import (
    Campaign,
    CampaignCounters,
    CampaignLimits,
    CampaignStatus,
    CampaignTemplate,
    CampaignView,
    Segment,
)
from core.errors import Invalid
from core.fans import Platform
from core.paging import Page
from entrypoints.http.console.campaign_form import CampaignForm
from entrypoints.http.console.campaign_views import (
    ACTIONS,
    IDS_SHOWN,
    CampaignListing,
    ids_text,
)


def test_a_filled_form_reads_as_the_bulk_send_would() -> None:
    form = CampaignForm.posted(
        {
            "campaignName": "spring",
            "content": "two\r\nlines",
            "priceCents": "$9.99",
            "mediaUrls": " https://a.example/1.jpg \r\n\r\nhttps://a.example/2.jpg",
            "segment.tagsAny": "vip, new",
            "segment.tagsNone": "muted",
            "segment.minValueCents": "10",
            "segment.maxValueCents": "1,250.5",
            "segment.platform": "fansly",
            "segment.excludeFanIds": "3, 4 5",
            "segment.excludeMessagedWithinHours": "24",
            "segment.excludeUnread": "on",
            "sendAt": "2030-03-20T18:00",
            "ratePerMinute": "4",
            "maxMessages": "500",
            "_csrf_token": "not a field of the campaign",
        }
    )

    new = form.new_campaign()

    assert (new.name, new.content, new.price_cents) == ("spring", "two\nlines", 999)
    assert new.media_urls == ("https://a.example/1.jpg", "https://a.example/2.jpg")
    assert new.segment == Segment(
        tags_any=frozenset({"vip", "new"}),
        tags_none=frozenset({"muted"}),
        min_value_cents=1000,
        max_value_cents=125050,
        platform=Platform.FANSLY,
        exclude_fan_ids=(3, 4, 5),
        exclude_messaged_within_hours=24,
        exclude_unread=True,
    )
    assert new.send_at == datetime(2030, 3, 20, 18, 0, tzinfo=UTC)  # typed in UTC
    assert new.limits == CampaignLimits(rate_per_minute=4, max_messages=500)


def test_a_blank_form_is_every_fan_now_at_the_accounts_pace() -> None:
    new = CampaignForm.posted({"campaignName": "all", "content": "hi"}).new_campaign()
    assert (new.segment, new.send_at, new.limits, new.price_cents) == (
        Segment(), None, CampaignLimits(), None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("name", "typed"),
    [
        ("segment.excludeMessagedWithinHours", "a day"),
        ("segment.excludeMessagedWithinHours", "٣"),  # a digit, but not one the API reads
        ("segment.excludeFanIds", "3, -4"),
        ("ratePerMinute", "9" * 5000),  # refused before Python reads 5,000 digits
        ("segment.minValueCents", "1" * 5000),
        ("segment.platform", "myspace"),
        ("sendAt", "tomorrow"),
    ],
)
def test_what_cannot_be_read_is_invalid_naming_its_field(name: str, typed: str) -> None:
    with pytest.raises(Invalid) as refused:
        CampaignForm.posted({"campaignName": "x", "content": "y", name: typed}).new_campaign()
    assert refused.value.field == name


def test_a_field_given_twice_is_invalid_naming_it() -> None:
    with pytest.raises(Invalid) as refused:
        CampaignForm.posted({"content": ["a", "b"]})
    assert refused.value.field == "content"


def test_the_preview_leaves_out_a_price_it_cannot_read_yet() -> None:
    preview = CampaignForm.posted({"content": "hi", "priceCents": "9.9.9"}).preview()
    assert (preview.content, preview.price_cents) == ("hi", None)


def view(status: CampaignStatus, failed: int = 0) -> CampaignView:
    campaign = Campaign(1, "u", "c", CampaignTemplate("hi"), status=status)
    return CampaignView(campaign, CampaignCounters(failed=failed), status)


@pytest.mark.parametrize(
    ("status", "failed", "offered"),
    [
        (CampaignStatus.SCHEDULED, 0, ["cancel"]),
        (CampaignStatus.RUNNING, 0, ["pause", "cancel"]),
        (CampaignStatus.RUNNING, 2, ["pause", "retry-failed", "cancel"]),
        (CampaignStatus.PAUSED, 0, ["resume", "cancel"]),
        (CampaignStatus.COMPLETED, 0, []),
        (CampaignStatus.COMPLETED, 1, ["retry-failed"]),
        (CampaignStatus.CANCELLED, 3, []),
    ],
)
def test_each_status_offers_what_its_use_cases_accept(
    status: CampaignStatus, failed: int, offered: list[str]
) -> None:
    listing = CampaignListing(Page([], 0), 50, 0, frozenset(a.operation for a in ACTIONS))
    assert [a.path for a in listing.actions(view(status, failed))] == offered


def test_an_action_the_caller_may_not_use_is_not_offered() -> None:
    listing = CampaignListing(Page([], 0), 50, 0, frozenset({"pauseCampaign"}))
    assert [a.path for a in listing.actions(view(CampaignStatus.RUNNING, 2))] == ["pause"]


def test_a_long_list_of_ids_shows_its_first_few_and_how_many_more() -> None:
    assert ids_text((3, 1, 2)) == "3, 1, 2"
    assert ids_text(tuple(range(1, IDS_SHOWN + 1))).endswith(f", {IDS_SHOWN}")
    many = ids_text(tuple(range(1, 100_001)))
    assert many.startswith("1, 2, 3,")
    assert many.endswith(f", {IDS_SHOWN} and {100_000 - IDS_SHOWN:,} more")
