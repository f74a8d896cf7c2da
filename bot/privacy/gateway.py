"""The privacy work wired into the gateway (`setup(app, api, conversations)` from bot/app.py).

- log records are masked (bot/privacy/logs.py);
- "vergeet mij": the action server's action_forget_me answers with its confirmation and
  json_message {"type": "forget_me"}; `forget_me` deletes the Rasa tracker, handoff record
  and history, and only when every store answered does the user get the confirmation. If one
  did not (e.g. no tracker store at TRACKER_STORE_URL), the user is told it did not work and
  what to do, and the log says why. On the web the conversation goes on (the id still works;
  only the confirmation is left). On WhatsApp the conversation and the phone number are
  deleted too (the confirmation goes to the number kept in memory); the user's next message
  starts a new conversation.
- `DELETE /api/v1/conversations/{id}`: the same, for the whole conversation, at once (503 with
  a Dutch message when a store did not answer);
- retention at start-up and then every PRIVACY_RETENTION_EVERY_HOURS.
"""

from __future__ import annotations

import asyncio
import logging
from typing import List, Optional

from aiohttp import web

from bot.conversations import Conversations
from bot.http import CONFIG, Refused, find_conversation, json_response
from bot.privacy import logs, retention
from bot.privacy.forget import Forgetter, Forgotten
from bot.privacy.settings import PrivacySettings
from bot.privacy.tracker import RasaTrackerStore
from bot.replies import BotRequest, Outgoing
from bot.store import Conversation, Message
from locales import N_, translate

log = logging.getLogger(__name__)

DELETED_TEXT = N_(
    "Je gesprek is gewist, met alles wat je ons vertelde. Wil je verder praten? Begin dan een nieuw gesprek."
)
NOT_FORGOTTEN_TEXT = N_(
    "Het wissen is niet gelukt door een storing. Wat je ons vertelde, is dus "
    "nog niet (helemaal) gewist. Probeer het over een paar minuten opnieuw. "
    "Lukt het dan nog steeds niet? Neem contact met ons op via de "
    "privacyverklaring, dan wissen wij het voor je."
)


class Privacy:
    def __init__(self, conversations: Conversations, settings: PrivacySettings):
        self.conversations = conversations
        self.settings = settings
        self.forgetter = Forgetter(conversations.store, RasaTrackerStore(settings.tracker_store_url))
        self.retention_runs = 0
        self.last_retention: Optional[retention.RetentionReport] = None
        self._retention_ran = asyncio.Event()

    async def forget_me(
        self, conversation: Conversation, _request: BotRequest, confirmation: List[Outgoing]
    ) -> List[Message]:
        """Confirmed bot request "forget_me", inside the conversation's turn (no other message
        of it is handled meanwhile): delete, then deliver the bot's confirmation."""
        channel = self.conversations.outputs.get(conversation.channel)
        number = None
        try:
            if conversation.external_id is None:  # web: keep the id working
                gone = await self.forgetter.conversation(conversation.id, keep_conversation=True)
            else:  # WhatsApp: the conversation and the phone number go as well
                number = await channel.number(conversation) if channel else None
                gone = await self.forgetter.conversation(conversation.id)
        except Exception:
            log.exception("forget me failed in conversation %s; the user is told so", conversation.id)
            return await self.conversations.deliver_all(
                conversation,
                [Outgoing(sender="system", text=translate(NOT_FORGOTTEN_TEXT, conversation.language))],
            )
        await self._forgotten(conversation.id, gone)
        if conversation.external_id is None:
            return await self.conversations.deliver_all(conversation, confirmation)
        if number is not None:
            try:
                await channel.send_unstored(number, confirmation)
            except Exception:  # the deletion stands; only the confirmation is missing
                log.exception("confirmation of forget me not sent (conversation %s)", conversation.id)
        return []

    async def delete_conversation(self, request: web.Request) -> web.Response:
        """DELETE /api/v1/conversations/{conversation_id}"""
        conversation = await find_conversation(request)
        # Wait for a message of this conversation that is being handled, so nothing is
        # written after the deletion.
        async with self.conversations.lock(conversation.id):
            try:
                gone = await self.forgetter.conversation(conversation.id)
            except Exception:
                log.exception("DELETE of conversation %s failed", conversation.id)
                raise Refused(
                    503,
                    "not_deleted",
                    NOT_FORGOTTEN_TEXT,
                    "not every store could delete the conversation; see the gateway log",
                    retry_after=60,
                ) from None  # logged above
        await self._forgotten(conversation.id, gone)
        message = translate(DELETED_TEXT, conversation.language)
        return json_response({"conversation_id": conversation.id, "deleted": True, "message": message})

    async def _forgotten(self, conversation_id: str, gone: Forgotten) -> None:
        await self.conversations.hub.publish(conversation_id, {"type": "forgotten"})

    # -- retention ---------------------------------------------------------------------

    async def run_retention(self) -> retention.RetentionReport:
        report = await retention.apply(self.forgetter, self.settings.retention_days)
        self.retention_runs += 1
        self.last_retention = report
        self._retention_ran.set()
        return report

    async def retention_ran(self) -> None:
        """Wait for the start-up retention run (tests)."""
        await self._retention_ran.wait()

    async def _retention_loop(self) -> None:
        while True:
            try:
                await self.run_retention()
            except Exception as error:  # the database may be away for a moment; next round
                log.warning(
                    "retention failed (%s); trying again in %s h",
                    type(error).__name__,
                    self.settings.retention_every_hours,
                )
            await asyncio.sleep(self.settings.retention_every_hours * 3600)

    async def lifecycle(self, _app: web.Application):
        """cleanup_ctx (after the database's): retention at start-up, then periodically."""
        task = asyncio.get_running_loop().create_task(self._retention_loop())
        yield
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await asyncio.to_thread(self.forgetter.tracker.close)


PRIVACY = web.AppKey("privacy", Privacy)


def setup(
    app: web.Application, api: web.Application, conversations: Conversations, settings: Optional[PrivacySettings] = None
) -> Privacy:
    logs.install()
    settings = settings or getattr(app[CONFIG], "privacy", None) or PrivacySettings.from_env()
    privacy = Privacy(conversations, settings)
    app[PRIVACY] = privacy
    conversations.confirmed_request_handlers["forget_me"] = privacy.forget_me
    api.router.add_delete("/v1/conversations/{conversation_id}", privacy.delete_conversation)
    app.cleanup_ctx.append(privacy.lifecycle)
    return privacy
