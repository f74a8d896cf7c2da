"""Check action-server responses with a validator built once, not per call.

Rasa 3.6 checks every response of the action server with `jsonschema.validate(response,
schema)` (rasa/core/actions/action.py, RemoteAction._validate_action_result). That call
first checks the schema itself against the JSON-Schema meta-schema, and Rasa's event
schema is large: here it took 40-100 ms per custom action call, more than the action.
A form turn makes two or three such calls.

The schema is a constant of Rasa, so checking it once is enough: this replaces the method
with one that validates with a validator built (and the schema checked) on first use.
Responses are validated exactly as before and an invalid one still raises
jsonschema.ValidationError.
benchmarks/conversation_bench.py, same load, before/after: p50 per turn 233 -> 109-178 ms.

Applied explicitly, by `apply()`: importing this module changes nothing. Our Rasa launcher
(`python -m rasa_server`, rasa_server/__main__.py: `make run`, the image, Kubernetes) calls
it before Rasa starts and it logs "fast action-response validation: active". Rasa's own
command line (`rasa run`, `rasa test`, so `make stories`) does not go through the launcher:
there Rasa's slower check is used. It validates the same way, so only the time differs.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Text

import jsonschema
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

log = logging.getLogger(__name__)
ACTIVE_MESSAGE = "fast action-response validation: active"

_validator = None


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    global _validator
    if _validator is None:
        schema = RemoteAction.action_response_format_spec()
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    # the same error jsonschema.validate would raise
    error = jsonschema.exceptions.best_match(_validator.iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response "
        f"from the Action endpoint is valid. For more information about the format "
        f"visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def apply() -> None:
    """Replace Rasa's check with this one (in this process); say so in the log."""
    RemoteAction._validate_action_result = _validate_action_result
    log.info(ACTIVE_MESSAGE)
