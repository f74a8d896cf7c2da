"""A word explained (actions/faq.py, knowledge/glossary.py), in the user's language."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.faq import explain_term

from .conftest import make_tracker


def test_an_english_question_about_a_word_gets_the_english_explanation():
    dispatcher = CollectingDispatcher()
    assert explain_term(dispatcher, make_tracker({}, text="what does bim mean?", metadata={"language": "en"}))
    assert dispatcher.messages[0]["text"].startswith("BIM (Building Information Model) is a digital 3D model")


def test_a_dutch_question_keeps_the_dutch_explanation():
    dispatcher = CollectingDispatcher()
    assert explain_term(dispatcher, make_tracker({}, text="wat is BIM eigenlijk?"))
    assert dispatcher.messages[0]["text"].startswith("BIM (Bouw Informatie Model)")
