"""Guidance beyond one course: hubs to visit, recognising experience (EVC), and
shortage occupations in the energy transition (career orientation)."""

from __future__ import annotations

from typing import Any, Dict, List, Text

import knowledge
import locales
from locales import N_, _
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import kb
from . import profile as p
from .facts import foreign_diploma
from .fallback import translated
from .markup import md
from .profile import REGION_LABELS, build_profile
from .questions import ask_follow_up, can_follow_up
from .recommend import ADVISOR_BUTTON, payload, tenant_event

HUB_BUTTON = {"title": N_("Hub in de buurt"), "payload": "/find_hub"}
SEARCH_BUTTON = {"title": N_("Cursus zoeken"), "payload": "/search_course"}
SAMPLE_HUB_NOTE = N_("Let op: dit adres is voorbeelddata; check het op de website voor je gaat.")


def buttons(*items: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """Buttons with their titles in the conversation's language (titles are Dutch msgids)."""
    return translated(list(items))


def region_label(region: Any, default: Text = "") -> Text:
    """The name of a region in the conversation's language (data, translated by the catalogue)."""
    return _(REGION_LABELS[region]) if region in REGION_LABELS else default


def hubs_for(profile: Dict[str, Any], limit: int = 1) -> List["knowledge.Hub"]:
    """Nearest hub(s) to the user's place; else the hubs of their region or site."""
    kb.ensure_db()
    place = kb.place(profile["location"]) if profile.get("location") else None
    if place:
        return knowledge.nearest_hubs(place=place, limit=limit)
    region = profile.get("region") or profile.get("tenant")
    if region:
        return knowledge.nearest_hubs(region=region, limit=3)
    return []


def hub_text(hub: "knowledge.Hub") -> Text:
    """A hub in a few lines; its name and city stay, what is said about it is translated
    (data texts, locales/<code>/LC_MESSAGES/guidance.po)."""
    if hub.distance_km is not None:
        first = _("{hub} in {city} (ongeveer {km} km)", hub=md(hub.name), city=md(hub.city), km=round(hub.distance_km))
    else:
        first = _("{hub} in {city}", hub=md(hub.name), city=md(hub.city))
    lines = [first, _("Adres: {address}", address=md(_(hub.address)))]
    if hub.opening_hours:
        lines.append(_("Open: {hours}", hours=md(_(hub.opening_hours))))
    lines.append(_("Wat kun je er doen: {what}", what=md(_(hub.what_you_can_do))))
    if hub.url:
        lines.append(_("Meer informatie: {url}", url=hub.url))
    return "\n".join(lines)


def hub_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """A question about the hub just shown ("zaterdag open?"): its opening hours and address
    in a few lines, not the whole hub again."""
    hubs = hubs_for(build_profile(tracker))
    if len(hubs) != 1:
        return []
    hub = hubs[0]
    locales.activate(p.language_of(tracker))
    lines = [
        _("{hub} is open: {hours}.", hub=md(hub.name), hours=md(_(hub.opening_hours)))
        if hub.opening_hours
        else _("De openingstijden van {hub} weet ik niet.", hub=md(hub.name)),
        _("Adres: {address}", address=md(_(hub.address))),
    ]
    if hub.url:
        lines.append(_("Check de tijden voor je gaat: {url}", url=hub.url))
    if hub.sample:
        lines.append(_(SAMPLE_HUB_NOTE))
    dispatcher.utter_message(text="\n".join(lines), buttons=buttons(SEARCH_BUTTON, ADVISOR_BUTTON))
    return [SlotSet("last_answer", "hub")]


class ActionFindHub(Action):
    """The nearest hub with address and what you can do there. Without a place: the hubs
    of the user's region (or one per region) first, then the question where they live."""

    def name(self) -> Text:
        return "action_find_hub"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        locales.activate(p.language_of(tracker))
        profile = build_profile(tracker)
        hubs = hubs_for(profile)
        if not hubs:
            kb.ensure_db()
            hubs = [h for region in knowledge.REGIONS for h in knowledge.nearest_hubs(region=region, limit=1)]
            intro = _("Ik weet niet waar je woont, dus hier is een hub per regio:")
        elif profile.get("location") and hubs[0].distance_km is not None:
            intro = _("De hub die het dichtst bij {place} is:", place=profile["location"])
            if hubs[0].distance_km > 50:
                intro += " " + _("Dat is wel een eind weg. Een adviseur kan je ook online of aan de telefoon helpen.")
        else:
            region = profile.get("region") or profile.get("tenant")
            intro = (
                _("Dit zijn de hubs in {region}:", region=region_label(region))
                if region in REGION_LABELS
                else _("Dit zijn de hubs in jouw regio:")
            )
        texts = [intro] + [hub_text(h) for h in hubs]
        if any(h.sample for h in hubs):
            texts.append(_(SAMPLE_HUB_NOTE))
        events = tenant_event(tracker) + [SlotSet("last_answer", "hub")]
        if not profile.get("location") and can_follow_up(tracker, "location"):
            dispatcher.utter_message(text="\n\n".join(texts))
            return events + ask_follow_up(
                dispatcher,
                tracker,
                "location",
                text=_("In welke plaats woon of werk je? Dan zoek ik de hub die het dichtst bij je is."),
            )
        dispatcher.utter_message(text="\n\n".join(texts), buttons=buttons(SEARCH_BUTTON, ADVISOR_BUTTON))
        return events


# idw.nl (IDW, Nuffic and SBB), pages read 2025: a diplomawaardering compares a foreign diploma
# with the Dutch levels; it is advice, the school or employer decides; to study, the school
# usually has the level checked for free; one's own waardering costs money and took up to 10
# working weeks; documents: diploma, grade lists, a sworn translation unless Dutch, English,
# German or French, and an ID.
FOREIGN_DIPLOMA_TEXT = N_(
    "Een diploma uit het buitenland kun je laten vergelijken met het Nederlandse niveau: dat heet "
    "een diplomawaardering, van IDW (idw.nl). Wil je een opleiding volgen? Vraag het dan eerst aan "
    "de school: die laat vaak gratis nakijken welk niveau je diploma heeft, en beslist zelf of je "
    "mag beginnen. Een eigen diplomawaardering kost geld en kan tot 10 weken duren. Je stuurt een "
    "kopie van je diploma en cijferlijst mee, met een beëdigde vertaling als die niet in het "
    "Nederlands, Engels, Duits of Frans is. (Bron: idw.nl, 2025)"
)


class ActionRecognitionPriorLearning(Action):
    """EVC / ervaringscertificaat: what it is, what it can save, where to start; for a diploma
    from abroad, the diplomawaardering (IDW) first."""

    def name(self) -> Text:
        return "action_recognition_prior_learning"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        from .respond import facts_first

        locales.activate(p.language_of(tracker))
        redirected = await facts_first(dispatcher, tracker, domain)
        if redirected is not None:
            return redirected
        locales.activate(p.language_of(tracker))
        kb.ensure_db()
        abroad = foreign_diploma(tracker)
        if abroad:
            dispatcher.utter_message(text=_(FOREIGN_DIPLOMA_TEXT))
        evc = _(
            "Met een EVC-traject (Erkenning van Verworven Competenties) laat je zien wat je al "
            "kunt door je werk en ervaring. Je krijgt dan een ervaringscertificaat."
        )
        lines = [
            (_("Heb je ook werkervaring?") + " " if abroad else "") + evc,
            _(
                "Wat het je kan schelen: een school kan je met dat certificaat vrijstellingen geven. "
                "Dan hoef je delen van een opleiding niet te doen, ben je sneller klaar en betaal je "
                "vaak minder. Hoeveel tijd je bespaart, hangt af van je ervaring en de opleiding."
            ),
        ]
        module_id = tracker.get_slot("last_module")
        detail = knowledge.get_module(module_id) if module_id else None
        if detail:
            lines.append(
                _(
                    "Voor {title} (studielast {load}) kun je aan de school ({provider}) vragen welke "
                    "delen je met een ervaringscertificaat niet hoeft te doen.",
                    title=md(detail.title),
                    load=detail.study_load_text,
                    provider=md(detail.provider),
                )
            )
        lines.append(
            _(
                "Wie betaalt: soms je werkgever of je sectorfonds. Wij Techniek gaf in 2024 "
                "tot € 1.400 voor een EVC-traject bij aangesloten installatiebedrijven "
                "(bron: wij-techniek.nl)."
            )
        )
        lines.append(_("Bij een hub of leerwerkloket in de buurt helpen ze je op weg."))
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons(HUB_BUTTON, ADVISOR_BUTTON))
        return tenant_event(tracker)


