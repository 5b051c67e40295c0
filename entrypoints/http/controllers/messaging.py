"""Messaging endpoints: send one or a batch, the queue's status, failed messages, retry, get one."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from core.messaging import (
    GetMessage,
    GetQueueStatus,
    ListFailedMessages,
    RetryFailedMessage,
    SendBatch,
    SendMessage,
    UnsendMessage,
)
from entrypoints.http.caller import caller_of
from entrypoints.http.schemas.messaging import (
    FailedMessagesResponse,
    MessageView,
    QueueStatusResponse,
    RetryResponse,
    SendBatchBody,
    SendBatchResponse,
    SendMessageBody,
    SendMessageResponse,
)

AnyRequest = Request[str, Any, Any]


class MessagingController(Controller):
    path = "/api/onlyfans"
    tags = ["messaging"]

    @post(["/messaging/send", "/messages/send"], status_code=202, name="sendMessage")
    async def send(
        self,
        request: AnyRequest,
        data: JSONBody[SendMessageBody],
        send_message: NamedDependency[SendMessage],
    ) -> SendMessageResponse:
        """Queue one message to a fan; it goes out when the creator's send bucket allows."""
        author = caller_of(request).author
        receipt = await send_message.execute(request.user, data.to_core(), author=author)
        return SendMessageResponse.of(receipt)

    @post("/messaging/send-batch", status_code=202, operation_id="sendMessageBatch")
    async def send_batch(
        self,
        request: AnyRequest,
        data: JSONBody[SendBatchBody],
        send_batch: NamedDependency[SendBatch],
    ) -> SendBatchResponse:
        """Queue up to 100 messages; each gets its own result, so one bad item spoils nothing."""
        items = [item.to_core() for item in data.messages]
        author = caller_of(request).author
        return SendBatchResponse.of(await send_batch.execute(request.user, items, author=author))

    @get(["/messaging/status", "/messages/status"], name="getQueueStatus")
    async def status(
        self, request: AnyRequest, queue_status: NamedDependency[GetQueueStatus]
    ) -> QueueStatusResponse:
        """Queue depth, the creator's backlog and when it should be through."""
        return QueueStatusResponse.of(await queue_status.execute(request.user))

    @get("/messaging/failed", operation_id="listFailedMessages")
    async def failed(
        self, request: AnyRequest, list_failed: NamedDependency[ListFailedMessages]
    ) -> FailedMessagesResponse:
        """Messages that exhausted their attempts or failed for good."""
        page = await list_failed.execute(request.user)
        return FailedMessagesResponse.of(page.items, page.total)

    @post("/messaging/{message_id:uuid}/retry", status_code=200, operation_id="retryMessage")
    async def retry(
        self,
        request: AnyRequest,
        message_id: FromPath[UUID],
        retry_failed: NamedDependency[RetryFailedMessage],
    ) -> RetryResponse:
        """Send a failed message again, with a fresh count of attempts."""
        message = await retry_failed.execute(
            request.user, message_id, actor=caller_of(request).author
        )
        return RetryResponse(success=True, message_id=message.id, status=message.status)

    @post("/messaging/{message_id:uuid}/unsend", status_code=200, operation_id="unsendMessage")
    async def unsend(
        self,
        request: AnyRequest,
        message_id: FromPath[UUID],
        unsend_message: NamedDependency[UnsendMessage],
    ) -> MessageView:
        """Not sent yet: cancelled. Sent and unread: taken back from the platform (`unsent`).
        Read by the fan: 409. The bridge unreachable for now: 503, nothing changed."""
        actor = caller_of(request).author
        return MessageView.of(await unsend_message.execute(request.user, message_id, actor=actor))

    @get("/messaging/{message_id:uuid}", operation_id="getMessage")
    async def get_one(
        self,
        request: AnyRequest,
        message_id: FromPath[UUID],
        get_message: NamedDependency[GetMessage],
    ) -> MessageView:
        """One message and where it is in its lifecycle."""
        return MessageView.of(await get_message.execute(request.user, message_id))
