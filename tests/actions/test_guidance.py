"""Hubs, EVC, career orientation, "wat weet je van mij?" and the handoff message."""

from __future__ import annotations

import knowledge
import pytest

from actions.conversation import ActionHandoff, ActionShowProfile
from actions.guidance import ActionCareerOrientation, ActionFindHub, ActionRecognitionPriorLearning

from .conftest import customs, make_tracker, run_action, slot_events, texts

pytestmark = pytest.mark.usefixtures("knowledge_db")


def test_nearest_hub_for_a_place_with_address_and_what_to_do_there():
    messages, _ = run_action(ActionFindHub(), make_tracker({"location": "Hengelo"}, intent="find_hub"))
    hub = knowledge.nearest_hubs(knowledge.resolve_place("Hengelo"))[0]
    text = texts(messages)
    assert text.startswith("De hub die het dichtst bij Hengelo is:")
    assert hub.name in text and hub.address in text and hub.what_you_can_do in text
    assert "voorbeelddata" in text


def test_without_a_place_the_hubs_of_the_site_are_shown():
    messages, events = run_action(
        ActionFindHub(), make_tracker({"location": "onbekend"}, intent="find_hub", metadata={"tenant": "twente"})
    )
    text = texts(messages)
    assert text.startswith("Dit zijn de hubs in Twente:")
    assert all(h.name in text for h in knowledge.nearest_hubs(region="twente", limit=3))
    assert slot_events(events)["tenant"] == "twente"


def test_a_far_away_place_gets_the_nearest_hub_and_the_remote_option():
    messages, _ = run_action(ActionFindHub(), make_tracker({"location": "Maastricht"}, intent="find_hub"))
    assert "Dat is wel een eind weg" in texts(messages)


def test_evc_explains_what_it_saves_and_who_pays():
    messages, _ = run_action(ActionRecognitionPriorLearning(), make_tracker({}, intent="recognition_prior_learning"))
    text = texts(messages)
    assert "ervaringscertificaat" in text and "vrijstellingen" in text
    assert "€ 1.400" in text
    assert [b["title"] for b in messages[0]["buttons"]] == ["Hub in de buurt", "Praat met een adviseur"]


def known_before(slots):
    """History in which these facts were told in an earlier message."""
    return [{"event": "slot", "name": name, "value": value} for name, value in slots.items()]


def test_career_orientation_for_the_region_and_interest():
    known = {"location": "Enschede", "theme": "digitalisering_bouw"}
    messages, _ = run_action(
        ActionCareerOrientation(), make_tracker(known, intent="career_orientation", history=known_before(known))
    )
    text = texts(messages)
    expected = knowledge.shortage_occupations(region="twente", theme="digitalisering_bouw")
    assert expected and expected[0].name in text
    assert "in Twente" in text
    assert "Kom langs bij" in text
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert '/search_course{"theme": "digitalisering_bouw"}' in payloads
    assert "/request_human" in payloads


def test_naming_what_you_want_in_an_orientation_question_gets_modules():
    # "na 15 jaar defensie zoek ik een omscholing richting BIM, woon in Hengelo"
    messages, _ = run_action(
        ActionCareerOrientation(),
        make_tracker({"location": "Hengelo", "theme": "digitalisering_bouw"}, intent="career_orientation"),
    )
    assert customs(messages, "module_cards")
    assert "in de buurt van Hengelo" in texts(messages)


def test_show_profile_lists_what_the_bot_knows():
    slots = {
        "theme": "verduurzaming_woningen",
        "education_level": "mbo4",
        "location": "Assen",
        "employment_status": "zzp",
        "budget": "0",
        "age": "onbekend",
    }
    messages, _ = run_action(ActionShowProfile(), make_tracker(slots, intent="show_profile"))
    text = texts(messages)
    assert "Interesse: woningen verduurzamen" in text
    assert "Hoogste diploma: mbo 4" in text
    assert "Woon- of werkplaats: Assen (regio Noord-Nederland)" in text
    assert "Zelf betalen: liever niets" in text
    assert "Leeftijd" not in text  # "weet ik niet" is not shown as a fact
    messages, _ = run_action(ActionShowProfile(), make_tracker({}, intent="show_profile"))
    assert texts(messages).startswith("Ik weet nog niets over je.")


