"""Gateway configuration: environment variables plus the tenants in tenants.yml."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple
from zoneinfo import ZoneInfo

import yaml

from bot.channels.whatsapp.settings import WhatsAppSettings
from bot.handoff.settings import HandoffSettings
from bot.privacy.settings import PrivacySettings
from database import engines

ROOT = Path(__file__).resolve().parent.parent
TENANTS_FILE = Path(__file__).resolve().parent / "tenants.yml"
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


@dataclass(frozen=True)
class Rate:
    """At most `count` events per `seconds` (written "count/seconds" in env vars)."""

    count: int
    seconds: float

    @classmethod
    def parse(cls, text: str) -> "Rate":
        count, _, seconds = text.partition("/")
        return cls(int(count), float(seconds or 60))


@dataclass(frozen=True)
class GatewayConfig:
    host: str = "127.0.0.1"  # this machine only; "0.0.0.0": every interface (LAN, container)
    port: int = 8000
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout: float = 30.0
    # Only to ask Rasa whether its model is loaded (GET /status; `make run` sets it). Without it
    # the gateway counts Rasa as ready when GET / answers: Rasa binds its port only after loading
    # the model, and in Kubernetes the Rasa Service sends only to pods whose model is loaded.
    rasa_token: str = field(default="", repr=False)
    # After its own start the gateway waits this long for Rasa to load its model (60-150 s
    # measured; Kubernetes gives Rasa 5 min): meanwhile users hear "Ik ben net opgestart" and
    # are answered once Rasa is ready. After it, a Rasa that never answered is down: "storing".
    rasa_startup_seconds: float = 300.0
    database_url: str = DEFAULT_DATABASE_URL
    max_message_chars: int = 2000
    max_body_bytes: int = 64 * 1024
    rate_per_conversation: Rate = Rate(20, 60)
    rate_per_client: Rate = Rate(120, 60)
    rate_new_conversations: Rate = Rate(30, 600)
    # Reading a conversation (GET .../messages, opening its websocket): the widget does it on
    # (re)connecting; a script doing it in a loop is refused.
    rate_reads_per_conversation: Rate = Rate(30, 60)
    rate_reads_per_client: Rate = Rate(300, 60)
    # Open websockets at once: a user with a few tabs; a client address may be a whole school.
    max_sockets_per_conversation: int = 5
    max_sockets_per_client: int = 50
    trusted_proxies: Tuple[str, ...] = ()
    hub_redis_url: str = ""  # set: live events go through Redis (several gateways; README "Scale-out")
    hub_channel_prefix: str = "leerwijzer:hub:"
    tenants: Mapping[str, Tenant] = field(default_factory=dict)
    whatsapp: WhatsAppSettings = field(default_factory=WhatsAppSettings)  # WHATSAPP_* variables
    handoff: HandoffSettings = field(default_factory=HandoffSettings)  # HANDOFF_*, ADVISOR_*
    privacy: PrivacySettings = field(default_factory=PrivacySettings)  # PRIVACY_*, TRACKER_STORE_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "GatewayConfig":
        def get(name: str, default: str) -> str:
            return env.get(name) or default

        return cls(
            host=get("GATEWAY_HOST", cls.host),
            port=int(get("GATEWAY_PORT", str(cls.port))),
            rasa_url=get("RASA_URL", cls.rasa_url).rstrip("/"),
            rasa_timeout=float(get("RASA_TIMEOUT", str(cls.rasa_timeout))),
            rasa_token=get("RASA_TOKEN", "").strip(),
            rasa_startup_seconds=float(get("RASA_STARTUP_SECONDS", str(cls.rasa_startup_seconds))),
            database_url=get("DATABASE_URL", DEFAULT_DATABASE_URL),
            max_message_chars=int(get("GATEWAY_MAX_MESSAGE_CHARS", str(cls.max_message_chars))),
            rate_per_conversation=Rate.parse(get("GATEWAY_RATE_CONVERSATION", "20/60")),
            rate_per_client=Rate.parse(get("GATEWAY_RATE_CLIENT", "120/60")),
            rate_new_conversations=Rate.parse(get("GATEWAY_RATE_NEW_CONVERSATIONS", "30/600")),
            rate_reads_per_conversation=Rate.parse(get("GATEWAY_RATE_READS_CONVERSATION",
                                                       "30/60")),
            rate_reads_per_client=Rate.parse(get("GATEWAY_RATE_READS_CLIENT", "300/60")),
            max_sockets_per_conversation=int(get("GATEWAY_MAX_SOCKETS_CONVERSATION",
                                                 str(cls.max_sockets_per_conversation))),
            max_sockets_per_client=int(get("GATEWAY_MAX_SOCKETS_CLIENT",
                                           str(cls.max_sockets_per_client))),
            trusted_proxies=tuple(
                p.strip() for p in get("GATEWAY_TRUSTED_PROXIES", "").split(",") if p.strip()
            ),
            hub_redis_url=get("HUB_REDIS_URL", ""),
            hub_channel_prefix=get("HUB_CHANNEL_PREFIX", cls.hub_channel_prefix),
            tenants=load_tenants(Path(get("GATEWAY_TENANTS_FILE", str(TENANTS_FILE))), env),
            whatsapp=WhatsAppSettings.from_env(env),
            handoff=HandoffSettings.from_env(env),
            privacy=PrivacySettings.from_env(env),
        )


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
                timezone=hours.get("timezone", "Europe/Amsterdam"),
                days=tuple(hours.get("days", [1, 2, 3, 4, 5])),
                open=time.fromisoformat(hours.get("open", "09:00")),
                close=time.fromisoformat(hours.get("close", "17:00")),
                text=hours.get("text", ""),
            ),
            privacy_url=merged.get("privacy_url", "/privacy"),
            site=dict(merged.get("site", {})),
        )
    return tenants
