"""A stand-in for Rasa's REST channel (POST /webhooks/rest/webhook) on a real local port: it
records what the gateway sends and answers with scripted responses, so a test can see exactly
which text or payload reached the bot. The real bot is the `rasa_stack` fixture.

Like Rasa it answers GET / and GET /status?token=… (200 with a model loaded). With
`model_loaded = False` it is a Rasa still starting: /status answers 409 and the webhook ignores
messages (an empty list), as Rasa does without a model."""

from __future__ import annotations

from typing import Dict, List

from aiohttp import web
from aiohttp.test_utils import TestServer

PATH = "/webhooks/rest/webhook"


class FakeRasa:
    def __init__(self) -> None:
        self.received: List[dict] = []  # the request bodies, in order
        self.answers: Dict[str, List[dict]] = {}  # message -> responses; else "Je zei: …"
        self.model_loaded = True
        self.token = "fake-rasa-token"  # give the gateway RASA_TOKEN=fake.token to use /status
        app = web.Application()
        app.router.add_post(PATH, self._webhook)
        app.router.add_get("/", self._hello)
        app.router.add_get("/status", self._status)
        self.server = TestServer(app)

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    @property
    def messages(self) -> List[str]:
        """What the bot got, in order (button payloads or texts)."""
        return [body["message"] for body in self.received]

    async def _hello(self, _request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: 3.6 (fake)")

    async def _status(self, request: web.Request) -> web.Response:
        if request.query.get("token") != self.token:
            return web.json_response({"status": "failure", "code": 401}, status=401)
        if not self.model_loaded:
            return web.json_response({"status": "failure", "code": 409}, status=409)
        return web.json_response({"model_file": "fake.tar.gz", "model_id": "fake"})

    async def _webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        if not self.model_loaded:  # Rasa: "Ignoring message as there is no agent to handle it."
            return web.json_response([])
        self.received.append(body)
        answer = self.answers.get(body["message"], [{"text": f"Je zei: {body['message']}"}])
        return web.json_response(answer)

    async def start(self) -> None:
        await self.server.start_server()

    async def close(self) -> None:
        await self.server.close()
