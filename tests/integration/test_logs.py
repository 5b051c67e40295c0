"""Log lines: structured, tagged with the request or message they belong to, never the content."""

from __future__ import annotations

import io
import json
import logging

import pytest

from entrypoints.logs import configure_logging
from tests.integration.conftest import Api

SECRET_TEXT = "a very private message"


@pytest.fixture
def json_logs():
    stream = io.StringIO()
    configure_logging("INFO", "json", stream)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    logging.getLogger().handlers.clear()


async def test_request_and_envelope_lines_carry_their_ids_and_never_content(
    api: Api, json_logs
) -> None:
    fan = await api.fan("creator-a")
    headers = {**api.auth("creator-a"), "X-Request-ID": "req-42"}
    sent = await api.client.post(
        "/api/onlyfans/messaging/send",
        json={"recipientId": fan, "content": SECRET_TEXT},
        headers=headers,
    )
    await api.drain()
    lines = json_logs()

    [request_line] = [line for line in lines if line.get("request_id") == "req-42"]
    assert (request_line["event"], request_line["status"], request_line["method"]) == (
        "request",
        202,
        "POST",
    )
    [sent_line] = [line for line in lines if line["event"] == "message sent"]
    assert sent_line["message_id"] == sent.json()["messageId"]
    raw = json.dumps(lines)
    assert SECRET_TEXT not in raw
    assert headers["Authorization"].split()[1] not in raw


def test_values_under_secret_keys_are_redacted(json_logs) -> None:
    logging.getLogger("fancrm.test").warning(
        "careless", extra={"content": SECRET_TEXT, "token": "t0k"}
    )
    [line] = [line for line in json_logs() if line["event"] == "careless"]
    assert (line["content"], line["token"]) == ("[redacted]", "[redacted]")


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("GET", "/api/crm/fans", {}, 401),
        ("GET", "/api/crm/fans", {"Authorization": "Bearer not-a-token"}, 401),
        ("GET", "/no/such/route", {}, 404),
        ("DELETE", "/health", {}, 405),
    ],
)
async def test_answers_without_a_route_or_a_caller_are_logged_with_their_status_and_id(
    api: Api, json_logs, method: str, path: str, headers: dict[str, str], status: int
) -> None:
    response = await api.client.request(method, path, headers={**headers, "X-Request-ID": "r-1"})
    assert response.status_code == status
    assert response.headers["x-request-id"] == "r-1"
    assert response.json()["error"]
    [line] = [line for line in json_logs() if line.get("request_id") == "r-1"]
    assert (line["event"], line["method"], line["path"], line["status"]) == (
        "request",
        method,
        path,
        status,
    )


def test_console_tracebacks_show_no_local_variables() -> None:
    stream = io.StringIO()
    configure_logging("INFO", "console", stream)
    try:
        # Joined at run time: the traceback's source lines may show the code, not the value.
        authorization = "-".join(["Bearer s3cr3t", "t0ken"])  # noqa: F841
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("fancrm.test").exception("failed")
    finally:
        logging.getLogger().handlers.clear()
    printed = stream.getvalue()
    assert "RuntimeError" in printed
    assert "s3cr3t-t0ken" not in printed
