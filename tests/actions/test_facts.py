"""Every fact, every turn: action_validate_slot_mappings as Rasa calls it after each user
message, with the slot values just extracted (from entities) at the end of the tracker."""

from __future__ import annotations

import pytest

from actions.facts import ValidateSlotMappings, age_in_text, joined_places
from actions.questions import ask_follow_up
from rasa_sdk.executor import CollectingDispatcher

from .conftest import make_tracker, run_action, slot_events, texts

pytestmark = pytest.mark.usefixtures("knowledge_db")


def asked(slot):
    """History in which the bot asked the question for `slot` before the latest message."""
    return [{"event": "slot", "name": "asked_slot", "value": slot}]


def validate(
    domain,
    slots=None,
    candidates=None,
    *,
    text="",
    intent="inform",
    entities=None,
    metadata=None,
    history=None,
    question=None,
):
    slots = dict(slots or {})
    history = list(history or [])
    if question:
        history += asked(question)
        slots["asked_slot"] = question
    tracker = make_tracker(
        slots, text=text, intent=intent, entities=entities, candidates=candidates, metadata=metadata, history=history
    )
    messages, events = run_action(ValidateSlotMappings(), tracker, domain)
    return messages, slot_events(events)


def test_several_facts_in_one_message_are_all_kept_and_normalised(domain):
    text = "ik ben 45, heb mbo 3 en woon in den bosch"
    messages, slots = validate(
        domain,
        candidates={"age": "45", "education_level": "mbo 3", "location": "den bosch"},
        text=text,
        entities=[{"age": "45"}, {"education_level": "mbo 3"}, {"location": "den bosch"}],
    )
    assert slots["age"] == "45"
    assert slots["education_level"] == "mbo3"
    assert slots["location"] == "'s-Hertogenbosch" and slots["region"] == "brabant"
    assert texts(messages) == ""  # no complaints about good answers


def test_a_number_read_as_a_level_is_an_age_and_the_real_level_stays(domain):
    # The model gave education_level=mbo2 and education_level='34' (Rasa keeps the last).
    text = "ik heb mbo 2, woon in oss en ben 34"
    messages, slots = validate(
        domain,
        candidates={"education_level": "34", "location": "Oss"},
        text=text,
        entities=[{"education_level": "mbo2"}, {"location": "Oss"}, {"education_level": "34"}],
    )
    assert slots["education_level"] == "mbo2"
    assert slots["age"] == "34"
    assert slots["location"] == "Oss"
    assert texts(messages) == ""


@pytest.mark.parametrize(
    "text, age",
    [
        ("ik ben 52 en zoek werk", "52"),
        ("58 jaar, mbo 4", "58"),
        ("ben nu 61", "61"),
        ("ik heb 20 jaar ervaring als monteur", None),
        ("ik werk 32 uur", None),
        ("ik ben 45, niet 54", "45"),
    ],
)
def test_an_age_in_plain_words(text, age):
    assert age_in_text(text) == age


def test_a_correction_overwrites_and_is_confirmed(domain):
    history = [{"event": "slot", "name": "location", "value": "Tilburg"}]
    messages, slots = validate(
        domain,
        {"location": "Tilburg"},
        {"location": "Breda"},
        intent="deny",
        text="nee sorry ik bedoel breda niet tilburg",
        history=history,
        entities=[
            {"entity": "location", "value": "Breda", "start": 20, "end": 25},
            {"entity": "location", "value": "Tilburg", "start": 31, "end": 38},
        ],
    )
    # "niet tilburg" is negated: Breda wins, even though Rasa kept the last entity
    assert slots["location"] == "Breda"
    assert "Oké, aangepast: je woont of werkt in Breda." in texts(messages)


