"""The advisor console and its API (served by the gateway), and the widget's typing signal.

  GET  /advisor/                              the console (login, queue, case view)
  POST /advisor/api/login {"email","password"}  -> {"token","expires_at","advisor"} + cookie
  POST /advisor/api/logout
  GET  /advisor/api/me
  POST /advisor/api/heartbeat                 "I am online" (the console's websocket does it too)
  GET  /advisor/api/handoffs?status=waiting|active|callback|closed
  GET  /advisor/api/handoffs/{id}             case, transcript, profile, shown modules, notes
  POST /advisor/api/handoffs/{id}/claim
  POST /advisor/api/handoffs/{id}/messages {"text"}
  POST /advisor/api/handoffs/{id}/notes {"text"}
  POST /advisor/api/handoffs/{id}/close {"note"?}
  GET  /advisor/api/ws                        live events (queue changes, the watched case)
  GET  /advisor/api/catalogue/sources         catalogue feeds: last sync, counts, last errors
                                              (read-only; operators only, else 403)
  POST /api/v1/conversations/{id}/typing {"on"}  the widget: the user is typing

Errors are JSON like the rest of the API: {"error", "detail" (English), "message" (Dutch)}.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from datetime import datetime
from pathlib import Path
from typing import Dict, List, Optional

from aiohttp import WSMsgType, web
from jsonschema import Draft202012Validator

from bot.settings import Rate
from bot.conversations import Conversations
from bot.feedback import FeedbackStore
from bot import insights
from bot.usage import USAGE
from bot.handoff import dialogue
from bot.handoff.dialogue import RATE_PAYLOAD
from bot.handoff.accounts import Advisor
from bot.handoff.auth import (
    Caller,
    authenticate,
    clear_login_cookie,
    same_origin,
    set_login_cookie,
)
from bot.handoff.callback import shown_contact
from bot.handoff.cases import Case
from bot.handoff.machine import Handoffs, console_key
from bot.http import CONFIG, INVALID_TEXT, Refused, dumps, find_conversation, iso, read_json
from bot.limits import FailureBackoff, RateLimiter, clean_user_text, dutch_wait, too_fast
from bot.security import client_key, error_response
from bot.site import Asset

log = logging.getLogger(__name__)

HANDOFFS = web.AppKey("handoffs", Handoffs)
SOCKETS = web.AppKey("advisor_sockets", weakref.WeakSet)
LIMITERS = web.AppKey("advisor_limiters", dict)

STATIC = Path(__file__).resolve().parent.parent / "static" / "advisor"
ASSETS = {
    "/advisor/": Asset(STATIC / "index.html", "text/html"),
    "/advisor/insights": Asset(STATIC / "index.html", "text/html"),  # the console, insights open
    "/advisor/console.js": Asset(STATIC / "console.js", "text/javascript"),
    "/advisor/console.css": Asset(STATIC / "console.css", "text/css"),
}
CONSOLE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
LISTS = ("waiting", "active", "callback", "closed")
ADVISOR_MAX_CHARS = 4000

NOT_FOUND = "Dit gesprek bestaat niet (meer)."
OPERATORS_ONLY = "Alleen een beheerder (operator) kan de catalogusbronnen zien."
OPERATORS_ONLY_INSIGHTS = "Alleen een beheerder (operator) van deze regio kan de inzichten zien."
OTHER_TENANT = "Dit gesprek hoort bij een regio waar je geen toegang toe hebt."

SCHEMAS = {
    name: Draft202012Validator({"type": "object", "additionalProperties": False, **schema})
    for name, schema in {
        "login": {
            "required": ["email", "password"],
            "properties": {
                "email": {"type": "string", "maxLength": 254},
                "password": {"type": "string", "maxLength": 200},
            },
        },
        "text": {"required": ["text"], "properties": {"text": {"type": "string", "maxLength": 4 * ADVISOR_MAX_CHARS}}},
        "close": {"properties": {"note": {"type": "string", "maxLength": 4 * ADVISOR_MAX_CHARS}}},
        "typing": {"required": ["on"], "properties": {"on": {"type": "boolean"}}},
        "label_misses": {
            "required": ["ids", "intent"],
            "properties": {
                "tenant": {"type": "string", "maxLength": 32},
                "ids": {"type": "array", "minItems": 1, "maxItems": 500, "items": {"type": "integer"}},
                "intent": {"type": ["string", "null"], "maxLength": 64},
            },
        },
    }.items()
}


def validated(name: str, data) -> dict:
    problems = [
        {"field": "/".join(map(str, e.absolute_path)) or "(body)", "problem": e.message}
        for e in SCHEMAS[name].iter_errors(data)
    ]
    if problems:
        raise Refused(
            422,
            "invalid_request",
            INVALID_TEXT,
            "; ".join(f"{p['field']}: {p['problem']}" for p in problems),
            problems=problems,
        )
    return data


def _json(data, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=dumps)


async def _body(request: web.Request, schema: str) -> dict:
    if not request.body_exists and schema == "close":
        return {}
    return validated(schema, await read_json(request))


async def _caller(request: web.Request) -> Caller:
    return await authenticate(request, request.config_dict[HANDOFFS].accounts)


async def _case(request: web.Request, caller: Caller) -> Case:
    raw = request.match_info["handoff_id"]
    case = await request.config_dict[HANDOFFS].cases.get(int(raw)) if raw.isdigit() and len(raw) < 12 else None
    if case is None:
        raise Refused(404, "handoff_not_found", NOT_FOUND, f"no handoff {raw!r}")
    if not caller.advisor.sees(case.tenant):
        raise Refused(
            403, "other_tenant", OTHER_TENANT, f"handoff {case.id} belongs to a tenant this advisor does not serve"
        )
    return case


def summary(request: web.Request, case: Case, now: datetime) -> dict:
    tenant = request.config_dict[CONFIG].tenants.get(case.tenant)
    until = case.claimed_at or case.closed_at or now
    data = {
        "id": case.id,
        "tenant": case.tenant,
        "tenant_name": tenant.display_name if tenant else case.tenant,
        "channel": case.channel,
        "language": case.language,  # the user's language: the advisor answers in it
        "status": case.status,
        "outcome": case.outcome,
        "reason": case.reason,
        "reason_text": dialogue.reason_text(case.reason),
        "created_at": iso(case.created_at),
        "claimed_at": iso(case.claimed_at),
        "closed_at": iso(case.closed_at),
        "waiting_seconds": max(0, int((until - case.created_at).total_seconds())),
        "advisor": case.advisor_name,
    }
    if case.callback_contact:
        data["callback"] = {
            "name": case.callback_name,
            "kind": case.callback_kind,
            "contact": shown_contact(case.callback_contact, case.callback_kind),
        }
    return data


def shown_modules(case: Case, messages) -> List[dict]:
    """The modules the bot had shown, with title and provider from the cards it sent."""
    cards: Dict[str, dict] = {}
    for message in messages:
        for card in message.cards:
            if card.get("module_id"):
                cards[card["module_id"]] = card
    return [
        {
            "module_id": m,
            "title": cards.get(m, {}).get("title"),
            "provider": cards.get(m, {}).get("provider"),
            "url": cards.get(m, {}).get("url"),
        }
        for m in case.shown_modules
    ]


async def detail(request: web.Request, case: Case, advisor: Advisor) -> dict:
    handoffs = request.config_dict[HANDOFFS]
    store = handoffs.conversations.store
    messages = await store.messages(case.conversation_id)
    conversation = await store.get_conversation(case.conversation_id)
    notes = await handoffs.cases.notes(case.id)
    return {
        **summary(request, case, handoffs.clock()),
        "mode": conversation.mode if conversation else None,
        "mine": case.advisor_id == advisor.id,
        "profile": case.profile,
        "shown_modules": shown_modules(case, messages),
        "handed_over_after": case.handed_over_after,
        "messages": [m.to_api() for m in messages],
        "notes": [
            {"id": n.id, "advisor": n.advisor_name, "text": n.text, "created_at": iso(n.created_at)} for n in notes
        ],
    }


# -- login ------------------------------------------------------------------------------------


async def login(request: web.Request) -> web.Response:
    same_origin(request)
    failures = request.config_dict[LIMITERS]["login"]
    body = validated("login", await read_json(request))
    client = client_key(request)  # an IPv6 client by its /64
    # Failures count per client: guesses from elsewhere never lock the advisor out.
    keys = ("client:" + client, f"email:{body['email'].strip().lower()} client:{client}")
    retry_after = max((failures.wait(key) or 0) for key in keys)
    if retry_after:
        raise Refused(
            429,
            "too_many_logins",
            f"Te vaak een verkeerd wachtwoord. Wacht {dutch_wait(retry_after)} en probeer het dan opnieuw.",
            f"too many failed logins from this client; retry after {retry_after} s",
            retry_after=retry_after,
        )
    for key in keys:
        failures.failed(key)
    handoffs = request.config_dict[HANDOFFS]
    advisor = await handoffs.accounts.check(body["email"], body["password"])
    if advisor is None:
        log.info("advisor login refused from %s", client)
        raise Refused(
            401, "wrong_login", "Het e-mailadres of het wachtwoord klopt niet.", "unknown e-mail or wrong password"
        )
    for key in keys:
        failures.forgive(key)
    session = await handoffs.accounts.start_session(advisor)
    response = _json({"token": session.token, "expires_at": iso(session.expires_at), "advisor": advisor.to_api()})
    set_login_cookie(response, request, session.token, session.expires_at, handoffs.settings.cookie_secure)
    return response


async def logout(request: web.Request) -> web.Response:
    caller = await _caller(request)
    await request.config_dict[HANDOFFS].accounts.end_session(caller.token)
    response = web.Response(status=204)
    clear_login_cookie(response)
    return response


async def me(request: web.Request) -> web.Response:
    caller = await _caller(request)
    handoffs = request.config_dict[HANDOFFS]
    tenants = request.config_dict[CONFIG].tenants
    now = handoffs.clock()
    return _json(
        {
            "advisor": caller.advisor.to_api(),
            "tenants": [
                {
                    "tenant": t,
                    "name": tenants[t].display_name,
                    "open": tenants[t].office_hours.is_open(now),
                    "office_hours": tenants[t].office_hours.text,
                }
                for t in caller.advisor.tenants
                if t in tenants
            ],
        }
    )


def _catalogue_sources(database_url: str) -> List[dict]:
    """The knowledge catalogue lives in the same database as the gateway (DATABASE_URL)."""
    from knowledge.db import engine_for
    from knowledge.feeds import sources

    with engine_for(database_url).connect() as conn:
        return sources(conn)


async def catalogue_sources(request: web.Request) -> web.Response:
    caller = await _caller(request)
    if not caller.advisor.is_operator:
        raise Refused(403, "operators_only", OPERATORS_ONLY, "needs an account with the operator role")
    rows = await asyncio.get_running_loop().run_in_executor(
        None, _catalogue_sources, request.config_dict[CONFIG].database_url
    )
    return _json({"sources": rows})


async def get_insights(request: web.Request) -> web.Response:
    """GET /advisor/api/insights?tenant=&period=day|week|month[&end=YYYY-MM-DD][&format=csv]:
    a tenant's figures (bot/insights.py), for operators of that tenant."""
    tenant = await _operator_tenant(request, request.query.get("tenant"))
    name = request.query.get("period", "week")
    store = request.config_dict[insights.INSIGHTS]
    period = insights.period_of(name, request.query.get("end"), zone=store.zone(tenant))
    data = await insights.report(store, tenant, period, name)
    if request.query.get("format") == "csv":
        return insights.as_csv(data, request.query.get("table"))
    return _json(data)


