"""The advisor console shows the catalogue feeds (read-only): last sync, counts, last errors."""
import pytest

from bot.security import CONFIG
from knowledge.db import engine_for
from knowledge.feeds import FeedReport, apply_feed

pytestmark = pytest.mark.asyncio


async def test_logged_in_advisors_see_the_sources_and_others_do_not(desk):
    engine = engine_for(desk.app[CONFIG].database_url)      # the catalogue shares the gateway's database
    report = FeedReport(feed="ROC Test", kind="ooapi", origin="https://ooapi.example/v5")
    report.refused.append(("crs-9", "levelOfQualification '9' is geen NLQF-niveau 1-8"))
    with engine.begin() as conn:
        apply_feed(conn, report, [])
    response = await desk.api("GET", "/catalogue/sources")
    assert response.status == 401
    petra = await desk.advisor()
    response = await desk.api("GET", "/catalogue/sources", petra)
    assert response.status == 200
    (source,) = (await response.json())["sources"]
    assert source["feed"] == "ROC Test" and source["last_run"]["refused"] == 1
    assert source["last_errors"] == ["crs-9: levelOfQualification '9' is geen NLQF-niveau 1-8"]
