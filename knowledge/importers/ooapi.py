"""OOAPI v5 JSON -> module records.

Every response shape a consumer meets (open-education-api v5):
- one Course or Program (GET /courses/{id}, /programs/{id}; a Course has a `programs` field,
  which is not a container);
- a page of courses or programs: {pageSize, pageNumber, hasPreviousPage, hasNextPage,
  totalPages, items, ext}, with or without expand=offerings;
- a page of offerings (GET /courses/{id}/offerings, /programs/{id}/offerings): the parent is in
  the URL, so it is passed in (`parent`), or taken from each offering's course/program field;
- older shapes we accepted before: a plain list, or {"programs": [...], "courses": [...],
  "offerings": [...]}.

Mapping: name/description (LanguageTypedString; nl-NL preferred, another language is used and
noted), levelOfQualification (NLQF, "4+" = 4), level and sector (mbo/hbo/wo), studyLoad
{studyLoadUnit: ects|sp|sbu|hour|contacttime, value} or ects, duration (ISO 8601), modeOfStudy,
link, otherCodes (crohoCreboCode = recognised), fieldsOfStudy (ISCED-F) and keywords -> themes
when that is clear (else no theme, noted). Per offering: offeringType (component offerings are
parts of a course, not a start moment: skipped and noted), startDate/endDate, academicSession
(its dates when the offering has none), flexibleEntryPeriodStart (= start any time),
modeOfDelivery (offering, else course), addresses (teaching address first; city and
geolocation), priceInformation (total costs, else the sum of the cost types, noted) and
resultExpected (no result expected = bewijs van deelname).

Fields OOAPI has no place for (themes, credential, ontwikkelpad, enrollPrepare, ...) may come in
consumers[] with consumerKey "leerwijzer". Every record carries `notes`: Dutch lines for the
import report about what was used instead of what (never a silent guess).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from ..catalogue import RecordError, infer_themes, slug
from .common import CatalogueImportError

MODE_OF_STUDY = {"full-time": "voltijd", "part-time": "deeltijd", "dual training": "duaal", "self-paced": "zelfstudie"}
DELIVERY = {
    "online": "online",
    "distance-learning": "online",
    "on campus": "klassikaal",
    "situated": "klassikaal",
    "hybrid": "hybride",
}
SECTOR = {"secondary vocational education": "mbo", "higher professional education": "hbo", "university education": "wo"}
LEVEL_NLQF = {"associate degree": 5, "bachelor": 6, "master": 7, "doctoral": 8}
LEVELS_WITHOUT_NLQF = ("undefined", "undivided", "nt2-1", "nt2-2")
LANG_ORDER = ("nl-NL", "nl", "nl-BE", "en-GB", "en", "en-US")
# studyLoadUnit -> (text template, hours per unit or None)
STUDY_LOAD = {
    "ects": ("{} EC", 28),
    "sp": ("{} studiepunten", 28),
    "sbu": ("{} SBU", 1),
    "hour": ("ca. {} uur", 1),
    "contacttime": ("{} contacturen", None),
}
KNOWN_COST_TYPES = (
    "total costs",
    "tuition fees",
    "tuition fee",
    "examination fee",
    "registration fee",
    "material costs",
    "travel costs",
    "accommodation",
    "other costs",
)
# ISCED-F 2013 detailed fields that point at one of our themes without doubt. Broad fields such
# as 0732 (building and civil engineering) could be several themes: they give none.
ISCED_THEMES = {"0713": ["installatietechniek"]}  # electricity and energy


@dataclass
class Parsed:
    """What one OOAPI document holds."""

    shape: str  # course | program | page | offerings | list | container
    records: List[dict] = field(default_factory=list)
    refused: List[Tuple[str, str]] = field(default_factory=list)  # (record id or number, reason)
    offerings: Dict[str, List[dict]] = field(default_factory=dict)  # parent id -> offering records
    notes: Dict[str, List[str]] = field(default_factory=dict)  # parent id -> notes (offerings pages)


def lang_text(value, what: str, notes: Optional[List[str]] = None) -> str:
    """A string, or the Dutch value of a LanguageTypedString list; another language is used
    when there is no Dutch one, and a note says so."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        texts = [(str(v.get("language") or ""), v["value"]) for v in value if isinstance(v.get("value"), str)]
        if not texts:
            return ""
        rank = {pref.lower(): i for i, pref in enumerate(LANG_ORDER)}
        lang, val = min(texts, key=lambda t: rank.get(t[0].lower(), 50 if t[0].lower().startswith("nl") else 99))
        if not lang.lower().startswith("nl") and notes is not None:
            notes.append(
                f"'{what}' staat er niet in het Nederlands; de tekst in {lang or 'een onbekende taal'} is gebruikt"
            )
        return val
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


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _cost_amount(info: dict) -> float:
    amount = float(info["amount"])
    if info.get("vatIncluded") is False and _is_number(info.get("vatAmount")):
        amount += float(info["vatAmount"])
    return amount


