"""Masking Dutch personal identifiers: what must be masked is, what must pass does.

Property tests (hypothesis) generate valid and almost-valid identifiers inside Dutch text;
boundary tests pin the checks: elfproef for BSN, mod-97 for IBAN, 10 digits for phones.
"""

import os
import re

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from bot.privacy import mask_for_storage
from bot.privacy.pii import bsn_valid, detect, iban_valid, mask

FAST = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 300)),
    deadline=None,
    database=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow],
)

# -- generators ------------------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "ik",
        "ben",
        "45",
        "jaar",
        "en",
        "woon",
        "in",
        "Enschede",
        "mijn",
        "nummer",
        "is",
        "graag",
        "een",
        "cursus",
        "over",
        "zonnepanelen",
        "mbo",
        "4",
        "2027",
        "€",
        "1.250",
        ",",
        ".",
        "?",
        "👍",
        "'s-Hertogenbosch",
    ]
)
FILLER = st.lists(WORDS, max_size=6).map(" ".join)


def elfproef_sum(digits: str) -> int:
    return sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))


@st.composite
def valid_bsns(draw):
    head = draw(st.text("0123456789", min_size=8, max_size=8))
    partial = sum(int(d) * w for d, w in zip(head, (9, 8, 7, 6, 5, 4, 3, 2), strict=True))
    check = partial % 11  # the last digit counts -1: partial - check must be 0 mod 11
    assume(check <= 9 and partial != check)
    return head + str(check)


@st.composite
def invalid_bsns(draw):
    # Not starting with 0: "012345678 9" is a phone number, and masked as one.
    digits = draw(st.text("123456789", min_size=1, max_size=1)) + draw(st.text("0123456789", min_size=8, max_size=8))
    assume(elfproef_sum(digits) % 11 != 0)
    return digits


def iban_for(country: str, bban: str) -> str:
    number = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(number) % 97:02d}{bban}"


@st.composite
def valid_dutch_ibans(draw):
    bank = draw(st.sampled_from(["ABNA", "INGB", "RABO", "SNSB", "TRIO", "KNAB"]))
    account = draw(st.text("0123456789", min_size=10, max_size=10))
    return iban_for("NL", bank + account)


def grouped(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


# -- BSN -------------------------------------------------------------------------------------


def test_known_bsn_examples():
    assert bsn_valid("111222333") and bsn_valid("123456782")
    assert not bsn_valid("123456789") and not bsn_valid("000000000")
    assert mask("Mijn BSN is 111222333.") == "Mijn BSN is [BSN]."


@FAST
@given(bsn=valid_bsns(), before=FILLER, after=FILLER, style=st.sampled_from(["plain", "dots", "spaces", "4-2-3"]))
def test_a_valid_bsn_is_masked_in_any_usual_notation(bsn, before, after, style):
    written = {
        "plain": bsn,
        "dots": f"{bsn[:3]}.{bsn[3:6]}.{bsn[6:]}",
        "spaces": f"{bsn[:3]} {bsn[3:6]} {bsn[6:]}",
        "4-2-3": f"{bsn[:4]}.{bsn[4:6]}.{bsn[6:]}",
    }[style]
    masked = mask(f"{before} {written} {after}")
    assert "[BSN]" in masked
    assert written not in masked


@FAST
@given(number=invalid_bsns(), before=FILLER, after=FILLER)
@example(number="123456789", before="mijn ordernummer", after="")
def test_a_nine_digit_number_failing_the_elfproef_is_not_masked(number, before, after):
    text = f"{before} {number} {after}"
    assert number in mask(text)
    assert "[BSN]" not in mask(text)


@pytest.mark.parametrize("text", ["1234567820", "91234567820", "12345678", "x123456782", "123456782x"])
def test_a_bsn_inside_a_longer_number_or_word_is_not_a_bsn(text):
    assert "[BSN]" not in mask(text)


# -- IBAN ------------------------------------------------------------------------------------


def test_known_iban_examples():
    assert iban_valid("NL91ABNA0417164300")
    assert iban_valid("NL91 ABNA 0417 1643 00")
    assert iban_valid("BE68539007547034")  # Belgian example
    assert not iban_valid("NL91ABNA0417164301")  # one digit off: mod-97 fails
    assert not iban_valid("NL91ABNA041716430")  # too short for NL
    assert mask("Mijn rekening: NL91 ABNA 0417 1643 00, dank je") == "Mijn rekening: [IBAN], dank je"


@FAST
@given(iban=valid_dutch_ibans(), spaced=st.booleans(), lower=st.booleans(), before=FILLER, after=FILLER)
def test_a_valid_iban_is_masked_with_or_without_spaces_in_any_case(iban, spaced, lower, before, after):
    written = grouped(iban) if spaced else iban
    written = written.lower() if lower else written
    masked = mask(f"{before} {written} {after}")
    assert "[IBAN]" in masked and written not in masked
    assert iban[-6:] not in masked.replace(" ", "")


@FAST
@given(iban=valid_dutch_ibans(), position=st.integers(4, 17), digit=st.sampled_from("0123456789"))
def test_an_iban_failing_mod_97_is_not_masked_as_iban(iban, position, digit):
    assume(iban[position].isdigit() and iban[position] != digit)
    wrong = iban[:position] + digit + iban[position + 1 :]  # mod-97 catches every single error
    assert "[IBAN]" not in mask(f"rekening {wrong}")


def test_foreign_ibans_of_labour_migrants_are_masked():
    polish = iban_for("PL", "10901014" + "0000071219812874")
    assert mask(f"moje konto {polish}") == "moje konto [IBAN]"


# -- e-mail and phone ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["jan@example.nl", "j.de.vries+llo@gemeente-enschede.nl", "Piet_Jansen@mail.co.uk", "anna.kowalska@wp.pl"],
)
def test_e_mail_addresses_are_masked(address):
    assert mask(f"Mail me op {address}!") == "Mail me op [E-MAIL]!"


