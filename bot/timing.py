"""Where a request's time went, for the Server-Timing header of the message API.

A handler opens `Timings()` for its request; the Rasa client and the store add the time
they waited (`spent`). What is left of the request's time is the gateway's own work, the
figure benchmarks/load_bench.py reports as gateway overhead. Context variables follow the
request into tasks it starts (asyncio.shield), and outside a timed request `spent` does
nothing, so the cost is two clock reads per call.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import Dict, Optional

_current: ContextVar[Optional["Timings"]] = ContextVar("gateway_timings", default=None)


class Timings:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.waits: Dict[str, float] = {}
        _current.set(self)

    def header(self) -> str:
        """Server-Timing value in milliseconds: `total` (the handler), the waits (`rasa`,
        `db`) and `gw`, the rest: the gateway's own work on the event loop."""
        total = time.perf_counter() - self.started
        own = total - sum(self.waits.values())
        parts = [f"{name};dur={seconds * 1000:.1f}" for name, seconds in sorted(self.waits.items())]
        return ", ".join([f"total;dur={total * 1000:.1f}", *parts, f"gw;dur={own * 1000:.1f}"])


def spent(name: str, seconds: float) -> None:
    """Count `seconds` of waiting for `name` in the current timed request, if any."""
    timings = _current.get()
    if timings is not None:
        timings.waits[name] = timings.waits.get(name, 0.0) + seconds
