"""Who calls the advisor API: a login cookie (the console in a browser) or
`Authorization: Bearer <token>` (scripts, tests), and cross-site request protection.

The cookie is HttpOnly and SameSite=Strict. On top of that, a cookie-authenticated request
that changes something must carry the header X-Leerwijzer-Console: 1 (a cross-site page cannot
add it without a CORS preflight, which /advisor never allows) and, when the browser sends an
Origin, come from the gateway's own origin. Websockets check the Origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from bot.handoff.accounts import AccountStore, Advisor
from bot.http import Refused, own_origin
from bot.security import served_over_https

COOKIE = "lw_advisor"
COOKIE_PATH = "/advisor"
CSRF_HEADER = "X-Leerwijzer-Console"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Caller:
    advisor: Advisor
    token: str
    by_cookie: bool


def same_origin(request: web.Request) -> None:
    origin = request.headers.get("Origin")
    if origin is not None and not own_origin(request, origin):
        raise Refused(
            403,
            "cross_site_request",
            "Dit verzoek komt niet van de adviseursconsole.",
            f"origin {origin} is not the gateway's own origin",
        )


async def authenticate(request: web.Request, accounts: AccountStore) -> Caller:
    header = request.headers.get("Authorization", "")
    by_cookie = not header
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Refused(
                401, "not_logged_in", "Log eerst in.", "use Authorization: Bearer <token> or the login cookie"
            )
        token = token.strip()
    else:
        token = request.cookies.get(COOKIE, "")
    if not token:
        raise Refused(401, "not_logged_in", "Log eerst in.", "no login cookie or bearer token")
    advisor = await accounts.session(token, keep_alive=True)  # in use: the idle time starts again
    if advisor is None:
        raise Refused(401, "login_expired", "Je bent niet (meer) ingelogd. Log opnieuw in.", "unknown or expired token")
    if by_cookie:
        same_origin(request)
        if request.method not in SAFE_METHODS and request.headers.get(CSRF_HEADER) != "1":
            raise Refused(
                403,
                "csrf_header_missing",
                "Dit verzoek komt niet van de adviseursconsole.",
                f"cookie-authenticated {request.method} needs the header {CSRF_HEADER}: 1",
            )
    return Caller(advisor, token, by_cookie)


def set_login_cookie(
    response: web.StreamResponse, request: web.Request, token: str, expires_at: datetime, always_secure: bool = False
) -> None:
    response.set_cookie(
        COOKIE,
        token,
        path=COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=always_secure or served_over_https(request),  # plain http: make run only
        max_age=max(0, int((expires_at - datetime.now(expires_at.tzinfo)).total_seconds())),
    )


def clear_login_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path=COOKIE_PATH)