def test_handoff_sends_profile_and_shown_modules_to_the_gateway():
    slots = {
        "theme": "installatietechniek",
        "location": "Breda",
        "employment_status": "uitkering",
        "shown_modules": ["m1", "m2"],
        "handoff_reason": "uitkering_uwv_scholing",
    }
    messages, events = run_action(ActionHandoff(), make_tracker(slots, intent="affirm", metadata={"tenant": "brabant"}))
    handoff = customs(messages, "handoff")[0]
    assert handoff["reason"] == "uitkering_uwv_scholing"
    assert handoff["profile"]["location"] == "Breda" and handoff["profile"]["region"] == "brabant"
    assert handoff["profile"]["on_benefit"] is True and handoff["profile"]["tenant"] == "brabant"
    assert handoff["shown_modules"] == ["m1", "m2"]
    said = texts(messages)
    # no promise the gateway may have to take back ("nobody is available, callback?")
    assert "Ik kijk of er een adviseur is" in said and "zo snel mogelijk" not in said
    assert slot_events(events)["handoff_reason"] is None


def test_a_diploma_from_abroad_gets_the_diplomawaardering_whatever_the_model_said():
    """Seen in make run: "ik heb diploma uit polen, technikum" (taken for inform) got "Dat
    begreep ik niet helemaal" and the open question again."""
    from actions.respond import ActionRespondToFacts

    tracker = make_tracker(
        {"asked_slot": "course_format", "form_failures": {"course_format": 1}},
        intent="inform",
        text="ik heb diploma uit polen, technikum",
    )
    messages, _ = run_action(ActionRespondToFacts(), tracker)
    text = texts(messages)
    assert text.startswith("Een diploma uit het buitenland kun je laten vergelijken")
    assert "idw.nl" in text and "beëdigde vertaling" in text
    assert "Heb je ook werkervaring? Met een EVC-traject" in text
    assert "begreep ik niet" not in text


# -- English (issue 17): the gateway says the language in the message metadata ----------------
EN = {"language": "en"}


def test_the_nearest_hub_in_english_with_its_translated_description():
    messages, _ = run_action(ActionFindHub(), make_tracker({"location": "Hengelo"}, intent="find_hub", metadata=EN))
    hub = knowledge.nearest_hubs(knowledge.resolve_place("Hengelo"))[0]
    text = texts(messages)
    assert text.startswith("The hub closest to Hengelo:")
    assert hub.name in text and "Address:" in text and "What you can do there:" in text
    assert hub.what_you_can_do not in text and "sample data" in text
    assert [b["title"] for b in messages[0]["buttons"]][0] == "Find a course"


def test_the_hubs_of_a_region_in_english():
    messages, _ = run_action(
        ActionFindHub(), make_tracker({"location": "onbekend"}, intent="find_hub", metadata={**EN, "tenant": "noord"})
    )
    assert texts(messages).startswith("These are the hubs in the north of the Netherlands:")


def test_a_diploma_from_abroad_in_english_gets_idw_and_evc_in_english():
    tracker = make_tracker(
        {}, text="i have diploma from poland technikum", intent="recognition_prior_learning", metadata=EN
    )
    messages, _ = run_action(ActionRecognitionPriorLearning(), tracker)
    text = texts(messages)
    assert "credential evaluation" in text and "IDW (idw.nl)" in text and "sworn translation" in text
    assert "Do you also have work experience? With an EVC procedure" in text
    assert "€ 1,400" in text and "Hub near me" in [b["title"] for b in messages[-1]["buttons"]]
    assert "diplomawaardering kost" not in text


def test_career_orientation_in_english():
    known = {"location": "Enschede", "theme": "digitalisering_bouw"}
    messages, _ = run_action(
        ActionCareerOrientation(),
        make_tracker(known, intent="career_orientation", history=known_before(known), metadata=EN),
    )
    text = texts(messages)
    assert text.startswith("The energy transition in Twente needs many people. Jobs in high demand:")
    assert "BIM modeller / digital drafter (often mbo 4)" in text
