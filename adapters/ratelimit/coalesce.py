"""One Lua script called by many tasks at once, sharing round trips (auto-pipelining).

Alone, a call goes straight out as one EVALSHA. While a round trip is under way, later calls wait
for it to end and then leave together in one pipeline: one write and one read for all of them, so
a busy API process asks Redis in batches instead of paying a round trip, and a syscall or two,
per request. Each call stays one atomic script run; batching changes no decision.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError

Call = tuple[str, Sequence[int], "asyncio.Future[Any]"]


class CoalescingScript:
    def __init__(self, client: Redis, script: str) -> None:
        self._client = client
        self._script = script
        self.sha = hashlib.sha1(script.encode()).hexdigest()
        # None: nothing under way. A list: a round trip is, and these calls wait for the next.
        self._waiting: list[Call] | None = None
        self._batch: asyncio.Task[None] | None = None

    async def __call__(self, key: str, args: Sequence[int]) -> Any:
        if self._waiting is not None:
            future = asyncio.get_running_loop().create_future()
            self._waiting.append((key, args, future))
            return await future
        self._waiting = []
        try:
            return await self._one(key, args)
        finally:
            self._send_waiting()

    async def many(self, calls: Sequence[tuple[str, Sequence[int]]]) -> list[Any]:
        """Several calls in one pipeline of their own, run in order: a reply per call, or the
        exception of a call Redis refused in its place."""
        return await self._pipeline(list(calls)) if calls else []

    async def _one(self, key: str, args: Sequence[int]) -> Any:
        try:
            return await self._client.evalsha(self.sha, 1, key, *args)
        except NoScriptError:
            # Loaded on first use, and again after a restart or failover emptied the script cache.
            await self._client.script_load(self._script)
            return await self._client.evalsha(self.sha, 1, key, *args)

    def _send_waiting(self) -> None:
        """A round trip has ended: the calls that waited for it leave now, together."""
        calls = self._waiting or []
        self._waiting = [] if calls else None  # busy while they are out; idle if none waited
        if calls:
            self._batch = asyncio.create_task(self._many(calls))

    async def _many(self, calls: list[Call]) -> None:
        try:
            replies = await self._pipeline([(key, args) for key, args, _ in calls])
        except Exception as exc:
            replies = [exc] * len(calls)
        except BaseException:  # cancelled: the loop is closing
            for _, _, future in calls:
                future.cancel()
            raise
        finally:
            self._send_waiting()
        for (_, _, future), reply in zip(calls, replies, strict=True):
            if future.done():  # its caller was cancelled; its call ran, which can only cost it
                continue
            if isinstance(reply, Exception):
                future.set_exception(reply)
            else:
                future.set_result(reply)

    async def _pipeline(self, calls: list[tuple[str, Sequence[int]]]) -> list[Any]:
        replies = await self._run(calls)
        missing = [i for i, reply in enumerate(replies) if isinstance(reply, NoScriptError)]
        if missing:
            # Commands refused for NOSCRIPT did not run: load the script and send just those.
            await self._client.script_load(self._script)
            for i, reply in zip(missing, await self._run([calls[i] for i in missing]), strict=True):
                replies[i] = reply
        return replies

    async def _run(self, calls: list[tuple[str, Sequence[int]]]) -> list[Any]:
        async with self._client.pipeline(transaction=False) as pipe:
            for key, args in calls:
                pipe.evalsha(self.sha, 1, key, *args)
            replies: list[Any] = await pipe.execute(raise_on_error=False)
        return replies
