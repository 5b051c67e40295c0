"""Campaigns: accepting 100,000 recipients on PostgreSQL against the issue's 5 s ceiling, and how
long the fan-out that follows the answer takes to write them all; the outbox relay's throughput
(pending → queued rows/s) to the in-memory queue and to SQS on the moto server, against a raw
`send_message_batch` loop of the same envelopes on the same server."""

from __future__ import annotations

import statistics
import time
from collections.abc import AsyncIterator
from uuid import uuid4

import asyncpg
import pytest
import sqlalchemy as sa

from adapters.queue.codec import encode_envelope
from adapters.storage.migrator import SchemaMigrator
from adapters.storage.tables import messages
from core.campaigns.audience import NewCampaign, Segment
from core.messaging.records import Envelope, Message
from entrypoints import container as composition
from entrypoints.container import Container, build_container, resolve
from tests.bench.fan_data import CREATOR, FANS_PER_CREATOR, load_fans
from tests.bench.wrk import machine
from tests.support.authors import SERVICE
from tests.support.postgres import fresh_database
from tests.support.sqs import FAKE_CREDENTIALS, create_queue_pair, sqs_client, sqs_env
from tests.support.world import settings_for_tests

CEILING_S = 5.0
ROUNDS = 3
RELAYED, RELAYED_TO_SQS = 3_000, 500  # rows per relay round
# The bucket never holds the relay back: what is measured is the relay itself.
UNTHROTTLED = {"SEND_RATE_PER_MINUTE": "60000000", "SEND_BURST": "1000000"}


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with fresh_database("fancrm_campaign_bench") as url:
        await SchemaMigrator(url).upgrade()
        yield url


