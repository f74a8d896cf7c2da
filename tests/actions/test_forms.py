"""The intake forms: what is asked, in which order, and how answers are checked.

validate_<form> runs as Rasa calls it: the tracker ends with the slot values just
extracted from the user's message (from entities, or the plain answer text)."""
from __future__ import annotations

import pytest

from actions.forms import (ValidateEmployerForm, ValidateFundingForm, ValidateHubForm,
                           ValidateProfileForm)
from actions.questions import ActionAskLocation, ActionAskEducationLevel

from .conftest import make_tracker, run_action, slot_events, texts

pytestmark = pytest.mark.usefixtures("knowledge_db")


def validate(form, domain, slots, candidates, *, text="", intent="inform", entities=None,
             metadata=None):
    tracker = make_tracker(slots, text=text, intent=intent, entities=entities,
                           candidates=candidates, active_loop=form.form_name(), metadata=metadata)
    messages, events = run_action(form, tracker, domain)
    return messages, slot_events(events)


def test_asks_the_first_unknown_fact_and_skips_what_is_known(domain):
    _, slots = validate(ValidateProfileForm(), domain,
                        {"requested_slot": "theme"}, {"theme": "installatietechniek"})
    assert slots["requested_slot"] == "education_level"

    known = {"theme": "installatietechniek", "education_level": "mbo3", "location": "Tilburg",
             "requested_slot": "employment_status"}
    _, slots = validate(ValidateProfileForm(), domain, known, {"employment_status": "werkend"})
    # A worker is asked the format and then the hours, never the budget or the age.
    assert slots["requested_slot"] == "course_format"
    form = ValidateProfileForm()
    tracker = make_tracker(dict(known, employment_status="werkend", course_format="online"))
    import asyncio
    order = asyncio.run(form.required_slots([], None, tracker, domain))
    assert order == ["theme", "education_level", "location", "employment_status",
                     "course_format", "hours_per_week"]


def test_optional_questions_depend_on_the_situation(domain):
    import asyncio
    form = ValidateProfileForm()
    job_seeker = make_tracker({"employment_status": "werkzoekend"})
    assert "budget" in asyncio.run(form.required_slots([], None, job_seeker, domain))
    assert "hours_per_week" not in asyncio.run(form.required_slots([], None, job_seeker, domain))
    asked_money = make_tracker({"employment_status": "werkend", "funding_interest": True})
    assert asyncio.run(form.required_slots([], None, asked_money, domain))[-1] == "age"


def test_several_facts_in_one_message_are_all_kept_and_normalised(domain):
    # "ik ben 45, heb mbo 3 en woon in Den Bosch"
    messages, slots = validate(
        ValidateProfileForm(), domain, {"requested_slot": "theme"},
        {"age": "45", "education_level": "mbo 3", "location": "den bosch"},
        text="ik ben 45, heb mbo 3 en woon in den bosch",
        entities=[{"age": "45"}, {"education_level": "mbo 3"}, {"location": "den bosch"}])
    assert slots["age"] == "45"
    assert slots["education_level"] == "mbo3"
    assert slots["location"] == "'s-Hertogenbosch"
    assert slots["region"] == "brabant"
    assert slots["requested_slot"] == "theme"   # the question that was open comes back
    assert texts(messages) == ""                # no complaints about good answers


def test_plain_text_answers_are_understood_without_entities(domain):
    cases = [
        ("theme", "iets met warmtepompen", "installatietechniek"),
        ("education_level", "ik heb de mts gedaan", "mbo4"),
        ("location", "ik woon in Enschede", "Enschede"),
        ("employment_status", "ik zit zonder werk", "werkzoekend"),
        ("course_format", "liefst thuis achter de computer", "online"),
        ("hours_per_week", "een uur of 6", "6"),
        ("budget", "hooguit € 1.000", "1000"),
    ]
    for slot, answer, expected in cases:
        _, slots = validate(ValidateProfileForm(), domain, {"requested_slot": slot},
                            {slot: answer}, text=answer)
        assert slots[slot] == expected, (slot, answer)


