"""A local fake of Meta's Graph API for the WhatsApp Cloud API messages endpoint.

POST /<version>/<phone_number_id>/messages, answered like the real one:
- success: {"messaging_product": "whatsapp", "contacts": [{"input", "wa_id"}],
  "messages": [{"id": "wamid...", "message_status": "accepted"}]}; read receipts and typing
  indicators: {"success": true};
- errors: {"error": {"message": "(#<code>) <title>", "type": "OAuthException", "code",
  "error_data": {"messaging_product": "whatsapp", "details"}, "fbtrace_id"}} for a bad token
  (190), unknown phone number id (100), Meta's message limits (100/131009; 3 reply buttons
  with titles <= 20, list rows <= 10 with titles <= 24 and descriptions <= 72, text <= 4096),
  unknown templates (132001), a closed 24-hour window (131047) and scripted failures
  (`fail_next`, e.g. 429 / 130429 / 500);
- a closed window can also fail the way Meta mostly does it: accepted first, then a signed
  "failed" status webhook to the gateway (`window_error="webhook"`).
Everything received is recorded in `received`, in order.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections import deque
from dataclasses import dataclass
from typing import Deque, List, Optional, Set

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.channels.whatsapp.signature import sign

VERSION = "v26.0"
REENGAGEMENT_DETAILS = (
    "Message failed to send because more than 24 hours have passed since the customer last replied to this number."
)


@dataclass
class Received:
    path: str
    authorization: str
    body: dict
    status: int  # what the fake answered
    error_code: Optional[int] = None
    wamid: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def is_read_receipt(self) -> bool:
        return self.body.get("status") == "read"


@dataclass
class Scripted:
    status: int
    code: int
    message: str
    details: str = ""
    retry_after: Optional[int] = None
    hang: float = 0.0  # answer (200) only after this many seconds


def error_body(code: int, title: str, details: str = "") -> dict:
    error = {
        "message": f"(#{code}) {title}",
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "A" + secrets.token_urlsafe(12),
    }
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": error}


class Invalid(Exception):
    def __init__(self, code: int, title: str, details: str):
        super().__init__(details)
        self.code, self.title, self.details = code, title, details


def _require(condition: bool, details: str, code: int = 131009, title: str = "Parameter value is not valid") -> None:
    if not condition:
        raise Invalid(code, title, details)


def validate(body: dict, templates: Set[str]) -> None:
    """Meta's documented limits for the message types the gateway sends."""
    _require(
        body.get("messaging_product") == "whatsapp", "messaging_product must be whatsapp", 100, "Invalid parameter"
    )
    _require(isinstance(body.get("to"), str) and body["to"], "to is required", 100, "Invalid parameter")
    kind = body.get("type", "text")
    if kind == "text":
        text = (body.get("text") or {}).get("body")
        _require(isinstance(text, str) and 0 < len(text) <= 4096, "text.body is required and at most 4096 characters")
    elif kind == "interactive":
        interactive = body.get("interactive") or {}
        body_text = (interactive.get("body") or {}).get("text")
        action = interactive.get("action") or {}
        if interactive.get("type") == "button":
            _require(
                isinstance(body_text, str) and 0 < len(body_text) <= 1024,
                "interactive body text is required and at most 1024 characters",
            )
            buttons = action.get("buttons") or []
            _require(1 <= len(buttons) <= 3, "Buttons count is invalid (1 to 3)")
            titles = [b.get("reply", {}).get("title", "") for b in buttons]
            _require(
                all(0 < len(t) <= 20 for t in titles),
                "Button title length is invalid (1 to 20)",
                100,
                "Invalid parameter",
            )
            _require(len(set(titles)) == len(titles), "Button titles must be unique")
            ids = [b.get("reply", {}).get("id", "") for b in buttons]
            _require(
                all(0 < len(i) <= 256 for i in ids) and len(set(ids)) == len(ids),
                "Button ids must be unique, 1 to 256 characters",
            )
        elif interactive.get("type") == "list":
            _require(
                isinstance(body_text, str) and 0 < len(body_text) <= 4096,
                "interactive body text is required and at most 4096 characters",
            )
            _require(0 < len(action.get("button", "")) <= 20, "list button text 1 to 20 characters")
            sections = action.get("sections") or []
            _require(1 <= len(sections) <= 10, "sections count is invalid (1 to 10)")
            if len(sections) > 1:
                _require(
                    all(0 < len(s.get("title", "")) <= 24 for s in sections),
                    "Section title is required with several sections (1 to 24)",
                    100,
                    "Invalid parameter",
                )
            rows = [row for section in sections for row in section.get("rows", [])]
            _require(1 <= len(rows) <= 10, "Total row count exceed max allowed count: 10")
            _require(
                all(0 < len(r.get("title", "")) <= 24 for r in rows),
                "Row title length is invalid (1 to 24)",
                100,
                "Invalid parameter",
            )
            _require(
                all(len(r.get("description", "")) <= 72 for r in rows),
                "Row description is too long (at most 72)",
                100,
                "Invalid parameter",
            )
            ids = [r.get("id", "") for r in rows]
            _require(
                all(0 < len(i) <= 200 for i in ids) and len(set(ids)) == len(ids),
                "Row ids must be unique, 1 to 200 characters",
            )
        else:
            raise Invalid(100, "Invalid parameter", "unsupported interactive type")
    elif kind == "template":
        template = body.get("template") or {}
        _require(
            bool((template.get("language") or {}).get("code")),
            "template.language.code is required",
            100,
            "Invalid parameter",
        )
        _require(
            template.get("name") in templates,
            "Template name does not exist in the translation",
            132001,
            "Template name does not exist in the translation",
        )
    else:
        raise Invalid(100, "Invalid parameter", f"unsupported message type {kind}")


