"""What the bot does with facts, corrections, yes/no and unclear messages
(action_respond_to_facts), and with off-topic messages: the last answer comes again with
the new facts, and no reply is said twice in a row."""

from __future__ import annotations

import pytest

from actions.fallback import CLARIFY, OUT_OF_SCOPE, STILL_UNCLEAR
from actions.respond import ActionGoodbye, ActionOutOfScope, ActionRespondToFacts, ActionThank

from .conftest import customs, make_tracker, run_action, slot_events, texts

pytestmark = pytest.mark.usefixtures("knowledge_db")


def respond(slots, before=None, **kwargs):
    """The tracker after a user message that changed `slots` (values before: `before`)."""
    history = [{"event": "slot", "name": name, "value": value} for name, value in (before or {}).items()]
    merged = dict(before or {}, **slots)
    return run_action(ActionRespondToFacts(), make_tracker(merged, history=history, **kwargs))


def test_a_theme_and_a_place_show_modules_at_once():
    messages, events = respond(
        {"theme": "batterijtechnologie", "location": "Enschede"}, text="iets met batterijen in enschede"
    )
    assert customs(messages, "module_cards")
    assert "in de buurt van Enschede" in texts(messages)
    assert slot_events(events)["last_answer"] == "modules"


def test_a_theme_without_a_place_asks_only_the_place():
    messages, events = respond({"theme": "installatietechniek"}, text="warmtepompen")
    assert not customs(messages, "module_cards")
    assert "In welke plaats" in texts(messages)
    assert slot_events(events)["asked_slot"] == "location"


def test_a_correction_after_funding_gives_the_funding_answer_again():
    before = {"age": "54", "employment_status": "werkend", "last_answer": "funding"}
    messages, _ = respond({"age": "45"}, before, text="ik ben 45, niet 54")
    assert "Wie kan je opleiding betalen?" in texts(messages)


def test_a_new_place_after_results_searches_again():
    before = {"theme": "installatietechniek", "location": "Hengelo", "last_answer": "modules"}
    messages, _ = respond({"location": "Breda"}, before, intent="deny", text="nee ik bedoel breda")
    assert "in de buurt van Breda" in texts(messages)
    assert customs(messages, "module_cards")


def test_a_fact_that_changes_nothing_shown_is_noted():
    before = {"theme": "installatietechniek", "location": "Hengelo", "last_answer": "modules"}
    messages, _ = respond({"age": "38"}, before, text="ik ben 38")
    assert "dat onthoud ik: je bent 38 jaar" in texts(messages)
    assert not customs(messages, "module_cards")


def test_a_level_that_leaves_the_same_modules_is_noted_without_showing_them_again():
    """Seen in make run: "ik heb vmbo" after the modules for Emmen listed the same three again,
    without a word about the level."""
    _, events = respond({"theme": "installatietechniek", "location": "Emmen"}, text="iets met zonnepanelen in emmen")
    shown = slot_events(events)["shown_modules"]
    before = {
        "theme": "installatietechniek",
        "location": "Emmen",
        "shown_modules": shown,
        "results_offset": 0.0,
        "last_answer": "modules",
    }
    messages, _ = respond({"education_level": "vmbo"}, before, text="ik heb vmbo")
    assert "dat onthoud ik: je hebt vmbo" in texts(messages)
    assert "passen nog steeds het best" in texts(messages)
    assert not customs(messages, "module_cards")
    # Without modules on screen the same fact gives the modules, as before.
    messages, _ = respond({"education_level": "vmbo"}, dict(before, shown_modules=None), text="ik heb vmbo")
    assert customs(messages, "module_cards")


def test_every_fact_of_a_first_message_is_noted_not_only_the_place():
    messages, events = respond(
        {"location": "Emmen", "age": "52", "benefit_type": "ww", "employment_status": "uitkering"},
        text="ik zit in de ww sinds kort, ben 52 en woon in emmen",
    )
    first = texts(messages).splitlines()[0]
    assert first.startswith("Dank je, dat onthoud ik:")
    assert "Emmen" in first and "52 jaar" in first and "WW" in first
    assert "uitkering" not in first  # the WW says it
    assert slot_events(events)["asked_slot"] == "theme"


def test_an_employer_gets_the_employer_answer_not_a_diploma_question():
    messages, events = respond({"employment_status": "werkgever"}, text="ik heb een installatiebedrijf")
    assert "SLIM" in texts(messages)
    assert "diploma" not in texts(messages)
    assert slot_events(events)["last_answer"] == "employer"


