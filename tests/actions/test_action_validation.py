"""The faster check of action-server responses (nlu_components/fast_action_validation.py)
accepts what our actions send and still rejects a malformed response, as Rasa's own does."""
from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import nlu_components  # noqa: F401  (Rasa imports it with the model; that applies the patch)
from nlu_components import fast_action_validation


def test_patch_is_active_where_rasa_loads_the_model():
    assert RemoteAction._validate_action_result is fast_action_validation._validate_action_result


def test_valid_response_passes_and_malformed_ones_are_rejected():
    action = RemoteAction("action_search_modules", None)
    ok = {"events": [{"event": "slot", "name": "shown_modules", "value": ["a"], "timestamp": None}],
          "responses": [{"text": "Deze 3 modules passen bij je:", "custom": {"type": "module_cards"}}]}
    assert action._validate_action_result(ok) is True
    for bad in ({"events": "not a list"}, {"events": [{"name": "no event type"}]},
                {"responses": "text"}):
        with pytest.raises(jsonschema.ValidationError) as error:
            action._validate_action_result(bad)
        assert "Failed to validate Action server response" in error.value.message
        # the same verdict as Rasa's original check
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, RemoteAction.action_response_format_spec())
