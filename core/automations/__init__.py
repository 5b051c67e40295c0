"""Automations: welcome, win-back and follow-up sequences that fans' events start, written to
the outbox step by step, and stopped when the fan answers."""

from core.automations.definition import (
    MAX_DELAY_S,
    MAX_INACTIVE_DAYS,
    MAX_JITTER_S,
    MAX_NAME_LENGTH,
    MAX_STEPS,
    MAX_VARIANTS,
    NewAutomation,
)
from core.automations.fire import FireDueSteps
from core.automations.inactive import StartInactiveRuns
from core.automations.manage import (
    AutomationView,
    CreateAutomation,
    DeleteAutomation,
    DisableAutomation,
    EnableAutomation,
    GetAutomation,
    ListAutomations,
    ReplaceAutomation,
)
from core.automations.ports import (
    AutomationRepository,
    AutomationStorage,
    AutomationStore,
    RandomSource,
    RunRepository,
    TriggerStore,
)
from core.automations.records import (
    Automation,
    AutomationFigures,
    DueRun,
    Move,
    Run,
    RunStatus,
    Step,
    StopReason,
    Subscribers,
    Trigger,
)
from core.automations.triggers import AutomationTriggers, FanTriggered

__all__ = [
    "MAX_DELAY_S",
    "MAX_INACTIVE_DAYS",
    "MAX_JITTER_S",
    "MAX_NAME_LENGTH",
    "MAX_STEPS",
    "MAX_VARIANTS",
    "Automation",
    "AutomationFigures",
    "AutomationRepository",
    "AutomationStorage",
    "AutomationStore",
    "AutomationTriggers",
    "AutomationView",
    "CreateAutomation",
    "DeleteAutomation",
    "DisableAutomation",
    "DueRun",
    "EnableAutomation",
    "FanTriggered",
    "FireDueSteps",
    "GetAutomation",
    "ListAutomations",
    "Move",
    "NewAutomation",
    "RandomSource",
    "ReplaceAutomation",
    "Run",
    "RunRepository",
    "RunStatus",
    "StartInactiveRuns",
    "Step",
    "StopReason",
    "Subscribers",
    "Trigger",
    "TriggerStore",
]
