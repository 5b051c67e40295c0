"""OpenInvitation: what an invitation's link shows before it is accepted, opened by the same
rule AcceptInvitation accepts by (a used, revoked, expired or unknown token is NotFound)."""

from __future__ import annotations

import contextlib

import pytest

from core.accounts import Role
from core.errors import Conflict, NotFound
from core.identity import INVITATION_TTL, operator_in
from tests.support.world import World

PASSWORD = "correct horse battery staple"


async def invite(w: World, email: str, role: Role = Role.CHATTER) -> str:
    with contextlib.suppress(Conflict):  # made by the test's first invitation
        await (await w.use("create_account")).execute("Studio <b>", "acct")
    issued = await (await w.use("invite_member")).execute(operator_in("acct"), email, role)
    return str(issued.token)


async def test_a_link_shows_whose_account_which_role_and_until_when(w: World):
    token = await invite(w, "Ann@Example.com", Role.MANAGER)

    offer = await (await w.use("open_invitation")).execute(token)

    assert (offer.email, offer.account_name, offer.role) == (
        "ann@example.com",
        "Studio <b>",
        Role.MANAGER,
    )
    assert offer.expires_at == w.clock.now() + INVITATION_TTL
    assert offer.has_user is False  # accepting sets a password: a new user


async def test_an_email_with_a_user_already_is_asked_for_its_password(w: World):
    await (await w.use("create_user")).execute("ann@example.com", PASSWORD)
    token = await invite(w, "ann@example.com")
    assert (await (await w.use("open_invitation")).execute(token)).has_user is True


async def test_a_link_opens_exactly_as_long_as_it_can_be_accepted(w: World):
    token = await invite(w, "ann@example.com")
    open_invitation = await w.use("open_invitation")

    w.clock.advance(INVITATION_TTL.total_seconds() - 1)
    await open_invitation.execute(token)
    w.clock.advance(1)
    with pytest.raises(NotFound):
        await open_invitation.execute(token)
    with pytest.raises(NotFound):
        await (await w.use("accept_invitation")).execute(token, PASSWORD, None, None)


async def test_a_used_revoked_or_unknown_link_opens_nothing(w: World):
    used, revoked = await invite(w, "ann@example.com"), await invite(w, "bob@example.com")
    await (await w.use("accept_invitation")).execute(used, PASSWORD, "Ann", None)
    [pending] = (await (await w.use("list_invitations")).execute(operator_in("acct"))).items
    await (await w.use("revoke_invitation")).execute(operator_in("acct"), pending.id)
    open_invitation = await w.use("open_invitation")

    for token in (used, revoked, "not-a-token", ""):
        with pytest.raises(NotFound, match="no such invitation"):
            await open_invitation.execute(token)
