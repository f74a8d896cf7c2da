"""`sync edudex` over real HTTP against the local EDU-DEX server (tests/fakes/edudex_server.py):
a directory of program documents or one document, the report, 304s on the second run,
withdrawn programs, documents with DTDs/entities refused one by one, trouble on the server,
and the token only for the feed's own host."""

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
from knowledge.importers.edudex_sync import sync_edudex
from tests.fakes.edudex_server import EVIL_DOCUMENTS, FakeEdudex, directory_xml, program_xml

REPO = Path(__file__).resolve().parents[2]
FAST = {"backoff": 0.01, "timeout": 2.0}
IDS = ["edx-wp-1", "edx-wp-2", "edx-wp-3"]


def counts(report):
    return (len(report.new), len(report.updated), len(report.unchanged), len(report.withdrawn), len(report.refused))


@pytest.fixture
def db(empty_url):
    """A new, empty catalogue on SQLite and, when reachable, on PostgreSQL."""
    return init_db(empty_url, seed_sample=False)


def documents(ids=IDS, **extra):
    docs = {f"/programs/{pid}.xml": program_xml(pid, f"Warmtepomp installeren {pid[-1]}") for pid in ids}
    docs["/directory.xml"] = directory_xml(
        [(pid, f"programs/{pid}.xml") for pid in ids] + [(pid, f"programs/{pid}.xml") for pid in extra]
    )
    docs.update({f"/programs/{pid}.xml": xml for pid, xml in extra.items()})
    return docs


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("EDUDEX_TOKEN", "geheim")
    with FakeEdudex(documents(), token="geheim") as srv:
        yield srv


def sync(srv, db, path="/directory.xml", **kw):
    return sync_edudex(srv.base_url + path, "Opleider Test", engine=db, **{**FAST, **kw})


def found(db):
    return {h.module_id for h in search_modules({}, "warmtepomp installeren", limit=10, engine=db).hits}


def test_a_directory_is_synced_and_the_second_run_is_all_304_and_changes_nothing(server, db):
    first = sync(server, db)
    assert counts(first) == (3, 0, 0, 0, 0) and first.complete and first.requests == 4
    d = get_module("edudex-edx-wp-2", engine=db, today=date.today())
    assert d.title == "Warmtepomp installeren 2" and d.sample is False and len(d.offerings) == 2
    assert d.themes == ["installatietechniek"] and d.level_label.startswith("mbo")
    with db.connect() as conn:
        version = get_meta(conn, "catalogue_version")
    second = sync(server, db)
    assert counts(second) == (0, 0, 3, 0, 0) and second.not_modified == second.requests == 4
    assert sum(server.not_modified.values()) == 4 and "waarvan 4 niet gewijzigd (304)" in str(second)
    with db.connect() as conn:
        assert get_meta(conn, "catalogue_version") == version  # nothing was written
        assert conn.execute(select(func.count()).select_from(S.feed_run)).scalar() == 2


def test_a_program_gone_from_the_directory_is_withdrawn_and_a_changed_one_updated(server, db):
    sync(server, db)
    server.documents["/directory.xml"] = directory_xml([(p, f"programs/{p}.xml") for p in IDS[:2]])
    server.documents["/programs/edx-wp-1.xml"] = program_xml("edx-wp-1", "Warmtepomp installeren 1", price=820)
    report = sync(server, db)
    assert counts(report) == (0, 1, 1, 1, 0) and report.withdrawn == ["edudex-edx-wp-3"]
    assert report.not_modified == 1  # edx-wp-2 alone is unchanged
    assert "edudex-edx-wp-3" not in found(db) and get_module("edudex-edx-wp-3", engine=db) is None
    assert get_module("edudex-edx-wp-1", engine=db).offerings[0].price_eur == 820


