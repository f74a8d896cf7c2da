"""Privacy settings from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

ROOT = Path(__file__).resolve().parents[2]

# The same default as scripts/stack.py gives Rasa (endpoints.yml: tracker_store url).
DEFAULT_TRACKER_STORE_URL = f"sqlite:///{ROOT / 'var' / 'rasa_tracker.db'}"


@dataclass(frozen=True)
class PrivacySettings:
    retention_days: float = 30.0  # conversations unused this long are deleted
    retention_every_hours: float = 24.0  # how often a running gateway applies it
    tracker_store_url: str = DEFAULT_TRACKER_STORE_URL  # Rasa's SQL tracker store

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "PrivacySettings":
        def get(name: str, default) -> str:
            return (env.get(name) or str(default)).strip()

        days = float(get("PRIVACY_RETENTION_DAYS", cls.retention_days))
        if days <= 0:
            raise ValueError("PRIVACY_RETENTION_DAYS must be more than 0")
        return cls(
            retention_days=days,
            retention_every_hours=float(get("PRIVACY_RETENTION_EVERY_HOURS",
                                            cls.retention_every_hours)),
            tracker_store_url=get("TRACKER_STORE_URL", DEFAULT_TRACKER_STORE_URL),
        )
