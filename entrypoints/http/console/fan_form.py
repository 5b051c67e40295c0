"""The fan form: what a person typed, turned into what the fan use cases take, and back.

Its fields carry the API's names (`valueCents`), so an `Invalid` naming a field names the form
field too. Only the fields a form holds are changes (a PATCH): a chatter's form holds notes and
tags alone, and any other field posted is refused by the API's own rule for chatters. The rules
themselves (handle, email, lengths, tags) are the core's: nothing is checked twice here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.fans import Fan, FanChanges, NewFan, Platform
from core.imports.values import parse_money, split_tags
from entrypoints.http.console.formats import money_input
from entrypoints.http.console.forms import one_of, options, posted_values, textarea_text

# The form's field (the API's name) → the name FanChanges and NewFan give it.
FIELDS: Mapping[str, str] = {
    "platform": "platform",
    "handle": "handle",
    "name": "name",
    "email": "email",
    "valueCents": "value_cents",
    "tags": "tags",
    "notes": "notes",
}
# The hidden field holding the ETag of the fan the form was filled from (the API's If-Match).
IF_MATCH = "ifMatch"
# The platform select's options: (value, label).
PLATFORMS = options(Platform)
_OPTIONAL = frozenset({"name", "email", "notes"})  # left blank: none


@dataclass(frozen=True, slots=True)
class FanForm:
    values: dict[str, str] = field(default_factory=dict)  # as typed, shown again on an error

    @classmethod
    def of(cls, fan: Fan) -> FanForm:
        return cls(
            {
                "platform": fan.platform.value,
                "handle": fan.handle,
                "name": fan.name or "",
                "email": fan.email or "",
                "valueCents": money_input(fan.value_cents),
                "tags": ", ".join(sorted(fan.tags)),
                "notes": fan.notes or "",
            }
        )

    @classmethod
    def posted(cls, data: Mapping[str, Any]) -> FanForm:
        return cls(posted_values(data, FIELDS))

    def given(self) -> list[str]:
        return list(self.values)

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def changes(self) -> FanChanges:
        return FanChanges(**{FIELDS[name]: _parsed(name, raw) for name, raw in self.values.items()})

    def new_fan(self) -> NewFan:
        return NewFan(
            platform=one_of(Platform, self.values.get("platform", ""), "platform"),
            handle=self.value("handle"),
            **{FIELDS[n]: _parsed(n, raw) for n, raw in self.values.items() if n not in _FIXED},
        )


_FIXED = frozenset({"platform", "handle"})  # NewFan's required fields


def _parsed(name: str, raw: str) -> Any:
    if name == "platform":
        return one_of(Platform, raw, "platform")
    if name == "tags":
        return split_tags(raw)  # `vip, new`: the separators a CSV cell of tags may use
    if name == "valueCents":
        return parse_money(raw, "valueCents") if raw.strip() else 0
    if name == "notes":
        raw = textarea_text(raw)
    if name in _OPTIONAL and not raw.strip():
        return None
    return raw
