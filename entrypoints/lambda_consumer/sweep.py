"""The scheduled Lambda that sweeps the outbox (every minute, from infra/template.yaml): single
sends a crash left `pending`, and each running campaign's next slice at its creator's pace.

The same use case as the sweep in `fancrm worker`; like the consumer, one container and one event
loop for the life of the execution environment.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from typing import Any

from core.logcontext import log_context
from entrypoints import container as composition
from entrypoints.config import Settings
from entrypoints.container import Container, build_container, resolve
from entrypoints.logs import configure_logging

log = logging.getLogger(__name__)


class ScheduledSweep:
    def __init__(self, container: Container, loop: asyncio.AbstractEventLoop) -> None:
        self.container = container
        self.loop = loop

    @classmethod
    def cold_start(cls, env: Mapping[str, str]) -> ScheduledSweep:
        settings = Settings.from_env(env, needs_jwt_secret=False)
        configure_logging(settings.log_level, settings.log_format)
        return cls.started(build_container(settings))

    @classmethod
    def started(cls, container: Container) -> ScheduledSweep:
        loop = asyncio.new_event_loop()
        loop.run_until_complete(composition.start(container))
        return cls(container, loop)

    def handle(self, request_id: str = "") -> dict[str, int]:
        with log_context(request_id=request_id):
            return self.loop.run_until_complete(self._sweep())

    def close(self) -> None:
        self.loop.run_until_complete(composition.stop(self.container))
        self.loop.close()

    async def _sweep(self) -> dict[str, int]:
        relayed = await (await resolve(self.container.tick)).execute()
        metrics = await resolve(self.container.metrics)
        getattr(metrics, "flush", lambda: None)()  # a frozen environment runs no timers
        log.info("outbox swept", extra={"relayed": relayed})
        return {"relayed": relayed}


_sweep: ScheduledSweep | None = None


def handler(event: Any, context: Any) -> dict[str, int]:
    """The function's entry point (entrypoints.lambda_consumer.sweep.handler)."""
    global _sweep
    if _sweep is None:
        _sweep = ScheduledSweep.cold_start(os.environ)
    return _sweep.handle(getattr(context, "aws_request_id", ""))