async def _operator_tenant(request: web.Request, tenant: Optional[str]) -> str:
    """The tenant an operator asks about (their first when none is named); others refused."""
    caller = await _caller(request)
    if not caller.advisor.is_operator:
        raise Refused(403, "operators_only", OPERATORS_ONLY_INSIGHTS, "needs an account with the operator role")
    tenant = tenant or caller.advisor.tenants[0]
    if not isinstance(tenant, str) or not caller.advisor.sees(tenant):
        raise Refused(403, "other_tenant", OTHER_TENANT, "tenant not served by this account")
    return tenant


async def label_misses(request: web.Request) -> web.Response:
    """POST /advisor/api/insights/misses {"tenant", "ids": [...], "intent": name | null}: an
    operator's choice of the right intent for not-understood messages (bot/usage.py)."""
    body = await _body(request, "label_misses")
    tenant = await _operator_tenant(request, body.get("tenant"))
    ids, intent = body["ids"], body["intent"]
    store = request.config_dict[insights.INSIGHTS]
    if intent is not None and intent not in await store.intents(tenant):
        raise Refused(422, "unknown_intent", INVALID_TEXT, "intent must be one of the insights' `intents`")
    labelled = await request.config_dict[USAGE].label(tenant, ids, intent)
    return _json({"labelled": labelled, "intent": intent})


