"""How fast the operators' insights answer (bot/insights.py) on a large database.

Generates N conversations (default 100,000) spread over 60 days for 3 tenants, each with
1-4 user messages and as many bot answers, a rated answer in one of 5, a handoff in one of 20
(half of them served); what the turns meant (bot/usage.py): an intent per user message, a
theme, place and level in the first, a scheme in one of 6, three modules shown in one of 2,
details in one of 4, a sign-up in one of 10, a miss in one of 10 messages (a few texts, so they
group). Then times the whole answer of GET /advisor/api/insights (`insights.report`: both
periods, the series, the misses, the intents) for a day, a week and a month of one tenant, 5
times each.

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

from sqlalchemy import func, insert, select  # noqa: E402

from bot.feedback import feedback  # noqa: E402
from bot.handoff.tables import handoffs  # noqa: E402
from bot.insights import InsightStore, period_of, report  # noqa: E402
from bot.store import Store, conversations, messages  # noqa: E402
from bot.usage import events, group_key, misses  # noqa: E402

TENANTS = ("brabant", "twente", "noord")
INTENTS = ("search_course", "inform", "ask_funding", "course_details", "greet", "faq/evc", "affirm")
THEMES = ("warmtepompen", "zonne_energie", "installatietechniek", "bim", "laadinfra")
PLACES = ("Enschede", "Breda", "Eindhoven", "Groningen", "Emmen", "Tilburg", "Hengelo")
MISSED = ("hoe laat is het", "zet de timer op 5 minuten", "wat is het weer morgen", "bel me terug op 0612345678")


def generate(engine, n: int, now: datetime) -> None:
    rng = random.Random(7)
    batch_c, batch_m, batch_f, batch_h, batch_e, batch_x = [], [], [], [], [], []
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

        def meant(kind, key, at, label=None, cid=cid, tenant=tenant, batch=batch_e):
            batch.append(dict(conversation_id=cid, tenant=tenant, kind=kind, key=key, label=label, created_at=at))

        for turn in range(rng.randint(1, 4)):
            at = start + timedelta(minutes=turn)
            if rng.random() < 0.1:
                text = rng.choice(MISSED)
                meant("intent", "nlu_fallback", at)
                batch_x.append(
                    dict(
                        conversation_id=cid,
                        tenant=tenant,
                        nlu_intent="nlu_fallback",
                        text=text,
                        group_key=group_key(text),
                        created_at=at,
                    )
                )
            else:
                meant("intent", rng.choice(INTENTS), at)
            if turn == 0:
                meant("theme", rng.choice(THEMES), at)
                meant("place", rng.choice(PLACES), at)
                meant("level", rng.choice(("mbo2", "mbo3", "mbo4", "hbo")), at)
            if i % 6 == turn:
                meant("scheme", "levenlanglerenkrediet", at, "Levenlanglerenkrediet")
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
        if i % 2 == 0:
            for m in range(3):
                meant("module_shown", f"M{rng.randrange(200):03d}", start, f"Module {m}")
        if i % 4 == 0:
            meant("module_details", f"M{rng.randrange(200):03d}", start, "Module")
        if i % 10 == 0:
            meant("signup", f"M{rng.randrange(200):03d}", start, "Module")
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
                db.execute(insert(events), batch_e)
                if batch_x:
                    db.execute(insert(misses), batch_x)
            batch_c, batch_m, batch_f, batch_h, batch_e, batch_x = [], [], [], [], [], []


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
    if store.engine.dialect.name == "postgresql":  # what autovacuum does to a table that grew
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
            db.exec_driver_sql("VACUUM ANALYZE")
    print(
        f"generated {args.conversations:,} conversations in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})"
    )
    insights = InsightStore(store)
    with store.engine.connect() as db:
        rows = db.execute(select(func.count()).select_from(events)).scalar()
    print(f"{rows:,} insight events")
    for name in ("day", "week", "month"):
        period = period_of(name, None, now)
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            answer = await report(insights, "twente", period, name)
            times.append(time.perf_counter() - t0)
        current = answer["current"]
        print(
            f"{name:5s}: whole answer median {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms; {current['conversations_active']:,} active conversations, "
            f"{current['user_messages']:,} user messages, {current['turns']:,} turns, "
            f"{current['missed_turns']:,} missed in {len(answer['misses'])} groups"
        )
    await store.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
