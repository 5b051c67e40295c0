"""Signing in: login, refresh, logout, password change, the profile, accepting an invitation.

The refresh token also travels in the `fancrm_refresh` cookie (HttpOnly, Secure, SameSite
Strict, for /api/auth only), so a browser console never lets a script read it.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import CookieParameter, JSONBody
from msgspec import UnsetType

from core.identity import (
    REFRESH_TTL,
    AcceptInvitation,
    ChangePassword,
    GetProfile,
    IssuedRefresh,
    RefreshSession,
    SignIn,
    SignOut,
)
from entrypoints.http.auth import ACCESS_TTL, BearerTokens
from entrypoints.http.caller import caller_of
from entrypoints.http.schemas.auth import (
    AcceptedView,
    AcceptInvitationBody,
    AccountRoleView,
    LoginBody,
    PasswordBody,
    ProfileView,
    RefreshBody,
    SignedInView,
    TokensView,
    UserView,
)

AnyRequest = Request[Any, Any, Any]
REFRESH_COOKIE = "fancrm_refresh"
COOKIE_PATH = "/api/auth"
RefreshCookie = Annotated[
    str | None,
    CookieParameter(name=REFRESH_COOKIE, description="The refresh token, when the body has none"),
]

_SETS_COOKIE = Cookie(
    key=REFRESH_COOKIE,
    path=COOKIE_PATH,
    httponly=True,
    secure=True,
    samesite="strict",
    documentation_only=True,
    description="The refresh token of the answer, for a browser (HttpOnly: no script reads it)",
)
_CLEARED_COOKIE = Cookie(
    key=REFRESH_COOKIE, value="", path=COOKIE_PATH, max_age=0, httponly=True, secure=True,
    samesite="strict",
)  # fmt: skip


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", operation_id="login", status_code=200, response_cookies=[_SETS_COOKIE])
    async def login(
        self,
        request: AnyRequest,
        data: JSONBody[LoginBody],
        sign_in: NamedDependency[SignIn],
        bearer_tokens: NamedDependency[BearerTokens],
    ) -> Response[SignedInView]:
        """Sign in with an email and a password: a 15-minute access token and a refresh token
        (also set as the `fancrm_refresh` cookie). A wrong password and an unknown email get
        the same 401. Failed sign-ins are limited per email (5, then one every 3 minutes) and
        per client address (20, then one every 45 s): past either, 429 with Retry-After."""
        account = None if isinstance(data.account, UnsetType) else data.account
        signed = await sign_in.execute(data.email, data.password, _address(request), account)
        tokens = _tokens(bearer_tokens, signed.refresh)
        view = SignedInView(
            **{f: getattr(tokens, f) for f in TokensView.__struct_fields__},
            user=UserView.of(signed.user),
            accounts=[AccountRoleView.of(a) for a in signed.accounts],
        )
        return Response(view, cookies=[_refresh_cookie(signed.refresh)])

    @post(
        "/refresh", operation_id="refreshSession", status_code=200, response_cookies=[_SETS_COOKIE]
    )
    async def refresh(
        self,
        refresh_session: NamedDependency[RefreshSession],
        bearer_tokens: NamedDependency[BearerTokens],
        refresh_cookie: RefreshCookie = None,
        data: JSONBody[RefreshBody | None] = None,
    ) -> Response[TokensView]:
        """A new access token and the next refresh token; the one given is spent. Given again,
        a spent refresh token ends its whole session (someone replayed it): 401."""
        issued = await refresh_session.execute(_refresh_token(data, refresh_cookie))
        return Response(_tokens(bearer_tokens, issued), cookies=[_refresh_cookie(issued)])

    @post("/logout", operation_id="logout", status_code=204, response_cookies=[_CLEARED_COOKIE])
    async def logout(
        self,
        sign_out: NamedDependency[SignOut],
        refresh_cookie: RefreshCookie = None,
        data: JSONBody[RefreshBody | None] = None,
    ) -> None:
        """End the session of the refresh token (body or cookie) and clear the cookie. A token
        the server does not know changes nothing."""
        await sign_out.execute(_refresh_token(data, refresh_cookie))

    @post("/password", operation_id="changePassword", status_code=204)
    async def change_password(
        self,
        request: AnyRequest,
        data: JSONBody[PasswordBody],
        change_password: NamedDependency[ChangePassword],
    ) -> None:
        """A person signed in changes their password (10 to 1024 characters): every other
        session of theirs ends; this one stays."""
        caller = caller_of(request)
        await change_password.execute(
            caller, data.current_password, data.new_password, _address(request)
        )

    @get("/me", operation_id="getProfile")
    async def me(
        self, request: AnyRequest, get_profile: NamedDependency[GetProfile]
    ) -> ProfileView:
        """The person signed in and the accounts they are a member of, with their role."""
        return ProfileView.of(await get_profile.execute(caller_of(request)))

    @post("/invitations/accept", operation_id="acceptInvitation", status_code=200)
    async def accept_invitation(
        self,
        request: AnyRequest,
        data: JSONBody[AcceptInvitationBody],
        accept_invitation: NamedDependency[AcceptInvitation],
    ) -> AcceptedView:
        """Join the account an invitation names. A new email gets a user with this password
        (10 or more characters); an email that has a user already gives its current password
        (a link never resets a password). Each link works once, for 7 days. Then sign in."""
        name = None if isinstance(data.name, UnsetType) else data.name
        accepted = await accept_invitation.execute(
            data.token, data.password, name, _address(request)
        )
        return AcceptedView(
            user=UserView.of(accepted.user), account=AccountRoleView.of(accepted.account)
        )


def _address(request: AnyRequest) -> str | None:
    return request.client.host if request.client else None


def _tokens(bearer_tokens: BearerTokens, issued: IssuedRefresh) -> TokensView:
    return TokensView(
        access_token=bearer_tokens.access(issued.user_id, issued.session_id),
        token_type="Bearer",
        expires_in=int(ACCESS_TTL.total_seconds()),
        refresh_token=issued.token,
        refresh_expires_at=issued.expires_at,
    )


def _refresh_token(data: RefreshBody | None, cookie: str | None) -> str | None:
    if data is not None and not isinstance(data.refresh_token, UnsetType):
        return data.refresh_token
    return cookie


def _refresh_cookie(issued: IssuedRefresh) -> Cookie:
    return Cookie(
        key=REFRESH_COOKIE,
        value=issued.token,
        path=COOKIE_PATH,
        max_age=int(REFRESH_TTL.total_seconds()),
        httponly=True,
        secure=True,
        samesite="strict",
    )
