"""X-Hub-Signature-256: Meta signs every webhook POST with HMAC-SHA256 of the raw body,
keyed with the app secret, sent as "sha256=<hex>"."""

from __future__ import annotations

import hashlib
import hmac
from typing import Optional

PREFIX = "sha256="


def sign(app_secret: str, body: bytes) -> str:
    return PREFIX + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def valid(app_secret: str, body: bytes, header: Optional[str]) -> bool:
    """True only for a correct signature of exactly these bytes; constant-time comparison."""
    if not app_secret or not header:
        return False
    return hmac.compare_digest(sign(app_secret, body).encode("ascii"), header.strip().encode("utf-8", "replace"))


def user_key(app_secret: str, wa_id: str) -> str:
    """The pseudonym a WhatsApp user is known by (instead of their phone number)."""
    return hmac.new(app_secret.encode("utf-8"), b"wa_id:" + wa_id.encode("utf-8"), hashlib.sha256).hexdigest()
