"""The peer of the send benchmark: a bare Litestar JSON endpoint, served exactly as fancrm is."""

from __future__ import annotations

import sys

import msgspec
import uvicorn
from litestar import Litestar, post

from entrypoints.runtime import tune_garbage_collector


class Body(msgspec.Struct, rename="camel"):
    recipient_id: int
    content: str


@post("/api/onlyfans/messaging/send", status_code=202)
async def send(data: Body) -> dict[str, object]:
    return {"messageId": "00000000-0000-0000-0000-000000000000", "status": "queued"}


if __name__ == "__main__":
    app = Litestar([send], logging_config=None)
    tune_garbage_collector()  # as `fancrm serve` does
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_config=None, access_log=False)