@pytest.mark.parametrize(
    "text", ["sorry ik bedoel helmond ipv eindhoven", "helmond i.p.v. eindhoven", "helmond in plaats van eindhoven"]
)
def test_instead_of_names_the_place_that_is_not_meant(domain, text):
    history = [{"event": "slot", "name": "location", "value": "Eindhoven"}]
    start = text.index("helmond")
    end_start = text.index("eindhoven")
    messages, slots = validate(
        domain,
        {"location": "Eindhoven"},
        {"location": "Eindhoven"},
        intent="nlu_fallback",
        text=text,
        history=history,
        entities=[
            {"entity": "location", "value": "Helmond", "start": start, "end": start + 7},
            {"entity": "location", "value": "Eindhoven", "start": end_start, "end": end_start + 9},
        ],
    )
    assert slots["location"] == "Helmond"
    assert "Oké, aangepast: je woont of werkt in Helmond." in texts(messages)
    # and when the model found neither place
    _, slots = validate(domain, text=text, intent="nlu_fallback", slots={"location": "Eindhoven"}, history=history)
    assert slots["location"] == "Helmond"


@pytest.mark.parametrize("kept", ["bergen", "zoom"])  # whichever part Rasa put in the slot
def test_a_place_name_the_model_split_in_two_is_read_whole(domain, kept):
    text = "nee ik bedoel ik woon in bergen op zoom"
    history = [{"event": "slot", "name": "location", "value": "Breda"}]
    messages, slots = validate(
        domain,
        {"location": "Breda"},
        {"location": kept},
        intent="deny",
        text=text,
        history=history,
        entities=[
            {"entity": "location", "value": "bergen", "start": 25, "end": 31},
            {"entity": "location", "value": "zoom", "start": 35, "end": 39},
        ],
    )
    assert slots["location"] == "Bergen op Zoom"
    assert texts(messages) == "Oké, aangepast: je woont of werkt in Bergen op Zoom."


def test_a_corrected_level_the_model_missed_is_read_while_another_question_is_open(domain):
    """Seen in make run: "sorry ik bedoel mbo 3" after "Hoe wil je het liefst leren?" got
    "Dat begreep ik niet helemaal" (the model tagged nothing)."""
    history = [{"event": "slot", "name": "education_level", "value": "mbo2"}]
    messages, slots = validate(
        domain, {"education_level": "mbo2"}, text="sorry ik bedoel mbo 3", history=history, question="course_format"
    )
    assert slots["education_level"] == "mbo3"
    assert slots.get("course_format") is None
    assert texts(messages) == "Oké, aangepast: je hebt mbo 3."


def test_two_places_side_by_side_stay_two_places():
    text = "een cursus in tilburg bij breda"  # "tilburg bij breda" is no place
    entities = [
        {"entity": "location", "value": "tilburg", "start": 14, "end": 21},
        {"entity": "location", "value": "breda", "start": 26, "end": 31},
    ]
    assert joined_places(text, entities) == entities


def test_a_job_taken_for_a_sector_in_passing_is_dropped_without_a_note(domain):
    messages, slots = validate(
        domain,
        text="ik wil zonnepanelen leren installeren en werk als magazijnmedewerker",
        intent="search_course",
        entities=[{"entity": "sector", "value": "magazijnmedewerker"}],
        candidates={"sector": "magazijnmedewerker"},
    )
    assert slots.get("sector") == "logistiek"  # the work named, not the job word as a sector
    assert "herken ik niet" not in texts(messages)


@pytest.mark.parametrize(
    "text, employment, sector",
    [
        (
            "hallo ik ben 44, werk als loodgieter in enschede en wil iets met warmtepompen leren. heb mbo 2",
            "werkend",
            "installatie",
        ),
        ("werkzaam als lasser bij een constructiebedrijf", "werkend", "metaal"),
        ("ik ben nu magazijn medewerker, wil iets anders", None, "logistiek"),
        ("ik zoek werk als elektricien", None, None),  # a wish, not the work someone does
        ("geen werk als timmerman meer sinds de zomer", None, None),
    ],
)
def test_the_work_someone_does_gives_the_job_and_its_sector(domain, text, employment, sector):
    """Seen in make run (2026-12-07): "werk als loodgieter" in a first message, and the funding
    answer then asked "Werk je nu …?" and "In welke sector werk je?"."""
    _, slots = validate(domain, text=text, intent="search_course")
    assert slots.get("employment_status") == employment
    assert slots.get("sector") == sector


