"""infra/docker-compose.yml and its queue set-up, checked without Docker: the services' settings
are ones fancrm accepts, and the queue script builds the template's shape on a real moto server."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import boto3
import pytest
import yaml

from entrypoints.config import Settings
from tests.support.infra import INFRA, load_infra_script
from tests.support.sqs import FAKE_CREDENTIALS, moto_endpoint


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((INFRA / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def local_queues() -> ModuleType:
    return load_infra_script("local_queues")


def test_the_stack_has_its_services(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"postgres", "redis", "sqs", "queues", "migrate", "api", "worker"} <= set(services)
    assert services["api"]["command"] == ["fancrm", "serve"]
    assert services["worker"]["command"] == ["fancrm", "worker"]
    assert services["migrate"]["command"] == ["fancrm", "db", "upgrade"]
    assert services["api"]["build"]["dockerfile"] == "infra/Dockerfile"
    assert (INFRA / "Dockerfile").exists()
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }


@pytest.mark.parametrize("service", ["api", "worker"])
def test_api_and_worker_run_on_postgres_redis_and_sqs(
    compose: dict[str, Any], local_queues: ModuleType, service: str
) -> None:
    env = compose["services"][service]["environment"]
    settings = Settings.from_env(env)
    assert (settings.queue_backend, settings.limiter_backend) == ("sqs", "redis")
    assert settings.database_url.startswith("postgresql+asyncpg://")
    assert str(settings.sqs_queue_url).endswith(f"/{local_queues.QUEUE}")
    assert str(settings.sqs_dlq_url).endswith(f"/{local_queues.DEAD_LETTER_QUEUE}")
    assert settings.metrics_backend == "prometheus"


def test_the_queue_script_builds_the_templates_shape_and_can_rerun(
    local_queues: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    endpoint = moto_endpoint()
    queue_url, dlq_url = local_queues.create_queues(endpoint)
    assert local_queues.create_queues(endpoint) == (queue_url, dlq_url)
    sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1")
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = json.loads(attributes["RedrivePolicy"])
    assert (redrive["deadLetterTargetArn"], int(redrive["maxReceiveCount"])) == (dlq_arn, 5)
    assert attributes["VisibilityTimeout"] == "180"
