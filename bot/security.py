"""Cross-cutting HTTP safety: JSON errors, security headers, CORS and origin checks, client address."""

from __future__ import annotations

import ipaddress
import logging
from typing import Iterable, Optional

from aiohttp import web
from sqlalchemy.exc import InterfaceError, OperationalError

from bot.config import Tenant
from bot.http import CONFIG, LANGUAGE, Refused, own_origin
from locales import N_

log = logging.getLogger(__name__)


PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors {ancestors}"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000"
SERVER_ERROR_TEXT = N_("Er ging bij ons iets mis. Probeer het zo nog eens.")
DATABASE_DOWN_TEXT = N_("Je bericht kon nu niet worden bewaard door een storing. Probeer het over een minuut nog eens.")


def error_response(refusal: Refused, language: Optional[str] = None) -> web.Response:
    """The refusal as JSON; its message in `language` (the widget request's, bot/http.py)."""
    body = {"error": refusal.code, "detail": refusal.detail, "message": refusal.message_in(language)}
    if refusal.problems:
        body["problems"] = refusal.problems
    headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
    return web.json_response(body, status=refusal.status, headers=headers)


@web.middleware
async def api_errors(request: web.Request, handler):
    """Middleware of the two JSON APIs (/api/v1 and the advisor console's /advisor/api, each an
    aiohttp sub-application, bot/app.py): every error is JSON that says what is wrong, in
    English and in Dutch."""
    try:
        return await handler(request)
    except Refused as refusal:
        return error_response(refusal, request.get(LANGUAGE))
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return error_response(
            Refused(
                error.status,
                error.reason.lower().replace(" ", "_"),
                N_("Dit adres of verzoek kennen we niet."),
                f"{error.status} {error.reason}: {request.method} {request.path}",
            ),
            request.get(LANGUAGE),
        )
    except (OperationalError, InterfaceError) as error:  # still away after bot/store.py's retries
        log.error("database unavailable on %s %s: %s", request.method, request.path, type(error.orig or error).__name__)
        return error_response(
            Refused(
                503,
                "database_unavailable",
                DATABASE_DOWN_TEXT,
                "the database is unavailable; try again later",
                retry_after=30,
            ),
            request.get(LANGUAGE),
        )
    except Exception:  # never a stack trace to the user; the log has it
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(
            Refused(500, "server_error", SERVER_ERROR_TEXT, "unexpected server error; see the gateway log"),
            request.get(LANGUAGE),
        )


def _known_origin(request: web.Request, tenants: Iterable[Tenant]) -> Optional[str]:
    origin = request.headers.get("Origin")
    if origin and (own_origin(request, origin) or any(origin.rstrip("/") in t.allowed_origins for t in tenants)):
        return origin
    return None


@web.middleware
async def cors(request: web.Request, handler):
    """Middleware of the widget's API (/api/v1): CORS for any tenant's origin; handlers check the
    exact tenant."""
    origin = _known_origin(request, request.config_dict[CONFIG].tenants.values())
    if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method"):
        if origin is None:
            return error_response(
                Refused(
                    403,
                    "origin_not_allowed",
                    N_("Deze chat werkt niet op deze website."),
                    f"origin {request.headers.get('Origin')} is not allowed",
                )
            )
        response = web.Response(status=204)
        response.headers.update(
            {
                "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Max-Age": "600",
            }
        )
    else:
        response = await handler(request)
    if origin is not None and not response.prepared:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"
        response.headers.add("Vary", "Origin")
    return response


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: safe defaults on everything; pages set their own CSP."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if served_over_https(request):  # browsers then refuse plain http to this host for a year
        response.headers.setdefault("Strict-Transport-Security", HSTS)


async def api_headers(_request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare of the JSON APIs: JSON only, no content to run, never cached."""
    response.headers.setdefault("Content-Security-Policy", API_CSP)
    response.headers.setdefault("Cache-Control", "no-store")


def page_csp(frame_ancestors: Iterable[str] = ()) -> str:
    ancestors = " ".join(["'self'", *frame_ancestors])
    return PAGE_CSP.format(ancestors=ancestors)


def is_trusted_proxy(address: str, trusted: Iterable[str]) -> bool:
    """`trusted` holds addresses or networks: proxies in a cluster get a new address on every
    restart, so operators name the small CIDR their Ingress and router pods get their
    addresses from ("10.42.7.0/28"; deploy/README.md "Client addresses")."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in trusted:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def served_over_https(request: web.Request) -> bool:
    """https to the gateway itself, or to a TLS proxy in GATEWAY_TRUSTED_PROXIES that says so in
    X-Forwarded-Proto (its own value is the last one); anyone else's header is not believed."""
    if request.secure:
        return True
    if not is_trusted_proxy(request.remote or "", request.config_dict[CONFIG].trusted_proxies):
        return False
    protos = request.headers.get("X-Forwarded-Proto", "").split(",")
    return protos[-1].strip().lower() == "https"


def client_address(request: web.Request) -> str:
    """The user's address; X-Forwarded-For is believed only from configured proxies."""
    remote = request.remote or "unknown"
    trusted = request.config_dict[CONFIG].trusted_proxies
    if is_trusted_proxy(remote, trusted):
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
        for hop in reversed(hops):
            if not is_trusted_proxy(hop, trusted):
                return hop
    return remote


def client_key(request: web.Request) -> str:
    """What per-client limits count: the user's address, an IPv6 user by their /64 (a home
    or phone gets a whole /64 and may use any address in it)."""
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # "unknown", or a malformed X-Forwarded-For hop: counted as written
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:  # ::ffff:203.0.113.7 is that IPv4 address
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
