"""The request class of the app: a JSON body is held to its schema strictly, and one too deeply
nested to decode is the caller's error."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ClientException, ValidationException
from litestar.handlers import HTTPRouteHandler

TOO_DEEP = "nested too deeply to decode"
_LIST_ITEM = re.compile(r"\[\d+\]$")
_AT = re.compile(r" - at `\$\.?(?P<path>[^`]*)`$")


class ApiRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        # msgspec decodes recursively and raises RecursionError at the interpreter's limit
        # (about 1,000 levels): refused before any handler sees it, as a 400 and not a 500.
        try:
            value = await super().json()
        except RecursionError:
            raise ClientException(TOO_DEEP) from None
        if (body_type := _body_type(self.route_handler)) is not None:
            _check_strictly(value, body_type)
        return value


@cache
def _body_type(handler: HTTPRouteHandler) -> type[msgspec.Struct] | None:
    data = handler.parsed_fn_signature.parameters.get("data")
    kind = data.annotation if data is not None else None
    return kind if isinstance(kind, type) and issubclass(kind, msgspec.Struct) else None


def _check_strictly(value: Any, body_type: type[msgspec.Struct]) -> None:
    """Litestar converts a body leniently (`0` for `false`, `"5"` or a number of seconds for a
    time); the body must be what the published schema says, as JSON Schema reads it (where
    `5.0` is an integer). Every field in error is named, not only the first."""
    value = _integral_floats_as_ints(value)
    try:
        msgspec.convert(value, body_type, strict=True)
    except msgspec.ValidationError as exc:
        issues = _issues_by_field(value, body_type) if isinstance(value, dict) else []
        raise ValidationException(extra=issues or [_issue("", exc)]) from None


def _issues_by_field(body: dict[str, Any], body_type: type[msgspec.Struct]) -> list[Any]:
    fields = msgspec.structs.fields(body_type)
    known = {field.encode_name for field in fields}
    issues = [_unknown(name) for name in body if name not in known]
    for field in fields:
        if field.encode_name not in body:
            if field.required:
                issues.append(_missing(field.encode_name))
            continue
        try:
            msgspec.convert(body[field.encode_name], field.type, strict=True)
        except msgspec.ValidationError as exc:
            issues.append(_issue(field.encode_name, exc))
    return issues


def _issue(name: str, exc: msgspec.ValidationError) -> dict[str, str]:
    message = str(exc)
    at = _AT.search(message)
    inner = at.group("path") if at else ""
    path = f"{name}{'' if inner.startswith('[') or not name or not inner else '.'}{inner}"
    path = _LIST_ITEM.sub("", path)  # `mediaUrls`, not `mediaUrls[0]`: the field is the list
    return {"key": path, "message": message[: at.start()] if at else message, "source": "body"}


def _unknown(name: str) -> dict[str, str]:
    return {"key": name, "message": "unknown field", "source": "body"}


def _missing(name: str) -> dict[str, str]:
    return {"key": name, "message": f"Object missing required field `{name}`", "source": "body"}


def _integral_floats_as_ints(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_integral_floats_as_ints(item) for item in value]
    if isinstance(value, dict):
        return {key: _integral_floats_as_ints(item) for key, item in value.items()}
    return value
