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