async def get_nlu(request: web.Request) -> web.Response:
    """GET /advisor/api/insights/nlu?tenant=: the labelled misses as Rasa NLU training data."""
    tenant = await _operator_tenant(request, request.query.get("tenant"))
    text = await request.config_dict[insights.INSIGHTS].nlu(tenant)
    return web.Response(
        text=text,
        content_type="application/x-yaml",
        headers={"Content-Disposition": f'attachment; filename="leerwijzer-{tenant}-nlu.yml"'},
    )


async def heartbeat(request: web.Request) -> web.Response:
    caller = await _caller(request)
    await request.config_dict[HANDOFFS].accounts.heartbeat(caller.token)
    return web.Response(status=204)


# -- cases ------------------------------------------------------------------------------------


async def list_handoffs(request: web.Request) -> web.Response:
    caller = await _caller(request)
    status = request.query.get("status", "waiting")
    if status not in LISTS:
        raise Refused(422, "invalid_request", INVALID_TEXT, f"status must be one of {', '.join(LISTS)}")
    tenants = caller.advisor.tenants
    if "tenant" in request.query:
        if not caller.advisor.sees(request.query["tenant"]):
            raise Refused(403, "other_tenant", OTHER_TENANT, "tenant not served by this advisor")
        tenants = (request.query["tenant"],)
    handoffs = request.config_dict[HANDOFFS]
    now = handoffs.clock()
    cases = await handoffs.cases.listing(tenants, status)
    listed, positions = [], {}
    for case in cases:
        item = summary(request, case, now)
        if status == "waiting":  # the queue is per tenant
            positions[case.tenant] = item["position"] = positions.get(case.tenant, 0) + 1
        listed.append(item)
    return _json({"status": status, "handoffs": listed})


