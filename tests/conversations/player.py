"""Play the conversation suite (tests/conversations/*.yml) over the gateway's HTTP API.

    from tests.conversations.player import load_conversations, play
    for conversation in load_conversations():
        result = play(conversation, "http://localhost:8000")
        print(result.transcript())

The format of the YAML files and every check are described in tests/conversations/README.md.
Used by tests/conversations/test_conversations.py (pytest, one test per conversation) and by
benchmarks/dialogue_quality.py (figures for the whole suite).
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, List, Optional, Sequence

import yaml

from bot.conversations import BOT_SILENT_TEXT, RASA_DOWN_TEXT

SUITE_DIR = Path(__file__).resolve().parent
TENANTS = ("brabant", "twente", "noord")
TURN_KEYS = {"user", "payload", "expect", "expect_any", "not_expect", "modules", "question", "correction", "different"}
CONVERSATION_KEYS = {"name", "person", "tenant", "turns"}
# Check (b): a message that names STAP must also say that it stopped.
STAP = re.compile(r"\bSTAP\b")
STAP_ENDED = ("gestopt", "stopte", "bestaat niet meer", "niet meer", "afgeschaft", "beeindigd", "vervallen", "bestond")
# Check (a): sentences end in . ! or ? and a space (not the dot in "€ 1.250").
SENTENCE_END = re.compile(r"(?<=[.!?]) ")
# Check (c): the bot's last-resort fallback.
GIVE_UP = "ik begrijp je nog steeds niet"
# Check (d): the gateway's own "sorry, a fault" messages.
FAULTS = (RASA_DOWN_TEXT, BOT_SILENT_TEXT)
CARD_FIELDS = (
    "title",
    "provider",
    "level",
    "format",
    "location",
    "duration",
    "study_load",
    "price",
    "next_start",
    "why",
)
REQUEST_TIMEOUT = 90.0  # a busy 2-core machine (training next door) answers slowly
MAX_RATE_LIMIT_WAIT = 120.0  # wait at most this long in total for 429s in one conversation


# -- the suite as data ------------------------------------------------------------------------


@dataclass(frozen=True)
class TurnSpec:
    user: str
    payload: Optional[str] = None
    expect: Sequence[str] = ()
    expect_any: Sequence[str] = ()
    not_expect: Sequence[str] = ()
    modules: Optional[bool] = None
    question: bool = False
    correction: bool = False
    different: bool = False


@dataclass(frozen=True)
class Conversation:
    name: str
    person: str
    tenant: str
    turns: Sequence[TurnSpec]
    file: str = ""


def _strings(value, where: str) -> tuple:
    if value is None:
        return ()
    if isinstance(value, (str, int, float)):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise ValueError(f"{where}: expected a string or a list of strings")
    return tuple(str(v) for v in value)


def _turn(raw, where: str) -> TurnSpec:
    if not isinstance(raw, dict) or "user" not in raw:
        raise ValueError(f"{where}: every turn needs `user:` (the text typed or the button title)")
    unknown = set(raw) - TURN_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)} (allowed: {sorted(TURN_KEYS)})")
    spec = TurnSpec(
        user=str(raw["user"]),
        payload=raw.get("payload"),
        expect=_strings(raw.get("expect"), where),
        expect_any=_strings(raw.get("expect_any"), where),
        not_expect=_strings(raw.get("not_expect"), where),
        modules=raw.get("modules"),
        question=bool(raw.get("question")),
        correction=bool(raw.get("correction")),
        different=bool(raw.get("different")),
    )
    if spec.payload is not None and not str(spec.payload).startswith("/"):
        raise ValueError(f"{where}: payload must start with '/'")
    if spec.modules not in (None, True, False):
        raise ValueError(f"{where}: modules must be true or false")
    if (spec.question or spec.correction) and not (spec.expect or spec.expect_any):
        raise ValueError(f"{where}: a question or correction turn needs expect or expect_any")
    for pattern in spec.expect + spec.expect_any + spec.not_expect:
        if pattern.startswith("re:"):
            re.compile(pattern[3:])  # fail at load time, not mid-suite
    return spec


def load_conversations(paths: Optional[Iterable[Path]] = None) -> List[Conversation]:
    """All conversations of the suite (default: every *.yml next to this file), checked."""
    files = sorted(paths) if paths is not None else sorted(SUITE_DIR.glob("*.yml"))
    conversations: List[Conversation] = []
    seen = {}
    for path in files:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for number, item in enumerate(raw.get("conversations") or [], 1):
            where = f"{Path(path).name} conversation {number}"
            unknown = set(item) - CONVERSATION_KEYS
            if unknown:
                raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
            name = item.get("name")
            if not name or name in seen:
                raise ValueError(
                    f"{where}: missing or duplicate name {name!r}"
                    + (f" (also in {seen[name]})" if name in seen else "")
                )
            seen[name] = Path(path).name
            if item.get("tenant") not in TENANTS:
                raise ValueError(f"{where} ({name}): tenant must be one of {TENANTS}")
            turns = [_turn(t, f"{where} ({name}) turn {i}") for i, t in enumerate(item.get("turns") or [], 1)]
            if not turns:
                raise ValueError(f"{where} ({name}): no turns")
            conversations.append(
                Conversation(name, str(item.get("person", "")), item["tenant"], tuple(turns), Path(path).name)
            )
    return conversations


# -- what the bot answered --------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower case, no accents, one kind of apostrophe, single spaces: what matching sees."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("*", "")
    return " ".join(text.lower().split())


@dataclass
class Reply:
    """The bot's answer to one user turn (all messages of the HTTP response)."""

    messages: List[dict] = field(default_factory=list)
    status: int = 200
    error: str = ""  # HTTP error or exception text

    @property
    def bot_messages(self) -> List[dict]:
        return [m for m in self.messages if m.get("sender") in ("bot", "system", "advisor", None)]

    @property
    def cards(self) -> List[dict]:
        return [card for m in self.messages for card in (m.get("cards") or [])]

    @property
    def searchable(self) -> str:
        """Everything the user sees: texts, button titles, card fields and card buttons."""
        parts: List[str] = []
        for m in self.messages:
            parts.append(m.get("text") or "")
            parts += [b.get("title", "") for b in m.get("buttons") or []]
            for card in m.get("cards") or []:
                parts += [str(card.get(k) or "") for k in CARD_FIELDS]
                parts += [b.get("title", "") for b in card.get("buttons") or []]
        return normalise(" \n ".join(parts))

    @property
    def question(self) -> Optional[str]:
        """The bot's question this turn: the last message ending in '?' or with buttons;
        of a message ending in '?' only its last sentence ("Top! Waar woon je?" and "Waar
        woon je?" are the same question)."""
        for m in reversed(self.bot_messages):
            text = normalise(m.get("text") or "")
            if text.endswith("?"):
                return SENTENCE_END.split(text)[-1]
            if m.get("buttons"):
                return text or None
        return None