def test_an_unclear_message_twice_gets_something_new():
    messages, _ = run_action(ActionRespondToFacts(), make_tracker({}, intent="nlu_fallback", text="blablabla"))
    assert texts(messages) == CLARIFY
    history = [{"event": "user", "text": "blablabla"}, {"event": "bot", "text": CLARIFY}]
    messages, _ = run_action(
        ActionRespondToFacts(), make_tracker({}, intent="nlu_fallback", text="hmm", history=history)
    )
    assert texts(messages) == STILL_UNCLEAR
    assert "Praat met een adviseur" in [b["title"] for b in messages[0]["buttons"]]


def test_two_off_topic_messages_in_a_row_get_different_replies():
    messages, _ = run_action(ActionOutOfScope(), make_tracker({}, intent="out_of_scope", text="hoe laat is het"))
    assert texts(messages) == OUT_OF_SCOPE
    history = [{"event": "user", "text": "hoe laat is het"}, {"event": "bot", "text": OUT_OF_SCOPE}]
    messages, _ = run_action(
        ActionOutOfScope(), make_tracker({}, intent="out_of_scope", text="wat eten we vanavond", history=history)
    )
    assert texts(messages) != OUT_OF_SCOPE
    assert "adviseur" in texts(messages)


def test_an_off_topic_looking_answer_to_the_question_asked_is_an_answer():
    # "haha ok. helmond" after "In welke plaats woon je?": the model said out_of_scope
    history = [{"event": "slot", "name": "asked_slot", "value": "location"}]
    messages, _ = run_action(
        ActionOutOfScope(),
        make_tracker(
            {"location": "Helmond", "theme": "laadinfrastructuur"},
            intent="out_of_scope",
            text="haha ok. helmond",
            history=history,
        ),
    )
    assert OUT_OF_SCOPE not in texts(messages)
    assert "Helmond" in texts(messages)


def test_a_place_in_a_message_that_is_not_ours_is_not_an_answer():
    messages, _ = run_action(
        ActionOutOfScope(),
        make_tracker({"location": "Groningen"}, intent="out_of_scope", text="hoe laat gaat de bus naar Groningen"),
    )
    assert texts(messages) == OUT_OF_SCOPE


def test_yes_without_a_question_twice_is_not_the_same_reply():
    messages, _ = run_action(ActionRespondToFacts(), make_tracker({}, intent="affirm", text="ja"))
    first = texts(messages)
    history = [{"event": "user", "text": "ja"}, {"event": "bot", "text": first}]
    messages, _ = run_action(ActionRespondToFacts(), make_tracker({}, intent="affirm", text="ja hoor", history=history))
    assert texts(messages) != first


def test_the_place_asked_after_the_hubs_gives_the_nearest_hub():
    history = [{"event": "slot", "name": "asked_slot", "value": "location"}]
    messages, _ = run_action(
        ActionRespondToFacts(),
        make_tracker(
            {"location": "'s-Hertogenbosch", "last_answer": "hub"},
            text="den bosch",
            history=history + [{"event": "slot", "name": "last_answer", "value": "hub"}],
        ),
    )
    assert "De hub die het dichtst bij 's-Hertogenbosch is" in texts(messages)


def test_an_employer_with_a_theme_gets_modules_once_the_place_is_known():
    before = {"employment_status": "werkgever", "theme": "batterijtechnologie", "last_answer": "employer"}
    messages, _ = respond({"location": "Oss"}, before, text="oss")
    assert customs(messages, "module_cards")
    assert "in de buurt van Oss" in texts(messages)


def test_a_scheme_named_in_an_unclear_message_gets_the_funding_answer():
    messages, _ = run_action(
        ActionRespondToFacts(),
        make_tracker(
            {"age": "45"},
            intent="nlu_fallback",
            text="hoeveel kan ik maximaal lenen",
            history=[{"event": "slot", "name": "age", "value": "45"}],
        ),
    )
    assert "Levenlanglerenkrediet" in texts(messages) and "€ 2.530" in texts(messages)


def test_a_search_need_asked_twice_is_skipped_and_modules_follow():
    before = {"location": "Emmen", "asked_before": ["theme", "theme"], "last_answer": "modules"}
    messages, events = respond({"location": "Assen"}, before, text="ik woon in assen")
    assert customs(messages, "module_cards")
    assert slot_events(events)["theme"] == "onbekend"


def test_yes_to_the_advisor_offer_asks_consent_and_yes_to_the_help_offer_shows_what_the_bot_can_do():
    from actions.fallback import OFF_TOPIC_AGAIN

    history = [{"event": "user", "text": "wat is het weer"}, {"event": "bot", "text": OFF_TOPIC_AGAIN}]
    messages, events = run_action(ActionRespondToFacts(), make_tracker({}, text="ja", intent="affirm", history=history))
    assert {"event": "followup", "name": "utter_ask_handoff_consent"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]
    history = [{"event": "user", "text": "zet een timer"}, {"event": "bot", "text": OUT_OF_SCOPE}]
    messages, _ = run_action(ActionRespondToFacts(), make_tracker({}, text="ja", intent="affirm", history=history))
    assert "Je kunt me bijvoorbeeld vragen" in texts(messages)