def test_dont_know_is_a_valid_answer(domain):
    _, slots = validate(ValidateProfileForm(), domain, {"requested_slot": "course_format"},
                        {"course_format": "onbekend"}, intent="dont_know", text="maakt niet uit")
    assert slots["course_format"] == "onbekend"
    assert slots["requested_slot"] != "course_format"


def test_a_foreign_place_gets_a_hint_once_then_the_question_is_skipped(domain):
    start = {"theme": "installatietechniek", "education_level": "mbo3", "requested_slot": "location"}
    messages, slots = validate(ValidateProfileForm(), domain, start, {"location": "Parijs"},
                               text="Parijs", entities=[{"location": "Parijs"}])
    assert "Ik ken die plaats niet in Nederland" in texts(messages)
    assert slots["location"] is None
    assert slots["requested_slot"] == "location"          # asked again
    assert slots["form_failures"] == {"location": 1}

    again = dict(start, form_failures=slots["form_failures"])
    messages, slots = validate(ValidateProfileForm(), domain, again, {"location": "Parijs"},
                               text="Parijs", entities=[{"location": "Parijs"}])
    assert "slaan we over" in texts(messages)
    assert slots["location"] == "onbekend"
    assert slots["requested_slot"] == "employment_status"  # the form moves on


def test_a_number_where_a_place_is_expected(domain):
    messages, slots = validate(ValidateProfileForm(), domain, {"requested_slot": "location"},
                               {"location": "5038"}, text="5038")
    assert "geen plaatsnaam" in texts(messages)
    assert slots["location"] is None


def test_a_bare_number_answers_the_open_question_not_the_age(domain):
    # The NLU may read "1234" as an age; asked for a place, it is a (wrong) place answer,
    # and the age the user gave before stays.
    history = [{"event": "slot", "name": "age", "value": "45"}]
    tracker = make_tracker({"requested_slot": "location", "age": "45"}, text="1234",
                           entities=[{"age": "1234"}], active_loop="profile_form",
                           candidates={"age": "1234", "location": "1234"}, history=history)
    messages, events = run_action(ValidateProfileForm(), tracker, domain)
    slots = slot_events(events)
    assert "geen plaatsnaam" in texts(messages)
    assert "jaar" not in texts(messages)
    assert slots["age"] == "45" and slots["location"] is None


@pytest.mark.parametrize("age", ["7", "140"])
def test_impossible_ages_are_asked_again_kindly(domain, age):
    messages, slots = validate(ValidateProfileForm(), domain,
                               {"requested_slot": "age", "funding_interest": True},
                               {"age": age}, text=age, entities=[{"age": age}])
    assert f"{age} jaar? Dat klopt vast niet helemaal." in texts(messages)
    assert "Hoe oud ben je?" in texts(messages)
    assert slots["age"] is None


def test_an_impossible_age_said_in_passing_is_dropped_with_a_note(domain):
    messages, slots = validate(ValidateProfileForm(), domain, {"requested_slot": "theme"},
                               {"age": "140", "theme": "batterijtechnologie"},
                               entities=[{"age": "140"}, {"theme": "batterijtechnologie"}])
    assert "Dat laat ik dus weg" in texts(messages)
    assert slots["age"] is None and slots["theme"] == "batterijtechnologie"


@pytest.mark.parametrize("answer", ["😀😀😀", "asdfghjkl qwerty", "x" * 5000, "<script>alert(1)</script>"])
def test_nonsense_answers_get_a_hint_not_a_crash(domain, answer):
    messages, slots = validate(ValidateProfileForm(), domain, {"requested_slot": "theme"},
                               {"theme": answer}, text=answer, intent="nlu_fallback")
    assert "Ik weet niet welk onderwerp je bedoelt" in texts(messages)
    assert slots["theme"] is None
    assert slots["requested_slot"] == "theme"