def test_a_plain_answer_to_the_question_asked_is_read(domain):
    cases = [
        ("theme", "iets met warmtepompen", "installatietechniek"),
        ("education_level", "ik heb de mts gedaan", "mbo4"),
        ("location", "ik woon in Enschede", "Enschede"),
        ("employment_status", "ik zit zonder werk", "werkzoekend"),
        ("course_format", "liefst thuis achter de computer", "online"),
        ("hours_per_week", "een uur of 6", "6"),
        ("budget", "hooguit € 1.000", "1000"),
        ("age", "52", "52"),
    ]
    for slot, answer, expected in cases:
        _, slots = validate(domain, text=answer, question=slot)
        assert slots[slot] == expected, (slot, answer)
        assert slots["asked_slot"] is None  # the question is answered


@pytest.mark.parametrize(
    "question, answer",
    [
        ("course_format", "avond"),
        ("course_format", "'s avonds"),
        ("education_level", "twee avonden per week"),
        ("location", "alleen in het weekend"),
    ],
)
def test_an_answer_about_when_is_not_taken_for_a_diploma_place_or_format(domain, question, answer):
    messages, slots = validate(domain, text=answer, question=question)
    assert "herken ik niet" not in texts(messages) and "begreep ik niet" not in texts(messages)
    assert "naast je werk" in texts(messages)
    assert slots.get(question) is None and slots["asked_slot"] is None


def test_a_format_said_with_a_time_is_still_the_format(domain):
    messages, slots = validate(domain, text="online in de avond", question="course_format")
    assert slots["course_format"] == "online" and "naast je werk" not in texts(messages)


def test_dont_know_answers_the_question_asked(domain):
    _, slots = validate(domain, text="maakt niet uit", intent="dont_know", question="course_format")
    assert slots["course_format"] == "onbekend"


def test_a_question_instead_of_an_answer_drops_the_question(domain):
    _, slots = validate(domain, text="wat is een micro-credential", intent="faq", question="location")
    assert "location" not in slots and slots["asked_slot"] is None


def test_a_foreign_place_gets_a_hint_once_then_the_question_is_skipped(domain):
    messages, slots = validate(
        domain, candidates={"location": "Parijs"}, text="Parijs", entities=[{"location": "Parijs"}], question="location"
    )
    assert "Ik ken die plaats niet in Nederland" in texts(messages)
    assert slots["location"] is None and slots["form_failures"] == {"location": 1}

    messages, slots = validate(
        domain,
        {"form_failures": slots["form_failures"]},
        candidates={"location": "Parijs"},
        text="Parijs",
        entities=[{"location": "Parijs"}],
        question="location",
    )
    assert "slaan we over" in texts(messages)
    assert slots["location"] == "onbekend"


def test_a_bare_number_answers_the_open_question_not_the_age(domain):
    history = [{"event": "slot", "name": "age", "value": "45"}]
    messages, slots = validate(
        domain,
        {"age": "45"},
        {"age": "1234"},
        text="1234",
        entities=[{"age": "1234"}],
        history=history,
        question="location",
    )
    assert "geen plaatsnaam" in texts(messages)
    assert "jaar" not in texts(messages)
    assert slots["age"] == "45" and slots["location"] is None


@pytest.mark.parametrize("age", ["7", "140"])
def test_impossible_ages_are_asked_again_kindly(domain, age):
    messages, slots = validate(domain, candidates={"age": age}, text=age, entities=[{"age": age}], question="age")
    assert f"{age} jaar? Dat klopt vast niet helemaal." in texts(messages)
    assert slots["age"] is None


def test_an_impossible_age_said_in_passing_is_dropped_with_a_note(domain):
    messages, slots = validate(
        domain,
        candidates={"age": "140", "theme": "batterijtechnologie"},
        entities=[{"age": "140"}, {"theme": "batterijtechnologie"}],
    )
    assert "Dat laat ik dus weg" in texts(messages)
    assert slots["age"] is None and slots["theme"] == "batterijtechnologie"


@pytest.mark.parametrize("answer", ["😀😀😀", "asdfghjkl qwerty", "x" * 5000, "<script>alert(1)</script>"])
def test_nonsense_answers_get_a_hint_not_a_crash(domain, answer):
    messages, slots = validate(domain, text=answer, intent="nlu_fallback", question="theme")
    assert "Ik weet niet welk onderwerp je bedoelt" in texts(messages)
    assert slots["theme"] is None