async def get_handoff(request: web.Request) -> web.Response:
    caller = await _caller(request)
    case = await _case(request, caller)
    return _json(await detail(request, case, caller.advisor))


async def claim(request: web.Request) -> web.Response:
    caller = await _caller(request)
    case = await _case(request, caller)
    handoffs = request.config_dict[HANDOFFS]
    claimed = await handoffs.claim(case, caller.advisor) if case.status == "waiting" else None
    if claimed is None:
        now = await handoffs.cases.get(case.id)
        if now.status == "active":
            raise Refused(
                409,
                "already_claimed",
                f"{now.advisor_name or 'Een andere adviseur'} heeft dit gesprek al overgenomen.",
                f"handoff {case.id} was claimed by another advisor",
            )
        raise Refused(
            409, "not_waiting", "Dit gesprek wacht niet (meer) op een adviseur.", f"handoff {case.id} is {now.status}"
        )
    return _json(await detail(request, claimed, caller.advisor))


def _own_active(case: Case, advisor: Advisor) -> None:
    if case.status != "active":
        raise Refused(
            409, "not_active", "Neem het gesprek eerst over.", f"handoff {case.id} is {case.status}, not active"
        )
    if case.advisor_id != advisor.id:
        raise Refused(
            409,
            "claimed_by_other",
            f"{case.advisor_name or 'Een andere adviseur'} heeft dit gesprek.",
            f"handoff {case.id} belongs to another advisor",
        )


async def post_message(request: web.Request) -> web.Response:
    caller = await _caller(request)
    case = await _case(request, caller)
    body = await _body(request, "text")
    _own_active(case, caller.advisor)
    text = clean_user_text(body["text"], ADVISOR_MAX_CHARS)
    message = await request.config_dict[HANDOFFS].reply(case, caller.advisor, text)
    return _json({"message": message.to_api()}, status=201)


async def post_note(request: web.Request) -> web.Response:
    caller = await _caller(request)
    case = await _case(request, caller)
    body = await _body(request, "text")
    text = clean_user_text(body["text"], ADVISOR_MAX_CHARS)
    note = await request.config_dict[HANDOFFS].add_note(case, caller.advisor, text)
    return _json(
        {"note": {"id": note.id, "advisor": note.advisor_name, "text": note.text, "created_at": iso(note.created_at)}},
        status=201,
    )


