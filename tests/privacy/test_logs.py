"""The gateway's log records carry no personal identifiers: message, arguments and tracebacks
are masked before any handler writes them."""
import logging

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
    record = logging.getLogger("x").makeRecord("x", logging.INFO, "f", 1, "bsn %s",
                                               ("123456782",), None)
    assert record.getMessage() == "bsn [BSN]"