def test_an_answer_about_something_else_is_kept_without_a_complaint(domain):
    # asked for the theme, the user says where they live
    messages, slots = validate(ValidateProfileForm(), domain, {"requested_slot": "theme"},
                               {"theme": "ik woon in Almelo", "location": "Almelo"},
                               text="ik woon in Almelo", entities=[{"location": "Almelo"}])
    assert texts(messages) == ""
    assert slots["location"] == "Almelo" and slots["region"] == "twente"
    assert slots["theme"] is None and slots["requested_slot"] == "theme"


def test_an_unknown_place_said_in_passing_keeps_the_known_place(domain):
    history = [{"event": "slot", "name": "location", "value": "Tilburg"}]
    tracker = make_tracker({"requested_slot": "employment_status", "location": "Tilburg"},
                           text="ik werk soms in Parijs", entities=[{"location": "Parijs"}],
                           active_loop="profile_form", history=history,
                           candidates={"location": "Parijs", "employment_status": "werkend"})
    messages, events = run_action(ValidateProfileForm(), tracker, domain)
    slots = slot_events(events)
    assert "Ik ken die plaats niet in Nederland. Dat laat ik dus weg." in texts(messages)
    assert slots["location"] == "Tilburg" and slots["employment_status"] == "werkend"


def test_niveau_4_is_ambiguous_and_offers_a_choice(domain):
    messages, slots = validate(ValidateProfileForm(), domain, {"requested_slot": "education_level"},
                               {"education_level": "niveau 4"}, text="niveau 4")
    assert "mbo 4 of havo" in texts(messages)
    assert [b["title"] for b in messages[0]["buttons"]] == ["mbo 4", "havo"]
    assert slots["education_level"] is None
    assert "form_failures" not in slots or not slots["form_failures"].get("education_level")


def test_tenant_from_message_metadata_is_remembered(domain):
    _, slots = validate(ValidateProfileForm(), domain, {"requested_slot": "theme"},
                        {"theme": "circulair_bouwen"}, metadata={"tenant": "twente"})
    assert slots["tenant"] == "twente"


def test_location_question_gives_places_of_the_users_region():
    messages, _ = run_action(ActionAskLocation(), make_tracker({}, metadata={"tenant": "noord"}))
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles[:3] == ["Groningen", "Leeuwarden", "Assen"]
    messages, _ = run_action(ActionAskEducationLevel(), make_tracker({}))
    assert "hoogste diploma" in messages[0]["text"]
    assert any(b["payload"] == '/inform{"education_level": "mbo3"}' for b in messages[0]["buttons"])


def test_funding_form_asks_only_the_chosen_facts(domain):
    _, slots = validate(ValidateFundingForm(), domain,
                        {"funding_questions": ["sector", "age"], "requested_slot": "sector"},
                        {"sector": "installatie"}, entities=[{"sector": "installatie"}])
    assert slots["requested_slot"] == "age"
    _, slots = validate(ValidateFundingForm(), domain,
                        {"funding_questions": ["sector", "age"], "sector": "installatie",
                         "requested_slot": "age"}, {"age": "52"}, text="52")
    assert slots["requested_slot"] is None  # done: the advice comes next


def test_employer_and_hub_forms(domain):
    _, slots = validate(ValidateEmployerForm(), domain, {"requested_slot": "company_size"},
                        {"company_size": "ongeveer 40 mensen"}, text="ongeveer 40 mensen")
    assert slots["company_size"] == "40" and slots["requested_slot"] == "sector"
    _, slots = validate(ValidateHubForm(), domain, {"requested_slot": "location"},
                        {"location": "Assen"}, entities=[{"location": "Assen"}])
    assert slots["location"] == "Assen" and slots["region"] == "noord"
    assert slots["requested_slot"] is None


def test_staff_count_in_the_employer_question_is_not_asked_again(domain):
    tracker = make_tracker({}, text="ik heb een bedrijf met 12 man en wil ze laten bijscholen",
                           intent="employer_training", active_loop="employer_form")
    _, events = run_action(ValidateEmployerForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["company_size"] == "12" and slots["requested_slot"] == "sector"
