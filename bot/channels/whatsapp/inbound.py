"""Meta's `messages` webhook payloads -> what the channel acts on.

Shape (messages webhook reference,
developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages):
{"object": "whatsapp_business_account", "entry": [{"id": WABA_ID, "changes": [{"field": "messages",
  "value": {"metadata": {"phone_number_id": ...}, "contacts": [...],
            "messages": [{"from", "id", "timestamp", "type", "text"|"interactive"|"image"|...}],
            "statuses": [{"id", "status", "recipient_id", "timestamp", "errors"?}]}}]}]}
One delivery may hold several entries, changes, messages and statuses; everything is read,
not only entry[0].changes[0].messages[0]. Unknown fields and types are tolerated.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, List, Optional

MEDIA_TYPES = {"image", "audio", "video", "document", "sticker"}
# Nothing to answer: "user opened the chat", number changes. (A reaction is kind "reaction":
# 👍/👎 on a bot answer is feedback, bot/feedback.py; nothing is answered either.)
SILENT_TYPES = {"request_welcome", "system", "ephemeral"}
ID_PATTERN = re.compile(r"^[0-9A-Za-z._:=+/-]{1,255}$")
WA_ID_PATTERN = re.compile(r"^[0-9A-Za-z._-]{1,64}$")


@dataclass(frozen=True)
class Inbound:
    """One message from a user. kind: text | reply | reaction | media | silent | other.

    Read back from the inbox (crash recovery), `wamid` is None and so is `wa_id` unless the
    user had no contact yet (bot/channels/whatsapp/tables.py keeps only what processing needs)."""

    wamid: Optional[str]
    wa_id: Optional[str]  # the phone number
    kind: str
    timestamp: Optional[int] = None
    text: Optional[str] = None  # typed text, or the title of the tapped button/row
    reply_id: Optional[str] = None  # id of the tapped reply button or list row
    media_type: Optional[str] = None
    user_key: Optional[str] = None  # the sender's pseudonym (signature.user_key): the channel
    reacted_to: Optional[str] = None  # a reaction: the id (wamid) of the message reacted to

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Inbound":
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class StatusError:
    code: Optional[int]
    title: str = ""
    details: str = ""


@dataclass(frozen=True)
class Status:
    """What became of a message we sent: sent | delivered | read | failed (| played ...)."""

    wamid: str
    status: str
    recipient_id: Optional[str] = None  # the user's phone number
    timestamp: Optional[int] = None
    errors: List[StatusError] = field(default_factory=list)


@dataclass
class Delivery:
    messages: List[Inbound] = field(default_factory=list)
    statuses: List[Status] = field(default_factory=list)
    skipped: int = 0  # items for another phone number or without the fields we need
    errors: List[StatusError] = field(default_factory=list)  # value.errors (webhook-level)


def _int(value: Any) -> Optional[int]:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _str(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _errors(items: Any) -> List[StatusError]:
    errors = []
    for item in _list(items):
        if isinstance(item, dict):
            data = item.get("error_data") if isinstance(item.get("error_data"), dict) else {}
            errors.append(
                StatusError(
                    code=_int(item.get("code")),
                    title=str(item.get("title") or item.get("message") or ""),
                    details=str(data.get("details") or ""),
                )
            )
    return errors


def parse_message(item: Any) -> Optional[Inbound]:
    if not isinstance(item, dict):
        return None
    wamid, wa_id, kind = _str(item.get("id")), _str(item.get("from")), _str(item.get("type"))
    if not (wamid and ID_PATTERN.match(wamid) and wa_id and WA_ID_PATTERN.match(wa_id)):
        return None
    common = dict(wamid=wamid, wa_id=wa_id, timestamp=_int(item.get("timestamp")))
    body = item.get(kind) if kind and isinstance(item.get(kind), dict) else {}
    if kind == "text":
        return Inbound(kind="text", text=_str(body.get("body")) or "", **common)
    if kind == "interactive":
        reply_type = body.get("type")
        reply = body.get(reply_type) if reply_type in ("button_reply", "list_reply") else None
        if isinstance(reply, dict) and _str(reply.get("id")):
            return Inbound(kind="reply", reply_id=reply["id"], text=_str(reply.get("title")) or "", **common)
        return Inbound(kind="other", **common)
    if kind == "button":  # quick-reply button of a template message
        return Inbound(kind="text", text=_str(body.get("text")) or "", **common)
    if kind == "reaction":  # text: the emoji ("" when the reaction is taken back)
        reacted_to = _str(body.get("message_id"))
        if reacted_to and ID_PATTERN.match(reacted_to):
            return Inbound(kind="reaction", reacted_to=reacted_to, text=_str(body.get("emoji")) or "", **common)
        return Inbound(kind="silent", **common)
    if kind in MEDIA_TYPES:
        return Inbound(kind="media", media_type=kind, **common)
    if kind in SILENT_TYPES:
        return Inbound(kind="silent", **common)
    return Inbound(kind="other", **common)  # location, contacts, order, unsupported, ...


def parse_status(item: Any) -> Optional[Status]:
    if not isinstance(item, dict):
        return None
    wamid, status = _str(item.get("id")), _str(item.get("status"))
    if not (wamid and status and ID_PATTERN.match(wamid)):  # as for messages (found by fuzzing)
        return None
    recipient = _str(item.get("recipient_id"))
    recipient = recipient if recipient and WA_ID_PATTERN.match(recipient) else None
    return Status(
        wamid=wamid,
        status=status,
        recipient_id=recipient,
        timestamp=_int(item.get("timestamp")),
        errors=_errors(item.get("errors")),
    )


def parse_delivery(data: Any, phone_number_id: str) -> Delivery:
    """Everything in one webhook delivery that is meant for our phone number."""
    delivery = Delivery()
    if not isinstance(data, dict) or data.get("object") != "whatsapp_business_account":
        return delivery
    for entry in _list(data.get("entry")):
        for change in _list(entry.get("changes") if isinstance(entry, dict) else None):
            if not isinstance(change, dict) or change.get("field") != "messages":
                continue
            value = change.get("value") if isinstance(change.get("value"), dict) else {}
            metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
            messages, statuses = _list(value.get("messages")), _list(value.get("statuses"))
            if str(metadata.get("phone_number_id")) != phone_number_id:
                delivery.skipped += len(messages) + len(statuses)
                continue
            delivery.errors.extend(_errors(value.get("errors")))
            for item in messages:
                message = parse_message(item)
                if message is None:
                    delivery.skipped += 1
                else:
                    delivery.messages.append(message)
            for item in statuses:
                status = parse_status(item)
                if status is None:
                    delivery.skipped += 1
                else:
                    delivery.statuses.append(status)
    return delivery
