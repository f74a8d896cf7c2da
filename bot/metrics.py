"""Prometheus metrics of the gateway, at GET /metrics (prometheus-client's text format).

Not public: /metrics answers only a request with `Authorization: Bearer <METRICS_TOKEN>`; with
no token set it does not exist (404), so the embedded default exposes nothing. Prometheus sends
the token from a file (`authorization.credentials_file`; README "Metrics", deploy/k8s).

What is counted, and where (each part of the gateway is handed this object; nothing registers
itself on import):
- turns: every user message the bot answered, per channel (bot/conversations.py);
- turn seconds per stage: the Server-Timing parts of the message API (`total`, `rasa`, `db`,
  `gw`: bot/timing.py) as histograms;
- bot failures: Rasa unreachable or timed out, and turns Rasa answered with nothing (a failed
  custom action: the action server), per kind;
- HTTP errors: responses with status 4xx or 5xx, per status (not of the probes /healthz and
  /readyz, which answer 503 all through a start-up, nor of /metrics);
- open websockets (widget and advisor console), the handoff queue per tenant (read when
  scraped), WhatsApp messages that could not be sent.

Each gateway application has its own registry (tests run several in one process).
"""

from __future__ import annotations

import hmac
from typing import Awaitable, Callable, Dict, Iterable, List, Optional, Sized

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# Seconds: a turn is 50-200 ms when all is well, Rasa's timeout is 30 s.
STAGE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

Refresh = Callable[[], Awaitable[None]]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.turns = Counter("leerwijzer_turns", "User messages the bot answered.", ["channel"], registry=self.registry)
        self.stage_seconds = Histogram(
            "leerwijzer_turn_stage_seconds",
            "Time of a message-API turn per stage: total, rasa (waiting for Rasa and the actions),"
            " db (waiting for the database), gw (the gateway's own work).",
            ["stage"],
            buckets=STAGE_BUCKETS,
            registry=self.registry,
        )
        self.bot_failures = Counter(
            "leerwijzer_bot_failures",
            "Turns the bot could not answer: rasa_unavailable (no answer from Rasa in time) or"
            " no_answer (Rasa answered nothing: a custom action failed).",
            ["kind"],
            registry=self.registry,
        )
        self.http_errors = Counter(
            "leerwijzer_http_errors", "Responses with status 4xx or 5xx.", ["status"], registry=self.registry
        )
        self.whatsapp_send_failures = Counter(
            "leerwijzer_whatsapp_send_failures",
            "WhatsApp messages that could not be sent (after the Graph client's retries).",
            registry=self.registry,
        )
        self.open_websockets = Gauge("leerwijzer_open_websockets", "Open websockets.", ["kind"], registry=self.registry)
        self.handoff_waiting = Gauge(
            "leerwijzer_handoff_waiting", "Handoff cases waiting for an advisor.", ["tenant"], registry=self.registry
        )
        self._refreshers: List[Refresh] = []

    def count_sockets(self, kind: str, sockets: Sized) -> None:
        """The gauge for `kind` reads len(sockets) whenever it is scraped."""
        self.open_websockets.labels(kind).set_function(lambda: len(sockets))

    def refresh_on_scrape(self, refresh: Refresh) -> None:
        """`refresh` (async) runs before every scrape: for figures read from the database."""
        self._refreshers.append(refresh)

    def observe_stages(self, seconds: Dict[str, float]) -> None:
        for stage, value in seconds.items():
            self.stage_seconds.labels(stage).observe(value)

    def set_waiting(self, counts: Dict[str, int], tenants: Iterable[str]) -> None:
        for tenant in tenants:  # a tenant whose queue emptied goes back to 0
            self.handoff_waiting.labels(tenant).set(counts.get(tenant, 0))

    async def exposition(self) -> bytes:
        for refresh in self._refreshers:
            await refresh()
        return generate_latest(self.registry)


METRICS = web.AppKey("metrics", Metrics)


def setup(app: web.Application, metrics: Metrics, token: str) -> None:
    """GET /metrics (only with a token) and the count of error responses."""
    app[METRICS] = metrics
    app.middlewares.append(_count_errors)
    if token:
        app.router.add_get("/metrics", _metrics_handler(token))


def _metrics_handler(token: str):
    expected = f"Bearer {token}".encode()

    async def metrics_page(request: web.Request) -> web.Response:
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=401, text="401: Unauthorized", headers={"WWW-Authenticate": "Bearer"})
        body = await request.config_dict[METRICS].exposition()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return metrics_page


# Probes and the scrape itself are not traffic: /readyz answers 503 all through a start-up.
NOT_COUNTED = frozenset({"/healthz", "/readyz", "/metrics"})


@web.middleware
async def _count_errors(request: web.Request, handler) -> web.StreamResponse:
    metrics: Optional[Metrics] = None if request.path in NOT_COUNTED else request.config_dict.get(METRICS)
    try:
        response = await handler(request)
    except web.HTTPException as error:
        if metrics is not None and error.status >= 400:
            metrics.http_errors.labels(str(error.status)).inc()
        raise
    except Exception:
        if metrics is not None:
            metrics.http_errors.labels("500").inc()
        raise
    if metrics is not None and response.status >= 400:
        metrics.http_errors.labels(str(response.status)).inc()
    return response