class FakeGraphAPI:
    def __init__(
        self, access_token: str, phone_number_id: str, templates: Set[str] = frozenset({"leerwijzer_reactie_gevraagd"})
    ):
        self.access_token = access_token
        self.phone_number_id = phone_number_id
        self.templates = set(templates)
        self.received: List[Received] = []
        self.closed_windows: Set[str] = set()  # users whose 24-hour window is closed at Meta
        self.window_error = "sync"  # or "webhook": accepted, then a failed status webhook
        self.webhook_url: Optional[str] = None
        self.app_secret: Optional[str] = None
        self._script: Deque[Scripted] = deque()
        self._callbacks: Set[asyncio.Task] = set()
        self._server: Optional[TestServer] = None

    # -- control -------------------------------------------------------------------------

    def fail_next(
        self, status: int, code: int, message: str, details: str = "", times: int = 1, retry_after: Optional[int] = None
    ) -> None:
        for _ in range(times):
            self._script.append(Scripted(status, code, message, details, retry_after))

    def hang_next(self, seconds: float) -> None:
        """The next message is accepted, but the answer comes late (a slow or stuck Meta)."""
        self._script.append(Scripted(200, 0, "", hang=seconds))

    def send_webhooks_to(self, url: str, app_secret: str) -> None:
        self.webhook_url, self.app_secret = url, app_secret

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/{version}/{phone_number_id}/messages", self._messages)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()
        return self.url

    @property
    def url(self) -> str:
        return str(self._server.make_url(f"/{VERSION}"))

    async def settle(self) -> None:
        while self._callbacks:
            await asyncio.gather(*list(self._callbacks), return_exceptions=True)

    async def close(self) -> None:
        await self.settle()
        if self._server is not None:
            await self._server.close()

    # -- views for tests -------------------------------------------------------------------

    def delivered(self, to: Optional[str] = None) -> List[dict]:
        """Messages the fake accepted (not read receipts), in order."""
        return [
            r.body for r in self.received if r.ok and not r.is_read_receipt and (to is None or r.body.get("to") == to)
        ]

    def attempts(self) -> List[Received]:
        return [r for r in self.received if not r.is_read_receipt]

    # -- the endpoint ------------------------------------------------------------------------

    async def _messages(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = {}
        record = Received(request.path, request.headers.get("Authorization", ""), body, 200)
        self.received.append(record)

        def fail(status: int, code: int, title: str, details: str = "", headers: Optional[dict] = None) -> web.Response:
            record.status, record.error_code = status, code
            return web.json_response(error_body(code, title, details), status=status, headers=headers)

        if record.authorization != f"Bearer {self.access_token}":
            return fail(401, 190, "Invalid OAuth access token - Cannot parse access token")
        if request.match_info["phone_number_id"] != self.phone_number_id:
            return fail(
                400,
                100,
                "Invalid parameter",
                f"Unsupported post request. Object with ID '{request.match_info['phone_number_id']}' does not exist",
            )
        if body.get("status") == "read":
            if not body.get("message_id"):
                return fail(400, 100, "Invalid parameter", "message_id is required")
            return web.json_response({"success": True})
        if self._script and self._script[0].hang:
            await asyncio.sleep(self._script.popleft().hang)
        elif self._script:
            step = self._script.popleft()
            headers = {"Retry-After": str(step.retry_after)} if step.retry_after else None
            return fail(step.status, step.code, step.message, step.details, headers)
        try:
            validate(body, self.templates)
        except Invalid as problem:
            return fail(400, problem.code, problem.title, problem.details)
        to = body["to"]
        closed = to in self.closed_windows and body.get("type") != "template"
        if closed and self.window_error == "sync":
            return fail(400, 131047, "Re-engagement message", REENGAGEMENT_DETAILS)
        record.wamid = "wamid." + secrets.token_urlsafe(36)
        if closed:
            self._spawn_callback(self._failed_status(record.wamid, to))
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": record.wamid, "message_status": "accepted"}],
            }
        )

    def _spawn_callback(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._callbacks.add(task)
        task.add_done_callback(self._callbacks.discard)

    async def _failed_status(self, wamid: str, to: str) -> None:
        """Meta's asynchronous failure: a signed `statuses` webhook."""
        if not (self.webhook_url and self.app_secret):
            return
        payload = {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "102290129340398",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "31850001234",
                                    "phone_number_id": self.phone_number_id,
                                },
                                "statuses": [
                                    {
                                        "id": wamid,
                                        "status": "failed",
                                        "timestamp": str(int(time.time())),
                                        "recipient_id": to,
                                        "errors": [
                                            {
                                                "code": 131047,
                                                "title": "Re-engagement message",
                                                "message": "Re-engagement message",
                                                "error_data": {"details": REENGAGEMENT_DETAILS},
                                            }
                                        ],
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
        raw = json.dumps(payload).encode()
        async with aiohttp.ClientSession() as session:
            async with session.post(
                self.webhook_url,
                data=raw,
                headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(self.app_secret, raw)},
            ) as response:
                await response.read()