async def close(request: web.Request) -> web.Response:
    caller = await _caller(request)
    case = await _case(request, caller)
    body = await _body(request, "close")
    note = (body.get("note") or "").strip()
    if note:
        note = clean_user_text(note, ADVISOR_MAX_CHARS)
    if case.status == "active":
        _own_active(case, caller.advisor)
    elif case.status not in ("waiting", "callback"):
        raise Refused(
            409,
            "not_open",
            "Dit gesprek is al afgesloten of niet bij een adviseur.",
            f"handoff {case.id} is {case.status}",
        )
    closed = await request.config_dict[HANDOFFS].close(case, caller.advisor, note)
    if closed is None:
        raise Refused(
            409,
            "not_open",
            "Dit gesprek is intussen veranderd. Ververs de lijst.",
            f"handoff {case.id} changed while closing",
        )
    return _json(await detail(request, closed, caller.advisor))


# -- the console's websocket ------------------------------------------------------------------


async def console_socket(request: web.Request) -> web.StreamResponse:
    handoffs = request.config_dict[HANDOFFS]
    try:
        caller = await _caller(request)
        same_origin(request)
    except Refused as refusal:
        return error_response(refusal)
    ws = web.WebSocketResponse(heartbeat=25, max_msg_size=16 * 1024)
    await ws.prepare(request)
    request.config_dict[SOCKETS].add(ws)
    outbox: asyncio.Queue = asyncio.Queue()
    subscriptions = []  # (hub key, queue, pump task)
    watched: Dict[str, object] = {}

    def follow(key: str, handoff_id: Optional[int] = None):
        queue = handoffs.hub.subscribe(key)

        async def pump():
            while True:
                event = await queue.get()
                if handoff_id is not None:
                    event = {**event, "handoff_id": handoff_id}
                await outbox.put(event)

        entry = (key, queue, asyncio.create_task(pump()))
        subscriptions.append(entry)
        return entry

    def unfollow(entry) -> None:
        key, queue, task = entry
        task.cancel()
        handoffs.hub.unsubscribe(key, queue)
        subscriptions.remove(entry)

    async def send_all():
        while True:
            await ws.send_str(dumps(await outbox.get()))

    closing = asyncio.Event()

    async def presence():  # online while the console is connected, until the login ends
        beat = max(1.0, min(20.0, handoffs.settings.online_seconds / 3))
        while True:
            try:
                await asyncio.wait_for(closing.wait(), beat)
                return
            except asyncio.TimeoutError:
                pass
            if await handoffs.accounts.session(caller.token) is None:
                await ws.close(code=4001, message=b"logged out")
                return
            await handoffs.accounts.heartbeat(caller.token)

    async def go_offline():
        # Presence is stopped, not cancelled: a cancelled heartbeat's database thread runs on
        # and could mark the advisor online again after the "offline" below.
        closing.set()
        await asyncio.wait([beating], timeout=10)
        try:
            await handoffs.accounts.heartbeat(caller.token, online=False)
        except Exception:  # the database may be closing with the gateway
            log.warning("could not mark an advisor console offline")

    for tenant in caller.advisor.tenants:
        follow(console_key(tenant))
    await handoffs.accounts.heartbeat(caller.token)
    sender, beating = asyncio.create_task(send_all()), asyncio.create_task(presence())
    await outbox.put({"type": "hello", "advisor": caller.advisor.to_api()})
    try:
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                continue
            try:
                data = json.loads(frame.data)
            except ValueError:
                data = None
            kind = data.get("type") if isinstance(data, dict) else None
            if kind == "ping":
                await outbox.put({"type": "pong"})
            elif kind == "watch" and isinstance(data.get("handoff_id"), int):
                if watched.get("entry"):
                    unfollow(watched.pop("entry"))
                case = await handoffs.cases.get(data["handoff_id"])
                if case is None or not caller.advisor.sees(case.tenant):
                    await outbox.put({"type": "error", "error": "handoff_not_found", "message": NOT_FOUND})
                    continue
                watched.update(
                    entry=follow(case.conversation_id, case.id), case_id=case.id, conversation_id=case.conversation_id
                )
                await outbox.put({"type": "watching", "handoff_id": case.id})
            elif kind == "typing" and watched.get("entry"):
                case = await handoffs.cases.get(watched["case_id"])
                if case and case.status == "active" and case.advisor_id == caller.advisor.id:
                    await handoffs.hub.publish(
                        case.conversation_id, {"type": "typing", "sender": "advisor", "on": bool(data.get("on"))}
                    )
            else:
                await outbox.put({"type": "error", "error": "invalid_request", "message": INVALID_TEXT})
    finally:
        sender.cancel()
        for entry in list(subscriptions):
            unfollow(entry)
        request.config_dict[SOCKETS].discard(ws)
        # Shielded: aiohttp cancels this handler when the client goes away, and the advisor
        # must still be marked offline.
        await asyncio.shield(go_offline())
    return ws