class ActionCareerOrientation(Action):
    """Shortage occupations in the energy transition for the region and interest, the
    modules that lead there, and an invitation to a hub or advisor."""

    def name(self) -> Text:
        return "action_career_orientation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        from .respond import facts_first

        # "omscholing richting BIM, woon in Hengelo", "eigenlijk niet bim maar circulair":
        # someone who names what they want gets modules, not an orientation
        locales.activate(p.language_of(tracker))
        redirected = await facts_first(dispatcher, tracker, domain)
        if redirected is not None:
            return redirected
        locales.activate(p.language_of(tracker))
        kb.ensure_db()
        profile = build_profile(tracker)
        region = profile.get("region") or profile.get("tenant")
        occupations = knowledge.shortage_occupations(region=region, theme=profile.get("theme"))
        if not occupations and profile.get("theme"):
            occupations = knowledge.shortage_occupations(region=region)
        lines = [
            _(
                "In de energietransitie zijn in {region} veel mensen nodig. Beroepen met veel vraag:",
                region=region_label(region),
            )
            if region in REGION_LABELS
            else _("In de energietransitie zijn veel mensen nodig. Beroepen met veel vraag:")
        ]
        choices = []
        for occ in occupations[:3]:
            modules = [m for m in (knowledge.get_module(mid) for mid in occ.module_ids[:2]) if m]
            name = _(occ.name)  # data texts, translated by the catalogue; course titles stay
            line = _("- {occupation} (vaak {level}): {why}", occupation=name, level=occ.typical_level, why=_(occ.why))
            if modules:
                line += " " + _("Cursussen: {titles}.", titles=", ".join(m.title for m in modules))
            lines.append(line)
            if occ.theme in knowledge.THEMES and len(choices) < 2:
                choices.append(
                    {
                        "title": _("Cursussen: {occupation}", occupation=name),
                        "payload": payload("search_course", theme=occ.theme),
                    }
                )
        if not occupations:
            lines = [_("Ik heb nog geen overzicht van beroepen voor jouw situatie.")]
        if any(o.sample for o in occupations[:3]):
            lines.append(_("Let op: dit overzicht is een voorbeeld, nog geen officiële cijfers."))
        hubs = hubs_for(profile)
        if hubs:
            lines.append(
                _(
                    "Wil je erover praten? Kom langs bij {hub} in {city}, of praat met een adviseur.",
                    hub=hubs[0].name,
                    city=hubs[0].city,
                )
            )
        else:
            lines.append(_("Wil je erover praten? Kom langs bij een hub of praat met een adviseur."))
        dispatcher.utter_message(text="\n".join(lines), buttons=choices + buttons(HUB_BUTTON, ADVISOR_BUTTON))
        return tenant_event(tracker)
