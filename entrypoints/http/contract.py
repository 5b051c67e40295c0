"""The published OpenAPI document made to say what the server does: the one error shape with
every status an operation can answer, the public operations marked public, bodies that refuse
unknown fields, integer bounds as integers, and an example for every request body.

Litestar builds the document from the handlers; what it cannot know (the exception table, the
auth exclusions, the signed events endpoint) is added here, once, before the first request.
"""

from __future__ import annotations

import copy
from typing import Any

import msgspec

from adapters.delivery.signature import SIGNATURE_HEADER
from core.checks import MAX_ID
from entrypoints.http.auth import ACCOUNT_HEADER, SIGN_IN_ANSWERS
from entrypoints.http.permissions import Access, Rule
from entrypoints.http.schemas import Body
from entrypoints.http.schemas.events import EventBody

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error answer: a message for people, and details for programs.",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "description": "What went wrong, naming the field."},
        "detail": {"description": "null, or the offending fields, ids, limits or retry time."},
    },
    "additionalProperties": False,
}
_REF = "#/components/schemas/{name}"
_ERROR_REF = {"$ref": _REF.format(name="Error")}
_WHY = {
    400: "Bad input: a parameter or body field (named in `error`), or a body nested too deeply",
    401: "No valid credential: no bearer token, or one invalid, expired, revoked or living over "
    "30 days; on sign-in routes, a wrong password, refresh token or invitation password",
    403: f"The credential may not act here: not a member of the account ({ACCOUNT_HEADER}), "
    "a role too low, or a route for people signed in",
    404: "No such row for this account (another account's row is indistinguishable)",
    409: "The change conflicts with the current state (a handle taken, a campaign finished, …)",
    412: "If-Match names a version that is no longer the current one; nothing changed",
    413: "The body is larger than this endpoint accepts",
    429: "The account's API rate limit, or too many failed sign-ins; retry after `Retry-After` "
    "seconds",
    503: "A dependency (database, queue, rate limiter) is unreachable, or sending is switched off",
}
_RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer", "minimum": 1}}
}
_WRITES = {"post", "put", "patch", "delete"}


def complete(
    document: dict[str, Any], examples: dict[str, Any], rules: dict[tuple[str, str], Rule]
) -> dict[str, Any]:
    """A copy of Litestar's `document`, made exact; `examples` are request bodies by schema,
    `rules` the permission table's rule of each (path, method)."""
    document = copy.deepcopy(document)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    schemas.update(_request_body_schemas())
    for path, item in document["paths"].items():
        for method, operation in item.items():
            rule = rules[(path, method)]
            _complete_operation(path, method, operation, examples, schemas, rule)
    _integer_bounds(document)
    return document


def _complete_operation(
    path: str,
    method: str,
    operation: dict[str, Any],
    examples: dict[str, Any],
    schemas: dict[str, Any],
    rule: Rule,
) -> None:
    public = rule in (Access.PUBLIC, Access.SIGNED)
    if rule is Access.SIGNED:
        _describe_signed_events(operation)
    if public:
        operation["security"] = []  # no bearer token: /health, /metrics, the signed events
    operation["x-fancrm-access"] = rule.value  # who may call it: the permission table's rule
    body = operation.get("requestBody")
    for media in (body or {}).get("content", {}).values():
        _optional_body(body, media)
        name = _schema_name(media.get("schema", {}))
        if name in examples:
            media["example"] = examples[name]
    responses = operation.setdefault("responses", {})
    for status in _statuses(path, method, operation, rule):
        responses[str(status)] = _error_response(status)


def _optional_body(body: dict[str, Any], media: dict[str, Any]) -> None:
    """A body the handler takes as `X | None` (the refresh token may come in a cookie
    instead): X or null, and it may be left out (the server reads no body as null)."""
    if {"type": "null"} in media.get("schema", {}).get("oneOf", []):
        body["required"] = False


def _statuses(path: str, method: str, operation: dict[str, Any], rule: Rule) -> list[int]:
    public = rule in (Access.PUBLIC, Access.SIGNED)
    statuses = [400, *SIGN_IN_ANSWERS.get(path, ())]
    if rule is not Access.PUBLIC:
        statuses.append(401)  # no bearer token, or (signed) no valid signature
    if not public:
        statuses += [403, 429]
    # A path id, or an id in the body (a recipient, a fan), may name no row of the account.
    if "{" in path or path == "/metrics" or (method in _WRITES and not public):
        statuses.append(404)
    if method in _WRITES:
        statuses.append(409)
    if any(p.get("name") == "If-Match" for p in operation.get("parameters", [])):
        statuses.append(412)
    if operation.get("requestBody"):
        statuses.append(413)
    if path != "/health":
        statuses.append(503)
    return sorted(set(statuses))


def _error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": _WHY[status],
        "content": {"application/json": {"schema": _ERROR_REF}},
    }
    if status == 429:
        response["headers"] = _RETRY_AFTER
    return response


def _describe_signed_events(operation: dict[str, Any]) -> None:
    operation["parameters"] = [
        {
            "name": SIGNATURE_HEADER,
            "in": "header",
            "required": True,
            "description": "`sha256=<hex HMAC-SHA256 of the raw body, DELIVERY_WEBHOOK_SECRET>`",
            "schema": {"type": "string", "pattern": "^sha256=[0-9a-f]{64}$"},
        }
    ]
    operation["requestBody"] = {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": _REF.format(name="EventBody")}}},
    }


def _request_body_schemas() -> dict[str, Any]:
    """Request bodies as msgspec itself describes them: msgspec is what decodes them, so its
    schema is their exact rule (bounds inside unions, `additionalProperties: false`), which
    Litestar's rendering loses."""
    kinds, pending = [], [*Body.__subclasses__(), EventBody]
    while pending:
        kind = pending.pop()
        kinds.append(kind)
        pending.extend(kind.__subclasses__())
    _, components = msgspec.json.schema_components(kinds, ref_template=_REF)
    # A campaign names its audience: explicit ids, a segment, or both.
    for audience in ("BulkMessageBody", "AudienceBody"):
        components[audience]["anyOf"] = [
            {"required": ["recipientIds"], "properties": {"recipientIds": {"minItems": 1}}},
            {"required": ["segment"], "properties": {"segment": {"type": "object"}}},
        ]
    components["EventBody"]["properties"]["data"] = {
        "type": "object",
        "description": "fanHandle and platform, then what the event type carries",
    }
    return components


def _schema_name(schema: dict[str, Any]) -> str:
    """The body's schema, also when it is `X or null`."""
    refs = [choice["$ref"] for choice in schema.get("oneOf", []) if "$ref" in choice]
    return str(schema.get("$ref", refs[0] if len(refs) == 1 else "")).rpartition("/")[2]


def _integer_bounds(node: Any) -> None:
    """Litestar writes integer bounds as floats; 2^63 - 1 even rounds up to 2^63."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                bound = node.get(key)
                if isinstance(bound, float):
                    node[key] = MAX_ID if bound >= MAX_ID else int(bound)
        for value in node.values():
            _integer_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _integer_bounds(value)
