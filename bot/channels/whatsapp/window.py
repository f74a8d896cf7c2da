"""The 24-hour customer-service window.

Free-form messages (text, interactive) may be sent only within 24 hours of the user's last
message; outside it only an approved template may be sent, and Meta answers anything else
with error 131047 "Re-engagement message" (Cloud API error codes,
developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Optional

WINDOW = timedelta(hours=24)
# Stop a little early: a message sent at 23:59:59 may arrive at Meta after the window closed.
MARGIN = timedelta(minutes=2)


def now() -> datetime:
    return datetime.now(timezone.utc)


def is_open(last_user_message_at: Optional[datetime], at: datetime) -> bool:
    if last_user_message_at is None:
        return False
    return at < last_user_message_at + WINDOW - MARGIN


def user_message_time(timestamp: Optional[int], received: datetime) -> datetime:
    """When the user wrote: Meta's timestamp (Unix seconds), never later than now."""
    if timestamp is None:
        return received
    try:
        sent = datetime.fromtimestamp(int(timestamp), tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return received
    return min(sent, received)
