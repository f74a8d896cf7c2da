"""Typed settings read from environment variables: one parser for the gateway's settings.

Each settings class (GatewayConfig in bot/config.py, WhatsAppSettings, HandoffSettings,
PrivacySettings) is a pydantic `BaseSettings` whose fields name their variable
(`Field(default, env="NAME")`) and whose validators parse what is more than a type
("20/60", a comma list). `from_env(env)` reads them from a mapping: `os.environ` in the
processes, a dict in tests. A variable that is unset, empty or only spaces gives the
field's default; a value that does not parse is an error at start-up, with its name.
Settings never read the environment behind the caller's back: only `from_env` does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping, TypeVar

from pydantic import BaseSettings, ValidationError

S = TypeVar("S", bound="EnvSettings")


@dataclass(frozen=True)
class Rate:
    """At most `count` events per `seconds` (written "count/seconds" in env vars)."""

    count: int
    seconds: float

    @classmethod
    def parse(cls, text: "str | Rate") -> "Rate":
        if isinstance(text, Rate):
            return text
        count, _, seconds = str(text).partition("/")
        return cls(int(count), float(seconds or 60))

    @classmethod
    def __get_validators__(cls):  # a settings field of this type takes "20/60"
        yield cls.parse


class EnvSettings(BaseSettings):
    class Config:
        case_sensitive = True  # the variables are written in capitals
        allow_mutation = False
        frozen = True
        anystr_strip_whitespace = True
        arbitrary_types_allowed = True

        @classmethod
        def customise_sources(cls, init_settings, env_settings, file_secret_settings):
            return (init_settings,)  # from_env passes the variables; nothing is read implicitly

    @classmethod
    def from_env(cls: type[S], env: Mapping[str, str] = os.environ, **given: Any) -> S:
        """The settings from `env`; keyword arguments are values made elsewhere (the tenants
        of a file, a nested settings object)."""
        values = {}
        for name, field in cls.__fields__.items():
            if name in given or "env" not in field.field_info.extra:
                continue  # given, or not read from a variable
            for variable in field.field_info.extra.get("env_names", ()):
                value = (env.get(variable) or "").strip()
                if value:
                    values[name] = value
                    break
        try:
            return cls(**values, **given)
        except ValidationError as error:  # name the variable, not the field
            problems = []
            for problem in error.errors():
                name = problem["loc"][0]
                where = f"{cls.variable(name)}={values[name]!r}" if name in values else name
                problems.append(f"{where}: {problem['msg']}")
            raise ValueError("; ".join(problems)) from None

    @classmethod
    def variable(cls, name: str) -> str:
        """The environment variable of a field."""
        return cls.__fields__[name].field_info.extra["env"]
