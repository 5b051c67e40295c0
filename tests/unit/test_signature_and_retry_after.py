from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from hypothesis import given
from hypothesis import strategies as st

from adapters.delivery.retry_after import DEFAULT_RETRY_AFTER_S, retry_after_s
from adapters.delivery.signature import sign, verify

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_the_signature_is_the_hex_hmac_sha256_of_the_body() -> None:
    body = b'{"messageId":"x"}'
    expected = hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert sign("k", body) == f"sha256={expected}"


@given(st.text(min_size=1), st.binary(), st.binary())
def test_a_signature_verifies_its_own_body_only(secret: str, body: bytes, other: bytes) -> None:
    header = sign(secret, body)
    assert verify(secret, body, header)
    assert verify(secret, body, f" {header} ")
    assert verify(secret, other, header) == (other == body)
    assert not verify(secret + "x", body, header)


@given(st.one_of(st.none(), st.text()))
def test_a_malformed_header_is_refused_not_an_error(header: str | None) -> None:
    assert not verify("secret", b"body", header)


@given(st.integers(min_value=0, max_value=10**9))
def test_retry_after_in_seconds(seconds: int) -> None:
    assert retry_after_s(str(seconds), NOW) == seconds


@given(st.integers(min_value=-(10**6), max_value=10**7))
def test_retry_after_as_an_http_date_counts_from_now_and_never_below_zero(offset: int) -> None:
    header = format_datetime(NOW + timedelta(seconds=offset), usegmt=True)
    assert retry_after_s(header, NOW) == max(0, offset)


@given(st.one_of(st.none(), st.text()))
def test_retry_after_never_raises_and_is_never_negative(header: str | None) -> None:
    assert retry_after_s(header, NOW) >= 0


def test_a_missing_or_garbled_retry_after_is_the_default() -> None:
    for header in (None, "", "soon", "-5", "1.5", "²", "Mon, 99 Foo 2026"):
        assert retry_after_s(header, NOW) == DEFAULT_RETRY_AFTER_S
