"""Funding advice for a worker (ask_funding) and for an employer (employer_training).

Answer first: the question is answered in the same turn with what is known. The rules live
in knowledge/ (evaluate_funding); here they are said short, in the language of the
conversation (Dutch in the code, other languages from locales/; the rule texts are translated
by knowledge/funding/engine.py):
- the schemes the user named, then the most relevant open ones: at most three, each in one
  or two sentences with the amount and who applies; what is still unknown becomes a
  condition ("Het krediet is er voor mensen jonger dan 57.");
- a button "Andere regelingen" shows all of them, grouped, with reasons and sources (ended
  schemes such as STAP included, always as ended);
- then at most one follow-up question: the fact that settles most of the schemes shown,
  never one asked before. Its answer (or a correction later) gives the answer again.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text
from urllib.parse import urlparse

import knowledge
import locales
from locales import N_, _
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import kb
from . import profile as p
from .kb import named_schemes
from .feedback import FUNDING, rateable
from .markup import md
from .profile import BENEFIT_LABELS, SECTOR_LABELS, UNKNOWN, build_profile, tenant_of
from .fallback import bot_texts_of_last_turn, translated_button
from .questions import ask_follow_up, can_follow_up
from .facts import changed_facts, latest_text, noted_facts, previous_value, schemes_in_focus
from .recommend import (
    ADVISOR_BUTTON,
    ask_which_module,
    first_page,
    mentioned_module,
    mentions_a_module,
    no_longer_offered,
    payload,
    search_need,
    search_or_ask,
    tenant_event,
    withdrawn_text,
)

TOP = 3
UWV_BENEFITS = ("ww", "wia", "zw", "wajong")  # UWV's, not the gemeente's (rules/uwv_scholing.yaml)
ALL_SCHEMES = {"title": N_("Andere regelingen"), "payload": payload("ask_funding", funding_scope="alle")}


def _and(names: List[Text]) -> Text:
    """ "A", "A en B", "A, B en C" in the active language."""
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return _("{first} en {last}", first=", ".join(names[:-1]), last=names[-1])


# knowledge's missing_facts (profile keys) -> the slot a follow-up question asks
FACT_TO_SLOT = {
    "age": "age",
    "employment_status": "employment_status",
    "on_benefit": "employment_status",
    "education_level": "education_level",
    "sector": "sector",
    "company_size": "company_size",
    "benefit_type": "benefit_type",
    "location": "location",
    "region": "location",
}
WHO_APPLIES = {"person": N_("Je vraagt het zelf aan"), "employer": N_("Je werkgever vraagt het aan")}
OUTCOME_ORDER = ("eligible", "maybe", "not_eligible", "ended")
HEADINGS = {
    "eligible": N_("Waarschijnlijk mogelijk:"),
    "maybe": N_("Mogelijk, als je aan de voorwaarden voldoet:"),
    "not_eligible": N_("Niet voor jou, en waarom:"),
    "ended": N_("Gestopt:"),
}
DISCLAIMER = N_("Dit is een inschatting, geen besluit: de organisatie achter de regeling beslist.")


def evaluate(profile: Dict[str, Any], module_id: Optional[Text]) -> List["knowledge.FundingAdvice"]:
    """evaluate_funding; a module that left the catalogue is ignored, not an error."""
    kb.ensure_db()
    if module_id and knowledge.get_module(module_id) is None:
        module_id = None
    return knowledge.evaluate_funding(profile, module_id)


# -- the short answer -----------------------------------------------------------------------
def _sentence(text: Text) -> Text:
    text = (text or "").strip()
    return text if not text or text.endswith((".", "?", "!")) else text + "."


def _statements(text: Text) -> List[Text]:
    """The sentences of a reason that are not questions to the user."""
    parts = re.split(r"(?<=[.?!])\s+", (text or "").strip())
    return [part for part in parts if part and not part.endswith("?")]


# "Your employer pays": the employer's own decision, not a scheme to list for an employer.
EMPLOYER_PAYS = "werkgever_betaalt"


def relevant(
    advice: List["knowledge.FundingAdvice"], profile: Dict[str, Any], named: List[Text]
) -> List["knowledge.FundingAdvice"]:
    """The schemes for the short answer: those the user named, then the open ones, most
    likely first (for someone on a benefit UWV first; for an employer what the employer
    applies for)."""

    def rank(item):
        score = {"eligible": 0, "maybe": 1}.get(item.outcome, 5)
        if profile.get("on_benefit") and item.scheme_id == "uwv_scholing":
            score -= 2
        if profile.get("employment_status") == "werkgever" and item.applicant != "employer":
            score += 1
        if {"location", "region"} & set(item.missing_facts):
            score += 1  # a regional scheme for a user whose place we do not know
        if item.scheme_id == "slim_regeling" and profile.get("employment_status") != "werkgever":
            score += 2  # SLIM pays for advice and a training plan, not for the course itself
        return score, len(item.missing_facts)

    if profile.get("tenant") and not profile.get("region"):
        # the place is unknown; on a region's own site, a scheme of another region is unlikely
        unlikely = {
            a.scheme_id for a in evaluate(dict(profile, region=profile["tenant"]), None) if a.outcome == "not_eligible"
        }
        advice = [a for a in advice if a.scheme_id not in unlikely or a.scheme_id in named]
    if profile.get("employment_status") == "werkgever":
        # what the employer applies for, when any of it is open: not "your employer pays", and
        # not a worker's own loan (an HR adviser was asked their age for the LLO krediet)
        own = [a for a in advice if a.applicant == "employer" and a.scheme_id != EMPLOYER_PAYS]
        if not any(a.outcome in ("eligible", "maybe") for a in own):
            own = [a for a in advice if a.scheme_id != EMPLOYER_PAYS]
        advice = own + [a for a in advice if a.scheme_id in named and a not in own]
    first = [a for a in advice if a.scheme_id in named]
    rest = sorted((a for a in advice if a.scheme_id not in named and a.outcome in ("eligible", "maybe")), key=rank)
    return (first + rest)[: max(TOP, len(first))]


def short_line(item: "knowledge.FundingAdvice", employer: bool = False) -> Text:
    """One scheme in one or two short sentences: what it is or why not, the amount, who
    applies, and where it comes from."""
    if item.outcome == "ended":
        line = "- " + _("{name} bestaat niet meer.", name=item.name)
        line += f" {_sentence(item.reasons[0]) if item.reasons else ''}"
        if item.replaced_by:
            line += " " + _("In de plaats kwam: {successor}.", successor=item.replaced_by)
        return " ".join(line.split())
    if item.outcome == "not_eligible":
        return f"- {item.name}: {' '.join(_statements(item.reasons[0])) if item.reasons else ''}".strip()
    parts = [f"- {item.name}: {_first_sentence(item.summary)}"]
    if item.amount_short:
        parts.append(_sentence(item.amount_short))
    if item.outcome == "maybe" and item.reasons:
        # the open condition, when it is a hard one ("jonger dan 57", "West-Brabant")
        condition = next(iter(_statements(item.reasons[0])), "")
        if re.search(r"\d|alleen|West-Brabant|\bonly\b", condition):
            parts.append(condition)
    parts.append(who_applies(item, employer))
    return " ".join(parts)


def source_host(item: "knowledge.FundingAdvice") -> Text:
    """The site of a scheme's source, as people write it: "duo.nl"."""
    return urlparse(item.source_url).netloc.replace("www.", "")


