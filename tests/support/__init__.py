"""Helpers shared by several test folders (instead of importing from another test module)."""
