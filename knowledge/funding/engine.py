"""The one evaluator for all funding rules (three-valued: True, False, None = unknown).

The texts of the rules are Dutch; each is translated into the active language (locales.activate,
set per action run) before its placeholders are filled, so an English answer gets the English
sentence with the same facts (tests/locales/test_funding_texts.py checks every rule text has a
translation with the same placeholders)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, List, Optional


from locales import N_, _

from ..display import date_text
from ..textnl import format_eur
from ..types import FundingAdvice
from .rules import OUTCOMES, PERSON_FACTS, Rule

RANK = {o: i for i, o in enumerate(OUTCOMES)}
MISSING = object()


def _worst(a: str, b: str) -> str:
    return a if RANK[a] >= RANK[b] else b


class Facts:
    """Person facts (normalised profile), course facts (None when no module) and the date."""

    def __init__(self, person: dict, course: Optional[dict], as_of: date):
        self.person, self.course, self.as_of = person, course, as_of

    def get(self, fact: str) -> Any:
        if fact == "date":
            return self.as_of
        if fact.startswith("course."):
            if self.course is None:
                return MISSING
            return self.course.get(fact[7:])  # None = known to be absent
        if fact == "region" and "region" not in self.person and self.person.get("place") is not None:
            return "elders"  # a known place outside the three regions
        return self.person.get(fact, MISSING)


def _compare(op: str, value, arg) -> bool:
    if op == "exists":
        return (value is not None) == bool(arg)
    if op == "is":
        return bool(value) == bool(arg)
    if op in ("any_of", "none_of"):
        hit = bool(set(value or []) & set(arg))
        return hit if op == "any_of" else not hit
    if op == "in_ranges":
        return value is not None and any(
            date.fromisoformat(str(a)) <= value <= date.fromisoformat(str(b)) for a, b in arg
        )
    if op == "ne":
        return value != arg
    if op == "not_in":
        return value not in arg
    if value is None:
        return False
    if op == "eq":
        return value == arg
    if op == "in":
        return value in arg
    return {"lt": value < arg, "le": value <= arg, "gt": value > arg, "ge": value >= arg}[op]


def evaluate_test(node: dict, facts: Facts, unknown: List[str]) -> Optional[bool]:
    """True / False / None (unknown); names of unknown facts are appended to `unknown`."""
    if "all" in node:
        results = [evaluate_test(n, facts, unknown) for n in node["all"]]
        return False if False in results else (None if None in results else True)
    if "any" in node:
        results = [evaluate_test(n, facts, unknown) for n in node["any"]]
        return True if True in results else (None if None in results else False)
    if "not" in node:
        r = evaluate_test(node["not"], facts, unknown)
        return None if r is None else not r
    fact = node["fact"]
    op = next(k for k in node if k != "fact")
    value = facts.get(fact)
    if value is MISSING:
        unknown.append(fact)
        return None
    return _compare(op, value, node[op])


def _first_fact(node: dict) -> Optional[str]:
    if "fact" in node:
        return node["fact"]
    for key in ("all", "any"):
        if key in node:
            return _first_fact(node[key][0])
    return _first_fact(node["not"]) if "not" in node else None


_PLACEHOLDER = re.compile(r"\{([a-z_.]+)\}")
_LABELS = {
    "werkend": N_("werkende"),
    "werkzoekend": N_("werkzoekende"),
    "zzp": N_("zzp'er"),
    "werkgever": N_("werkgever"),
    "uitkering": N_("iemand met een uitkering"),
    "student": N_("student"),
}


def _t(text: str) -> str:
    """A rule's Dutch text in the active language (its placeholders still to fill)."""
    return _(text) if text else (text or "")


def render(text: str, facts: Facts, extra: Optional[dict] = None) -> str:
    """The text in the active language with its {fact} placeholders filled with readable
    values (euro amounts, dates)."""
    text = _t(text)

    def repl(m):
        key = m.group(1)
        if extra and key in extra:
            return str(extra[key])
        value = facts.get(key)
        if value is MISSING or value is None:
            return "?"
        if key.endswith("price_eur"):
            return format_eur(value)
        if isinstance(value, date):
            return date_text(value)
        if key == "employment_status":
            return _(_LABELS[value]) if value in _LABELS else value
        if isinstance(value, list):
            return ", ".join(map(str, value))
        return str(value)

    return _PLACEHOLDER.sub(repl, text or "")


