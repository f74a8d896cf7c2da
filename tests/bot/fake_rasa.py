"""A stand-in for Rasa's REST channel (POST /webhooks/rest/webhook) on a real local port: it
records what the gateway sends and answers with scripted responses, so a test can see exactly
which text or payload reached the bot. The real bot is the `rasa_stack` fixture."""
from __future__ import annotations

from typing import Dict, List

from aiohttp import web
from aiohttp.test_utils import TestServer

PATH = "/webhooks/rest/webhook"


class FakeRasa:
    def __init__(self) -> None:
        self.received: List[dict] = []  # the request bodies, in order
        self.answers: Dict[str, List[dict]] = {}  # message -> responses; else "Je zei: …"
        app = web.Application()
        app.router.add_post(PATH, self._webhook)
        self.server = TestServer(app)

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    @property
    def messages(self) -> List[str]:
        """What the bot got, in order (button payloads or texts)."""
        return [body["message"] for body in self.received]

    async def _webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        answer = self.answers.get(body["message"], [{"text": f"Je zei: {body['message']}"}])
        return web.json_response(answer)

    async def start(self) -> None:
        await self.server.start_server()

    async def close(self) -> None:
        await self.server.close()
