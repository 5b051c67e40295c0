"""The opaque secrets: an API key's text form and its parser, and what is stored of a secret."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from core.identity import ApiKeySecret, digest
from core.identity.tokens import matches, new_id, new_secret, new_short_id

URL_SAFE = string.ascii_letters + string.digits + "-_"
HEX = "0123456789abcdef"
key_ids = st.text(alphabet=HEX, min_size=16, max_size=16)
secrets = st.text(alphabet=URL_SAFE, min_size=43, max_size=43)


@given(key_id=key_ids, secret=secrets)
def test_a_key_reads_back_as_the_id_and_secret_it_was_written_from(key_id: str, secret: str):
    key = ApiKeySecret(key_id, secret)
    assert ApiKeySecret.parse(str(key)) == key
    assert ApiKeySecret.looks_like_one(str(key))


@given(text=st.text(max_size=120) | st.builds(lambda s: f"fck_{s}", st.text(max_size=80)))
def test_any_text_parses_to_nothing_or_to_a_key_that_spells_it(text: str):
    parsed = ApiKeySecret.parse(text)
    assert parsed is None or str(parsed) == text


@given(key_id=key_ids, secret=secrets, cut=st.integers(min_value=1, max_value=10))
def test_a_truncated_or_extended_key_is_not_a_key(key_id: str, secret: str, cut: int):
    text = str(ApiKeySecret(key_id, secret))
    assert ApiKeySecret.parse(text[:-cut]) is None
    assert ApiKeySecret.parse(text + "A" * cut) is None
    assert ApiKeySecret.parse(text.replace("fck_", "fcx_", 1)) is None


def test_new_keys_parse_and_differ():
    made = {str(ApiKeySecret.new()) for _ in range(50)}
    assert len(made) == 50
    assert all(ApiKeySecret.parse(text) is not None for text in made)


@given(secret=st.text(max_size=60))
def test_only_the_digest_is_kept_and_only_the_same_secret_matches_it(secret: str):
    stored = digest(secret)
    assert len(stored) == 64
    # The digest is hex: a short secret ("1") may occur in it by chance; a real one (43
    # characters) never does.
    assert len(secret) < 16 or secret not in stored
    assert matches(secret, stored)
    assert not matches(secret + "x", stored)


def test_secrets_are_256_bits_in_43_url_safe_characters():
    secret = new_secret()
    assert len(secret) == 43
    assert set(secret) <= set(URL_SAFE)


def test_a_key_is_spelled_fck_then_its_id_then_its_secret():
    key = ApiKeySecret("0123456789abcdef", "A" * 43)
    assert str(key) == "fck_0123456789abcdef_" + "A" * 43
    assert ApiKeySecret.looks_like_one("fck_anything")
    assert not ApiKeySecret.looks_like_one("eyJhbGciOiJIUzI1NiJ9.e30.sig")  # a JWT


def test_ids_are_128_bits_and_short_ids_64_bits_in_hex():
    ids = {new_id() for _ in range(50)}
    short = {new_short_id() for _ in range(50)}
    assert len(ids) == len(short) == 50
    assert all(len(i) == 32 and set(i) <= set(HEX) for i in ids)
    assert all(len(i) == 16 and set(i) <= set(HEX) for i in short)


def test_a_secret_with_a_lone_surrogate_still_has_a_digest():
    # A JSON body may carry "\ud800": the token it sends is refused as unknown, never a 500.
    stored = digest("\ud800")
    assert len(stored) == 64
    assert stored != digest("\ud801")
    assert matches("\ud800", stored)
