"""Dutch personal identifiers in free text: find them (`detect`) and replace them (`mask`).

Pure functions, no state. What counts as an identifier here (AVG/GDPR, the DPIA's list):

| kind | recognised | checked with | replaced by |
| --- | --- | --- | --- |
| BSN | 9 digits, also 123.456.782 / 123 456 782 / 1234.56.782 | elfproef (11-test) | [BSN] |
| IBAN | any country, spaces or dashes between groups of 4, any case | length + mod-97 | [IBAN] |
| EMAIL | name@domain.tld | form | [E-MAIL] |
| PHONE | Dutch numbers: 06…, 0xx…, +31…, 0031…, (0)… | 10 digits after the 0 | [TELEFOON] |
| ADDRESS | postcode with house number (7511 AB 12, 12, 7511AB) | postcode form | [POSTCODE+HUISNUMMER] |

A 9-digit number that fails the elfproef and an IBAN that fails mod-97 stay as they are:
they are order numbers, amounts, typos, not identifiers. An age, a place, a postcode on its
own (a neighbourhood of some twenty houses) and a year are not identifiers and pass unchanged.
Only ASCII digits are read; digits in other scripts pass.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, List

BSN, IBAN, EMAIL, PHONE, ADDRESS = "BSN", "IBAN", "EMAIL", "PHONE", "ADDRESS"
PLACEHOLDERS = {
    BSN: "[BSN]",
    IBAN: "[IBAN]",
    EMAIL: "[E-MAIL]",
    PHONE: "[TELEFOON]",
    ADDRESS: "[POSTCODE+HUISNUMMER]",
}
# When two findings overlap, the earlier kind here wins (a phone-like run of digits inside an
# IBAN is the IBAN; a valid BSN next to a stray digit is a BSN); then the longer one.
PRIORITY = (IBAN, EMAIL, BSN, PHONE, ADDRESS)


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int
    text: str


# -- BSN ------------------------------------------------------------------------------------

_BSN = re.compile(r"""
    (?<![\w+])(?<![0-9][.,-])             # not the tail of a longer number or word
    (?: [0-9]{9}
      | [0-9]{3}(?P<sep>[ .-])[0-9]{3}(?P=sep)[0-9]{3}
      | [0-9]{4}\.[0-9]{2}\.[0-9]{3} )
    (?![\w@])(?![.,-][0-9])
""", re.VERBOSE)


def bsn_valid(digits: str) -> bool:
    """The elfproef: 9a + 8b + ... + 2h - 1i is a multiple of 11 (and not 0)."""
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1)))
    return total % 11 == 0 and total != 0


# -- IBAN -----------------------------------------------------------------------------------

_IBAN = re.compile(r"""
    (?<![A-Za-z0-9])
    [A-Za-z]{2}[0-9]{2}
    (?:[ -]?[A-Za-z0-9]{4}){2,7}
    (?:[ -]?[A-Za-z0-9]{1,3})?
    (?![A-Za-z0-9])
