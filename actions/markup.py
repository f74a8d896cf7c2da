"""Bot texts are written in a small Markdown subset (what bot/static/widget.js renders:
**bold**, *italic*, [text](url), lists) with backslash escapes. Data from outside the bot
(a provider's course title or description, a hub's name from an import) goes into a text
through `md`, so "[Subsidie](https://…)" in a title stays text and never becomes a link.
WhatsApp shows text as it is; bot/channels/whatsapp/formatting.py removes the escapes there."""

from __future__ import annotations

import re
from typing import Any

SPECIAL = re.compile(r"([\\`*_\[\]])")


def md(value: Any) -> str:
    """The value as literal text in a bot message (Markdown characters escaped)."""
    return SPECIAL.sub(r"\\\1", "" if value is None else str(value))
