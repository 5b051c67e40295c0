"""Query strings held to the contract: a parameter that takes one value, given twice, is a 400
naming it (Litestar would quietly keep one of them)."""

from __future__ import annotations

from functools import cache
from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException
from litestar.handlers import HTTPRouteHandler


async def refuse_repeated_single_values(request: Request[Any, Any, Any]) -> None:
    repeated = [
        name
        for name, values in request.query_params.dict().items()
        if len(values) > 1 and name in _single_valued(request.route_handler)
    ]
    if repeated:
        issues = [
            {"key": name, "message": "given more than once; it takes one value", "source": "query"}
            for name in repeated
        ]
        raise ValidationException(extra=issues)


@cache
def _single_valued(handler: HTTPRouteHandler) -> frozenset[str]:
    names = set()
    for name, field in handler.parsed_fn_signature.parameters.items():
        definition = field.kwarg_definition
        query_name = getattr(definition, "query", None) or getattr(definition, "name", None)
        if not field.is_non_string_sequence:
            names.add(query_name or name)
    return frozenset(names)
