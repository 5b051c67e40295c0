"""Quick replies: canned answers a creator inserts instead of typing them again."""

from core.quick_replies.records import QuickReply
from core.quick_replies.use_cases import (
    CreateQuickReply,
    DeleteQuickReply,
    GetQuickReply,
    ListQuickReplies,
    QuickReplyChanges,
    UpdateQuickReply,
)

__all__ = [
    "CreateQuickReply",
    "DeleteQuickReply",
    "GetQuickReply",
    "ListQuickReplies",
    "QuickReply",
    "QuickReplyChanges",
    "UpdateQuickReply",
]
