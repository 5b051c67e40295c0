"""infra/template.yaml: cfn-lint passes, and the numbers the design depends on hold."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.infra import INFRA, load_infra_script

TEMPLATE = INFRA / "template.yaml"


class CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation's short tags (!Ref, !GetAtt, !Sub, ...) as their long forms."""


def _tag(loader: yaml.Loader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {"Ref" if suffix == "Ref" else f"Fn::{suffix}": value}


CfnLoader.add_multi_constructor("!", _tag)


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    return yaml.load(TEMPLATE.read_text(), Loader=CfnLoader)["Resources"]


def of_type(resources: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r["Properties"] for name, r in resources.items() if r["Type"] == kind}


def cfn_lint(path: Path) -> subprocess.CompletedProcess[str]:
    binary = Path(sys.executable).with_name("cfn-lint")
    command = [str(binary)] if binary.exists() else [shutil.which("cfn-lint") or "cfn-lint"]
    return subprocess.run([*command, str(path)], capture_output=True, text=True, check=False)


def test_cfn_lint_passes() -> None:
    result = cfn_lint(TEMPLATE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_would_catch_a_broken_template(tmp_path: Path) -> None:
    broken = tmp_path / "template.yaml"
    broken.write_text(TEMPLATE.read_text().replace("Runtime: python3.12", "Runtime: python9"))
    result = cfn_lint(broken)
    assert result.returncode != 0
    assert "python9" in result.stdout


def test_the_queue_redrives_to_the_dlq_after_five_receives(resources: dict[str, Any]) -> None:
    queue = resources["MessageQueue"]["Properties"]
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]},
        "maxReceiveCount": 5,
    }
    assert resources["DeadLetterQueue"]["Type"] == "AWS::SQS::Queue"


def test_visibility_timeout_is_at_least_six_function_timeouts(resources: dict[str, Any]) -> None:
    function = resources["ConsumerFunction"]["Properties"]
    assert resources["MessageQueue"]["Properties"]["VisibilityTimeout"] >= 6 * function["Timeout"]


def test_the_claim_lease_ends_inside_the_visibility_timeout(resources: dict[str, Any]) -> None:
    from core.messaging.config import MessagingConfig

    visibility = resources["MessageQueue"]["Properties"]["VisibilityTimeout"]
    assert MessagingConfig().lease_s < visibility


def test_the_lambda_consumes_the_queue_reporting_batch_item_failures(
    resources: dict[str, Any],
) -> None:
    name, function = "ConsumerFunction", resources["ConsumerFunction"]["Properties"]
    [mapping] = of_type(resources, "AWS::Lambda::EventSourceMapping").values()
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["MessageQueue", "Arn"]}
    assert mapping["FunctionName"] == {"Ref": name}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    # A batch is delivered all at once: no bigger than the deliveries the function runs together.
    concurrency = int(function["Environment"]["Variables"]["WORKER_CONCURRENCY"])
    assert 1 <= mapping["BatchSize"] <= concurrency
    assert mapping["BatchSize"] <= 10 or mapping["MaximumBatchingWindowInSeconds"] >= 1
    assert mapping["ScalingConfig"]["MaximumConcurrency"] == {"Ref": "ConsumerMaximumConcurrency"}
    assert function["Handler"] == "entrypoints.lambda_consumer.handler.handler"


def test_the_handlers_named_in_the_template_exist(resources: dict[str, Any]) -> None:
    import importlib

    for function in of_type(resources, "AWS::Lambda::Function").values():
        module, name = function["Handler"].rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), name))


def test_the_sweep_runs_every_minute_alone(resources: dict[str, Any]) -> None:
    sweep = resources["SweepFunction"]["Properties"]
    assert sweep["Handler"] == "entrypoints.lambda_consumer.sweep.handler"
    assert sweep["ReservedConcurrentExecutions"] == 1
    [rule] = of_type(resources, "AWS::Events::Rule").values()
    assert rule["ScheduleExpression"] == "rate(1 minute)"
    assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": ["SweepFunction", "Arn"]}
    [permission] = of_type(resources, "AWS::Lambda::Permission").values()
    assert permission["Principal"] == "events.amazonaws.com"
    # The sweep must come round well before what it queued (its horizon) has drained.
    from core.messaging.config import MessagingConfig

    assert MessagingConfig().campaign_horizon_s > 60 * 2


def test_the_lambda_runtime_is_what_make_lambda_zip_builds_for(resources: dict[str, Any]) -> None:
    builder = load_infra_script("build_lambda_zip")
    for function in of_type(resources, "AWS::Lambda::Function").values():  # one zip for both
        assert function["Runtime"] == f"python{builder.PYTHON_VERSION}"
        arch = {"arm64": "aarch64", "x86_64": "x86_64"}[function["Architectures"][0]]
        assert f"manylinux2014_{arch}" == builder.PLATFORM


def test_jwt_and_database_url_come_from_secrets_manager(resources: dict[str, Any]) -> None:
    [task] = of_type(resources, "AWS::ECS::TaskDefinition").values()
    [api] = task["ContainerDefinitions"]
    secrets = {s["Name"]: s["ValueFrom"] for s in api["Secrets"]}
    for variable in ("JWT_SECRET", "DATABASE_URL", "DELIVERY_WEBHOOK_SECRET"):
        assert resources[secrets[variable]["Ref"]]["Type"] == "AWS::SecretsManager::Secret"
    environment = {e["Name"] for e in api["Environment"]}
    assert not environment & set(secrets)  # never also in plain text
    assert api["Command"] == ["fancrm", "serve"]
    assert {"Name": "HOST", "Value": "0.0.0.0"} in api["Environment"]


def test_the_api_runs_on_fargate_behind_the_health_check(resources: dict[str, Any]) -> None:
    [service] = of_type(resources, "AWS::ECS::Service").values()
    assert service["LaunchType"] == "FARGATE"
    [target_group] = of_type(resources, "AWS::ElasticLoadBalancingV2::TargetGroup").values()
    assert target_group["HealthCheckPath"] == "/health"
    assert of_type(resources, "AWS::ElastiCache::ReplicationGroup")


def test_alarms_watch_the_dlq_depth_and_the_oldest_message(resources: dict[str, Any]) -> None:
    alarms = {
        (a["MetricName"], a["Dimensions"][0]["Value"]["Fn::GetAtt"][0]): a
        for a in of_type(resources, "AWS::CloudWatch::Alarm").values()
    }
    dlq = alarms[("ApproximateNumberOfMessagesVisible", "DeadLetterQueue")]
    assert (dlq["Threshold"], dlq["ComparisonOperator"]) == (0, "GreaterThanThreshold")
    assert ("ApproximateAgeOfOldestMessage", "MessageQueue") in alarms
