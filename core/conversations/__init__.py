"""The inbox: conversations with fans, their threads, replies and read marks."""

from core.conversations.ports import ConversationQuery, ConversationRepository, Subscription
from core.conversations.records import Conversation, ConversationSummary
from core.conversations.use_cases import (
    GetConversation,
    ListConversationMessages,
    ListConversations,
    MarkConversationRead,
    Reply,
    SendInConversation,
)

__all__ = [
    "Conversation",
    "ConversationQuery",
    "ConversationRepository",
    "ConversationSummary",
    "GetConversation",
    "ListConversationMessages",
    "ListConversations",
    "MarkConversationRead",
    "Reply",
    "SendInConversation",
    "Subscription",
]
