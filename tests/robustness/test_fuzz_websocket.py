"""Fuzzing the widget's websocket: random text and binary frames, invalid and deeply nested
JSON, random JSON, messages with any Unicode, frames over the size limit.

Every frame gets an answer (an error frame with a Dutch message, a pong, or the user's message
echoed) within ANSWER_TIMEOUT; a frame over the limit closes the socket with 1009 ("message
too big") and a new socket works; afterwards a normal Dutch message is answered."""

import json

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.robustness.harness import (
    ANSWER_TIMEOUT,
    Tally,
    ThreadedGateway,
    fuzz_settings,
    request,
)
from tests.robustness.strategies import JSON, TEXT, deep
from tests.support.gateway import gateway_env

FUZZ = fuzz_settings(150)

FRAMES = st.one_of(
    st.tuples(st.just("text"), TEXT),
    st.tuples(st.just("json"), JSON),
    st.tuples(st.just("message"), TEXT),
    st.tuples(st.just("message"), TEXT),
    st.tuples(st.just("payload"), st.tuples(TEXT, TEXT)),
    st.tuples(st.just("binary"), st.binary(max_size=200)),
    st.tuples(st.just("deep"), st.integers(10, 30_000)),
    st.tuples(st.just("ping"), st.none()),
    st.tuples(st.just("huge"), st.integers(65 * 1024, 200 * 1024)),
)


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    gateway = ThreadedGateway(gateway_env(tmp_path_factory.mktemp("fuzz-ws"))).start()
    yield gateway
    gateway.stop()


class Socket:
    """One conversation's websocket, reopened after the server closed it."""

    def __init__(self, url: str):
        self.url = url
        self.session = None
        self.ws = None
        self.closed_1009 = 0

    async def open(self):
        if self.session is None:
            self.session = aiohttp.ClientSession()
        self.ws = await self.session.ws_connect(self.url, max_msg_size=0)
        history = await self.ws.receive_json(timeout=ANSWER_TIMEOUT)
        assert history["type"] == "history"

    async def close(self):
        if self.ws is not None:
            await self.ws.close()
        await self.session.close()

    async def exchange(self, kind, value):
        """Send one frame; return what answered it."""
        if self.ws is None or self.ws.closed:
            await self.open()
        sent_text = None
        if kind == "text":  # a text frame is UTF-8: lone surrogates cannot be sent as such
            await self.ws.send_str(value.encode("utf-8", "replace").decode("utf-8"))
        elif kind == "json":
            await self.ws.send_str(json.dumps(value))
        elif kind in ("message", "payload"):
            text, payload = (value, None) if kind == "message" else value
            frame = {"type": "message", "text": text}
            if payload is not None:
                frame["payload"] = "/" + payload[:500]
            await self.ws.send_str(json.dumps(frame))  # JSON escapes surrogates
            sent_text = text
        elif kind == "binary":
            await self.ws.send_bytes(value)
        elif kind == "deep":
            await self.ws.send_str(deep(value).decode())
        elif kind == "ping":
            await self.ws.send_str('{"type": "ping"}')
        elif kind == "huge":
            await self.ws.send_str(json.dumps({"type": "message", "text": "a" * value}))
        while True:
            frame = await self.ws.receive(timeout=ANSWER_TIMEOUT)
            if frame.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                return ("closed", self.ws.close_code)
            assert frame.type == aiohttp.WSMsgType.TEXT, frame
            event = json.loads(frame.data)
            if event["type"] == "error":
                assert event["message"] and event["error"], event
                return ("error", event["error"])
            if event["type"] == "pong":
                return ("pong", None)
            if event["type"] == "message" and event["message"]["sender"] == "user":
                assert sent_text is not None, f"an echo of a message never sent: {event}"
                return ("echo", None)


def test_fuzzed_websocket_frames_get_an_answer(gateway, capsys):
    start = request(
        gateway.port, "POST", "/api/v1/conversations", b'{"tenant": "noord"}', {"Content-Type": "application/json"}
    )
    cid = start.json()["conversation_id"]
    socket = Socket(f"{gateway.url}/api/v1/conversations/{cid}/ws")
    tally = Tally("websocket frames")

    @FUZZ
    @given(frame=FRAMES)
    def one(frame):
        kind, value = frame
        outcome, detail = gateway.run(socket.exchange(kind, value), timeout=ANSWER_TIMEOUT + 5)
        tally.add(f"{outcome} {detail or ''}".strip())
        if kind == "huge":
            assert (outcome, detail) == ("closed", aiohttp.WSCloseCode.MESSAGE_TOO_BIG)
        elif kind == "ping":
            assert outcome == "pong"
        elif kind in ("text", "binary", "deep"):
            assert outcome == "error" or (kind == "text" and outcome == "pong")

    try:
        one()

        # afterwards: a normal Dutch message is echoed and answered
        async def normal():
            if socket.ws is None or socket.ws.closed:
                await socket.open()
            await socket.ws.send_str(json.dumps({"type": "message", "text": "Hoi, ik zoek werk"}))
            senders = []  # from the echo of this message on (answers to fuzz may come first)
            while len(senders) < 2:
                event = await socket.ws.receive_json(timeout=ANSWER_TIMEOUT)
                if event["type"] != "message":
                    continue
                message = event["message"]
                if senders or (message["sender"], message["text"]) == ("user", "Hoi, ik zoek werk"):
                    senders.append(message["sender"])
            return senders

        senders = gateway.run(normal())
        assert senders[1] in ("bot", "system")  # answered
    finally:
        gateway.run(socket.close())
    with capsys.disabled():
        print(f"\n{tally}")
    assert not gateway.errors.texts(), gateway.errors.texts()[:3]