async def _close_sockets(app: web.Application) -> None:
    for ws in list(app[SOCKETS]):
        await ws.close(code=1001, message=b"gateway restarting")


# -- the widget: "the user is typing" for the advisor -------------------------------------------


async def user_typing(request: web.Request) -> web.Response:
    conversation = await find_conversation(request)
    body = validated("typing", await read_json(request))
    retry_after = request.config_dict[LIMITERS]["typing"].hit(conversation.id)
    if retry_after is not None:
        raise too_fast(retry_after)
    if conversation.mode != "bot":  # only an advisor cares
        await request.config_dict[HANDOFFS].hub.publish(
            conversation.id, {"type": "typing", "sender": "user", "on": body["on"]}
        )
    return web.Response(status=204)


# -- pages -----------------------------------------------------------------------------------


async def console_page(request: web.Request) -> web.Response:
    asset = ASSETS[request.path].fresh()
    headers = {"ETag": asset.etag, "Cache-Control": "no-cache"}
    if asset.content_type == "text/html":
        headers["Content-Security-Policy"] = CONSOLE_CSP
    if request.headers.get("If-None-Match") == asset.etag:
        return web.Response(status=304, headers=headers)
    return web.Response(body=asset.body, headers=headers, content_type=asset.content_type, charset="utf-8")


async def to_console(_request: web.Request) -> web.Response:
    raise web.HTTPMovedPermanently("/advisor/")


def setup(
    app: web.Application,
    api: web.Application,
    advisor_api: web.Application,
    conversations: Conversations,
    feedback: Optional[FeedbackStore] = None,
) -> Handoffs:
    """The handoff: its state and the console's pages in the gateway `app`, the console's JSON
    API in `advisor_api` (/advisor/api), the user's typing signal in `api` (/api/v1)."""
    config = app[CONFIG]
    handoffs = Handoffs(conversations, config.handoff, feedback=feedback)
    conversations.bot_request_handlers["handoff"] = handoffs.on_bot_request
    if feedback is not None:  # the 1-5 buttons after a conversation with an advisor
        conversations.payload_handlers[RATE_PAYLOAD] = handoffs.on_rating
    conversations.advisor_relay = handoffs.on_user_message
    app[HANDOFFS] = handoffs
    app[SOCKETS] = weakref.WeakSet()
    conversations.metrics.count_sockets("advisor", app[SOCKETS])

    async def queue_lengths() -> None:
        conversations.metrics.set_waiting(await handoffs.cases.waiting_per_tenant(), config.tenants)

    conversations.metrics.refresh_on_scrape(queue_lengths)
    app[LIMITERS] = {"login": FailureBackoff(config.handoff.login_rate), "typing": RateLimiter(Rate(120, 60))}
    app.cleanup_ctx.append(handoffs.lifecycle)
    app.on_shutdown.append(_close_sockets)
    app.router.add_get("/advisor", to_console)
    for path in ASSETS:
        app.router.add_get(path, console_page)
    advisor_api.router.add_post("/login", login)
    advisor_api.router.add_post("/logout", logout)
    advisor_api.router.add_get("/me", me)
    advisor_api.router.add_post("/heartbeat", heartbeat)
    advisor_api.router.add_get("/handoffs", list_handoffs)
    advisor_api.router.add_get("/handoffs/{handoff_id}", get_handoff)
    advisor_api.router.add_post("/handoffs/{handoff_id}/claim", claim)
    advisor_api.router.add_post("/handoffs/{handoff_id}/messages", post_message)
    advisor_api.router.add_post("/handoffs/{handoff_id}/notes", post_note)
    advisor_api.router.add_post("/handoffs/{handoff_id}/close", close)
    advisor_api.router.add_get("/ws", console_socket)
    advisor_api.router.add_get("/catalogue/sources", catalogue_sources)
    advisor_api.router.add_get("/insights", get_insights)
    advisor_api.router.add_post("/insights/misses", label_misses)
    advisor_api.router.add_get("/insights/nlu", get_nlu)
    api.router.add_post("/v1/conversations/{conversation_id}/typing", user_typing)
    return handoffs
