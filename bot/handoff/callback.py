"""Reading a callback request from what the user typed: a name, and a Dutch phone number or
an e-mail address. One message may hold both ("Sanne, 06 12345678")."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

EMAIL_LIKE = re.compile(r"\S+@\S+")
PHONE_LIKE = re.compile(r"(?:\+|00)?\d[\d \-().]{3,}\d")
EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
NAME_FILLERS = re.compile(
    r"^(?:(?:hallo|hoi|ja|oké|oke|ok)[,!.]?\s+)?(?:mijn naam is|ik heet|ik ben|dit is|naam)\s*:?\s*", re.IGNORECASE
)
CONTACT_FILLERS = re.compile(
    r"[,;:]|\b(?:en|mijn|nummer|telefoonnummer|telefoon|tel|mobiel|e-?mail|mailadres|"
    r"e-?mailadres|mail|mailen|bellen|me|mij|is|bereikbaar|op|via)\b",
    re.IGNORECASE,
)
NOT_NAMES = {
    "ja",
    "nee",
    "ok",
    "oke",
    "oké",
    "hoi",
    "hallo",
    "dag",
    "stop",
    "help",
    "weet ik niet",
    "geen idee",
    "terugbelverzoek",
    "adviseur",
    "bot",
}
# Words that are in questions and remarks ("is daar iemand?", "ik wacht al lang"), not in names.
NOT_NAME_WORDS = {
    "ik",
    "je",
    "jij",
    "is",
    "er",
    "daar",
    "hier",
    "iemand",
    "wacht",
    "wachten",
    "wat",
    "hoe",
    "waar",
    "waarom",
    "wanneer",
    "niet",
    "geen",
    "heb",
    "weet",
    "nog",
}
NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]*)*$")


@dataclass(frozen=True)
class CallbackAnswer:
    name: Optional[str] = None
    contact: Optional[str] = None  # +31612345678 or an e-mail address
    kind: Optional[str] = None  # phone | email
    problem: Optional[str] = None  # phone | email: something like it, but not valid


def phone_number(text: str) -> Optional[str]:
    """A Dutch phone number (06..., 0xx..., +31..., 0031...) as +31 and nine digits."""
    digits = re.sub(r"[ \-().]", "", text)
    if digits.startswith("+31"):
        rest = digits[3:]
    elif digits.startswith("0031"):
        rest = digits[4:]
    elif digits.startswith("0") and not digits.startswith("00"):
        rest = digits[1:]
    else:
        return None
    if not (rest.isdigit() and len(rest) == 9 and rest[0] != "0"):
        return None
    return "+31" + rest


def email_address(text: str) -> Optional[str]:
    text = text.strip().strip(".,;:!?()<>\"'")
    if len(text) > 254 or not EMAIL.fullmatch(text) or len(text.split("@")[0]) > 64:
        return None
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def person_name(text: str) -> Optional[str]:
    """A plausible name: letters, spaces, hyphens, apostrophes; 2 to 80 characters; not a
    question or a remark."""
    if "?" in text:
        return None
    text = unicodedata.normalize("NFC", NAME_FILLERS.sub("", text.strip()))
    text = " ".join(text.strip(" .,!?;:").split())
    if not (2 <= len(text) <= 80) or len(text.split()) > 6 or text.lower() in NOT_NAMES:
        return None
    if not NAME_CHARS.match(text) or sum(ch.isalpha() for ch in text) < 2:
        return None
    if NOT_NAME_WORDS & set(text.lower().split()):
        return None
    return text


def read_answer(text: str) -> CallbackAnswer:
    contact = kind = problem = None
    rest = text
    found = EMAIL_LIKE.search(text)
    if found:
        contact, kind = email_address(found.group()), "email"
        problem = None if contact else "email"
        rest = text[: found.start()] + " " + text[found.end() :]
    else:
        found = PHONE_LIKE.search(text)
        if found:
            contact, kind = phone_number(found.group()), "phone"
            problem = None if contact else "phone"
            rest = text[: found.start()] + " " + text[found.end() :]
    if found:
        rest = CONTACT_FILLERS.sub(" ", rest)
    return CallbackAnswer(name=person_name(rest), contact=contact, kind=kind if contact else None, problem=problem)


def shown_contact(contact: str, kind: str) -> str:
    """For the advisor: 06 12345678 (mobile) / 0xx xxxxxxx style, or the address."""
    if kind != "phone":
        return contact
    national = "0" + contact[3:]
    if national.startswith("06"):
        return f"{national[:2]} {national[2:]}"
    return f"{national[:3]} {national[3:]}"
