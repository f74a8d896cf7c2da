"""Web channel: the HTTP API and the widget's websocket.

Input side only: what users send goes to `Conversations.receive`; what they get arrives
through the hub (websocket) or in the HTTP response. Nothing here talks to Rasa.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import weakref
from aiohttp import WSMsgType, web

from bot.conversations import Conversations
from bot.http import (
    CONFIG,
    CONVERSATIONS,
    INVALID_TEXT,
    LANGUAGE,
    UNKNOWN_TENANT_TEXT,
    WEB,
    Refused,
    check_origin,
    dumps,
    find_conversation,
    json_response,
    read_json,
)
from bot.limits import (
    OpenLimit,
    RateLimiter,
    clean_user_text,
    reading_too_fast,
    too_fast,
    too_many_sockets,
)
from bot.schemas import validate
from bot.security import client_key
from bot.store import Conversation
from bot.timing import Timings
from locales import languages, supported

log = logging.getLogger(__name__)

LIMITERS = web.AppKey("web_limiters", dict)
OPEN_SOCKETS = web.AppKey("web_open_sockets", dict)  # OpenLimit per conversation, per client
SOCKETS = web.AppKey("web_sockets", weakref.WeakSet)
WORKERS = web.AppKey("web_workers", set)  # per socket: hands its messages to the core
AFTER_PATTERN = re.compile(r"^[0-9]{1,18}$")  # a message id (found by fuzzing)


def _limit(request: web.Request, name: str, key: str, refusal=too_fast) -> None:
    retry_after = request.config_dict[LIMITERS][name].hit(key)
    if retry_after is not None:
        raise refusal(retry_after)


def _limit_reads(request: web.Request, conversation: Conversation) -> None:
    """GET .../messages and opening a websocket read the conversation's history."""
    _limit(request, "reads_client", client_key(request), reading_too_fast)
    _limit(request, "reads_conversation", conversation.id, reading_too_fast)


async def tenant_info(request: web.Request) -> web.Response:
    tenant = request.config_dict[CONFIG].tenants.get(request.match_info["tenant"])
    if tenant is None:
        raise Refused(404, "unknown_tenant", UNKNOWN_TENANT_TEXT, f"unknown tenant {request.match_info['tenant']!r}")
    return json_response(tenant.public())


async def start_conversation(request: web.Request) -> web.Response:
    _limit(request, "new_conversations", client_key(request))
    body = validate("NewConversation", await read_json(request))
    # A hint: the page's data-lang or the browser's language ("en-GB"); unsupported: Dutch.
    hint = supported(body.get("language"))
    if hint:
        request[LANGUAGE] = hint
    tenant = request.config_dict[CONFIG].tenants.get(body["tenant"])
    if tenant is None:
        known = ", ".join(sorted(request.config_dict[CONFIG].tenants))
        raise Refused(
            404, "unknown_tenant", UNKNOWN_TENANT_TEXT, f"unknown tenant {body['tenant']!r}; known tenants: {known}"
        )
    check_origin(request, tenant)
    conversations = request.config_dict[CONVERSATIONS]
    conversation = await conversations.start(tenant, WEB, language=hint)
    history = await conversations.store.messages(conversation.id)
    return json_response(
        {
            "conversation_id": conversation.id,
            "tenant": tenant.name,
            "mode": conversation.mode,
            "language": conversation.language,
            "messages": [m.to_api() for m in history],
        },
        status=201,
    )


def _accept(request: web.Request, conversation: Conversation, body: dict) -> str:
    """Limits shared by the HTTP API and the websocket; returns the cleaned text."""
    _limit(request, "client", client_key(request))
    _limit(request, "conversation", conversation.id)
    return clean_user_text(body["text"], request.config_dict[CONFIG].max_message_chars)


