"""The Rasa server with its HTTP API token from the environment: `python -m rasa_server`."""