def who_applies(item: "knowledge.FundingAdvice", employer: bool = False) -> Text:
    """ "Je vraagt het zelf aan (duo.nl)."; where the source is not where one applies (an
    article about UWV's rules), the rule says where: "… bij je werkcoach van UWV"."""
    who = (
        _("Jij vraagt het als werkgever aan")
        if employer and item.applicant == "employer"
        else _(WHO_APPLIES.get(item.applicant, item.applicant))
    )
    if item.apply_at:
        return f"{who} {item.apply_at}."
    return f"{who} ({source_host(item)})."


def _without_trailing_question(text: Text) -> Text:
    """A reason without the question to the user at its end ("… Hoe oud ben je?"); a question
    followed by its answer ("Betaalt je werkgever alles? Dan …") stays."""
    parts = re.split(r"(?<=[.?!])\s+", (text or "").strip())
    while parts and parts[-1].endswith("?"):
        parts.pop()
    return " ".join(parts)


def _first_sentence(text: Text) -> Text:
    return _sentence(re.split(r"(?<=[.!?])\s+", (text or "").strip())[0])


def named_line(item: "knowledge.FundingAdvice", employer: bool = False) -> Text:
    """A scheme the user asked about by name: what it is, what counts and the amount, so a
    question like "zijn wij daar bij aangesloten?" or "hoe betaal ik dat terug?" is answered."""
    if item.outcome == "ended":
        return short_line(item)
    facts = [_without_trailing_question(reason) for reason in item.reasons]
    parts = [f"- {item.name}: {_first_sentence(item.summary)}"] + [f for f in facts if f][:8]
    if item.amount_text:
        parts.append(_("Bedrag: {amount}", amount=_sentence(item.amount_text)))
    parts.append(who_applies(item, employer))
    return " ".join(parts)


