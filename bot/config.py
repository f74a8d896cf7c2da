"""Gateway configuration: environment variables (bot/settings.py) plus the tenants in tenants.yml."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple
from zoneinfo import ZoneInfo

import yaml
from pydantic import Field, validator

from bot.channels.whatsapp.settings import WhatsAppSettings
from bot.handoff.settings import HandoffSettings
from bot.privacy.settings import PrivacySettings
from bot.settings import EnvSettings, Rate
from database import engines

ROOT = Path(__file__).resolve().parent.parent
TENANTS_FILE = Path(__file__).resolve().parent / "tenants.yml"
DEFAULT_TIMEZONE = "Europe/Amsterdam"  # a tenant's office hours, days and hours in its insights
DEFAULT_DATABASE_URL = engines.DEFAULT_URL  # database/engines.py: one home for it


@dataclass(frozen=True)
class OfficeHours:
    timezone: str
    days: Tuple[int, ...]  # ISO weekdays, 1 = maandag
    open: time
    close: time
    text: str

    def is_open(self, now: Optional[datetime] = None) -> bool:
        local = (now or datetime.now(tz=ZoneInfo("UTC"))).astimezone(ZoneInfo(self.timezone))
        return local.isoweekday() in self.days and self.open <= local.time() < self.close


@dataclass(frozen=True)
class Tenant:
    name: str
    display_name: str
    assistant_name: str
    colours: Dict[str, str]
    welcome: str
    welcome_buttons: List[Dict[str, str]]
    allowed_origins: Tuple[str, ...]
    regions: Tuple[str, ...]
    hubs: Tuple[str, ...]
    office_hours: OfficeHours
    privacy_url: str
    site: Dict

    def public(self) -> dict:
        """What the widget may know about its tenant (served at /api/v1/tenants/{name})."""
        return {
            "tenant": self.name,
            "display_name": self.display_name,
            "assistant_name": self.assistant_name,
            "colours": dict(self.colours),
            "privacy_url": self.privacy_url,
            "office_hours": self.office_hours.text,
        }


class GatewayConfig(EnvSettings):
    """The gateway's settings (GATEWAY_*, RASA_*, DATABASE_URL, HUB_*) with the tenants of
    tenants.yml and the settings of WhatsApp, handoff and privacy."""

    host: str = Field("127.0.0.1", env="GATEWAY_HOST")  # this machine only; "0.0.0.0": every interface
    port: int = Field(8000, env="GATEWAY_PORT")
    rasa_url: str = Field("http://127.0.0.1:5005", env="RASA_URL")
    rasa_timeout: float = Field(30.0, env="RASA_TIMEOUT")
    # Only to ask Rasa whether its model is loaded (GET /status; `make run` sets it). Without it
    # the gateway counts Rasa as ready when GET / answers: Rasa binds its port only after loading
    # the model, and in Kubernetes the Rasa Service sends only to pods whose model is loaded.
    rasa_token: str = Field("", env="RASA_TOKEN", repr=False)
    # After its own start the gateway waits this long for Rasa to load its model (60-150 s
    # measured; Kubernetes gives Rasa 5 min): meanwhile users hear "Ik ben net opgestart" and
    # are answered once Rasa is ready. After it, a Rasa that never answered is down: "storing".
    rasa_startup_seconds: float = Field(300.0, env="RASA_STARTUP_SECONDS")
    database_url: str = Field(DEFAULT_DATABASE_URL, env="DATABASE_URL", repr=False)
    # GET /metrics (Prometheus) answers only with "Authorization: Bearer <token>"; unset: no /metrics.
    metrics_token: str = Field("", env="METRICS_TOKEN", repr=False)
    max_message_chars: int = Field(2000, env="GATEWAY_MAX_MESSAGE_CHARS")
    max_body_bytes: int = 64 * 1024
    rate_per_conversation: Rate = Field(Rate(20, 60), env="GATEWAY_RATE_CONVERSATION")
    rate_per_client: Rate = Field(Rate(120, 60), env="GATEWAY_RATE_CLIENT")
    rate_new_conversations: Rate = Field(Rate(30, 600), env="GATEWAY_RATE_NEW_CONVERSATIONS")
    # Reading a conversation (GET .../messages, opening its websocket): the widget does it on
    # (re)connecting; a script doing it in a loop is refused.
    rate_reads_per_conversation: Rate = Field(Rate(30, 60), env="GATEWAY_RATE_READS_CONVERSATION")
    rate_reads_per_client: Rate = Field(Rate(300, 60), env="GATEWAY_RATE_READS_CLIENT")
    # Open websockets at once: a user with a few tabs; a client address may be a whole school.
    max_sockets_per_conversation: int = Field(5, env="GATEWAY_MAX_SOCKETS_CONVERSATION")
    max_sockets_per_client: int = Field(50, env="GATEWAY_MAX_SOCKETS_CLIENT")
    # Comma-separated addresses of proxies whose X-Forwarded-For / -Proto are believed.
    trusted_proxies: Tuple[str, ...] = Field((), env="GATEWAY_TRUSTED_PROXIES")
    # Set: live events go through Redis (several gateways; README "Scale-out").
    hub_redis_url: str = Field("", env="HUB_REDIS_URL", repr=False)
    hub_channel_prefix: str = Field("leerwijzer:hub:", env="HUB_CHANNEL_PREFIX")
    tenants_file: Path = Field(TENANTS_FILE, env="GATEWAY_TENANTS_FILE")
    tenants: Mapping[str, Tenant] = Field(default_factory=dict)  # read from tenants_file by from_env
    whatsapp: WhatsAppSettings = Field(default_factory=WhatsAppSettings)  # WHATSAPP_* variables
    handoff: HandoffSettings = Field(default_factory=HandoffSettings)  # HANDOFF_*, ADVISOR_*
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)  # PRIVACY_*, TRACKER_STORE_URL

    @validator("rasa_url")
    def _no_trailing_slash(cls, url: str) -> str:
        return url.rstrip("/")

    @validator("trusted_proxies", pre=True)
    def _comma_list(cls, value):
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ, **given) -> "GatewayConfig":
        tenants_file = Path((env.get(cls.variable("tenants_file")) or "").strip() or TENANTS_FILE)
        given.setdefault("tenants", load_tenants(tenants_file, env))
        given.setdefault("whatsapp", WhatsAppSettings.from_env(env))
        given.setdefault("handoff", HandoffSettings.from_env(env))
        given.setdefault("privacy", PrivacySettings.from_env(env))
        return super().from_env(env, **given)


def load_tenants(path: Path = TENANTS_FILE, env: Mapping[str, str] = os.environ) -> Dict[str, Tenant]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    defaults = raw.get("defaults", {})
    tenants = {}
    for name, data in raw["tenants"].items():
        merged = {**defaults, **data}
        hours = {**defaults.get("office_hours", {}), **data.get("office_hours", {})}
        extra_origins = env.get(f"TENANT_{name.upper()}_ORIGINS", "")
        origins = list(merged.get("allowed_origins", [])) + [
            o.strip().rstrip("/") for o in extra_origins.split(",") if o.strip()
        ]
        tenants[name] = Tenant(
            name=name,
            display_name=merged["display_name"],
            assistant_name=merged.get("assistant_name", "Leerwijzer"),
            colours=dict(merged["colours"]),
            welcome=" ".join(merged["welcome"].split()),
            welcome_buttons=list(merged.get("welcome_buttons", [])),
            allowed_origins=tuple(origins),
            regions=tuple(merged.get("regions", [])),
            hubs=tuple(merged.get("hubs", [])),
            office_hours=OfficeHours(
                timezone=hours.get("timezone", DEFAULT_TIMEZONE),
                days=tuple(hours.get("days", [1, 2, 3, 4, 5])),
                open=time.fromisoformat(hours.get("open", "09:00")),
                close=time.fromisoformat(hours.get("close", "17:00")),
                text=hours.get("text", ""),
            ),
            privacy_url=merged.get("privacy_url", "/privacy"),
            site=dict(merged.get("site", {})),
        )
    return tenants