def test_a_foreign_place_as_the_answer_is_asked_again_not_called_off_topic():
    history = [{"event": "slot", "name": "asked_slot", "value": "location"}]
    messages, _ = run_action(
        ActionOutOfScope(),
        make_tracker(
            {"asked_slot": "location", "theme": "zonnepanelen", "form_failures": {"location": 1}},
            intent="out_of_scope",
            text="Parijs",
            history=history,
        ),
    )
    assert OUT_OF_SCOPE not in texts(messages)


def test_an_unclear_request_for_courses_shows_courses():
    tracker = make_tracker(
        {"theme": "installatietechniek", "location": "Groningen"}, intent="nlu_fallback", text="toon maar cursussen"
    )
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "more_results", "confidence": 0.39},
    ]
    messages, _ = run_action(ActionRespondToFacts(), tracker)
    assert "Groningen" in texts(messages) and CLARIFY not in texts(messages)


def test_can_i_learn_without_a_diploma_is_answered_before_the_next_question():
    messages, _ = run_action(
        ActionRespondToFacts(),
        make_tracker(
            {"education_level": "geen", "sector": "bouw_infra"},
            intent="inform",
            text="ik heb geen diploma, alleen vmbo niet afgemaakt. kan ik toch iets leren in de bouw",
        ),
    )
    assert messages[0]["response"] == "utter_faq/startkwalificatie"
    assert len(messages) >= 2  # and the advice goes on


@pytest.mark.parametrize(
    "text", ["doei", "Dag!", "tot ziens", "bedankt, dat was het", "fijne avond", "oke bye", "/goodbye"]
)
def test_a_real_goodbye_is_answered_with_a_goodbye(text):
    messages, _ = run_action(ActionGoodbye(), make_tracker({}, intent="goodbye", text=text))
    assert messages[0].get("response") == "utter_goodbye"


@pytest.mark.parametrize("text", ["avond", "'s avonds", "in de avond"])
def test_a_word_the_model_took_for_a_goodbye_does_not_end_the_conversation(text):
    messages, _ = run_action(ActionGoodbye(), make_tracker({"asked_slot": None}, intent="goodbye", text=text))
    assert all(m.get("response") != "utter_goodbye" for m in messages)
    assert "Waar kan ik je nog mee helpen?" in texts(messages)


@pytest.mark.parametrize(
    "text, leaving",
    [
        ("dank je, doei", True),
        ("thanks, fijne dag nog", True),
        ("bedankt, dat was het", True),
        ("dank je wel!", False),
        ("top, bedankt", False),
        ("dankjewel voor vandaag", False),
    ],
)
def test_thanks_that_say_goodbye_get_a_goodbye(text, leaving):
    """Seen in make run: "dank je, doei" got "Graag gedaan! Kan ik nog iets voor je doen?"."""
    messages, _ = run_action(ActionThank(), make_tracker({}, intent="thank", text=text))
    assert messages[0]["response"] == ("utter_goodbye" if leaving else "utter_thank")


def test_a_question_answered_by_the_facts_check_gets_no_clarify_after_it():
    """Seen in make run: "kan dat ook s avonds" to "Hoe wil je het liefst leren?" got the note
    about lesson times and then "Ik weet niet zeker of ik je goed begrijp" in the same turn."""
    from actions.facts import WHEN_NOTE
    from actions.fallback import CLARIFY

    tracker = make_tracker({"last_answer": "modules"}, intent="nlu_fallback", text="kan dat ook s avonds")
    tracker.events.append({"event": "bot", "text": WHEN_NOTE})  # said by the facts check this turn
    messages, _ = run_action(ActionRespondToFacts(), tracker)
    assert CLARIFY not in texts(messages)
    # without that note the same message is still unclear, and the bot says so
    messages, _ = run_action(
        ActionRespondToFacts(),
        make_tracker({"last_answer": "modules"}, intent="nlu_fallback", text="kan dat ook s avonds"),
    )
    assert CLARIFY in texts(messages)


@pytest.mark.parametrize(
    "intent, text, expected",
    [
        ("out_of_scope", "wat is een mbo niveau eigenlijk?", "startkwalificatie"),
        ("nlu_fallback", "wat is bim eigenlijk", "3D-model"),
    ],
)
def test_what_a_word_means_is_explained_not_refused(intent, text, expected):
    """Seen in make run: "wat is bim eigenlijk" got "Ik weet niet zeker of ik je goed begrijp",
    "wat is een mbo niveau eigenlijk?" got "Daar kan ik je helaas niet mee helpen"."""
    from actions.fallback import CLARIFY, OUT_OF_SCOPE

    action = ActionOutOfScope() if intent == "out_of_scope" else ActionRespondToFacts()
    messages, _ = run_action(action, make_tracker({"asked_slot": "theme"}, intent=intent, text=text))
    assert expected in texts(messages)
    assert CLARIFY not in texts(messages) and OUT_OF_SCOPE not in texts(messages)
    # a question for courses that names the word is not a question about the word
    messages, _ = run_action(
        ActionOutOfScope(),
        make_tracker({}, intent="out_of_scope", text="wat is een goede cursus voor de energietransitie"),
    )
    assert "De energietransitie is" not in texts(messages)


