"""How fast the operators' insights answer (bot/insights.py) on a large database.

Generates N conversations (default 100,000) spread over 60 days for 3 tenants, each with
1-4 user messages and as many bot answers, a rated answer in one of 5, a handoff in one of 20
(half of them served), then times `InsightStore.figures` for a week and a month of one tenant
(both periods: the JSON answer computes the period before as well), 5 times each.

  .venv/bin/python benchmarks/insights_bench.py [--conversations N] [--url sqlite:///…|postgresql://…]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from bot.feedback import feedback  # noqa: E402
from bot.handoff.tables import handoffs  # noqa: E402
from bot.insights import InsightStore, period_of  # noqa: E402
from bot.store import Store, conversations, messages  # noqa: E402

TENANTS = ("brabant", "twente", "noord")


def generate(engine, n: int, now: datetime) -> None:
    rng = random.Random(7)
    batch_c, batch_m, batch_f, batch_h = [], [], [], []
    message_id = 0
    for i in range(n):
        cid = f"bench{i:08d}xxxxxxxxxxxxxxxx"
        tenant = TENANTS[i % 3]
        start = now - timedelta(seconds=rng.randrange(60 * 86400))
        batch_c.append(
            dict(
                id=cid,
                tenant=tenant,
                channel="web" if i % 4 else "whatsapp",
                mode="bot",
                external_id=None,
                created_at=start,
                updated_at=start,
            )
        )
        for turn in range(rng.randint(1, 4)):
            at = start + timedelta(minutes=turn)
            message_id += 2
            batch_m.append(
                dict(id=message_id - 1, conversation_id=cid, sender="user", text="vraag", data={}, created_at=at)
            )
            batch_m.append(
                dict(
                    id=message_id,
                    conversation_id=cid,
                    sender="bot",
                    text="antwoord",
                    data={"feedback": "funding"},
                    created_at=at,
                )
            )
        if i % 5 == 0:
            batch_f.append(
                dict(
                    conversation_id=cid,
                    message_id=message_id,
                    tenant=tenant,
                    channel="web",
                    topic="funding",
                    rating=rng.choice((1, -1)),
                    comment="te lang" if i % 15 == 0 else None,
                    created_at=start,
                    updated_at=start,
                )
            )
        if i % 20 == 0:
            batch_h.append(
                dict(
                    conversation_id=cid,
                    tenant=tenant,
                    channel="web",
                    status="closed",
                    reason="vraag",
                    profile={},
                    shown_modules=[],
                    created_at=start,
                    claimed_at=start + timedelta(seconds=rng.randrange(600)) if i % 40 == 0 else None,
                    outcome="handed_back" if i % 40 == 0 else "cancelled",
                    closed_at=start,
                )
            )
        if len(batch_m) > 20000 or i == n - 1:
            with engine.begin() as db:
                db.execute(insert(conversations), batch_c)
                db.execute(insert(messages), batch_m)
                if batch_f:
                    db.execute(insert(feedback), batch_f)
                if batch_h:
                    db.execute(insert(handoffs), batch_h)
            batch_c, batch_m, batch_f, batch_h = [], [], [], []


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="insights-bench-")
    url = args.url or f"sqlite:///{folder}/insights.db"
    store = Store(url)
    await store.open()
    now = datetime.now(timezone.utc)
    started = time.perf_counter()
    generate(store.engine, args.conversations, now)
    print(
        f"generated {args.conversations:,} conversations in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})"
    )
    insights = InsightStore(store)
    for name in ("week", "month"):
        period = period_of(name, None, now)
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            current = await insights.figures("twente", period)
            await insights.figures("twente", period.before())
            times.append(time.perf_counter() - t0)
        print(
            f"{name:5s}: answer (both periods) median {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms; {current['conversations_active']:,} active conversations, "
            f"{current['user_messages']:,} user messages"
        )
    await store.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
