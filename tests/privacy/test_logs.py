"""The gateway's log records carry no personal identifiers: message, arguments and tracebacks
are masked before any handler writes them."""

import logging
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.privacy import logs


def test_identifiers_in_log_messages_and_arguments_are_masked(caplog):
    logs.install()
    log = logging.getLogger("bot.test")
    with caplog.at_level(logging.INFO):
        log.warning("user wrote %r", "mijn bsn is 123456782, bel 06-12345678")
        log.info("mail from anna@example.nl about NL91ABNA0417164300")
    text = caplog.text
    assert "123456782" not in text and "06-12345678" not in text
    assert "anna@example.nl" not in text and "NL91ABNA0417164300" not in text
    assert "[BSN]" in text and "[TELEFOON]" in text and "[E-MAIL]" in text and "[IBAN]" in text


def test_tracebacks_are_masked(caplog):
    logs.install()
    log = logging.getLogger("bot.test")
    with caplog.at_level(logging.ERROR):
        try:
            raise ValueError("cannot parse 'postcode 7511 AB 12, 06 12345678'")
        except ValueError:
            log.exception("handling a message failed")
    formatted = logging.Formatter().format(caplog.records[-1])
    assert "ValueError" in formatted  # the traceback is still there, for the developer
    assert "06 12345678" not in formatted and "7511 AB 12" not in formatted
    assert "[POSTCODE+HUISNUMMER]" in formatted


def test_log_lines_without_identifiers_are_unchanged(caplog):
    logs.install()
    with caplog.at_level(logging.INFO):
        logging.getLogger("bot.test").info("Rasa answered in %d ms for tenant %s", 120, "twente")
    assert caplog.records[-1].getMessage() == "Rasa answered in 120 ms for tenant twente"


def test_installing_twice_masks_once():
    logs.install()
    logs.install()
    record = logging.getLogger("x").makeRecord("x", logging.INFO, "f", 1, "bsn %s", ("123456782",), None)
    assert record.getMessage() == "bsn [BSN]"


def test_whatsapp_numbers_and_message_ids_are_masked(caplog):
    logs.install()
    with caplog.at_level(logging.INFO):
        logging.getLogger("bot.test").warning(
            "delivery %s", '{"wa_id": "31612345678", "wamid": "wamid.HBgLMzE2MTIzNDU2NzgVAgAS"}'
        )
    text = caplog.text
    assert "31612345678" not in text and "HBgLMzE2MTIzNDU2Nzg" not in text
    assert "[TELEFOON]" in text and "[WAMID]" in text


def _failing_statement(engine) -> str:
    """What SQLAlchemy says (and the gateway logs) when a statement with a phone number fails."""
    with pytest.raises(DBAPIError) as failed:
        with engine.connect() as db:
            db.execute(text("SELECT * FROM no_such_table WHERE wa_id = :wa_id"), {"wa_id": "31612345678"})
    engine.dispose()
    return str(failed.value)


def test_no_engine_of_the_project_puts_query_parameters_in_its_errors(tmp_path):
    from bot.privacy.tracker import RasaTrackerStore
    from database import engines as database_engines

    tracker_path = tmp_path / "tracker.db"
    with sqlite3.connect(tracker_path) as db:
        db.execute("CREATE TABLE events (sender_id TEXT, timestamp REAL)")
    engines = {
        "gateway and knowledge (SQLite)": database_engines.make_engine(f"sqlite:///{tmp_path / 'gateway.db'}"),
        # (On PostgreSQL the server's own message quotes the failing line with its values,
        # since psycopg2 binds on the client: there the masked logs are the protection.)
        "rasa tracker": RasaTrackerStore(f"sqlite:///{tracker_path}")._connect(),
    }
    for name, engine in engines.items():
        error = _failing_statement(engine)
        assert "no_such_table" in error, name  # the statement is still there, for the operator
        assert "31612345678" not in error, f"the {name} engine logs query parameters"
