"""Request validation against the schemas in openapi.yaml (one source for docs and checks)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, RefResolver

from bot.http import INVALID_TEXT, Refused

OPENAPI_FILE = Path(__file__).resolve().parent / "openapi.yaml"


@lru_cache(maxsize=1)
def openapi() -> dict:
    return yaml.safe_load(OPENAPI_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def validator(name: str) -> Draft202012Validator:
    document = openapi()
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}"}, resolver=RefResolver.from_schema(document))


def validate(name: str, data: Any) -> dict:
    """Return `data` when it matches schema `name`, else refuse with HTTP 422 and the problems."""
    errors = list(validator(name).iter_errors(data))
    if not errors:
        return data
    problems = [
        {"field": "/".join(str(p) for p in error.absolute_path) or "(body)", "problem": error.message}
        for error in errors
    ]
    raise Refused(
        422,
        "invalid_request",
        INVALID_TEXT,
        "; ".join(f"{p['field']}: {p['problem']}" for p in problems),
        problems=problems,
    )
