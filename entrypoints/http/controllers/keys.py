"""An account's API keys: made, listed and revoked by its owners."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from core.identity import KEY_ID_PATTERN, CreateApiKey, ListApiKeys, RevokeApiKey
from entrypoints.http.caller import caller_of
from entrypoints.http.controllers.params import Limit, Offset
from entrypoints.http.schemas.team import ApiKeyBody, ApiKeyPage, ApiKeyView, IssuedApiKeyView

AnyRequest = Request[Any, Any, Any]
KeyId = Annotated[str, PathParameter(pattern=f"^{KEY_ID_PATTERN}$")]


class ApiKeyController(Controller):
    path = "/api/crm/keys"
    tags = ["team"]

    @post("/", operation_id="createApiKey")
    async def create(
        self,
        request: AnyRequest,
        data: JSONBody[ApiKeyBody],
        create_api_key: NamedDependency[CreateApiKey],
    ) -> IssuedApiKeyView:
        """Make a key for this account with a name and a role. `key` is shown this once (only
        its digest is kept): send it as `Authorization: Bearer fck_…`."""
        return IssuedApiKeyView.issued(
            await create_api_key.execute(caller_of(request), data.name, data.role)
        )

    @get("/", operation_id="listApiKeys")
    async def list(
        self,
        request: AnyRequest,
        list_api_keys: NamedDependency[ListApiKeys],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> ApiKeyPage:
        """The account's keys, newest first, revoked ones included; never a secret."""
        page = await list_api_keys.execute(caller_of(request), limit, offset)
        items = [ApiKeyView.of(key) for key in page.items]
        return ApiKeyPage(items=items, total=page.total, limit=limit, offset=offset)

    @delete("/{key_id:str}", operation_id="revokeApiKey")
    async def revoke(
        self,
        request: AnyRequest,
        key_id: KeyId,
        revoke_api_key: NamedDependency[RevokeApiKey],
    ) -> None:
        """Revoke a key: its next request is refused (401)."""
        await revoke_api_key.execute(caller_of(request), key_id)