def matches(pattern: str, blob: str) -> bool:
    """A plain string is a case-insensitive substring; "re:..." is a regular expression."""
    if pattern.startswith("re:"):
        return re.search(pattern[3:], blob, re.IGNORECASE) is not None
    return normalise(pattern) in blob


# -- playing ------------------------------------------------------------------------------------


class Gateway:
    """The two calls of the gateway's HTTP API the suite needs (urllib: no event loop)."""

    def __init__(self, base_url: str, timeout: float = REQUEST_TIMEOUT):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.waited = 0.0  # seconds spent waiting for rate limits

    def _post(self, path: str, body: dict):
        data = json.dumps(body).encode("utf-8")
        while True:
            request = urllib.request.Request(
                f"{self.base_url}{path}", data=data, method="POST", headers={"Content-Type": "application/json"}
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.status, json.loads(response.read() or b"{}")
            except urllib.error.HTTPError as error:
                body_text = error.read()
                retry = error.headers.get("Retry-After")
                wait = float(retry or 0)
                if error.code == 429 and retry and self.waited + wait <= MAX_RATE_LIMIT_WAIT:
                    self.waited += wait
                    time.sleep(wait)
                    continue
                try:
                    return error.code, json.loads(body_text or b"{}")
                except ValueError:
                    return error.code, {"error": body_text[:200].decode("utf-8", "replace")}

    def start(self, tenant: str) -> tuple:
        status, body = self._post("/api/v1/conversations", {"tenant": tenant})
        if status != 201:
            raise RuntimeError(f"new conversation for {tenant}: HTTP {status} {body}")
        return body["conversation_id"], body.get("messages") or []

    def say(self, conversation_id: str, text: str, payload: Optional[str] = None) -> Reply:
        body = {"text": text, **({"payload": payload} if payload else {})}
        try:
            status, answer = self._post(f"/api/v1/conversations/{conversation_id}/messages", body)
        except (urllib.error.URLError, OSError, ValueError) as error:
            return Reply(status=0, error=f"{type(error).__name__}: {error}")
        if status != 200:
            return Reply(
                status=status, error=f"HTTP {status} {answer.get('error', '')} {answer.get('detail', '')}".strip()
            )
        return Reply(messages=answer.get("messages") or [], status=status)


@dataclass
class TurnResult:
    number: int  # 1-based
    spec: TurnSpec
    reply: Reply
    failures: List[str] = field(default_factory=list)  # the turn's own expectations
    automatic: List[str] = field(default_factory=list)  # checks (a)-(d)
    repeated_question: bool = False  # check (a)

    @property
    def expectations_met(self) -> bool:
        """What "answered" / "honoured" means: the turn's own expectations held, and the
        bot answered at all (no server error or empty reply)."""
        return not self.failures and not self.reply.error and bool(self.reply.messages)

    @property
    def passed(self) -> bool:
        return not self.failures and not self.automatic

    @property
    def has_cards(self) -> bool:
        return bool(self.reply.cards)


@dataclass
class ConversationResult:
    conversation: Conversation
    welcome: List[dict]
    turns: List[TurnResult]
    seconds: float = 0.0
    error: str = ""  # the conversation could not be started

    @property
    def passed(self) -> bool:
        return not self.error and all(t.passed for t in self.turns)

    @property
    def expects_modules(self) -> bool:
        return any(t.modules for t in self.conversation.turns)

    @property
    def first_module_turn(self) -> Optional[int]:
        """1-based number of the first user turn whose reply showed module cards."""
        return next((t.number for t in self.turns if t.has_cards), None)

    def transcript(self) -> str:
        """The conversation as the user saw it, with every failed check under its turn."""
        c = self.conversation
        lines = [f"== {c.name} ({c.file}; tenant {c.tenant}; {c.person})"]
        if self.error:
            return "\n".join(lines + [f"   !! {self.error}"])
        lines += _bot_lines(self.welcome)
        for turn in self.turns:
            said = turn.spec.user
            if turn.spec.payload:
                said += f"   [button {turn.spec.payload}]"
            marks = "".join(f" [{k}]" for k in ("question", "correction") if getattr(turn.spec, k))
            lines.append(f"[{turn.number}] USER: {said}{marks}")
            if turn.reply.error:
                lines.append(f"      !! {turn.reply.error}")
            lines += _bot_lines(turn.reply.messages)
            for failure in turn.failures + turn.automatic:
                lines.append(f"      FAIL: {failure}")
        passed = sum(t.passed for t in self.turns)
        lines.append(f"== {passed}/{len(self.turns)} turns passed")
        return "\n".join(lines)


def _bot_lines(messages: Sequence[dict]) -> List[str]:
    lines = []
    for m in messages:
        who = (m.get("sender") or "bot").upper()
        text = " ".join((m.get("text") or "").split())
        if text:
            lines.append(f"      {who}: {text}")
        for card in m.get("cards") or []:
            info = ", ".join(
                str(card[k]) for k in ("provider", "location", "level", "format", "price", "next_start") if card.get(k)
            )
            lines.append(f"        [card] {card.get('title', '?')} ({info})")
        if m.get("buttons"):
            titles = " | ".join(b.get("title", "") for b in m["buttons"])
            lines.append(f"        [buttons] {titles}")
    return lines


def check_turn(spec: TurnSpec, reply: Reply, previous: Optional[Reply]) -> TurnResult:
    """Evaluate one turn: its own expectations, then the automatic checks (a)-(d)."""
    result = TurnResult(number=0, spec=spec, reply=reply)
    blob = reply.searchable
    if reply.error or not reply.messages:  # (d)
        result.automatic.append(f"(d) no answer: {reply.error or 'empty reply'}")
    elif any(normalise(fault) in normalise(m.get("text") or "") for m in reply.messages for fault in FAULTS):
        result.automatic.append("(d) the gateway's fault message instead of an answer")

    missing = [p for p in spec.expect if not matches(p, blob)]
    if missing:
        result.failures.append(f"expected in the reply: {missing}")
    if spec.expect_any and not any(matches(p, blob) for p in spec.expect_any):
        result.failures.append(f"expected at least one of: {list(spec.expect_any)}")
    present = [p for p in spec.not_expect if matches(p, blob)]
    if present:
        result.failures.append(f"should not be in the reply: {present}")
    if spec.modules is True and not reply.cards:
        result.failures.append("expected module cards in this reply, none shown")
    if spec.modules is False and reply.cards:
        result.failures.append(f"expected no module cards, {len(reply.cards)} shown")
    if spec.different and previous is not None and blob == previous.searchable:
        result.failures.append("the reply is the same as the previous turn's")

    if previous is not None and reply.question and reply.question == previous.question:  # (a)
        result.repeated_question = True
        result.automatic.append(f"(a) asked the same question again: {reply.question!r}")
    for m in reply.messages:  # (b)
        text = m.get("text") or ""
        if STAP.search(text) and not any(w in normalise(text) for w in STAP_ENDED):
            result.automatic.append("(b) names STAP without saying it has ended")
    if previous is not None and GIVE_UP in blob and GIVE_UP in previous.searchable:  # (c)
        result.automatic.append("(c) 'ik begrijp je nog steeds niet' twice in a row")
    return result


def play(conversation: Conversation, gateway_url: str) -> ConversationResult:
    """Play one conversation against a running gateway and check every turn."""
    gateway = Gateway(gateway_url)
    started = time.perf_counter()
    try:
        conversation_id, welcome = gateway.start(conversation.tenant)
    except (RuntimeError, urllib.error.URLError, OSError) as error:
        return ConversationResult(conversation, [], [], error=str(error))
    previous = Reply(messages=welcome)  # turn 1's question is compared with the welcome
    results: List[TurnResult] = []
    for number, spec in enumerate(conversation.turns, 1):
        reply = gateway.say(conversation_id, spec.user, spec.payload)
        result = check_turn(spec, reply, previous)
        result.number = number
        results.append(result)
        previous = reply
    return ConversationResult(conversation, welcome, results, seconds=time.perf_counter() - started)
