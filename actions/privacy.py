"""forget_me: the user asks the assistant to forget what they told it.

The action confirms and asks the gateway (bot/) to delete the conversation's data:
json_message {"type": "forget_me"} (REST: {"custom": {...}}). The gateway does that after Rasa
saved this turn: it deletes this tracker, the handoff record and the history, and shows the
confirmation only when all of them are gone; otherwise it tells the user it did not work
(bot/privacy/gateway.py).
"""

from typing import Any, Dict, List, Text

import locales
from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset
from rasa_sdk.executor import CollectingDispatcher

from .profile import language_of


class ActionForgetMe(Action):
    def name(self) -> Text:
        return "action_forget_me"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        locales.activate(language_of(tracker))
        dispatcher.utter_message(response="utter_forget_me_done")
        dispatcher.utter_message(json_message={"type": "forget_me"})
        return [AllSlotsReset()]
