"""What users think of the bot's answers: thumbs up/down on an answer with substance, with an
optional "Wat miste je?", a 👍/👎 reaction on WhatsApp, and a 1-5 for the advisor's help at the
end of a handoff (bot/handoff/machine.py asks it).

Which answers can be rated is decided where they are made: a message with module cards, and
an answer after which an action sent json_message {"type": "rateable", "topic"} (funding
advice, an FAQ answer; bot/replies.py). Such a message carries its topic (`feedback_topic`) and
the API shows `"rateable": true`.

One rating per message: rating again replaces it (a user may change their mind), a comment is
added to the rating it belongs to. Comments are masked like every stored text (bot/privacy).
Rows carry the conversation's id, so "vergeet mij" and retention delete them with the rest of
the conversation (bot/privacy/forget.py deletes every table with a conversation_id).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Optional

from aiohttp import web
from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, select, update
from sqlalchemy.exc import IntegrityError

from bot.http import Refused, find_conversation, json_response, read_json
from bot.limits import RateLimiter, too_fast
from bot.privacy import mask_for_storage
from bot.schemas import validate
from bot.settings import Rate
from bot.store import Store, StoreFacade, conversations, messages
from database.metadata import metadata
from database.types import UTCDateTime, utcnow

log = logging.getLogger(__name__)

UP, DOWN = 1, -1  # an answer's rating; a handoff's is its score, 1-5
HANDOFF_TOPIC = "handoff"
RATINGS = {"up": UP, "down": DOWN}
COMMENT_CHARS = 500
NOT_RATEABLE_TEXT = "Dit antwoord kun je niet beoordelen."
# Per conversation: far more than a person clicks, far less than a script would.
RATE_PER_CONVERSATION = Rate(30, 60)

feedback = Table(
    "gw_feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), ForeignKey("gw_conversations.id"), nullable=False),
    Column("message_id", Integer, ForeignKey("gw_messages.id"), nullable=False),
    Column("tenant", String(32), nullable=False),
    Column("channel", String(16), nullable=False),  # web | whatsapp
    Column("topic", String(80), nullable=False),  # modules, funding, faq/<key>, handoff
    Column("rating", Integer, nullable=False),  # 1 up, -1 down; handoff: 1-5
    Column("comment", Text, nullable=True),  # "Wat miste je?", masked
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("message_id", name="uq_gw_feedback_message"),
    Index("ix_gw_feedback_tenant_created", "tenant", "created_at"),
)


@dataclass(frozen=True)
class Rating:
    message_id: int
    topic: str
    rating: int
    comment: Optional[str]


class FeedbackStore(StoreFacade):
    """gw_feedback, next to the conversations it belongs to."""

    async def rate(
        self, conversation_id: str, message_id: int, rating: int, comment: Optional[str] = None
    ) -> Optional[Rating]:
        """Store (or replace) the rating of a rateable bot message of this conversation; a
        comment, when given, is stored masked. None when there is no such message."""
        return await self._save(conversation_id, message_id, None, rating, comment)

    async def rate_handoff(self, conversation_id: str, question_id: int, score: int) -> Optional[Rating]:
        """The user's 1-5 for the advisor's help, kept with the question that asked it (one per
        handoff; a second tap replaces it). None for a score outside 1-5 or an unknown question."""
        if not 1 <= score <= 5:
            return None
        return await self._save(conversation_id, question_id, HANDOFF_TOPIC, score, None)

    async def _save(
        self, conversation_id: str, message_id: int, topic: Optional[str], rating: int, comment: Optional[str]
    ) -> Optional[Rating]:
        comment = mask_for_storage(comment.strip()[:COMMENT_CHARS]) if comment and comment.strip() else None

        def _write():
            with self.engine.begin() as db:
                row = db.execute(
                    select(messages.c.data, conversations.c.tenant, conversations.c.channel)
                    .select_from(messages.join(conversations))
                    .where(
                        messages.c.id == message_id,
                        messages.c.conversation_id == conversation_id,
                        messages.c.sender == "bot",
                    )
                ).first()
                about = topic or ((row.data or {}).get("feedback") if row else None)
                if row is None or not about:
                    return None
                now = utcnow()
                changes = {"rating": rating, "updated_at": now}
                if comment is not None:
                    changes["comment"] = comment
                updated = db.execute(update(feedback).where(feedback.c.message_id == message_id).values(**changes))
                if updated.rowcount == 0:
                    db.execute(
                        feedback.insert().values(
                            conversation_id=conversation_id,
                            message_id=message_id,
                            tenant=row.tenant,
                            channel=row.channel,
                            topic=about,
                            created_at=now,
                            **changes,
                        )
                    )
                saved = db.execute(select(feedback.c.comment).where(feedback.c.message_id == message_id)).scalar()
                return Rating(message_id, about, rating, saved)

        try:
            return await self._run(_write)
        except IntegrityError:  # the same message rated twice at once: the second one updates
            return await self._run(_write)


FEEDBACK = web.AppKey("feedback", FeedbackStore)
FEEDBACK_LIMIT = web.AppKey("feedback_limit", RateLimiter)


async def post_feedback(request: web.Request) -> web.Response:
    """POST /api/v1/conversations/{conversation_id}/feedback"""
    conversation = await find_conversation(request)
    retry_after = request.config_dict[FEEDBACK_LIMIT].hit(conversation.id)
    if retry_after is not None:
        raise too_fast(retry_after)
    body = validate("NewFeedback", await read_json(request))
    saved = await request.config_dict[FEEDBACK].rate(
        conversation.id, body["message_id"], RATINGS[body["rating"]], body.get("comment")
    )
    if saved is None:
        raise Refused(404, "not_rateable", NOT_RATEABLE_TEXT, "no rateable bot message with this id here")
    return json_response(
        {
            "message_id": saved.message_id,
            "rating": body["rating"],
            "comment_saved": saved.comment is not None,
        }
    )


def reaction_rating(emoji: str) -> Optional[int]:
    """A WhatsApp reaction as a rating: 👍 up, 👎 down (any skin tone); others are not one."""
    base = emoji.strip()[:1] if emoji else ""
    return {"\U0001f44d": UP, "\U0001f44e": DOWN}.get(base)


def setup(app: web.Application, api: web.Application, store: Store) -> FeedbackStore:
    ratings = FeedbackStore(store)
    app[FEEDBACK] = ratings
    app[FEEDBACK_LIMIT] = RateLimiter(RATE_PER_CONVERSATION)
    api.router.add_post("/v1/conversations/{conversation_id}/feedback", post_feedback)
    return ratings
