"""Human handoff (see README.md in this folder)."""