def test_an_answer_about_something_else_is_kept_without_a_complaint(domain):
    messages, slots = validate(
        domain,
        candidates={"location": "Almelo"},
        text="ik woon in Almelo",
        entities=[{"location": "Almelo"}],
        question="theme",
    )
    assert texts(messages) == ""
    assert slots["location"] == "Almelo" and slots["region"] == "twente"
    assert "theme" not in slots or slots["theme"] is None


def test_an_unknown_place_said_in_passing_keeps_the_known_place(domain):
    history = [{"event": "slot", "name": "location", "value": "Tilburg"}]
    messages, slots = validate(
        domain,
        {"location": "Tilburg"},
        {"location": "Parijs", "employment_status": "werkend"},
        text="ik werk soms in Parijs",
        history=history,
        entities=[{"location": "Parijs"}, {"employment_status": "werkend"}],
    )
    assert "Ik ken die plaats niet in Nederland. Dat laat ik dus weg." in texts(messages)
    assert slots["location"] == "Tilburg" and slots["employment_status"] == "werkend"


def test_niveau_4_is_ambiguous_and_offers_a_choice(domain):
    messages, slots = validate(domain, text="niveau 4", question="education_level")
    assert "mbo 4 of havo" in texts(messages)
    assert [b["title"] for b in messages[0]["buttons"]] == ["mbo 4", "havo"]
    assert slots["education_level"] is None


def test_tenant_from_message_metadata_is_remembered(domain):
    _, slots = validate(
        domain,
        candidates={"theme": "circulair_bouwen"},
        entities=[{"theme": "circulair_bouwen"}],
        metadata={"tenant": "twente"},
    )
    assert slots["tenant"] == "twente"


def test_staff_count_in_an_employer_question(domain):
    _, slots = validate(
        domain, text="ik heb een bedrijf met 12 man en wil ze laten bijscholen", intent="employer_training"
    )
    assert slots["company_size"] == "12"


def test_location_question_gives_places_of_the_users_region():
    dispatcher = CollectingDispatcher()
    events = ask_follow_up(dispatcher, make_tracker({}, metadata={"tenant": "noord"}), "location")
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert titles[:3] == ["Groningen", "Leeuwarden", "Assen"]
    assert slot_events(events)["asked_slot"] == "location"


def test_the_same_question_is_never_said_twice_in_a_row():
    first = CollectingDispatcher()
    ask_follow_up(first, make_tracker({}), "theme")
    said = first.messages[0]["text"]
    history = [{"event": "bot", "text": said}]
    again = CollectingDispatcher()
    ask_follow_up(again, make_tracker({}, history=history), "theme")
    assert again.messages[0]["text"] != said
    assert "Bijvoorbeeld" in again.messages[0]["text"]


def test_a_benefit_named_in_words_is_kept(domain):
    _, slots = validate(domain, text="ik ben elektricien, nu in almelo. ik heb bijstand", intent="inform")
    assert slots["benefit_type"] == "bijstand" and slots["employment_status"] == "uitkering"


def test_a_correction_names_a_place_the_model_missed(domain):
    _, slots = validate(
        domain,
        text="nee ik bedoel breda niet tilburg",
        intent="nlu_fallback",
        slots={"location": "Tilburg"},
        history=[{"event": "slot", "name": "location", "value": "Tilburg"}],
    )
    assert slots["location"] == "Breda"


def test_a_course_question_in_plain_words_keeps_its_theme(domain):
    _, slots = validate(domain, text="ik wil weer werken als elektricien, welke cursus", intent="search_course")
    assert slots["theme"] == "installatietechniek"


def test_a_question_is_not_taken_for_the_answer_to_the_theme_question(domain):
    messages, slots = validate(domain, text="welke cursus voor mij?", intent="search_course", question="theme")
    assert "theme" not in slots and texts(messages) == ""


def test_a_town_keeps_the_name_the_user_gave(domain):
    _, slots = validate(
        domain, text="ik woon in uden", candidates={"location": "uden"}, entities=[{"location": "uden"}]
    )
    assert slots["location"] == "Uden" and slots["region"] == "brabant"


def test_a_question_back_is_not_taken_for_an_unusable_answer(domain):
    messages, slots = validate(
        domain, text="en mijn baas, moet die iets aanvragen", intent="nlu_fallback", question="sector"
    )
    assert "sector" not in slots and texts(messages) == ""


