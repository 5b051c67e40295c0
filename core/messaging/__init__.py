"""Outbound messaging: writing, relaying, consuming and delivering messages through the queue
and each creator's send bucket."""

from core.messaging.config import MessagingConfig
from core.messaging.consume import ConsumeEnvelopes
from core.messaging.eta import already_waiting, plan_backlog
from core.messaging.gate import SendGate
from core.messaging.gauges import RecordQueueGauges
from core.messaging.ports import (
    MAX_BATCH,
    MAX_DELAY_S,
    CampaignPace,
    Delivered,
    DeliveryResult,
    MessageQueue,
    MessageRepository,
    MessagingStorage,
    OutboxRepository,
    PermanentFailure,
    QueueStats,
    Received,
    SendResult,
    Throttled,
    TransientFailure,
)
from core.messaging.queries import (
    GetMessage,
    GetQueueStatus,
    ListFailedMessages,
    OutboundCounts,
    QueueStatus,
)
from core.messaging.records import (
    DEFAULT_PRIORITY,
    MAX_CONTENT_LENGTH,
    MAX_PRIORITY,
    MIN_PRIORITY,
    UNSENT_STATUSES,
    Deliverable,
    Direction,
    Envelope,
    Message,
    MessageStatus,
    Outbound,
    Outcome,
)
from core.messaging.relay import OutboxRelay
from core.messaging.retry import RetryFailedMessage
from core.messaging.send import BatchItemResult, SendBatch, SendMessage, SendReceipt
from core.messaging.sweep import SweepOutbox
from core.messaging.unsend import UnsendMessage
from core.messaging.worker import QueueWorker
from core.messaging.writer import MAX_MEDIA_URL_LENGTH, NewMessage, OutboundWriter, check_outbound

__all__ = [
    "DEFAULT_PRIORITY",
    "MAX_BATCH",
    "MAX_CONTENT_LENGTH",
    "MAX_DELAY_S",
    "MAX_MEDIA_URL_LENGTH",
    "MAX_PRIORITY",
    "MIN_PRIORITY",
    "UNSENT_STATUSES",
    "BatchItemResult",
    "CampaignPace",
    "ConsumeEnvelopes",
    "Deliverable",
    "Delivered",
    "DeliveryResult",
    "Direction",
    "Envelope",
    "GetMessage",
    "GetQueueStatus",
    "ListFailedMessages",
    "Message",
    "MessageQueue",
    "MessageRepository",
    "MessageStatus",
    "MessagingConfig",
    "MessagingStorage",
    "NewMessage",
    "Outbound",
    "OutboundCounts",
    "OutboundWriter",
    "OutboxRelay",
    "OutboxRepository",
    "Outcome",
    "PermanentFailure",
    "QueueStats",
    "QueueStatus",
    "QueueWorker",
    "Received",
    "RecordQueueGauges",
    "RetryFailedMessage",
    "SendBatch",
    "SendGate",
    "SendMessage",
    "SendReceipt",
    "SendResult",
    "SweepOutbox",
    "Throttled",
    "TransientFailure",
    "UnsendMessage",
    "already_waiting",
    "check_outbound",
    "plan_backlog",
]
