"""Helpers shared by several test folders (instead of importing from another test module);
fixtures.py holds the fixtures they share (a plugin: tests/conftest.py loads it)."""
