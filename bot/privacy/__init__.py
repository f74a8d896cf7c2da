"""Privacy: what the gateway keeps about people, and for how long.

- `pii`: find and mask Dutch personal identifiers (BSN, IBAN, e-mail, phone, postcode with
  house number). Every user text is masked before it is stored (bot/store.py calls
  `mask_for_storage`), before it goes to Rasa (so Rasa's tracker store never holds raw
  identifiers) and in the gateway's log records (`logs`).
- `forget`: delete one conversation everywhere (gateway history, WhatsApp contact, handoff
  record, Rasa tracker): the user's "vergeet mij", `DELETE /api/v1/conversations/{id}`.
- `retention`: delete conversations not used for PRIVACY_RETENTION_DAYS (default 30) and
  Rasa trackers as old; `python -m bot.privacy retention` (cron) and at gateway start-up.
See docs/PRIVACY.md for the data inventory.
"""

from bot.privacy.pii import detect, mask

__all__ = ["detect", "mask", "mask_for_storage"]


def mask_for_storage(text: str) -> str:
    """The one place user text is prepared for storage: identifiers become placeholders."""
    return mask(text)
