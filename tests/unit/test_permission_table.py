"""The permission table: every route is declared, an undeclared one stops the app, and a
chatter's fan edit reaches only notes and tags."""

from __future__ import annotations

import pytest
from litestar import Litestar, get

from core.accounts import Role
from entrypoints.config import Settings
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.http.permissions import (
    PERMISSIONS,
    Access,
    MissingRule,
    declare_permissions,
    permission_key,
    routes_of,
)


def test_every_route_of_the_app_has_a_rule_and_every_rule_a_route():
    app = create_app(build_container(Settings.from_env({}, dev=True)))
    keys = {permission_key(handler) for _, handler in routes_of(app)}
    assert set(PERMISSIONS) <= keys, "a rule for a route that does not exist"
    for _, handler in routes_of(app):
        assert "permission" in handler.opt


def test_a_route_without_a_rule_stops_the_app_naming_it():
    @get("/forgotten", operation_id="forgottenRoute")
    async def forgotten() -> str:
        return "never"

    with pytest.raises(MissingRule, match="GET /forgotten \\(forgottenRoute\\)"):
        declare_permissions(Litestar([forgotten]))


def test_public_and_signed_routes_skip_bearer_authentication_and_no_other_does():
    app = create_app(build_container(Settings.from_env({}, dev=True)))
    for path, handler in routes_of(app):
        open_ = handler.opt["permission"] in (Access.PUBLIC, Access.SIGNED)
        assert bool(handler.opt.get("exclude_from_auth")) == open_, path


@pytest.mark.parametrize(
    ("held", "needed", "allowed"),
    [
        (Role.OWNER, Role.MANAGER, True),
        (Role.MANAGER, Role.MANAGER, True),
        (Role.CHATTER, Role.MANAGER, False),
        (Role.MANAGER, Role.OWNER, False),
        (Role.CHATTER, Role.CHATTER, True),
    ],
)
def test_a_role_includes_what_the_roles_below_it_may(held, needed, allowed):
    assert held.includes(needed) is allowed
