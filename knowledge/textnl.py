"""Small Dutch text helpers: dates, prices, durations, and search tokens."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache
from typing import Optional

import locales
from locales import _

MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def format_date_nl(d: Optional[date]) -> str:
    """12 januari 2027."""
    if d is None:
        return ""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def format_eur(amount: Optional[float]) -> str:
    """€ 1.250 or € 12.650,04 (Dutch separators); in another active language as that language
    writes euros (English: €1,250 or €12,650.04)."""
    if amount is None:
        return ""
    if locales.current() != locales.SOURCE:
        from babel.numbers import format_currency

        whole_euros = round(amount * 100) % 100 == 0
        return format_currency(
            amount,
            "EUR",
            format="¤#,##0" if whole_euros else None,
            locale=locales.current(),
            currency_digits=not whole_euros,
        )
    whole = int(round(amount * 100)) // 100
    cents = int(round(amount * 100)) % 100
    text = f"{whole:,}".replace(",", ".")
    return f"€ {text},{cents:02d}" if cents else f"€ {text}"


def format_price(amount: Optional[float]) -> str:
    """€ 1.250 incl. btw; 'gratis' for 0; 'prijs op aanvraag' when unknown (in the active
    language)."""
    if amount is None:
        return _("prijs op aanvraag")
    if amount == 0:
        return _("gratis")
    return _("{price} incl. btw", price=format_eur(amount))


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# --- search terms ------------------------------------------------------------------------------
# Dutch glues words together (warmtepompmonteur, zonnepaneelinstallateur). We split compounds
# into known parts so "monteur" finds "warmtepompmonteur"; prefix matching does the rest
# ("warmtepomp" finds "warmtepompen"). Parts are domain words; unknown words stay whole.
_LEXICON = set(
    """
warmte pomp pompen monteur monteurs installatie installaties installateur installateurs techniek
technicus technici elektro elektrisch elektrische elektricien elektrotechniek zonne zon paneel panelen
laad paal palen punt punten infra infrastructuur netwerk netwerken net netten kabel kabels leiding leidingen
grond werk werker werkers energie advies adviseur adviseurs woning woningen huis huizen bouw bouwen bouwer
bouwkunde bouwkundig circulair circulaire biobased materiaal materialen hout houtbouw batterij batterijen
accu accus opslag systeem systemen water stof gas aardgas vrij loos lucht ventilatie koel koeling klimaat
isolatie dak daken gevel gevels renovatie sloop demontage hergebruik digitaal digitale model modelleur
modelleren tekenaar teken voorbereider voorbereiding project leider uitvoerder uitvoering meet meten
drone scan data storing storingen service onderhoud spanning midden laag hoog station stations trafo
riool weg wegen spoor duurzaam duurzaamheid verduurzaming coach label maatwerk opname montage lassen
lasser sanitair ketel regel regeling domotica auto mobiliteit voertuig voertuigen veiligheid
vak bekwaam bekwaamheid persoon personen brand beveiliging licht verlichting meter meters machine
machines kraan ontwerp ontwerpen ontwerper keten beheer beheerder asset management plan planner
calculatie calculator tekening tekeningen bron bronnen boor boren bodem lijn lijnen straat
""".split()
)
_LINKS = ("", "s", "e", "en")  # linking sounds between compound parts (zonnepaneel, energielabel)
_MIN_PART = 3


def normalise(text: str) -> str:
    """Lower case, no accents, only letters/digits and single spaces."""
    text = strip_accents(text or "").lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


@lru_cache(maxsize=20000)
def split_compound(word: str) -> tuple:
    """Known parts of a compound ('warmtepompmonteur' -> ['warmte', 'pomp', 'monteur']),
    or [] when the word is not fully made of known parts (or is a single part)."""
    n = len(word)
    if n < 2 * _MIN_PART or n > 60:
        return ()
    best = [None] * (n + 1)  # best[i] = most (finest) parts covering word[:i]
    best[0] = []
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(i + _MIN_PART, n + 1):
            part = word[i:j]
            if part in _LEXICON:
                for link in _LINKS:
                    k = j + len(link)
                    if k <= n and word[j:k] == link:
                        cand = best[i] + [part]
                        if best[k] is None or len(cand) > len(best[k]):
                            best[k] = cand
    parts = best[n]
    return tuple(parts) if parts and len(parts) >= 2 else ()


_stemmer = None


@lru_cache(maxsize=50000)
def term_key(word: str) -> str:
    """Search key of one word: Snowball Dutch stem with doubled vowels made single, so
    'panelen', 'paneel' and 'laadpalen'/'laadpaal' meet."""
    global _stemmer
    if _stemmer is None:
        import snowballstemmer

        _stemmer = snowballstemmer.stemmer("dutch")
    stem = _stemmer.stemWord(word) if len(word) > 3 else word
    return re.sub(r"([aeou])\1", r"\1", stem)


def index_terms(text: str) -> str:
    """Space-separated search keys of a text, compound parts included (SQLite FTS5 input)."""
    out = []
    for w in normalise(text).split():
        out.append(term_key(w))
        out.extend(term_key(p) for p in split_compound(w))
    return " ".join(out)


def compound_parts_text(text: str) -> str:
    """Only the compound parts of a text (added to PostgreSQL's text so 'dutch' sees them)."""
    return " ".join(p for w in normalise(text).split() for p in split_compound(w))


STOPWORDS = set(
    """
de het een en of in op aan van voor met bij naar over om te tot uit als dat die dit deze ik je jij
u wij we ze zij mijn me mij ons onze is zijn ben was wil willen wilt zou graag kan kunnen kun mag
moet iets wat welke hoe waar wie er ook nog niet geen wel maar dan al meer veel zoek zoeken zoekt
vind vinden graag alsjeblieft aub please hallo hoi hey ja nee heb hebt heeft hebben doen gaan
cursus cursussen opleiding opleidingen training trainingen module modules les lessen scholing
leren studie studeren iemand mensen richting gebied vlak sector omgeving buurt regio
""".split()
)

MAX_QUERY_WORDS = 12


def query_words(query: str) -> list:
    """Meaningful words of a free-text query (stopwords and generic words like 'cursus' removed,
    at most MAX_QUERY_WORDS, each 2-40 characters)."""
    words = [w for w in normalise(query).split() if w not in STOPWORDS and 2 <= len(w) <= 40]
    seen, out = set(), []
    for w in words:
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out[:MAX_QUERY_WORDS]


def fts5_query(words: list, all_words: bool = True) -> str:
    """FTS5 MATCH expression: each word by its key as prefix, or all its compound parts."""
    groups = []
    for w in words:
        alts = [f'"{term_key(w)}"*']
        parts = split_compound(w)
        if parts:
            alts.append("(" + " AND ".join(f'"{term_key(p)}"*' for p in parts) + ")")
        groups.append("(" + " OR ".join(alts) + ")")
    return (" AND " if all_words else " OR ").join(groups)


def pg_tsquery(words: list, all_words: bool = True) -> str:
    """to_tsquery('dutch', ...) text: the same shape as fts5_query; PostgreSQL stems."""
    groups = []
    for w in words:
        alts = [f"{w}:*"]
        parts = split_compound(w)
        if parts:
            alts.append("(" + " & ".join(f"{p}:*" for p in parts) + ")")
        groups.append("(" + " | ".join(alts) + ")")
    return (" & " if all_words else " | ").join(groups)