def full_line(item: "knowledge.FundingAdvice") -> Text:
    """One scheme with its reasons, amount, who applies and the source (Andere regelingen)."""
    if item.outcome in ("ended", "not_eligible"):
        return short_line(item)
    reasons = item.reasons[:2] if item.outcome == "eligible" else item.reasons[:1]
    parts = [f"- {item.name}" + (f": {_sentence(item.amount_text)}" if item.amount_text else ".")]
    parts += [_sentence(r) for r in reasons]
    parts.append(f"{_(WHO_APPLIES.get(item.applicant, item.applicant))}.")
    parts.append(_("Bron: {url} ({date}).", url=item.source_url, date=item.source_date))
    return " ".join(parts)


def advice_messages(advice: List["knowledge.FundingAdvice"]) -> List[Text]:
    """All schemes, one message per outcome group, in the order of OUTCOME_ORDER."""
    messages = []
    for outcome in OUTCOME_ORDER:
        items = [a for a in advice if a.outcome == outcome]
        if items:
            messages.append("\n".join([_(HEADINGS[outcome])] + [full_line(a) for a in items]))
    return messages


# How a follow-up question is put after a funding answer, where it differs from the usual one.
FOLLOW_UP_TEXT = {
    "employment_status": N_(
        "Werk je nu, ben je zzp'er, zoek je werk of heb je een uitkering? Dat maakt uit voor wie kan betalen."
    ),
    "location": N_("In welke plaats woon je? Dat telt mee voor een regeling in West-Brabant."),
    "age": N_("Hoe oud ben je? Dat telt mee voor het levenlanglerenkrediet. Typ een getal, bijvoorbeeld 45."),
}


def follow_up_slot(tracker: Tracker, shown: List["knowledge.FundingAdvice"], employer: bool) -> Optional[Text]:
    """The one fact worth asking: it settles the most schemes shown; never asked before."""
    counts: Dict[Text, int] = {}
    for item in shown:
        for fact in item.missing_facts:
            slot = FACT_TO_SLOT.get(fact)
            if slot == "company_size" and not employer:
                continue  # a worker rarely knows it
            if (
                slot == "location"
                and item.scheme_id == "brabant_leert_jtf"
                and tenant_of(tracker) not in (None, "brabant")
            ):
                continue  # a Brabant scheme: not worth asking on another region's site
            if slot and can_follow_up(tracker, slot):
                counts[slot] = counts.get(slot, 0) + 1
    ranked = sorted(counts, key=lambda slot: -counts[slot])  # stable: ties keep first-seen order
    return ranked[0] if ranked else None


def wants_all(tracker: Tracker) -> bool:
    return any(e.get("entity") == "funding_scope" for e in (tracker.latest_message or {}).get("entities") or [])


# -- a follow-up about the schemes in focus ------------------------------------------------
# (what the question asks, what a sentence that answers it says); "hoe betaal ik dat terug"
# after the loan is answered with the loan's repayment sentence, without its name. The
# English words (after the Dutch ones) match English questions and the English rule texts.
CONCEPTS = [
    (r"terug\s?(?:betal|geven)|aflos|pay\s?(?:it\s)?back|repay", r"terug|pay back|repay"),
    (
        r"eerst zelf|voorschiet|vooraf|achteraf|declar|pay (?:it )?first|in advance|upfront|afterwards|claim",
        r"\beerst\b|achteraf|declar|\bfirst\b|afterwards|claim",
    ),
    (
        r"kosten|bedrag|euro|€|minimaal|minimum|te weinig|\bmaar\s+\d|\bcosts?\b|amount|too little|\bonly\s+\d",
        r"minstens|minimaal|€|at least",
    ),
    (r"hoe lang|duur(?:t|en)\b|maanden|weken|how long|months|weeks", r"\bjaar\b|maanden|weken|\byears?\b|months|weeks"),
    (r"\boud\b|leeftijd|\bage\b|\bold\b", r"jonger|ouder|leeftijd|younger|older|\bage\b"),
    (r"rente|interest", r"rente|interest"),
    (
        r"aanvra|aanvraag|wie vraagt|hoe vraag|waar vraag|\bapply|application",
        r"vraagt|aanvra|\bapplies\b|\bapply",
    ),
    (r"hoeveel|wat krijg|how much|what do i get", r"€|\d+\s?%"),
    (r"aangesloten|\blid\b|member|affiliated|signed up", r"aangesloten|member"),
    (
        r"\bbbl\b|\bbol\b|deeltijd|\bhbo\b|\bmbo\b|part[- ]time",
        r"\bbbl\b|\bbol\b|deeltijd|module|opleiding|part[- ]time|course",
    ),
    (r"combiner|samen met|naast|ook nog|combine|together with|as well", r"naast|samen|ook|deel|\balso\b|\bpart\b"),
]
# "jammer, wat dan wel", "wat is er nu dan": after a scheme that is closed to the user.
WHAT_ELSE = re.compile(
    r"\bwel\b|jammer|wat nu|nu dan|wat dan|wat anders|andere? (?:mogelijkhe|manier|regeling)|"
    r"what else|what now|what then|too bad|other (?:option|way|scheme)|instead",
    re.IGNORECASE,
)
STOPWORDS = {
    "voor",
    "maar",
    "deze",
    "die",
    "dat",
    "het",
    "een",
    "van",
    "wat",
    "hoe",
    "kan",
    "ook",
    "dan",
    "mijn",
    "zijn",
    "moet",
    "nog",
    "wel",
    "niet",
    "met",
    "als",
    "mag",
    "bij",
    "naar",
    "heb",
    "ik",
    # English
    "what",
    "that",
    "this",
    "with",
    "have",
    "does",
    "will",
    "much",
    "from",
    "there",
    "about",
}


