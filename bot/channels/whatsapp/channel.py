"""WhatsApp channel (Meta's WhatsApp Cloud API): the webhook (input side) and an OutputChannel
(output side), like rasa/core/channels/*.py. Nothing here talks to Rasa: users' messages go to
`Conversations.receive`, and whatever the core delivers (bot or advisor) reaches the phone
through `send`.

Webhook, /webhooks/whatsapp (webhooks docs, developers.facebook.com/documentation/
business-messaging/whatsapp/webhooks):
- GET: Meta's verification (hub.mode=subscribe, hub.verify_token, hub.challenge echoed).
- POST: checked against X-Hub-Signature-256 first (401 and nothing processed when missing or
  wrong), then every new message id is recorded (gw_wa_inbox: a duplicate or concurrent
  redelivery is never answered twice; a message older than WHATSAPP_DEDUP_DAYS, whose id
  may be forgotten, is not answered at all) and the delivery is acknowledged at once; the messages
  are processed afterwards, in order per user. Status updates (sent/delivered/read/failed)
  are followed for the messages we sent.

Sending: 24-hour window per user (bot/channels/whatsapp/window.py). Outside it only the configured
template goes out; the message is held, the advisor sees why, and held messages are sent when
the user writes again.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
import weakref
from dataclasses import replace
from datetime import timedelta
from typing import List, Optional, Set, Tuple

import aiohttp
from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.channels.whatsapp import window
from bot.channels.whatsapp.formatting import (
    choices_of,
    parse_choice_id,
    parse_number,
    render,
    split_text,
    template_body,
    text_part,
)
from bot.channels.whatsapp.graph_client import REENGAGEMENT, GraphClient, GraphError
from bot.channels.whatsapp.inbound import Delivery, Inbound, Status, parse_delivery
from bot.channels.whatsapp.settings import WhatsAppSettings
from bot.channels.whatsapp.signature import user_key, valid
from bot.channels.whatsapp.tables import Contact, WhatsAppStore, inbox_id
from bot.config import Tenant
from bot.conversations import Conversations
from bot.feedback import FeedbackStore, reaction_rating
from bot.http import CONFIG, Refused
from bot.limits import RateLimiter, clean_user_text, too_fast
from bot.replies import Outgoing
from bot.store import Conversation, Message

from locales import N_, translate

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
PATH = "/webhooks/whatsapp"
MAX_BODY = 1024 * 1024  # Meta batches several messages; far above a real delivery
STALE_CLAIM = timedelta(minutes=5)  # accepted but unprocessed this long: the gateway stopped
HOUSEKEEPING_EVERY = 60.0  # seconds: recover stale messages; purge expired ids hourly
SHUTDOWN_GRACE = 10.0

MEDIA_TEXT = N_(
    "Sorry, ik kan alleen tekst lezen. Foto's, spraakberichten, locaties en bestanden "
    "kan ik niet openen. Wil je je vraag typen?"
)
MEDIA_LABELS = {
    "image": "foto",
    "audio": "spraakbericht",
    "video": "video",
    "document": "bestand",
    "sticker": "sticker",
}

# Notes for the advisor (stored as system messages; the WhatsApp user never gets them).
WINDOW_CLOSED = (
    "Niet verstuurd via WhatsApp: de gebruiker heeft meer dan 24 uur niets "
    "gestuurd. WhatsApp staat dan alleen een goedgekeurd sjabloon toe."
)
WINDOW_TEMPLATE_SENT = (
    " We hebben het sjabloon '{name}' gestuurd. Je bericht komt aan zodra de gebruiker daarop reageert."
)
WINDOW_NO_TEMPLATE = (
    " Er is geen sjabloon ingesteld (WHATSAPP_TEMPLATE_NAME), dus de gebruiker "
    "krijgt geen melding. Je bericht komt pas aan als de gebruiker zelf weer "
    "iets stuurt."
)
WINDOW_TEMPLATE_FAILED = (
    " Het sjabloon '{name}' kon niet worden verstuurd (foutcode {code}). "
    "Je bericht komt pas aan als de gebruiker zelf weer iets stuurt."
)
SEND_FAILED = (
    "Niet verstuurd via WhatsApp (foutcode {code}: {reason}). Het bericht is niet bij de gebruiker aangekomen."
)
SEND_UNCERTAIN = (
    "Misschien niet verstuurd via WhatsApp: WhatsApp gaf geen antwoord ({reason}). "
    "We sturen het niet nog eens, om dubbele berichten te voorkomen."
)
STATUS_FAILED = "Een bericht kwam niet aan via WhatsApp (foutcode {code}: {reason})."
NO_CONTACT = "Niet verstuurd via WhatsApp: het telefoonnummer van deze gebruiker is onbekend."


class WhatsAppChannel:
    def __init__(
        self,
        conversations: Conversations,
        settings: WhatsAppSettings,
        tenant: Tenant,
        rate: RateLimiter,
        max_message_chars: int,
        feedback: FeedbackStore,
    ):
        self.conversations = conversations
        self.feedback = feedback  # 👍/👎 reactions on rateable answers
        self.settings = settings
        self.tenant = tenant
        self.store = WhatsAppStore(conversations.store)
        self.graph = GraphClient(
            settings.graph_url,
            settings.phone_number_id,
            settings.access_token,
            timeout=settings.send_timeout,
            retries=settings.send_retries,
            backoff=settings.retry_backoff,
        )
        self.clock = window.now  # tests move time forward
        self.limiter = rate
        self.max_message_chars = max_message_chars
        self._tasks: Set[asyncio.Task] = set()
        self._housekeeping: Optional[asyncio.Task] = None
        self._user_locks: "weakref.WeakValueDictionary[str, asyncio.Lock]" = weakref.WeakValueDictionary()
        self._send_locks: "weakref.WeakValueDictionary[str, asyncio.Lock]" = weakref.WeakValueDictionary()
        self._told_too_fast: dict = {}

    # -- webhook ----------------------------------------------------------------------------

    async def verify(self, request: web.Request) -> web.Response:
        """Meta's subscription check when the webhook is registered."""
        query = request.query
        token = query.get("hub.verify_token", "")
        challenge = query.get("hub.challenge", "")
        if (
            query.get("hub.mode") == "subscribe"
            and token
            and hmac.compare_digest(token.encode(), self.settings.verify_token.encode())
            and challenge
            and len(challenge) <= 256
        ):
            return web.Response(text=challenge, content_type="text/plain")
        log.warning("WhatsApp webhook verification refused (wrong mode or verify token)")
        return web.Response(status=403, text="verification failed", content_type="text/plain")

    async def webhook(self, request: web.Request) -> web.Response:
        raw = await _read_body(request)
        header = request.headers.get("X-Hub-Signature-256")
        if not valid(self.settings.app_secret, raw, header):
            log.warning("WhatsApp delivery refused: %s X-Hub-Signature-256", "missing" if not header else "wrong")
            return web.json_response({"error": "invalid_signature"}, status=401)
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: [[[[...
            return web.json_response({"error": "invalid_json"}, status=400)
        delivery = self.parse(data)
        now = self.clock()
        # A message older than the dedup window may have been answered already (its id is
        # forgotten by now): a replay of an old signed delivery. Acknowledged, not answered.
        oldest = (now - timedelta(days=self.settings.dedup_days)).timestamp()
        current = [m for m in delivery.messages if m.timestamp is None or m.timestamp >= oldest]
        if len(current) < len(delivery.messages):
            log.warning(
                "WhatsApp delivery: %d message(s) older than %s days (a replay?), ignored",
                len(delivery.messages) - len(current),
                self.settings.dedup_days,
            )
        try:
            fresh = await self.store.accept(current, now)
        except SQLAlchemyError:
            log.exception("WhatsApp delivery not recorded; Meta will deliver it again")
            return web.json_response({"error": "unavailable"}, status=503)
        for message in fresh:
            self._spawn(self._process(message, inbox_id(message.wamid)))
        if delivery.statuses:
            self._spawn(self._statuses(delivery.statuses))
        for error in delivery.errors:
            log.warning("WhatsApp webhook error %s: %s %s", error.code, error.title, error.details)
        if delivery.skipped:
            log.info("WhatsApp delivery: %d item(s) for another number or malformed, ignored", delivery.skipped)
        duplicates = len(current) - len(fresh)
        if duplicates:
            log.info("WhatsApp delivery: %d message(s) seen before, not answered again", duplicates)
        return web.json_response({"accepted": len(fresh)})

    def parse(self, data) -> Delivery:
        """What a delivery holds for our number; each message with its sender's pseudonym."""
        delivery = parse_delivery(data, self.settings.phone_number_id)
        delivery.messages = [
            replace(m, user_key=user_key(self.settings.app_secret, m.wa_id)) for m in delivery.messages
        ]
        return delivery

    def _spawn(self, coroutine) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def drain(self) -> None:
        """Wait until every accepted message and status update has been handled."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    @staticmethod
    def _lock(locks: weakref.WeakValueDictionary, key: str) -> asyncio.Lock:
        lock = locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            locks[key] = lock
        return lock

    # -- incoming messages --------------------------------------------------------------------

    async def _process(self, message: Inbound, message_inbox_id: str) -> None:
        key = message.user_key
        # One user's messages in the order they came (asyncio locks are first come, first served).
        async with self._lock(self._user_locks, key):
            try:
                await self._handle(message, key)
            except Exception:
                log.exception("WhatsApp message could not be handled")
            finally:
                try:
                    await self.store.done(message_inbox_id, self.clock())
                except SQLAlchemyError:
                    log.exception("WhatsApp message handled but not marked as done")

    async def _handle(self, message: Inbound, key: str) -> None:
        if message.kind == "silent":
            return
        if message.kind == "reaction":
            await self._reaction(message, key)
            return
        now = self.clock()
        found = await self._conversation_for(message, key)
        if found is None:
            return
        conversation, contact = found
        await self.store.user_wrote(key, window.user_message_time(message.timestamp, now))
        await self._send_held(conversation)
        if message.kind in ("media", "other"):
            label = MEDIA_LABELS.get(message.media_type or "", "bericht dat geen tekst is")
            await self._user_note(conversation, f"[{label}]")
            text = translate(MEDIA_TEXT, conversation.language)
            await self.conversations.deliver_to_user(conversation, Outgoing(sender="system", text=text))
            return
        text, payload = await self._text_and_payload(conversation, contact, message)
        try:
            text = clean_user_text(text, self.max_message_chars)
            retry_after = self.limiter.hit(conversation.id)
            if retry_after is not None:
                if not self._tell_too_fast(conversation.id, retry_after):
                    return
                raise too_fast(retry_after)
        except Refused as refusal:
            text = refusal.message_in(conversation.language)
            await self.conversations.deliver_to_user(conversation, Outgoing(sender="system", text=text))
            return
        if message.wamid:  # not known for a message recovered from the inbox
            self._spawn(self.graph.mark_read(message.wamid, typing=conversation.mode == "bot"))
        await self.conversations.receive(conversation, text, payload)

    def _tell_too_fast(self, conversation_id: str, retry_after: int) -> bool:
        """Say "you send too fast" once per wait, not once per message."""
        now = time.monotonic()
        if self._told_too_fast.get(conversation_id, 0) > now:
            return False
        if len(self._told_too_fast) > 10_000:
            self._told_too_fast = {k: t for k, t in self._told_too_fast.items() if t > now}
        self._told_too_fast[conversation_id] = now + retry_after
        return True

    async def _reaction(self, message: Inbound, key: str) -> None:
        """👍/👎 on a bot answer the user may rate is feedback (bot/feedback.py); any other
        reaction, or one to a message of another conversation, is left alone. Nothing is
        answered: a reaction is not a question."""
        rating = reaction_rating(message.text or "")
        contact = await self.store.contact(key)
        sent = await self.store.sent_message(message.reacted_to or "")
        if rating is None or contact is None or sent is None or sent.message_id is None:
            return
        if sent.conversation_id != contact.conversation_id:
            return
        saved = await self.feedback.rate(sent.conversation_id, sent.message_id, rating)
        if saved is not None:
            log.info(
                "conversation %s: WhatsApp reaction on message %s stored as feedback",
                sent.conversation_id,
                sent.message_id,
            )

    async def _conversation_for(self, message: Inbound, key: str) -> Optional[Tuple[Conversation, Contact]]:
        store = self.conversations.store
        contact = await self.store.contact(key)
        if contact is not None:  # the foreign key keeps its conversation in place
            return await store.get_conversation(contact.conversation_id), contact
        if message.wa_id is None:  # recovered from the inbox, and the user was forgotten since
            log.warning("WhatsApp message of a user who is no longer known; not answered")
            return None
        # No welcome message here (unlike the widget): the user's first message is a question
        # or a greeting and gets the bot's answer; a welcome as well would answer twice.
        conversation = await store.create_conversation(self.tenant.name, CHANNEL, external_id=key)
        contact = await self.store.add_contact(key, message.wa_id, conversation.id, self.clock())
        if contact is None:  # another gateway instance linked this user a moment ago
            contact = await self.store.contact(key)
            conversation = await store.get_conversation(contact.conversation_id)
        log.info("new WhatsApp conversation %s (tenant %s)", conversation.id, conversation.tenant)
        return conversation, contact

    async def _text_and_payload(
        self, conversation: Conversation, contact: Contact, message: Inbound
    ) -> Tuple[str, Optional[str]]:
        """A tapped button or row, or a number typed after numbered choices, becomes the original
        payload (e.g. /search_course{"theme":"installatietechniek"}); the title is kept as the
        text the user saw."""
        if message.kind == "reply":
            payload = None
            reference = parse_choice_id(message.reply_id or "")
            if reference is not None:
                payload = await self._payload_for(conversation.id, *reference)
            if payload is None:
                log.warning("conversation %s: reply to an unknown choice; using its title", conversation.id)
            return (message.text or payload or ""), payload
        text = message.text or ""
        number = parse_number(text)
        if number is not None and contact.numbered_message_id is not None:
            payload = await self._payload_for(conversation.id, contact.numbered_message_id, number - 1)
            if payload is not None:
                return text, payload
        return text, None

    async def _payload_for(self, conversation_id: str, message_id: int, index: int) -> Optional[str]:
        found = await self.conversations.store.messages(conversation_id, after_id=message_id - 1)
        if not found or found[0].id != message_id or found[0].sender == "user":
            return None
        choices = choices_of(found[0])
        return choices[index].payload if 0 <= index < len(choices) else None

    async def _user_note(self, conversation: Conversation, text: str) -> None:
        """What the user sent that is not text, in the transcript (not sent to the bot)."""
        note = await self.conversations.store.add_message(conversation.id, "user", text)
        await self.conversations.hub.publish(conversation.id, {"type": "message", "message": note.to_api()})

    # -- status updates -------------------------------------------------------------------

    async def _statuses(self, statuses) -> None:
        for status in statuses:
            try:
                await self._status(status)
            except Exception:
                log.exception("WhatsApp status update could not be handled")

    async def _status(self, status: Status) -> None:
        contact = None
        if status.recipient_id:
            contact = await self.store.contact(user_key(self.settings.app_secret, status.recipient_id))
        if contact is None:
            await self.store.update_status(status.wamid, status.status, self.clock())
            return
        # Under the send lock: a status can overtake the Graph API's answer to our send, and
        # the message id is recorded only once that answer is in.
        async with self._lock(self._send_locks, contact.conversation_id):
            known = await self.store.update_status(status.wamid, status.status, self.clock())
            if known is None or status.status != "failed":
                return
            conversation = await self.conversations.store.get_conversation(known.conversation_id)
            if conversation is None:
                return
            error = status.errors[0] if status.errors else None
            code = error.code if error else None
            log.warning(
                "WhatsApp message %s of conversation %s failed after sending: error %s %s",
                known.message_id,
                conversation.id,
                code,
                error.title if error else "",
            )
            if code == REENGAGEMENT and known.message_id is not None:
                await self.store.set_last_user_at(conversation.id, None)  # Meta knows best
                await self._hold(conversation, contact, known.message_id)
                return
            reason = (error.details or error.title) if error else "onbekend"
            await self._advisor_note(conversation, STATUS_FAILED.format(code=code, reason=reason), "failed")

    # -- output side (OutputChannel) --------------------------------------------------------

    async def send(self, conversation: Conversation, message: Message) -> None:
        """Deliver a stored message (bot, advisor or system) to the user's phone. Never raises:
        what cannot be sent is logged and noted for the advisor."""
        if message.sender == "user":
            return
        try:
            async with self._lock(self._send_locks, conversation.id):
                contact = await self.store.contact_for_conversation(conversation.id)
                if contact is None:
                    log.error(
                        "conversation %s has no WhatsApp contact; message %s not sent", conversation.id, message.id
                    )
                    await self._advisor_note(conversation, NO_CONTACT, "no_contact")
                    return
                if contact.held_from_id is not None or not window.is_open(contact.last_user_at, self.clock()):
                    await self._hold(conversation, contact, message.id)
                    return
                await self._deliver(conversation, contact, message)
        except Exception:
            log.exception("WhatsApp message %s of conversation %s not sent", message.id, conversation.id)

    async def number(self, conversation: Conversation) -> Optional[str]:
        """The user's phone number (before forget me deletes it)."""
        contact = await self.store.contact_for_conversation(conversation.id)
        return contact.wa_id if contact else None

    async def send_unstored(self, wa_id: str, outgoing: List[Outgoing]) -> None:
        """Texts for a user whose conversation was just deleted (forget me's confirmation):
        to the number kept in memory only, stored nowhere."""
        for message in outgoing:
            for part in split_text(message.text or ""):
                await self.graph.send(wa_id, text_part(part))

    async def _deliver(self, conversation: Conversation, contact: Contact, message: Message) -> None:
        rendered = render(message, conversation.language)
        if not rendered.parts:
            return
        for part in rendered.parts:
            try:
                wamid = await self.graph.send(contact.wa_id, part)
            except GraphError as error:
                self.conversations.metrics.whatsapp_send_failures.inc()
                log.warning(
                    "WhatsApp message %s of conversation %s not sent after %d attempt(s): %s",
                    message.id,
                    conversation.id,
                    error.attempts,
                    error,
                )
                if error.code == REENGAGEMENT:
                    await self.store.set_last_user_at(conversation.id, None)
                    await self._hold(conversation, contact, message.id)
                elif error.uncertain:
                    await self._advisor_note(conversation, SEND_UNCERTAIN.format(reason=error.message), "uncertain")
                else:
                    await self._advisor_note(
                        conversation,
                        SEND_FAILED.format(code=_code_text(error), reason=error.details or error.message),
                        "failed",
                    )
                return
            await self.store.record_sent(wamid, conversation.id, message.id, self.clock())
        await self.store.set_numbered(conversation.id, message.id if rendered.mode == "numbered" else None)

    async def _hold(self, conversation: Conversation, contact: Contact, message_id: int) -> None:
        """The window is closed: keep the message for later, send the template once, tell the
        advisor."""
        first = await self.store.hold(conversation.id, message_id)
        if not first:
            log.info("conversation %s: message %s held (24-hour window still closed)", conversation.id, message_id)
            return
        name = self.settings.template_name
        note, template = WINDOW_CLOSED, "not configured"
        if not name:
            note += WINDOW_NO_TEMPLATE
        else:
            try:
                wamid = await self.graph.send(contact.wa_id, template_body(name, self.settings.template_language))
                await self.store.record_sent(wamid, conversation.id, None, self.clock())
                note += WINDOW_TEMPLATE_SENT.format(name=name)
                template = f"{name!r} sent"
            except GraphError as error:
                self.conversations.metrics.whatsapp_send_failures.inc()
                note += WINDOW_TEMPLATE_FAILED.format(name=name, code=_code_text(error))
                template = f"{name!r} failed: {error}"
        log.warning(
            "conversation %s: 24-hour window closed; message %s held; template %s",
            conversation.id,
            message_id,
            template,
        )
        await self._advisor_note(conversation, note, "window_closed")

    async def _send_held(self, conversation: Conversation) -> None:
        """The user wrote again: send what was held back, in order, before anything new."""
        async with self._lock(self._send_locks, conversation.id):
            contact = await self.store.contact_for_conversation(conversation.id)
            if contact is None or contact.held_from_id is None:
                return
            if not window.is_open(contact.last_user_at, self.clock()):
                return
            held = [
                m
                for m in await self.conversations.store.messages(conversation.id, after_id=contact.held_from_id - 1)
                if m.sender in ("bot", "advisor")
            ]
            already = await self.store.sent_ok(conversation.id, [m.id for m in held])
            await self.store.release(conversation.id)
            contact = await self.store.contact_for_conversation(conversation.id)
            log.info(
                "conversation %s: window open again; sending %d held message(s)",
                conversation.id,
                len([m for m in held if m.id not in already]),
            )
            for message in held:
                if message.id not in already:
                    await self._deliver(conversation, contact, message)

    async def _advisor_note(self, conversation: Conversation, text: str, reason: str) -> None:
        """Shown to the advisor (transcript and live events), never sent to the user."""
        note = await self.conversations.store.add_message(conversation.id, "system", text)
        hub = self.conversations.hub
        await hub.publish(conversation.id, {"type": "message", "message": note.to_api()})
        await hub.publish(
            conversation.id,
            {"type": "delivery", "channel": CHANNEL, "status": "not_sent", "reason": reason, "note_id": note.id},
        )

    # -- lifecycle ----------------------------------------------------------------------------

    async def lifecycle(self, _app: web.Application):
        """cleanup_ctx: HTTP session for the Graph API, housekeeping; on stop, let running work
        finish (what does not finish is picked up again at the next start)."""
        self.graph.session = aiohttp.ClientSession()
        self._housekeeping = asyncio.get_running_loop().create_task(self._housekeep())
        yield
        self._housekeeping.cancel()
        if self._tasks:
            done, pending = await asyncio.wait(list(self._tasks), timeout=SHUTDOWN_GRACE)
            for task in pending:
                task.cancel()
        await self.graph.session.close()

    async def _housekeep(self) -> None:
        last_purge = None
        while True:
            try:
                now = self.clock()
                for message_inbox_id, message in await self.store.claim_stale(now - STALE_CLAIM, now):
                    log.info("processing a WhatsApp message left over from an earlier run")
                    self._spawn(self._process(message, message_inbox_id))
                if last_purge is None or now - last_purge > timedelta(hours=1):
                    gone = await self.store.purge(now, self.settings.dedup_days)
                    last_purge = now
                    if gone:
                        log.info("WhatsApp: %d expired message id(s) removed", gone)
            except SQLAlchemyError:
                log.exception("WhatsApp housekeeping failed; trying again later")
            await asyncio.sleep(HOUSEKEEPING_EVERY)


def _code_text(error: GraphError) -> str:
    if error.code is not None:
        return str(error.code)
    return f"HTTP {error.status}" if error.status is not None else "geen verbinding"


async def _read_body(request: web.Request) -> bytes:
    """The raw body (the signature covers these exact bytes), at most MAX_BODY."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=request.content_length)
    chunks, size = [], 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > MAX_BODY:
            raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=size)
        chunks.append(chunk)
    return b"".join(chunks)


WHATSAPP = web.AppKey("whatsapp", WhatsAppChannel)


def setup(
    app: web.Application,
    conversations: Conversations,
    feedback: FeedbackStore,
    settings: Optional[WhatsAppSettings] = None,
) -> Optional[WhatsAppChannel]:
    """Register the webhook and the output channel, or stay off and say why."""
    config = app[CONFIG]
    settings = settings or getattr(config, "whatsapp", None) or WhatsAppSettings.from_env()
    missing = settings.missing(list(config.tenants))
    if missing:
        log.warning(
            "WhatsApp channel is off: missing %s. The rest of the gateway runs; see README 'WhatsApp' to switch it on.",
            ", ".join(missing),
        )
        return None
    channel = WhatsAppChannel(
        conversations,
        settings,
        config.tenants[settings.tenant],
        RateLimiter(config.rate_per_conversation),
        config.max_message_chars,
        feedback,
    )
    conversations.outputs[CHANNEL] = channel
    app[WHATSAPP] = channel
    app.router.add_get(PATH, channel.verify)
    app.router.add_post(PATH, channel.webhook)
    app.cleanup_ctx.append(channel.lifecycle)
    log.info("WhatsApp channel on: webhook %s, tenant %s, Graph API %s", PATH, settings.tenant, settings.graph_url)
    return channel
