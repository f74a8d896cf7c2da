"""WhatsApp channel settings from the environment (WHATSAPP_* variables; bot/settings.py).

The channel is on only when everything it needs to receive safely and to answer is set;
otherwise it stays off (the rest of the gateway runs) and `missing()` says what is lacking.
There is deliberately no "no secret, accept everything" mode.
"""

from __future__ import annotations

from typing import List, Optional

from pydantic import Field, validator

from bot.settings import EnvSettings

# Graph API version as in Meta's current Cloud API docs (e.g. the typing-indicator page,
# developers.facebook.com/documentation/business-messaging/whatsapp/typing-indicators/).
DEFAULT_GRAPH_URL = "https://graph.facebook.com/v26.0"


class WhatsAppSettings(EnvSettings):
    access_token: str = Field("", env="WHATSAPP_ACCESS_TOKEN", repr=False)
    app_secret: str = Field("", env="WHATSAPP_APP_SECRET", repr=False)
    verify_token: str = Field("", env="WHATSAPP_VERIFY_TOKEN", repr=False)
    phone_number_id: str = Field("", env="WHATSAPP_PHONE_NUMBER_ID")
    tenant: str = Field("", env="WHATSAPP_TENANT")
    graph_url: str = Field(DEFAULT_GRAPH_URL, env="WHATSAPP_GRAPH_URL")
    # An approved template for when the 24-hour window is closed (optional).
    template_name: str = Field("", env="WHATSAPP_TEMPLATE_NAME")
    template_language: str = Field("nl", env="WHATSAPP_TEMPLATE_LANGUAGE")
    send_timeout: float = Field(10.0, env="WHATSAPP_SEND_TIMEOUT")
    # retries after the first attempt, on 429/5xx/throttling only
    send_retries: int = Field(3, env="WHATSAPP_SEND_RETRIES")
    retry_backoff: float = Field(0.5, env="WHATSAPP_RETRY_BACKOFF")  # seconds; doubles each retry
    dedup_days: float = Field(7.0, env="WHATSAPP_DEDUP_DAYS")  # how long a seen message id is kept

    @validator("graph_url")
    def _no_trailing_slash(cls, url: str) -> str:
        return url.rstrip("/")

    def missing(self, known_tenants: Optional[List[str]] = None) -> List[str]:
        """What keeps the channel off; empty when it can run."""
        problems = [
            name
            for name, value in (
                ("WHATSAPP_APP_SECRET", self.app_secret),
                ("WHATSAPP_VERIFY_TOKEN", self.verify_token),
                ("WHATSAPP_ACCESS_TOKEN", self.access_token),
                ("WHATSAPP_PHONE_NUMBER_ID", self.phone_number_id),
                ("WHATSAPP_TENANT", self.tenant),
            )
            if not value
        ]
        if self.tenant and known_tenants is not None and self.tenant not in known_tenants:
            problems.append(f"WHATSAPP_TENANT={self.tenant} (known: {', '.join(sorted(known_tenants))})")
        return problems
