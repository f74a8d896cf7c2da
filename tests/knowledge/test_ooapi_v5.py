"""OOAPI v5 response shapes as the specification publishes them (fixtures/ooapi/), and the
sample mark: imported modules are real data, ranked like the demo catalogue."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from knowledge import get_module, search_modules
from knowledge import schema as S
from knowledge.db import init_db
from knowledge.importers import CatalogueImportError, import_file

FIX = Path(__file__).parent / "fixtures" / "ooapi"
LATER = date(2027, 1, 1)


@pytest.fixture
def fresh(empty_url):
    """A new, empty catalogue on SQLite and, when reachable, on PostgreSQL."""
    return init_db(empty_url, seed_sample=False)


def test_a_single_course_with_programs_field_and_only_english_text(fresh):
    report = import_file(FIX / "course_single_en.json", "ooapi", engine=fresh)
    assert report.created == ["ooapi-123e4567-e89b-12d3-a456-426614174000"]
    notes = " ".join(report.notes["123e4567-e89b-12d3-a456-426614174000"])
    assert "'name' staat er niet in het Nederlands" in notes and "en-GB" in notes
    assert "som van tuition fees, examination fee, material costs" in notes
    d = get_module(report.created[0], engine=fresh, today=LATER)
    assert d.title == "Heat pump installation for professionals" and d.sample is False
    assert d.level_label == "associate degree" and d.study_load_text == "7,5 EC"
    assert d.themes == ["installatietechniek"]  # ISCED-F 0713, electricity and energy
    (o,) = d.offerings
    assert o.location == "Utrecht" and o.format == "hybride" and o.price_eur == 1100


def test_a_page_of_courses_maps_levels_units_and_says_when_there_is_no_theme(fresh):
    report = import_file(FIX / "courses_page.json", "ooapi", engine=fresh)
    assert sorted(report.created) == ["ooapi-crs-bim-01", "ooapi-crs-taal-01"]
    bim = get_module("ooapi-crs-bim-01", engine=fresh, today=LATER)
    assert bim.themes == ["digitalisering_bouw"] and bim.format == "online" and bim.study_load_text == "80 SBU"
    taal = get_module("ooapi-crs-taal-01", engine=fresh, today=LATER)
    assert taal.themes == [] and taal.credential == "bewijs van deelname" and taal.study_load_text == "24 contacturen"
    assert any(n.startswith("geen thema: fieldsOfStudy 0231") for n in report.notes["crs-taal-01"])


def test_expanded_programs_with_component_offering_academic_session_and_flexible_start(fresh):
    report = import_file(FIX / "programs_page_expanded.json", "ooapi", engine=fresh)
    notes = " ".join(report.notes["prg-elek-3"])
    assert "offeringType component" in notes and "academicSession" in notes
    d = get_module("ooapi-prg-elek-3", engine=fresh, today=LATER)
    assert d.level_label == "mbo 4" and d.credential == "diploma" and d.recognised
    starts = sorted((o.start_date or date.min) for o in d.offerings)
    assert starts == [date.min, date(2027, 8, 30)]  # flexible entry + the academic session; no component
    assert {o.price_eur for o in d.offerings} == {1618, None}


def test_a_page_of_offerings_for_a_known_parent(fresh):
    import_file(FIX / "courses_page.json", "ooapi", engine=fresh)
    with pytest.raises(CatalogueImportError, match="ouder"):
        import_file(FIX / "course_offerings_page.json", "ooapi", engine=fresh)
    report = import_file(FIX / "course_offerings_page.json", "ooapi", engine=fresh, parent="crs-bim-01")
    assert report.updated == ["ooapi-crs-bim-01"]
    d = get_module("ooapi-crs-bim-01", engine=fresh, today=LATER)
    assert sorted(o.location for o in d.offerings) == ["Eindhoven", "online"]
    with pytest.raises(CatalogueImportError, match="eerst"):
        import_file(FIX / "course_offerings_page.json", "ooapi", engine=fresh, parent="onbekend")


def test_imported_modules_are_not_sample_and_rank_like_the_demo_catalogue(fresh, tmp_path):
    import json

    item = json.loads((FIX / "courses_page.json").read_text())["items"][0]
    demo, real = dict(item, courseId="demo-1"), dict(item, courseId="real-1")
    (tmp_path / "demo.json").write_text(json.dumps([demo]))
    (tmp_path / "real.json").write_text(json.dumps([real]))
    import_file(tmp_path / "demo.json", "ooapi", engine=fresh, sample=True)
    import_file(tmp_path / "real.json", "ooapi", engine=fresh)
    hits = search_modules({}, "bim modelleren", engine=fresh, today=LATER, limit=5).hits
    by_id = {h.module_id: h for h in hits}
    assert by_id["ooapi-real-1"].sample is False and by_id["ooapi-demo-1"].sample is True
    assert by_id["ooapi-real-1"].score == by_id["ooapi-demo-1"].score
    with fresh.connect() as conn:
        consumers_sample = conn.execute(select(S.module.c.sample).where(S.module.c.id == "ooapi-real-1")).scalar()
    assert consumers_sample is False


def test_file_imports_and_their_failures_show_in_sources(fresh, tmp_path):
    from knowledge.feeds import sources

    import_file(FIX / "courses_page.json", "ooapi", engine=fresh)
    bad = tmp_path / "kapot.json"
    bad.write_text('{"courseId": "x1", "name": "Zonder aanbieder"}', encoding="utf-8")
    with pytest.raises(CatalogueImportError):
        import_file(bad, "ooapi", engine=fresh)
    with fresh.connect() as conn:
        by_feed = {s["feed"]: s for s in sources(conn)}
    ok, failed = by_feed["bestand courses_page.json"], by_feed["bestand kapot.json"]
    assert ok["last_run"]["new"] == 2 and ok["modules"]["active"] == 2 and ok["status"] == "ok"
    assert failed["status"] == "fouten" and "organization" in failed["last_errors"][0]


def test_a_page_of_program_offerings_naming_its_program_with_only_a_geolocation(fresh):
    import_file(FIX / "programs_page_expanded.json", "ooapi", engine=fresh)
    report = import_file(FIX / "program_offerings_page.json", "ooapi", engine=fresh)
    assert report.updated == ["ooapi-prg-elek-3"]
    notes = " ".join(report.notes["prg-elek-3"])
    assert "geen plaats in addresses; de coördinaten zijn gebruikt" in notes and "USD" in notes
    with fresh.connect() as conn:
        row = conn.execute(
            select(S.offering.c.location, S.offering.c.lat, S.offering.c.lon, S.offering.c.price_eur).where(
                S.offering.c.module_id == "ooapi-prg-elek-3"
            )
        ).one()
    assert row == ("plaats onbekend", 52.2661, 6.7931, 1318)
    near = search_modules({"location": "Hengelo"}, "elektrotechnische installaties", engine=fresh, today=LATER)
    assert near.hits[0].module_id == "ooapi-prg-elek-3" and near.hits[0].distance_km < 10
