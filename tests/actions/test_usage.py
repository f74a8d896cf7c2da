"""What a turn meant, sent to the gateway for the region's insights (actions/usage.py): every
user message through action_validate_slot_mappings, the modules shown, opened and signed up for."""

from __future__ import annotations

import knowledge
import pytest

from actions.facts import ValidateSlotMappings
from knowledge.vocabulary import INTENT_LABELS
from actions.recommend import ActionCourseDetails, ActionHowToEnroll

from .conftest import customs, make_tracker, run_action
from .test_recommend import TILBURG_WORKER, search

pytestmark = pytest.mark.usefixtures("knowledge_db")


def insight(messages):
    [sent] = customs(messages, "insight")
    return sent


def test_a_turn_sends_its_intent_and_the_facts_as_validated(domain):
    text = "Ik ben 45, woon in den bosch en heb mbo 3, wil iets met warmtepompen"
    tracker = make_tracker(
        text=text,
        intent="search_course",
        candidates={"age": "45", "location": "den bosch", "education_level": "mbo 3", "theme": "warmtepompen"},
        entities=[{"age": "45"}, {"location": "den bosch"}, {"education_level": "mbo 3"}, {"theme": "warmtepompen"}],
    )
    messages, _ = run_action(ValidateSlotMappings(), tracker, domain)
    sent = insight(messages)
    kinds = {e["kind"]: e for e in sent["events"]}
    assert kinds["intent"]["key"] == "search_course"
    assert kinds["place"]["key"] == "'s-Hertogenbosch"  # canonical, not what was typed
    assert kinds["level"]["key"] == "mbo3" and kinds["level"]["label"].startswith("mbo")
    assert kinds["theme"]["key"] == "installatietechniek"  # the theme heat pumps belong to
    assert "age" not in str(sent) and "45" not in str(sent)  # only what the insights count
    assert "missed" not in sent


def test_a_message_not_understood_is_sent_for_the_miss_list(domain):
    messages, _ = run_action(ValidateSlotMappings(), make_tracker(text="zet de timer op 5 min", intent="nlu_fallback"))
    sent = insight(messages)
    assert sent["events"] == [{"kind": "intent", "key": "nlu_fallback", "label": "Niet begrepen"}]
    assert sent["missed"] == "zet de timer op 5 min"
    # a button's payload is never a miss
    messages, _ = run_action(ValidateSlotMappings(), make_tracker(text="/out_of_scope", intent="out_of_scope"))
    assert "missed" not in insight(messages)


def test_a_named_scheme_is_counted(domain):
    messages, _ = run_action(
        ValidateSlotMappings(), make_tracker(text="kan ik het levenlanglerenkrediet krijgen?", intent="ask_funding")
    )
    schemes = [e for e in insight(messages)["events"] if e["kind"] == "scheme"]
    assert [s["key"] for s in schemes] == ["levenlanglerenkrediet"] and schemes[0]["label"]


def test_modules_shown_opened_and_signed_up_for_are_counted(domain):
    messages, found = search(TILBURG_WORKER)
    shown = insight(messages)["events"]
    assert [(e["kind"], e["key"]) for e in shown] == [("module_shown", m) for m in found["shown_modules"]]
    assert all(e["label"] == knowledge.get_module(e["key"]).title for e in shown)
    slots = dict(TILBURG_WORKER, **found)
    second = found["shown_modules"][1]
    details = make_tracker(
        slots, intent="course_details", text="vertel meer over de tweede", entities=[{"ordinal": "2"}]
    )
    messages, _ = run_action(ActionCourseDetails(), details, domain)
    assert [(e["kind"], e["key"]) for e in insight(messages)["events"]] == [("module_details", second)]
    enroll = make_tracker(dict(slots, last_module=second), text="hoe meld ik me aan", intent="how_to_enroll")
    messages, _ = run_action(ActionHowToEnroll(), enroll, domain)
    assert [(e["kind"], e["key"]) for e in insight(messages)["events"]] == [("signup", second)]


def test_an_faq_question_is_counted_by_its_question(domain):
    tracker = make_tracker(text="wat is evc", intent="faq")
    tracker.latest_message["intent"]["full_retrieval_intent_name"] = "faq/evc"  # as Rasa sets it
    messages, _ = run_action(ValidateSlotMappings(), tracker, domain)
    assert insight(messages)["events"] == [{"kind": "intent", "key": "faq/evc", "label": "Vraag: EVC"}]


def test_every_intent_has_a_dutch_label_for_the_operators(domain):
    """A new intent (or FAQ question) needs its label in knowledge/vocabulary.yaml (intents)."""
    intents = {next(iter(i)) if isinstance(i, dict) else i for i in domain["intents"]} - {"faq"}
    questions = {r[len("utter_") :] for r in domain["responses"] if r.startswith("utter_faq/")}
    assert intents | questions <= set(INTENT_LABELS) | {"nlu_fallback"}
