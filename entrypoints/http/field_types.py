"""What a request's field is declared as, found from its name: the values an enum allows."""

from __future__ import annotations

import enum
import re
import types
import typing
from typing import Any

import msgspec
from litestar import Request

_STEP = re.compile(r"[^.\[\]]+")


def allowed_values(request: Request[Any, Any, Any], field: str, source: str) -> list[str] | None:
    """The values of the enum `field` (a query name, or a body path like `segment.platform`)
    is declared as; None when it is no enum or cannot be found."""
    parameters = request.route_handler.parsed_fn_signature.parameters
    if source == "body":
        kind: Any = parameters["data"].annotation if "data" in parameters else None
        for step in _STEP.findall(field):
            if step.isdigit():
                continue
            kind = _field_of(kind, step)
    else:
        kind = next(
            (p.annotation for name, p in parameters.items() if _query_name(name, p) == field), None
        )
    found = _enum_in(kind)
    return [str(member.value) for member in found] if found else None


def _field_of(kind: Any, name: str) -> Any:
    struct = _struct_in(kind)
    if struct is None:
        return None
    return next((f.type for f in msgspec.structs.fields(struct) if f.encode_name == name), None)


def _members(kind: Any) -> list[Any]:
    """The types a declared type can be: itself, or each part of a union or a list."""
    if typing.get_origin(kind) is typing.Annotated:
        kind = typing.get_args(kind)[0]
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) in (typing.Union, list):
        return [m for arg in typing.get_args(kind) for m in _members(arg)]
    return [kind]


def _struct_in(kind: Any) -> type[msgspec.Struct] | None:
    return next(
        (m for m in _members(kind) if isinstance(m, type) and issubclass(m, msgspec.Struct)), None
    )


def _enum_in(kind: Any) -> type[enum.Enum] | None:
    return next(
        (m for m in _members(kind) if isinstance(m, type) and issubclass(m, enum.Enum)), None
    )


def _query_name(name: str, parameter: Any) -> str:
    definition = parameter.kwarg_definition
    return getattr(definition, "query", None) or getattr(definition, "name", None) or name
