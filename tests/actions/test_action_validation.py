"""The faster check of action-server responses (nlu_components/fast_action_validation.py): the
Rasa server that `make run`, the image and Kubernetes start (`python -m rasa_server`) has it on
and says so in its log; and it accepts what our actions send and still rejects a malformed
response, as Rasa's own check does."""
from __future__ import annotations

import time

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from nlu_components import fast_action_validation
from scripts import stack


def test_the_rasa_server_process_runs_with_the_fast_check(tmp_path):
    # The launcher as `make run` starts it; without a model Rasa's HTTP API answers anyway.
    services = stack.Stack(rasa_port=stack.free_port(), action_port=stack.free_port(),
                           with_gateway=False, model=str(tmp_path / "no-model"),
                           extra_env={"RASA_TOKEN": "test-token"}, log_dir=tmp_path).services
    rasa = next(s for s in services if s.name == "Rasa server")
    rasa.start()
    try:
        deadline = time.monotonic() + 240
        while not rasa.healthy():
            assert rasa.process.poll() is None, stack._tail(rasa.log_path)
            assert time.monotonic() < deadline, "Rasa did not answer"
            time.sleep(1)
        log = rasa.log_path.read_text(errors="replace")
        assert log.count(fast_action_validation.ACTIVE_MESSAGE) == 1, stack._tail(rasa.log_path)
    finally:
        rasa.stop()


def test_importing_the_module_changes_nothing_until_apply(monkeypatch):
    original = RemoteAction._validate_action_result
    assert original is not fast_action_validation._validate_action_result
    monkeypatch.setattr(RemoteAction, "_validate_action_result", original)  # undone afterwards
    fast_action_validation.apply()
    assert RemoteAction._validate_action_result is fast_action_validation._validate_action_result


def test_valid_response_passes_and_malformed_ones_are_rejected(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result",
                        RemoteAction._validate_action_result)  # apply() is undone afterwards
    fast_action_validation.apply()
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
