"""Robustness: fuzzing of the gateway's HTTP API, websocket and WhatsApp webhook, and injected
faults (action server, Rasa, database, gateway restart). Figures are printed at the end."""

from __future__ import annotations

from tests.robustness.harness import FIGURES


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.write_sep("=", "robustness figures")
    for name, value in sorted(FIGURES.items()):
        terminalreporter.write_line(f"{name}: {value}")
