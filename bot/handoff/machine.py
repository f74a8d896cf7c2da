"""The handoff state machine: bot -> waiting -> advisor -> bot, kept in the database.

Hooked into the core (bot/conversations.py):
- `on_bot_request` is `bot_request_handlers["handoff"]`: the bot's json_message
  {"type": "handoff", "reason", "profile", "shown_modules"}, sent after the user said yes to
  "Mag ik je gesprek ... doorsturen naar een adviseur?". Within office hours and with an
  advisor of the tenant online the case joins the queue; otherwise the user is offered a
  callback request or going on with the bot.
- `on_user_message` is `advisor_relay`: what the user says while the bot is quiet. It reaches
  the advisor (the message is already stored and pushed live by the core); the gateway itself
  answers only stop/callback/back-to-the-bot choices, a greeting or call for a person while
  that choice is open (nobody reads it: the choice again; any other message goes to the bot),
  and the callback questions.
Advisors act through `claim`, `reply`, `add_note` and `close` (bot/handoff/routes.py).
Consoles follow a tenant's cases on the hub key "advisors:<tenant>".
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Callable, Dict, List, Optional, Sequence

from bot.conversations import Conversations
from bot.feedback import FeedbackStore
from bot.handoff import dialogue as say
from bot.handoff.accounts import AccountStore, Advisor
from bot.handoff.callback import read_answer
from bot.handoff.cases import Case, CaseStore, Note
from bot.handoff.settings import HandoffSettings
from database.types import utcnow
from bot.replies import BotRequest, Outgoing
from bot.store import Conversation, Message
from locales import translate

log = logging.getLogger(__name__)

MAX_REASON = 64
PROFILE_VALUE_CHARS = 200


def console_key(tenant: str) -> str:
    """Hub key for the consoles of a tenant (conversation ids never contain a colon)."""
    return f"advisors:{tenant}"


def _clean_profile(profile) -> dict:
    """Only plain values from the bot's profile dict reach the database and the console."""
    if not isinstance(profile, dict):
        return {}
    clean = {}
    for key, value in list(profile.items())[:40]:
        if isinstance(value, (bool, int, float)) or value is None:
            clean[str(key)[:40]] = value
        elif isinstance(value, str):
            clean[str(key)[:40]] = value[:PROFILE_VALUE_CHARS]
    return clean


def _clean_modules(modules) -> List[str]:
    if not isinstance(modules, list):
        return []
    return [str(m)[:64] for m in modules if isinstance(m, (str, int))][:50]


