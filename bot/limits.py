"""Limits on what users send and read: text size and cleanliness, message and read rates,
open websockets.

Each refusal carries a short Dutch sentence (a msgid, locales/) the channel shows the user in
the conversation's language (`Refused.message_in`).
Rates and sockets are counted in this process: with several gateway instances each one
applies the limits to what reaches it.
"""

from __future__ import annotations

import math
import time
import unicodedata
from collections import Counter, deque
from typing import Deque, Dict, Optional, Tuple

from bot.settings import Rate
from bot.http import Refused
from locales import N_

KEEP_CONTROL = {"\n", "\t"}


def dutch_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def dutch_wait(seconds: int) -> str:
    """ "45 seconden", "1 minuut", "40 minuten": how long to wait, in words a user reads easily."""
    if seconds < 120:
        return f"{seconds} seconden"
    minutes = math.ceil(seconds / 60)
    return "1 minuut" if minutes == 1 else f"{dutch_number(minutes)} minuten"


def clean_user_text(text: str, max_chars: int) -> str:
    """Normalise what a user typed; refuse empty or too long text."""
    text = unicodedata.normalize("NFC", text)
    # Control characters and lone surrogates can't be shown or stored; newlines stay.
    text = "".join(ch for ch in text if ch in KEEP_CONTROL or unicodedata.category(ch) not in ("Cc", "Cs")).strip()
    if not text:
        raise Refused(
            422,
            "empty_message",
            N_("Je bericht is leeg. Typ je vraag en verstuur die opnieuw."),
            "text is empty after removing whitespace and control characters",
        )
    if len(text) > max_chars:
        raise Refused(
            413,
            "message_too_long",
            N_(
                "Je bericht is te lang ({length} tekens). Er passen maximaal {maximum} tekens in één "
                "bericht. Kun je het korter zeggen, of in twee berichten?"
            ),
            f"text has {len(text)} characters; the maximum is {max_chars}",
            values={"length": len(text), "maximum": max_chars},
        )
    return text


class RateLimiter:
    """Sliding window: at most `rate.count` hits per `rate.seconds` for each key."""

    def __init__(self, rate: Rate, clock=time.monotonic):
        self.rate = rate
        self.clock = clock
        self._hits: Dict[str, Deque[float]] = {}

    def hit(self, key: str) -> Optional[int]:
        """Count one hit; None when allowed, else the seconds to wait."""
        now = self.clock()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.rate.seconds:
            hits.popleft()
        if len(hits) >= self.rate.count:
            return max(1, math.ceil(hits[0] + self.rate.seconds - now))
        hits.append(now)
        if len(self._hits) > 10_000:
            self._forget_idle(now)
        return None

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= now - self.rate.seconds]:
            del self._hits[key]


class FailureBackoff:
    """Failed attempts per key, with a wait that doubles (logins: per e-mail address and client,
    and per client).

    The first `rate.count` failures are free. After that the key waits `rate.seconds` before its
    next attempt, and twice as long after every further failure (at most `max_wait`). A key is
    forgotten `rate.seconds` after its wait has ended without a new failure. An attempt counts
    as a failure from the moment it starts (so parallel guesses count too); `forgive` takes one
    back when the attempt turned out right.
    """

    def __init__(self, rate: Rate, clock=time.monotonic, max_wait: float = 3600):
        self.rate = rate
        self.clock = clock
        self.max_wait = max_wait
        self._failures: Dict[str, Tuple[int, float]] = {}  # key -> (failures, time of the last)

    def _wait_after(self, failures: int) -> float:
        if failures < self.rate.count:
            return 0.0
        return min(self.max_wait, self.rate.seconds * 2 ** min(failures - self.rate.count, 20))

    def _current(self, key: str, now: float) -> Tuple[int, float]:
        failures, last = self._failures.get(key, (0, now))
        if failures and now > last + self._wait_after(failures) + self.rate.seconds:
            del self._failures[key]
            return 0, now
        return failures, last

    def wait(self, key: str) -> Optional[int]:
        """Seconds the key must still wait before its next attempt, or None."""
        now = self.clock()
        failures, last = self._current(key, now)
        remaining = last + self._wait_after(failures) - now
        return math.ceil(remaining) if remaining > 0 else None

    def failed(self, key: str) -> None:
        now = self.clock()
        failures, _ = self._current(key, now)
        self._failures[key] = (failures + 1, now)
        if len(self._failures) > 10_000:
            for old in list(self._failures):
                self._current(old, now)  # forgets it when its time is over

    def forgive(self, key: str) -> None:
        failures, last = self._failures.get(key, (0, 0.0))
        if failures <= 1:
            self._failures.pop(key, None)
        else:
            self._failures[key] = (failures - 1, last)


def too_fast(retry_after: int) -> Refused:
    return Refused(
        429,
        "rate_limited",
        N_("Je stuurt veel berichten kort na elkaar. Wacht {seconds} seconden en probeer het dan opnieuw."),
        f"too many requests; retry after {retry_after} s",
        retry_after=retry_after,
        values={"seconds": retry_after},
    )


def reading_too_fast(retry_after: int) -> Refused:
    return Refused(
        429,
        "rate_limited",
        N_("Dit gesprek wordt te vaak opgehaald. Wacht {seconds} seconden en probeer het dan opnieuw."),
        f"too many reads; retry after {retry_after} s",
        retry_after=retry_after,
        values={"seconds": retry_after},
    )


class OpenLimit:
    """At most `limit` things open at once per key (websockets per conversation, per client)."""

    def __init__(self, limit: int):
        self.limit = limit
        self._open: Counter = Counter()

    def open(self, key: str) -> bool:
        """Count one more open; False (and nothing counted) when the key is at its limit."""
        if self._open[key] >= self.limit:
            return False
        self._open[key] += 1
        return True

    def close(self, key: str) -> None:
        self._open[key] -= 1
        if self._open[key] <= 0:
            del self._open[key]


def too_many_sockets(per_conversation: bool) -> Refused:
    if per_conversation:
        return Refused(
            429,
            "too_many_connections",
            N_(
                "Dit gesprek is al open in te veel vensters of tabbladen. Sluit er een paar en probeer het dan opnieuw."
            ),
            "too many open websockets for this conversation",
            retry_after=30,
        )
    return Refused(
        429,
        "too_many_connections",
        N_(
            "Er zijn vanaf jouw internetverbinding te veel gesprekken tegelijk open. Sluit een "
            "paar vensters en probeer het later opnieuw."
        ),
        "too many open websockets from this client address",
        retry_after=30,
    )