@pytest.fixture
async def with_fans(postgres_url: str) -> str:
    """100,000 fans of the creator among 100,000 of others (tests/bench/fan_data.py)."""
    connection = await asyncpg.connect(postgres_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await load_fans(connection)
    finally:
        await connection.close()
    return postgres_url


async def started(**env: str) -> Container:
    container = build_container(settings_for_tests(**env))
    await composition.start(container)
    return container


async def test_accepting_a_100k_recipient_campaign_on_postgres(with_fans: str) -> None:
    container = await started(DATABASE_URL=with_fans)
    try:
        create = await resolve(container.create_campaign)
        fan_outs = await resolve(container.background_fan_outs)
        chunk = (await resolve(container.messaging_config)).fan_out_chunk
        seconds, fanned = [], []
        for n in range(ROUNDS):
            new = NewCampaign(f"everyone {n}", "hello, all of you", segment=Segment())
            began = time.perf_counter()
            accepted = await create.execute(CREATOR, new, actor=SERVICE)
            seconds.append(time.perf_counter() - began)
            await fan_outs.wait()  # every chunk written, the first slice relayed
            fanned.append(time.perf_counter() - began)
            assert accepted.queued == FANS_PER_CREATOR
            assert (await written(container, accepted.campaign_id)) == FANS_PER_CREATOR
    finally:
        await composition.stop(container)
    median = statistics.median(seconds)
    print(f"\naccepting a campaign to a 100,000-fan segment on PostgreSQL ({machine()})")
    print("(the answer: the audience counted and the campaign row written, one transaction;")
    print(f" then the fan-out in chunks of {chunk:,}: 100,000 conversations looked up and 100,000")
    print(" pending messages, the first slice relayed after the first chunk); 100,000 other fans")
    print(f"{'answered, rounds (s)':28}{', '.join(f'{s:.2f}' for s in seconds)}")
    share = f"{median / CEILING_S:.0%} of the {CEILING_S:g} s ceiling"
    print(f"{'answered, median':28}{median:.2f} s = {share}")
    print(f"{'fanned out, rounds (s)':28}{', '.join(f'{s:.2f}' for s in fanned)}")
    print(f"{'fanned out, median':28}{statistics.median(fanned):.2f} s after the request began")


async def written(container: Container, campaign_id: int) -> int:
    storage = await resolve(container.storage)
    async with storage.connection() as connection:
        count = await connection.scalar(
            sa.select(sa.func.count()).where(messages.c.campaign_id == campaign_id)
        )
    return int(count or 0)


async def pending_rows(container: Container, count: int) -> list:
    """`count` pending campaign rows of a new creator, none relayed yet."""
    user = f"relay-{uuid4().hex[:8]}"
    storage = await resolve(container.storage)
    async with storage.connection(transaction=True) as connection:
        await connection.execute(
            sa.text(
                "INSERT INTO fans (user_id, platform, handle, tags, created_at)"
                " SELECT :user, 'onlyfans', 'f' || n, '[]', now() FROM generate_series(1, :n) n"
            ),
            {"user": user, "n": count},
        )
    async with storage.begin() as uow:
        campaign = NewCampaign("relay", "hi", segment=Segment()).to_campaign(user)
        stored = await uow.campaigns.add(campaign)
    assert stored.id is not None
    assert await (await resolve(container.fan_out_campaign)).execute(user, stored.id) == count
    async with storage.begin() as uow:
        return await uow.outbox.campaign_outbox(user, count)


async def sweep_rate(container: Container, count: int) -> float:
    rows = await pending_rows(container, count)
    sweep = await resolve(container.tick)
    began = time.perf_counter()
    relayed = await sweep.execute(rows[0].user_id)
    elapsed = time.perf_counter() - began
    assert relayed == count
    storage = await resolve(container.storage)
    async with storage.connection() as connection:
        still = await connection.scalar(
            sa.select(sa.func.count()).where(
                messages.c.user_id == rows[0].user_id, messages.c.status == "pending"
            )
        )
    assert still == 0
    return count / elapsed


async def raw_batch_rate(client, queue_url: str, rows: list) -> float:
    bodies = [encode_envelope(_envelope(row)).decode() for row in rows]
    began = time.perf_counter()
    for start in range(0, len(bodies), 10):
        entries = [
            {"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies[start : start + 10])
        ]
        answer = await client.send_message_batch(QueueUrl=queue_url, Entries=entries)
        assert len(answer.get("Successful", [])) == len(entries)
    return len(bodies) / (time.perf_counter() - began)


def _envelope(message: Message) -> Envelope:
    return Envelope.for_message(message)


async def test_relay_throughput_to_memory_and_to_sqs_against_a_raw_batch_loop(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in FAKE_CREDENTIALS.items():  # aioboto3 reads them from the environment
        monkeypatch.setenv(name, value)
    rates: dict[str, list[float]] = {"memory": [], "sqs": [], "raw": []}
    memory = await started(DATABASE_URL=postgres_url, **UNTHROTTLED)
    try:
        async with sqs_client() as client:
            for _ in range(ROUNDS):  # interleaved, so drift in the machine falls on all alike
                rates["memory"].append(await sweep_rate(memory, RELAYED))
                # Fresh queues each round: moto slows down as a queue fills up.
                swept, raw = await create_queue_pair(client), await create_queue_pair(client)
                sqs = await started(DATABASE_URL=postgres_url, **UNTHROTTLED, **sqs_env(swept))
                try:
                    rates["sqs"].append(await sweep_rate(sqs, RELAYED_TO_SQS))
                finally:
                    await composition.stop(sqs)
                rows = await pending_rows(memory, RELAYED_TO_SQS)
                rates["raw"].append(await raw_batch_rate(client, raw.url, rows))
    finally:
        await composition.stop(memory)
    median = {name: statistics.median(r) for name, r in rates.items()}
    print(f"\noutbox relay, pending → queued, PostgreSQL ({machine()})")
    print(
        f"{ROUNDS} rounds interleaved ({RELAYED} rows to memory, {RELAYED_TO_SQS} to SQS); medians"
    )
    print(f"{'':44}{'rows/s':>8}{'vs raw loop':>13}")
    for name, label in [
        ("memory", "sweep → in-memory queue"),
        ("sqs", "sweep → SQS (moto server)"),
        ("raw", "raw send_message_batch loop (moto server)"),
    ]:
        print(f"{label:44}{median[name]:>8.0f}{median[name] / median['raw']:>13.0%}")
