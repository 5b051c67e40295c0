"""A stand-in for the platform bridge: a real HTTP server (aiohttp.web) on a free local port."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
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


def delivering_to(bridge: Bridge, **more: str) -> dict[str, str]:
    """A server's environment that delivers every message to `bridge`, signed with its secret
    (`more` adds to it)."""
    return {
        "DELIVERY_BACKEND": "webhook",
        "DELIVERY_WEBHOOK_URL": bridge.url,
        "DELIVERY_WEBHOOK_SECRET": BRIDGE_SECRET,
        **more,
    }


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


@contextmanager
def bridge_in_thread() -> Iterator[Bridge]:
    """`running_bridge` for sync code (the browser tests, whose thread Playwright's loop holds):
    served from an event loop of its own in a daemon thread."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="bridge", daemon=True)
    thread.start()
    serving = running_bridge()
    in_loop = functools.partial(asyncio.run_coroutine_threadsafe, loop=loop)
    try:
        bridge = in_loop(serving.__aenter__()).result(10)
        try:
            yield bridge
        finally:
            in_loop(serving.__aexit__(None, None, None)).result(10)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
