"""Handoff settings from the environment (HANDOFF_* and ADVISOR_* variables; bot/settings.py)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from bot.settings import EnvSettings, Rate

ROOT = Path(__file__).resolve().parents[2]


class HandoffSettings(EnvSettings):
    # An advisor counts as online while their console sent a heartbeat this recently.
    online_seconds: float = Field(60.0, env="HANDOFF_ONLINE_SECONDS")
    # After this long in the queue the user is offered a callback or the bot (once).
    max_wait_seconds: float = Field(600.0, env="HANDOFF_MAX_WAIT_SECONDS")
    # "We got your message" while waiting, at most this often.
    notice_every_seconds: float = Field(180.0, env="HANDOFF_NOTICE_EVERY_SECONDS")
    # An advisor's login lasts one working day at most, and ends sooner when nobody uses it.
    session_hours: float = Field(8.0, env="ADVISOR_SESSION_HOURS")
    idle_minutes: float = Field(30.0, env="ADVISOR_IDLE_MINUTES")
    # The login cookie is Secure on https, also behind a TLS proxy in GATEWAY_TRUSTED_PROXIES
    # that sends X-Forwarded-Proto; ADVISOR_COOKIE_SECURE=1 makes it Secure always.
    cookie_secure: bool = Field(False, env="ADVISOR_COOKIE_SECURE")
    # Failed logins per client (and per e-mail address and client) before that client waits
    # the seconds, doubling with each further failure (bot/limits.py FailureBackoff).
    login_rate: Rate = Field(Rate(10, 300), env="ADVISOR_LOGIN_RATE")
    housekeeping_seconds: float = Field(15.0, env="HANDOFF_HOUSEKEEPING_SECONDS")
    password_file: Path = Field(ROOT / "var" / "advisor_password", env="ADVISOR_PASSWORD_FILE")
    # Demo mode (LEERWIJZER_DEMO=1, set by `make run`): only then may the demo advisor, a known
    # e-mail address with every region, be made.
    demo: bool = Field(False, env="LEERWIJZER_DEMO")
