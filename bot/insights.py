"""Insights for a region's operators: what the assistant did in a period, from the gateway's
own tables (conversations, messages, handoffs, feedback), next to the period before.

GET /advisor/api/insights?tenant=brabant&period=week[&end=2026-12-07]  (operators of that
tenant only) answers JSON; add `&format=csv` for the same figures as CSV. Only counts and
aggregates, never one person: comments are shown masked (as stored), without the conversation.

A period is a day, a week (7 days) or a month (30 days) ending at `end` (default: now, UTC);
`previous` is the period just before it, for comparison.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Dict, List, Optional

from aiohttp import web
from sqlalchemy import and_, case, distinct, func, select

from bot.feedback import HANDOFF_TOPIC, feedback
from bot.handoff.tables import handoffs
from bot.http import INVALID_TEXT, Refused, iso
from bot.store import Store, StoreFacade, conversations, messages
from database.types import utcnow

PERIODS = {"day": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=30)}
COMMENTS = 20  # newest comments shown


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    def before(self) -> "Period":
        return Period(self.start - (self.end - self.start), self.start)


def period_of(name: str, end: Optional[str], now: Optional[datetime] = None) -> Period:
    """The period `name` ending at the end of day `end` (YYYY-MM-DD), or now."""
    if name not in PERIODS:
        raise Refused(422, "invalid_request", INVALID_TEXT, f"period must be one of {', '.join(PERIODS)}")
    if end:
        try:
            day = datetime.strptime(end, "%Y-%m-%d").date()
        except ValueError:
            raise Refused(422, "invalid_request", INVALID_TEXT, "end must be a date YYYY-MM-DD") from None
        stop = datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.utc)
    else:
        stop = now or utcnow()
    return Period(stop - PERIODS[name], stop)


def percentile(values: List[float], share: float) -> Optional[float]:
    """Nearest-rank percentile (share 0.5 = median); None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, int(-(-share * len(ordered) // 1)))  # ceil
    return ordered[rank - 1]


class InsightStore(StoreFacade):
    async def figures(self, tenant: str, period: Period) -> Dict:
        return await self._run(_figures, self.engine, tenant, period)


def _figures(engine, tenant: str, period: Period) -> Dict:
    in_period = and_(messages.c.created_at >= period.start, messages.c.created_at < period.end)
    with engine.connect() as db:
        created = db.execute(
            select(func.count()).where(
                conversations.c.tenant == tenant,
                conversations.c.created_at >= period.start,
                conversations.c.created_at < period.end,
            )
        ).scalar()
        users = (
            select(
                messages.c.conversation_id,
                func.count().label("said"),
            )
            .where(messages.c.sender == "user", in_period)
            .group_by(messages.c.conversation_id)
            .subquery()
        )
        active = db.execute(
            select(
                conversations.c.channel,
                func.count().label("conversations"),
                func.sum(users.c.said).label("said"),
                func.sum(case((conversations.c.created_at < period.start, 1), else_=0)).label("came_back"),
            )
            .select_from(users.join(conversations, conversations.c.id == users.c.conversation_id))
            .where(conversations.c.tenant == tenant)
            .group_by(conversations.c.channel)
        ).all()
        cases = db.execute(
            select(handoffs.c.status, handoffs.c.outcome, handoffs.c.created_at, handoffs.c.claimed_at).where(
                handoffs.c.tenant == tenant, handoffs.c.created_at >= period.start, handoffs.c.created_at < period.end
            )
        ).all()
        ratings = db.execute(
            select(
                feedback.c.topic,
                func.sum(case((feedback.c.rating > 0, 1), else_=0)).label("up"),
                func.sum(case((feedback.c.rating < 0, 1), else_=0)).label("down"),
                func.count(distinct(feedback.c.id)).label("n"),
                func.avg(feedback.c.rating).label("mean"),
            )
            .where(
                feedback.c.tenant == tenant, feedback.c.updated_at >= period.start, feedback.c.updated_at < period.end
            )
            .group_by(feedback.c.topic)
            .order_by(feedback.c.topic)
        ).all()
        comments = db.execute(
            select(feedback.c.topic, feedback.c.comment, feedback.c.updated_at)
            .where(
                feedback.c.tenant == tenant,
                feedback.c.comment.isnot(None),
                feedback.c.updated_at >= period.start,
                feedback.c.updated_at < period.end,
            )
            .order_by(feedback.c.updated_at.desc(), feedback.c.id.desc())
            .limit(COMMENTS)
        ).all()
    waits = [(c.claimed_at - c.created_at).total_seconds() for c in cases if c.claimed_at is not None]
    answers = [r for r in ratings if r.topic != HANDOFF_TOPIC]
    handoff_scores = [r for r in ratings if r.topic == HANDOFF_TOPIC]
    return {
        "conversations_started": int(created or 0),
        "conversations_active": sum(int(r.conversations) for r in active),
        "conversations_returning": sum(int(r.came_back or 0) for r in active),
        "user_messages": sum(int(r.said or 0) for r in active),
        "channels": {r.channel: int(r.conversations) for r in active},
        "handoffs": {
            "requests": len(cases),
            "served": sum(1 for c in cases if c.claimed_at is not None),
            "callbacks": sum(1 for c in cases if c.status == "callback" or c.outcome == "called_back"),
            "given_up": sum(
                1 for c in cases if c.claimed_at is None and c.outcome in ("cancelled", "continued_with_bot")
            ),
            "waiting_now": sum(1 for c in cases if c.status == "waiting"),
            "wait_seconds_p50": percentile(waits, 0.5),
            "wait_seconds_p90": percentile(waits, 0.9),
        },
        "feedback": {
            "up": sum(int(r.up or 0) for r in answers),
            "down": sum(int(r.down or 0) for r in answers),
            "per_topic": [{"topic": r.topic, "up": int(r.up or 0), "down": int(r.down or 0)} for r in answers],
            "handoff_ratings": sum(int(r.n) for r in handoff_scores),
            "handoff_score_mean": round(float(handoff_scores[0].mean), 2) if handoff_scores else None,
            "comments": [{"topic": c.topic, "comment": c.comment, "at": iso(c.updated_at)} for c in comments],
        },
    }


def rows_for_csv(report: Dict) -> List[List]:
    """One row per figure: name, this period, the period before."""
    rows = [["figure", "current", "previous"]]

    def walk(prefix: str, current, previous) -> None:
        if isinstance(current, dict) or isinstance(previous, dict):
            current, previous = current or {}, previous or {}
            for key in sorted(set(current) | set(previous)):
                walk(f"{prefix}.{key}" if prefix else key, current.get(key), previous.get(key))
        elif isinstance(current, list) or isinstance(previous, list):
            return  # per-topic lists and comments: their own tables (JSON)
        else:
            rows.append([prefix, "" if current is None else current, "" if previous is None else previous])

    walk("", report["current"], report["previous"])
    return rows


INSIGHTS = web.AppKey("insights", InsightStore)


async def report(store: InsightStore, tenant: str, period: Period, name: str) -> Dict:
    return {
        "tenant": tenant,
        "period": name,
        "from": iso(period.start),
        "to": iso(period.end),
        "current": await store.figures(tenant, period),
        "previous": await store.figures(tenant, period.before()),
    }


def as_csv(data: Dict) -> web.Response:
    out = io.StringIO()
    csv.writer(out).writerows(rows_for_csv(data))
    name = f"leerwijzer-{data['tenant']}-{data['period']}-{data['to'][:10]}.csv"
    return web.Response(
        text=out.getvalue(),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def setup(app: web.Application, store: Store) -> InsightStore:
    insights = InsightStore(store)
    app[INSIGHTS] = insights
    return insights
