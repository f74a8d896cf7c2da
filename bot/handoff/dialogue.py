"""What the gateway itself says during a handoff (Dutch, B1) and how it recognises the user's
choice while the bot is quiet: stop waiting, a callback request, or back to the bot.

Button payloads are intents the bot knows, so an old button clicked after the handoff ended
still makes sense to the bot: /request_human (callback request: "an advisor, please"), /help
(on with the bot) and /stop (stop waiting).
"""

from __future__ import annotations

import re
from typing import List, Optional

from locales import N_, translate

CALLBACK = {"title": N_("Terugbelverzoek"), "payload": "/request_human"}
CONTINUE = {"title": N_("Verder met de bot"), "payload": "/help"}
STOP_WAITING = {"title": N_("Stop met wachten"), "payload": "/stop"}
KEEP_WAITING = {"title": N_("Blijven wachten"), "payload": "/affirm"}
BOT_MENU = [
    {"title": N_("Cursus zoeken"), "payload": "/search_course"},
    {"title": N_("Wie betaalt mijn opleiding?"), "payload": "/ask_funding"},
    {"title": N_("Wat weet je van mij?"), "payload": "/show_profile"},
]

WELCOME_BACK = N_(
    "Je praat weer met Leerwijzer, de digitale assistent. Ik weet nog wat je me vertelde. Waar kan ik je nu mee helpen?"
)
# At the end of a conversation with an advisor: one tap rates the help (bot/feedback.py).
RATE_HANDOFF = N_("Hoe goed hielp de adviseur je? Tik een cijfer: 1 is slecht, 5 is heel goed.")
RATE_PAYLOAD = "/rate_handoff"
RATED = N_("Dank je voor je cijfer!")
CLAIMED = N_("{name} is adviseur en neemt het gesprek nu over. Je kunt hier gewoon typen.")
CANCELLED = N_("Goed, je wacht niet meer op een adviseur. Je praat weer met Leerwijzer. Waar kan ik je mee helpen?")
LEFT_ADVISOR = N_(
    "Goed, het gesprek met de adviseur is gestopt. Je praat weer met Leerwijzer. Waar kan ik je mee helpen?"
)
MESSAGE_KEPT = N_("Je bericht is bewaard. De adviseur leest het zodra die het gesprek overneemt. {position}")
STILL_WAITING = N_("Prima, je blijft in de wachtrij. {position}")
LONG_WAIT = N_(
    "Het duurt langer dan we hoopten. Wil je blijven wachten? Je kunt ook vragen of een "
    "adviseur je terugbelt of mailt. Of je gaat verder met de bot."
)
LONG_WAIT_AGAIN = N_(
    "Sorry, er is nog geen adviseur vrij. Je bericht is bewaard. {position} Wil je "
    "blijven wachten? Je kunt ook vragen of een adviseur je terugbelt of mailt. Of "
    "je gaat verder met de bot."
)
NOBODY_NOW = N_(
    "Er is op dit moment geen adviseur beschikbaar. Wil je dat een adviseur je "
    "terugbelt of mailt? Of gaan we samen verder?"
)
CLOSED_NOW = N_(
    "Er is nu geen adviseur aan het werk. {hours} Wil je dat een adviseur je terugbelt "
    "of mailt? Of gaan we samen verder?"
)
# A message that is neither choice, while the choice is open ("hallo, is daar iemand?").
NOBODY_STILL = N_(
    "Sorry, er is nu geen adviseur online. Wil je dat een adviseur je later terugbelt "
    "of mailt? Of gaan we samen verder?"
)
CLOSED_STILL = N_(
    "Sorry, er is nu geen adviseur aan het werk. {hours} Wil je dat een adviseur je "
    "later terugbelt of mailt? Of gaan we samen verder?"
)
ASK_NAME = N_("Fijn. Wat is je naam?")
ASK_NAME_AFTER_CONTACT = N_("Dank je. En wat is je naam?")
BAD_NAME = N_(
    "Ik kan dit niet goed lezen als naam. Typ alleen je naam, bijvoorbeeld: Sanne de "
    "Vries. Wil je toch geen terugbelverzoek? Zeg dan 'laat maar'."
)
ASK_CONTACT = N_("Hoe kan de adviseur je bereiken? Typ je telefoonnummer (bijvoorbeeld 06 12345678) of je e-mailadres.")
BAD_PHONE = N_(
    "Dat telefoonnummer klopt niet. Een Nederlands nummer heeft 10 cijfers en begint "
    "met 0 (bijvoorbeeld 06 12345678), of met +31. Probeer het nog eens, of typ je "
    "e-mailadres."
)
BAD_EMAIL = N_(
    "Dat e-mailadres klopt niet helemaal. Kijk het nog eens na, bijvoorbeeld: "
    "naam@voorbeeld.nl. Je kunt ook je telefoonnummer typen."
)
NO_CONTACT = N_(
    "Ik zie geen telefoonnummer of e-mailadres. Typ bijvoorbeeld 06 12345678 of "
    "naam@voorbeeld.nl. Wil je toch geen terugbelverzoek? Zeg dan 'laat maar'."
)
# A question or greeting instead of an answer to the callback questions.
NOBODY_CHATS = N_(
    "Er kan nu geen adviseur met je chatten. Daarom noteer ik een terugbelverzoek. "
    "{question} Wil je toch geen terugbelverzoek? Zeg dan 'laat maar'."
)
WHAT_NAME = N_("Wat is je naam?")
WHAT_CONTACT = N_("Wat is je telefoonnummer of e-mailadres?")
CALLBACK_SAVED_PHONE = N_(
    "Dank je. Je terugbelverzoek is opgeslagen. Een adviseur belt je zo snel "
    "mogelijk. {hours} Je kunt nu verder met Leerwijzer. Waar kan ik je mee helpen?"
)
CALLBACK_SAVED_EMAIL = N_(
    "Dank je. Je terugbelverzoek is opgeslagen. Een adviseur mailt je zo snel "
    "mogelijk. {hours} Je kunt nu verder met Leerwijzer. Waar kan ik je mee helpen?"
)
CONTINUE_OK = N_("Goed, dan gaan we samen verder. Waar kan ik je mee helpen?")
CALLBACK_STOPPED = N_("Goed, geen terugbelverzoek. Waar kan ik je mee helpen?")
# What stays in the transcript instead of the callback details (they live in the case only).
REDACTED = "[gegevens voor het terugbelverzoek]"

