"""Custom actions for the Leerwijzer Rasa assistant (run by rasa_sdk's action server)."""
