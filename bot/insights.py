"""Insights for a region's operators: what the assistant did in a period, from the gateway's
own tables (conversations, messages, handoffs, feedback, and what each turn meant:
bot/usage.py), next to the period before.

GET /advisor/api/insights?tenant=brabant&period=week[&end=2026-12-07]  (operators of that
tenant only) answers JSON; add `&format=csv` for the same figures as CSV. Only counts and
aggregates, never one person: comments are shown masked (as stored), without the conversation.

A period is a day, a week (7 days) or a month (30 days) ending at the end of day `end` in the
region's time zone (its office hours'; default: the last 24 hours, 7 or 30 days until now);
`previous` is the period just before it, for comparison. `series` has the figures of the
current period per local hour (a day) or per local day, `misses` the not-understood messages
(grouped when similar, newest first) with the intent an operator chose, and `intents` the
choices (the Rasa model's intents; `intent_labels`: their names as the actions sent them).
`&format=csv&table=NAME` gives one table as CSV (CSV_TABLES).
GET /advisor/api/insights/nlu?tenant= answers the labelled misses as Rasa NLU training data.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Dict, List, Optional
from zoneinfo import ZoneInfo

import locales
from aiohttp import web
from sqlalchemy import and_, case, distinct, func, select

from bot.config import DEFAULT_TIMEZONE, Tenant
from bot.feedback import HANDOFF_TOPIC, feedback
from bot.handoff.tables import handoffs
from bot.http import INVALID_TEXT, Refused, iso
from bot.rasa_client import RasaClient
from bot.store import Store, StoreFacade, conversations, messages
from bot.usage import MISSED_INTENTS, events, misses, nlu_yaml
from database.types import utcnow

PERIODS = {"day": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=30)}
COMMENTS = 20  # newest comments shown
TOP = 10  # entries of a top list
MISS_GROUPS = 50  # groups of not-understood messages shown
TOPICS = {"intent": "intents", "theme": "themes", "place": "places", "level": "levels", "scheme": "schemes"}
MODULE_KINDS = {"module_shown": "shown", "module_details": "details", "signup": "signups"}
SERIES = ("conversations", "turns", "missed", "handoffs")  # turns: the user messages the bot read
# The tables `&format=csv&table=` gives, with their columns.
CSV_TABLES = {
    **{name: ("key", "label", "count") for name in TOPICS.values()},
    "modules": ("key", "label", "shown", "details", "signups"),
    "series": ("at",) + SERIES,
    "misses": ("text", "count", "last_at", "intent"),
}
NOT_LABELS = {"nlu_fallback", "faq"}  # no training data for these (faq: its sub-intents)


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    def before(self) -> "Period":
        return Period(self.start - (self.end - self.start), self.start)


def period_of(name: str, end: Optional[str], now: Optional[datetime] = None, zone: Optional[ZoneInfo] = None) -> Period:
    """The period `name` ending at the end of day `end` (YYYY-MM-DD, a day in the tenant's
    time zone `zone`), or now."""
    if name not in PERIODS:
        raise Refused(422, "invalid_request", INVALID_TEXT, f"period must be one of {', '.join(PERIODS)}")
    if end:
        try:
            day = datetime.strptime(end, "%Y-%m-%d").date()
        except ValueError:
            raise Refused(422, "invalid_request", INVALID_TEXT, "end must be a date YYYY-MM-DD") from None
        # whole local days: the day summer time starts has 23 hours
        local = zone or ZoneInfo(DEFAULT_TIMEZONE)
        first = day + timedelta(days=1) - PERIODS[name]
        return Period(
            datetime.combine(first, time.min, tzinfo=local).astimezone(timezone.utc),
            datetime.combine(day + timedelta(days=1), time.min, tzinfo=local).astimezone(timezone.utc),
        )
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
    def __init__(self, store: Store, rasa: Optional[RasaClient] = None, tenants: Optional[Dict[str, Tenant]] = None):
        super().__init__(store)
        self.rasa = rasa
        self.tenants = tenants or {}

    async def figures(self, tenant: str, period: Period, lists: bool = True) -> Dict:
        """The period's figures; with `lists` also its top lists (not for the period before)."""
        figures = await self._run(_figures, self.engine, tenant, period, lists)
        hours = self.tenants[tenant].office_hours if tenant in self.tenants else None
        created = figures["handoffs"].pop("created")
        figures["handoffs"]["outside_office_hours"] = sum(1 for at in created if hours and not hours.is_open(at))
        return figures

    def zone(self, tenant: str) -> ZoneInfo:
        """The tenant's time zone (its office hours'): days and hours of its insights are local."""
        hours = self.tenants[tenant].office_hours if tenant in self.tenants else None
        return ZoneInfo(hours.timezone if hours else DEFAULT_TIMEZONE)

    async def series(self, tenant: str, period: Period) -> Dict:
        return await self._run(_series, self.engine, tenant, period, self.zone(tenant))

    async def misses(self, tenant: str, period: Period) -> List[Dict]:
        return await self._run(_misses, self.engine, tenant, period)

    async def intents(self, tenant: str) -> List[str]:
        """What a miss can be labelled with: the model's intents (with the FAQ's sub-intents),
        asked of Rasa; while Rasa is away, the intents seen in this tenant's conversations."""
        known = await self.rasa.intents() if self.rasa is not None else None
        if known is None:
            known = await self._run(_seen_intents, self.engine, tenant)
        return sorted(set(known) - NOT_LABELS)

    async def intent_labels(self, tenant: str, period: Period) -> Dict[str, str]:
        """How the actions named the intents asked in the period ("Een cursus zoeken")."""
        return await self._run(_intent_labels, self.engine, tenant, period)

    async def nlu(self, tenant: str) -> str:
        return nlu_yaml(await self._run(_labelled, self.engine, tenant))


