"""API keys: created (the secret shown once), listed, revoked. Owners only, as the API's."""

from __future__ import annotations

from litestar.handlers import HTTPRouteHandler

ROUTES: list[HTTPRouteHandler] = []