REASONS = {
    "gebruiker_vraagt_adviseur": "Vraagt zelf om een adviseur",
    "uitkering_uwv_scholing": "Heeft een uitkering en vraagt naar scholing via UWV",
    "werkgever_scholingsplan": "Werkgever met een scholingsplan",
    "geen_passend_aanbod": "Geen passend aanbod gevonden",
    "wensen_versoepeld": "Wensen moesten ruimer om iets te vinden",
    "bot_storing": "De bot had een storing",
}


def reason_text(reason: str) -> str:
    return REASONS.get(reason, reason.replace("_", " ").capitalize())


QUEUED = N_(
    "Je staat in de wachtrij voor een adviseur. {position}{wait} Je kunt hier alvast typen: de adviseur leest het. Wil je niet meer wachten? Zeg dan 'laat maar'."
)
WAIT_ONE_MINUTE = N_(" De wachttijd is ongeveer 1 minuut.")
WAIT_MINUTES = N_(" De wachttijd is ongeveer {minutes} minuten.")
FIRST_IN_LINE = N_("Je bent de eerste in de rij.")
ONE_BEFORE_YOU = N_("Er is 1 persoon voor je.")
PEOPLE_BEFORE_YOU = N_("Er zijn {count} mensen voor je.")


def queue_text(position: int, wait_minutes: Optional[int], language: Optional[str] = None) -> str:
    wait = ""
    if wait_minutes is not None:
        wait = (
            translate(WAIT_ONE_MINUTE, language)
            if wait_minutes <= 1
            else translate(WAIT_MINUTES, language, minutes=wait_minutes)
        )
    return translate(QUEUED, language, position=position_text(position, language), wait=wait)