@pytest.mark.parametrize(
    "number",
    [
        "0612345678",
        "06-12345678",
        "06 1234 5678",
        "06-1234 5678",
        "+31612345678",
        "+31 6 12345678",
        "+31 (0)6 12345678",
        "0031 6 12 34 56 78",
        "020-1234567",
        "(020) 123 4567",
        "053 123 45 67",
        "0546-123456",
        "+31 20 123 4567",
    ],
)
def test_dutch_phone_numbers_are_masked(number):
    assert mask(f"Bel me op {number} na vijven") == "Bel me op [TELEFOON] na vijven"


@pytest.mark.parametrize(
    "text",
    [
        "061234567",  # one digit short
        "06123456789",  # one digit too many
        "Ik ben 45 jaar",
        "Ik werk 32 uur per week",
        "Het kost € 1.250",
        "Start op 12-01-2027",
        "Bel 0800-1234",  # free service number: not a person
        "cursus 2027-2028",
        "mbo 4 of hbo",
        "om 10:30 uur",
    ],
)
def test_numbers_that_are_not_phone_numbers_pass(text):
    assert mask(text) == text


# -- postcode with house number --------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ik woon op 7511 AB 12 in Enschede", "Ik woon op [POSTCODE+HUISNUMMER] in Enschede"),
        ("7511AB 12a", "[POSTCODE+HUISNUMMER]"),
        ("7511 ab 12", "[POSTCODE+HUISNUMMER]"),
        ("postcode 9712 CP huisnummer 3", "postcode [POSTCODE+HUISNUMMER]"),
        ("Dorpsstraat 12, 7511 AB Enschede", "Dorpsstraat [POSTCODE+HUISNUMMER] Enschede"),
        ("Markt 1-3 5211 JV 's-Hertogenbosch", "Markt [POSTCODE+HUISNUMMER] 's-Hertogenbosch"),
    ],
)
def test_postcode_with_house_number_is_masked(text, expected):
    assert mask(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "postcode 7511 AB",  # a neighbourhood, not an address
        "Ik woon in 7511 AB, 45 jaar oud",  # the age after it stays
        "Ik heb 2000 en 12 anderen",
        "Er zijn 1500 km en 12 haltes",
        "Wij zijn met 1200 ss 3",
        "Ik woon in Enschede",
        "Ik zoek iets in 's-Hertogenbosch",
    ],
)
def test_what_is_not_an_address_passes(text):
    assert mask(text) == text


