"""The engine the knowledge functions use when they are given none: the one of the last
init_db() call in this process (knowledge/db.py sets it)."""

from __future__ import annotations

from typing import Optional

from sqlalchemy.engine import Engine

_default: Optional[Engine] = None


def use(engine: Engine) -> None:
    global _default
    _default = engine


def default() -> Optional[Engine]:
    """The engine of the last init_db(), or None before it ran."""
    return _default


def engine_or_default(engine: Optional[Engine] = None) -> Engine:
    if engine is not None:
        return engine
    if _default is None:
        raise RuntimeError("knowledge.init_db() has not run in this process: call it first, or pass engine=")
    return _default