def _amount_text(rule: Rule, facts: Facts, key: str = "text") -> str:
    """The amount for these facts: "text" in full, or "short" (empty when the rule has none),
    each with the figure for this course or company where the rule can compute it."""
    spec = rule.amount
    for variant in spec.get("variants") or []:
        if evaluate_test(variant["when"], facts, []) is True:
            spec = dict(spec, **variant)
            break
    if not spec.get(key):
        return ""
    text = render(spec[key], facts)
    if "percent" in spec:
        base = facts.get(spec.get("of", "course.price_eur"))
        if isinstance(base, (int, float)) and base > 0:
            part = base * spec["percent"] / 100
            if spec.get("max_eur") is not None:
                part = min(part, spec["max_eur"])
            text += " " + _(
                "Voor deze opleiding: {percent}% van {price} = {part}.",
                percent=spec["percent"],
                price=format_eur(base),
                part=format_eur(part),
            )
    if "base_eur" in spec:
        n = facts.get(spec["per_fact"])
        if isinstance(n, int):
            total = spec["base_eur"] + spec["per_eur"] * n
            text += " " + _(
                "Voor een bedrijf met {count} werknemers: {total} per jaar.", count=n, total=format_eur(total)
            )
    return text


def _fail_text(cond, facts: Facts) -> str:
    if isinstance(cond.fail, dict):
        fact = _first_fact(cond.test)
        value = facts.get(fact) if fact else None
        text = cond.fail.get(value, cond.fail.get("default", ""))
        return render(text, facts)  # render translates
    return render(cond.fail, facts)


def evaluate_rule(rule: Rule, facts: Facts) -> FundingAdvice:
    """One scheme for one set of facts."""
    base = dict(
        scheme_id=rule.id,
        name=_t(rule.name),
        applicant=rule.applicant,
        source_url=rule.source_url,
        source_date=rule.source_date,
        summary=_t(rule.summary),
        apply_at=_t(rule.apply_at),
        amount_short=_amount_text(rule, facts, "short"),
    )
    if rule.valid_until and facts.as_of > rule.valid_until:
        ended = rule.ended
        reasons = [render(r, facts) for r in ended.get("reasons", [])] or [
            _("Deze regeling is gestopt op {date}.", date=date_text(rule.valid_until))
        ]
        replaced_by = ended.get("replaced_by")
        return FundingAdvice(
            outcome="ended",
            reasons=reasons,
            amount_text=_t(ended.get("amount_text", N_("Niet meer beschikbaar."))),
            replaced_by=_t(replaced_by) if replaced_by else replaced_by,
            missing_facts=[],
            **base,
        )
    if rule.valid_from and facts.as_of < rule.valid_from:
        return FundingAdvice(
            outcome="not_eligible",
            reasons=[
                render(rule.not_yet, facts) or _("Deze regeling begint pas op {date}.", date=date_text(rule.valid_from))
            ],
            amount_text=_amount_text(rule, facts),
            missing_facts=[],
            **base,
        )

    outcome = "eligible"
    failed, unsure, passed, requirements = [], [], [], []
    missing: List[str] = []
    for cond in rule.conditions:
        downgrade = False
        if cond.when is not None:
            applies = evaluate_test(cond.when, facts, [])
            if applies is False:
                continue
            downgrade = applies is None  # might not apply: a failure only makes it 'maybe'
        unknown: List[str] = []
        result = evaluate_test(cond.test, facts, unknown)
        if result is True:
            if cond.ok:
                passed.append(render(cond.ok, facts))
        elif result is False:
            outcome = _worst(outcome, "maybe" if downgrade else cond.if_fail)
            (failed if cond.if_fail == "not_eligible" and not downgrade else unsure).append(_fail_text(cond, facts))
        elif facts.course is None and all(u.startswith("course.") for u in unknown):
            requirements.append(render(cond.require or cond.unknown, facts))  # depends on the course chosen
        else:
            outcome = _worst(outcome, cond.if_unknown)
            unsure.append(render(cond.unknown, facts))
            missing += [PERSON_FACTS[u] for u in unknown if u in PERSON_FACTS]
    for cap in rule.caps:
        if cap.when is None or evaluate_test(cap.when, facts, []) is True:
            if RANK[cap.outcome] > RANK[outcome]:
                outcome = cap.outcome
            unsure.append(render(cap.reason, facts))
    if outcome == "not_eligible":
        unsure = [u for u in unsure if u] if not failed else []
    reasons = [r for r in failed + unsure + passed if r]
    reasons += [_("Voorwaarde voor de opleiding: {requirement}", requirement=r) for r in requirements if r]
    reasons += [render(n, facts) for n in rule.notes]
    seen = []
    for m in missing:
        if m not in seen:
            seen.append(m)
    return FundingAdvice(
        outcome=outcome,
        reasons=reasons,
        amount_text=_amount_text(rule, facts),
        replaced_by=None,
        missing_facts=seen if outcome == "maybe" else [],
        **base,
    )
