"""SQS for tests: one moto server in a thread for the whole run, spoken to over real HTTP.

moto's in-process mock patches botocore's synchronous HTTP and does not reach aiobotocore, so
aioboto3 must talk to moto in server mode.
"""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import aioboto3
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
# moto accepts any credentials; botocore refuses to sign without some.
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@functools.cache
def moto_endpoint() -> str:
    """The URL of the run's moto server, started on first use on a free port."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return f"http://{host}:{port}"


def sqs_env(queue: QueuePair) -> dict[str, str]:
    """The environment that points a fancrm process at `queue` on the moto server."""
    return {
        "SQS_RATE_LIMITER_QUEUE_URL": queue.url,
        "SQS_RATE_LIMITER_DLQ_URL": queue.dlq_url,
        "SQS_ENDPOINT_URL": moto_endpoint(),
        "AWS_REGION": REGION,
        **FAKE_CREDENTIALS,
    }


@asynccontextmanager
async def sqs_client() -> AsyncIterator[Any]:
    session = aioboto3.Session(
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    )
    async with session.client("sqs", endpoint_url=moto_endpoint()) as client:
        yield client


@dataclass(frozen=True)
class QueuePair:
    url: str
    dlq_url: str


async def create_queue_pair(
    client: Any, visibility_timeout_s: int = 30, max_receives: int = 5, **attributes: str
) -> QueuePair:
    """A fresh standard queue and its DLQ, named uniquely so tests never share one."""
    name = f"fancrm-{uuid4().hex[:12]}"
    dlq_url = (await client.create_queue(QueueName=f"{name}-dlq"))["QueueUrl"]
    dlq_arn = (await client.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"]))[
        "Attributes"
    ]["QueueArn"]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receives)}
    queue_attributes: Mapping[str, str] = {
        "VisibilityTimeout": str(visibility_timeout_s),
        "RedrivePolicy": json.dumps(redrive),
        **attributes,
    }
    url = (await client.create_queue(QueueName=name, Attributes=dict(queue_attributes)))["QueueUrl"]
    return QueuePair(url, dlq_url)


async def delete_queue_pair(client: Any, queue: QueuePair) -> None:
    for url in (queue.url, queue.dlq_url):
        await client.delete_queue(QueueUrl=url)
