"""The channel-independent core: a user's message in, the bot's (or advisor's) answers out.

Channels (bot/channels/*) call `receive` for what a user says and never talk to Rasa or the
store themselves. Everything that reaches a user goes through `deliver_to_user` (`deliver_all`).

Hooks for the handoff work: `mode` is stored per conversation; while it is not "bot" user
messages go to `advisor_relay` instead of Rasa, and bot requests such as
json_message {"type": "handoff"} go to `bot_request_handlers[type]`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import weakref
from asyncio import Lock
from typing import AsyncIterator, Awaitable, Callable, Dict, List, Optional, Protocol

from bot import choices
from bot import language as languages
from bot.config import Tenant
from bot.hub import Hub
from bot.metrics import Metrics
from bot.privacy import mask
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.replies import QUIET_REQUESTS, BotRequest, Outgoing, from_rasa
from bot.store import Conversation, Message, Store
from locales import N_, supported, translate

log = logging.getLogger(__name__)

# The gateway's own texts are Dutch msgids, said in the conversation's language (`say`).
RASA_DOWN_TEXT = N_(
    "Sorry, ik kan je vraag nu even niet beantwoorden door een storing. Je bericht is "
    "bewaard. Probeer het over een paar minuten nog eens."
)
# Rasa answered, but with nothing: a custom action failed (e.g. the action server is down).
BOT_SILENT_TEXT = N_(
    "Sorry, er ging bij mij iets mis en ik kan je vraag nu niet beantwoorden. Probeer het zo "
    "nog eens, of praat met een adviseur."
)
# Rasa is still loading its model (the first minutes after a start): the message is kept and
# answered once Rasa is ready.
STARTING_TEXT = N_("Ik ben net opgestart en lees nog even in. Je bericht is bewaard; ik antwoord zo.")
READY_POLL_SECONDS = 1.0  # how often the gateway asks Rasa "ready?" while messages wait
LANGUAGE_CHOSEN = N_("Goed, we praten verder in het Nederlands. Waar kan ik je mee helpen?")
ADVISOR_BUTTON = {"title": N_("Met een adviseur praten"), "payload": "/request_human"}


def say(conversation: Optional[Conversation], text: str, **values) -> str:
    """One of the gateway's texts (a Dutch msgid) in the conversation's language."""
    return translate(text, conversation.language if conversation else None, **values)


def buttons_in(conversation: Optional[Conversation], buttons) -> List[dict]:
    """Buttons with their titles in the conversation's language (payloads stay)."""
    return [{**b, "title": say(conversation, b["title"])} for b in buttons]


class Speaker:
    """For the store's transaction: the conversation's language after this user message
    (bot/language.py); remembers whether it changed."""

    def __init__(self, text: str):
        self.text = text
        self.changed = False
        self.asked = False

    def __call__(self, current: str, first: bool) -> str:
        choice = languages.choose(self.text, current, first)
        self.changed = choice.language != current
        self.asked = choice.why == "asked"  # "can we speak english?": answered by the gateway
        return choice.language


class OutputChannel(Protocol):
    """The sending side of a channel that is not a live socket (e.g. WhatsApp)."""

    async def send(self, conversation: Conversation, message: Message) -> None: ...


# Both may return the messages they delivered to the user (or None).
BotRequestHandler = Callable[[Conversation, BotRequest], Awaitable[Optional[List[Message]]]]
# Gets the bot's answer as well and delivers it only once it did its work (or says it failed).
ConfirmedRequestHandler = Callable[[Conversation, BotRequest, List[Outgoing]], Awaitable[List[Message]]]
AdvisorRelay = Callable[[Conversation, Message], Awaitable[Optional[List[Message]]]]
# A button payload the gateway answers itself, not the bot (the handoff's 1-5 rating).
PayloadHandler = Callable[[Conversation, Message], Awaitable[List[Message]]]


