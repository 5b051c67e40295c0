"""`epoch_micros` reads a stored time as whole microseconds since the epoch, exactly, on every
dialect: differences of two are reply times in the team figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.storage.database import SqlAlchemyStorage
from adapters.storage.dialects import epoch_micros
from adapters.storage.types import UtcDateTime

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    moment=st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1)).map(
        lambda d: d.replace(tzinfo=UTC)
    )
)
async def test_a_time_reads_as_its_exact_microseconds(storage: SqlAlchemyStorage, moment):
    value = sa.literal(moment, type_=UtcDateTime())
    async with storage.connection() as connection:
        micros = await connection.scalar(sa.select(epoch_micros(value)))
    assert micros == (moment - EPOCH) // timedelta(microseconds=1)


@pytest.mark.parametrize("fraction", [0, 1, 499_999, 500_000, 999_999])
async def test_the_last_microsecond_of_a_second_stays_in_it(storage: SqlAlchemyStorage, fraction):
    # SQLite reads a fraction to the millisecond: .999999 once became the next whole second.
    moment = datetime(2026, 3, 1, 0, 0, 0, fraction, tzinfo=UTC)
    value = sa.literal(moment, type_=UtcDateTime())
    async with storage.connection() as connection:
        micros = await connection.scalar(sa.select(epoch_micros(value)))
    assert micros == 1_772_323_200_000_000 + fraction
