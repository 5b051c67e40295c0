"""Values every log line of the current request or envelope carries (request id, message id).

Kept in the core, on a stdlib ContextVar, so use cases can bind them without a logging library;
the entrypoints' log configuration merges them into each line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

_bound: ContextVar[Mapping[str, str]] = ContextVar(
    "fancrm_log_context", default=MappingProxyType({})
)


@contextmanager
def log_context(**values: str) -> Iterator[None]:
    token = _bound.set({**_bound.get(), **values})
    try:
        yield
    finally:
        _bound.reset(token)


def bound_values() -> Mapping[str, str]:
    return _bound.get()
