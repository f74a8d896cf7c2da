"""EDU-DEX program XML (namespace http://studieData.nl/schema/edudex/program) -> module records.

One <program> per file as EDU-DEX publishes it, or several <program> elements under any root.
Mapping: programClassification/programId, programLevel, programForm, programDuration@unit,
programLocation, degree; programDescriptions/programName[@xml:lang] (Dutch preferred),
programSummaryText, programDescriptionText; programCurriculum/instructionMode, studyLoad@period;
programSchedule/programRun (startDate, endDate, programLocation, cost) with genericProgramRun
cost as the default price; a run's own cost replaces it. Cost amounts are taken as excl. btw
when VATCode names a rate (e.g. 21) and as final when it is 0/exempt or missing; optional costs
(isRequiredCost false) are left out and noted. programName in another language than Dutch is
used and noted. Themes come from <searchword> elements when they are clear; otherwise the
module is imported without a theme and the report says so.

Parsed with defusedxml: a DTD, entity declarations or external references are refused.
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ..catalogue import RecordError, infer_themes, slug
from .common import CatalogueImportError

NS = "{http://studieData.nl/schema/edudex/program}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FORM = {
    "voltijd": "voltijd",
    "deeltijd": "deeltijd",
    "duaal": "duaal",
    "avondonderwijs": "deeltijd",
    "e-learning": "zelfstudie",
    "afstandsonderwijs": "zelfstudie",
    "virtual classroom": "deeltijd",
}
ONLINE_FORMS = {"e-learning", "afstandsonderwijs", "virtual classroom"}
UNIT_WEEKS = {"hour": 1 / 40, "day": 1 / 5, "week": 1, "month": 4.345, "year": 52}


def _find(el, path: str):
    return el.find("/".join(NS + p for p in path.split("/")))


def _text(el, path: str) -> str:
    found = _find(el, path)
    return (found.text or "").strip() if found is not None else ""


def _name(desc, notes: List[str]) -> str:
    names = desc.findall(NS + "programName") if desc is not None else []
    for n in names:
        if (n.get(XML_LANG) or "").lower().startswith("nl"):
            return (n.text or "").strip()
    if names:
        notes.append(
            f"programName staat er niet in het Nederlands; de tekst in "
            f"{names[0].get(XML_LANG) or 'een onbekende taal'} is gebruikt"
        )
        return (names[0].text or "").strip()
    return ""


def level_of(text: str) -> tuple:
    """EDU-DEX programLevel -> (NLQF, education_type)."""
    t = text.lower()
    m = re.search(r"mbo\D*([1-4])", t)
    if m:
        return int(m.group(1)), "mbo"
    for pattern, result in (
        (r"associate", (5, "hbo")),
        (r"post[- ]?hbo", (6, "post-hbo")),
        (r"post[- ]?(academisch|wo)", (7, "post-wo")),
        (r"hbo.*master", (7, "hbo")),
        (r"hbo", (6, "hbo")),
        (r"wo.*master", (7, "wo")),
        (r"wo", (6, "wo")),
    ):
        if re.search(pattern, t):
            return result
    return None, "branche"


def _cost(run, notes: List[str], where: str) -> Optional[float]:
    if run is None:
        return None
    total = None
    for cost in run.findall(NS + "cost"):
        if _text(cost, "isRequiredCost").lower() == "false":
            notes.append(
                f"{where}: niet-verplichte kosten ({_text(cost, 'costType') or 'zonder type'}) niet in de prijs"
            )
            continue
        raw = _text(cost, "amount").replace(",", ".")
        try:
            amount = float(raw)
        except ValueError:
            raise RecordError(f"cost/amount '{raw}' is geen bedrag") from None
        vat = _text(cost, "VATCode").lower()
        m = re.match(r"^(\d+(?:\.\d+)?)", vat)
        if m and float(m.group(1)) > 0:
            amount *= 1 + float(m.group(1)) / 100
        total = (total or 0) + amount
    return round(total, 2) if total is not None else None


def _record(program) -> dict:
    cls = _find(program, "programClassification")
    if cls is None:
        raise RecordError("programClassification ontbreekt")
    pid = _text(cls, "programId")
    if not pid:
        raise RecordError("programId ontbreekt")
    notes: List[str] = []
    desc = _find(program, "programDescriptions")
    title = _name(desc, notes)
    nlqf, kind = level_of(_text(cls, "programLevel"))
    form = _text(cls, "programForm").lower()
    instruction = _text(program, "programCurriculum/instructionMode").lower()
    fmt = (
        "online"
        if form in ONLINE_FORMS or "e-learning" in instruction
        else ("hybride" if "blended" in instruction else "klassikaal")
    )
    dur_el = _find(cls, "programDuration")
    weeks = None
    if dur_el is not None and (dur_el.text or "").strip():
        try:
            weeks = round(
                float(dur_el.text.strip().replace(",", ".")) * UNIT_WEEKS.get(dur_el.get("unit", "month"), 4.345)
            )
        except ValueError:
            raise RecordError(f"programDuration '{dur_el.text.strip()}' is geen getal") from None
    load_el = _find(program, "programCurriculum/studyLoad")
    load_text, load_hours = "", None
    if load_el is not None and (load_el.text or "").strip():
        value, unit = load_el.text.strip(), (load_el.get("period") or load_el.get("unit") or "hour").lower()
        load_text = f"{value} EC" if unit in ("ec", "ects") else f"ca. {value} uur"
        try:
            load_hours = round(float(value.replace(",", ".")) * (28 if unit in ("ec", "ects") else 1))
        except ValueError:
            raise RecordError(f"studyLoad '{value}' is geen getal") from None
    degree = _text(cls, "degree").lower()
    credential = (
        "microcredential"
        if "micro" in degree
        else "bewijs van deelname"
        if "particip" in degree or "deelname" in degree
        else "diploma"
        if re.search(r"diploma|bachelor|master|degree|associate", degree)
        else "certificaat"
    )
    location = _text(cls, "programLocation")
    schedule = _find(program, "programSchedule")
    default_price = (
        _cost(_find(schedule, "genericProgramRun"), notes, "genericProgramRun") if schedule is not None else None
    )
    offerings = []
    for i, run in enumerate(schedule.findall(NS + "programRun") if schedule is not None else []):
        run_loc = _text(run, "programLocation") or location
        offerings.append(
            {
                "source_id": run.get("id") or _text(run, "id") or str(i + 1),
                "format": fmt,
                "location": "online" if fmt == "online" else run_loc,
                "start_date": _text(run, "startDate") or None,
                "end_date": _text(run, "endDate") or None,
                "price_eur": _cost(run, notes, f"programRun {run.get('id') or i + 1}")
                if run.find(NS + "cost") is not None
                else default_price,
                "schedule": _lesdagen(run),
            }
        )
    if not offerings:  # only a generic run: one offering you can start any time
        offerings.append(
            {
                "source_id": "1",
                "format": fmt,
                "location": "online" if fmt == "online" else location,
                "start_date": None,
                "price_eur": default_price,
            }
        )
    searchwords = [(w.text or "").strip() for w in (desc.findall(NS + "searchword") if desc is not None else [])]
    searchwords = [w for w in searchwords if w]
    org = _text(cls, "orgUnitId")
    if not org:
        raise RecordError("orgUnitId (de aanbieder) ontbreekt")
    provider_name = _text(program, "orgUnitName") or org
    return {
        "source": "edudex",
        "source_id": pid,
        "title": title,
        "provider": {"id": slug(org), "name": provider_name},
        "description": _text(desc, "programDescriptionText") or _text(desc, "programSummaryText")
        if desc is not None
        else "",
        "nlqf_level": nlqf,
        "education_type": kind,
        "credential": credential,
        "study_load_text": load_text,
        "study_load_hours": load_hours,
        "duration_weeks": weeks,
        "duration_text": (f"{weeks} weken" if weeks and weeks < 9 else f"{round(weeks / 4.345)} maanden")
        if weeks
        else "",
        "mode": FORM.get(form, ""),
        "bol_bbl": ("bbl" if form == "duaal" else "bol" if form == "voltijd" else None) if kind == "mbo" else None,
        "recognised": kind in ("mbo", "hbo", "wo") and credential == "diploma",
        "nlqf_registered": nlqf is not None and kind != "branche",
        "url": _text(program, "programDescriptions/webLink") or "",
        "offerings": offerings,
        "themes": _themes(searchwords, notes),
        "keywords": " ".join(searchwords),
        "notes": notes,
    }


def _lesdagen(run) -> str:
    days = run.findall(NS + "courseDay")
    return f"{len(days)} lesdagen" if len(days) > 1 else ("1 lesdag" if days else "")


def _themes(searchwords: List[str], notes: List[str]) -> List[str]:
    themes = sorted({t for w in searchwords for t in infer_themes(w)})
    if not themes:
        notes.append(
            "geen thema: "
            + (
                f"zoekwoorden {', '.join(searchwords[:5])} wijzen niet duidelijk naar een thema"
                if searchwords
                else "geen zoekwoorden (searchword)"
            )
            + "; zonder thema opgenomen"
        )
    return themes


def document(text: str):
    """The root element of an EDU-DEX XML text, read with defusedxml. RecordError (a Dutch
    reason) when it has a DTD, entities or external references, or is not XML at all."""
    try:
        return fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise RecordError("DTD's en entities zijn niet toegestaan in EDU-DEX-bestanden") from None
    except ParseError as err:
        raise RecordError(f"geen geldige XML ({err})") from None


def programs_in(root) -> list:
    return [root] if root.tag == NS + "program" else root.findall(".//" + NS + "program")


def read_programs(root) -> Tuple[List[dict], List[Tuple[str, str]]]:
    """The records of the <program> elements under root, and (id, reason) for each refused one."""
    records, refused = [], []
    for i, program in enumerate(programs_in(root)):
        cls = _find(program, "programClassification")
        rid = _text(cls, "programId") if cls is not None else ""
        try:
            records.append(_record(program))
        except RecordError as err:
            refused.append((rid or str(i + 1), str(err)))
    return records, refused


def parse(text: str, filename: str) -> List[dict]:
    """All records of a file, or CatalogueImportError for the first problem (a file is all or nothing)."""
    try:
        root = document(text)
    except RecordError as err:
        raise CatalogueImportError(filename, None, str(err)) from None
    if not programs_in(root):
        raise CatalogueImportError(filename, None, f"geen <program> in namespace {NS[1:-1]} gevonden")
    records, refused = read_programs(root)
    if refused:
        raise CatalogueImportError(filename, *refused[0])
    return records