async def post_message(request: web.Request) -> web.Response:
    timings = Timings()  # Server-Timing: how much of the turn was the gateway itself
    conversation = await find_conversation(request)
    body = validate("NewMessage", await read_json(request))
    text = _accept(request, conversation, body)
    # Shielded: if the client hangs up, the bot's answer is still stored for the history.
    replies = await asyncio.shield(request.config_dict[CONVERSATIONS].receive(conversation, text, body.get("payload")))
    current = await request.config_dict[CONVERSATIONS].store.get_conversation(conversation.id)
    response = json_response(
        {"messages": [m.to_api() for m in replies], "mode": current.mode, "language": current.language}
    )
    stages = timings.stages()
    request.config_dict[CONVERSATIONS].metrics.observe_stages(stages)
    response.headers["Server-Timing"] = timings.header(stages)
    return response


async def get_messages(request: web.Request) -> web.Response:
    conversation = await find_conversation(request)
    _limit_reads(request, conversation)
    after = request.query.get("after", "0")
    if not AFTER_PATTERN.match(after):  # "²" is a digit to isdigit(); 10**30 overflows SQLite
        raise Refused(422, "invalid_request", INVALID_TEXT, "after must be a whole number >= 0")
    history = await request.config_dict[CONVERSATIONS].store.messages(conversation.id, int(after))
    return json_response(
        {
            "conversation_id": conversation.id,
            "tenant": conversation.tenant,
            "mode": conversation.mode,
            "language": conversation.language,
            "messages": [m.to_api() for m in history],
        }
    )


async def put_language(request: web.Request) -> web.Response:
    """The user picked a language (the widget's NL | EN): the conversation speaks it from now
    on (bot/language.py may change it again only when the user clearly writes in another)."""
    conversation = await find_conversation(request)
    body = validate("LanguageChoice", await read_json(request))
    language = body["language"]
    if language not in languages():  # the schema's enum and locales/ disagree
        raise Refused(
            422,
            "invalid_request",
            INVALID_TEXT,
            f"language {body['language']!r} is not spoken here; supported: {', '.join(languages())}",
        )
    _limit(request, "conversation", conversation.id)
    # Not under the conversation's lock: the switch shows at once, even while an answer is on
    # its way (that answer is in the language its question was asked in).
    await request.config_dict[CONVERSATIONS].set_language(conversation, language)
    request[LANGUAGE] = language
    return json_response({"conversation_id": conversation.id, "language": language})


async def _forward(queue: asyncio.Queue, ws: web.WebSocketResponse, request: web.Request) -> None:
    while True:
        event = await queue.get()
        if event.get("type") == "language":  # error frames follow the conversation's language
            request[LANGUAGE] = event.get("language")
        await ws.send_str(dumps(event))


async def _error_frame(ws: web.WebSocketResponse, refusal: Refused, language=None) -> None:
    frame = {
        "type": "error",
        "error": refusal.code,
        "message": refusal.message_in(language),
        "detail": refusal.detail,
    }
    if refusal.retry_after:
        frame["retry_after"] = refusal.retry_after
    await ws.send_str(dumps(frame))


async def _work(inbox: asyncio.Queue, conversations: Conversations, conversation: Conversation):
    """Hands a socket's messages to the core one by one, in order. Runs on after the socket
    closes, so an answer that is on its way still lands in the history."""
    while True:
        item = await inbox.get()
        if item is None:
            return
        text, payload = item
        try:
            await conversations.receive(conversation, text, payload)
        except Exception:  # one failed message must not end the conversation
            log.exception("handling a websocket message failed")


async def websocket(request: web.Request) -> web.WebSocketResponse:
    conversation = await find_conversation(request)  # 404/403/429 before the upgrade
    _limit_reads(request, conversation)
    client = client_key(request)
    sockets = request.config_dict[OPEN_SOCKETS]
    if not sockets["conversation"].open(conversation.id):
        raise too_many_sockets(per_conversation=True)
    if not sockets["client"].open(client):
        sockets["conversation"].close(conversation.id)
        raise too_many_sockets(per_conversation=False)
    try:
        return await _serve_socket(request, conversation)
    finally:
        sockets["conversation"].close(conversation.id)
        sockets["client"].close(client)


