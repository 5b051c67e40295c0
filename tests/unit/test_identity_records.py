"""The checks of what a person types: emails, passwords, names and account ids at their bounds,
each refusal naming its field, and when an invitation is still pending."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.accounts import Role
from core.errors import Invalid
from core.identity.records import (
    Invitation,
    check_account_id,
    check_password,
    check_person_name,
    check_required_name,
    normalize_email,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def refused_field(check, *args) -> str | None:
    with pytest.raises(Invalid) as refused:
        check(*args)
    return refused.value.field


def test_an_email_is_trimmed_and_lower_cased():
    assert normalize_email("  Ann@Example.COM ") == "ann@example.com"


@pytest.mark.parametrize("raw", ["", "   ", "ann", "ann@example", "a@b@c.d", "a b@c.d"])
def test_what_is_not_an_email_is_refused_naming_its_field(raw: str):
    assert refused_field(normalize_email, raw) == "email"
    assert refused_field(normalize_email, raw, "invitee") == "invitee"


def test_an_email_holds_up_to_320_characters():
    longest = "a" * 308 + "@example.com"
    assert normalize_email(longest) == longest
    assert refused_field(normalize_email, "a" + longest) == "email"


def test_a_password_holds_10_to_1024_characters_kept_as_typed():
    for password in (" " * 4 + "x" * 6, "p" * 1024):
        assert check_password(password) == password
    for password in ("x" * 9, "p" * 1025):
        assert refused_field(check_password, password) == "password"
        assert refused_field(check_password, password, "newPassword") == "newPassword"


def test_a_person_name_is_trimmed_and_a_blank_one_is_none():
    assert check_person_name(" Ann ") == "Ann"
    assert check_person_name("   ") is None
    assert check_person_name(None) is None
    assert check_person_name("n" * 255) == "n" * 255
    assert refused_field(check_person_name, "n" * 256) == "name"


def test_a_required_name_is_trimmed_and_never_blank():
    assert check_required_name(" Team ", "title", 10) == "Team"
    assert refused_field(check_required_name, "   ", "title", 10) == "title"
    assert refused_field(check_required_name, "x" * 11, "title", 10) == "title"


@pytest.mark.parametrize("raw", ["acct", "7", "a.b_c:d@e-f", "A" * 128])
def test_an_account_id_is_plain_enough_for_a_url_or_a_log(raw: str):
    assert check_account_id(raw) == raw


@pytest.mark.parametrize("raw", ["", "-acct", ".acct", "a b", "a/b", "a\x00", "A" * 129])
def test_another_account_id_is_refused_naming_the_id(raw: str):
    assert refused_field(check_account_id, raw) == "id"


def invitation(**changes: datetime) -> Invitation:
    return Invitation(
        "i1", "acct", "ann@example.com", Role.CHATTER, "hash", None, NOW, NOW + timedelta(days=7),
        **changes,
    )  # fmt: skip


def test_an_invitation_is_pending_until_it_expires_is_accepted_or_is_revoked():
    expires = NOW + timedelta(days=7)
    assert invitation().pending_at(expires - timedelta(microseconds=1))
    assert not invitation().pending_at(expires)
    assert not invitation(accepted_at=NOW).pending_at(NOW)
    assert not invitation(revoked_at=NOW).pending_at(NOW)