""", re.VERBOSE)
# Lengths of the countries people here most often bank in; others: 15..34.
IBAN_LENGTHS = {"NL": 18, "BE": 16, "DE": 22, "FR": 27, "GB": 22, "PL": 28, "RO": 24,
                "BG": 22, "ES": 24, "PT": 25, "IT": 27, "LT": 20, "LV": 21, "HU": 28,
                "LU": 20, "AT": 20, "IE": 22, "GR": 27, "CZ": 24, "SK": 24, "UA": 29,
                "TR": 26, "HR": 21, "SI": 19, "EE": 20, "DK": 18, "SE": 24, "FI": 18}


def iban_valid(text: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to 10..35, mod 97 == 1."""
    iban = re.sub(r"[ -]", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    number = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    return int(number) % 97 == 1


# -- e-mail ---------------------------------------------------------------------------------

_EMAIL = re.compile(r"""
    (?<![\w.%+-])
    [\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})*\.[A-Za-z]{2,24}
    (?![\w-])
""", re.VERBOSE)


# -- phone ----------------------------------------------------------------------------------

# A Dutch number is 0 + 9 digits (06-12345678, 020-1234567, 0546-123456), or the same 9
# digits after +31 / 0031, optionally written +31 (0)6 ... Separators: space . - / ( ).
_PHONE = re.compile(r"""
    (?<![\w+])
    (?: (?:\+|00)31[ .-]?(?:\(0\)[ .-]?)?\(?
      | \(?0 )
    [1-9](?:[ .)/-]{0,2}[0-9]){8}
    (?![0-9])(?![.,-][0-9])
""", re.VERBOSE)


# -- postcode with house number -------------------------------------------------------------

# 1234 AB: first digit 1-9, two letters (never SA, SD or SS). With a house number before or
# after it, it points at one address; on its own it is a neighbourhood and passes.
_HOUSE_NUMBER = r"[0-9]{1,5}(?:[ -]?[A-Za-z](?![A-Za-z])|-[0-9]{1,4})?(?![0-9])(?![ ]?jaar)"
_ADDRESS = re.compile(rf"""
    (?<![\w])
    (?: [1-9][0-9]{{3}}[ ]?(?P<letters>[A-Za-z]{{2}})(?![A-Za-z])
        [ ,]{{0,3}}(?:(?i:huisnummer|nummer|nr\.?|no\.?)[ ]?)?{_HOUSE_NUMBER}
      | {_HOUSE_NUMBER}[ ,]{{1,3}}
        [1-9][0-9]{{3}}[ ]?(?P<letters2>[A-Za-z]{{2}})(?![A-Za-z]) )
""", re.VERBOSE)
NEVER_POSTCODE_LETTERS = {"sa", "sd", "ss"}
# Two-letter words and units after a number ("2000 en 12", "40 km") are not postcode letters.
NOT_POSTCODE_LETTERS = {
    "af", "al", "am", "as", "at", "be", "cm", "da", "de", "di", "dm", "do", "en", "er", "eu",
    "ga", "gb", "ha", "he", "hm", "hr", "ik", "in", "is", "ja", "je", "kb", "kg", "km", "mb",
    "me", "mm", "mo", "na", "ne", "nl", "nu", "of", "oh", "ok", "om", "on", "op", "or", "pc",
    "pm", "so", "st", "te", "to", "tv", "uu", "vr", "we", "wo", "za", "ze", "zo",
}


def _address_ok(match: re.Match) -> bool:
    letters = match.group("letters") or match.group("letters2")
    if letters.lower() in NEVER_POSTCODE_LETTERS | NOT_POSTCODE_LETTERS:
        return False
    return letters.isupper() or letters.islower()  # 7511 AB or 7511 ab, not 7511 Ab


# -- detection and masking ------------------------------------------------------------------

def _candidates(text: str) -> Iterator[Span]:
    for match in _BSN.finditer(text):
        if bsn_valid(re.sub(r"[ .-]", "", match.group())):
            yield Span(BSN, match.start(), match.end(), match.group())
    for match in _IBAN.finditer(text):
        if iban_valid(match.group()):
            yield Span(IBAN, match.start(), match.end(), match.group())
    for match in _EMAIL.finditer(text):
        yield Span(EMAIL, match.start(), match.end(), match.group())
    for match in _PHONE.finditer(text):
        yield Span(PHONE, match.start(), match.end(), match.group())
    for match in _ADDRESS.finditer(text):
        if _address_ok(match):
            yield Span(ADDRESS, match.start(), match.end(), match.group())


def detect(text: str) -> List[Span]:
    """The identifiers in `text`, left to right, without overlaps."""
    if not text:
        return []
    found = sorted(_candidates(text),
                   key=lambda s: (PRIORITY.index(s.kind), -(s.end - s.start), s.start))
    chosen: List[Span] = []
    for span in found:
        if all(span.end <= other.start or span.start >= other.end for other in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def mask(text: str) -> str:
    """`text` with every identifier replaced by its placeholder, e.g. "[BSN]"."""
    spans = detect(text)
    if not spans:
        return text
    parts, position = [], 0
    for span in spans:
        parts.append(text[position:span.start])
        parts.append(PLACEHOLDERS[span.kind])
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


def contains_identifier(text: str) -> bool:
    return bool(detect(text))
