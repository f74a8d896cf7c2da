"""OOAPI v5 JSON -> module records.

Accepted shapes: a list response {"items": [...]}, a plain list, or one object. Items are
programs (programId) or courses (courseId) with offerings embedded ("offerings") or listed
top-level ("offerings": [..., "program"/"course": id]). Mapping (open-education-api v5):
name/description (string or [{language, value}]), levelOfQualification (NLQF), sector/level
(mbo/hbo/wo), studyLoad {studyLoadUnit, value}, duration (ISO 8601) or lengthOfProgram
(months), modeOfStudy, link, otherCodes/crohoCreboCode (= recognised), and per offering
startDate/endDate, flexibleEntryPeriodStart, modeOfDelivery, addresses[].city and
priceInformation[{costType, amount, vatAmount, vatIncluded}]. Fields OOAPI has no place for
(themes, credential, ontwikkelpad, enroll_prepare) may come in consumers[] with
consumerKey "leerwijzer".
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional

from ..catalogue import RecordError, slug

MODE_OF_STUDY = {"full-time": "voltijd", "part-time": "deeltijd", "dual training": "duaal", "self-paced": "zelfstudie"}
DELIVERY = {"online": "online", "distance-learning": "online", "on campus": "klassikaal", "situated": "klassikaal",
            "hybrid": "hybride"}
SECTOR = {"secondary vocational education": "mbo", "higher professional education": "hbo",
          "university education": "wo"}


def _lang(value, what: str) -> str:
    """A string, or the Dutch (else first) value of an OOAPI LanguageTypedString list."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        for pref in ("nl-NL", "nl", "nld"):
            for v in value:
                if v.get("language") == pref and isinstance(v.get("value"), str):
                    return v["value"]
        if value and isinstance(value[0].get("value"), str):
            return value[0]["value"]
        return ""
    raise RecordError(f"veld '{what}' moet tekst of een lijst [{{language, value}}] zijn")


def _duration_weeks(iso: Optional[str]) -> Optional[int]:
    if not iso:
        return None
    m = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T.*)?", str(iso))
    if not m:
        raise RecordError(f"duration '{iso}' is geen ISO 8601-duur (bijv. P3M)")
    y, mo, w, d = (int(g) if g else 0 for g in m.groups())
    return round(y * 52 + mo * 4.345 + w + d / 7) or None


def _weeks_text(weeks: Optional[int]) -> str:
    if not weeks:
        return ""
    if weeks >= 52 and weeks % 52 == 0:
        return f"{weeks // 52} jaar"
    if weeks >= 9:
        return f"{round(weeks / 4.345)} maanden"
    return f"{weeks} weken"


def _price(offering: dict) -> Optional[float]:
    infos = offering.get("priceInformation") or []
    if not isinstance(infos, list):
        raise RecordError("priceInformation moet een lijst zijn")
    total = None
    for info in infos:
        if not isinstance(info, dict) or not isinstance(info.get("amount"), (int, float)) or isinstance(info.get("amount"), bool):
            raise RecordError("priceInformation heeft een item zonder geldig bedrag ('amount')")
        amount = float(info["amount"])
        if info.get("vatIncluded") is False and isinstance(info.get("vatAmount"), (int, float)):
            amount += float(info["vatAmount"])
        if info.get("costType") == "total costs":
            return amount
        total = (total or 0) + amount
    return total


def _offering(o: Any, i: int) -> dict:
    if not isinstance(o, dict):
        raise RecordError(f"uitvoering {i + 1} is geen object")
    modes = o.get("modeOfDelivery") or []
    modes = [modes] if isinstance(modes, str) else modes
    fmt = "klassikaal"
    for m in modes:
        if m in DELIVERY:
            fmt = DELIVERY[m]
            if fmt == "hybride":
                break
    city = ""
    for a in o.get("addresses") or []:
        if isinstance(a, dict) and a.get("city"):
            city = a["city"]
            break
    start = None if o.get("flexibleEntryPeriodStart") else o.get("startDate")
    return {"source_id": str(o.get("offeringId") or o.get("primaryCode", {}).get("code") or i + 1),
            "format": fmt, "location": "online" if fmt == "online" else city,
            "start_date": start, "end_date": o.get("endDate"), "price_eur": _price(o),
            "schedule": _lang(o.get("description"), "description")[:200] if o.get("description") else ""}


def _level(item: dict) -> tuple:
    loq = item.get("levelOfQualification")
    nlqf = None
    if loq is not None:
        m = re.match(r"^([1-8])", str(loq))
        if not m:
            raise RecordError(f"levelOfQualification '{loq}' is geen NLQF-niveau 1-8")
        nlqf = int(m.group(1))
    kind = SECTOR.get(item.get("sector") or "", "")
    level = str(item.get("level") or "")
    if not kind:
        if level.startswith("secondary vocational education"):
            kind = "mbo"
        elif level in ("associate degree", "bachelor", "master", "doctoral"):
            kind = "hbo"
    if nlqf is None:
        m = re.match(r"secondary vocational education ([1-4])", level)
        nlqf = int(m.group(1)) if m else {"associate degree": 5, "bachelor": 6, "master": 7, "doctoral": 8}.get(level)
    return nlqf, kind or "branche"


