"""The health of each component the service depends on."""

from core.monitoring.health import CheckHealth, ComponentHealth, HealthReport

__all__ = [
    "CheckHealth",
    "ComponentHealth",
    "HealthReport",
]
