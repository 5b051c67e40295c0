"""Listing and searching fans on PostgreSQL: through the API vs the same page from bare asyncpg.

100,000 fans for one creator and 100,000 for ten others, loaded by COPY. Each kind of request
goes through a real `fancrm serve` over HTTP (wrk on one connection: the latency of a request,
not of a queue) and, as the peer, the same two statements (the page and its total) run on one
plain asyncpg connection, in alternating rounds. The plans PostgreSQL chose are printed too.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from dataclasses import dataclass

import asyncpg
import httpx

from adapters.storage.migrator import SchemaMigrator
from entrypoints.http.auth import issue_token
from tests.bench.fan_data import CREATOR, load_fans
from tests.bench.latency import Latency, medians, plan_json, scans
from tests.bench.wrk import get_load, machine
from tests.support.dev_server import FANCRM, free_port, wait_until_listening
from tests.support.postgres import fresh_database

ROUNDS, SECONDS, PAGE = 3, 3, 50
SECRET = "bench-secret-0123456789-0123456789"
SEARCH = "marguerite"  # a first name: about 2,500 of the creator's fans


@dataclass(frozen=True)
class Scenario:
    name: str
    query: str  # of GET /api/crm/fans
    where: str  # the peer's SQL for the same page; $1 is the creator
    order: str
    arguments: tuple[object, ...] = ()

    def page_sql(self) -> str:
        return f"SELECT * FROM fans WHERE {self.where} ORDER BY {self.order} LIMIT {PAGE}"

    def total_sql(self) -> str:
        return f"SELECT count(*) FROM fans WHERE {self.where}"


_SEARCHED = "(handle ILIKE $2 OR name ILIKE $2 OR email ILIKE $2)"
SCENARIOS = (
    Scenario("list page", "", "user_id = $1", "id"),
    Scenario("search", f"search={SEARCH}", f"user_id = $1 AND {_SEARCHED}", "id", (f"%{SEARCH}%",)),
    Scenario("tag filter", "tags=vip", "user_id = $1 AND tags @> $2::jsonb", "id", ('["vip"]',)),
    Scenario("sort by value", "sort=-value", "user_id = $1", "value_cents DESC, id DESC"),
    Scenario(
        "sort by recency",
        "sort=-lastActive",
        "user_id = $1",
        "last_active_at DESC NULLS LAST, id DESC",
    ),
)


async def test_fan_list_through_the_api_against_the_same_queries_on_bare_asyncpg() -> None:
    async with fresh_database("fancrm_bench") as url:
        await SchemaMigrator(url).upgrade()
        connection = await asyncpg.connect(
            url.replace("postgresql+asyncpg", "postgresql"),
            server_settings={"plan_cache_mode": "force_custom_plan"},  # as the app's connections
        )
        try:
            started = time.perf_counter()
            loaded = await load_fans(connection)
            load_s = time.perf_counter() - started
            plans = {s.name: await plan_of(connection, s) for s in SCENARIOS}
            api, peer = await measure(url, connection)
        finally:
            await connection.close()

    print(f"\nfan list on PostgreSQL ({machine()})")
    print(f"{loaded:,} fans loaded by COPY in {load_s:.1f} s; {ROUNDS} alternating rounds of")
    print(f"{SECONDS} s, medians; API: wrk -t1 -c1; peer: the page + its total on bare asyncpg")
    print(f"{'':18}{'API p50':>9}{'p99':>8}{'asyncpg p50':>13}{'p99':>8}{'p50 ratio':>11}  plan")
    for s in SCENARIOS:
        a, p = api[s.name], peer[s.name]
        print(
            f"{s.name:18}{a.p50_ms:>9.2f}{a.p99_ms:>8.2f}{p.p50_ms:>13.2f}{p.p99_ms:>8.2f}"
            f"{a.p50_ms / p.p50_ms:>10.1f}x  {plans[s.name]}"
        )


async def measure(
    url: str, connection: asyncpg.Connection
) -> tuple[dict[str, Latency], dict[str, Latency]]:
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        FANCRM, "serve", "--port", str(port),
        env={
            **os.environ, "DATABASE_URL": url, "JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING",
            "API_RATE_PER_MINUTE": "60000000",
        },
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/api/crm/fans"
    headers = {"Authorization": f"Bearer {issue_token(SECRET, CREATOR)}"}
    try:
        await asyncio.to_thread(wait_until_listening, port)
        for s in SCENARIOS:
            await same_page(connection, s, f"{base}?{s.query}", headers)
        api: dict[str, list[Latency]] = {s.name: [] for s in SCENARIOS}
        peer: dict[str, list[Latency]] = {s.name: [] for s in SCENARIOS}
        for _ in range(ROUNDS):
            for s in SCENARIOS:
                load = await asyncio.to_thread(get_load, f"{base}?{s.query}", headers, SECONDS, 1)
                assert load.non_2xx == 0
                api[s.name].append(Latency(load.p50_ms, load.p99_ms))
                peer[s.name].append(await bare_asyncpg(connection, s))
    finally:
        server.terminate()
        await server.wait()
    return medians(api), medians(peer)


async def same_page(
    connection: asyncpg.Connection, s: Scenario, url: str, headers: dict[str, str]
) -> None:
    """The API and the peer must answer the same question: same fans, same total."""
    async with httpx.AsyncClient() as client:
        response = await client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    rows = await connection.fetch(s.page_sql(), CREATOR, *s.arguments)
    assert [fan["id"] for fan in response.json()["items"]] == [row["id"] for row in rows], s.name
    total = await connection.fetchval(s.total_sql(), CREATOR, *s.arguments)
    assert response.json()["total"] == total, s.name


async def bare_asyncpg(connection: asyncpg.Connection, s: Scenario) -> Latency:
    page, total, arguments = s.page_sql(), s.total_sql(), (CREATOR, *s.arguments)
    timings = []
    deadline = time.perf_counter() + SECONDS
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        await connection.fetch(page, *arguments)
        await connection.fetchval(total, *arguments)
        timings.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(timings, n=100)
    return Latency(cuts[49], cuts[98])


async def plan_of(connection: asyncpg.Connection, s: Scenario) -> str:
    """The scans PostgreSQL chose for the page and for its total, e.g. `Index Scan pk_fans`."""
    parts = []
    for sql in (s.page_sql(), s.total_sql()):
        plan = await connection.fetchval(f"EXPLAIN (FORMAT JSON) {sql}", CREATOR, *s.arguments)
        parts.append(", ".join(dict.fromkeys(scans(plan_json(plan)[0]["Plan"]))))
    return " | ".join(parts)