# -- masking as a whole ----------------------------------------------------------------------


def test_everything_in_one_message_is_masked_and_the_rest_is_kept():
    text = (
        "Hoi, ik ben Anna, 45 jaar, uit Enschede. BSN 123456782, IBAN NL91ABNA0417164300, "
        "mail anna@example.nl, bel 06-12345678, adres 7511 AB 12."
    )
    assert mask(text) == (
        "Hoi, ik ben Anna, 45 jaar, uit Enschede. BSN [BSN], IBAN [IBAN], "
        "mail [E-MAIL], bel [TELEFOON], adres [POSTCODE+HUISNUMMER]."
    )
    assert [s.kind for s in detect(text)] == ["BSN", "IBAN", "EMAIL", "PHONE", "ADDRESS"]


def test_a_phone_number_inside_an_iban_counts_as_the_iban():
    assert mask("NL91 ABNA 0417 1643 00") == "[IBAN]"


def test_an_e_mail_address_made_of_a_bsn_is_one_e_mail_address():
    assert mask("123456782@example.nl") == "[E-MAIL]"


def test_a_bsn_next_to_a_stray_digit_stays_a_bsn():
    assert mask("010000100 4") == "[BSN] 4"  # not one phone number 0100001004


@FAST
@given(st.text(max_size=300))
def test_masking_never_fails_and_is_idempotent(text):
    once = mask(text)
    assert mask(once) == once


@FAST
@given(st.text(alphabet=st.characters(blacklist_characters="0123456789@"), max_size=300))
def test_text_without_digits_or_at_signs_is_never_changed(text):
    assert mask(text) == text


def test_spans_point_at_the_identifier():
    text = "bel 06-12345678 of mail a@b.nl"
    spans = detect(text)
    assert [(s.kind, text[s.start : s.end]) for s in spans] == [("PHONE", "06-12345678"), ("EMAIL", "a@b.nl")]


def test_storage_uses_the_masker():
    assert mask_for_storage("BSN 123456782") == "BSN [BSN]"
    assert not re.search(r"\d{9}", mask_for_storage("mijn bsn: 111222333"))


# -- forms that slipped through (issue 15, item 2) -------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "31612345678",  # how WhatsApp writes +31 6 12345678
        "06 - 12345678",
        "06–12345678",
        "06 – 1234 5678",
        "020 - 123 45 67",
        "+32 470 12 34 56",
        "+49 151 12345678",
        "+48 512 345 678",
        "0049 151 12345678",
    ],
)
def test_whatsapp_dashed_and_foreign_phone_numbers_are_masked(number):
    assert mask(f"Bel me op {number} na vijven") == "Bel me op [TELEFOON] na vijven"


@pytest.mark.parametrize("written", ["12 34 56 782", "1234 56 782", "12.34.56.782"])
def test_a_bsn_in_other_groupings_is_masked(written):
    assert mask(f"mijn bsn is {written}, klopt dat?") == "mijn bsn is [BSN], klopt dat?"


@pytest.mark.parametrize(
    "written",
    ["NL91.ABNA.0417.1643.00", "NL91 ABNA 041 716 43 00", "nl 91 abna 0417 164 300", "NL91-ABNA-0417-1643-00"],
)
def test_an_iban_with_dots_or_odd_groups_is_masked_whole(written):
    assert mask(f"rekening {written} graag") == "rekening [IBAN] graag"
    typo = written[:-1] + ("1" if written[-1] == "0" else "0")  # mod-97 fails
    assert "[IBAN]" not in mask(f"rekening {typo} graag")


@pytest.mark.parametrize(
    "text",
    [
        "Ik heb 12 man personeel",
        "Ik ben 34",
        "Ik ben 34 en woon in 7511",
        "Het kost € 1.250,-",
        "in 2027 of 2028",
        "postcode 7511 AB",
        "cursus VCA-123456",
        "artikel 31 lid 2",
        "12 34 56 789",  # grouped like a BSN, fails the elfproef
        "+5 graden",
        "score 3161 punten",
        "opleidingscode 25678",
        "uitkering € 1.234,56 per maand",
    ],
)
def test_ordinary_numbers_still_pass(text):
    assert mask(text) == text
