"""Custom Rasa components (loaded with the model by the Rasa server)."""
