"""Analytics on PostgreSQL: the endpoint through a real `fancrm serve` against the 1 s ceiling and
against the same statements on one bare asyncpg connection.

100,000 fans for one creator (and 100,000 for ten others, tests/bench/fan_data.py), 200,000
messages, 50,000 purchases and 40 campaigns of 2,000 fans for the creator, and a tenth of that
for each other (tests/bench/analytics_data.py), loaded by COPY. Two periods: the default 30 days
and the longest allowed, 366. wrk on one connection (a request's latency), three alternating
rounds of 3 s, medians; the API's figures are checked equal to the peer's first, and the plans
PostgreSQL chose for each statement are printed.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from datetime import date

import asyncpg
import httpx

from adapters.storage.migrator import SchemaMigrator
from entrypoints.http.auth import issue_token
from tests.bench.analytics_data import load_activity
from tests.bench.analytics_peer import LAST, PEER_SQL, TOP, api_answer, bounds, peer_answer
from tests.bench.fan_data import CREATOR, load_fans
from tests.bench.latency import Latency, medians, plan_json, scans
from tests.bench.wrk import get_load, machine
from tests.support.dev_server import FANCRM, free_port, wait_until_listening
from tests.support.postgres import fresh_database

ROUNDS, SECONDS, CEILING_MS = 3, 3, 1000.0
SECRET = "bench-secret-0123456789-0123456789"
PERIODS = {"30 days": date(2026, 10, 3), "366 days": date(2025, 11, 1)}  # first days


async def test_analytics_through_the_api_against_the_ceiling_and_bare_asyncpg() -> None:
    async with fresh_database("fancrm_bench") as url:
        await SchemaMigrator(url).upgrade()
        connection = await asyncpg.connect(
            url.replace("postgresql+asyncpg", "postgresql"),
            server_settings={"plan_cache_mode": "force_custom_plan"},  # as the app's connections
        )
        try:
            started = time.perf_counter()
            fans = await load_fans(connection)
            loaded = await load_activity(connection)
            load_s = time.perf_counter() - started
            plans = {
                (period, name): await plan_of(connection, sql, first)
                for period, first in PERIODS.items()
                for name, sql in PEER_SQL.items()
            }
            api, peer = await measure(url, connection)
        finally:
            await connection.close()

    print(f"\nanalytics on PostgreSQL ({machine()})")
    print(
        f"{fans:,} fans, {loaded['messages']:,} messages, {loaded['purchases']:,} purchases,"
        f" {loaded['campaigns']} campaigns loaded by COPY in {load_s:.0f} s"
    )
    print(f"{ROUNDS} alternating rounds of {SECONDS} s, medians; API: wrk -t1 -c1; peer: the")
    print("same statements one after the other on one bare asyncpg connection")
    print(f"{'period':10}{'API p50':>9}{'p99':>8}{'asyncpg p50':>13}{'p99':>8}{'API/peer':>10}"
          f"{'p99/1 s':>9}")  # fmt: skip
    for name in PERIODS:
        a, p = api[name], peer[name]
        print(
            f"{name:10}{a.p50_ms:>9.1f}{a.p99_ms:>8.1f}{p.p50_ms:>13.1f}{p.p99_ms:>8.1f}"
            f"{a.p50_ms / p.p50_ms:>9.2f}x{a.p99_ms / CEILING_MS:>9.1%}"
        )
    print("plans:")
    for (period, name), plan in plans.items():
        print(f"  {period:10}{name:14}{plan}")


async def measure(
    url: str, connection: asyncpg.Connection
) -> tuple[dict[str, Latency], dict[str, Latency]]:
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        FANCRM, "serve", "--port", str(port),
        env={
            **os.environ, "DATABASE_URL": url, "JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING",
            "API_RATE_PER_MINUTE": "60000000",
            # Sending off: the in-process worker's outbox sweep would otherwise relay and send
            # the generated pending rows mid-run, changing the figures measured and taking CPU.
            "RATE_LIMITER_ENABLED": "false",
        },
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {issue_token(SECRET, CREATOR)}"}
    urls = {
        name: f"http://127.0.0.1:{port}/api/onlyfans/analytics?from={first}&to={LAST}&top={TOP}"
        for name, first in PERIODS.items()
    }
    try:
        await asyncio.to_thread(wait_until_listening, port)
        async with httpx.AsyncClient(timeout=30) as client:
            for name, first in PERIODS.items():
                response = await client.get(urls[name], headers=headers)
                assert response.status_code == 200, response.text
                assert api_answer(response.json()) == await peer_answer(connection, first), name
        api: dict[str, list[Latency]] = {name: [] for name in PERIODS}
        peer: dict[str, list[Latency]] = {name: [] for name in PERIODS}
        for _ in range(ROUNDS):
            for name, first in PERIODS.items():
                load = await asyncio.to_thread(get_load, urls[name], headers, SECONDS, 1)
                assert load.non_2xx == 0
                api[name].append(Latency(load.p50_ms, load.p99_ms))
                peer[name].append(await bare_asyncpg(connection, first))
    finally:
        server.terminate()
        await server.wait()
    return medians(api), medians(peer)


async def bare_asyncpg(connection: asyncpg.Connection, first: date) -> Latency:
    timings = []
    deadline = time.perf_counter() + SECONDS
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        await peer_answer(connection, first)
        timings.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(timings, n=100)
    return Latency(cuts[49], cuts[98])


async def plan_of(connection: asyncpg.Connection, sql: str, first: date) -> str:
    """The scans PostgreSQL chose for the period, e.g. `Index Only Scan ix_…`."""
    arguments = (CREATOR, *bounds(first))
    plan = await connection.fetchval(f"EXPLAIN (FORMAT JSON) {sql}", *arguments)
    return ", ".join(dict.fromkeys(scans(plan_json(plan)[0]["Plan"])))
