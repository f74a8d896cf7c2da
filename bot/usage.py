"""What the assistant did in each conversation, for the regions' insights (bot/insights.py).

The actions tell it, because they know what a turn meant: json_message
{"type": "insight", "events": [{"kind", "key", "label"}], "missed": text} (actions/usage.py).
- every user turn: its intent; the theme, place and education level it gave (canonical values);
  the funding schemes it named;
- a page of module cards: each module shown; a module's details; its "Aanmelden" steps;
- a turn the NLU did not understand (nlu_fallback, out_of_scope): the text as Rasa got it,
  masked again here, for the list of misses an operator labels with the right intent (the
  choices become Rasa NLU training data: `nlu_yaml`).

Only canonical keys and labels are stored as events, never one person's words, except the
masked text of a miss. Rows carry the conversation's id, so "vergeet mij" and retention delete
them with the rest of the conversation (bot/privacy/forget.py deletes every table with a
conversation_id).
"""

from __future__ import annotations

import logging
import re
from typing import Dict, Iterable, List, Optional

import yaml
from aiohttp import web
from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, insert, update

from bot.privacy import mask_for_storage
from bot.replies import BotRequest
from bot.store import Conversation, Store, StoreFacade
from database.metadata import metadata
from database.types import UTCDateTime, utcnow

log = logging.getLogger(__name__)

KINDS = ("intent", "theme", "place", "level", "scheme", "module_shown", "module_details", "signup")
MISSED_INTENTS = ("nlu_fallback", "out_of_scope")  # the turns counted as misses
EVENTS_PER_TURN = 40  # a page of cards is at most a few modules; more is not from our actions
KEY_CHARS, LABEL_CHARS, MISS_CHARS = 80, 200, 500

events = Table(
    "gw_insight_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), ForeignKey("gw_conversations.id"), nullable=False),
    Column("tenant", String(32), nullable=False),
    Column("kind", String(24), nullable=False),  # see KINDS
    Column("key", String(KEY_CHARS), nullable=False),  # intent name, theme id, module id, ...
    Column("label", String(LABEL_CHARS), nullable=True),  # what people read: the module's title
    Column("created_at", UTCDateTime, nullable=False),
    # covering the insights' counts (tenant, kind, period -> key, label): no row lookups
    Index("ix_gw_insight_events_tenant_kind_created", "tenant", "kind", "created_at", "key", "label"),
    Index("ix_gw_insight_events_conversation", "conversation_id"),
)

misses = Table(
    "gw_misses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), ForeignKey("gw_conversations.id"), nullable=False),
    Column("tenant", String(32), nullable=False),
    Column("nlu_intent", String(64), nullable=False),  # nlu_fallback or out_of_scope
    Column("text", Text, nullable=False),  # masked
    Column("group_key", String(MISS_CHARS), nullable=False),  # similar texts share it
    Column("intent", String(64), nullable=True),  # the right intent, chosen by an operator
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_gw_misses_tenant_created", "tenant", "created_at"),
    Index("ix_gw_misses_conversation", "conversation_id"),
)

_NOT_WORD = re.compile(r"[^\w]+")
_DIGITS = re.compile(r"\d+")


def group_key(text: str) -> str:
    """Texts that differ only in case, punctuation, spaces or numbers share a group
    ("Hoe laat is het?" and "hoe laat is het")."""
    return " ".join(_DIGITS.sub("0", _NOT_WORD.sub(" ", text.lower())).split())[:MISS_CHARS]


def clean_events(raw: object) -> List[Dict[str, Optional[str]]]:
    """The well-formed events of one request: known kinds, string keys, cut to size."""
    cleaned = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or item.get("kind") not in KINDS:
            continue
        key, label = item.get("key"), item.get("label")
        if not isinstance(key, str) or not key.strip():
            continue
        cleaned.append(
            {
                "kind": item["kind"],
                "key": key.strip()[:KEY_CHARS],
                "label": label.strip()[:LABEL_CHARS] if isinstance(label, str) and label.strip() else None,
            }
        )
    return cleaned[:EVENTS_PER_TURN]


class UsageStore(StoreFacade):
    async def on_bot_request(self, conversation: Conversation, request: BotRequest) -> List:
        """The "insight" request of a turn (Conversations.bot_request_handlers): stored,
        nothing said to the user."""
        found = clean_events(request.data.get("events"))
        missed = request.data.get("missed")
        missed_text = mask_for_storage(missed.strip())[:MISS_CHARS] if isinstance(missed, str) else ""
        intent = next((e["key"] for e in found if e["kind"] == "intent"), "")
        if found or missed_text:
            await self._run(_record, self.engine, conversation, found, missed_text, intent)
        return []

    async def label(self, tenant: str, ids: Iterable[int], intent: Optional[str]) -> int:
        """An operator's choice of the right intent for misses of their tenant."""
        return await self._run(_label, self.engine, tenant, list(ids), intent)


def _record(engine, conversation: Conversation, found: List[dict], missed_text: str, intent: str) -> None:
    now = utcnow()
    with engine.begin() as db:
        if found:
            db.execute(
                insert(events),
                [dict(e, conversation_id=conversation.id, tenant=conversation.tenant, created_at=now) for e in found],
            )
        if missed_text:
            db.execute(
                insert(misses).values(
                    conversation_id=conversation.id,
                    tenant=conversation.tenant,
                    nlu_intent=(intent if intent in MISSED_INTENTS else MISSED_INTENTS[0]),
                    text=missed_text,
                    group_key=group_key(missed_text) or "-",
                    created_at=now,
                )
            )


def _label(engine, tenant: str, ids: List[int], intent: Optional[str]) -> int:
    if not ids:
        return 0
    with engine.begin() as db:
        return db.execute(
            update(misses).where(misses.c.tenant == tenant, misses.c.id.in_(ids)).values(intent=intent)
        ).rowcount


def nlu_yaml(labelled: Dict[str, List[str]]) -> str:
    """Rasa NLU training data (data/nlu format, version 3.1) of the labelled misses: one
    block per intent, each text once, for a developer to review and add."""
    blocks = []
    for intent in sorted(labelled):
        texts = sorted({" ".join(t.split()) for t in labelled[intent] if t.strip()})
        if texts:
            blocks.append({"intent": intent, "examples": "".join(f"- {t}\n" for t in texts)})
    return yaml.dump(
        {"version": "3.1", "nlu": blocks}, Dumper=_LiteralDumper, allow_unicode=True, sort_keys=False, width=1000
    )


class _LiteralDumper(yaml.SafeDumper):
    """Writes `examples` as a literal block (`examples: |`), as Rasa's own data files."""


_LiteralDumper.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None),
)


USAGE = web.AppKey("usage", UsageStore)


def setup(app: web.Application, conversations, store: Store) -> UsageStore:
    """Wired in bot/app.py: the "insight" requests of the bot's turns are stored here."""
    usage = UsageStore(store)
    app[USAGE] = usage
    conversations.bot_request_handlers["insight"] = usage.on_bot_request
    return usage
