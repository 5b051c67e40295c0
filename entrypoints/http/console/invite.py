"""The invitation page (`/invite/<token>`): the link's holder sets a password and joins."""

from __future__ import annotations

from litestar.handlers import HTTPRouteHandler

ROUTES: list[HTTPRouteHandler] = []
