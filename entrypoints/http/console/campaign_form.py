"""The campaign form: what a person typed, turned into what the campaign use cases take.

Its fields carry the API's names (`segment.minValueCents`, `ratePerMinute`), so an `Invalid`
naming a field names the form's field too. Amounts are typed in dollars (the import's money
parser reads them), times in UTC (the console shows every time in UTC), lists separated by
commas. The rules themselves are the core's: nothing is checked twice here, only read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.campaigns import CampaignLimits, NewCampaign, Segment
from core.errors import Invalid
from core.fans import Platform
from core.imports.values import parse_money, split_tags
from entrypoints.http.console.forms import (
    LONGEST_NUMBER,
    one_of,
    options,
    posted_values,
    textarea_text,
    whole_number,
)

TEXT_FIELDS = ("campaignName", "content", "priceCents", "mediaUrls")
SEGMENT_FIELDS = (
    "segment.tagsAny",
    "segment.tagsAll",
    "segment.tagsNone",
    "segment.minValueCents",
    "segment.maxValueCents",
    "segment.platform",
    "segment.excludeFanIds",
    "segment.excludeMessagedWithinHours",
    "segment.excludeUnread",
)
TIMING_FIELDS = ("sendAt", "ratePerMinute", "stopAt", "maxMessages")
FIELDS = frozenset((*TEXT_FIELDS, *SEGMENT_FIELDS, *TIMING_FIELDS))
# The platform select's options: (value, label); blank is every platform.
PLATFORMS = [("", "Any platform"), *options(Platform)]
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True, slots=True)
class Preview:
    """The message as a fan would see it; what cannot be read yet is left out."""

    content: str
    price_cents: int | None
    media_urls: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CampaignForm:
    values: dict[str, str] = field(default_factory=dict)  # as typed, shown again on an error

    @classmethod
    def posted(cls, data: Mapping[str, Any]) -> CampaignForm:
        return cls(posted_values(data, FIELDS))

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def checked(self, name: str) -> bool:
        return bool(self.values.get(name))

    def new_campaign(self) -> NewCampaign:
        """What the bulk send's body would say: a segment always (blank: every fan)."""
        return NewCampaign(
            name=self.value("campaignName"),
            content=textarea_text(self.value("content")),
            media_urls=self._media_urls(),
            price_cents=self._money("priceCents"),
            segment=self.segment(),
            send_at=self._time("sendAt"),
            limits=CampaignLimits(
                rate_per_minute=self._whole("ratePerMinute"),
                stop_at=self._time("stopAt"),
                max_messages=self._whole("maxMessages"),
            ),
        )

    def segment(self) -> Segment:
        return Segment(
            tags_any=split_tags(self.value("segment.tagsAny")),
            tags_all=split_tags(self.value("segment.tagsAll")),
            tags_none=split_tags(self.value("segment.tagsNone")),
            min_value_cents=self._money("segment.minValueCents"),
            max_value_cents=self._money("segment.maxValueCents"),
            platform=self._platform(),
            exclude_fan_ids=self._ids("segment.excludeFanIds"),
            exclude_messaged_within_hours=self._whole("segment.excludeMessagedWithinHours"),
            exclude_unread=self.checked("segment.excludeUnread"),
        )

    def preview(self) -> Preview:
        try:
            price = self._money("priceCents")
        except Invalid:
            price = None
        return Preview(self.value("content"), price, self._media_urls())

    def _media_urls(self) -> tuple[str, ...]:
        lines = self.value("mediaUrls").splitlines()
        return tuple(line.strip() for line in lines if line.strip())

    def _money(self, name: str) -> int | None:
        raw = self.value(name)
        if len(raw) > LONGEST_NUMBER:
            raise Invalid(f"{name} is not an amount of money", field=name)
        return parse_money(raw, name) if raw.strip() else None

    def _whole(self, name: str) -> int | None:
        raw = self.value(name)
        return whole_number(raw, name) if raw.strip() else None

    def _ids(self, name: str) -> tuple[int, ...]:
        pieces = [p for p in _SEPARATORS.split(self.value(name)) if p]
        if not all(_is_number(p) for p in pieces):
            raise Invalid(f"{name} holds something that is not a fan id", field=name)
        return tuple(int(p) for p in pieces)

    def _platform(self) -> Platform | None:
        raw = self.value("segment.platform")
        return one_of(Platform, raw, "segment.platform") if raw else None

    def _time(self, name: str) -> datetime | None:
        """A browser's `datetime-local` (`2026-12-24T18:00`), read as UTC."""
        raw = self.value(name).strip()
        if not raw:
            return None
        try:
            when = datetime.fromisoformat(raw)
        except ValueError:
            raise Invalid(f"{name} must be a date and time (UTC)", field=name) from None
        return when if when.tzinfo else when.replace(tzinfo=UTC)


def _is_number(raw: str) -> bool:
    return raw.isascii() and raw.isdecimal() and len(raw) <= LONGEST_NUMBER
