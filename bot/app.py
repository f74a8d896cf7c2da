"""The gateway application: `create_app(config)` wires store, Rasa client, channels and pages.

Run it with `python -m bot` (GATEWAY_PORT, default 8000; see bot/config.py for the rest).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Optional

import aiohttp
from aiohttp import web

from bot import feedback, insights, language, usage
from bot import metrics as gateway_metrics
from bot import site
from bot.channels import web as web_channel
from bot.channels.whatsapp import channel as whatsapp_channel
from bot.config import GatewayConfig
from bot.conversations import Conversations
from bot.handoff import routes as handoff
from bot.http import CONFIG
from bot.hub import Hub
from bot.privacy import gateway as privacy
from bot.rasa_client import RasaClient
from bot.redis_hub import RedisHub
from bot.security import api_errors, api_headers, cors, security_headers
from bot.store import Store

log = logging.getLogger("bot")

STORE = web.AppKey("store", Store)
RASA = web.AppKey("rasa", RasaClient)


def create_app(config: Optional[GatewayConfig] = None) -> web.Application:
    config = config or GatewayConfig.from_env()
    # The gateway: pages, health, the WhatsApp webhook, and the state every part shares.
    app = web.Application(client_max_size=config.max_body_bytes)
    # Two JSON APIs as sub-applications with their own middlewares: JSON errors (and CORS for
    # the widget's), no caching. Handlers read the shared state through request.config_dict.
    api = web.Application(middlewares=[cors, api_errors])  # the widget's: /api (routes /api/v1/…)
    advisor_api = web.Application(middlewares=[api_errors])  # the advisor console's: /advisor/api
    for sub in (api, advisor_api):
        sub.on_response_prepare.append(api_headers)
    app[CONFIG] = config
    store = Store(config.database_url)
    rasa = RasaClient(config.rasa_url, config.rasa_timeout, config.rasa_token)
    app[STORE] = store
    app[RASA] = rasa

    async def database(_app):
        await store.open()
        yield
        await store.close()

    async def detector(_app):
        # lingua's models and the neutral words, read once before the first message (2 s)
        await asyncio.to_thread(language.warm_up)
        yield

    async def rasa_session(_app):
        rasa.session = aiohttp.ClientSession()
        yield
        await rasa.session.close()

    # Several gateways share live events through Redis; one gateway keeps them in-process.
    hub = RedisHub(config.hub_redis_url, config.hub_channel_prefix) if config.hub_redis_url else Hub()
    metrics = gateway_metrics.Metrics()
    conversations = Conversations(store, hub, rasa, config.tenants, config.rasa_startup_seconds, metrics)
    app.cleanup_ctx.extend([database, detector, rasa_session, hub.lifecycle, conversations.lifecycle])
    app.on_response_prepare.append(security_headers)
    usage.setup(app, conversations, store)  # what each turn meant (the actions' "insight" requests)
    insights.setup(app, store, rasa, config.tenants)  # figures for operators (GET /advisor/api/insights)
    ratings = feedback.setup(app, api, store)  # thumbs on answers (widget, WhatsApp reactions)
    web_channel.setup(app, api, conversations)
    whatsapp_channel.setup(app, conversations, ratings)  # stays off without WHATSAPP_* settings
    handoff.setup(app, api, advisor_api, conversations, ratings)  # queue, callbacks, advisor console
    privacy.setup(app, api, conversations)  # masked logs, forget me, retention
    site.setup(app)
    gateway_metrics.setup(app, metrics, config.metrics_token)  # GET /metrics, error counts
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.add_subapp("/api", api)
    app.add_subapp("/advisor/api", advisor_api)
    return app


async def database_answers(request: web.Request) -> bool:
    try:
        return await request.config_dict[STORE].ping()
    except Exception as error:  # the health check reports, it does not crash
        log.warning("database check failed: %s", error)
        return False


async def healthz(request: web.Request) -> web.Response:
    database = await database_answers(request)
    return web.json_response(
        {"status": "ok" if database else "degraded", "database": database}, status=200 if database else 503
    )


async def readyz(request: web.Request) -> web.Response:
    """Ready for users: the database answers and Rasa has loaded its model (since this gateway
    started; after that a Rasa outage gets the users a Dutch "storing", not a closed door)."""
    database = await database_answers(request)
    rasa = await request.config_dict[RASA].check_ready()
    ready = database and rasa
    return web.json_response(
        {"status": "ready" if ready else "not ready", "database": database, "rasa": rasa}, status=200 if ready else 503
    )


def main() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    config = GatewayConfig.from_env()

    def announce(_message: str) -> None:
        print(f"Leerwijzer gateway: http://localhost:{config.port}/ (Rasa at {config.rasa_url})", flush=True)

    web.run_app(
        create_app(config), host=config.host, port=config.port, print=announce, shutdown_timeout=config.rasa_timeout + 5
    )  # answers on their way are stored
