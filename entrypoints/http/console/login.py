"""Signing in and out of the console, and choosing the account to work in."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, unquote

from litestar import Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Redirect, Template

from core.errors import Invalid, RateLimited, Unauthenticated
from core.identity import GetProfile, SignIn, SignOut
from entrypoints.http.auth import BearerTokens
from entrypoints.http.caller import caller_of
from entrypoints.http.console.errors import error_page
from entrypoints.http.console.pages import AnyRequest, acting_as, render
from entrypoints.http.console.session import (
    REFRESH_COOKIE,
    account_cookie,
    cleared_cookies,
    session_cookies,
)

HOME = "/inbox"
# Set by the invitation page on its way here: who joined which account, said once on this page
# and then cleared. A cookie, not the URL: a link cannot make the login page say "you joined"
# anything.
JOINED_COOKIE = "fancrm_joined"


@dataclass
class LoginForm:
    email: str = ""
    password: str = ""
    next: str = HOME


@dataclass
class AccountForm:
    account: str = ""


Form = Body(media_type=RequestEncodingType.URL_ENCODED)


@get("/", opt=acting_as("login"), include_in_schema=False)
async def home() -> Redirect:
    return Redirect(HOME, status_code=303)


@dataclass(frozen=True, slots=True)
class Joined:
    email: str
    account: str  # the account's name


@get("/login", opt=acting_as("login"), include_in_schema=False)
async def login_page(
    request: AnyRequest, next_path: Annotated[str, QueryParameter(name="next")] = HOME
) -> Template:
    joined = _joined(request.cookies.get(JOINED_COOKIE))
    email = joined.email if joined else ""
    page = render(request, "login.html", next=safe_next(next_path), email=email, joined=joined)
    if JOINED_COOKIE in request.cookies:
        page.delete_cookie(JOINED_COOKIE, path="/login")
    return page


def joined_cookie(joined: Joined) -> Cookie:
    """What the login page says once, and the email it fills in, after an invitation."""
    value = quote(json.dumps([joined.email, joined.account]))
    return Cookie(
        key=JOINED_COOKIE,
        value=value,
        path="/login",
        max_age=600,
        httponly=True,
        secure=True,
        samesite="lax",
    )


def _joined(value: str | None) -> Joined | None:
    try:
        email, account = json.loads(unquote(value or ""))
    except (ValueError, TypeError):  # none, or not what joined_cookie wrote: nothing to say
        return None
    if not (isinstance(email, str) and isinstance(account, str)):
        return None
    return Joined(email, account)


@post("/login", opt=acting_as("login"), include_in_schema=False)
async def log_in(
    request: AnyRequest,
    data: Annotated[LoginForm, Form],
    sign_in: NamedDependency[SignIn],
    bearer_tokens: NamedDependency[BearerTokens],
) -> Response[Any]:
    address = request.client.host if request.client else None
    try:
        signed = await sign_in.execute(data.email, data.password, address)
    except (Unauthenticated, Invalid):
        return _refused(request, data, 401, "Wrong email or password.")
    except RateLimited as limited:
        return _refused(request, data, 429, too_many(limited))
    return Redirect(
        safe_next(data.next),
        status_code=303,
        cookies=session_cookies(bearer_tokens, signed.refresh),
    )


def too_many(limited: RateLimited) -> str:
    """The throttle's refusal (the use case counts failures per email and per address)."""
    return f"Too many failed attempts: try again in {max(1, round(limited.retry_after_s))} s."


def _refused(request: AnyRequest, data: LoginForm, status: int, error: str) -> Template:
    return render(
        request,
        "login.html",
        status=status,
        error=error,
        email=data.email,
        joined=None,
        next=safe_next(data.next),
    )


@post("/logout", opt=acting_as("logout"), include_in_schema=False)
async def log_out(request: AnyRequest, sign_out: NamedDependency[SignOut]) -> Redirect:
    await sign_out.execute(request.cookies.get(REFRESH_COOKIE))
    return Redirect("/login", status_code=303, cookies=cleared_cookies())


@get("/account", opt=acting_as("getProfile"), include_in_schema=False)
async def accounts_page(request: AnyRequest, get_profile: NamedDependency[GetProfile]) -> Template:
    profile = await get_profile.execute(caller_of(request))
    return render(request, "accounts.html", profile=profile)


@post("/account", opt=acting_as("getProfile"), include_in_schema=False)
async def switch_account(
    request: AnyRequest,
    data: Annotated[AccountForm, Form],
    get_profile: NamedDependency[GetProfile],
) -> Response[Any]:
    if not data.account:
        return error_page(request, 400, "account: choose the account to work in.")
    profile = await get_profile.execute(caller_of(request))
    if data.account not in {a.id for a in profile.accounts}:  # another's is no one's
        return error_page(request, 404, f"You have no account {data.account}.")
    return Redirect(HOME, status_code=303, cookies=[account_cookie(data.account)])


def safe_next(target: str) -> str:
    """Where to go after signing in: a path of this site only (never `//elsewhere`)."""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return HOME


ROUTES = [home, login_page, log_in, log_out, accounts_page, switch_account]
