"""Replies before campaigns, over HTTP on a real `fancrm serve`: while a campaign to 1,000 fans
runs, a reply's ETA is within one bucket interval and it goes out before the campaign's next
message; two replies at once keep their order."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from tests.support.dev_server import FANCRM, start_dev_server, stop

INTERVAL = timedelta(seconds=3)  # 20 a minute


def _csv(n: int) -> bytes:
    return ("handle\n" + "".join(f"fan{i:04d}\n" for i in range(n))).encode()


def _wait_for(fetch, done, timeout_s: float):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = fetch()
        if done(value):
            return value
        time.sleep(0.1)
    raise AssertionError(f"not done after {timeout_s} s: {value}")


def _campaign_sent_times(db: Path, campaign_id: int) -> list[datetime]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT sent_at FROM messages WHERE campaign_id = ? AND sent_at IS NOT NULL",
            (campaign_id,),
        ).fetchall()
    return sorted(datetime.fromisoformat(r[0]).replace(tzinfo=None) for r in rows)


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=None)


def test_a_reply_during_a_1000_fan_campaign_goes_within_one_interval_before_it(
    tmp_path: Path,
) -> None:
    db = tmp_path / "fancrm.db"
    url = f"sqlite+aiosqlite:///{db}"
    subprocess.run([FANCRM, "db", "upgrade"], env={**os.environ, "DATABASE_URL": url}, check=True)
    server = start_dev_server(
        DATABASE_URL=url,
        SEND_RATE_PER_MINUTE="20",
        SEND_BURST="4",
        API_RATE_PER_MINUTE="1000000",
    )
    try:
        with httpx.Client(base_url=server.base_url, headers=server.auth, timeout=30) as client:
            imported = client.post(
                "/api/onlyfans/import/csv", files={"file": ("fans.csv", _csv(1000), "text/csv")}
            )
            assert imported.status_code == 201, imported.text
            campaign = client.post(
                "/api/messages/bulk",
                json={"campaignName": "spring", "content": "hi all", "segment": {}},
            ).json()
            cid = campaign["campaignId"]
            assert campaign["queued"] >= 1000

            def counters() -> dict:
                return client.get(f"/api/crm/campaigns/{cid}").json()["counters"]

            # Past the burst: the campaign now sends one every interval.
            _wait_for(counters, lambda c: c["sent"] >= 5, 30)
            conversations = client.get("/api/crm/conversations?limit=2").json()["items"]
            replies = [
                client.post(
                    f"/api/crm/conversations/{c['id']}/messages",
                    json={"content": f"reply {i}", "priority": 10},
                ).json()
                for i, c in enumerate(conversations)
            ]
            sent = [
                _wait_for(
                    lambda r=r: client.get(f"/api/onlyfans/messaging/{r['messageId']}").json(),
                    lambda m: m["status"] == "sent",
                    30,
                )
                for r in replies
            ]
            status = client.get("/api/onlyfans/messaging/status").json()
            before = counters()["sent"]
            _wait_for(counters, lambda c: c["sent"] >= before + 2, 30)  # and the campaign goes on
    finally:
        stop(server)

    first, second = replies
    assert _at(first["estimatedSendTime"]) - _at(first["queuedAt"]) <= INTERVAL
    assert _at(second["estimatedSendTime"]) - _at(second["queuedAt"]) <= 2 * INTERVAL
    assert _at(sent[0]["sentAt"]) <= _at(sent[1]["sentAt"])  # two at once keep their order
    campaign_times = _campaign_sent_times(db, cid)
    after_reply = [t for t in campaign_times if t > _at(first["queuedAt"])]
    assert after_reply, "the campaign went on"
    assert _at(sent[0]["sentAt"]) < after_reply[0]  # before the campaign's next message
    assert _at(sent[1]["sentAt"]) <= after_reply[0] + INTERVAL / 2
    assert status["processing"]["estimatedTimeSeconds"] > 900 * 3  # the rest of the campaign
