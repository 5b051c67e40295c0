"""The Lambda function on the SQS queue: each batch through the same consumer use case as
`fancrm worker`, answering with the records SQS must hand out again (ReportBatchItemFailures).

A record the consumer finished (sent, failed for good, deferred by a delayed copy, duplicate) is
acknowledged by not being named: Lambda deletes it. A poison record (a body that is not an
envelope) is named every time, so the queue's redrive policy moves it to the DLQ.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any

from adapters.queue.codec import UndecodableEnvelope, decode_envelope
from core.logcontext import log_context
from core.messaging import ConsumeEnvelopes, Envelope
from entrypoints import container as composition
from entrypoints.config import Settings
from entrypoints.container import Container, build_container, resolve
from entrypoints.lambda_consumer.events import SqsRecord, batch_item_failures, decode_event
from entrypoints.logs import configure_logging
from entrypoints.runtime import tune_garbage_collector

log = logging.getLogger(__name__)


class SqsBatchConsumer:
    """The container and the one event loop of a Lambda execution environment.

    The loop lives as long as the environment: pooled clients (SQS, Redis, the database) are
    bound to the loop they were opened on, and asyncio.run per invocation would close it under
    them when the environment is thawed for the next batch.
    """

    def __init__(self, container: Container, loop: asyncio.AbstractEventLoop) -> None:
        self.container = container
        self.loop = loop
        self._consume: ConsumeEnvelopes | None = None
        self._flush_metrics: Callable[[], None] = lambda: None

    @classmethod
    def cold_start(cls, env: Mapping[str, str]) -> SqsBatchConsumer:
        settings = Settings.from_env(env, needs_jwt_secret=False)
        configure_logging(settings.log_level, settings.log_format)
        tune_garbage_collector()
        return cls.started(build_container(settings))

    @classmethod
    def started(cls, container: Container) -> SqsBatchConsumer:
        """Open the container's pools and clients on a new loop kept for later invocations."""
        loop = asyncio.new_event_loop()
        loop.run_until_complete(composition.start(container))
        return cls(container, loop)

    def handle(self, event: Any, request_id: str = "") -> dict[str, list[dict[str, str]]]:
        with log_context(request_id=request_id):
            return self.loop.run_until_complete(self._handle(event))

    def close(self) -> None:
        self.loop.run_until_complete(composition.stop(self.container))
        self.loop.close()

    async def _handle(self, event: Any) -> dict[str, list[dict[str, str]]]:
        if self._consume is None:
            self._consume = await resolve(self.container.consume)
            # A buffering adapter (CloudWatch EMF) writes at the end of every invocation: a
            # frozen environment runs no timers, and a retired one would lose what it held.
            metrics = await resolve(self.container.metrics)
            self._flush_metrics = getattr(metrics, "flush", self._flush_metrics)
        records = decode_event(event).records
        readable = [(r, envelope) for r in records if (envelope := _envelope(r)) is not None]
        outcomes = await self._consume.execute([envelope for _, envelope in readable])
        done = {r.message_id for (r, _), ok in zip(readable, outcomes, strict=True) if ok}
        failed = [r.message_id for r in records if r.message_id not in done]
        log.info("batch consumed", extra={"records": len(records), "failed": len(failed)})
        self._flush_metrics()
        return batch_item_failures(failed)


def _envelope(record: SqsRecord) -> Envelope | None:
    try:
        return decode_envelope(record.body)
    except UndecodableEnvelope as exc:
        with log_context(sqs_message_id=record.message_id):
            log.error("poison record reported failed, for the DLQ", extra={"error": str(exc)})
        return None


_consumer: SqsBatchConsumer | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    """The function's entry point (entrypoints.lambda_consumer.handler.handler)."""
    global _consumer
    if _consumer is None:  # a cold start: build once, reuse while the environment lives
        _consumer = SqsBatchConsumer.cold_start(os.environ)
    return _consumer.handle(event, getattr(context, "aws_request_id", ""))