@pytest.mark.parametrize("kind", list(EVIL_DOCUMENTS))
def test_a_document_with_a_dtd_or_entities_is_refused_and_the_others_go_on(db, monkeypatch, kind):
    monkeypatch.delenv("EDUDEX_TOKEN", raising=False)
    with FakeEdudex(documents(**{"edx-kwaad": EVIL_DOCUMENTS[kind]})) as srv:
        report = sync(srv, db)
        assert counts(report) == (3, 0, 0, 0, 1) and report.complete and report.status == "fouten"
        assert report.refused == [("edx-kwaad", "DTD's en entities zijn niet toegestaan in EDU-DEX-bestanden")]
        with db.connect() as conn:
            (src,) = sources(conn)
        assert src["last_errors"] == ["edx-kwaad: DTD's en entities zijn niet toegestaan in EDU-DEX-bestanden"]
        srv.documents["/directory.xml"] = directory_xml([("edx-kwaad", "programs/edx-kwaad.xml")])
        evil_only = sync(srv, db)  # the directory itself is fine
    assert counts(evil_only) == (0, 0, 0, 3, 1)


def test_a_directory_with_a_dtd_is_refused_and_nothing_is_withdrawn(server, db):
    sync(server, db)
    server.documents["/directory.xml"] = EVIL_DOCUMENTS["billion_laughs"]
    report = sync(server, db)
    assert not report.complete and report.withdrawn == [] and "DTD" in report.errors[0]
    assert len(found(db)) == 3


def test_one_program_document_as_the_url(server, db):
    report = sync(server, db, path="/programs/edx-wp-1.xml")
    assert counts(report) == (1, 0, 0, 0, 0) and report.requests == 1


def test_trouble_with_one_program_is_retried_or_refused_and_never_withdraws_it(server, db):
    server.retry_after = "1"
    server.script["/programs/edx-wp-1.xml"] = [429]
    server.script["/programs/edx-wp-2.xml"] = [503, 500]
    started = time.monotonic()
    report = sync(server, db)  # own back-off would be 0.01 s
    assert counts(report) == (3, 0, 0, 0, 0) and time.monotonic() - started >= 1.0
    assert server.hits["/programs/edx-wp-2.xml"] == 3
    server.script["/programs/edx-wp-3.xml"] = [500] * 10
    report = sync(server, db, retries=2)
    assert counts(report) == (0, 0, 2, 0, 1) and report.withdrawn == []
    assert report.refused[0][0] == "edx-wp-3" and "HTTP 500" in report.refused[0][1]
    assert get_module("edudex-edx-wp-3", engine=db) is not None


def test_without_the_token_nothing_is_read_and_nothing_withdrawn(server, db, monkeypatch):
    sync(server, db)
    monkeypatch.delenv("EDUDEX_TOKEN")
    report = sync(server, db)
    assert not report.complete and "HTTP 401" in report.errors[0] and report.withdrawn == []


def test_the_token_goes_only_to_the_feeds_own_host(db, monkeypatch):
    monkeypatch.setenv("EDUDEX_TOKEN", "geheim")
    with (
        FakeEdudex({"/p/edx-elders.xml": program_xml("edx-elders", "Warmtepomp installeren 9")}) as other,
        FakeEdudex(documents(), token="geheim") as own,
    ):
        own.documents["/directory.xml"] = directory_xml(
            [(p, f"programs/{p}.xml") for p in IDS] + [("edx-elders", other.base_url + "/p/edx-elders.xml")]
        )
        report = sync(own, db)
    assert counts(report) == (4, 0, 0, 0, 0)
    assert own.auth_seen["/directory.xml"] == "Bearer geheim"
    assert other.auth_seen["/p/edx-elders.xml"] is None


def test_cli_sync_edudex_and_sources(server, tmp_path):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", LW_TOKEN="geheim")

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "knowledge", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
        )

    r = run(
        "sync", "edudex", server.base_url + "/directory.xml", "--provider", "Opleider Test", "--token-env", "LW_TOKEN"
    )
    assert r.returncode == 0 and "3 nieuw" in r.stdout, r.stderr
    r = run(
        "sync", "edudex", server.base_url + "/directory.xml", "--provider", "Opleider Test", "--token-env", "LW_TOKEN"
    )
    assert r.returncode == 0 and "3 ongewijzigd" in r.stdout and "waarvan 4 niet gewijzigd (304)" in r.stdout
    r = run("sources")
    assert r.returncode == 0 and "Opleider Test (edudex" in r.stdout and "3 actief" in r.stdout