class Conversations:
    def __init__(
        self,
        store: Store,
        hub: Hub,
        rasa: RasaClient,
        tenants: Dict[str, Tenant],
        startup_seconds: float = 0.0,
        metrics: Optional[Metrics] = None,
    ):
        self.store = store
        self.metrics = metrics or Metrics()  # turns and bot failures; channels count theirs here
        self.hub = hub
        self.rasa = rasa
        self.tenants = tenants
        self.outputs: Dict[str, OutputChannel] = {}
        self.bot_request_handlers: Dict[str, BotRequestHandler] = {}
        # Requests whose bot answer is a confirmation ("Klaar: ik ben vergeten"): the handler
        # delivers it, after it did the work (forget_me: bot/privacy/gateway.py).
        self.confirmed_request_handlers: Dict[str, ConfirmedRequestHandler] = {}
        self.advisor_relay: Optional[AdvisorRelay] = None
        # payload prefix -> handler, for buttons the gateway itself offered (bot/handoff)
        self.payload_handlers: Dict[str, PayloadHandler] = {}
        # One message at a time per conversation, so answers keep the order of questions.
        self._locks: "weakref.WeakValueDictionary[str, Lock]" = weakref.WeakValueDictionary()
        # Conversations whose last bot turn failed silently: their advisor button is handled
        # here, because the bot's own handoff (an action) may be what fails.
        self._bot_failed: set = set()
        # Start-up: until Rasa is ready (at most `startup_seconds`) user messages are kept here,
        # per conversation, and answered by `_answer_when_ready` (in memory, like the locks).
        self.starting_until = time.monotonic() + startup_seconds
        self._kept: Dict[str, List[str]] = {}
        self._waiting: Optional[asyncio.Task] = None

    async def lifecycle(self, _app) -> AsyncIterator[None]:
        """aiohttp cleanup context: stop waiting for Rasa when the gateway stops."""
        yield
        if self._waiting is not None:
            self._waiting.cancel()
            await asyncio.gather(self._waiting, return_exceptions=True)

    def lock(self, conversation_id: str) -> Lock:
        """The lock held while a message of this conversation is handled (also taken by
        whatever must not run in between, such as deleting the conversation)."""
        lock = self._locks.get(conversation_id)
        if lock is None:
            lock = Lock()
            self._locks[conversation_id] = lock
        return lock

    async def start(
        self, tenant: Tenant, channel: str, external_id: Optional[str] = None, language: Optional[str] = None
    ) -> Conversation:
        """A new conversation, opened with the tenant's welcome message. `language`: a hint
        (the page's data-lang, the browser's language, "en-GB"); unsupported ones are ignored."""
        language = supported(language) or "nl"
        conversation = await self.store.create_conversation(tenant.name, channel, external_id, language)
        await self.deliver_to_user(conversation, self.welcome(conversation, tenant))
        return conversation

    @staticmethod
    def welcome(conversation: Conversation, tenant: Tenant) -> Outgoing:
        """The tenant's welcome (bot/tenants.yml, Dutch) in the conversation's language: its
        translation is in the catalogues like any text (locales/*/LC_MESSAGES/gateway.po)."""
        return Outgoing(
            text=say(conversation, tenant.welcome), buttons=buttons_in(conversation, tenant.welcome_buttons)
        )

    async def set_language(self, conversation: Conversation, language: str) -> Conversation:
        """The user picked a language (the widget's NL | EN)."""
        await self.store.set_language(conversation.id, language)
        await self.hub.publish(conversation.id, {"type": "language", "language": language})
        return dataclasses.replace(conversation, language=language)

    async def receive(self, conversation: Conversation, text: str, payload: Optional[str] = None) -> List[Message]:
        """Store what the user said (text as shown; payload of a clicked button if any) and
        return the answers delivered to the user. Typing the title of a button of the last
        reply is clicking it (bot/choices.py): its payload goes on, the typed text is stored."""
        lock = self.lock(conversation.id)
        async with lock:
            speaker = None if payload else Speaker(text)
            said, current = await self.store.add_user_message(
                conversation.id, text, payload, None if payload else choices.chooser(text), speaker
            )
            payload = payload or said.payload
            current = current or conversation
            if speaker is not None and speaker.changed:  # the widget shows the language it speaks
                await self.hub.publish(conversation.id, {"type": "language", "language": current.language})
            await self.hub.publish(conversation.id, {"type": "message", "message": said.to_api()})
            if speaker is not None and speaker.asked and current.mode == "bot" and current.tenant in self.tenants:
                # a request for a language is not a question for the bot: confirmed in that language
                tenant = self.tenants[current.tenant]
                return await self.deliver_all(
                    current,
                    [Outgoing(text=say(current, LANGUAGE_CHOSEN), buttons=buttons_in(current, tenant.welcome_buttons))],
                )
            if current.mode != "bot":
                if self.advisor_relay is None:
                    return []
                # The relay may answer (e.g. "you are in the queue") or hand back to the bot.
                return list(await self.advisor_relay(current, said) or [])
            for prefix, handler in self.payload_handlers.items():
                if payload and payload.startswith(prefix):
                    return await handler(current, said)
            return await self.ask_bot(current, payload or text)

    async def ask_bot(self, conversation: Conversation, text: str) -> List[Message]:
        """Send a text to Rasa and deliver its answers (callers hold the conversation's turn)."""
        handoff = self.bot_request_handlers.get("handoff")
        if conversation.id in self._bot_failed and text == ADVISOR_BUTTON["payload"] and handoff:
            self._bot_failed.discard(conversation.id)
            return list(
                await handoff(
                    conversation, BotRequest("handoff", {"type": "handoff", "reason": "bot_storing", "profile": {}})
                )
                or []
            )
        # Rasa still loading its model? Asked only until its first yes: no cost per turn after.
        if not self.rasa.ready and time.monotonic() < self.starting_until and not await self.rasa.check_ready():
            return await self._keep(conversation, text)
        delivered = []
        if self.rasa.ready and conversation.id in self._kept:  # what was said before, first
            delivered = await self._answer_kept(conversation)
        return delivered + await self._ask_rasa(conversation, text)

    async def _keep(self, conversation: Conversation, text: str) -> List[Message]:
        """Rasa is still starting: keep the text, say so, and answer it once Rasa is ready."""
        if len(self._kept) > 10_000:  # in memory only; Rasa does not come up at all
            self._kept.clear()
        self._kept.setdefault(conversation.id, []).append(text)
        if self._waiting is None or self._waiting.done():
            self._waiting = asyncio.create_task(self._answer_when_ready())
        return await self.deliver_all(conversation, [Outgoing(sender="system", text=say(conversation, STARTING_TEXT))])

    async def _answer_when_ready(self) -> None:
        """Wait until Rasa is ready (or the start-up time is over), then answer every kept
        message, each conversation in its turn; they arrive like an advisor's messages."""
        while not await self.rasa.check_ready() and time.monotonic() < self.starting_until:
            await asyncio.sleep(READY_POLL_SECONDS)
        for conversation_id in list(self._kept):
            try:
                async with self.lock(conversation_id):
                    conversation = await self.store.get_conversation(conversation_id)
                    if conversation is None:  # forgotten meanwhile ("vergeet mij")
                        self._kept.pop(conversation_id, None)
                    else:
                        await self._answer_kept(conversation)
            except Exception:  # one conversation's failure does not keep the others waiting
                log.exception("could not answer the kept messages of conversation %s", conversation_id)

    async def _answer_kept(self, conversation: Conversation) -> List[Message]:
        """Answer the messages kept at start-up (callers hold the conversation's turn)."""
        texts = self._kept.pop(conversation.id, [])
        if not texts or conversation.mode != "bot":
            return []
        if not self.rasa.ready:  # the start-up time is over and Rasa never answered
            return await self.deliver_all(
                conversation, [Outgoing(sender="system", text=say(conversation, RASA_DOWN_TEXT))]
            )
        delivered: List[Message] = []
        for text in texts:
            delivered.extend(await self._ask_rasa(conversation, text))
        return delivered

    async def _ask_rasa(self, conversation: Conversation, text: str) -> List[Message]:
        await self.hub.publish(conversation.id, {"type": "typing", "sender": "bot", "on": True})
        try:
            try:
                # Rasa (and its tracker store) gets the text with identifiers masked.
                metadata = {
                    "tenant": conversation.tenant,
                    "channel": conversation.channel,
                    "language": conversation.language,
                }
                responses = await self.rasa.send(conversation.id, mask(text), metadata)
                outgoing, requests = from_rasa(responses)
                self.metrics.turns.labels(conversation.channel).inc()
                self._bot_failed.discard(conversation.id)
                if not outgoing and all(r.type in QUIET_REQUESTS for r in requests):
                    log.warning("Rasa gave no answer in conversation %s (did an action fail?)", conversation.id)
                    self.metrics.bot_failures.labels("no_answer").inc()
                    if len(self._bot_failed) > 10_000:  # in memory only; a long outage
                        self._bot_failed.clear()
                    self._bot_failed.add(conversation.id)
                    outgoing = [
                        Outgoing(
                            sender="system",
                            text=say(conversation, BOT_SILENT_TEXT),
                            buttons=buttons_in(conversation, [ADVISOR_BUTTON]),
                        )
                    ]
            except RasaUnavailable as error:
                log.warning("Rasa unavailable for a %s message: %s", conversation.channel, error)
                self.metrics.bot_failures.labels("rasa_unavailable").inc()
                outgoing, requests = [Outgoing(sender="system", text=say(conversation, RASA_DOWN_TEXT))], []
            confirmed = [r for r in requests if r.type in self.confirmed_request_handlers]
            if confirmed:
                requests.remove(confirmed[0])
                delivered = await self.confirmed_request_handlers[confirmed[0].type](
                    conversation, confirmed[0], outgoing
                )
            else:
                delivered = await self.deliver_all(conversation, outgoing)
        finally:  # typing stops after the answers arrived, so the indicator does not flicker
            await self.hub.publish(conversation.id, {"type": "typing", "sender": "bot", "on": False})
        for request in requests:
            handler = self.bot_request_handlers.get(request.type)
            if handler is None:
                log.warning("bot asked for %r, which this gateway does not handle yet", request.type)
            else:  # what the handler says (e.g. the queue position) is part of the answer
                delivered.extend(await handler(conversation, request) or [])
        return delivered

    async def deliver_to_user(self, conversation: Conversation, outgoing: Outgoing) -> Message:
        """The one road to the user: store the message, push it to everyone watching the
        conversation live (websockets, console), and send it through the conversation's
        channel when that channel is not a live socket."""
        return (await self.deliver_all(conversation, [outgoing]))[0]

    async def deliver_all(self, conversation: Conversation, outgoing: List[Outgoing]) -> List[Message]:
        """deliver_to_user for several messages in order (a bot turn's answers), stored in
        one transaction."""
        stored = await self.store.add_messages(
            conversation.id,
            [
                dict(sender=m.sender, text=m.text, buttons=m.buttons, cards=m.cards, feedback_topic=m.feedback_topic)
                for m in outgoing
            ],
        )
        output = self.outputs.get(conversation.channel)
        for message in stored:
            await self.hub.publish(conversation.id, {"type": "message", "message": message.to_api()})
            if output is not None:
                await output.send(conversation, message)
        return stored

    async def set_mode(self, conversation: Conversation, mode: str) -> None:
        await self.store.set_mode(conversation.id, mode)
        await self.hub.publish(conversation.id, {"type": "mode", "mode": mode})
