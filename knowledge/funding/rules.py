"""Loading and checking the declarative funding rule files (funding/rules/*.yaml).

A rule file describes one scheme: validity dates, conditions (each a small test on a fact
with Dutch texts for pass / fail / unknown), caps that limit the best outcome, notes, and the
amount. engine.py evaluates them; nothing here is specific to one scheme.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, List, Optional

import yaml

RULES_DIR = Path(__file__).parent / "rules"
OUTCOMES = ("eligible", "maybe", "not_eligible", "ended")
OPS = ("eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "is", "exists", "any_of", "none_of", "in_ranges")
# facts a rule may test; person facts map to the profile key that would settle them
PERSON_FACTS = {
    "age": "age",
    "employment_status": "employment_status",
    "sector": "sector",
    "education_level": "education_level",
    "nlqf": "education_level",
    "region": "location",
    "subregion": "location",
    "on_benefit": "on_benefit",
    "benefit_type": "benefit_type",
    "company_size": "company_size",
    "budget": "budget",
    "location": "location",
    # a tie to the Dutch labour market ("band met de Nederlandse arbeidsmarkt"); no profile key
    # or question gives it, so a rule states it as a condition (issue 17, labour migrants)
    "nl_labour_market_tie": "nl_labour_market_tie",
}
COURSE_FACTS = (
    "known",
    "education_type",
    "nlqf_level",
    "bol_bbl",
    "mode",
    "recognised",
    "nlqf_registered",
    "ontwikkelpad",
    "price_eur",
    "duration_weeks",
    "themes",
    "tags",
    "shortage",
    "occupation",
    "title",
)
OTHER_FACTS = ("date",)


class RuleFileError(ValueError):
    pass


@dataclass
class Condition:
    id: str
    test: dict
    ok: str = ""
    fail: Any = ""  # text, or {value: text, default: text} keyed on the first fact's value
    unknown: str = ""
    require: str = ""  # shown when the course is not known yet
    when: Optional[dict] = None
    if_fail: str = "not_eligible"
    if_unknown: str = "maybe"


@dataclass
class Cap:
    outcome: str
    reason: str
    when: Optional[dict] = None  # None = always


@dataclass
class Rule:
    id: str
    name: str
    applicant: str
    source_url: str
    source_date: str
    summary: str
    valid_from: Optional[date]
    valid_until: Optional[date]
    amount: dict
    conditions: List[Condition]
    caps: List[Cap] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    ended: dict = field(default_factory=dict)
    apply_at: str = ""  # where the applicant asks for it, when that is not the source's site
    not_yet: str = ""
    aliases: List[str] = field(default_factory=list)  # words people use for the scheme
    sha256: str = ""
    path: str = ""


def _check_test(node, where: str) -> None:
    if not isinstance(node, dict) or not node:
        raise RuleFileError(f"{where}: test must be a mapping")
    if set(node) & {"all", "any"}:
        key = "all" if "all" in node else "any"
        if len(node) != 1 or not isinstance(node[key], list) or not node[key]:
            raise RuleFileError(f"{where}: '{key}' needs a non-empty list and nothing else")
        for i, child in enumerate(node[key]):
            _check_test(child, f"{where}.{key}[{i}]")
        return
    if "not" in node:
        if len(node) != 1:
            raise RuleFileError(f"{where}: 'not' stands alone")
        _check_test(node["not"], f"{where}.not")
        return
    fact = node.get("fact")
    ops = [k for k in node if k != "fact"]
    if not isinstance(fact, str) or len(ops) != 1 or ops[0] not in OPS:
        raise RuleFileError(f"{where}: a test is {{fact: name, <op>: value}} with op in {OPS}")
    name = fact.split(".", 1)[1] if fact.startswith("course.") else fact
    known = COURSE_FACTS if fact.startswith("course.") else tuple(PERSON_FACTS) + OTHER_FACTS
    if name not in known:
        raise RuleFileError(f"{where}: unknown fact '{fact}'")


def _date(v, where: str) -> Optional[date]:
    if v is None or isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v))
    except ValueError:
        raise RuleFileError(f"{where}: '{v}' is not a date") from None


def facts_in(node: dict) -> List[str]:
    """All fact names a test looks at."""
    if "fact" in node:
        return [node["fact"]]
    children = node.get("all") or node.get("any") or ([node["not"]] if "not" in node else [])
    return [f for child in children for f in facts_in(child)]


def parse_rule(data: dict, path: str = "", sha: str = "") -> Rule:
    where = path or data.get("id", "?")
    for key in ("id", "name", "applicant", "source_url", "source_date", "amount", "conditions"):
        if key not in data:
            raise RuleFileError(f"{where}: missing '{key}'")
    if data["applicant"] not in ("person", "employer"):
        raise RuleFileError(f"{where}: applicant must be person or employer")
    conditions = []
    for i, c in enumerate(data["conditions"] or []):
        cw = f"{where}: condition {c.get('id', i)}"
        _check_test(c.get("test"), cw)
        if c.get("when") is not None:
            _check_test(c["when"], cw + ".when")
        for k in ("if_fail", "if_unknown"):
            if c.get(k, "maybe") not in OUTCOMES:
                raise RuleFileError(f"{cw}: {k} must be one of {OUTCOMES}")
        conditions.append(Condition(**{k: v for k, v in c.items() if k in Condition.__dataclass_fields__}))
    caps = []
    for i, c in enumerate(data.get("caps") or []):
        if c.get("when") is not None:
            _check_test(c["when"], f"{where}: cap {i}")
        if c.get("outcome") not in OUTCOMES:
            raise RuleFileError(f"{where}: cap {i} needs an outcome")
        caps.append(Cap(outcome=c["outcome"], reason=c.get("reason", ""), when=c.get("when")))
    amount = data["amount"]
    if not isinstance(amount, dict) or "text" not in amount:
        raise RuleFileError(f"{where}: amount needs at least 'text'")
    for i, v in enumerate(amount.get("variants") or []):
        _check_test(v.get("when"), f"{where}: amount variant {i}")
    return Rule(
        id=data["id"],
        name=data["name"],
        applicant=data["applicant"],
        source_url=data["source_url"],
        source_date=str(data["source_date"]),
        summary=data.get("summary", ""),
        valid_from=_date(data.get("valid_from"), where),
        valid_until=_date(data.get("valid_until"), where),
        amount=amount,
        conditions=conditions,
        caps=caps,
        notes=list(data.get("notes") or []),
        ended=data.get("ended") or {},
        not_yet=data.get("not_yet", ""),
        apply_at=data.get("apply_at", ""),
        aliases=[str(a).lower() for a in data.get("aliases") or []],
        sha256=sha,
        path=path,
    )


@lru_cache(maxsize=4)
def load_rules(rules_dir: Path = RULES_DIR) -> List[Rule]:
    """All rule files, checked. A broken file raises RuleFileError naming the file."""
    rules = []
    for path in sorted(Path(rules_dir).glob("*.yaml")):
        raw = path.read_bytes()
        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as err:
            raise RuleFileError(f"{path.name}: not valid YAML ({err})") from None
        rules.append(parse_rule(data, path.name, hashlib.sha256(raw).hexdigest()))
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise RuleFileError("two rule files share an id")
    return rules


def rules_fingerprint() -> str:
    return hashlib.sha256("".join(r.sha256 for r in load_rules()).encode()).hexdigest()


def user_texts(rule: Rule) -> List[str]:
    """Every text of a rule a user can read (Dutch, placeholders unfilled): each is translated
    where it is shown (engine.py), so each needs a translation in every language
    (locales/<code>/LC_MESSAGES/funding_rules.po; tests/locales/test_funding_texts.py)."""
    found = [rule.name, rule.summary, rule.apply_at, rule.not_yet]
    for cond in rule.conditions:
        fails = list(cond.fail.values()) if isinstance(cond.fail, dict) else [cond.fail]
        found += [cond.ok, *fails, cond.unknown, cond.require]
    found += [cap.reason for cap in rule.caps]
    found += list(rule.notes)
    found += list(rule.ended.get("reasons") or [])
    found += [rule.ended.get("replaced_by"), rule.ended.get("amount_text")]
    for spec in [rule.amount] + list(rule.amount.get("variants") or []):
        found += [spec.get("short"), spec.get("text")]
    return [text for text in dict.fromkeys(found) if isinstance(text, str) and text.strip()]
