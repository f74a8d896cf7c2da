"""Log records without personal identifiers.

`install()` wraps logging's record factory, so every record any logger creates in the
gateway process (ours, aiohttp's, SQLAlchemy's) has its message and its traceback masked
before any handler sees it: there is no handler or logger it could slip past.

Besides the identifiers of bot/privacy/pii.py (which include a WhatsApp number written
31612345678), a WhatsApp message id is masked: "wamid.HBgLMzE2…" encodes the sender's phone
number. SQL statements are logged without their parameters: every engine the project creates
has hide_parameters=True.
"""

from __future__ import annotations

import logging
import re

from bot.privacy import pii

WAMID = re.compile(r"wamid\.[A-Za-z0-9+/=_-]+")

_FORMATTER = logging.Formatter()
_installed = False


def mask(text: str) -> str:
    return WAMID.sub("[WAMID]", pii.mask(text))


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: logging reports that itself
        return record
    masked = mask(message)
    if masked != message:
        record.msg, record.args = masked, ()
    if record.exc_info and not record.exc_text:
        record.exc_text = mask(_FORMATTER.formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = mask(record.stack_info)
    return record


class MaskingFilter(logging.Filter):
    """The same as a handler filter, for handlers set up outside this process's factory."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


def install() -> None:
    """Mask every log record created from now on (idempotent)."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def masked_record(*args, **kwargs) -> logging.LogRecord:
        return mask_record(make_record(*args, **kwargs))

    logging.setLogRecordFactory(masked_record)
    _installed = True
