"""GET /metrics for Prometheus (bot/metrics.py): only with the token, and the figures are what
happened: turns per channel, the Server-Timing stages, bot failures, error responses, open
websockets and the handoff queue."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.handoff import FAST_SCRYPT_N, Desk, always_open

pytestmark = pytest.mark.asyncio

TOKEN = "scrape-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def samples(text: str) -> dict:
    """{(name, sorted label items): value} of a Prometheus text page."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def scrape(client) -> dict:
    response = await client.get("/metrics", headers=AUTH)
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"].startswith("text/plain")
    return samples(await response.text())


async def test_no_token_configured_means_no_metrics_page(client):
    assert (await client.get("/metrics")).status == 404
    assert (await client.get("/metrics", headers=AUTH)).status == 404


async def test_the_page_wants_the_token(make_config, make_client):
    client = await make_client(make_config(METRICS_TOKEN=TOKEN))
    assert (await client.get("/metrics")).status == 401
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer raden"})
    assert wrong.status == 401
    assert wrong.headers["WWW-Authenticate"] == "Bearer"
    assert (await client.get("/metrics", headers=AUTH)).status == 200


async def test_turns_stages_and_errors_are_counted(make_config, make_client, fake_rasa):
    client = await make_client(make_config(METRICS_TOKEN=TOKEN, RASA_URL=fake_rasa.url))
    started = await client.post("/api/v1/conversations", json={"tenant": "brabant"})
    cid = (await started.json())["conversation_id"]
    for text in ("hallo", "ik zoek een cursus"):
        answer = await client.post(f"/api/v1/conversations/{cid}/messages", json={"text": text})
        assert answer.status == 200
    assert (await client.post(f"/api/v1/conversations/{cid}/messages", json={"text": ""})).status == 422
    assert (await client.get("/api/v1/conversations/bestaat-niet/messages")).status == 404

    figures = await scrape(client)
    assert figures[("leerwijzer_turns_total", (("channel", "web"),))] == 2
    for stage in ("total", "rasa", "db", "gw"):
        assert figures[("leerwijzer_turn_stage_seconds_count", (("stage", stage),))] == 2
    assert figures[("leerwijzer_turn_stage_seconds_sum", (("stage", "total"),))] > 0
    assert figures[("leerwijzer_http_errors_total", (("status", "422"),))] == 1
    assert figures[("leerwijzer_http_errors_total", (("status", "404"),))] == 1
    assert figures[("leerwijzer_open_websockets", (("kind", "widget"),))] == 0


async def test_probes_are_not_counted_as_errors(make_config, make_client):
    client = await make_client(make_config(METRICS_TOKEN=TOKEN))  # Rasa down: /readyz answers 503
    assert (await client.get("/readyz")).status == 503
    assert (await client.get("/metrics")).status == 401
    figures = await scrape(client)
    assert not [key for key in figures if key[0] == "leerwijzer_http_errors_total"]


async def test_rasa_down_is_a_bot_failure(make_config, make_client):
    client = await make_client(make_config(METRICS_TOKEN=TOKEN))  # nothing listens on RASA_URL
    started = await client.post("/api/v1/conversations", json={"tenant": "brabant"})
    cid = (await started.json())["conversation_id"]
    await client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "hallo"})
    figures = await scrape(client)
    assert figures[("leerwijzer_bot_failures_total", (("kind", "rasa_unavailable"),))] == 1
    assert ("leerwijzer_turns_total", (("channel", "web"),)) not in figures


async def test_an_open_widget_socket_is_counted(make_config, make_client):
    client = await make_client(make_config(METRICS_TOKEN=TOKEN))
    started = await client.post("/api/v1/conversations", json={"tenant": "brabant"})
    cid = (await started.json())["conversation_id"]
    ws = await client.ws_connect(f"/api/v1/conversations/{cid}/ws")
    await ws.receive_json()  # the history: the socket is open
    assert (await scrape(client))[("leerwijzer_open_websockets", (("kind", "widget"),))] == 1
    await ws.close()


@pytest.mark.parametrize("waiting", [0, 2])
async def test_the_handoff_queue_per_tenant(make_config, make_client, tmp_path, waiting):
    client = await make_client(make_config(METRICS_TOKEN=TOKEN, GATEWAY_TENANTS_FILE=always_open(tmp_path)))
    desk = Desk(client)
    desk.handoffs.accounts.scrypt_n = FAST_SCRYPT_N
    await desk.advisor()  # an advisor online: the cases wait in the queue
    for _ in range(waiting):
        await desk.bot_hands_over(await desk.start("twente"))
    figures = await scrape(client)
    assert figures[("leerwijzer_handoff_waiting", (("tenant", "twente"),))] == waiting
    assert figures[("leerwijzer_handoff_waiting", (("tenant", "brabant"),))] == 0