def test_where_someone_lives_counts_over_where_they_work(domain):
    text = "nee wacht ik woon in assen, emmen is waar ik werk"
    _, slots = validate(
        domain,
        {"location": "Emmen"},
        {"location": "Emmen"},
        text=text,
        intent="deny",
        history=[{"event": "slot", "name": "location", "value": "Emmen"}],
        entities=[
            {"entity": "location", "value": "Assen", "start": 21, "end": 26},
            {"entity": "location", "value": "Emmen", "start": 28, "end": 33},
        ],
    )
    assert slots["location"] == "Assen"


def test_a_corrected_number_replaces_the_fact_it_was(domain):
    history = [{"event": "slot", "name": "company_size", "value": "400"}]
    _, slots = validate(
        domain, {"company_size": "400"}, text="oh sorry, het zijn er 140 niet 400", intent="inform", history=history
    )
    assert slots["company_size"] == "140"


def test_a_typo_in_a_fact_is_still_understood(domain):
    messages, slots = validate(
        domain,
        candidates={"course_format": "onlien"},
        text="kan het ook onlien?",
        entities=[{"course_format": "onlien"}],
    )
    assert slots["course_format"] == "online" and texts(messages) == ""


def test_a_corrected_benefit_replaces_the_old_one_and_geen_is_no_diploma_only_before_diploma(domain):
    text = "nee het is geen ww maar bijstand sorry"
    messages, slots = validate(
        domain,
        {"benefit_type": "ww"},
        {"education_level": "geen"},
        text=text,
        intent="deny",
        history=[{"event": "slot", "name": "benefit_type", "value": "ww"}],
        entities=[{"entity": "education_level", "value": "geen", "start": 11, "end": 15}],
    )
    assert slots["benefit_type"] == "bijstand"
    assert slots.get("education_level") is None and "diploma" not in texts(messages)


def test_a_message_that_is_not_ours_changes_no_fact_the_user_gave(domain):
    history = [{"event": "slot", "name": "location", "value": "Emmen"}]
    messages, slots = validate(
        domain,
        {"location": "Emmen"},
        {"location": "Groningen"},
        intent="out_of_scope",
        text="hoe laat gaat de bus naar groningen",
        history=history,
        entities=[{"entity": "location", "value": "Groningen", "start": 26, "end": 35}],
    )
    assert slots["location"] == "Emmen"
    assert not any("aangepast" in t for t in texts(messages))


def test_a_misspelt_place_is_kept_and_shown_as_it_is_spelled(domain):
    messages, slots = validate(
        domain,
        {},
        {"location": "eindhove"},
        text="cursus in eindhove",
        entities=[{"entity": "location", "value": "eindhove", "start": 10, "end": 18}],
    )
    assert slots["location"] == "Eindhoven"


def test_electro_spelled_the_english_way_is_installation_work():
    from actions.profile import THEME_WORDS, match_words

    assert match_words("cursus electro", THEME_WORDS) == "installatietechniek"


def test_looking_for_work_stays_looking_when_the_model_tags_only_the_word_werk(domain):
    """Seen in the conversation suite after a retrain: "ik zoek werk, geen uitkering" with the
    entity employment_status="werk" was noted as "je hebt een baan"."""
    _, slots = validate(
        domain,
        text="ik zoek werk, geen uitkering. mbo 3 elektro. woon almelo",
        entities=[{"employment_status": "werk"}],
        candidates={"employment_status": "werk"},
    )
    assert slots["employment_status"] == "werkzoekend"
    _, slots = validate(
        domain,
        text="ik heb werk, als monteur",
        entities=[{"employment_status": "werk"}],
        candidates={"employment_status": "werk"},
    )
    assert slots["employment_status"] == "werkend"


@pytest.mark.parametrize(
    "text, theme",
    [
        (
            "hoi ik heb bijstand en woon in leeuwarden. ik wil graag elektricien worden maar heb geen diploma",
            "installatietechniek",
        ),
        ("ik werk als elektricien en wil graag bim leren", "digitalisering_bouw"),
        ("ik werk als elektricien in almelo", None),  # the work someone does, not a wish
    ],
)
def test_a_wish_in_a_message_that_is_not_a_search_gives_its_theme(domain, text, theme):
    """Seen in make run: "ik wil graag elektricien worden" (with bijstand and a place) was
    answered with "Waar wil je meer over leren?"."""
    _, slots = validate(domain, text=text, intent="inform")
    assert slots.get("theme") == theme


