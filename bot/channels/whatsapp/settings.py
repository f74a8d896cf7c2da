"""WhatsApp channel settings from the environment.

The channel is on only when everything it needs to receive safely and to answer is set;
otherwise it stays off (the rest of the gateway runs) and `missing()` says what is lacking.
There is deliberately no "no secret, accept everything" mode.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import List, Mapping, Optional

# Graph API version as in Meta's current Cloud API docs (e.g. the typing-indicator page,
# developers.facebook.com/documentation/business-messaging/whatsapp/typing-indicators/).
DEFAULT_GRAPH_URL = "https://graph.facebook.com/v26.0"


@dataclass(frozen=True)
class WhatsAppSettings:
    access_token: str = ""
    app_secret: str = ""
    verify_token: str = ""
    phone_number_id: str = ""
    tenant: str = ""
    graph_url: str = DEFAULT_GRAPH_URL
    # An approved template for when the 24-hour window is closed (optional).
    template_name: str = ""
    template_language: str = "nl"
    send_timeout: float = 10.0
    send_retries: int = 3  # retries after the first attempt, on 429/5xx/throttling only
    retry_backoff: float = 0.5  # seconds; doubles each retry
    dedup_days: float = 7.0  # how long a seen message id is kept

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "WhatsAppSettings":
        def get(name: str, default: str = "") -> str:
            return (env.get(name) or default).strip()

        return cls(
            access_token=get("WHATSAPP_ACCESS_TOKEN"),
            app_secret=get("WHATSAPP_APP_SECRET"),
            verify_token=get("WHATSAPP_VERIFY_TOKEN"),
            phone_number_id=get("WHATSAPP_PHONE_NUMBER_ID"),
            tenant=get("WHATSAPP_TENANT"),
            graph_url=get("WHATSAPP_GRAPH_URL", DEFAULT_GRAPH_URL).rstrip("/"),
            template_name=get("WHATSAPP_TEMPLATE_NAME"),
            template_language=get("WHATSAPP_TEMPLATE_LANGUAGE", "nl"),
            send_timeout=float(get("WHATSAPP_SEND_TIMEOUT", "10")),
            send_retries=int(get("WHATSAPP_SEND_RETRIES", "3")),
            retry_backoff=float(get("WHATSAPP_RETRY_BACKOFF", "0.5")),
            dedup_days=float(get("WHATSAPP_DEDUP_DAYS", "7")),
        )

    def missing(self, known_tenants: Optional[List[str]] = None) -> List[str]:
        """What keeps the channel off; empty when it can run."""
        problems = [name for name, value in (
            ("WHATSAPP_APP_SECRET", self.app_secret),
            ("WHATSAPP_VERIFY_TOKEN", self.verify_token),
            ("WHATSAPP_ACCESS_TOKEN", self.access_token),
            ("WHATSAPP_PHONE_NUMBER_ID", self.phone_number_id),
            ("WHATSAPP_TENANT", self.tenant),
        ) if not value]
        if self.tenant and known_tenants is not None and self.tenant not in known_tenants:
            problems.append(f"WHATSAPP_TENANT={self.tenant} (known: {', '.join(sorted(known_tenants))})")
        return problems
