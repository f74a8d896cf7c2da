"""Importers (OOAPI, EDU-DEX), the CLI, schema upgrades and sample refresh."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from knowledge import get_module, search_modules
from knowledge import schema as S
from knowledge.db import init_db
from knowledge.importers import CatalogueImportError, import_file

EXAMPLES = Path(__file__).resolve().parents[2] / "knowledge" / "examples"
REPO = Path(__file__).resolve().parents[2]


def count(engine, table=S.module, *where):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar()


def ooapi_item(pid, title="Warmtepomp onderhoud (test)", start=None):
    start = start or (date.today() + timedelta(days=30)).isoformat()
    return {
        "programId": pid,
        "name": [{"language": "nl-NL", "value": title}],
        "description": "Onderhoud aan warmtepompen.",
        "organization": {"organizationId": "test-org", "name": "Testopleider"},
        "sector": "secondary vocational education",
        "levelOfQualification": "3",
        "studyLoad": {"studyLoadUnit": "hour", "value": 40},
        "duration": "P2M",
        "offerings": [
            {
                "offeringId": f"{pid}-1",
                "startDate": start,
                "endDate": start,
                "modeOfDelivery": ["on campus"],
                "addresses": [{"city": "Tilburg"}],
                "priceInformation": [{"costType": "total costs", "amount": 800}],
            }
        ],
    }


@pytest.fixture
def fresh(empty_url):
    return init_db(empty_url, seed_sample=False)


def test_ooapi_example_imports_and_reimport_updates(fresh):
    report = import_file(EXAMPLES / "ooapi_voorbeeld.json", "ooapi", engine=fresh, sample=True)
    assert len(report.created) == 2 and not report.updated
    again = import_file(EXAMPLES / "ooapi_voorbeeld.json", "ooapi", engine=fresh, sample=True)
    assert len(again.updated) == 2 and not again.created
    assert count(fresh) == 2 and count(fresh, S.offering) == 3
    d = get_module("ooapi-vb-0001", engine=fresh, today=date(2027, 1, 1))
    assert d.level_label == "mbo 3" and d.price_text == "€ 1.650 incl. btw" and d.study_load_text == "ca. 60 uur"
    assert [o.location for o in d.offerings] == ["Groningen", "Leeuwarden"]
    mc = get_module("ooapi-vb-0002", engine=fresh, today=date(2027, 1, 1))
    assert mc.credential == "microcredential" and mc.recognised and mc.study_load_text == "3 EC"
    assert "levenlanglerenkrediet" in mc.funding_tags


def test_edudex_example_imports_with_vat_and_runs(fresh):
    report = import_file(EXAMPLES / "edudex_voorbeeld.xml", "edudex", engine=fresh)
    assert report.created == ["edudex-vb-bim-01"]
    d = get_module("edudex-vb-bim-01", engine=fresh, today=date(2027, 1, 1))
    assert d.title.startswith("BIM voor installateurs") and d.price_eur == pytest.approx(1149.5)
    assert d.format == "hybride" and [o.location for o in d.offerings] == ["Eindhoven", "Tilburg"]
    assert "digitalisering_bouw" in d.themes and d.sample is False
    r = search_modules({"location": "Eindhoven"}, "bim installateurs", engine=fresh, today=date(2027, 1, 1))
    assert r.hits[0].module_id == "edudex-vb-bim-01"


def test_a_bad_record_names_file_and_record_and_writes_nothing(fresh, tmp_path):
    import_file(EXAMPLES / "ooapi_voorbeeld.json", "ooapi", engine=fresh)
    before = (count(fresh), count(fresh, S.offering), count(fresh, S.provider))
    bad = ooapi_item("t-2")
    del bad["name"]
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"items": [ooapi_item("t-1"), bad, ooapi_item("t-3")]}), encoding="utf-8")
    with pytest.raises(CatalogueImportError) as err:
        import_file(path, "ooapi", engine=fresh)
    assert err.value.file == "feed.json" and err.value.record == "t-2"
    assert "feed.json" in str(err.value) and "t-2" in str(err.value) and "niets" in str(err.value)
    assert (count(fresh), count(fresh, S.offering), count(fresh, S.provider)) == before


def test_a_negative_price_is_refused_before_writing(fresh, tmp_path):
    items = [ooapi_item("t-1"), ooapi_item("t-2")]
    items[1]["offerings"][0]["priceInformation"][0]["amount"] = -5
    path = tmp_path / "neg.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    with pytest.raises(CatalogueImportError, match="t-2"):
        import_file(path, "ooapi", engine=fresh)
    assert count(fresh) == 0


def test_a_failure_half_way_through_writing_rolls_back_the_whole_file(fresh, tmp_path, monkeypatch):
    import knowledge.catalogue as catalogue

    def crash(conn, ids):
        raise RuntimeError("disk full")  # after providers, modules and offerings were inserted

    monkeypatch.setattr(catalogue, "reindex_modules", crash)
    path = tmp_path / "ok.json"
    path.write_text(json.dumps([ooapi_item("t-1"), ooapi_item("t-2")]), encoding="utf-8")
    with pytest.raises(RuntimeError):
        import_file(path, "ooapi", engine=fresh)
    assert (count(fresh), count(fresh, S.offering), count(fresh, S.provider)) == (0, 0, 0)


@pytest.mark.parametrize(
    "content, kind, needle",
    [
        ("{ not json", "ooapi", "geen geldige JSON"),
        ("[1, 2]", "ooapi", "record 1"),
        ('{"items": "x"}', "ooapi", "lijsten"),
        ("<program><x/></program>", "edudex", "namespace"),
        ("<not xml", "edudex", "geen geldige XML"),
        ('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', "edudex", "DTD"),
    ],
)
def test_broken_files_give_clear_errors(fresh, tmp_path, content, kind, needle):
    path = tmp_path / f"broken.{kind}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogueImportError, match=needle):
        import_file(path, kind, engine=fresh)
    assert count(fresh) == 0


def test_binary_and_missing_files(fresh, tmp_path):
    path = tmp_path / "bin.json"
    path.write_bytes(b"\x00\xff\x10" * 100)
    with pytest.raises(CatalogueImportError, match="geen tekstbestand"):
        import_file(path, "ooapi", engine=fresh)
    with pytest.raises(CatalogueImportError, match="niet te lezen"):
        import_file(tmp_path / "missing.json", "ooapi", engine=fresh)


def test_edudex_program_without_id_names_the_record(fresh, tmp_path):
    text = (
        (EXAMPLES / "edudex_voorbeeld.xml")
        .read_text(encoding="utf-8")
        .replace("<programId>edudex-vb-bim-01</programId>", "")
    )
    path = tmp_path / "noid.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueImportError, match="programId ontbreekt"):
        import_file(path, "edudex", engine=fresh)


# --- first use (migrations: tests/database/test_migrations.py) ---------------------------------
def test_init_is_idempotent_and_refreshes_old_sample_dates(tmp_path):
    url = f"sqlite:///{tmp_path / 'sample.db'}"
    long_ago = date.today() - timedelta(days=200)
    eng = init_db(url, today=long_ago)
    assert count(eng) == 189
    stale = count(eng, S.offering, S.offering.c.start_date < date.today())
    assert stale > 0  # seeded 200 days ago: many starts are past
    init_db(url)
    assert count(eng) == 189
    assert count(eng, S.offering, S.offering.c.start_date < date.today()) == 0
    init_db(url)
    assert count(eng) == 189


# --- command line ---------------------------------------------------------------------------------
def run_cli(tmp_path, *args):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}")
    return subprocess.run(
        [sys.executable, "-m", "knowledge", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def test_cli_search_funding_stats_and_errors(tmp_path):
    r = run_cli(tmp_path, "search", "warmtepomp", "--level", "mbo3", "--region", "brabant")
    assert r.returncode == 0 and "waarom:" in r.stdout and "(voorbeeld)" in r.stdout
    r = run_cli(tmp_path, "funding", "--age", "45", "--status", "werkend", "--level", "mbo3")
    assert r.returncode == 0 and "[GESTOPT] STAP-budget" in r.stdout
    r = run_cli(tmp_path, "stats")
    assert r.returncode == 0 and "189 voorbeeldgegevens" in r.stdout
    r = run_cli(tmp_path, "import", "ooapi", str(EXAMPLES / "edudex_voorbeeld.xml"))
    assert r.returncode == 2 and "Importfout" in r.stderr
    r = run_cli(tmp_path, "funding", "--level", "toverschool")
    assert r.returncode == 2 and "opleidingsniveau" in r.stderr


def test_search_sees_an_import_made_after_the_first_search(fresh, tmp_path):
    import_file(EXAMPLES / "edudex_voorbeeld.xml", "edudex", engine=fresh)
    first = search_modules({}, "warmtepomp onderhoud", engine=fresh)  # builds the ranking index
    assert all(h.module_id != "ooapi-t-9" for h in first.hits)
    path = tmp_path / "later.json"
    path.write_text(json.dumps([ooapi_item("t-9", "Warmtepomp onderhoud voor gevorderden")]), encoding="utf-8")
    import_file(path, "ooapi", engine=fresh)
    again = search_modules({}, "warmtepomp onderhoud", engine=fresh)
    assert again.hits[0].module_id == "ooapi-t-9" and not again.relaxed
