"""Command line: python -m knowledge {init,import,sync,sources,search,funding,hubs,place,module,stats}.

Uses DATABASE_URL (default var/leerwijzer.db). Errors are printed in Dutch with exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import List, Optional

from sqlalchemy import func, select

from database import migrate

from . import (
    FORMATS,
    REGIONS,
    THEMES,
    ProfileError,
    evaluate_funding,
    get_module,
    init_db,
    nearest_hubs,
    resolve_place,
    search_modules,
)
from . import schema as S
from .feeds import sources
from .importers import CatalogueImportError, import_file
from .importers.edudex_sync import sync_edudex
from .importers.http import DEFAULT_TIMEOUT
from .importers.ooapi_sync import PAGE_SIZE, sync_ooapi
from .meta import get_meta
from .textnl import format_date_nl

OUTCOME_NL = {"eligible": "JA", "maybe": "MISSCHIEN", "not_eligible": "NEE", "ended": "GESTOPT"}


def _profile(a) -> dict:
    keys = (
        "theme",
        "location",
        "region",
        "employment_status",
        "age",
        "sector",
        "course_format",
        "hours_per_week",
        "budget",
        "on_benefit",
        "benefit_type",
        "company_size",
        "tenant",
    )
    p = {k: getattr(a, k, None) for k in keys}
    if getattr(a, "level", None):
        p["education_level"] = a.level
    return {k: v for k, v in p.items() if v is not None}


def _add_profile_args(sp, with_format=True):
    sp.add_argument("--level", help="opleidingsniveau van de persoon (mbo3, hbo, ...)")
    sp.add_argument("--location", help="woonplaats")
    sp.add_argument("--region", choices=REGIONS)
    sp.add_argument("--age", type=int)
    sp.add_argument(
        "--status",
        dest="employment_status",
        choices=("werkend", "werkzoekend", "zzp", "werkgever", "uitkering", "student"),
    )
    sp.add_argument("--sector")
    sp.add_argument("--theme", choices=THEMES)
    sp.add_argument("--budget", type=int)
    sp.add_argument("--hours", dest="hours_per_week", type=int)
    sp.add_argument("--benefit", dest="benefit_type", choices=("ww", "wia", "wajong", "bijstand", "zw"))
    sp.add_argument("--company-size", dest="company_size", type=int)
    sp.add_argument("--tenant", choices=REGIONS)
    if with_format:
        sp.add_argument("--prefer-format", dest="course_format", choices=FORMATS)


def cmd_search(a) -> int:
    filters = {
        k: v
        for k, v in {
            "format": a.format,
            "max_price": a.max_price,
            "start_within_days": a.within_days,
            "level": a.module_level,
            "region": a.only_region,
            "theme": a.only_theme,
        }.items()
        if v is not None
    }
    r = search_modules(_profile(a), a.query, filters, limit=a.limit, today=a.today)
    if r.message:
        print(r.message)
    for note in r.relaxed:
        print(note)
    print(f"{r.total} modules gevonden (voorbeeldgegevens waar gemarkeerd).")
    for i, h in enumerate(r.hits, 1):
        start = format_date_nl(h.next_start) if h.next_start else "altijd starten"
        print(f"{i}. {h.title} - {h.provider} [{h.module_id}]{' (voorbeeld)' if h.sample else ''}")
        print(f"   {h.level_label} | {h.format} | {h.location} | {h.price_text} | start {start}")
        print(f"   waarom: {'; '.join(h.reasons)}")
    return 0


def cmd_funding(a) -> int:
    for adv in evaluate_funding(_profile(a), a.module, a.as_of):
        print(
            f"[{OUTCOME_NL[adv.outcome]}] {adv.name} (aanvrager: {'jij' if adv.applicant == 'person' else 'werkgever'})"
        )
        for reason in adv.reasons:
            print(f"   - {reason}")
        print(f"   bedrag: {adv.amount_text}")
        if adv.replaced_by:
            print(f"   vervangen door: {adv.replaced_by}")
        if adv.missing_facts:
            print(f"   nog nodig: {', '.join(adv.missing_facts)}")
        print(f"   bron: {adv.source_url} ({adv.source_date})")
    return 0


def cmd_import(a) -> int:
    print(import_file(a.file, a.kind, sample=a.sample, parent=a.parent))
    return 0


def cmd_sync(a) -> int:
    options = {k: v for k, v in (("timeout", a.timeout), ("token_env", a.token_env)) if v is not None}
    if a.kind == "ooapi":
        report = sync_ooapi(a.url, a.provider, **options, **({"page_size": a.page_size} if a.page_size else {}))
    else:
        report = sync_edudex(a.url, a.provider, **options)
    print(report)
    return 0 if report.complete else 1


def cmd_sources(a) -> int:
    with init_db().connect() as conn:
        rows = sources(conn)
    if not rows:
        print("Nog geen bronnen gesynchroniseerd of geïmporteerd.")
    for r in rows:
        run, mods = r["last_run"], r["modules"]
        print(f"{r['feed']} ({r['kind']}, {r['origin']})")
        print(
            f"   laatste sync: {r['last_sync']} | status: {r['status']} | modules: {mods['active']} actief, "
            f"{mods['withdrawn']} ingetrokken"
        )
        print(
            f"   laatste run: {run['new']} nieuw, {run['updated']} bijgewerkt, {run['unchanged']} ongewijzigd, "
            f"{run['withdrawn']} ingetrokken, {run['refused']} geweigerd"
        )
        for e in r["last_errors"]:
            print(f"   fout: {e}")
    return 0


def cmd_stats(a) -> int:
    engine = init_db()
    with engine.connect() as conn:

        def count(table, *where):
            return conn.execute(select(func.count()).select_from(table).where(*where)).scalar()

        print(f"database: {engine.url.render_as_string(hide_password=True)}")
        print(f"schemaversie (Alembic): {migrate.current(engine)}")
        n, n_sample = count(S.module), count(S.module, S.module.c.sample.is_(True))
        n_withdrawn = count(S.module, S.module.c.withdrawn_at.isnot(None))
        print(
            f"modules: {n} (waarvan {n_sample} voorbeeldgegevens, sample: true; {n_withdrawn} ingetrokken, "
            "niet in zoeken)"
        )
        for src, c in conn.execute(select(S.module.c.source, func.count()).group_by(S.module.c.source)):
            print(f"  bron {src}: {c}")
        upcoming = count(S.offering, (S.offering.c.start_date.is_(None)) | (S.offering.c.start_date >= date.today()))
        print(f"uitvoeringen: {count(S.offering)} (waarvan {upcoming} nog te starten)")
        for lvl, c in conn.execute(
            select(S.module.c.level_label, func.count())
            .group_by(S.module.c.level_label)
            .order_by(S.module.c.level_label)
        ):
            print(f"  niveau {lvl}: {c}")
        for theme, c in conn.execute(select(S.module_theme.c.theme, func.count()).group_by(S.module_theme.c.theme)):
            print(f"  thema {theme}: {c}")
        print(
            f"aanbieders: {count(S.provider)}, plaatsen: {count(S.place)}, hubs: {count(S.hub)} (adressen: voorbeeld), "
            f"knelpuntberoepen: {count(S.occupation)} (indicatief voorbeeld), regelingen: {count(S.funding_scheme)}"
        )
        print(f"voorbeeldcatalogus gemaakt op: {get_meta(conn, 'sample_seed_date') or '-'}")
    return 0


def cmd_hubs(a) -> int:
    place = resolve_place(a.place) if a.place else None
    if a.place and place is None:
        print(f"Ik ken de plaats '{a.place}' niet.")
        return 2
    for h in nearest_hubs(place, a.region, a.limit):
        dist = f", {h.distance_km:.0f} km" if h.distance_km is not None else ""
        print(f"{h.name} ({h.city}{dist}) - {h.address} - {h.opening_hours}")
    return 0


def cmd_place(a) -> int:
    p = resolve_place(a.text)
    print(p if p else f"Onbekende plaats: {a.text!r}")
    return 0 if p else 1


def cmd_module(a) -> int:
    d = get_module(a.module_id, include_withdrawn=True)
    if d is None:
        print(f"Ik ken de module '{a.module_id}' niet.")
        return 1
    print(f"{d.title} - {d.provider} ({d.level_label}, {d.credential}){' (voorbeeld)' if d.sample else ''}")
    if d.withdrawn_at:
        print(f"Niet meer aangeboden: ingetrokken door de bron op {d.withdrawn_at[:10]}.")
    print(d.description)
    for o in d.offerings:
        print(f"  - {format_date_nl(o.start_date) or 'altijd'} | {o.location} | {o.format} | {o.price_text}")
    print("Nodig bij aanmelden: " + "; ".join(d.enroll_prepare))
    print("Mogelijke regelingen: " + ", ".join(d.funding_tags))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m knowledge", description="Leerwijzer kennisbank (catalogus, regelingen, hubs)"
    )
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="database maken/bijwerken en voorbeeldcatalogus laden")
    sp = sub.add_parser("import", help="catalogus importeren (OOAPI JSON of EDU-DEX XML)")
    sp.add_argument("kind", choices=("ooapi", "edudex"))
    sp.add_argument("file")
    sp.add_argument("--sample", action="store_true", help="markeer als voorbeeldgegevens (alleen voor demobestanden)")
    sp.add_argument("--parent", help="courseId/programId van een pagina uitvoeringen zonder ouder")
    sp.set_defaults(func=cmd_import)
    sp = sub.add_parser("sync", help="hele catalogus van een bron ophalen (OOAPI v5 of EDU-DEX over HTTP)")
    sp.add_argument("kind", choices=("ooapi", "edudex"))
    sp.add_argument("url", help="OOAPI: de basis-URL; EDU-DEX: een directory of programmadocument")
    sp.add_argument("--provider", required=True, help="naam van de bron (de aanbieder)")
    sp.add_argument(
        "--token-env", help="omgevingsvariabele met het bearer-token (standaard OOAPI_TOKEN of EDUDEX_TOKEN)"
    )
    sp.add_argument("--timeout", type=float, help=f"seconden per verzoek (standaard {DEFAULT_TIMEOUT:g})")
    sp.add_argument("--page-size", type=int, help=f"alleen OOAPI (standaard {PAGE_SIZE})")
    sp.set_defaults(func=cmd_sync)
    sub.add_parser("sources", help="bronnen met laatste sync, aantallen en fouten").set_defaults(func=cmd_sources)
    sp = sub.add_parser("search", help="modules zoeken")
    sp.add_argument("query", nargs="?")
    _add_profile_args(sp)
    sp.add_argument("--format", choices=FORMATS, help="alleen deze lesvorm (filter)")
    sp.add_argument("--max-price", type=int)
    sp.add_argument("--within-days", type=int)
    sp.add_argument("--module-level", help="alleen modules op dit niveau (filter)")
    sp.add_argument("--only-region", choices=REGIONS)
    sp.add_argument("--only-theme", choices=THEMES)
    sp.add_argument("--limit", type=int, default=5)
    sp.add_argument("--today", type=date.fromisoformat, default=None)
    sp.set_defaults(func=cmd_search)
    sp = sub.add_parser("funding", help="regelingen voor een profiel")
    _add_profile_args(sp, with_format=False)
    sp.add_argument("--module")
    sp.add_argument("--as-of", type=date.fromisoformat, default=None)
    sp.set_defaults(func=cmd_funding)
    sp = sub.add_parser("hubs", help="dichtstbijzijnde hubs")
    sp.add_argument("place", nargs="?")
    sp.add_argument("--region", choices=REGIONS)
    sp.add_argument("--limit", type=int, default=3)
    sp.set_defaults(func=cmd_hubs)
    sp = sub.add_parser("place", help="plaatsnaam opzoeken")
    sp.add_argument("text")
    sp.set_defaults(func=cmd_place)
    sp = sub.add_parser("module", help="alles over een module")
    sp.add_argument("module_id")
    sp.set_defaults(func=cmd_module)
    sub.add_parser("stats", help="wat zit er in de database").set_defaults(func=cmd_stats)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    a = build_parser().parse_args(argv)
    try:
        engine = init_db()
        if a.command == "init":
            print(f"Database klaar: {engine.url.render_as_string(hide_password=True)}")
            return cmd_stats(a)
        return a.func(a)
    except (ProfileError, CatalogueImportError) as err:
        print(str(err), file=sys.stderr)
        return 2
