"""Create the local stack's SQS queue and its DLQ (docker-compose, on the moto server).

The same shape as infra/template.yaml: redrive to the DLQ after 5 receives, a visibility timeout
of 180 s. Creating a queue that exists with the same attributes is a no-op, so reruns are fine.
"""

from __future__ import annotations

import json
import os

import boto3

QUEUE, DEAD_LETTER_QUEUE = "fancrm", "fancrm-dlq"
MAX_RECEIVE_COUNT = 5
VISIBILITY_TIMEOUT_S = 180


def create_queues(endpoint_url: str, region: str = "us-east-1") -> tuple[str, str]:
    """The queue's URL and the DLQ's URL, creating them where missing."""
    sqs = boto3.client("sqs", endpoint_url=endpoint_url, region_name=region)
    dlq_url = sqs.create_queue(QueueName=DEAD_LETTER_QUEUE)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVE_COUNT)}
    queue_url = sqs.create_queue(
        QueueName=QUEUE,
        Attributes={
            "VisibilityTimeout": str(VISIBILITY_TIMEOUT_S),
            "RedrivePolicy": json.dumps(redrive),
        },
    )["QueueUrl"]
    return queue_url, dlq_url


if __name__ == "__main__":
    urls = create_queues(os.environ["SQS_ENDPOINT_URL"], os.environ.get("AWS_REGION", "us-east-1"))
    print("queues ready:", *urls)
