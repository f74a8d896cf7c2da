"""Which answers the user may rate: after an answer with substance the action sends
json_message {"type": "rateable", "topic": ...}; the gateway puts thumbs up/down on the answer
just before it (bot/replies.py, bot/feedback.py). Module cards are rateable by themselves."""

from __future__ import annotations

from typing import Text

from rasa_sdk.executor import CollectingDispatcher

FUNDING = "funding"


def rateable(dispatcher: CollectingDispatcher, topic: Text) -> None:
    """The answer just sent may be rated, under `topic` ("funding", "faq/<key>")."""
    dispatcher.utter_message(json_message={"type": "rateable", "topic": topic})
