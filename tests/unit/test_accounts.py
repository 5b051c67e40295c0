"""Who acts: the names roles and authors are stored and sent under, the order of the roles, and
the author each kind of caller leaves on what it writes."""

from __future__ import annotations

import pytest

from core.accounts import Author, AuthorKind, Role


def test_roles_and_author_kinds_keep_the_names_stored_and_sent():
    # Stored in the memberships, keys, invitations, messages and audit log, and in every body.
    assert [role.value for role in Role] == ["chatter", "manager", "owner"]
    assert [kind.value for kind in AuthorKind] == [
        "member", "key", "service", "campaign", "automation", "bridge",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "includes"),
    [
        (Role.CHATTER, {Role.CHATTER}),
        (Role.MANAGER, {Role.CHATTER, Role.MANAGER}),
        (Role.OWNER, {Role.CHATTER, Role.MANAGER, Role.OWNER}),
    ],
)
def test_each_role_includes_itself_and_those_below_it(role: Role, includes: set[Role]):
    assert {other for other in Role if role.includes(other)} == includes


def test_each_author_names_its_kind_and_id():
    assert Author.member("u1") == Author(AuthorKind.MEMBER, "u1")
    assert Author.key("k1") == Author(AuthorKind.KEY, "k1")
    assert Author.service() == Author(AuthorKind.SERVICE, None)
    assert Author.campaign(7) == Author(AuthorKind.CAMPAIGN, "7")
    assert Author.automation(9) == Author(AuthorKind.AUTOMATION, "9")
    assert Author.bridge() == Author(AuthorKind.BRIDGE, None)