def _stems(text: Text) -> set:
    return {word[:5] for word in re.findall(r"[a-zà-ÿ]{4,}", text.lower()) if word not in STOPWORDS}


def scheme_sentences(item: "knowledge.FundingAdvice") -> List[Text]:
    """What we can say about a scheme, sentence by sentence (no questions to the user)."""
    sentences = _statements(item.summary)
    for reason in item.reasons:
        sentences += _statements(reason)
    sentences += _statements(item.amount_text)
    return list(dict.fromkeys(s for s in sentences if s))


def answering_sentences(question: Text, items: List["knowledge.FundingAdvice"], limit: int = 2):
    """The (scheme, sentence) pairs that answer the question best; empty when nothing does."""
    asked = [answer for words, answer in CONCEPTS if re.search(words, question, re.IGNORECASE)]
    if not asked:
        return []
    stems = _stems(question)
    scored = []
    for order, item in enumerate(items):
        for sentence in scheme_sentences(item):
            score = 2 * sum(bool(re.search(answer, sentence, re.IGNORECASE)) for answer in asked)
            if score:
                scored.append((-(score + len(stems & _stems(sentence))), order, item, sentence))
    scored.sort(key=lambda entry: entry[:2])
    return [(item, sentence) for _, _, item, sentence in scored[:limit]]


def follows_up_on_schemes(tracker: Tracker) -> bool:
    """A question about the schemes in focus that does not name them ("hoe lang mag het
    duren", "jammer, wat dan wel"); the focus ends when modules or a hub are shown."""
    text = (tracker.latest_message or {}).get("text") or ""
    if not tracker.get_slot("scheme_in_focus") or text.startswith("/"):
        return False
    return bool(
        named_schemes(text)
        or WHAT_ELSE.search(text)
        or any(re.search(words, text, re.IGNORECASE) for words, _ in CONCEPTS)
    )


def focus_answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, advice: List["knowledge.FundingAdvice"], profile: Dict[str, Any]
) -> bool:
    """Answer a follow-up about the schemes in focus (True when answered): the sentences
    that answer it, or, when those schemes are closed to the user, what is open instead."""
    text = (tracker.latest_message or {}).get("text") or ""
    focus = tracker.get_slot("scheme_in_focus") or []
    items = [a for a in advice if a.scheme_id in focus]
    if (
        not items
        or text.startswith("/")
        or named_schemes(text)
        or set(changed_facts(tracker)) & set(FACT_TO_SLOT.values())
    ):
        return False  # a new fact about the user: the whole answer again (funding_answer)
    picked = answering_sentences(text, items)
    if picked:
        by_scheme: Dict[Text, List[Text]] = {}
        for item, sentence in picked:
            by_scheme.setdefault(item.scheme_id, []).append(_sentence(sentence))
        lines = []
        for item in items:
            if item.scheme_id in by_scheme:
                host = source_host(item)
                lines.append(
                    _(
                        "Over {name}: {answer} ({host})",
                        name=item.name,
                        answer=" ".join(by_scheme[item.scheme_id]),
                        host=host,
                    )
                )
        dispatcher.utter_message(
            text="\n".join(lines), buttons=[translated_button(ALL_SCHEMES), translated_button(ADVISOR_BUTTON)]
        )
        return True
    if all(item.outcome in ("not_eligible", "ended") for item in items) and WHAT_ELSE.search(text):
        others = relevant([a for a in advice if a.scheme_id not in focus], profile, [])
        if not others:
            return False
        closed = _and([item.name for item in items])
        employer = profile.get("employment_status") == "werkgever"
        if all(item.outcome == "ended" for item in items):
            lines = [_("{schemes} bestaat niet meer. Dit kan misschien wel:", schemes=closed)]
        else:
            lines = [_("{schemes} kan niet voor jou. Dit kan misschien wel:", schemes=closed)]
        lines += [short_line(item, employer=employer) for item in others] + [_(DISCLAIMER)]
        dispatcher.utter_message(
            text="\n".join(lines), buttons=[translated_button(ALL_SCHEMES), translated_button(ADVISOR_BUTTON)]
        )
        return True
    return False


