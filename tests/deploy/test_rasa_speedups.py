"""Our speed-ups of Rasa (rasa_server/): the Rasa server that `make run`, the image and
Kubernetes start (`python -m rasa_server`) has all three on and says so in its log; the faster check
of action-server responses accepts what our actions send and still rejects a malformed response,
as Rasa's own check does; the remembered event types give the same events back as Rasa's own
lookup."""

from __future__ import annotations


import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

from rasa_server import event_types, fast_action_validation, tracker_store
from scripts import stack


def test_the_rasa_server_process_runs_with_our_speedups(rasa_stack):
    """The Rasa server of the test session, started as `make run` starts it (scripts/stack.py)."""
    rasa = next(s for s in rasa_stack.services if s.name == "Rasa server")
    log = rasa.log_path.read_text(errors="replace")
    assert log.count(fast_action_validation.ACTIVE_MESSAGE) == 1, stack._tail(rasa.log_path)
    assert log.count(event_types.ACTIVE_MESSAGE) == 1, stack._tail(rasa.log_path)
    # the tracker store named in endpoints.yml
    assert log.count(tracker_store.ACTIVE_MESSAGE) == 1, stack._tail(rasa.log_path)


def test_importing_the_module_changes_nothing_until_apply(monkeypatch):
    original = RemoteAction._validate_action_result
    assert original is not fast_action_validation._validate_action_result
    monkeypatch.setattr(RemoteAction, "_validate_action_result", original)  # undone afterwards
    fast_action_validation.apply()
    assert RemoteAction._validate_action_result is fast_action_validation._validate_action_result


def test_valid_response_passes_and_malformed_ones_are_rejected(monkeypatch):
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )  # apply() is undone afterwards
    fast_action_validation.apply()
    action = RemoteAction("action_search_modules", None)
    ok = {
        "events": [{"event": "slot", "name": "shown_modules", "value": ["a"], "timestamp": None}],
        "responses": [{"text": "Deze 3 modules passen bij je:", "custom": {"type": "module_cards"}}],
    }
    assert action._validate_action_result(ok) is True
    for bad in ({"events": "not a list"}, {"events": [{"name": "no event type"}]}, {"responses": "text"}):
        with pytest.raises(jsonschema.ValidationError) as error:
            action._validate_action_result(bad)
        assert "Failed to validate Action server response" in error.value.message
        # the same verdict as Rasa's original check
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, RemoteAction.action_response_format_spec())


def test_stored_events_come_back_the_same_with_remembered_types(monkeypatch):
    monkeypatch.setattr(Event, "resolve_by_type", Event.resolve_by_type)  # undone afterwards
    stored = [
        UserUttered(
            "ik woon in Tilburg", {"name": "inform", "confidence": 0.98}, [{"entity": "place", "value": "Tilburg"}]
        ).as_dict(),
        SlotSet("place", "Tilburg").as_dict(),
        ActionExecuted("action_listen").as_dict(),
    ]
    rasa_own = [Event.from_parameters(e) for e in stored]
    event_types.apply()
    assert Event.resolve_by_type is event_types.resolve_by_type
    assert [Event.from_parameters(e) for e in stored] == rasa_own
    assert "slot" in event_types._by_name  # remembered: the second lookup is a dictionary read
    # unknown names answer as Rasa's own lookup does, and are not remembered
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no such event", default=SlotSet) is SlotSet
    assert "no such event" not in event_types._by_name
    with pytest.raises(ValueError):
        Event.resolve_by_type("no such event")