def _record(item: Any, top_offerings: Dict[str, list]) -> dict:
    if not isinstance(item, dict):
        raise RecordError("item is geen object")
    sid = item.get("programId") or item.get("courseId")
    if not isinstance(sid, str) or not sid.strip():
        raise RecordError("programId of courseId ontbreekt")
    ext = next((c for c in item.get("consumers") or [] if isinstance(c, dict) and c.get("consumerKey") == "leerwijzer"), {})
    org = item.get("organization") or item.get("_organization")
    if isinstance(org, dict):
        provider = {"id": slug(str(org.get("organizationId") or org.get("shortName") or _lang(org.get("name"), "name"))),
                    "name": _lang(org.get("name"), "organization.name") or org.get("shortName") or ""}
    elif isinstance(org, str) and org.strip():
        provider = {"id": slug(org), "name": org}
    else:
        raise RecordError("organization (de aanbieder) ontbreekt")
    load = item.get("studyLoad") or ({"studyLoadUnit": "ects", "value": item["ects"]} if item.get("ects") else None)
    load_text, load_hours = "", None
    if load:
        if not isinstance(load, dict) or not isinstance(load.get("value"), (int, float)):
            raise RecordError("studyLoad moet {studyLoadUnit, value} zijn")
        unit, value = load.get("studyLoadUnit", "ects"), load["value"]
        value_text = f"{value:g}".replace(".", ",")
        load_text = {"ects": f"{value_text} EC", "sbu": f"{value_text} SBU", "hour": f"ca. {value_text} uur",
                     "weeks": f"{value_text} weken"}.get(unit, f"{value_text} {unit}")
        load_hours = round(value * 28) if unit == "ects" else (round(value) if unit in ("sbu", "hour") else None)
    weeks = _duration_weeks(item.get("duration"))
    if weeks is None and isinstance(item.get("lengthOfProgram"), int):
        weeks = round(item["lengthOfProgram"] * 4.345)
    nlqf, kind = _level(item)
    mode = MODE_OF_STUDY.get(item.get("modeOfStudy") or "", "")
    codes = item.get("otherCodes") or []
    recognised = bool(item.get("crohoCreboCode")) or any(
        isinstance(c, dict) and c.get("codeType") == "crohoCreboCode" for c in codes)
    offerings = item.get("offerings") or top_offerings.get(sid, [])
    if not isinstance(offerings, list):
        raise RecordError("offerings moet een lijst zijn")
    title = _lang(item.get("name"), "name")
    return {
        "source": "ooapi", "source_id": sid.strip(), "title": title, "provider": provider,
        "description": _lang(item.get("description"), "description"), "nlqf_level": nlqf, "education_type": kind,
        "credential": ext.get("credential") or ("diploma" if item.get("programId") and recognised else "certificaat"),
        "study_load_text": load_text, "study_load_hours": load_hours, "duration_weeks": weeks,
        "duration_text": _weeks_text(weeks), "hours_per_week": ext.get("hoursPerWeek"), "mode": mode,
        "bol_bbl": ("bbl" if mode == "duaal" else "bol" if mode == "voltijd" else None) if kind == "mbo" else None,
        "recognised": recognised, "nlqf_registered": recognised or bool(ext.get("nlqfRegistered")),
        "ontwikkelpad": ext.get("ontwikkelpad"), "themes": ext.get("themes"),
        "url": item.get("link") or "", "enroll_url": ext.get("enrollUrl") or item.get("link") or "",
        "enroll_prepare": ext.get("enrollPrepare") or [], "tags": ext.get("tags") or [],
        "keywords": " ".join(item.get("keywords") or []) if isinstance(item.get("keywords"), list) else "",
        "sample": bool(ext.get("sample")),
        "offerings": [_offering(o, i) for i, o in enumerate(offerings)],
    }


def parse(text: str, filename: str) -> List[dict]:
    from . import CatalogueImportError
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise CatalogueImportError(filename, None, f"geen geldige JSON (regel {err.lineno}, kolom {err.colno})") from None
    if isinstance(data, dict) and "items" in data:
        items, top = data["items"], data.get("offerings") or []
    elif isinstance(data, dict) and ("programs" in data or "courses" in data):
        items, top = (data.get("programs") or []) + (data.get("courses") or []), data.get("offerings") or []
    elif isinstance(data, list):
        items, top = data, []
    elif isinstance(data, dict):
        items, top = [data], []
    else:
        raise CatalogueImportError(filename, None, "verwacht een object of een lijst")
    if not isinstance(items, list) or not isinstance(top, list):
        raise CatalogueImportError(filename, None, "'items' en 'offerings' moeten lijsten zijn")
    by_parent: Dict[str, list] = {}
    for o in top:
        if isinstance(o, dict):
            parent = o.get("program") or o.get("course") or o.get("programId") or o.get("courseId")
            if isinstance(parent, dict):
                parent = parent.get("programId") or parent.get("courseId")
            by_parent.setdefault(str(parent), []).append(o)
    records = []
    for i, item in enumerate(items):
        rid = item.get("programId") or item.get("courseId") if isinstance(item, dict) else None
        try:
            records.append(_record(item, by_parent))
        except RecordError as err:
            raise CatalogueImportError(filename, rid or str(i + 1), str(err)) from None
    return records
