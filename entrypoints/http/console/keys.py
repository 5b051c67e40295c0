"""API keys: created (the secret shown once), listed, revoked. Owners only, as the API's
(entrypoints/http/controllers/keys.py), whose use cases these routes call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from core.accounts import Role
from core.errors import Invalid
from core.identity import MAX_KEY_NAME_LENGTH, CreateApiKey, ListApiKeys, RevokeApiKey
from core.paging import MAX_PAGE_SIZE
from entrypoints.http.caller import caller_of
from entrypoints.http.console.forms import URL_ENCODED, one_of
from entrypoints.http.console.pages import AnyRequest, acting_as, render
from entrypoints.http.console.team import ROLES
from entrypoints.http.controllers.keys import KeyId
from entrypoints.http.schemas.team import IssuedApiKeyView


@dataclass
class KeyForm:
    name: str = ""
    role: str = Role.CHATTER.value


@dataclass(frozen=True, slots=True)
class IssuedSecret:
    """A key just made: what its holder sends as `Authorization: Bearer …`, shown this once."""

    name: str
    role: Role
    secret: str


@get("/team/keys", opt=acting_as("listApiKeys"), include_in_schema=False)
async def keys_page(
    request: AnyRequest,
    list_api_keys: NamedDependency[ListApiKeys],
    revoked: Annotated[str | None, QueryParameter(max_length=20)] = None,
) -> Template:
    return await _keys_page(request, list_api_keys, revoked=revoked is not None)


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
    view = IssuedApiKeyView.issued(issued)  # the API's answer: `key` is the bearer credential
    secret = IssuedSecret(view.name, view.role, view.key)
    return await _keys_page(request, list_api_keys, issued=secret)


@post("/team/keys/{key_id:str}/revoke", opt=acting_as("revokeApiKey"), include_in_schema=False)
async def revoke_key(
    request: AnyRequest, key_id: KeyId, revoke_api_key: NamedDependency[RevokeApiKey]
) -> Redirect:
    await revoke_api_key.execute(caller_of(request), key_id)
    return Redirect("/team/keys?revoked=1", status_code=303)


async def _keys_page(
    request: AnyRequest,
    list_api_keys: ListApiKeys,
    form: KeyForm | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    *,
    issued: IssuedSecret | None = None,
    revoked: bool = False,
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
        revoked=revoked,
        roles=ROLES,
        max_name=MAX_KEY_NAME_LENGTH,
    )


ROUTES = [keys_page, create_key, revoke_key]
