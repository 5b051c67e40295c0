"""The limits of every field a client sends, each tried at the limit and one past it, with the
field the refusal names (survivors of `make mutate`, tests/mutation)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.campaigns.audience import NewCampaign, Segment
from core.errors import Invalid
from core.fans.records import (
    MAX_SEARCH_LENGTH,
    MAX_TOP,
    NewFan,
    Platform,
    check_email,
    check_tags,
    check_value_cents,
    normalize_handle,
)
from core.inbound.events import EventType, FanRef, InboundEvent, MessageReceived, PpvPurchased
from core.messaging.writer import NewMessage, check_outbound

BIG = 2**63 - 1  # BIGINT: ids, cents and prices
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def refused(field: str, check: object, *args: object) -> None:
    assert callable(check)
    with pytest.raises(Invalid) as raised:
        check(*args)
    assert raised.value.field == field


# --- core.fans -----------------------------------------------------------------------------------


def test_the_fan_list_limits_are_100() -> None:
    assert (MAX_TOP, MAX_SEARCH_LENGTH) == (100, 100)


def test_a_handle_of_64_characters_is_kept_and_65_or_none_refused() -> None:
    assert normalize_handle("@" + "a" * 64) == "a" * 64
    refused("handle", normalize_handle, "a" * 65)
    with pytest.raises(Invalid, match="handle must not be empty") as raised:
        normalize_handle(" @ ")
    assert raised.value.field == "handle"


def test_50_tags_of_64_characters_are_kept_and_one_more_of_either_refused() -> None:
    tags = frozenset(f"{i:02}" + "t" * 62 for i in range(50))
    assert check_tags(tags) == tags
    refused("tags", check_tags, tags | {"one more"})
    refused("tags", check_tags, frozenset({"t" * 65}))


def test_an_email_of_320_characters_is_kept_and_321_refused() -> None:
    email = "a" * 314 + "@b.com"
    assert check_email(f" {email} ") == email
    refused("email", check_email, "a" * 315 + "@b.com")


def test_value_cents_from_0_to_a_bigint() -> None:
    assert (check_value_cents(0), check_value_cents(BIG)) == (0, BIG)
    refused("valueCents", check_value_cents, -1)
    refused("valueCents", check_value_cents, BIG + 1)


def test_a_new_fan_is_worth_nothing_and_its_texts_fit_their_columns() -> None:
    fan = NewFan(Platform.ONLYFANS, "alice", "n" * 255, notes="x" * 10_000).to_fan("c", NOW)
    assert (fan.value_cents, len(fan.name or ""), len(fan.notes or "")) == (0, 255, 10_000)
    refused("name", NewFan(Platform.ONLYFANS, "alice", "n" * 256).to_fan, "c", NOW)
    refused("notes", NewFan(Platform.ONLYFANS, "alice", notes="x" * 10_001).to_fan, "c", NOW)


# --- core.messaging.writer -----------------------------------------------------------------------


def test_a_message_has_priority_5_and_a_recipient_up_to_a_bigint() -> None:
    assert NewMessage(1, "hi").priority == 5
    NewMessage(BIG, "hi").validate()
    refused("recipientId", NewMessage(BIG + 1, "hi").validate)


def test_outbound_limits_from_both_sides() -> None:
    check_outbound("hi", ["u" * 2048], 0, 1)
    check_outbound("hi", [], BIG, 10)
    refused("mediaUrls", check_outbound, "hi", ["u" * 2049], None, 5)
    refused("priority", check_outbound, "hi", [], None, 0)
    refused("priority", check_outbound, "hi", [], None, 11)
    refused("priceCents", check_outbound, "hi", [], -1, 5)
    refused("priceCents", check_outbound, "hi", [], BIG + 1, 5)


# --- core.campaigns.audience ---------------------------------------------------------------------


def campaign(**fields: object) -> NewCampaign:
    return NewCampaign(**{"name": "spring", "content": "hi", "recipient_ids": (1,), **fields})


def test_a_campaign_of_its_limits_is_accepted() -> None:
    accepted = campaign(
        name="n" * 200,
        recipient_ids=tuple(range(1, 100_001)),
        segment=Segment(
            tags_any=frozenset(f"{i:02}" + "t" * 62 for i in range(50)),
            min_value_cents=0,
            max_value_cents=0,
            exclude_fan_ids=(*range(1, 100_000), BIG),
            exclude_messaged_within_hours=87_600,
        ),
    ).to_campaign("c")
    assert len(accepted.audience.fan_ids) == 100_000
    assert accepted.audience.exclude_unread is False
    assert accepted.audience.exclude_messaged_within_hours == 87_600
    assert len(accepted.audience.exclude_fan_ids) == 100_000
    top = campaign(
        segment=Segment(min_value_cents=BIG, max_value_cents=BIG, exclude_messaged_within_hours=1)
    )
    assert top.to_campaign("c").audience.min_value_cents == BIG


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "campaignName"),
        ({"name": "n" * 201}, "campaignName"),
        ({"content": " "}, "content"),
        ({"recipient_ids": ()}, "recipientIds"),
        ({"recipient_ids": tuple(range(1, 100_002))}, "recipientIds"),
        ({"recipient_ids": (0,)}, "recipientIds"),
        ({"recipient_ids": (BIG + 1,)}, "recipientIds"),
        ({"segment": Segment(tags_any=frozenset(str(i) for i in range(51)))}, "segment.tagsAny"),
        ({"segment": Segment(tags_all=frozenset({"t" * 65}))}, "segment.tagsAll"),
        ({"segment": Segment(tags_none=frozenset({"t" * 65}))}, "segment.tagsNone"),
        ({"segment": Segment(min_value_cents=-1)}, "segment.minValueCents"),
        ({"segment": Segment(max_value_cents=BIG + 1)}, "segment.maxValueCents"),
        ({"segment": Segment(min_value_cents=2, max_value_cents=1)}, "segment.maxValueCents"),
        (
            {"segment": Segment(exclude_messaged_within_hours=0)},
            "segment.excludeMessagedWithinHours",
        ),
        (
            {"segment": Segment(exclude_messaged_within_hours=87_601)},
            "segment.excludeMessagedWithinHours",
        ),
        ({"segment": Segment(exclude_fan_ids=tuple(range(1, 100_002)))}, "segment.excludeFanIds"),
        ({"segment": Segment(exclude_fan_ids=(0,))}, "segment.excludeFanIds"),
    ],
)
def test_a_campaign_past_a_limit_is_refused_naming_the_field(
    fields: dict[str, object], field: str
) -> None:
    refused(field, campaign(**fields).to_campaign, "c")


# --- core.inbound.events -------------------------------------------------------------------------


def event(payload: object = None, *, id: str = "evt-1", user: str = "creator-a") -> InboundEvent:
    payload = payload or MessageReceived("hi")
    return InboundEvent(
        id,
        EventType.MESSAGE_RECEIVED,
        user,
        NOW,
        FanRef(Platform.ONLYFANS, "luna"),
        payload,
    )


def test_the_event_types_are_the_bridges_names() -> None:
    assert [t.value for t in EventType] == [
        "message.received",
        "ppv.purchased",
        "fan.subscribed",
        "fan.unsubscribed",
    ]


def test_event_and_user_ids_of_128_characters_are_kept_and_129_refused() -> None:
    assert event(id="e" * 128, user="u" * 128).validated().id == "e" * 128
    refused("id", event(id="e" * 129).validated)
    refused("userId", event(user="u" * 129).validated)


def test_a_purchase_from_0_to_a_bigint() -> None:
    assert event(PpvPurchased(0)).validated().payload == PpvPurchased(0)
    assert event(PpvPurchased(BIG)).validated().payload == PpvPurchased(BIG)
    refused("data.amountCents", event(PpvPurchased(-1)).validated)
    refused("data.amountCents", event(PpvPurchased(BIG + 1)).validated)