def _in(table, tenant: str, period: Period):
    return and_(table.c.tenant == tenant, table.c.created_at >= period.start, table.c.created_at < period.end)


def _counted(db, tenant: str, period: Period, kinds) -> List:
    return db.execute(
        select(events.c.kind, events.c.key, func.max(events.c.label).label("label"), func.count().label("n"))
        .where(_in(events, tenant, period), events.c.kind.in_(list(kinds)))
        .group_by(events.c.kind, events.c.key)
    ).all()


def _what_was_asked(db, tenant: str, period: Period, lists: bool) -> Dict:
    """The turns and the misses; the modules shown, opened and signed up for; with `lists`
    the top lists of intents, themes, places, levels and schemes, and of modules."""
    totals = dict(
        db.execute(
            select(events.c.kind, func.count())
            .where(_in(events, tenant, period), events.c.kind.in_(["intent", *MODULE_KINDS]))
            .group_by(events.c.kind)
        ).all()
    )
    turns = int(totals.get("intent", 0))
    missed = dict(
        db.execute(
            select(misses.c.nlu_intent, func.count()).where(_in(misses, tenant, period)).group_by(misses.c.nlu_intent)
        ).all()
    )
    missed_turns = sum(int(n) for n in missed.values())
    figures = {
        "turns": turns,
        "missed_turns": missed_turns,
        "missed_rate": round(missed_turns / turns, 3) if turns else None,
        "fallback_rate": round(int(missed.get("nlu_fallback", 0)) / turns, 3) if turns else None,
        "out_of_scope_rate": round(int(missed.get("out_of_scope", 0)) / turns, 3) if turns else None,
        "top": {},
        "modules": {name: int(totals.get(kind, 0)) for kind, name in MODULE_KINDS.items()},
    }
    if lists:
        figures["top"] = _top_lists(db, tenant, period)
        figures["modules"]["top"] = _top_modules(db, tenant, period)
    return figures


def _top_lists(db, tenant: str, period: Period) -> Dict[str, List[Dict]]:
    top: Dict[str, List[Dict]] = {name: [] for name in TOPICS.values()}
    for row in _counted(db, tenant, period, TOPICS):
        top[TOPICS[row.kind]].append({"key": row.key, "label": row.label or row.key, "count": int(row.n)})
    return {name: sorted(items, key=lambda item: (-item["count"], item["key"]))[:TOP] for name, items in top.items()}


def _top_modules(db, tenant: str, period: Period) -> List[Dict]:
    """The modules that led furthest: signed up for, then opened, then shown."""
    modules: Dict[str, Dict] = {}
    for row in _counted(db, tenant, period, MODULE_KINDS):
        module = modules.setdefault(row.key, {"key": row.key, "label": row.key, "shown": 0, "details": 0, "signups": 0})
        module[MODULE_KINDS[row.kind]] = int(row.n)
        module["label"] = row.label or module["label"]
    return sorted(modules.values(), key=lambda m: (-m["signups"], -m["details"], -m["shown"], m["key"]))[:TOP]


