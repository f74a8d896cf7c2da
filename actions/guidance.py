"""Guidance beyond one course: hubs to visit, recognising experience (EVC), and
shortage occupations in the energy transition (career orientation)."""

from __future__ import annotations

from typing import Any, Dict, List, Text

import knowledge
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import kb
from .facts import foreign_diploma
from .markup import md
from .profile import REGION_LABELS, build_profile
from .questions import ask_follow_up, can_follow_up
from .recommend import ADVISOR_BUTTON, payload, tenant_event

HUB_BUTTON = {"title": "Hub in de buurt", "payload": "/find_hub"}
SAMPLE_HUB_NOTE = "Let op: dit adres is voorbeelddata; check het op de website voor je gaat."


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
    distance = f" (ongeveer {round(hub.distance_km)} km)" if hub.distance_km is not None else ""
    lines = [f"{md(hub.name)} in {md(hub.city)}{distance}", f"Adres: {md(hub.address)}"]
    if hub.opening_hours:
        lines.append(f"Open: {md(hub.opening_hours)}")
    lines.append(f"Wat kun je er doen: {md(hub.what_you_can_do)}")
    if hub.url:
        lines.append(f"Meer informatie: {hub.url}")
    return "\n".join(lines)


def hub_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """A question about the hub just shown ("zaterdag open?"): its opening hours and address
    in a few lines, not the whole hub again."""
    hubs = hubs_for(build_profile(tracker))
    if len(hubs) != 1:
        return []
    hub = hubs[0]
    lines = [
        f"{md(hub.name)} is open: {md(hub.opening_hours)}."
        if hub.opening_hours
        else f"De openingstijden van {md(hub.name)} weet ik niet.",
        f"Adres: {md(hub.address)}",
    ]
    if hub.url:
        lines.append(f"Check de tijden voor je gaat: {hub.url}")
    if hub.sample:
        lines.append(SAMPLE_HUB_NOTE)
    dispatcher.utter_message(
        text="\n".join(lines), buttons=[{"title": "Cursus zoeken", "payload": "/search_course"}, ADVISOR_BUTTON]
    )
    return [SlotSet("last_answer", "hub")]


class ActionFindHub(Action):
    """The nearest hub with address and what you can do there. Without a place: the hubs
    of the user's region (or one per region) first, then the question where they live."""

    def name(self) -> Text:
        return "action_find_hub"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        profile = build_profile(tracker)
        hubs = hubs_for(profile)
        if not hubs:
            kb.ensure_db()
            hubs = [h for region in knowledge.REGIONS for h in knowledge.nearest_hubs(region=region, limit=1)]
            intro = "Ik weet niet waar je woont, dus hier is een hub per regio:"
        elif profile.get("location") and hubs[0].distance_km is not None:
            intro = f"De hub die het dichtst bij {profile['location']} is:"
            if hubs[0].distance_km > 50:
                intro += " Dat is wel een eind weg. Een adviseur kan je ook online of aan de telefoon helpen."
        else:
            region = REGION_LABELS.get(profile.get("region") or profile.get("tenant") or "", "jouw regio")
            intro = f"Dit zijn de hubs in {region}:"
        texts = [intro] + [hub_text(h) for h in hubs]
        if any(h.sample for h in hubs):
            texts.append(SAMPLE_HUB_NOTE)
        events = tenant_event(tracker) + [SlotSet("last_answer", "hub")]
        if not profile.get("location") and can_follow_up(tracker, "location"):
            dispatcher.utter_message(text="\n\n".join(texts))
            return events + ask_follow_up(
                dispatcher,
                tracker,
                "location",
                text="In welke plaats woon of werk je? Dan zoek ik de hub die het dichtst bij je is.",
            )
        dispatcher.utter_message(
            text="\n\n".join(texts), buttons=[{"title": "Cursus zoeken", "payload": "/search_course"}, ADVISOR_BUTTON]
        )
        return events


