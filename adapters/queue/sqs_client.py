"""The SQS client of the process, and the rules every SQS call shares: the message group of an
envelope, and SQS's errors seen by the core as Unavailable.

One client per process (`adapters.queue.sqs.open_sqs_queue`, a container resource): a client
owns an HTTP connection pool, so making one per call would pay a TLS handshake on every message.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import aioboto3
from aiobotocore.config import AioConfig
from botocore.exceptions import BotoCoreError, ClientError

from core.errors import Unavailable

log = logging.getLogger(__name__)

MAX_WAIT_S = 20  # SQS's ceiling for a long poll
# A MessageGroupId is 1 to 128 characters, letters, digits and ASCII punctuation.
_GROUP_ID = re.compile(r"[!-~]{1,128}")
UNKNOWN_RECEIPT = frozenset({"ReceiptHandleIsInvalid"})


@contextlib.asynccontextmanager
async def open_sqs_client(region: str, endpoint_url: str | None) -> AsyncIterator[Any]:
    session = aioboto3.Session()
    # Retries in "standard" mode back off SQS's throttling; the read timeout outlasts a long poll.
    config = AioConfig(
        retries={"max_attempts": 3, "mode": "standard"}, read_timeout=MAX_WAIT_S + 10
    )
    async with session.client(
        "sqs", region_name=region, endpoint_url=endpoint_url, config=config
    ) as client:
        yield client


def group_id(user_id: str) -> str:
    """The creator as the message group: SQS fair queues keep one busy creator from delaying
    the others. An id SQS would refuse as a group id is replaced by a digest of itself."""
    if _GROUP_ID.fullmatch(user_id):
        return user_id
    return "sha256-" + hashlib.sha256(user_id.encode()).hexdigest()


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@contextlib.asynccontextmanager
async def unavailable_on_error(
    operation: str, ignore: frozenset[str] = frozenset()
) -> AsyncIterator[None]:
    """SQS and network errors as Unavailable naming the operation; errors coded `ignore` pass."""
    try:
        yield
    except ClientError as exc:
        if _code(exc) not in ignore:
            raise Unavailable(f"SQS {operation} failed: {exc}") from exc
        log.warning("SQS %s: %s ignored", operation, _code(exc))
    except BotoCoreError as exc:
        raise Unavailable(f"SQS {operation} failed: {exc}") from exc
