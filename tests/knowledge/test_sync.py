"""`sync ooapi` over real HTTP against the local OOAPI v5 server (tests/fakes/ooapi_server.py):
what an operator notices: counts in the report, idempotence, withdrawn modules gone from
search, trouble on the server (429, 5xx, slow pages) handled, and `sources` showing it."""

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from knowledge import get_module, search_modules
from knowledge import schema as S
from knowledge.db import init_db
from knowledge.meta import get_meta
from knowledge.feeds import sources
from knowledge.importers.http import retry_after_seconds
from knowledge.importers.ooapi_sync import sync_ooapi
from tests.fakes.ooapi_server import FakeOoapi, course, course_offerings

REPO = Path(__file__).resolve().parents[2]
FAST = {"backoff": 0.01, "page_size": 2, "timeout": 2.0}


def counts(report):
    return (len(report.new), len(report.updated), len(report.unchanged), len(report.withdrawn), len(report.refused))


@pytest.fixture
def db(empty_url):
    """A new, empty catalogue on SQLite and, when reachable, on PostgreSQL."""
    return init_db(empty_url, seed_sample=False)


@pytest.fixture
def server():
    cs = [course(f"wp-{i}", f"Warmtepomp monteren deel {i}") for i in range(5)]
    progs = [
        {
            "programId": "prg-1",
            "name": [{"language": "nl-NL", "value": "Monteur warmtepompen"}],
            "description": [{"language": "nl-NL", "value": "Opleiding"}],
            "sector": "secondary vocational education",
            "levelOfQualification": "3",
            "organization": {"organizationId": "roc-test", "name": "ROC Test"},
            "keywords": ["warmtepomp"],
        }
    ]
    offerings = {c["courseId"]: course_offerings(c["courseId"], 3) for c in cs}
    offerings["prg-1"] = course_offerings("prg-1", 1, city="Breda")
    with FakeOoapi(cs, progs, offerings, token="geheim") as srv:
        yield srv


def sync(srv, db, **kw):
    return sync_ooapi(srv.base_url, "ROC Test", engine=db, **{**FAST, **kw})


def test_sync_pages_offerings_report_and_second_run_changes_nothing(server, db, monkeypatch):
    monkeypatch.setenv("OOAPI_TOKEN", "geheim")
    first = sync(server, db)
    assert counts(first) == (6, 0, 0, 0, 0) and first.complete
    assert server.hits[("/courses", 3)] == 1  # 5 courses in pages of 2
    d = get_module("ooapi-wp-0", engine=db, today=date.today())
    assert len(d.offerings) == 3 and d.provider == "ROC Test" and d.sample is False
    assert d.themes == ["installatietechniek"]
    with db.connect() as conn:
        version = get_meta(conn, "catalogue_version")
    second = sync(server, db)
    assert counts(second) == (0, 0, 6, 0, 0)
    with db.connect() as conn:
        assert get_meta(conn, "catalogue_version") == version  # nothing was written
        assert conn.execute(select(func.count()).select_from(S.feed_run)).scalar() == 2


def requests_made(srv):
    return sum(srv.hits.values())


def test_a_second_run_asks_conditionally_gets_304s_and_changes_nothing(server, db, monkeypatch):
    monkeypatch.setenv("OOAPI_TOKEN", "geheim")
    first = sync(server, db)
    assert first.not_modified == 0 and sum(server.not_modified.values()) == 0
    with db.connect() as conn:
        version = get_meta(conn, "catalogue_version")
        assert conn.execute(select(func.count()).select_from(S.feed_http_cache)).scalar() == first.requests
    asked = requests_made(server)
    second = sync(server, db)
    assert counts(second) == (0, 0, 6, 0, 0) and second.complete
    assert second.requests == requests_made(server) - asked  # every request ...
    assert second.not_modified == second.requests == sum(server.not_modified.values())  # ... a 304
    assert f"{second.requests} verzoeken, waarvan {second.requests} niet gewijzigd (304)" in str(second)
    with db.connect() as conn:
        assert get_meta(conn, "catalogue_version") == version  # nothing was written
    server.offerings["wp-3"][0]["priceInformation"][0]["amount"] = 990  # one page changes
    third = sync(server, db)
    assert counts(third) == (0, 1, 5, 0, 0) and third.not_modified == third.requests - 1
    assert get_module("ooapi-wp-3", engine=db).offerings[0].price_eur == 990


def test_last_modified_alone_is_asked_with_if_modified_since(db, monkeypatch):
    monkeypatch.delenv("OOAPI_TOKEN", raising=False)
    with FakeOoapi(
        [course("wp-1", "Warmtepomp monteren")],
        [],
        {"wp-1": course_offerings("wp-1", 1)},
        validators=("last-modified",),
    ) as srv:
        sync(srv, db)
        again = sync(srv, db)
    assert again.not_modified == again.requests == 3 and counts(again) == (0, 0, 1, 0, 0)


