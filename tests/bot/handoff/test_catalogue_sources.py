"""The advisor console shows the catalogue feeds (read-only): last sync, counts, last errors."""
import pytest

from knowledge import db as kdb
from knowledge.feeds import FeedReport, apply_feed

pytestmark = pytest.mark.asyncio


@pytest.fixture
def catalogue(tmp_path, monkeypatch):
    engine = kdb.init_db(f"sqlite:///{tmp_path / 'feeds.db'}", seed_sample=False)
    report = FeedReport(feed="ROC Test", kind="ooapi", origin="https://ooapi.example/v5")
    report.refused.append(("crs-9", "levelOfQualification '9' is geen NLQF-niveau 1-8"))
    with engine.begin() as conn:
        apply_feed(conn, report, [])
    monkeypatch.setattr(kdb, "_default", engine)
    return engine


async def test_logged_in_advisors_see_the_sources_and_others_do_not(desk, catalogue):
    response = await desk.api("GET", "/catalogue/sources")
    assert response.status == 401
    petra = await desk.advisor()
    response = await desk.api("GET", "/catalogue/sources", petra)
    assert response.status == 200
    (source,) = (await response.json())["sources"]
    assert source["feed"] == "ROC Test" and source["last_run"]["refused"] == 1
    assert source["last_errors"] == ["crs-9: levelOfQualification '9' is geen NLQF-niveau 1-8"]
