"""An account's sending settings (core.settings.records): every bound tried from both sides."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

import pytest

from core.errors import Invalid
from core.planning import QuietHours
from core.ratelimit import Policy
from core.settings.records import AccountSettings, zone, zone_names

ALL = ("time_zone", "rate_per_minute", "burst")


def settings(
    *,
    time_zone: str = "UTC",
    rate: int = 30,
    burst: int = 10,
    words: tuple[str, ...] = ("paypal",),
) -> AccountSettings:
    return AccountSettings("u1", time_zone, None, rate, burst, words)


def refusal(account: AccountSettings, changed: tuple[str, ...] = ALL) -> str | None:
    with pytest.raises(Invalid) as caught:
        account.validate(changed)
    return caught.value.field


def test_defaults_are_utc_no_quiet_hours_the_deployment_rate_and_the_default_words() -> None:
    account = AccountSettings.defaults("u1", Policy.per_minute(20, 7))
    assert account == AccountSettings(
        "u1",
        "UTC",
        None,
        20,
        7,
        (
            "paypal",
            "venmo",
            "cashapp",
            "cash app",
            "zelle",
            "revolut",
            "western union",
            "bank transfer",
            "wire transfer",
            "bitcoin",
            "crypto",
            "gift card",
        ),
    )
    account.validate(ALL)  # the defaults pass their own rules


@pytest.mark.parametrize(
    ("policy", "rate"),
    [
        (Policy(5, 600_000_000), 1),  # 0.1 a minute: rounds to 0, at least 1
        (Policy(5, 40_000_000), 2),  # 1.5 a minute: rounds (to even) to 2
        (Policy(5, 24_000_000), 2),  # 2.5 a minute: rounds (to even) to 2
        (Policy(5, 60_000_000), 1),
        (Policy(5, 1_000_000), 60),
        (Policy(5, 500_000), 120),  # the deployment's own rate may be past the owner's bound
    ],
)
def test_the_default_rate_is_the_deployment_rate_rounded_and_at_least_1(
    policy: Policy, rate: int
) -> None:
    account = AccountSettings.defaults("u1", policy)
    assert account.rate_per_minute == rate
    assert account.burst == 5


@pytest.mark.parametrize("rate", [1, 2, 59, 60])
def test_a_rate_of_1_to_60_is_accepted(rate: int) -> None:
    settings(rate=rate).validate(ALL)
    settings(rate=rate).validate(["rate_per_minute"])


@pytest.mark.parametrize("rate", [-1, 0, 61, 1000])
def test_a_rate_outside_1_to_60_is_refused_naming_rate_per_minute(rate: int) -> None:
    assert refusal(settings(rate=rate), ("rate_per_minute",)) == "ratePerMinute"
    assert refusal(settings(rate=rate)) == "ratePerMinute"


@pytest.mark.parametrize("rate", [0, 61])
def test_a_rate_is_checked_only_when_it_changed(rate: int) -> None:
    settings(rate=rate).validate(["time_zone", "burst"])
    settings(rate=rate).validate([])


@pytest.mark.parametrize("burst", [1, 2, 59, 60])
def test_a_burst_of_1_to_60_is_accepted(burst: int) -> None:
    settings(burst=burst).validate(ALL)
    settings(burst=burst).validate(["burst"])


@pytest.mark.parametrize("burst", [-1, 0, 61, 1000])
def test_a_burst_outside_1_to_60_is_refused_naming_burst(burst: int) -> None:
    assert refusal(settings(burst=burst), ("burst",)) == "burst"
    assert refusal(settings(burst=burst)) == "burst"


@pytest.mark.parametrize("burst", [0, 61])
def test_a_burst_is_checked_only_when_it_changed(burst: int) -> None:
    settings(burst=burst).validate(["time_zone", "rate_per_minute"])
    settings(burst=burst).validate([])


def test_500_blocked_words_are_accepted_501_refused_whatever_changed() -> None:
    words = tuple(f"word{i}" for i in range(501))
    settings(words=words[:500]).validate([])
    settings(words=words[:499]).validate([])
    assert refusal(settings(words=words), ()) == "blockedWords"
    assert refusal(settings(words=words)) == "blockedWords"


def test_no_blocked_words_are_accepted() -> None:
    settings(words=()).validate(ALL)


@pytest.mark.parametrize("length", [1, 99, 100])
def test_a_blocked_word_of_1_to_100_characters_is_accepted(length: int) -> None:
    settings(words=("ok", "x" * length)).validate([])


@pytest.mark.parametrize(
    "word",
    ["x" * 101, "x" * 500, "", " ", "  \t\n", "pay\x00pal", "\x00", "a" * 50 + "\x00"],
)
def test_a_long_blank_or_nul_blocked_word_is_refused_naming_blocked_words(word: str) -> None:
    assert refusal(settings(words=("ok", word)), ()) == "blockedWords"
    assert refusal(settings(words=(word,))) == "blockedWords"


@pytest.mark.parametrize("name", ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"])
def test_an_iana_zone_is_accepted(name: str) -> None:
    assert zone(name) == ZoneInfo(name)
    assert zone(name).key == name
    settings(time_zone=name).validate(["time_zone"])


@pytest.mark.parametrize(
    "name", ["", "Mars/Olympus", "europe/berlin", "Europe/Berlin ", "../etc/passwd", "XXXX"]
)
def test_a_zone_that_is_not_iana_is_refused_naming_time_zone(name: str) -> None:
    with pytest.raises(Invalid) as caught:
        zone(name)
    assert caught.value.field == "timeZone"
    assert refusal(settings(time_zone=name), ("time_zone",)) == "timeZone"


def test_a_zone_is_checked_only_when_it_changed() -> None:
    settings(time_zone="Mars/Olympus").validate(["rate_per_minute", "burst"])


def test_a_listed_zone_that_zoneinfo_cannot_load_is_refused_naming_time_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import core.settings.records as records

    monkeypatch.setattr(records, "_zone_names", lambda: {"Nowhere/Gone", "UTC"})
    with pytest.raises(Invalid) as caught:
        zone("Nowhere/Gone")
    assert caught.value.field == "timeZone"


def test_utc_is_a_zone_name_even_where_the_zone_list_lacks_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import core.settings.records as records

    monkeypatch.setattr(records, "available_timezones", lambda: {"Europe/Berlin"})
    monkeypatch.setattr(records, "_ZONES", set())
    assert records._zone_names() == {"Europe/Berlin", "UTC"}
    assert zone("UTC").key == "UTC"


def test_policy_and_rules_follow_the_settings() -> None:
    quiet = QuietHours(time(22), time(7))
    account = AccountSettings("u1", "Europe/Berlin", quiet, 30, 4, ())
    assert account.policy == Policy(4, 2_000_000)
    rules = account.rules
    assert rules.policy == Policy(4, 2_000_000)
    assert rules.zone == ZoneInfo("Europe/Berlin")
    assert rules.quiet == quiet


def test_a_zone_zoneinfo_could_load_but_not_listed_is_refused_naming_time_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import core.settings.records as records

    monkeypatch.setattr(records, "_zone_names", lambda: {"UTC"})
    assert ZoneInfo("Europe/Berlin").key == "Europe/Berlin"  # loadable …
    with pytest.raises(Invalid) as caught:
        zone("Europe/Berlin")  # … but not among the IANA names
    assert caught.value.field == "timeZone"


def test_the_zones_offered_are_the_zones_accepted_in_order() -> None:
    names = zone_names()
    assert names == sorted(names)
    assert {"UTC", "Europe/Paris", "America/New_York"} <= set(names)
    for name in names[:: max(1, len(names) // 25)]:  # a spread of them, each one accepted
        assert zone(name).key == name