def test_an_unclear_message_that_asks_who_pays_gets_the_funding_answer():
    """Seen in the conversation suite after a retrain: "wie betaalt dat als ik geen werk en geen
    uitkering heb" was below the threshold, ask_funding its likeliest meaning: the bot asked
    "Bedoel je een van deze?" with "Wie betaalt mijn opleiding?" as the first button."""
    tracker = make_tracker(
        {"last_answer": "modules"}, intent="nlu_fallback", text="wie betaalt dat als ik geen werk en geen uitkering heb"
    )
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.7},
        {"name": "ask_funding", "confidence": 0.5},
        {"name": "employer_training", "confidence": 0.2},
    ]
    messages, _ = run_action(ActionRespondToFacts(), tracker)
    assert "Wie kan je opleiding betalen?" in texts(messages)


def test_facts_about_the_person_in_a_first_search_are_acknowledged():
    """Seen in make run: "ik ben 44, werk als loodgieter in enschede en wil iets met warmtepompen
    leren. heb mbo 2" showed modules without a word about the age, the work or the diploma."""
    messages, _ = respond(
        {
            "theme": "installatietechniek",
            "location": "Enschede",
            "age": "44",
            "education_level": "mbo2",
            "employment_status": "werkend",
            "sector": "installatie",
        },
        text="ik ben 44, werk als loodgieter in enschede en wil iets met warmtepompen leren. heb mbo 2",
    )
    text = texts(messages)
    assert "dat onthoud ik: " in text and "44 jaar" in text and "mbo 2" in text
    assert "Enschede" not in text.split("\n")[0]  # the place is in the search line, not twice
    assert customs(messages, "module_cards")


def test_a_yes_that_asks_for_courses_after_an_off_topic_question_searches():
    """Seen in make run: "hoe is het weer morgen" got "Zal ik daarmee helpen?", and "oké, toon
    maar cursussen" (affirm 0.26, search_course 0.15 below the threshold) got "Sorry, dat snap ik
    nog steeds niet"."""
    from actions.fallback import OUT_OF_SCOPE

    tracker = make_tracker(
        {"theme": "installatietechniek", "location": "Leeuwarden"},
        intent="nlu_fallback",
        text="oké, toon maar cursussen",
        history=[{"event": "user", "text": "hoe is het weer morgen"}, {"event": "bot", "text": OUT_OF_SCOPE}],
    )
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "affirm", "confidence": 0.26},
        {"name": "search_course", "confidence": 0.15},
    ]
    messages, _ = run_action(ActionRespondToFacts(), tracker)
    assert customs(messages, "module_cards")
    assert "nog steeds niet" not in texts(messages)


# --- English (issue 17) ---------------------------------------------------------------------------
def test_facts_in_english_get_the_modules_and_the_menu_in_english():
    messages, _ = respond(
        {"theme": "installatietechniek", "location": "Tilburg"},
        text="i live in tilburg",
        metadata={"language": "en"},
    )
    text = texts(messages)
    assert "courses suit you" in text or "course suits you" in text
    assert "Taught in Dutch." in customs(messages, "module_cards")[0]["cards"][0]["why"]
    assert "passen bij je" not in text


def test_a_plain_yes_in_english_gets_the_english_menu():
    messages, _ = respond({}, text="ok", intent="affirm", metadata={"language": "en"})
    assert messages[0]["text"] == "Okay. What else can I help you with?"


@pytest.mark.parametrize(
    "text, language, expected",
    [
        ("i am 34 and i have diploma from poland, technikum", "en", ["34", "IDW"]),
        ("ik ben 34 en heb een diploma uit polen, technikum", "nl", ["34", "IDW"]),
    ],
)
def test_a_foreign_diploma_said_with_another_fact_is_answered_too(text, language, expected):
    """Seen in make run: "i am 34 and i have diploma from poland, technikum" after the modules
    got only "you are 34 years old"; the diploma question was lost behind the age."""
    known = {"theme": "installatietechniek", "location": "Breda", "last_answer": "modules"}
    tracker = make_tracker(
        known,
        text=text,
        candidates={"age": 34},
        metadata={"language": language},
        history=[{"event": "slot", "name": name, "value": value} for name, value in known.items()],
    )
    messages, _events = run_action(ActionRespondToFacts(), tracker)
    said = texts(messages)
    for word in expected:
        assert word in said
