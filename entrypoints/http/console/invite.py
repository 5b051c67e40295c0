"""The invitation page (`/invite/<token>`): the link's holder sets a password and joins.

It acts as `acceptInvitation` (public: the token is the credential) and calls its use case, as
`POST /api/auth/invitations/accept` does: a new email gets a user with the password typed here
(the API's length rules); an email that has a user already gives its current password (a link
never resets one), with the sign-in's throttle against guessing it. A used, revoked, expired or
unknown link answers the 404 page the API's 404 stands for. Joined: on to the login page, the
email filled in, and the account chosen in the switcher is the one joined.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.errors import Conflict, Invalid, RateLimited, Unauthenticated
from core.identity import (
    MAX_PASSWORD_LENGTH,
    MAX_PERSON_NAME_LENGTH,
    MIN_PASSWORD_LENGTH,
    AcceptInvitation,
    InvitationOffer,
    OpenInvitation,
)
from entrypoints.http.console.forms import URL_ENCODED
from entrypoints.http.console.login import Joined, joined_cookie, too_many
from entrypoints.http.console.pages import AnyRequest, acting_as, render
from entrypoints.http.console.session import account_cookie


@dataclass
class AcceptForm:
    password: str = ""
    name: str = ""  # a new user's, optional; not asked of someone who has a user


@get("/invite/{token:str}", opt=acting_as("acceptInvitation"), include_in_schema=False)
async def invitation_page(
    request: AnyRequest, token: FromPath[str], open_invitation: NamedDependency[OpenInvitation]
) -> Template:
    offer = await open_invitation.execute(token)
    return _page(request, token, offer, AcceptForm())


@post("/invite/{token:str}", opt=acting_as("acceptInvitation"), include_in_schema=False)
async def accept(
    request: AnyRequest,
    token: FromPath[str],
    data: Annotated[AcceptForm, URL_ENCODED],
    open_invitation: NamedDependency[OpenInvitation],
    accept_invitation: NamedDependency[AcceptInvitation],
) -> Response[Any]:
    address = request.client.host if request.client else None
    name = data.name if data.name.strip() else None  # left blank: none, as the API's absent
    try:
        accepted = await accept_invitation.execute(token, data.password, name, address)
    except Invalid as exc:
        return await _refused(request, token, open_invitation, data, exc.field, exc.message, 400)
    except Unauthenticated as exc:  # someone with a user already, and not their password
        return await _refused(request, token, open_invitation, data, "password", exc.message, 401)
    except RateLimited as limited:
        message = too_many(limited)
        return await _refused(request, token, open_invitation, data, "password", message, 429)
    except Conflict as exc:  # a member already, or signed up meanwhile
        return await _refused(request, token, open_invitation, data, None, exc.message, 409)
    joined = Joined(accepted.user.email, accepted.account.name)
    # Signed in, they work in the account they joined (not the first of theirs, if they had one).
    cookies = [joined_cookie(joined), account_cookie(accepted.account.id)]
    return Redirect("/login", status_code=303, cookies=cookies)


async def _refused(
    request: AnyRequest,
    token: str,
    open_invitation: OpenInvitation,
    form: AcceptForm,
    field: str | None,
    message: str,
    status: int,
) -> Template:
    """The page again with why (under the field it names); the password is never sent back."""
    offer = await open_invitation.execute(token)  # gone meanwhile: the 404 page
    errors = {field or "": message}  # no field: said above the form only
    return _page(request, token, offer, AcceptForm(name=form.name), errors, status)


def _page(
    request: AnyRequest,
    token: str,
    offer: InvitationOffer,
    form: AcceptForm,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    return render(
        request,
        "invite.html",
        status=status,
        token=token,
        offer=offer,
        form=form,
        errors=errors or {},
        min_password=MIN_PASSWORD_LENGTH,
        max_password=MAX_PASSWORD_LENGTH,
        max_name=MAX_PERSON_NAME_LENGTH,
    )


ROUTES = [invitation_page, accept]
