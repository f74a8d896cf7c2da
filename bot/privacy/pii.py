"""Dutch personal identifiers in free text: find them (`detect`) and replace them (`mask`).

Pure functions, no state. What counts as an identifier here (AVG/GDPR, the DPIA's list):

| kind | recognised | checked with | replaced by |
| --- | --- | --- | --- |
| BSN | 9 digits, also 123.456.782 / 123 456 782 / 1234 56 782 / 12 34 56 782 | elfproef (11-test) | [BSN] |
| IBAN | any country, any case, spaces, dots or dashes anywhere between the characters | length + mod-97 | [IBAN] |
| EMAIL | name@domain.tld | form | [E-MAIL] |
| PHONE | Dutch numbers: 06…, 0xx…, +31…, 0031…, (0)…, 316… (WhatsApp); other countries: +32…, 0049… | 9 digits after the 0 or 31; 8-15 digits after + or 00 | [TELEFOON] |
| ADDRESS | postcode with house number (7511 AB 12, 12, 7511AB) | postcode form | [POSTCODE+HUISNUMMER] |

A 9-digit number that fails the elfproef and an IBAN that fails mod-97 stay as they are:
they are order numbers, amounts, typos, not identifiers. An age, a place, a postcode on its
own (a neighbourhood of some twenty houses) and a year are not identifiers and pass unchanged.
Only ASCII digits are read; digits in other scripts pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, List, Optional

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

_BSN = re.compile(
    r"""
    (?<![\w+])(?<![0-9][.,-])             # not the tail of a longer number or word
    (?: [0-9]{9}
      | [0-9]{3}(?P<sep>[ .-])[0-9]{3}(?P=sep)[0-9]{3}
      | [0-9]{4}(?P<sep2>[ .-])[0-9]{2}(?P=sep2)[0-9]{3}
      | [0-9]{2}(?P<sep3>[ .-])[0-9]{2}(?P=sep3)[0-9]{2}(?P=sep3)[0-9]{3} )
    (?![\w@])(?![.,-][0-9])
""",
    re.VERBOSE,
)


def bsn_valid(digits: str) -> bool:
    """The elfproef: 9a + 8b + ... + 2h - 1i is a multiple of 11 (and not 0)."""
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0 and total != 0


# -- IBAN -----------------------------------------------------------------------------------

# The start of an IBAN: country, check digits. What follows is read by `_iban_end`: letters
# and digits with at most one separator (space . -) between any two, however they are grouped
# (NL91 ABNA 0417 1643 00, NL91.ABNA.0417.1643.00, nl 91 abna 041 716 4300).
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[ .-]?[0-9]{2}")
_IBAN_SEPARATORS = (" ", ".", "-")
# The length of an IBAN in each country of the IBAN registry (ISO 13616, SWIFT).
IBAN_LENGTHS = {
    "AD": 24,
    "AE": 23,
    "AL": 28,
    "AT": 20,
    "AZ": 28,
    "BA": 20,
    "BE": 16,
    "BG": 22,
    "BH": 22,
    "BR": 29,
    "BY": 28,
    "CH": 21,
    "CR": 22,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DK": 18,
    "DO": 28,
    "EE": 20,
    "EG": 29,
    "ES": 24,
    "FI": 18,
    "FO": 18,
    "FR": 27,
    "GB": 22,
    "GE": 22,
    "GI": 23,
    "GL": 18,
    "GR": 27,
    "GT": 28,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IL": 23,
    "IQ": 23,
    "IS": 26,
    "IT": 27,
    "JO": 30,
    "KW": 30,
    "KZ": 20,
    "LB": 28,
    "LC": 32,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "LY": 25,
    "MC": 27,
    "MD": 24,
    "ME": 22,
    "MK": 19,
    "MR": 27,
    "MT": 31,
    "MU": 30,
    "NL": 18,
    "NO": 15,
    "PK": 24,
    "PL": 28,
    "PS": 29,
    "PT": 25,
    "QA": 29,
    "RO": 24,
    "RS": 22,
    "SA": 24,
    "SC": 31,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "SV": 28,
    "TL": 23,
    "TN": 24,
    "TR": 26,
    "UA": 29,
    "VA": 22,
    "VG": 24,
    "XK": 20,
}


def iban_valid(text: str) -> bool:
    """ISO 13616: the country's length; move the first four characters to the end, letters
    to 10..35, mod 97 == 1."""
    iban = re.sub(r"[ .-]", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", iban):
        return False
    if len(iban) != IBAN_LENGTHS.get(iban[:2]):
        return False
    number = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    return int(number) % 97 == 1


def _alnum(text: str, position: int) -> bool:
    return position < len(text) and text[position].isascii() and text[position].isalnum()


def _iban_end(text: str, start: int) -> Optional[int]:
    """Where the IBAN starting at `start` ends: after its country's number of letters and
    digits, not followed by another letter or digit; None if it cannot be one."""
    length = IBAN_LENGTHS.get(text[start : start + 2].upper())
    if length is None:
        return None
    count, position = 0, start
    while count < length:
        if _alnum(text, position):
            count += 1
            position += 1
        elif text[position : position + 1] in _IBAN_SEPARATORS and _alnum(text, position + 1):
            position += 1
        else:
            return None
    return None if _alnum(text, position) else position


# -- e-mail ---------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"""
    (?<![\w.%+-])
    [\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})*\.[A-Za-z]{2,24}
    (?![\w-])
