from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import time
from datetime import datetime

import httpx
import jwt

from entrypoints.dev import DEMO_PURCHASES
from tests.support.dev_server import FANCRM, DevServer, start_dev_server, stop


def _wait_for(fetch, done, timeout_s: float):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = fetch()
        if done(value):
            return value
        time.sleep(0.2)
    raise AssertionError(f"not done after {timeout_s} s: {value}")


def test_the_printed_curl_line_queues_a_message_that_is_then_sent(dev_server: DevServer) -> None:
    curl = dev_server.line_starting("curl -s -X POST")
    answer = json.loads(
        subprocess.run(curl, shell=True, capture_output=True, text=True, check=True).stdout
    )
    assert answer["status"] == "queued"

    with httpx.Client(base_url=dev_server.base_url, headers=dev_server.auth) as client:
        message = _wait_for(
            lambda: client.get(f"/api/onlyfans/messaging/{answer['messageId']}").json(),
            lambda m: m["status"] == "sent",
            timeout_s=10,
        )
        assert message["content"] == "Hello from fancrm!"
        assert message["sentAt"] >= message["queuedAt"]
        status_curl = dev_server.line_starting("curl -s http")
        status = json.loads(
            subprocess.run(status_curl, shell=True, capture_output=True, text=True).stdout
        )
        assert status["processing"]["lastProcessedAt"] == message["sentAt"]


def test_twenty_messages_at_once_never_exceed_burst_plus_elapsed_seconds() -> None:
    server = start_dev_server(
        SEND_RATE_PER_MINUTE="60", SEND_BURST="5", API_RATE_PER_MINUTE="1000000"
    )
    try:
        ids = asyncio.run(_send_at_once(server, 20))
        with httpx.Client(base_url=server.base_url, headers=server.auth) as client:

            def fetch_all() -> list[dict]:
                return [client.get(f"/api/onlyfans/messaging/{i}").json() for i in ids]

            messages = _wait_for(fetch_all, lambda ms: all(m["status"] == "sent" for m in ms), 45)
    finally:
        stop(server)
    first_queued = min(datetime.fromisoformat(m["queuedAt"]) for m in messages)
    sent_times = sorted(datetime.fromisoformat(m["sentAt"]) for m in messages)
    for delivered, at in enumerate(sent_times, start=1):
        assert delivered <= 5 + (at - first_queued).total_seconds(), (delivered, at - first_queued)
    assert (sent_times[-1] - first_queued).total_seconds() >= 15  # 15 past the burst, 1 a second


async def _send_at_once(server: DevServer, n: int) -> list[str]:
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth) as client:
        answers = await asyncio.gather(
            *[
                client.post(
                    "/api/onlyfans/messaging/send", json={"recipientId": 1, "content": f"m{i}"}
                )
                for i in range(n)
            ]
        )
    assert all(a.status_code == 202 for a in answers), [a.text for a in answers]
    return [a.json()["messageId"] for a in answers]


def test_configuration_in_the_environment_wins_in_dev_mode() -> None:
    secret = "a-secret-of-our-own-that-is-long-enough"
    server = start_dev_server(JWT_SECRET=secret, API_RATE_PER_MINUTE="2")
    try:
        assert jwt.decode(server.token, secret, algorithms=["HS256"])["sub"] == "demo-creator"
        with httpx.Client(base_url=server.base_url, headers=server.auth) as client:
            codes = [client.get("/api/crm/fans").status_code for _ in range(3)]
            assert codes == [200, 200, 429]
    finally:
        stop(server)


def test_a_bad_setting_stops_the_server_with_one_line_naming_it() -> None:
    result = subprocess.run(
        [FANCRM, "serve", "--dev"],
        env={"SEND_RATE_PER_MINUTE": "fast", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: configuration: SEND_RATE_PER_MINUTE must be a positive whole number, not 'fast'"
    )


def test_a_request_uvicorn_cannot_parse_gets_the_json_error_shape(dev_server: DevServer) -> None:
    length = 300_000  # a URL of 300 KB: refused by uvicorn's parser, before the app
    port = int(dev_server.base_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(f"GET /api/crm/fans?search={'a' * length} HTTP/1.1\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert b"content-type: application/json" in head.lower()
    assert json.loads(body)["error"].startswith("invalid HTTP request")


def test_the_printed_logins_sign_the_demo_owner_and_chatter_in(dev_server: DevServer) -> None:
    logins = {login.email: login.password for login in dev_server.logins().values()}
    assert set(logins) == {"owner@demo.fancrm.test", "chatter@demo.fancrm.test"}
    curl = dev_server.line_starting(f"curl -s -X POST {dev_server.base_url}/api/auth/login")
    signed = json.loads(
        subprocess.run(curl, shell=True, capture_output=True, text=True, check=True).stdout
    )
    assert signed["accounts"] == [{"id": "demo-creator", "name": "Demo creator", "role": "owner"}]

    with httpx.Client(base_url=dev_server.base_url) as client:
        chatter = client.post(
            "/api/auth/login",
            json={
                "email": "chatter@demo.fancrm.test",
                "password": logins["chatter@demo.fancrm.test"],
            },
        ).json()
        fans = client.get(
            "/api/crm/fans", headers={"Authorization": f"Bearer {chatter['accessToken']}"}
        )
    assert [a["role"] for a in chatter["accounts"]] == ["chatter"]
    assert fans.json()["total"] == 3  # the demo creator's fans


def test_the_demo_purchases_give_the_analytics_revenue_on_several_days(
    dev_server: DevServer,
) -> None:
    with httpx.Client(base_url=dev_server.base_url, headers=dev_server.auth) as client:
        report = client.get("/api/onlyfans/analytics").json()  # the last 30 days
    assert report["totals"]["purchases"] == len(DEMO_PURCHASES)
    assert report["totals"]["revenueCents"] == sum(cents for _, _, cents in DEMO_PURCHASES)
    assert len([day for day in report["days"] if day["revenueCents"]]) >= 5
