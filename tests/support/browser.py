"""Chromium for the browser tests (Playwright): where it is, how it starts, a Dutch user's
browser context, and what a page did that a user (or attacker) would care about."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class PageWatch:
    """What a page did that a user (or attacker) would care about."""

    console_errors: List[str] = field(default_factory=list)
    dialogs: List[str] = field(default_factory=list)
    page_errors: List[str] = field(default_factory=list)


def dutch_context(browser, height: int = 800, timeout_ms: int = 15_000):
    """A desktop browser as a Dutch user has it: nl-NL, Amsterdam time."""
    ctx = browser.new_context(
        viewport={"width": 1280, "height": height}, locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    ctx.set_default_timeout(timeout_ms)
    return ctx


def watch(page) -> PageWatch:
    seen = PageWatch()
    page.on("console", lambda m: m.type == "error" and seen.console_errors.append(m.text))
    page.on("pageerror", lambda e: seen.page_errors.append(str(e)))

    def _dialog(dialog):
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", _dialog)
    return seen
