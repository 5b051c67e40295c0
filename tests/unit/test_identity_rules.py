"""Identity rules on the real container (SQLite in memory, a hand-moved clock): the brute-force
buckets, an unknown email doing the work of a wrong password, who may change whom, how long a
refresh token and an invitation last, how often a key's use is written, and the names' sizes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dependency_injector import providers

from core.accounts import Author, Caller, Role
from core.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    Unauthenticated,
    Unavailable,
)
from core.identity import LoginThrottle, operator_in
from core.identity.roles import account_of, may_grant, may_manage
from core.ratelimit import MICROS
from tests.support.world import World

PASSWORD = "correct horse battery staple"


class CountingHasher:
    """The real hasher, counting the checks it makes: an unknown email must cost one too."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.checks = 0

    async def hash(self, password: str) -> str:
        return await self.inner.hash(password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        self.checks += 1
        return await self.inner.verify(password_hash, password)


async def test_an_unknown_email_costs_a_password_check_like_a_wrong_password(w: World):
    counting = CountingHasher(await w.use("password_hasher"))
    w.container.password_hasher.override(providers.Object(counting))
    await (await w.use("create_user")).execute("ann@example.com", PASSWORD)
    sign_in = await w.use("sign_in")
    answers = []
    for email in ("ann@example.com", "nobody@example.com"):
        with pytest.raises(Unauthenticated) as refused:
            await sign_in.execute(email, "not the password", "10.0.0.1")
        answers.append(refused.value.message)
    assert answers[0] == answers[1]
    assert counting.checks == 2


async def test_the_email_bucket_allows_five_failures_then_one_every_three_minutes(w: World):
    throttle = LoginThrottle(await w.use("rate_limiter"))
    for _ in range(5):
        await throttle.check("ann@example.com", None)
        await throttle.failed("ann@example.com", None)

    with pytest.raises(RateLimited) as refused:
        await throttle.check("ann@example.com", None)
    assert refused.value.retry_after_s == 180
    await throttle.check("bob@example.com", None)  # another email is not affected
    w.clock.advance(179.999_999)
    with pytest.raises(RateLimited) as refused:
        await throttle.check("ann@example.com", None)
    assert refused.value.retry_after_s == 1 / MICROS  # the microsecond left, not rounded up
    w.clock.advance(0.000_001)
    await throttle.check("ann@example.com", None)


async def test_the_address_bucket_counts_every_email_from_it(w: World):
    throttle = LoginThrottle(await w.use("rate_limiter"))
    for n in range(20):
        await throttle.check(f"guess{n}@example.com", "10.0.0.1")
        await throttle.failed(f"guess{n}@example.com", "10.0.0.1")

    with pytest.raises(RateLimited) as refused:
        await throttle.check("fresh@example.com", "10.0.0.1")
    assert refused.value.retry_after_s == 45
    await throttle.check("fresh@example.com", "10.0.0.2")


def member(role: Role | None) -> Caller:
    return Caller("acct", role, Author.member("u1"), "u1", "s1")


@pytest.mark.parametrize(
    ("role", "needed", "allowed"),
    [
        (None, None, False),
        (Role.CHATTER, None, True),
        (Role.CHATTER, Role.MANAGER, False),
        (Role.MANAGER, Role.MANAGER, True),
        (Role.MANAGER, Role.OWNER, False),
        (Role.OWNER, Role.OWNER, True),
    ],
)
def test_an_account_and_a_role_are_needed(role: Role | None, needed: Role | None, allowed: bool):
    if allowed:
        assert account_of(member(role), needed) == "acct"
    else:
        with pytest.raises(Forbidden):
            account_of(member(role), needed)


def test_only_an_owner_makes_or_touches_an_owner():
    may_grant(member(Role.OWNER), Role.OWNER)
    may_manage(member(Role.OWNER), Role.OWNER)
    may_grant(member(Role.MANAGER), Role.MANAGER)
    may_manage(member(Role.MANAGER), Role.CHATTER)
    with pytest.raises(Forbidden):
        may_grant(member(Role.MANAGER), Role.OWNER)
    with pytest.raises(Forbidden):
        may_manage(member(Role.MANAGER), Role.OWNER)


async def test_the_last_owner_stays_whoever_asks(w: World):
    await (await w.use("create_account")).execute("Acct", "acct")
    owner = await (await w.use("create_user")).execute("owner@example.com", PASSWORD)
    await (await w.use("add_member")).execute(operator_in("acct"), owner.email, Role.OWNER)

    with pytest.raises(Conflict):
        await (await w.use("remove_member")).execute(operator_in("acct"), owner.id)
    with pytest.raises(Conflict):
        await (await w.use("change_member_role")).execute(
            operator_in("acct"), owner.id, Role.CHATTER
        )


class UnreachableLimiter:
    """The bucket while Redis is down: every decision is Unavailable."""

    async def acquire(self, key, policy, cost=1):
        raise Unavailable("Redis unreachable")

    async def peek(self, key, policy):
        raise Unavailable("Redis unreachable")

    async def acquire_many(self, requests):
        raise Unavailable("Redis unreachable")


async def test_without_the_bucket_no_password_is_checked(w: World):
    """Fails closed, as sending does: a guess is never checked unthrottled."""
    counting = CountingHasher(await w.use("password_hasher"))
    w.container.password_hasher.override(providers.Object(counting))
    w.container.rate_limiter.override(providers.Object(UnreachableLimiter()))
    await (await w.use("create_user")).execute("ann@example.com", PASSWORD)

    with pytest.raises(Unavailable):
        await (await w.use("sign_in")).execute("ann@example.com", PASSWORD, "10.0.0.1")
    assert counting.checks == 0


async def test_a_refresh_token_lasts_thirty_days(w: World):
    await (await w.use("create_user")).execute("ann@example.com", PASSWORD)
    signed = await (await w.use("sign_in")).execute("ann@example.com", PASSWORD, None)
    refresh = await w.use("refresh_session")

    w.clock.advance(timedelta(days=30).total_seconds() - 1)
    following = await refresh.execute(signed.refresh.token)
    w.clock.advance(timedelta(days=30).total_seconds())
    with pytest.raises(Unauthenticated, match="expired"):
        await refresh.execute(following.token)


async def test_an_invitation_can_be_accepted_for_seven_days(w: World):
    await (await w.use("create_account")).execute("Acct", "acct")
    invite = await w.use("invite_member")
    early = await invite.execute(operator_in("acct"), "ann@example.com", Role.CHATTER)
    late = await invite.execute(operator_in("acct"), "bob@example.com", Role.CHATTER)
    accept = await w.use("accept_invitation")

    w.clock.advance(timedelta(days=7).total_seconds() - 1)
    await accept.execute(early.token, PASSWORD, "Ann", None)
    w.clock.advance(1)
    with pytest.raises(NotFound):
        await accept.execute(late.token, PASSWORD, "Bob", None)


async def test_a_key_use_is_written_at_most_once_a_minute(w: World):
    await (await w.use("create_account")).execute("Acct", "acct")
    issued = await (await w.use("create_api_key")).execute(operator_in("acct"), "bot", Role.CHATTER)
    authenticate = await w.use("authenticate_key")
    list_keys = await w.use("list_api_keys")

    async def last_used():
        [key] = (await list_keys.execute(operator_in("acct"))).items
        return key.last_used_at

    first = w.clock.now()
    await authenticate.execute(issued.secret)
    w.clock.advance(59.999_999)
    await authenticate.execute(issued.secret)
    assert await last_used() == first
    w.clock.advance(0.000_001)
    await authenticate.execute(issued.secret)
    assert await last_used() == first + timedelta(minutes=1)


async def test_account_and_key_names_fit_their_columns(w: World):
    create_account = await w.use("create_account")
    await create_account.execute("a" * 200, "acct")
    with pytest.raises(Invalid) as refused:
        await create_account.execute("a" * 201, "other")
    assert refused.value.field == "name"
    create_key = await w.use("create_api_key")
    await create_key.execute(operator_in("acct"), "k" * 100, Role.CHATTER)
    with pytest.raises(Invalid) as refused:
        await create_key.execute(operator_in("acct"), "k" * 101, Role.CHATTER)
    assert refused.value.field == "name"