def _price(offering: dict, notes: List[str], where: str) -> Optional[float]:
    """Total costs when given, else the sum of all cost types (noted). Only euros."""
    infos = offering.get("priceInformation") or []
    if not isinstance(infos, list):
        raise RecordError("priceInformation moet een lijst zijn")
    usable = []
    for info in infos:
        if not isinstance(info, dict) or not _is_number(info.get("amount")):
            raise RecordError("priceInformation heeft een item zonder geldig bedrag ('amount')")
        currency = str(info.get("currency") or "EUR").upper()
        if currency != "EUR":
            notes.append(f"{where}: bedrag in {currency} overgeslagen (alleen euro's)")
            continue
        if info.get("costType") and info["costType"] not in KNOWN_COST_TYPES:
            notes.append(f"{where}: onbekend kostentype '{info['costType']}' meegeteld in de prijs")
        usable.append(info)
    for info in usable:
        if info.get("costType") == "total costs":
            return _cost_amount(info)
    if not usable:
        return None
    if len(usable) > 1:
        kinds = ", ".join(str(i.get("costType") or "zonder type") for i in usable)
        notes.append(f"{where}: geen 'total costs'; prijs is de som van {kinds}")
    return round(sum(_cost_amount(i) for i in usable), 2)


def _address(addresses, notes: List[str], where: str) -> Tuple[str, Optional[float], Optional[float]]:
    """(city, lat, lon) of the teaching address, else the first address with a city or geolocation."""
    if not isinstance(addresses, list):
        return "", None, None
    ranked = sorted(
        (a for a in addresses if isinstance(a, dict)),
        key=lambda a: 0 if (a.get("addressType") or a.get("AddressType")) == "teaching" else 1,
    )
    for a in ranked:
        geo = a.get("geolocation") if isinstance(a.get("geolocation"), dict) else {}
        lat, lon = geo.get("latitude"), geo.get("longitude")
        if not (_is_number(lat) and _is_number(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            if geo:
                notes.append(f"{where}: geolocation zonder geldige latitude/longitude overgeslagen")
            lat = lon = None
        city = a.get("city") if isinstance(a.get("city"), str) else ""
        if city or lat is not None:
            return city.strip(), lat, lon
    return "", None, None


def _modes(value) -> List[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _format(modes: List[str], notes: List[str], where: str) -> Optional[str]:
    fmts = []
    for m in modes:
        if m in DELIVERY:
            fmts.append(DELIVERY[m])
        else:
            notes.append(f"{where}: onbekende modeOfDelivery '{m}' overgeslagen")
    if not fmts:
        return None
    if "hybride" in fmts or ("online" in fmts and "klassikaal" in fmts):
        return "hybride"
    return fmts[0]


def offering_record(o: Any, i: int, course_modes: List[str], course_addresses, notes: List[str]) -> Optional[dict]:
    """One OOAPI offering -> an offering record, or None (skipped, with a note)."""
    if not isinstance(o, dict):
        raise RecordError(f"uitvoering {i + 1} is geen object")
    oid = str(o.get("offeringId") or (o.get("primaryCode") or {}).get("code") or i + 1)
    where = f"uitvoering {oid}"
    if o.get("offeringType") == "component":
        notes.append(f"{where}: onderdeel van een cursus (offeringType component), geen los startmoment; overgeslagen")
        return None
    fmt = _format(_modes(o.get("modeOfDelivery")) or course_modes, notes, where) or "klassikaal"
    start, end = o.get("startDate"), o.get("endDate")
    session = o.get("academicSession")
    if not start and isinstance(session, dict):
        start, end = session.get("startDate"), end or session.get("endDate")
        if start:
            notes.append(f"{where}: data uit academicSession gebruikt")
    if o.get("flexibleEntryPeriodStart"):
        start = None  # you can start any time in the period
    elif not start:
        notes.append(f"{where}: geen startdatum (ook niet in academicSession); overgeslagen")
        return None
    city, lat, lon = _address(o.get("addresses") or course_addresses, notes, where)
    if fmt != "online" and not city:
        notes.append(
            f"{where}: geen plaats in addresses" + ("; de coördinaten zijn gebruikt" if lat is not None else "")
        )
    return {
        "source_id": oid,
        "format": fmt,
        "location": "online" if fmt == "online" else (city or "plaats onbekend"),
        "lat": lat,
        "lon": lon,
        "start_date": start,
        "end_date": end,
        "price_eur": _price(o, notes, where),
        "result_expected": o.get("resultExpected"),
        "schedule": lang_text(o.get("description"), "description")[:200] if o.get("description") else "",
    }


def _level(item: dict, notes: List[str]) -> tuple:
    loq = item.get("levelOfQualification")
    nlqf = None
    if loq is not None:
        m = re.match(r"^([1-8])\+?$", str(loq).strip())
        if not m:
            raise RecordError(f"levelOfQualification '{loq}' is geen NLQF-niveau 1-8")
        nlqf = int(m.group(1))
    kind = SECTOR.get(item.get("sector") or "", "")
    level = str(item.get("level") or "")
    if not kind:
        if level.startswith("secondary vocational education"):
            kind = "mbo"
        elif level in LEVEL_NLQF:
            kind = "hbo"
    if nlqf is None:
        m = re.match(r"secondary vocational education ([1-4])", level)
        nlqf = int(m.group(1)) if m else LEVEL_NLQF.get(level)
        if nlqf is None and level and level not in LEVELS_WITHOUT_NLQF and level != "secondary vocational education":
            notes.append(f"onbekend level '{level}'; zonder niveau opgenomen")
    return nlqf, kind or "branche"


def _study_load(item: dict, notes: List[str]) -> Tuple[str, Optional[int]]:
    load = item.get("studyLoad") or ({"studyLoadUnit": "ects", "value": item["ects"]} if item.get("ects") else None)
    if not load:
        return "", None
    if not isinstance(load, dict) or not _is_number(load.get("value")):
        raise RecordError("studyLoad moet {studyLoadUnit, value} zijn")
    unit, value = str(load.get("studyLoadUnit") or "ects"), load["value"]
    value_text = f"{value:g}".replace(".", ",")
    if unit not in STUDY_LOAD:
        notes.append(f"onbekende studyLoadUnit '{unit}'; getoond zoals hij is, geen uren berekend")
        return f"{value_text} {unit}", None
    template, hours = STUDY_LOAD[unit]
    return template.format(value_text), (round(value * hours) if hours else None)


def _keywords(item: dict) -> List[str]:
    words = []
    for k in item.get("keywords") or []:
        if isinstance(k, str):
            words.append(k)
        elif isinstance(k, dict) and isinstance(k.get("value"), str):
            words.append(k["value"])
    return [w.strip() for w in words if w.strip()]


def _themes(item: dict, ext: dict, keywords: List[str], notes: List[str]) -> List[str]:
    """Themes from the leerwijzer consumer, else from ISCED-F and keywords when clear."""
    if ext.get("themes") is not None:
        return ext["themes"]
    fields = item.get("fieldsOfStudy")
    codes = [fields] if isinstance(fields, str) else [f for f in fields or [] if isinstance(f, str)]
    themes = {t for code in codes for t in ISCED_THEMES.get(code.strip()[:4], [])}
    themes |= {t for word in keywords for t in infer_themes(word)}
    if not themes:
        said = []
        if codes:
            said.append(f"fieldsOfStudy {', '.join(codes)}")
        if keywords:
            said.append(f"keywords {', '.join(keywords[:5])}")
        notes.append(
            f"geen thema: {' en '.join(said) or 'geen fieldsOfStudy of keywords'} "
            "wijzen niet duidelijk naar een thema; zonder thema opgenomen"
        )
    return sorted(themes)


def _provider(item: dict, default_provider: Optional[str]) -> dict:
    org = item.get("organization") or item.get("_organization")
    if isinstance(org, dict):
        name = lang_text(org.get("name"), "organization.name") or org.get("shortName") or default_provider or ""
        return {"id": slug(str(org.get("organizationId") or org.get("shortName") or name)), "name": name}
    if isinstance(org, str) and org.strip():  # only the organizationId (not expanded)
        return {"id": slug(default_provider or org), "name": default_provider or org}
    if default_provider:
        return {"id": slug(default_provider), "name": default_provider}
    raise RecordError("organization (de aanbieder) ontbreekt")


def record(item: Any, offerings: Optional[list] = None, default_provider: Optional[str] = None) -> dict:
    """One Course or Program (with its offerings) -> a module record with `notes`."""
    if not isinstance(item, dict):
        raise RecordError("item is geen object")
    sid = item.get("programId") or item.get("courseId")
    if not isinstance(sid, str) or not sid.strip():
        raise RecordError("programId of courseId ontbreekt")
    notes: List[str] = []
    ext = next(
        (c for c in item.get("consumers") or [] if isinstance(c, dict) and c.get("consumerKey") == "leerwijzer"), {}
    )
    load_text, load_hours = _study_load(item, notes)
    weeks = _duration_weeks(item.get("duration"))
    if weeks is None and isinstance(item.get("lengthOfProgram"), int):
        weeks = round(item["lengthOfProgram"] * 4.345)
    nlqf, kind = _level(item, notes)
    mode = MODE_OF_STUDY.get(item.get("modeOfStudy") or "", "")
    codes = item.get("otherCodes") or []
    recognised = bool(item.get("crohoCreboCode")) or any(
        isinstance(c, dict) and c.get("codeType") == "crohoCreboCode" for c in codes
    )
    raw_offerings = item.get("offerings") if offerings is None else offerings
    raw_offerings = raw_offerings or []
    if not isinstance(raw_offerings, list):
        raise RecordError("offerings moet een lijst zijn")
    course_modes = _modes(item.get("modeOfDelivery"))
    offers = [offering_record(o, i, course_modes, item.get("addresses"), notes) for i, o in enumerate(raw_offerings)]
    offers = [o for o in offers if o is not None]
    if not offers:
        notes.append("geen uitvoeringen met een startmoment; niet vindbaar in zoeken tot er een is")
    keywords = _keywords(item)
    credential = ext.get("credential")
    if not credential:
        if item.get("programId") and recognised:
            credential = "diploma"
        elif offers and all(o["result_expected"] is False for o in offers):
            credential = "bewijs van deelname"
        else:
            credential = "certificaat"
    return {
        "source": "ooapi",
        "source_id": sid.strip(),
        "title": lang_text(item.get("name"), "name", notes),
        "provider": _provider(item, default_provider),
        "description": lang_text(item.get("description"), "description", notes),
        "nlqf_level": nlqf,
        "education_type": kind,
        "credential": credential,
        "study_load_text": load_text,
        "study_load_hours": load_hours,
        "duration_weeks": weeks,
        "duration_text": _weeks_text(weeks),
        "hours_per_week": ext.get("hoursPerWeek"),
        "mode": mode,
        "bol_bbl": ("bbl" if mode == "duaal" else "bol" if mode == "voltijd" else None) if kind == "mbo" else None,
        "recognised": recognised,
        "nlqf_registered": recognised or bool(ext.get("nlqfRegistered")),
        "ontwikkelpad": ext.get("ontwikkelpad"),
        "themes": _themes(item, ext, keywords, notes),
        "url": item.get("link") or "",
        "enroll_url": ext.get("enrollUrl") or item.get("link") or "",
        "enroll_prepare": ext.get("enrollPrepare") or [],
        "tags": ext.get("tags") or [],
        "keywords": " ".join(keywords),
        "offerings": offers,
        "notes": notes,
    }


def _parent_of(o: dict) -> Optional[str]:
    parent = o.get("course") or o.get("program") or o.get("courseId") or o.get("programId")
    if isinstance(parent, dict):
        parent = parent.get("courseId") or parent.get("programId")
    return str(parent) if parent else None


def _is_entity(d: dict) -> bool:
    return isinstance(d.get("courseId") or d.get("programId"), str) and "offeringId" not in d


def parse_document(data: Any, *, parent: Optional[str] = None, default_provider: Optional[str] = None) -> Parsed:
    """Any OOAPI v5 response -> Parsed. A bad record is refused with its reason; the others go on."""
    if isinstance(data, dict) and _is_entity(data):
        shape, items, top = ("course" if data.get("courseId") else "program"), [data], []
    elif isinstance(data, dict) and "items" in data:
        shape, items, top = "page", data["items"], data.get("offerings") or []
    elif isinstance(data, dict) and "offeringId" in data:
        shape, items, top = "offerings", [], [data]
    elif isinstance(data, dict) and ("programs" in data or "courses" in data):
        shape, items = "container", (data.get("programs") or []) + (data.get("courses") or [])
        top = data.get("offerings") or []
    elif isinstance(data, list):
        shape, items, top = "list", data, []
    else:
        raise ValueError("verwacht een OOAPI-object, een pagina {items: [...]} of een lijst")
    if not isinstance(items, list) or not isinstance(top, list):
        raise ValueError("'items' en 'offerings' moeten lijsten zijn")
    out = Parsed(shape=shape)
    if items and all(isinstance(i, dict) and "offeringId" in i for i in items):
        out.shape, top, items = "offerings", items, []
    by_parent: Dict[str, list] = {}
    for o in top:
        if isinstance(o, dict):
            by_parent.setdefault(parent or _parent_of(o) or "", []).append(o)
    for i, item in enumerate(items):
        rid = (item.get("programId") or item.get("courseId")) if isinstance(item, dict) else None
        own = item.get("offerings") if isinstance(item, dict) else None  # expand=offerings
        try:
            out.records.append(record(item, own if own is not None else by_parent.get(str(rid), []), default_provider))
        except RecordError as err:
            out.refused.append((str(rid or i + 1), str(err)))
    if out.shape == "offerings":
        for pid, offers in by_parent.items():
            if not pid:
                out.refused.append(
                    (
                        "uitvoeringen",
                        "programId of courseId ontbreekt: van welke cursus of opleiding "
                        "zijn deze uitvoeringen? (geef de ouder mee)",
                    )
                )
                continue
            notes: List[str] = []
            try:
                recs = [offering_record(o, i, [], None, notes) for i, o in enumerate(offers)]
            except RecordError as err:
                out.refused.append((pid, str(err)))
                continue
            out.offerings[pid] = [r for r in recs if r is not None]
            out.notes[pid] = notes
    return out


def load_json(text: str, filename: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise CatalogueImportError(
            filename, None, f"geen geldige JSON (regel {err.lineno}, kolom {err.colno})"
        ) from None


def parse(text: str, filename: str, parent: Optional[str] = None) -> Parsed:
    """A file's text -> Parsed; a file that is not OOAPI at all raises CatalogueImportError."""
    try:
        return parse_document(load_json(text, filename), parent=parent)
    except ValueError as err:
        if isinstance(err, CatalogueImportError):
            raise
        raise CatalogueImportError(filename, None, str(err)) from None


__all__ = ["Parsed", "parse", "parse_document", "record", "offering_record", "lang_text"]