# "krijg ik dan nog wel ww als ik ga leren?": whether the benefit goes on while learning. With
# WW (and UWV's other benefits) only training UWV agreed to beforehand keeps the benefit, on the
# three tests of the Beleidsregels scholing UWV 2021 (../shared/research/domain-facts.md, UWV;
# cnvconnectief.nl, "Scholing volgen zonder toestemming", WW and its beleidsregels); with
# bijstand the gemeente decides.
_BENEFIT = r"(ww|ww-uitkering|uitkering|bijstand)"
_BENEFIT_EN = r"(ww|benefits?|unemployment|welfare|bijstand|uitkering)"
KEEPS_BENEFIT = re.compile(
    rf"\b(krijg|hou|houd|behoud|blijf)\w*\s+(ik|je)\s+(dan\s+)?(nog\s+)?(wel\s+)?(mijn\s+|m'n\s+|een\s+)?{_BENEFIT}\b|"
    rf"\bmet behoud van (mijn\s+|m'n\s+|je\s+)?{_BENEFIT}\b|"
    rf"\bstopt\s+(dan\s+)?(mijn|m'n|je|de)\s+{_BENEFIT}\b|"
    rf"\b{_BENEFIT}\s+(kwijt|houden|behouden|stopt|stoppen|doorlopen|loopt door|doorbetaald)\b|"
    rf"\bkwijt\b.*\b{_BENEFIT}\b|\b{_BENEFIT}\b.*\bkwijt\b|"
    # English: "do I keep my benefit", "will I lose my WW", "does my benefit stop"
    rf"\b(keep|lose|losing|still get)\b.*\b{_BENEFIT_EN}\b|\b{_BENEFIT_EN}\b.*\b(stop|stops|end|ends)\b",
    re.IGNORECASE,
)
KEEP_UWV_BENEFIT = N_(
    "Ja, dat kan, als UWV vooraf toestemming geeft. Zonder toestemming loop je het risico dat "
    "je {benefit} stopt. UWV zegt ja als de opleiding je kans op werk groter maakt, "
    "hoogstens een jaar duurt en past bij wat je kunt. Vraag het je werkcoach van UWV vóór je "
    "je aanmeldt."
)
KEEP_ANY_BENEFIT = N_(
    "Ja, dat kan, als UWV vooraf toestemming geeft. Zonder toestemming loop je het risico dat "
    "je uitkering stopt. UWV zegt ja als de opleiding je kans op werk groter maakt, "
    "hoogstens een jaar duurt en past bij wat je kunt. Vraag het je werkcoach van UWV vóór je "
    "je aanmeldt. Met bijstand beslist de gemeente."
)
KEEP_BIJSTAND = N_(
    "Dat beslist de gemeente. Vraag je klantmanager bij de gemeente vóór je je aanmeldt of je "
    "met bijstand mag leren, en of de gemeente de opleiding kan betalen."
)


def keeps_benefit_answer(tracker: Tracker, profile: Dict[str, Any]) -> Optional[Text]:
    """The answer to "houd ik mijn uitkering als ik ga leren?", for someone on a benefit."""
    if not KEEPS_BENEFIT.search(latest_text(tracker)):
        return None
    benefit = profile.get("benefit_type")
    if benefit == "bijstand":
        return _(KEEP_BIJSTAND)
    if benefit in UWV_BENEFITS:
        return _(KEEP_UWV_BENEFIT, benefit=_(BENEFIT_LABELS[benefit]))
    if profile.get("on_benefit"):
        return _(KEEP_ANY_BENEFIT)
    return None


