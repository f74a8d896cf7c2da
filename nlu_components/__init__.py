"""Custom Rasa components (loaded with the model by the Rasa server)."""
from . import fast_action_validation  # noqa: F401  (speeds up every custom action call)
