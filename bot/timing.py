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

    def stages(self) -> Dict[str, float]:
        """Seconds so far: `total` (the handler), the waits (`rasa`, `db`) and `gw`, the rest:
        the gateway's own work on the event loop."""
        total = time.perf_counter() - self.started
        return {"total": total, **self.waits, "gw": total - sum(self.waits.values())}

    def header(self, stages: Optional[Dict[str, float]] = None) -> str:
        """Server-Timing value of `stages` (default: now) in milliseconds."""
        stages = stages or self.stages()
        waits = sorted(name for name in stages if name not in ("total", "gw"))
        order = ["total", *waits, "gw"]
        return ", ".join(f"{name};dur={stages[name] * 1000:.1f}" for name in order)


def spent(name: str, seconds: float) -> None:
    """Count `seconds` of waiting for `name` in the current timed request, if any."""
    timings = _current.get()
    if timings is not None:
        timings.waits[name] = timings.waits.get(name, 0.0) + seconds