def test_a_diploma_from_abroad_is_not_a_wrong_answer_to_the_open_question(domain):
    """Seen in make run: "ik heb diploma uit polen, technikum" while the bot asked how the
    user likes to learn: "Dat begreep ik niet helemaal." came before the diploma answer."""
    for question in ("course_format", None):  # the open question, or said in passing
        messages, slots = validate(
            domain,
            candidates={"course_format": "technikum"},
            text="ik heb diploma uit polen, technikum",
            entities=[{"course_format": "technikum"}],
            question=question,
        )
        assert texts(messages) == ""  # no complaint: actions/respond.py answers about the diploma
        assert slots.get("course_format") is None
        assert "form_failures" not in slots  # not counted as a failed answer either


# -- English (issue 17): the gateway says the language in the message metadata ----------------
EN = {"language": "en"}


def test_english_facts_are_read_and_acknowledged_in_english(domain):
    from actions.facts import noted_facts

    text = "i am 34 and live in breda, i have mbo 2"
    tracker_args = dict(
        candidates={"location": "breda", "education_level": "mbo 2"},
        text=text,
        entities=[{"location": "breda"}, {"education_level": "mbo 2"}],
        metadata=EN,
    )
    messages, slots = validate(domain, **tracker_args)
    assert slots["age"] == "34" and slots["education_level"] == "mbo2" and slots["location"] == "Breda"
    assert slots["language"] == "en" and texts(messages) == ""
    after = make_tracker({**slots}, text=text, metadata=EN)
    import locales

    locales.activate("en")
    try:
        told = noted_facts(after)
    finally:
        locales.activate("nl")
    assert "you have mbo 2" in told and "you live or work in Breda" in told and "you are 34 years old" in told


@pytest.mark.parametrize("text", ["im 34 years", "I'm 34", "34 years old"])
def test_an_english_age(text):
    assert age_in_text(text) == "34"


def test_an_english_correction_names_the_place_and_is_confirmed_in_english(domain):
    messages, slots = validate(
        domain,
        {"location": "Eindhoven"},
        text="no i mean helmond",
        metadata=EN,
        history=[{"event": "slot", "name": "location", "value": "Eindhoven"}],
    )
    assert slots["location"] == "Helmond"
    assert texts(messages) == "OK, changed: you live or work in Helmond."


def test_instead_of_in_english_names_the_place_that_is_not_meant(domain):
    messages, slots = validate(
        domain,
        {"location": "Eindhoven"},
        candidates={"location": "eindhoven"},
        text="helmond instead of eindhoven",
        entities=[
            {"entity": "location", "value": "helmond", "start": 0, "end": 7},
            {"entity": "location", "value": "eindhoven", "start": 19, "end": 28},
        ],
        metadata=EN,
        history=[{"event": "slot", "name": "location", "value": "Eindhoven"}],
    )
    assert slots["location"] == "Helmond"
    assert "OK, changed" in texts(messages)


def test_an_unknown_place_is_explained_in_english(domain):
    messages, slots = validate(
        domain, candidates={"location": "Parijs"}, text="Parijs", metadata=EN, question="location"
    )
    assert slots["location"] is None
    assert texts(messages) == "I don't know that place in the Netherlands."


def test_a_diploma_from_abroad_in_english_is_not_an_answer_and_the_job_is_read(domain):
    from actions.facts import foreign_diploma

    assert foreign_diploma(make_tracker({}, text="i have diploma from poland technikum"))
    assert foreign_diploma(make_tracker({}, text="I studied in Romania, do I need my papers checked?"))
    messages, slots = validate(domain, text="i work in a greenhouse", metadata=EN)
    assert slots.get("employment_status") == "werkend" and slots.get("sector") == "groen"


def test_an_english_question_about_evenings_gets_the_note_in_english(domain):
    messages, slots = validate(domain, text="only in the evening", metadata=EN, question="course_format")
    assert texts(messages).startswith("The lesson times differ per course and school")
