"""A stand-in for the platform bridge: a real HTTP server (aiohttp.web) on a free local port."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web

BRIDGE_SECRET = "bridge-secret-for-tests"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Bridge:
    """Answers with the scripted handlers in turn (then 200), and keeps what it received."""

    url: str = ""
    received: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    script: deque[Handler] = field(default_factory=deque)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def answer(self, *handlers: Handler) -> None:
        self.script.extend(handlers)

    async def _receive(self, request: web.Request) -> web.StreamResponse:
        self.received.append((await request.read(), dict(request.headers)))
        if self.script:
            return await self.script.popleft()(request)
        return web.json_response({"ok": True})


def answering(status: int, headers: dict[str, str] | None = None, body: str = "") -> Handler:
    async def respond(_: web.Request) -> web.StreamResponse:
        return web.Response(status=status, headers=headers, text=body)

    return respond


@asynccontextmanager
async def running_bridge() -> AsyncIterator[Bridge]:
    bridge = Bridge()
    app = web.Application()
    app.router.add_post("/deliver", bridge._receive)
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    bridge.url = f"http://{host}:{port}/deliver"
    try:
        yield bridge
    finally:
        bridge.released.set()  # a deliberately slow answer may finish, so the server can stop
        await runner.cleanup()