""",
    re.VERBOSE,
)


# -- phone ----------------------------------------------------------------------------------

# A Dutch number is 0 + 9 digits (06-12345678, 020-1234567, 0546-123456), or the same 9
# digits after +31 / 0031, optionally written +31 (0)6 ..., or after a bare 31 (WhatsApp writes
# 31612345678). Separators: up to three of space . - – — / ( ) ("06 - 12345678").
_PHONE_SEPARATORS = "[ .)/\u2013\u2014-]{0,3}"
_PHONE = re.compile(
    rf"""
    (?<![\w+])
    (?: (?:\+|00)31[ .-]?(?:\(0\)[ .-]?)?\(?
      | 31(?=[1-9])
      | \(?0 )
    [1-9](?:{_PHONE_SEPARATORS}[0-9]){{8}}
    (?![0-9])(?![.,\u2013\u2014-][0-9])
""",
    re.VERBOSE,
)
# Any other country: + or 00, the country code, then the number: 8 to 15 digits in all
# (E.164), e.g. +32 470 12 34 56, +49 151 12345678, 0048 512 345 678.
_FOREIGN_PHONE = re.compile(
    rf"""
    (?<![\w+])
    (?:\+|00)[1-9](?:{_PHONE_SEPARATORS}(?:\(0\))?[0-9]){{7,14}}
    (?![0-9])(?![.,\u2013\u2014-][0-9])
""",
    re.VERBOSE,
)


# -- postcode with house number -------------------------------------------------------------

# 1234 AB: first digit 1-9, two letters (never SA, SD or SS). With a house number before or
# after it, it points at one address; on its own it is a neighbourhood and passes.
_HOUSE_NUMBER = r"[0-9]{1,5}(?:[ -]?[A-Za-z](?![A-Za-z])|-[0-9]{1,4})?(?![0-9])(?![ ]?jaar)"
_ADDRESS = re.compile(
    rf"""
    (?<![\w])
    (?: [1-9][0-9]{{3}}[ ]?(?P<letters>[A-Za-z]{{2}})(?![A-Za-z])
        [ ,]{{0,3}}(?:(?i:huisnummer|nummer|nr\.?|no\.?)[ ]?)?{_HOUSE_NUMBER}
      | {_HOUSE_NUMBER}[ ,]{{1,3}}
        [1-9][0-9]{{3}}[ ]?(?P<letters2>[A-Za-z]{{2}})(?![A-Za-z]) )
""",
    re.VERBOSE,
)
NEVER_POSTCODE_LETTERS = {"sa", "sd", "ss"}
# Two-letter words and units after a number ("2000 en 12", "40 km") are not postcode letters.
NOT_POSTCODE_LETTERS = {
    "af",
    "al",
    "am",
    "as",
    "at",
    "be",
    "cm",
    "da",
    "de",
    "di",
    "dm",
    "do",
    "en",
    "er",
    "eu",
    "ga",
    "gb",
    "ha",
    "he",
    "hm",
    "hr",
    "ik",
    "in",
    "is",
    "ja",
    "je",
    "kb",
    "kg",
    "km",
    "mb",
    "me",
    "mm",
    "mo",
    "na",
    "ne",
    "nl",
    "nu",
    "of",
    "oh",
    "ok",
    "om",
    "on",
    "op",
    "or",
    "pc",
    "pm",
    "so",
    "st",
    "te",
    "to",
    "tv",
    "uu",
    "vr",
    "we",
    "wo",
    "za",
    "ze",
    "zo",
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
    for match in _IBAN_START.finditer(text):
        end = _iban_end(text, match.start())
        if end is not None and iban_valid(text[match.start() : end]):
            yield Span(IBAN, match.start(), end, text[match.start() : end])
    for match in _EMAIL.finditer(text):
        yield Span(EMAIL, match.start(), match.end(), match.group())
    for pattern in (_PHONE, _FOREIGN_PHONE):
        for match in pattern.finditer(text):
            yield Span(PHONE, match.start(), match.end(), match.group())
    for match in _ADDRESS.finditer(text):
        if _address_ok(match):
            yield Span(ADDRESS, match.start(), match.end(), match.group())


def detect(text: str) -> List[Span]:
    """The identifiers in `text`, left to right, without overlaps."""
    if not text:
        return []
    found = sorted(_candidates(text), key=lambda s: (PRIORITY.index(s.kind), -(s.end - s.start), s.start))
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
        parts.append(text[position : span.start])
        parts.append(PLACEHOLDERS[span.kind])
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


def contains_identifier(text: str) -> bool:
    return bool(detect(text))
