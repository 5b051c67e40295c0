"""An adapter's libraries are imported only when it is selected: the Lambda's handler imports none
at all, and a process on memory backends never imports the SQS, Redis or webhook clients."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sqlalchemy", "aioboto3", "redis", "aiohttp", "alembic", "litestar", "uvicorn", "click")

IMPORT_HANDLER = """
import json, sys
import entrypoints.lambda_consumer.handler
print(json.dumps(sorted(sys.modules)))
"""

START_ON_MEMORY = """
import asyncio, json, sys
from entrypoints import container as composition
from entrypoints.config import Settings

async def main():
    container = composition.build_container(Settings.from_env({"JWT_SECRET": "x" * 32}))
    await composition.start(container)
    await composition.resolve(container.consume)
    await composition.stop(container)

asyncio.run(main())
print(json.dumps(sorted(sys.modules)))
"""


def modules_after(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_importing_the_lambda_handler_imports_no_adapter_library() -> None:
    loaded = modules_after(IMPORT_HANDLER)
    assert not top_level(loaded) & set(HEAVY)
    # The envelope codec only, which reads the SQS records of the event.
    assert {m for m in loaded if m.startswith("adapters.")} <= {
        "adapters.queue",
        "adapters.queue.codec",
    }


def test_a_process_on_memory_backends_imports_no_sqs_redis_or_webhook_client() -> None:
    loaded = modules_after(START_ON_MEMORY)
    assert "adapters.storage.database" in loaded  # what it selected, it imported
    assert "adapters.queue.memory" in loaded
    assert not top_level(loaded) & {"aioboto3", "redis", "litestar"}
    assert not loaded & {
        "adapters.queue.sqs",
        "adapters.delivery.webhook",
        "adapters.ratelimit.redis",
    }
