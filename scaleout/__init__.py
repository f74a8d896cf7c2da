"""Rasa extensions for the scale-out profile (README "Scale-out"); loaded by Rasa from
endpoints-scaled.yml."""