def test_a_module_gone_from_the_source_is_withdrawn_and_not_found_but_kept(server, db, monkeypatch):
    monkeypatch.setenv("OOAPI_TOKEN", "geheim")
    sync(server, db)
    assert "ooapi-wp-4" in {h.module_id for h in search_modules({}, "warmtepomp monteren", limit=10, engine=db).hits}
    server.courses = [c for c in server.courses if c["courseId"] != "wp-4"]
    server.courses[0] = dict(server.courses[0], name=[{"language": "nl-NL", "value": "Warmtepomp monteren, vernieuwd"}])
    report = sync(server, db)
    assert counts(report) == (0, 1, 4, 1, 0) and report.withdrawn == ["ooapi-wp-4"]
    assert "ooapi-wp-4" not in {
        h.module_id for h in search_modules({}, "warmtepomp monteren", limit=10, engine=db).hits
    }
    with db.connect() as conn:
        kept = conn.execute(select(S.module.c.withdrawn_at).where(S.module.c.id == "ooapi-wp-4")).scalar()
    assert kept  # kept for history
    assert get_module("ooapi-wp-4", engine=db) is None  # not offered as current
    assert get_module("ooapi-wp-4", engine=db, include_withdrawn=True).withdrawn_at == kept
    server.courses.append(course("wp-4", "Warmtepomp monteren deel 4"))
    assert counts(sync(server, db)) == (0, 1, 5, 0, 0)  # back again
    assert "ooapi-wp-4" in {h.module_id for h in search_modules({}, "warmtepomp monteren", limit=10, engine=db).hits}


def test_429_5xx_and_a_slow_page_are_retried(server, db, monkeypatch):
    monkeypatch.setenv("OOAPI_TOKEN", "geheim")
    server.script[("/courses", 2)] = [429, 503]
    server.slow[("/courses", 3)] = 3.0  # longer than the 2 s timeout, once
    report = sync(server, db)
    assert report.complete and counts(report) == (6, 0, 0, 0, 0)
    assert server.hits[("/courses", 2)] == 3 and server.hits[("/courses", 3)] == 2


def test_retry_after_is_honoured(server, db, monkeypatch):
    monkeypatch.setenv("OOAPI_TOKEN", "geheim")
    server.retry_after = "1"
    server.script[("/programs", 1)] = [429]
    started = time.monotonic()
    report = sync(server, db)  # own back-off would be 0.01 s
    assert report.complete and time.monotonic() - started >= 1.0
    assert retry_after_seconds("2") == 2.0 and retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("onzin") is None


def test_a_page_that_keeps_failing_withdraws_nothing_and_is_reported(server, db, monkeypatch):
    monkeypatch.setenv("OOAPI_TOKEN", "geheim")
    sync(server, db)
    server.script[("/courses", 2)] = [500] * 10
    report = sync(server, db, retries=2)
    assert not report.complete and report.withdrawn == [] and "HTTP 500" in report.errors[0]
    assert "niets ingetrokken" in str(report)
    with db.connect() as conn:
        (src,) = sources(conn)
    assert src["status"] == "onvolledig" and src["modules"]["active"] == 6 and "HTTP 500" in src["last_errors"][0]


def test_one_bad_record_is_refused_and_the_others_are_imported(server, db, monkeypatch):
    monkeypatch.setenv("OOAPI_TOKEN", "geheim")
    server.courses[1] = dict(server.courses[1], levelOfQualification="9")
    server.offerings["wp-2"][0]["priceInformation"][0]["amount"] = -1
    report = sync(server, db)
    assert counts(report) == (4, 0, 0, 0, 2)
    refused = dict(report.refused)
    assert "levelOfQualification" in refused["wp-1"] and "price_eur" in refused["wp-2"]


def test_without_the_token_nothing_is_read_and_nothing_withdrawn(server, db, monkeypatch):
    monkeypatch.setenv("OOAPI_TOKEN", "geheim")
    sync(server, db)
    monkeypatch.delenv("OOAPI_TOKEN")
    report = sync(server, db)
    assert not report.complete and "HTTP 401" in report.errors[0] and report.withdrawn == []


def test_cli_sync_and_sources(server, tmp_path):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", LW_TOKEN="geheim")

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "knowledge", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
        )

    r = run("sync", "ooapi", server.base_url, "--provider", "ROC Test", "--token-env", "LW_TOKEN")
    assert r.returncode == 0 and "6 nieuw" in r.stdout, r.stderr
    r = run("sources")
    assert r.returncode == 0 and "ROC Test (ooapi" in r.stdout and "6 actief" in r.stdout
