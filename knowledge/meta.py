"""Small helpers on a connection: the key/value facts of the database (table meta) and the
JSON lists stored in text columns."""

from __future__ import annotations

import json
from typing import Optional

from sqlalchemy import insert, select, update

from . import schema as S


def get_meta(conn, key: str) -> Optional[str]:
    return conn.execute(select(S.meta.c.value).where(S.meta.c.key == key)).scalar()


def set_meta(conn, key: str, value: str) -> None:
    if get_meta(conn, key) is None:
        conn.execute(insert(S.meta).values(key=key, value=value))
    else:
        conn.execute(update(S.meta).where(S.meta.c.key == key).values(value=value))


def json_list(value) -> list:
    try:
        out = json.loads(value or "[]")
    except (TypeError, ValueError):
        return []
    return out if isinstance(out, list) else []
