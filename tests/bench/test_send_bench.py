"""Send endpoint in dev mode vs a bare Litestar JSON endpoint served the same way, in one run.

Goal (issue 2): fancrm's send at least 35 % of the bare endpoint's requests/s.
"""

from __future__ import annotations

import subprocess
import sys

from tests.bench.wrk import machine, post_load
from tests.e2e.conftest import _wait_until_listening, free_port, start_dev_server, stop

SECONDS, CONNECTIONS, GOAL = 10, 32, 0.35
BODY = {"recipientId": 1, "content": "Hello from the benchmark"}


def test_send_requests_per_second_against_a_bare_litestar_endpoint() -> None:
    port = free_port()
    bare = subprocess.Popen([sys.executable, "-m", "tests.bench.bare_app", str(port)])
    try:
        _wait_until_listening(port)
        url = f"http://127.0.0.1:{port}/api/onlyfans/messaging/send"
        post_load(url, BODY, {}, 2, CONNECTIONS)  # warm-up
        peer = post_load(url, BODY, {}, SECONDS, CONNECTIONS)
    finally:
        bare.terminate()
        bare.wait()

    server = start_dev_server(API_RATE_PER_MINUTE="60000000")
    try:
        url = f"{server.base_url}/api/onlyfans/messaging/send"
        post_load(url, BODY, server.auth, 2, CONNECTIONS)
        ours = post_load(url, BODY, server.auth, SECONDS, CONNECTIONS)
    finally:
        stop(server)

    ratio = ours.requests_per_s / peer.requests_per_s
    print(f"\nsend endpoint, dev mode ({machine()}); wrk -t1 -c{CONNECTIONS} -d{SECONDS}s")
    print(f"{'':28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for name, load in (("bare Litestar endpoint", peer), ("fancrm send (queued)", ours)):
        print(f"{name:28}{load.requests_per_s:>10.0f}{load.p50_ms:>10.2f}{load.p99_ms:>10.2f}")
    print(f"ratio {ratio:.0%} (goal >= {GOAL:.0%}: {'met' if ratio >= GOAL else 'NOT met'})")
    assert ours.non_2xx == 0, "every send must have been answered 2xx"
    assert peer.non_2xx == 0
