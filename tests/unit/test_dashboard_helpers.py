"""The dashboard's pure helpers: the ETA in words, and the status of a retry's answer."""

from __future__ import annotations

import uuid

import pytest

from entrypoints.http.console.dashboard import Refusal, RetryOutcome
from entrypoints.http.console.formats import duration_text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.0, "0 s"),
        (0.2, "1 s"),  # rounded up: never sooner than planned
        (59.0, "59 s"),
        (59.5, "1 min"),
        (61.0, "2 min"),
        (3540.0, "59 min"),
        (3541.0, "1 h 0 min"),
        (3601.0, "1 h 1 min"),
        (7500.0, "2 h 5 min"),
    ],
)
def test_an_eta_reads_in_the_largest_sensible_unit(seconds: float, text: str) -> None:
    assert duration_text(seconds) == text


def test_a_retry_answers_200_if_anything_was_queued_else_its_first_refusal() -> None:
    one, two = uuid.uuid4(), uuid.uuid4()
    conflict, gone = Refusal(one, 409, "not failed"), Refusal(two, 404, "not found")
    assert RetryOutcome().status == 200  # nothing to retry is no error
    assert RetryOutcome(retried=[one], refused=[gone]).status == 200
    assert RetryOutcome(refused=[conflict, gone]).status == 409
    assert RetryOutcome(refused=[gone, conflict]).status == 404
