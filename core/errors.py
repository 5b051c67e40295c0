"""Domain errors. Entrypoints map each kind to one answer (HTTP status, exit code, failure)."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


class DomainError(Exception):
    """Base of every error the core raises on purpose."""

    def __init__(self, message: str, *, detail: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class NotFound(DomainError):
    """The row does not exist, or belongs to another tenant: the two are indistinguishable."""


class Invalid(DomainError):
    """The input breaks a rule; `field` names what was wrong."""

    def __init__(self, message: str, *, field: str | None = None, detail: object = None) -> None:
        super().__init__(message, detail=detail)
        self.field = field


class Unauthenticated(DomainError):
    """No credential, or one that is wrong, expired or revoked: the caller must sign in again."""


class Forbidden(DomainError):
    """The caller is known but may not do this here (not a member, or a role too low)."""


class Conflict(DomainError):
    """A valid request that clashes with the current state (a duplicate, an illegal transition)."""


class PreconditionFailed(DomainError):
    """The request was made against a version of the row that has changed since (If-Match)."""


class RateLimited(DomainError):
    def __init__(self, message: str, *, retry_after_s: float, detail: object = None) -> None:
        super().__init__(message, detail=detail)
        self.retry_after_s = retry_after_s


class Unavailable(DomainError):
    """A backing service (queue, bucket, database) cannot be reached, or a kill switch is off."""


def found(value: T | None, what: str, key: object) -> T:
    """`value`, or NotFound naming what was looked for (`fan 7 not found`) when it is None."""
    if value is None:
        raise NotFound(f"{what} {key} not found")
    return value


def removed(deleted: bool, what: str, key: object) -> None:
    """NotFound naming what was to be deleted, unless it was."""
    if not deleted:
        raise NotFound(f"{what} {key} not found")