def position_text(position: int, language: Optional[str] = None) -> str:
    if position <= 1:
        return translate(FIRST_IN_LINE, language)
    if position == 2:
        return translate(ONE_BEFORE_YOU, language)
    return translate(PEOPLE_BEFORE_YOU, language, count=position - 1)


# -- recognising the user's choice ----------------------------------------------------------

_CANCEL = re.compile(
    r"(?:nee|ach|oke|oké|ok)?\s*(?:laat (?:het )?maar(?: zitten)?|stop(?: ermee| maar| met "
    r"wachten)?|stoppen|annuleer(?: maar)?|annuleren|ik wil niet (?:meer )?wachten|niet meer "
    r"wachten|toch (?:maar )?niet|ik hoef geen adviseur(?: meer)?)\s*(?:hoor|dank je(?: wel)?|"
    r"bedankt)?"
    # English (the texts tell English users to say 'stop')
    r"|(?:no|ok|okay)?\s*(?:cancel|stop waiting|never ?mind|forget it|i don'?t want to wait(?: any ?more)?)"
    r"\s*(?:thanks|thank you)?"
)
_CALLBACK = re.compile(
    r"terug ?ge?bel|bel (?:me|mij)|mail (?:me|mij)|\bmailen\b|\bbellen\b"
    r"|call (?:me|back)|e-?mail me|\bcall ?back\b"
)
_CONTINUE = re.compile(
    r"(?:verder|door)(?: met de| met)?(?: bot| leerwijzer)?|\bbot\b|"
    r"(?:nee|geen)(?: dank je| bedankt)?|blijf(?: maar)? bij de bot"
    r"|(?:go on|continue)(?: with the bot)?|no(?: thanks| thank you)?"
)
_REMARK = re.compile(r"\b(?:hallo|hoi|hey|hee|iemand|wacht|wachten|adviseur|hello|hi|anyone|anybody|advisor)\b")
_KEEP_WAITING = re.compile(
    r"(?:ja,? )?(?:ik )?blijf(?: maar)? wachten|blijven wachten|ik wacht(?: wel)?"
    r"|(?:yes,? )?(?:i(?:'ll| will) )?(?:keep )?wait(?:ing)?"
)


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s'-]", " ", (text or "").lower()).split())


def wants_to_stop(text: str, payload: Optional[str]) -> bool:
    return payload == STOP_WAITING["payload"] or bool(_CANCEL.fullmatch(_plain(text)))


def wants_callback(text: str, payload: Optional[str]) -> bool:
    return payload == CALLBACK["payload"] or bool(_CALLBACK.search(_plain(text)))


def wants_the_bot(text: str, payload: Optional[str]) -> bool:
    return payload == CONTINUE["payload"] or bool(_CONTINUE.fullmatch(_plain(text)))


def wants_to_wait(text: str, payload: Optional[str]) -> bool:
    return payload == KEEP_WAITING["payload"] or bool(_KEEP_WAITING.fullmatch(_plain(text)))


def rating_buttons() -> List[dict]:
    return [{"title": str(score), "payload": f'{RATE_PAYLOAD}{{"score":{score}}}'} for score in range(1, 6)]


def rating_score(payload: Optional[str]) -> Optional[int]:
    """The score of a tapped rating button (/rate_handoff{"score":4}), else None."""
    match = re.fullmatch(re.escape(RATE_PAYLOAD) + r'\{"score":([1-5])\}', payload or "")
    return int(match.group(1)) if match else None


def menu() -> List[dict]:
    return [dict(b) for b in BOT_MENU]


def calls_for_someone(text: str) -> bool:
    """A greeting or a call for a person ("hallo, is daar iemand?", "ik wacht al lang")."""
    return bool(_REMARK.search(_plain(text)))


def is_remark(text: str) -> bool:
    """A question or a greeting ("hallo, is daar iemand?", "ik wacht al lang"), not an answer."""
    return "?" in (text or "") or calls_for_someone(text)