async def _serve_socket(request: web.Request, conversation: Conversation) -> web.WebSocketResponse:
    after = request.query.get("after", "0")
    after_id = int(after) if AFTER_PATTERN.match(after) else 0
    app = request.config_dict  # the gateway's state, also from the /api/v1 sub-application
    conversations = app[CONVERSATIONS]
    ws = web.WebSocketResponse(heartbeat=25, max_msg_size=app[CONFIG].max_body_bytes)
    await ws.prepare(request)
    queue = conversations.hub.subscribe(conversation.id)  # before the history: nothing in between
    app[SOCKETS].add(ws)
    inbox: asyncio.Queue = asyncio.Queue()
    # The reading loop below stays free (pings, limits) while the bot thinks.
    worker = asyncio.create_task(_work(inbox, conversations, conversation))
    app[WORKERS].add(worker)
    worker.add_done_callback(app[WORKERS].discard)
    pump = None
    try:
        history = await conversations.store.messages(conversation.id, after_id)
        current = await conversations.store.get_conversation(conversation.id)
        await ws.send_str(
            dumps(
                {
                    "type": "history",
                    "conversation_id": conversation.id,
                    "mode": current.mode,
                    "language": current.language,
                    "messages": [m.to_api() for m in history],
                }
            )
        )
        request[LANGUAGE] = current.language
        pump = asyncio.create_task(_forward(queue, ws, request))
        async for frame in ws:
            if frame.type == WSMsgType.ERROR:  # e.g. over max_msg_size: aiohttp closes with 1009
                break
            try:
                if frame.type != WSMsgType.TEXT:
                    raise Refused(422, "invalid_request", INVALID_TEXT, "send JSON text frames")
                try:
                    data = json.loads(frame.data)
                except (ValueError, RecursionError) as error:  # RecursionError: [[[[...
                    raise Refused(400, "invalid_json", INVALID_TEXT, f"frame is not JSON: {error}") from error
                if isinstance(data, dict) and data.get("type") == "ping":
                    await ws.send_str(dumps({"type": "pong"}))
                    continue
                data = validate("ClientMessage", data)
                inbox.put_nowait((_accept(request, conversation, data), data.get("payload")))
            except Refused as refusal:
                await _error_frame(ws, refusal, request.get(LANGUAGE))
    finally:
        inbox.put_nowait(None)
        if pump is not None:
            pump.cancel()
        conversations.hub.unsubscribe(conversation.id, queue)
        app[SOCKETS].discard(ws)
    return ws


async def _close_sockets(app: web.Application) -> None:
    # "Going away": the widget reconnects (to this gateway after a restart, or another one).
    for ws in list(app[SOCKETS]):
        await ws.close(code=1001, message=b"gateway restarting")
    # Answers on their way are stored before Rasa's client and the database close, so a
    # restart loses nothing (the widget finds them in the history when it reconnects).
    if app[WORKERS]:
        await asyncio.wait(list(app[WORKERS]), timeout=app[CONFIG].rasa_timeout + 5)


def setup(app: web.Application, api: web.Application, conversations: Conversations) -> None:
    """The widget's channel: its state in the gateway `app`, its routes in `api` (/api/v1)."""
    config = app[CONFIG]
    app[CONVERSATIONS] = conversations
    app[SOCKETS] = weakref.WeakSet()
    conversations.metrics.count_sockets("widget", app[SOCKETS])
    app[WORKERS] = set()
    app[LIMITERS] = {
        "client": RateLimiter(config.rate_per_client),
        "conversation": RateLimiter(config.rate_per_conversation),
        "new_conversations": RateLimiter(config.rate_new_conversations),
        "reads_conversation": RateLimiter(config.rate_reads_per_conversation),
        "reads_client": RateLimiter(config.rate_reads_per_client),
    }
    app[OPEN_SOCKETS] = {
        "conversation": OpenLimit(config.max_sockets_per_conversation),
        "client": OpenLimit(config.max_sockets_per_client),
    }
    app.on_shutdown.append(_close_sockets)
    api.router.add_get("/v1/tenants/{tenant}", tenant_info)
    api.router.add_post("/v1/conversations", start_conversation)
    api.router.add_post("/v1/conversations/{conversation_id}/messages", post_message)
    api.router.add_get("/v1/conversations/{conversation_id}/messages", get_messages)
    api.router.add_get("/v1/conversations/{conversation_id}/ws", websocket)
    api.router.add_put("/v1/conversations/{conversation_id}/language", put_language)