def _figures(engine, tenant: str, period: Period, lists: bool = True) -> Dict:
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
                conversations.c.language,
                func.count().label("conversations"),
                func.sum(users.c.said).label("said"),
                func.sum(case((conversations.c.created_at < period.start, 1), else_=0)).label("came_back"),
            )
            .select_from(users.join(conversations, conversations.c.id == users.c.conversation_id))
            .where(conversations.c.tenant == tenant)
            .group_by(conversations.c.channel, conversations.c.language)
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
        asked = _what_was_asked(db, tenant, period, lists)
    waits = [(c.claimed_at - c.created_at).total_seconds() for c in cases if c.claimed_at is not None]
    answers = [r for r in ratings if r.topic != HANDOFF_TOPIC]
    handoff_scores = [r for r in ratings if r.topic == HANDOFF_TOPIC]
    return {
        "conversations_started": int(created or 0),
        "conversations_active": sum(int(r.conversations) for r in active),
        "conversations_returning": sum(int(r.came_back or 0) for r in active),
        "user_messages": sum(int(r.said or 0) for r in active),
        "channels": _per(active, "channel"),
        "languages": _per(active, "language"),  # the language each conversation was in (bot/language.py)
        "handoffs": {
            "requests": len(cases),
            "served": sum(1 for c in cases if c.claimed_at is not None),
            "callbacks": sum(1 for c in cases if c.status == "callback" or c.outcome == "called_back"),
            "given_up": sum(
                1 for c in cases if c.claimed_at is None and c.outcome in ("cancelled", "continued_with_bot")
            ),
            "waiting_now": sum(1 for c in cases if c.status == "waiting"),
            "created": [c.created_at for c in cases],  # for outside_office_hours (InsightStore)
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
        **asked,
    }


def _hour(engine, column):
    """The UTC hour of a timestamp, as text the same on SQLite and PostgreSQL."""
    if engine.dialect.name == "postgresql":
        return func.to_char(column, 'YYYY-MM-DD"T"HH24:00')
    return func.strftime("%Y-%m-%dT%H:00", column)


def _local(hour: str, zone: ZoneInfo, unit: str) -> str:
    """A UTC hour ("2026-03-29T01:00") as the local hour or day it falls in."""
    at = datetime.strptime(hour, "%Y-%m-%dT%H:%M").replace(tzinfo=timezone.utc).astimezone(zone)
    return at.strftime("%Y-%m-%dT%H:00" if unit == "hour" else "%Y-%m-%d")


def _buckets(period: Period, unit: str, zone: ZoneInfo) -> List[str]:
    """The local hours (a day) or days (a week, a month) of the period, in order."""
    at = period.start.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)
    names: Dict[str, None] = {}
    while at < period.end:
        names[_local(at.strftime("%Y-%m-%dT%H:00"), zone, unit)] = None
        at += timedelta(hours=1)
    return list(names)


def _series(engine, tenant: str, period: Period, zone: ZoneInfo) -> Dict:
    """Counts per local hour (a day) or local day: counted per UTC hour in SQL, folded into the
    tenant's time zone here (whole-hour offsets, summer time included)."""
    unit = "hour" if period.end - period.start <= timedelta(days=1) else "day"
    points = {name: dict.fromkeys(SERIES, 0) for name in _buckets(period, unit, zone)}

    def count(name: str, table, *where) -> None:
        bucket = _hour(engine, table.c.created_at).label("bucket")
        query = select(bucket, func.count()).where(*where).group_by(bucket)
        with engine.connect() as db:
            for hour, n in db.execute(query):
                at = _local(hour, zone, unit)
                if at in points:
                    points[at][name] += int(n)

    count("conversations", conversations, _in(conversations, tenant, period))
    count("turns", events, _in(events, tenant, period), events.c.kind == "intent")
    count("missed", misses, _in(misses, tenant, period))
    count("handoffs", handoffs, _in(handoffs, tenant, period))
    return {"unit": unit, "points": [{"at": at, **figures} for at, figures in points.items()]}


