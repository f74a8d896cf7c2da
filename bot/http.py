"""What the gateway's HTTP routes share: the refusal a handler raises (turned into a JSON
problem by one middleware, bot/security.py), JSON in and out, the origin check, and finding the
web conversation a URL names. The API, the widget's websocket, the advisor console and the
privacy routes all use these; nothing here depends on them.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Optional
from urllib.parse import urlsplit

from aiohttp import web

from bot.config import GatewayConfig, Tenant
from bot.conversations import Conversations
from bot.store import Conversation
from locales import N_, translate

CONFIG = web.AppKey("config", GatewayConfig)
CONVERSATIONS = web.AppKey("conversations", Conversations)
WEB = "web"  # the channel of the conversations the HTTP API and the widget serve
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")

# The language a widget request speaks (its conversation's, or the hint of a new one): the
# refusal's message is translated into it (bot/security.py). Advisor routes never set it.
LANGUAGE = "language"

INVALID_TEXT = N_("Dit verzoek kan ik niet verwerken. Probeer het opnieuw.")
NOT_FOUND_TEXT = N_("Dit gesprek bestaat niet (meer). Begin gerust een nieuw gesprek.")
UNKNOWN_TENANT_TEXT = N_("Deze chat is niet goed ingesteld. Probeer het later nog eens.")


class Refused(Exception):
    """A user's request the gateway will not carry out; `message` is Dutch for the user (a
    msgid with `values` for its {placeholders}: `message_in(language)` translates it)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        detail: str = "",
        retry_after: Optional[int] = None,
        problems: Optional[list] = None,
        values: Optional[dict] = None,
    ):
        super().__init__(detail or code)
        self.status = status
        self.code = code
        self.msgid = message
        self.values = values or {}
        self.message = self.message_in(None)
        self.detail = detail or self.message
        self.retry_after = retry_after
        self.problems = problems or []

    def message_in(self, language: Optional[str]) -> str:
        """The message for the user, in `language` (Dutch when None or untranslated)."""
        return translate(self.msgid, language, **{k: number(v, language) for k, v in self.values.items()})


def number(value: Any, language: Optional[str]) -> Any:
    """A whole number as people read it: 2.000 in Dutch, 2,000 in English."""
    if not isinstance(value, int) or isinstance(value, bool):
        return value
    grouped = f"{value:,}"
    return grouped.replace(",", ".") if (language or "nl") == "nl" else grouped


def iso(value: Optional[datetime]) -> Optional[str]:
    """A UTC time as the APIs write it: 2026-12-07T10:15:00Z."""
    return value.isoformat().replace("+00:00", "Z") if value else None


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=dumps)


def own_origin(request: web.Request, origin: str) -> bool:
    return urlsplit(origin).netloc == request.host


def origin_allowed(request: web.Request, tenant: Tenant) -> bool:
    """Browsers send Origin on cross-site calls and websockets; servers (no Origin) may call."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    origin = origin.rstrip("/")
    return own_origin(request, origin) or origin in tenant.allowed_origins


def check_origin(request: web.Request, tenant: Tenant) -> None:
    if not origin_allowed(request, tenant):
        raise Refused(
            403,
            "origin_not_allowed",
            N_("Deze chat hoort bij een andere website en werkt hier niet."),
            f"origin {request.headers.get('Origin')} is not allowed for tenant {tenant.name}",
        )


async def read_json(request: web.Request) -> Any:
    if request.content_type != "application/json":
        raise Refused(
            415, "unsupported_media_type", INVALID_TEXT, "send a JSON body with Content-Type: application/json"
        )
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge as error:
        raise Refused(
            413,
            "body_too_large",
            N_("Je bericht is te lang. Kun je het korter zeggen, of in twee berichten?"),
            f"request body is larger than {request.config_dict[CONFIG].max_body_bytes} bytes",
        ) from error
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:  # RecursionError: [[[[...
        raise Refused(400, "invalid_json", INVALID_TEXT, f"body is not valid UTF-8 JSON: {error}") from error


async def find_conversation(request: web.Request) -> Conversation:
    conversation_id = request.match_info["conversation_id"]
    conversation = None
    if ID_PATTERN.match(conversation_id):
        conversation = await request.config_dict[CONVERSATIONS].store.get_conversation(conversation_id)
    if conversation is None or conversation.channel != WEB:
        raise Refused(404, "conversation_not_found", NOT_FOUND_TEXT, "no such conversation")
    request[LANGUAGE] = conversation.language
    tenant = request.config_dict[CONFIG].tenants.get(conversation.tenant)
    if tenant is None:
        raise Refused(
            404, "unknown_tenant", UNKNOWN_TENANT_TEXT, f"tenant {conversation.tenant} is no longer configured"
        )
    check_origin(request, tenant)
    return conversation
