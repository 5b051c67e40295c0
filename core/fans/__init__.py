"""Fans: the CRM's people, their rules, and creating, listing, changing and deleting them."""

from core.fans.ports import FanQuery, FanRepository, FanSort
from core.fans.records import (
    MAX_HANDLE_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NOTES_LENGTH,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    MAX_TOP,
    MAX_VALUE_CENTS,
    Fan,
    NewFan,
    Platform,
    check_email,
    check_search,
    check_tags,
    check_value_cents,
    normalize_handle,
)
from core.fans.updates import KEEP, DeleteFan, FanChanges, UpdateFan, fan_version
from core.fans.use_cases import CreateFan, GetFan, ListFans, TopFans

__all__ = [
    "KEEP",
    "MAX_HANDLE_LENGTH",
    "MAX_NAME_LENGTH",
    "MAX_NOTES_LENGTH",
    "MAX_TAGS",
    "MAX_TAG_LENGTH",
    "MAX_TOP",
    "MAX_VALUE_CENTS",
    "CreateFan",
    "DeleteFan",
    "Fan",
    "FanChanges",
    "FanQuery",
    "FanRepository",
    "FanSort",
    "GetFan",
    "ListFans",
    "NewFan",
    "Platform",
    "TopFans",
    "UpdateFan",
    "check_email",
    "check_search",
    "check_tags",
    "check_value_cents",
    "fan_version",
    "normalize_handle",
]
