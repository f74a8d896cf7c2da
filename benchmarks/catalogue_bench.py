"""Catalogue benchmark: search and funding latency on a large generated catalogue.

    python benchmarks/catalogue_bench.py [--modules 10000] [--searches 500] [--url DATABASE_URL]

Builds a catalogue of --modules modules (the sample templates in numbered variants; source
'bench') in a temporary SQLite file unless --url is given, then prints p50/p95 of
search_modules over a fixed mix of profiles, queries and filters (target p95 < 20 ms on SQLite),
p50/p95 of evaluating all funding rules for a profile (target p95 < 2 ms), and the database
size. Not a test: it prints figures. The machine's load average is printed too, since other
work on a shared machine slows every figure down.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge import evaluate_funding, search_modules
from knowledge.catalogue import upsert_modules
from knowledge.db import init_db
from knowledge.sample_data import sample_modules

QUERIES = [
    None,
    None,
    "warmtepomp",
    "monteur",
    "zonnepanelen",
    "BIM modelleur",
    "isolatie woning",
    "laadpaal eindhoven",
    "circulair bouwen",
    "batterij",
    "netwerkmonteur",
    "energieadviseur",
    "warmtepompmonteur bbl",
    "ik zoek een cursus over warmtepompen in de buurt van breda",
    "middenspanning",
    "xylofoonreparatie",
    "drone inspectie",
    "f-gassen",
]
LEVELS = [None, "mbo2", "mbo3", "mbo4", "havo", "hbo_bachelor", "master"]
PLACES = [
    None,
    "Eindhoven",
    "Breda",
    "Den Bosch",
    "Enschede",
    "Hengelo (O)",
    "Groningen",
    "Leeuwarden",
    "Emmen",
    "Utrecht",
]
THEMES = [
    None,
    "installatietechniek",
    "verduurzaming_woningen",
    "infra_netwerken",
    "digitalisering_bouw",
    "circulair_bouwen",
    "batterijtechnologie",
]
FILTERS = [
    None,
    None,
    None,
    {"region": "twente"},
    {"format": "klassikaal", "region": "brabant"},
    {"max_price": 1000},
    {"start_within_days": 42},
    {"theme": "installatietechniek", "format": "online"},
]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def line(name, ms, target=None):
    extra = f" (target p95 < {target} ms)" if target else ""
    return (
        f"{name} (n={len(ms)}): p50 {pct(ms, 50):.2f} ms, p95 {pct(ms, 95):.2f} ms, "
        f"p99 {pct(ms, 99):.2f} ms, max {max(ms):.2f} ms{extra}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modules", type=int, default=10_000)
    ap.add_argument("--searches", type=int, default=500)
    ap.add_argument("--fundings", type=int, default=2000)
    ap.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    args = ap.parse_args()

    tmpdir = tempfile.TemporaryDirectory()
    url = args.url or f"sqlite:///{Path(tmpdir.name) / 'bench.db'}"
    today = date.today()
    t0 = time.perf_counter()
    engine = init_db(url, seed_sample=False, today=today)
    records = sample_modules(today, count=args.modules)
    for r in records:
        r["source"] = "bench"
    with engine.begin() as conn:
        upsert_modules(conn, records)
    build_s = time.perf_counter() - t0
    offerings = sum(len(r["offerings"]) for r in records)
    size = ""
    if url.startswith("sqlite"):
        size = f", database {os.path.getsize(url.split('///', 1)[1]) / 1e6:.1f} MB"
    else:
        with engine.connect() as conn:
            size = f", database {conn.exec_driver_sql('SELECT pg_database_size(current_database())').scalar() / 1e6:.1f} MB"
    print(
        f"catalogue: {args.modules} modules, {offerings} offerings, built in {build_s:.1f} s{size} "
        f"[{engine.dialect.name}]"
    )
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")

    rng = random.Random(42)
    workload = []
    for _ in range(args.searches + 20):
        profile = {
            k: v
            for k, v in {
                "education_level": rng.choice(LEVELS),
                "location": rng.choice(PLACES),
                "theme": rng.choice(THEMES),
            }.items()
            if v
        }
        workload.append((profile, rng.choice(QUERIES), rng.choice(FILTERS)))
    for profile, query, filters in workload[:20]:  # warm-up: index build, caches
        search_modules(profile, query, filters, engine=engine, today=today)
    search_ms, relaxed, empty = [], 0, 0
    for profile, query, filters in workload[20:]:
        t = time.perf_counter()
        r = search_modules(profile, query, filters, engine=engine, today=today)
        search_ms.append((time.perf_counter() - t) * 1000)
        relaxed += bool(r.relaxed)
        empty += not r.hits
    print(line("search_modules, limit 3", search_ms, 20) + f"; {relaxed} relaxed, {empty} empty")

    statuses = ["werkend", "werkzoekend", "zzp", "werkgever", "uitkering"]
    people = [
        {
            "age": rng.randint(18, 70),
            "employment_status": rng.choice(statuses),
            "education_level": rng.choice([lvl for lvl in LEVELS if lvl]),
            "company_size": rng.randint(1, 400),
            "sector": rng.choice(["installatie", "bouw_infra", "zorg", "logistiek"]),
        }
        for _ in range(args.fundings)
    ]
    fund_ms = []
    for p in people:
        t = time.perf_counter()
        evaluate_funding(p, as_of=today)
        fund_ms.append((time.perf_counter() - t) * 1000)
    print(line("evaluate_funding, all rules, profile only", fund_ms, 2))
    module_ids = [r["id"] for r in rng.sample(records, 200)]
    fund_mod_ms = []
    for i, p in enumerate(people[:500]):
        t = time.perf_counter()
        evaluate_funding(p, module_ids[i % len(module_ids)], as_of=today, engine=engine)
        fund_mod_ms.append((time.perf_counter() - t) * 1000)
    print(line("evaluate_funding, all rules, with a module (DB lookup)", fund_mod_ms))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    engine.dispose()
    tmpdir.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