def funding_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Who could pay: the answer, then at most one follow-up question."""
    keeps = keeps_benefit_answer(tracker, build_profile(tracker))
    if keeps is not None:
        dispatcher.utter_message(
            text=keeps,
            buttons=[
                {"title": _("Wie betaalt de opleiding?"), "payload": "/ask_funding"},
                translated_button(ADVISOR_BUTTON),
            ],
        )
        rateable(dispatcher, FUNDING)
        return [SlotSet("last_answer", "funding")] + tenant_event(tracker)
    if asks_for_time(tracker):  # "hoeveel uur per week kost dat?": the duration of each module
        ask_which_module(dispatcher, tracker, "course_details")
        return []
    profile = build_profile(tracker)
    module_id = mentioned_module(tracker)
    detail = knowledge.get_module(module_id) if module_id else None
    gone = no_longer_offered(module_id) if detail is None else None
    if gone is not None:
        dispatcher.utter_message(
            text=withdrawn_text(gone) + " " + _("Wat nu volgt, geldt voor opleidingen in het algemeen.")
        )
    advice = evaluate(profile, detail.module_id if detail else None)
    events: List[Dict[Text, Any]] = [SlotSet("last_answer", "funding")] + tenant_event(tracker)
    if detail:
        events.append(SlotSet("last_module", detail.module_id))
    if detail and detail.price_eur == 0:
        dispatcher.utter_message(
            text=_("{title} is gratis: je hoeft er niets voor te betalen.", title=md(detail.title)),
            buttons=[
                {"title": _("Aanmelden"), "payload": payload("how_to_enroll", module_id=detail.module_id)},
                translated_button(ADVISOR_BUTTON),
            ],
        )
        return events
    employer = profile.get("employment_status") == "werkgever"
    about = (
        f"{md(detail.title)} ({detail.price_text})"
        if detail
        else _("de opleiding van je mensen")
        if employer
        else _("je opleiding")
    )
    if wants_all(tracker):
        dispatcher.utter_message(text=_("Alle regelingen die ik ken, voor {about}:", about=about))
        for message in advice_messages(advice):
            dispatcher.utter_message(text=message)
        dispatcher.utter_message(text=_(DISCLAIMER), buttons=[translated_button(ADVISOR_BUTTON)])
        rateable(dispatcher, FUNDING)
        return events
    if focus_answer(dispatcher, tracker, advice, profile):
        return events
    named = named_schemes((tracker.latest_message or {}).get("text") or "")
    if not named and follows_up_on_schemes(tracker):
        named = list(tracker.get_slot("scheme_in_focus"))  # still about the schemes named before
    shown = relevant(advice, profile, named)
    lines = [_("Wie kan {about} betalen? Dit past het best bij wat ik van je weet:", about=about)]
    if named:
        asked_about = _and([a.name for a in advice if a.scheme_id in named[:2]])
        lines = [_("Over {schemes}, en wat er verder kan voor {about}:", schemes=asked_about, about=about)]
    if not shown:  # seen in make run: a header, then nothing (bijstand and a BBL course)
        lines = [
            _(
                "Voor {about} ken ik geen regeling die zeker past bij wat ik van je weet. "
                "Onder 'Andere regelingen' zie je per regeling waarom niet.",
                about=about,
            )
        ]
    if profile.get("benefit_type") == "bijstand":
        lines[0] = (
            _(
                "Met bijstand is de gemeente aan zet, niet UWV. Vraag je klantmanager bij de "
                "gemeente naar scholing vóór je je aanmeldt."
            )
            + "\n"
            + lines[0]
        )
    elif profile.get("benefit_type") in UWV_BENEFITS:
        label = BENEFIT_LABELS[profile.get("benefit_type")]
        lines[0] = _("Met {benefit} kan UWV soms je opleiding betalen.", benefit=_(label)) + "\n" + lines[0]
        events.append(SlotSet("handoff_reason", "uitkering_uwv_scholing"))
    elif profile.get("on_benefit"):
        lines[0] = (
            _(
                "Met een uitkering van UWV (WW, WIA, Ziektewet of Wajong) kan UWV soms je "
                "opleiding betalen; bij bijstand is de gemeente aan zet. Bespreek het met je "
                "werkcoach vóór je je aanmeldt."
            )
            + "\n"
            + lines[0]
        )
        events.append(SlotSet("handoff_reason", "uitkering_uwv_scholing"))
    lines += [
        named_line(item, employer=employer) if item.scheme_id in named else short_line(item, employer=employer)
        for item in shown
    ]
    if not detail:
        lines.append(_("Kies je een cursus, dan kijk ik ook naar de regels voor die cursus."))
    lines.append(_(DISCLAIMER))
    buttons = [translated_button(ALL_SCHEMES), translated_button(ADVISOR_BUTTON)]
    changed = changed_facts(tracker)
    if changed and "\n".join(lines) in bot_texts_of_last_turn(tracker):
        # a new fact that changes nothing: say so instead of the same answer again (a corrected
        # fact was confirmed already: "Oké, aangepast: ...", actions/facts.py)
        told = noted_facts(tracker)
        schemes = ", ".join(item.name for item in shown)
        if told:
            lines = [
                _(
                    "Dank je, dat onthoud ik: {facts}. Dat verandert niets aan wie je opleiding kan betalen: {schemes}.",
                    facts=told,
                    schemes=schemes,
                )
            ]
        else:
            lines = [_("Dat verandert niets aan wie je opleiding kan betalen: {schemes}.", schemes=schemes)]
    slot = follow_up_slot(tracker, shown, employer=False)
    if slot is None:
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
        rateable(dispatcher, FUNDING)
        return events
    dispatcher.utter_message(text="\n".join(lines))
    rateable(dispatcher, FUNDING)
    extra = [translated_button(ALL_SCHEMES)] + (
        [translated_button(ADVISOR_BUTTON)] if profile.get("on_benefit") else []
    )
    return events + ask_follow_up(
        dispatcher,
        tracker,
        slot,
        intro=_("Dan kan ik preciezer zijn."),
        extra_buttons=extra,
        text=_(FOLLOW_UP_TEXT[slot]) if slot in FOLLOW_UP_TEXT else None,
    )


# Words of a money question; without them (and without a scheme's name) a "funding
# question" that answers the bot's question is that answer ("groningen, en ik denk aan
# warmtepompen" to "In welke plaats woon je?").
_MONEY = (
    r"betaal|betalen|subsidie|geld|leen|lenen|vergoed|financ|regeling|krediet|budget|potje|terug|"
    r"gratis|prijs|euro|€|"
    r"\bpay|\bpaid\b|subsid|money|\bloan|\bgrant|\bfund(?:s|ing|ed)?\b|\bfree\b|\bprice|scheme|reimburs"  # English
)
MONEY_WORDS = re.compile(_MONEY + r"|kost|\bcosts?\b", re.IGNORECASE)
# "hoeveel uur per week kost dat?" asks for time, not money: "kost" is the one word for both.
MONEY_ONLY_WORDS = re.compile(_MONEY, re.IGNORECASE)
TIME_WORDS = re.compile(
    r"\b(uur|uren|tijd|hoe lang|dagen|dag per week|weken|maanden|hours?|time|how long|days?|weeks|months)\b",
    re.IGNORECASE,
)


class ActionFundingAdvice(Action):
    """Who could pay: the funding rules for the profile and the module discussed."""

    def name(self) -> Text:
        return "action_funding_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        locales.activate(p.language_of(tracker))
        text = (tracker.latest_message or {}).get("text") or ""
        asked = previous_value(tracker, "asked_slot")
        if (
            text
            and not text.startswith("/")
            and not MONEY_WORDS.search(text)
            and asked in changed_facts(tracker)
            and not named_schemes(text)
        ):
            from .respond import ActionRespondToFacts

            return await ActionRespondToFacts().run(dispatcher, tracker, domain)
        return funding_answer(dispatcher, tracker)


def asks_for_time(tracker: Tracker) -> bool:
    """A question about the time the modules just shown take, with a money word in it ("kost");
    after a funding answer "hoe lang mag het duren" is about the scheme."""
    text = (tracker.latest_message or {}).get("text") or ""
    return bool(
        TIME_WORDS.search(text)
        and not MONEY_ONLY_WORDS.search(text)
        and tracker.get_slot("last_answer") == "modules"
        and tracker.get_slot("shown_modules")
        and not mentions_a_module(tracker)
    )


# What the employer's schemes depend on: a change of one of these gives the schemes again.
COMPANY_FACTS = {"company_size", "sector", "location"}
EMPLOYER_PLACE_QUESTION = N_(
    "Waar zit je bedrijf? Dan zoek ik cursussen voor je mensen in de buurt. Typ de naam van de plaats."
)


EMPLOYER_ROUTES = (
    N_("Als werkgever kun je op drie manieren hulp krijgen bij scholing van je mensen:"),
    "- "
    + N_(
        "SLIM-regeling: subsidie voor mkb-bedrijven (minder dan 250 mensen) voor advies, "
        "een opleidingsplan of leren op de werkvloer. Niet voor de opleiding zelf."
    ),
    "- "
    + N_(
        "Je sectorfonds (O&O-fonds): veel branches hebben een fonds dat een deel van de "
        "opleiding betaalt, bijvoorbeeld Wij Techniek voor de installatiebranche."
    ),
    "- "
    + N_(
        "SLIM-scholingssubsidie (Ontwikkelpaden): voor de opleiding zelf, in sectoren als "
        "techniek, bouw, zorg en ICT. Je werknemer betaalt dan niets."
    ),
)


def employer_routes() -> List[Text]:
    """EMPLOYER_ROUTES in the active language (the list marks stay outside the texts)."""
    return [("- " + _(line[2:])) if line.startswith("- ") else _(line) for line in EMPLOYER_ROUTES]


def employer_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """The employer path: what the company can apply for to train its people; with a theme
    known, the modules for their people too. Asked again, or told something that does not
    change the schemes ("mijn monteurs moeten bijgeschoold worden op warmtepompen"), the
    employer gets the modules, not the same schemes a second time."""
    if tracker.get_slot("last_answer") == "employer" and not set(changed_facts(tracker)) & COMPANY_FACTS:
        return search_or_ask(dispatcher, tracker)
    profile = build_profile(tracker)
    profile["employment_status"] = "werkgever"
    advice = [a for a in evaluate(profile, None) if a.applicant == "employer"]
    size, sector = profile.get("company_size"), profile.get("sector")
    about = ", ".join(
        filter(
            None,
            [
                _("{count} medewerkers", count=size) if size else "",
                _("sector {sector}", sector=_(SECTOR_LABELS[sector])) if sector else "",
            ],
        )
    )
    open_items = [a for a in advice if a.outcome in ("eligible", "maybe") and a.scheme_id != EMPLOYER_PAYS]
    if about and open_items:
        # the company is known: its schemes, not also the three routes in general (seen in make
        # run: the same three schemes twice in one answer)
        lines = [
            _("Als werkgever kun je hulp krijgen bij de scholing van je mensen."),
            _("Voor jouw bedrijf ({about}):", about=about),
        ]
        lines += [short_line(a, employer=True) for a in open_items[:TOP]]
    else:
        lines = employer_routes()
    closed = [a for a in advice if a.outcome == "not_eligible"]
    if about and closed:
        # said apart: a fund of another branch under "Voor jouw bedrijf" reads as one that fits
        lines.append(_("Past niet bij jouw bedrijf:"))
        lines += [short_line(a) for a in closed[:2]]
    events: List[Dict[str, Any]] = [SlotSet("last_answer", "employer")] + tenant_event(tracker)
    if tracker.get_slot("employment_status") in (None, UNKNOWN):
        events.append(SlotSet("employment_status", "werkgever"))
    if size is None or size >= 50 or sector in (None, "overig"):
        events.append(SlotSet("handoff_reason", "werkgever_scholingsplan"))
    lines.append(_(DISCLAIMER))
    buttons = [
        translated_button(ALL_SCHEMES),
        translated_button(ADVISOR_BUTTON),
        {"title": _("Cursussen bekijken"), "payload": "/search_course"},
    ]
    slot = next((s for s in ("company_size", "sector") if can_follow_up(tracker, s)), None)
    need = search_need(tracker) if profile.get("theme") else None
    if profile.get("theme") and need is None:
        # "we moeten meer circulair gaan bouwen": the modules for their people as well
        dispatcher.utter_message(text="\n".join(lines))
        rateable(dispatcher, FUNDING)
        events += first_page(dispatcher, tracker, refine=False, for_employer=True)
        events.append(SlotSet("last_answer", "employer"))
        if slot:
            events += ask_follow_up(dispatcher, tracker, slot, intro=_("Dan zie ik welke regeling past."))
        return events
    if slot is None and need == "location" and can_follow_up(tracker, "location"):
        # "willen ze bijscholen in bim": the courses for their people follow once we know where
        dispatcher.utter_message(text="\n".join(lines))
        rateable(dispatcher, FUNDING)
        return events + ask_follow_up(dispatcher, tracker, "location", text=_(EMPLOYER_PLACE_QUESTION))
    if slot is None:
        lines.append(_("Wil je een plan voor meerdere mensen? Dan kijkt een adviseur graag met je mee."))
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
        rateable(dispatcher, FUNDING)
        return events
    dispatcher.utter_message(text="\n".join(lines))
    rateable(dispatcher, FUNDING)
    return events + ask_follow_up(dispatcher, tracker, slot, intro=_("Dan zie ik wat voor jouw bedrijf past."))


# What an employer says about themselves; without it (and not known as an employer) an
# "employer question" is a worker's search ("woon in roosendaal, isoleren lijkt me wat").
EMPLOYER_WORDS = re.compile(
    r"personeel|medewerker|werknemer|werkgever|bedrijf|onderneming|mijn mensen|onze mensen|"
    r"\bteam\b|\bman\b|in dienst|\bmkb\b|eigenaar|directeur|\bzaak\b|\bbv\b|\bslim\b|jongens|"
    r"monteurs|collega|"
    # English
    r"\bstaff\b|employee|employer|company|business|my people|our people|my workers|our workers|"
    r"\bwe employ\b|\bowner\b|director|\bsme\b|\bfirm\b|colleague",
    re.IGNORECASE,
)


class ActionEmployerAdvice(Action):
    """The employer path (employer_training)."""

    def name(self) -> Text:
        return "action_employer_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        locales.activate(p.language_of(tracker))
        text = (tracker.latest_message or {}).get("text") or ""
        if not text.startswith("/") and (schemes_in_focus(text, None) or follows_up_on_schemes(tracker)):
            # "kunnen we de slim regeling gebruiken", "moeten we de cursus voorschieten?"
            return funding_answer(dispatcher, tracker)
        if (
            text
            and not text.startswith("/")
            and not EMPLOYER_WORDS.search(text)
            and tracker.get_slot("employment_status") != "werkgever"
        ):
            return search_or_ask(dispatcher, tracker)
        return employer_answer(dispatcher, tracker)
