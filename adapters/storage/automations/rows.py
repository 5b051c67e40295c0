"""An automation's and a run's rows, the steps and the segment as the JSON the row keeps."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adapters.storage.campaigns.audience_json import audience_from_json, audience_json
from core.automations import Automation, Run, RunStatus, Step, StopReason, Subscribers, Trigger
from core.campaigns import Segment


def steps_json(steps: tuple[Step, ...]) -> list[dict[str, Any]]:
    return [
        {
            "delayS": step.delay_s,
            "jitterS": step.jitter_s,
            "variants": list(step.variants),
            "priceCents": step.price_cents,
        }
        for step in steps
    ]


def steps_from_json(data: list[dict[str, Any]]) -> tuple[Step, ...]:
    return tuple(
        Step(tuple(step["variants"]), step["delayS"], step["jitterS"], step.get("priceCents"))
        for step in data
    )


def segment_json(segment: Segment | None) -> dict[str, Any] | None:
    return None if segment is None else audience_json(segment.as_audience())


def segment_from_json(data: dict[str, Any] | None) -> Segment | None:
    if data is None:
        return None
    a = audience_from_json(data)
    return Segment(
        a.tags_any, a.tags_all, a.tags_none, a.min_value_cents, a.max_value_cents, a.platform,
        a.exclude_fan_ids, a.exclude_messaged_within_hours, a.exclude_unread,
    )  # fmt: skip


def automation_values(automation: Automation) -> dict[str, Any]:
    """The definition's columns (not the id, the owner or the creation time)."""
    return {
        "name": automation.name,
        "trigger": automation.trigger.value,
        "subscribers": automation.subscribers.value,
        "inactive_days": automation.inactive_days,
        "segment": segment_json(automation.segment),
        "steps": steps_json(automation.steps),
        "enabled": automation.enabled,
        "scanned_until": automation.scanned_until,
        "updated_at": automation.updated_at,
    }


def automation_from_row(row: sa.Row[Any], prefix: str = "") -> Automation:
    """The automation of a row (its columns named `prefix` + column in a joined row)."""
    m = row._mapping
    return Automation(
        id=m[prefix + "id"],
        user_id=m[prefix + "user_id"],
        name=m[prefix + "name"],
        trigger=Trigger(m[prefix + "trigger"]),
        steps=steps_from_json(m[prefix + "steps"]),
        segment=segment_from_json(m[prefix + "segment"]),
        subscribers=Subscribers(m[prefix + "subscribers"]),
        inactive_days=m[prefix + "inactive_days"],
        enabled=m[prefix + "enabled"],
        created_at=m[prefix + "created_at"],
        updated_at=m[prefix + "updated_at"],
        scanned_until=m[prefix + "scanned_until"],
    )


def run_values(run: Run) -> dict[str, Any]:
    return {
        "user_id": run.user_id,
        "automation_id": run.automation_id,
        "fan_id": run.fan_id,
        "occurrence": run.occurrence,
        "status": run.status.value,
        "stop_reason": None if run.stop_reason is None else run.stop_reason.value,
        "step": run.step,
        "due_at": run.due_at,
        "started_at": run.started_at,
        "updated_at": run.updated_at or run.started_at,
    }


def run_from_row(row: sa.Row[Any]) -> Run:
    return Run(
        id=row.id,
        user_id=row.user_id,
        automation_id=row.automation_id,
        fan_id=row.fan_id,
        occurrence=row.occurrence,
        due_at=row.due_at,
        started_at=row.started_at,
        step=row.step,
        status=RunStatus(row.status),
        stop_reason=None if row.stop_reason is None else StopReason(row.stop_reason),
        updated_at=row.updated_at,
    )
