"""Unclear and off-topic messages (actions/fallback.py), in the user's language."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions import fallback

from .conftest import make_tracker

EN = {"language": "en"}


def said(dispatcher):
    return [m["text"] for m in dispatcher.messages], [[b["title"] for b in m["buttons"]] for m in dispatcher.messages]


def test_an_unclear_english_message_gets_its_likely_meanings_in_english():
    tracker = make_tracker({}, text="hmm the thing with the money", intent="nlu_fallback", metadata=EN)
    tracker.latest_message["intent_ranking"] = [{"name": "ask_funding"}, {"name": "find_hub"}]
    dispatcher = CollectingDispatcher()
    fallback.not_understood(dispatcher, tracker)
    texts, buttons = said(dispatcher)
    assert texts == ["I'm not sure I understand you. Do you mean one of these?"]
    assert buttons == [["Who pays for my training?", "A hub or advice desk near me", "Something else"]]


def test_a_second_miss_in_english_is_recognised_and_gets_something_new():
    english_clarify = "I'm not sure I understand you. Do you mean one of these?"
    history = [{"event": "user", "text": "blah"}, {"event": "bot", "text": english_clarify}]
    tracker = make_tracker({}, text="blah blah", intent="nlu_fallback", metadata=EN, history=history)
    dispatcher = CollectingDispatcher()
    fallback.not_understood(dispatcher, tracker)
    texts, buttons = said(dispatcher)
    assert texts[0].startswith("Sorry, I still don't understand.")
    assert buttons[0][0] == "Talk to an advisor"


def test_off_topic_in_english_and_in_dutch():
    dispatcher = CollectingDispatcher()
    fallback.off_topic(dispatcher, make_tracker({}, text="what is the weather", intent="out_of_scope", metadata=EN))
    assert said(dispatcher)[0][0].startswith("Sorry, I can't help you with that.")
    dispatcher = CollectingDispatcher()
    fallback.off_topic(dispatcher, make_tracker({}, text="hoe laat is het", intent="out_of_scope"))
    assert said(dispatcher)[0][0] == fallback.OUT_OF_SCOPE