# idw.nl (IDW, Nuffic and SBB), pages read 2025: a diplomawaardering compares a foreign diploma
# with the Dutch levels; it is advice, the school or employer decides; to study, the school
# usually has the level checked for free; one's own waardering costs money and took up to 10
# working weeks; documents: diploma, grade lists, a sworn translation unless Dutch, English,
# German or French, and an ID.
FOREIGN_DIPLOMA_TEXT = (
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

        redirected = await facts_first(dispatcher, tracker, domain)
        if redirected is not None:
            return redirected
        kb.ensure_db()
        abroad = foreign_diploma(tracker)
        if abroad:
            dispatcher.utter_message(text=FOREIGN_DIPLOMA_TEXT)
        lines = [
            ("Heb je ook werkervaring? " if abroad else "")
            + "Met een EVC-traject (Erkenning van Verworven Competenties) laat je zien wat je al "
            "kunt door je werk en ervaring. Je krijgt dan een ervaringscertificaat.",
            "Wat het je kan schelen: een school kan je met dat certificaat vrijstellingen geven. "
            "Dan hoef je delen van een opleiding niet te doen, ben je sneller klaar en betaal je "
            "vaak minder. Hoeveel tijd je bespaart, hangt af van je ervaring en de opleiding.",
        ]
        module_id = tracker.get_slot("last_module")
        detail = knowledge.get_module(module_id) if module_id else None
        if detail:
            lines.append(
                f"Voor {md(detail.title)} (studielast {detail.study_load_text}) kun je aan de "
                f"school ({md(detail.provider)}) vragen welke delen je met een "
                "ervaringscertificaat niet hoeft te doen."
            )
        lines.append(
            "Wie betaalt: soms je werkgever of je sectorfonds. Wij Techniek gaf in 2024 "
            "tot € 1.400 voor een EVC-traject bij aangesloten installatiebedrijven "
            "(bron: wij-techniek.nl)."
        )
        lines.append("Bij een hub of leerwerkloket in de buurt helpen ze je op weg.")
        dispatcher.utter_message(text="\n".join(lines), buttons=[HUB_BUTTON, ADVISOR_BUTTON])
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
        redirected = await facts_first(dispatcher, tracker, domain)
        if redirected is not None:
            return redirected
        kb.ensure_db()
        profile = build_profile(tracker)
        region = profile.get("region") or profile.get("tenant")
        occupations = knowledge.shortage_occupations(region=region, theme=profile.get("theme"))
        if not occupations and profile.get("theme"):
            occupations = knowledge.shortage_occupations(region=region)
        where = f" in {REGION_LABELS[region]}" if region in REGION_LABELS else ""
        lines = [f"In de energietransitie zijn{where} veel mensen nodig. Beroepen met veel vraag:"]
        buttons = []
        for occ in occupations[:3]:
            modules = [m for m in (knowledge.get_module(mid) for mid in occ.module_ids[:2]) if m]
            line = f"- {occ.name} (vaak {occ.typical_level}): {occ.why}"
            if modules:
                line += " Cursussen: " + ", ".join(m.title for m in modules) + "."
            lines.append(line)
            if occ.theme in knowledge.THEMES and len(buttons) < 2:
                buttons.append(
                    {"title": f"Cursussen: {occ.name}", "payload": payload("search_course", theme=occ.theme)}
                )
        if not occupations:
            lines = ["Ik heb nog geen overzicht van beroepen voor jouw situatie."]
        if any(o.sample for o in occupations[:3]):
            lines.append("Let op: dit overzicht is een voorbeeld, nog geen officiële cijfers.")
        hubs = hubs_for(profile)
        if hubs:
            lines.append(
                f"Wil je erover praten? Kom langs bij {hubs[0].name} in {hubs[0].city}, of praat met een adviseur."
            )
        else:
            lines.append("Wil je erover praten? Kom langs bij een hub of praat met een adviseur.")
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons + [HUB_BUTTON, ADVISOR_BUTTON])
        return tenant_event(tracker)
