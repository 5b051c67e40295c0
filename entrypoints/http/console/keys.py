"""API keys: created (the secret shown once), listed, revoked. Owners only, as the API's
(entrypoints/http/controllers/keys.py), whose use cases these routes call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from core.accounts import Role
from core.errors import Invalid
from core.identity import MAX_KEY_NAME_LENGTH, CreateApiKey, ListApiKeys, RevokeApiKey
from core.paging import MAX_PAGE_SIZE
from entrypoints.http.caller import caller_of
from entrypoints.http.console.forms import URL_ENCODED, one_of
from entrypoints.http.console.pages import AnyRequest, acting_as, render, said
from entrypoints.http.console.team import ROLES
from entrypoints.http.controllers.keys import KeyId
from entrypoints.http.schemas.team import IssuedApiKeyView

DONE = {"revoked": "The key was revoked: its next request is refused."}  # said after `?done=`


@dataclass
class KeyForm:
    name: str = ""
    role: str = Role.CHATTER.value


@get("/team/keys", opt=acting_as("listApiKeys"), include_in_schema=False)
async def keys_page(
    request: AnyRequest,
    list_api_keys: NamedDependency[ListApiKeys],
) -> Template:
    return await _keys_page(request, list_api_keys, done=said(request, DONE))


@post("/team/keys", opt=acting_as("createApiKey"), include_in_schema=False)
async def create_key(
    request: AnyRequest,
    data: Annotated[KeyForm, URL_ENCODED],
    create_api_key: NamedDependency[CreateApiKey],
    list_api_keys: NamedDependency[ListApiKeys],
) -> Template:
    """The answer is the page with the secret: only its digest is kept, so this is the one
    time it can be shown (never in a URL)."""
    try:
        role = one_of(Role, data.role, "role")
        issued = await create_api_key.execute(caller_of(request), data.name, role)
    except Invalid as exc:
        errors = {exc.field or "name": exc.message}
        return await _keys_page(request, list_api_keys, data, errors, 400)
    # The API's answer: its `key` is what the key's holder sends as `Authorization: Bearer …`.
    return await _keys_page(request, list_api_keys, issued=IssuedApiKeyView.issued(issued))


@post("/team/keys/{key_id:str}/revoke", opt=acting_as("revokeApiKey"), include_in_schema=False)
async def revoke_key(
    request: AnyRequest, key_id: KeyId, revoke_api_key: NamedDependency[RevokeApiKey]
) -> Redirect:
    await revoke_api_key.execute(caller_of(request), key_id)
    return Redirect("/team/keys?done=revoked", status_code=303)


async def _keys_page(
    request: AnyRequest,
    list_api_keys: ListApiKeys,
    form: KeyForm | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    *,
    issued: IssuedApiKeyView | None = None,
    done: str | None = None,
) -> Template:
    keys = await list_api_keys.execute(caller_of(request), MAX_PAGE_SIZE)
    return render(
        request,
        "keys.html",
        status=status,
        keys=keys,
        form=form or KeyForm(),
        errors=errors or {},
        issued=issued,
        done=done,
        roles=ROLES,
        max_name=MAX_KEY_NAME_LENGTH,
    )


ROUTES = [keys_page, create_key, revoke_key]
