"""Send endpoint in dev mode vs a bare Litestar JSON endpoint served the same way, in one run.

Goal: fancrm's send at least 35 % of the bare endpoint's requests/s. The two are
measured in alternating rounds, so drift in the machine's speed falls on both alike.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

from tests.bench.wrk import Load, machine, post_load
from tests.support.dev_server import (
    DevServer,
    free_port,
    start_dev_server,
    stop,
    wait_until_listening,
)

ROUNDS, SECONDS, CONNECTIONS, GOAL = 3, 5, 32, 0.35
BODY = {"recipientId": 1, "content": "Hello from the benchmark"}
PATH = "/api/onlyfans/messaging/send"


def test_send_requests_per_second_against_a_bare_litestar_endpoint() -> None:
    port = free_port()
    bare = subprocess.Popen([sys.executable, "-m", "tests.bench.bare_app", str(port)])
    server: DevServer | None = None
    try:
        wait_until_listening(port)
        server = start_dev_server(API_RATE_PER_MINUTE="60000000")
        targets = {
            "bare Litestar endpoint": (f"http://127.0.0.1:{port}{PATH}", {}),
            "fancrm send (queued)": (f"{server.base_url}{PATH}", server.auth),
        }
        for url, headers in targets.values():
            post_load(url, BODY, headers, 2, CONNECTIONS)  # warm-up
        rounds: dict[str, list[Load]] = {name: [] for name in targets}
        for _ in range(ROUNDS):
            for name, (url, headers) in targets.items():
                rounds[name].append(post_load(url, BODY, headers, SECONDS, CONNECTIONS))
    finally:
        bare.terminate()
        bare.wait()
        if server:
            stop(server)

    median = {name: _median(loads) for name, loads in rounds.items()}
    peer, ours = median["bare Litestar endpoint"], median["fancrm send (queued)"]
    ratio = ours.requests_per_s / peer.requests_per_s
    print(f"\nsend endpoint, dev mode ({machine()})")
    print(f"wrk -t1 -c{CONNECTIONS}, {ROUNDS} alternating rounds of {SECONDS} s, medians")
    print(f"{'':28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for name, load in median.items():
        print(f"{name:28}{load.requests_per_s:>10.0f}{load.p50_ms:>10.2f}{load.p99_ms:>10.2f}")
    print(f"ratio {ratio:.0%} (goal >= {GOAL:.0%}: {'met' if ratio >= GOAL else 'NOT met'})")
    assert all(load.non_2xx == 0 for loads in rounds.values() for load in loads)


def _median(loads: list[Load]) -> Load:
    return Load(
        requests_per_s=statistics.median(load.requests_per_s for load in loads),
        p50_ms=statistics.median(load.p50_ms for load in loads),
        p99_ms=statistics.median(load.p99_ms for load in loads),
        non_2xx=sum(load.non_2xx for load in loads),
    )
