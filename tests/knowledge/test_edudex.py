"""EDU-DEX program XML: programRun schedules and costs, notes in the report, and XML that
defusedxml refuses (DTDs, entity expansion, external entities)."""

from datetime import date
from pathlib import Path

import pytest

from knowledge import get_module
from knowledge.db import init_db
from knowledge.importers import CatalogueImportError, import_file
from tests.fakes.edudex_server import EVIL_DOCUMENTS

FIX = Path(__file__).parent / "fixtures" / "edudex"


@pytest.fixture
def fresh(empty_url):
    """A new, empty catalogue on SQLite and, when reachable, on PostgreSQL."""
    return init_db(empty_url, seed_sample=False)


def test_program_runs_with_their_own_costs_and_schedule(fresh):
    report = import_file(FIX / "program_runs.xml", "edudex", engine=fresh)
    assert report.created == ["edudex-edx-nen3140"]
    notes = " ".join(report.notes["edx-nen3140"])
    assert "niet in het Nederlands" in notes and "lunch" in notes and "geen thema" in notes
    d = get_module("edudex-edx-nen3140", engine=fresh, today=date(2027, 1, 1))
    assert d.sample is False and d.themes == [] and d.credential == "bewijs van deelname"
    runs = {o.location: o for o in d.offerings}
    assert runs["Deventer"].price_eur == 500 and runs["Deventer"].schedule == "3 lesdagen"
    assert runs["Zwolle"].price_eur == pytest.approx(726)  # generic run cost, 21% btw


@pytest.mark.parametrize("xml", list(EVIL_DOCUMENTS.values()), ids=list(EVIL_DOCUMENTS))
def test_dtds_and_entities_are_refused(fresh, tmp_path, xml):
    path = tmp_path / "evil.xml"
    path.write_text(" " * 5000 + xml.replace('<?xml version="1.0"?>', ""), encoding="utf-8")  # past any header check
    with pytest.raises(CatalogueImportError, match="DTD"):
        import_file(path, "edudex", engine=fresh)
