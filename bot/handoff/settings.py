"""Handoff settings from the environment (HANDOFF_* and ADVISOR_* variables)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class HandoffSettings:
    # An advisor counts as online while their console sent a heartbeat this recently.
    online_seconds: float = 60.0
    # After this long in the queue the user is offered a callback or the bot (once).
    max_wait_seconds: float = 600.0
    # "We got your message" while waiting, at most this often.
    notice_every_seconds: float = 180.0
    session_hours: float = 8.0  # an advisor's login lasts one working day at most
    idle_minutes: float = 30.0  # and ends sooner when nobody uses it this long
    # The login cookie is Secure on https, also behind a TLS proxy in GATEWAY_TRUSTED_PROXIES
    # that sends X-Forwarded-Proto; ADVISOR_COOKIE_SECURE=1 makes it Secure always.
    cookie_secure: bool = False
    # Failed logins per client (and per e-mail address and client) before that client waits
    # the seconds, doubling with each further failure (bot/limits.py FailureBackoff).
    login_rate: str = "10/300"
    housekeeping_seconds: float = 15.0
    password_file: Path = ROOT / "var" / "advisor_password"
    # Demo mode (LEERWIJZER_DEMO=1, set by `make run`): only then may the demo advisor, a known
    # e-mail address with every region, be made.
    demo: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "HandoffSettings":
        def get(name: str, default) -> str:
            return (env.get(name) or str(default)).strip()

        return cls(
            online_seconds=float(get("HANDOFF_ONLINE_SECONDS", cls.online_seconds)),
            max_wait_seconds=float(get("HANDOFF_MAX_WAIT_SECONDS", cls.max_wait_seconds)),
            notice_every_seconds=float(get("HANDOFF_NOTICE_EVERY_SECONDS",
                                           cls.notice_every_seconds)),
            session_hours=float(get("ADVISOR_SESSION_HOURS", cls.session_hours)),
            idle_minutes=float(get("ADVISOR_IDLE_MINUTES", cls.idle_minutes)),
            cookie_secure=get("ADVISOR_COOKIE_SECURE", "0").lower() in ("1", "true", "yes"),
            login_rate=get("ADVISOR_LOGIN_RATE", cls.login_rate),
            housekeeping_seconds=float(get("HANDOFF_HOUSEKEEPING_SECONDS",
                                           cls.housekeeping_seconds)),
            password_file=Path(get("ADVISOR_PASSWORD_FILE", cls.password_file)),
            demo=get("LEERWIJZER_DEMO", "0") == "1",
        )
