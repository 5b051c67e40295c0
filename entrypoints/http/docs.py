"""/schema: the exact contract as JSON (/schema/openapi.json) and Swagger UI (/schema), whose
assets are served by the app itself (vendored in static/swagger-ui), so the page works offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request, Router
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.static_files import create_static_files_router

from entrypoints.http.contract import complete
from entrypoints.http.examples import REQUEST_EXAMPLES
from entrypoints.http.permissions import rules_by_operation

ASSETS_PATH = "/static/swagger-ui"
_ASSETS = Path(__file__).parent / "static" / "swagger-ui"


class PublishedContract:
    """Litestar's document completed once (see `contract.complete`), then served as it is."""

    def __init__(self) -> None:
        self._document: dict[str, Any] | None = None

    def of(self, request: Request[Any, Any, Any], generated: dict[str, Any]) -> dict[str, Any]:
        if self._document is None:
            rules = rules_by_operation(request.app)
            self._document = complete(generated, REQUEST_EXAMPLES, rules)
        return self._document


class _ContractJson(JsonRenderPlugin):
    def __init__(self, contract: PublishedContract) -> None:
        super().__init__()
        self._contract = contract

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, self._contract.of(request, openapi_schema))


class _OfflineSwagger(SwaggerRenderPlugin):
    def __init__(self, contract: PublishedContract) -> None:
        super().__init__(
            path="/",
            js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
            css_url=f"{ASSETS_PATH}/swagger-ui.css",
            standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui-standalone-preset.js",
            favicon=f"<link rel='icon' type='image/png' href='{ASSETS_PATH}/favicon-32x32.png'>",
        )
        self._contract = contract

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, self._contract.of(request, openapi_schema))


def openapi_config() -> OpenAPIConfig:
    contract = PublishedContract()
    return OpenAPIConfig(
        title="fancrm",
        version="0.1.0",
        path="/schema",
        render_plugins=[_ContractJson(contract), _OfflineSwagger(contract)],
    )


def swagger_assets() -> Router:
    return create_static_files_router(
        path=ASSETS_PATH, directories=[_ASSETS], include_in_schema=False, opt={"public": True}
    )