def _misses(engine, tenant: str, period: Period) -> List[Dict]:
    """Not-understood messages, grouped when similar (bot/usage.group_key), newest first."""
    with engine.connect() as db:
        groups = db.execute(
            select(misses.c.group_key, func.max(misses.c.id).label("last"))
            .where(_in(misses, tenant, period))
            .group_by(misses.c.group_key)
            .order_by(func.max(misses.c.id).desc())
            .limit(MISS_GROUPS)
        ).all()
        rows = db.execute(
            select(misses.c.id, misses.c.group_key, misses.c.text, misses.c.intent, misses.c.created_at)
            .where(_in(misses, tenant, period), misses.c.group_key.in_([g.group_key for g in groups]))
            .order_by(misses.c.id.desc())
        ).all()
    items: Dict[str, Dict] = {}
    for row in rows:  # newest first: the first row of a group gives its text and time
        item = items.setdefault(
            row.group_key, {"ids": [], "text": row.text, "count": 0, "last_at": iso(row.created_at), "intent": None}
        )
        item["ids"].append(row.id)
        item["count"] += 1
        item["intent"] = item["intent"] or row.intent
    return [items[g.group_key] for g in groups if g.group_key in items]


def _seen_intents(engine, tenant: str) -> List[str]:
    with engine.connect() as db:
        return [
            key
            for (key,) in db.execute(
                select(distinct(events.c.key)).where(events.c.tenant == tenant, events.c.kind == "intent")
            )
            if key not in MISSED_INTENTS or key == "out_of_scope"
        ]


def _intent_labels(engine, tenant: str, period: Period) -> Dict[str, str]:
    with engine.connect() as db:
        return dict(
            db.execute(
                select(events.c.key, func.max(events.c.label))
                .where(_in(events, tenant, period), events.c.kind == "intent", events.c.label.isnot(None))
                .group_by(events.c.key)
            ).all()
        )


def _labelled(engine, tenant: str) -> Dict[str, List[str]]:
    labelled: Dict[str, List[str]] = {}
    with engine.connect() as db:
        for intent, text in db.execute(
            select(misses.c.intent, misses.c.text)
            .where(misses.c.tenant == tenant, misses.c.intent.isnot(None))
            .order_by(misses.c.id)
        ):
            labelled.setdefault(intent, []).append(text)
    return labelled


def _per(rows, column: str) -> Dict[str, int]:
    """Active conversations per value of `column` (rows are grouped by channel and language)."""
    counts: Dict[str, int] = {}
    for row in rows:
        key = getattr(row, column)
        counts[key] = counts.get(key, 0) + int(row.conversations)
    return counts


def rows_for_csv(report: Dict) -> List[List]:
    """One row per figure: name, this period, the period before."""
    rows = [["figure", "current", "previous"]]

    def walk(prefix: str, current, previous) -> None:
        if isinstance(current, dict) or isinstance(previous, dict):
            current, previous = current or {}, previous or {}
            for key in sorted(set(current) | set(previous)):
                walk(f"{prefix}.{key}" if prefix else key, current.get(key), previous.get(key))
        elif isinstance(current, list) or isinstance(previous, list):
            return  # top lists, per-topic lists and comments: their own tables (`table=`)
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
        "previous": await store.figures(tenant, period.before(), lists=False),
        "series": await store.series(tenant, period),
        "misses": await store.misses(tenant, period),
        "intents": await store.intents(tenant),
        "intent_labels": await store.intent_labels(tenant, period),
        # each language's own name (locales/<code>/language.yaml), for the console's rows
        "language_names": {code: locales.language_info(code).get("name", code) for code in locales.languages()},
    }


def table_rows(data: Dict, table: str) -> List[List]:
    """One of CSV_TABLES as rows, a header first."""
    if table not in CSV_TABLES:
        raise Refused(422, "invalid_request", INVALID_TEXT, f"table must be one of {', '.join(CSV_TABLES)}")
    if table in TOPICS.values():
        items = data["current"]["top"][table]
    elif table == "modules":
        items = data["current"]["modules"]["top"]
    elif table == "series":
        items = data["series"]["points"]
    else:
        items = data["misses"]
    columns = CSV_TABLES[table]
    return [list(columns)] + [["" if item.get(c) is None else item.get(c) for c in columns] for item in items]


def as_csv(data: Dict, table: Optional[str] = None) -> web.Response:
    out = io.StringIO()
    csv.writer(out).writerows(table_rows(data, table) if table else rows_for_csv(data))
    name = f"leerwijzer-{data['tenant']}-{table + '-' if table else ''}{data['period']}-{data['to'][:10]}.csv"
    return web.Response(
        text=out.getvalue(),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def setup(
    app: web.Application, store: Store, rasa: Optional[RasaClient] = None, tenants: Optional[Dict[str, Tenant]] = None
) -> InsightStore:
    insights = InsightStore(store, rasa, tenants)
    app[INSIGHTS] = insights
    return insights