class Handoffs:
    def __init__(
        self,
        conversations: Conversations,
        settings: HandoffSettings,
        clock: Callable[[], datetime] = utcnow,
        feedback: Optional[FeedbackStore] = None,
    ):
        self.conversations = conversations
        self.feedback = feedback  # the user's 1-5 at the end (None: not asked for)
        self.hub = conversations.hub
        self.cases = CaseStore(conversations.store)
        self.accounts = AccountStore(conversations.store, settings)
        self.settings = settings
        self.clock = clock  # tests move time forward

    # -- helpers -------------------------------------------------------------------------------

    async def _say(self, conversation: Conversation, text: str, buttons: Sequence[dict] = (), **values) -> Message:
        """One of the gateway's handoff texts (dialogue.py, Dutch msgids) in the conversation's
        language, {placeholders} filled in, spaces folded (an empty {hours})."""
        language = conversation.language
        text = " ".join(translate(text, language, **values).split())
        buttons = [{**b, "title": translate(b["title"], language)} for b in buttons]
        return await self.conversations.deliver_to_user(
            conversation, Outgoing(sender="bot", text=text, buttons=buttons)
        )

    def _hours(self, conversation: Conversation, tenant: str) -> str:
        return translate(self._hours_text(tenant), conversation.language)

    async def _mode_changed(self, conversation_id: str, mode: str) -> None:
        await self.hub.publish(conversation_id, {"type": "mode", "mode": mode})

    async def _tell_consoles(self, case: Case, event: str) -> None:
        await self.hub.publish(console_key(case.tenant), {"type": event, "handoff_id": case.id, "status": case.status})

    async def unavailable(self, tenant: str) -> Optional[str]:
        """None when an advisor can take a case now; else "closed" (outside office hours)
        or "nobody" (no advisor of the tenant online)."""
        if self._office_closed(tenant):
            return "closed"
        since = self.clock() - timedelta(seconds=self.settings.online_seconds)
        return None if await self.accounts.online(tenant, since) else "nobody"

    async def wait_minutes(self, case: Case, position: int) -> Optional[int]:
        average = await self.cases.average_wait_seconds(case.tenant)
        if average is None:
            return None
        return max(1, round(average * position / 60))

    def _office_closed(self, tenant: str) -> bool:
        config = self.conversations.tenants.get(tenant)
        return config is None or not config.office_hours.is_open(self.clock())

    def _hours_text(self, tenant: str) -> str:
        config = self.conversations.tenants.get(tenant)
        return config.office_hours.text if config else ""

    # -- the bot asks for a handoff ------------------------------------------------------------

    async def on_bot_request(self, conversation: Conversation, request: BotRequest) -> List[Message]:
        data = request.data
        reason = data.get("reason") if isinstance(data.get("reason"), str) else ""
        reason = reason.strip()[:MAX_REASON] or "gebruiker_vraagt_adviseur"
        history = await self.conversations.store.messages(conversation.id)
        unavailable = await self.unavailable(conversation.tenant)
        case, created = await self.cases.create(
            conversation.id,
            conversation.tenant,
            conversation.channel,
            "waiting" if unavailable is None else "offered",
            reason,
            _clean_profile(data.get("profile")),
            _clean_modules(data.get("shown_modules")),
            history[-1].id if history else None,
            self.clock(),
        )
        if not created:
            log.info(
                "conversation %s asked for a handoff again while case %s is %s", conversation.id, case.id, case.status
            )
            return []
        log.info("handoff case %s (%s, %s): %s", case.id, case.tenant, reason, case.status)
        await self._mode_changed(conversation.id, "waiting")
        if case.status == "waiting":
            await self._tell_consoles(case, "queued")
            position = await self.cases.position(case)
            text = say.queue_text(position, await self.wait_minutes(case, position), conversation.language)
            return [await self._say(conversation, text, [say.STOP_WAITING])]
        if unavailable == "closed":
            hours = self._hours(conversation, case.tenant)
            return [await self._say(conversation, say.CLOSED_NOW, [say.CALLBACK, say.CONTINUE], hours=hours)]
        return [await self._say(conversation, say.NOBODY_NOW, [say.CALLBACK, say.CONTINUE])]

    # -- the user speaks while the bot is quiet --------------------------------------------------

    async def on_user_message(self, conversation: Conversation, message: Message) -> List[Message]:
        typed = message.typed if message.typed is not None else (message.text or "")
        for _ in range(3):  # a lost race (e.g. claimed just now) is handled in the new status
            case = await self.cases.open_for(conversation.id)
            if case is None:
                # The mode says "not the bot" but no case is open (e.g. closed by hand):
                # the bot takes over again rather than leaving the user without an answer.
                log.warning(
                    "conversation %s was in mode %s without an open handoff case", conversation.id, conversation.mode
                )
                await self.conversations.set_mode(conversation, "bot")
                return await self.conversations.ask_bot(conversation, message.payload or message.text or typed)
            handle = {
                "offered": self._offered,
                "waiting": self._waiting,
                "active": self._active,
                "collecting": self._collecting,
            }[case.status]
            answers = await handle(conversation, case, message, typed)
            if answers is not None:
                return answers
        return []

    async def _back_to_bot(
        self,
        conversation: Conversation,
        case: Case,
        outcome: str,
        text: Optional[str] = None,
        ask: Optional[str] = None,
    ) -> Optional[List[Message]]:
        now = self.clock()
        closed = await self.cases.transition(
            case.id, (case.status,), "closed", now, mode="bot", outcome=outcome, closed_at=now
        )
        if closed is None:
            return None
        await self._mode_changed(conversation.id, "bot")
        await self._tell_consoles(closed, "closed")
        if ask is not None:
            return await self.conversations.ask_bot(conversation, ask)
        return [await self._say(conversation, text, say.menu())]

    async def _offered(self, conversation, case, message, typed):
        payload = message.payload
        if say.wants_callback(typed, payload):
            return await self._start_callback(conversation, case)
        if say.wants_to_stop(typed, payload) or say.wants_the_bot(typed, payload):
            return await self._back_to_bot(conversation, case, "continued_with_bot", text=say.CONTINUE_OK)
        if say.calls_for_someone(typed):
            # "hallo, is daar iemand?": nobody reads it now; the choice again, for this moment.
            if self._office_closed(case.tenant):
                hours = self._hours(conversation, case.tenant)
                return [await self._say(conversation, say.CLOSED_STILL, [say.CALLBACK, say.CONTINUE], hours=hours)]
            return [await self._say(conversation, say.NOBODY_STILL, [say.CALLBACK, say.CONTINUE])]
        # Anything else ("welke cursussen zijn er in Almelo?"): the user goes on; the bot answers.
        return await self._back_to_bot(conversation, case, "continued_with_bot", ask=payload or message.text or typed)

    async def _start_callback(self, conversation, case):
        moved = await self.cases.transition(case.id, (case.status,), "collecting", self.clock())
        if moved is None:
            return None
        if case.status == "waiting":
            await self._tell_consoles(moved, "left_queue")
        return [await self._say(conversation, say.ASK_NAME)]

    async def _waiting(self, conversation, case, message, typed):
        payload = message.payload
        if say.wants_to_stop(typed, payload):
            return await self._back_to_bot(conversation, case, "cancelled", text=say.CANCELLED)
        if case.long_wait_offered_at is not None:  # the user was offered other ways
            if say.wants_callback(typed, payload):
                return await self._start_callback(conversation, case)
            if say.wants_the_bot(typed, payload):
                return await self._back_to_bot(conversation, case, "continued_with_bot", text=say.CONTINUE_OK)
            if say.wants_to_wait(typed, payload):
                position = say.position_text(await self.cases.position(case), conversation.language)
                return [await self._say(conversation, say.STILL_WAITING, position=position)]
        await self._tell_consoles(case, "user_message")
        now = self.clock()
        # Lines of the user's story get a notice at most every HANDOFF_NOTICE_EVERY_SECONDS;
        # a question or greeting ("hallo, is daar iemand?") always gets an answer.
        if (
            case.noticed_at is not None
            and not say.is_remark(typed)
            and (now - case.noticed_at).total_seconds() < self.settings.notice_every_seconds
        ):
            return []
        noticed = await self.cases.transition(case.id, ("waiting",), "waiting", now, noticed_at=now)
        if noticed is None:
            return None
        position = say.position_text(await self.cases.position(noticed), conversation.language)
        if case.long_wait_offered_at is not None:  # still nobody free: the other ways again
            return [
                await self._say(
                    conversation, say.LONG_WAIT_AGAIN, [say.KEEP_WAITING, say.CALLBACK, say.CONTINUE], position=position
                )
            ]
        return [await self._say(conversation, say.MESSAGE_KEPT, position=position)]

    async def _active(self, conversation, case, message, typed):
        # Typed text is for the advisor; only the explicit "Stop met wachten" button ends it.
        if message.payload == say.STOP_WAITING["payload"]:
            return await self._back_to_bot(conversation, case, "cancelled", text=say.LEFT_ADVISOR)
        await self._tell_consoles(case, "user_message")
        return []

    async def _collecting(self, conversation, case, message, typed):
        if say.wants_to_stop(typed, message.payload):
            return await self._back_to_bot(conversation, case, "cancelled", text=say.CALLBACK_STOPPED)
        # Name, phone number and e-mail are kept in the case only, not in the transcript.
        await self.cases.redact_message(message.id, say.REDACTED)
        answer = read_answer(typed)
        values = {}
        if case.callback_name is None and answer.name:
            values["callback_name"] = answer.name
        if answer.contact:
            values.update(callback_contact=answer.contact, callback_kind=answer.kind)
        name = case.callback_name or answer.name
        kind = answer.kind or case.callback_kind
        now = self.clock()
        if name and (answer.contact or case.callback_contact):
            saved = await self.cases.transition(case.id, ("collecting",), "callback", now, mode="bot", **values)
            if saved is None:
                return None
            await self._mode_changed(conversation.id, "bot")
            await self._tell_consoles(saved, "callback")
            saved_text = say.CALLBACK_SAVED_PHONE if kind == "phone" else say.CALLBACK_SAVED_EMAIL
            return [await self._say(conversation, saved_text, say.menu(), hours=self._hours(conversation, case.tenant))]
        if values and await self.cases.transition(case.id, ("collecting",), "collecting", now, **values) is None:
            return None
        if not values and answer.problem is None and say.is_remark(typed):
            # "hallo, is daar iemand?" instead of an answer: say why we ask, and ask again
            question = translate(say.WHAT_CONTACT if name else say.WHAT_NAME, conversation.language)
            return [await self._say(conversation, say.NOBODY_CHATS, question=question)]
        elif not name:
            reply = say.ASK_NAME_AFTER_CONTACT if answer.contact else say.BAD_NAME
        elif answer.problem == "phone":
            reply = say.BAD_PHONE
        elif answer.problem == "email":
            reply = say.BAD_EMAIL
        elif answer.name and case.callback_name is None:
            reply = say.ASK_CONTACT
        else:
            reply = say.NO_CONTACT
        return [await self._say(conversation, reply)]

    # -- advisors -------------------------------------------------------------------------------

    async def claim(self, case: Case, advisor: Advisor) -> Optional[Case]:
        """Take a waiting case; None when another advisor (or the user) was first."""
        now = self.clock()
        claimed = await self.cases.transition(
            case.id, ("waiting",), "active", now, mode="advisor", advisor_id=advisor.id, claimed_at=now
        )
        if claimed is None:
            return None
        conversation = await self.conversations.store.get_conversation(case.conversation_id)
        await self._mode_changed(case.conversation_id, "advisor")
        await self._say(conversation, say.CLAIMED, name=advisor.name)
        await self._tell_consoles(claimed, "claimed")
        return claimed

    async def reply(self, case: Case, advisor: Advisor, text: str) -> Message:
        conversation = await self.conversations.store.get_conversation(case.conversation_id)
        return await self.conversations.deliver_to_user(conversation, Outgoing(sender="advisor", text=text))

    async def add_note(self, case: Case, advisor: Advisor, text: str) -> Note:
        note = await self.cases.add_note(case.id, advisor.id, text, self.clock())
        await self._tell_consoles(case, "note")
        return note

    async def close(self, case: Case, advisor: Advisor, note: str = "") -> Optional[Case]:
        """Hand the conversation back to the bot (which greets the user and keeps the profile),
        or mark a callback request as done. None when the case was not open any more."""
        now = self.clock()
        if case.status == "callback":
            closed = await self.cases.transition(
                case.id,
                ("callback",),
                "closed",
                now,
                outcome="called_back",
                closed_at=now,
                advisor_id=case.advisor_id or advisor.id,
            )
        else:
            closed = await self.cases.transition(
                case.id,
                ("waiting", "active"),
                "closed",
                now,
                mode="bot",
                outcome="handed_back",
                closed_at=now,
                advisor_id=case.advisor_id or advisor.id,
            )
        if closed is None:
            return None
        if note:
            await self.cases.add_note(case.id, advisor.id, note, now)
        if case.status != "callback":
            conversation = await self.conversations.store.get_conversation(case.conversation_id)
            await self._mode_changed(case.conversation_id, "bot")
            await self._say(conversation, say.WELCOME_BACK, say.menu())
            if case.status == "active":  # an advisor talked with the user: one tap rates the help
                await self._say(conversation, say.RATE_HANDOFF, say.rating_buttons())
        await self._tell_consoles(closed, "closed")
        return closed

    async def on_rating(self, conversation: Conversation, said: Message) -> List[Message]:
        """A tapped 1-5 after a handoff: stored with the question that offered it (the newest
        bot message with these buttons); thanked. A payload no question offered is the bot's."""
        score = say.rating_score(said.payload)
        history = await self.conversations.store.messages(conversation.id)
        question = next(
            (
                m
                for m in reversed(history)
                if m.sender == "bot"
                and m.text == translate(say.RATE_HANDOFF, conversation.language)
                and said.payload in [b["payload"] for b in m.buttons]
            ),
            None,
        )
        if score is None or question is None or self.feedback is None:
            return await self.conversations.ask_bot(conversation, said.payload or said.text or "")
        await self.feedback.rate_handoff(conversation.id, question.id, score)
        return [await self._say(conversation, say.RATED)]

    # -- housekeeping ---------------------------------------------------------------------------

    async def housekeep(self) -> None:
        """Expired logins go; a user who waits too long, or whose tenant has nobody left to
        take the case, is offered a callback request or the bot (once)."""
        now = self.clock()
        await self.accounts.purge_expired(now)
        unavailable: Dict[str, Optional[str]] = {}
        for case in await self.cases.waiting_since_before(now):
            too_long = (now - case.created_at).total_seconds() >= self.settings.max_wait_seconds
            if not too_long:
                if case.tenant not in unavailable:
                    unavailable[case.tenant] = await self.unavailable(case.tenant)
                if unavailable[case.tenant] is None:
                    continue
            offered = await self.cases.transition(
                case.id, ("waiting",), "waiting", now, only_if_unset="long_wait_offered_at", long_wait_offered_at=now
            )
            if offered is not None:
                conversation = await self.conversations.store.get_conversation(case.conversation_id)
                await self._say(conversation, say.LONG_WAIT, [say.KEEP_WAITING, say.CALLBACK, say.CONTINUE])

    async def lifecycle(self, _app):
        """cleanup_ctx: housekeeping every HANDOFF_HOUSEKEEPING_SECONDS while the gateway runs."""

        async def loop():
            while True:
                try:
                    await self.housekeep()
                except Exception:  # the next round tries again
                    log.exception("handoff housekeeping failed")
                await asyncio.sleep(self.settings.housekeeping_seconds)

        task = asyncio.get_running_loop().create_task(loop())
        yield
        task.cancel()
