"""A platform bridge for the benchmarks, in a process of its own (a real bridge is elsewhere):
answers every delivery 200 OK after a fixed delay.

    python -m tests.bench.slow_bridge PORT DELAY_S
"""

from __future__ import annotations

import asyncio
import sys

from aiohttp import web


def main() -> None:
    port, delay_s = int(sys.argv[1]), float(sys.argv[2])

    async def deliver(_: web.Request) -> web.Response:
        await asyncio.sleep(delay_s)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/deliver", deliver)
    print("listening", flush=True)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=1024)


if __name__ == "__main__":
    main()
