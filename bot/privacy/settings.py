"""Privacy settings from the environment (PRIVACY_* and TRACKER_STORE_URL; bot/settings.py)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, validator

from bot.settings import EnvSettings

ROOT = Path(__file__).resolve().parents[2]

# The same default as scripts/stack.py gives Rasa (endpoints.yml: tracker_store url).
DEFAULT_TRACKER_STORE_URL = f"sqlite:///{ROOT / 'var' / 'rasa_tracker.db'}"


class PrivacySettings(EnvSettings):
    # Conversations unused this long are deleted.
    retention_days: float = Field(30.0, env="PRIVACY_RETENTION_DAYS")
    # How often a running gateway applies it.
    retention_every_hours: float = Field(24.0, env="PRIVACY_RETENTION_EVERY_HOURS")
    tracker_store_url: str = Field(DEFAULT_TRACKER_STORE_URL, env="TRACKER_STORE_URL", repr=False)

    @validator("retention_days")
    def _more_than_zero(cls, days: float) -> float:
        if days <= 0:
            raise ValueError("must be more than 0")
        return days
