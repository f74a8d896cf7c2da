"""Advisor accounts, passwords and logins.

Passwords: scrypt from the standard library (N=2^15, r=8, p=1, 16-byte salt), stored as
"scrypt$N$r$p$salt$hash" so the cost can go up later without breaking old hashes.
Logins: a random 256-bit token for the browser cookie or an `Authorization: Bearer` header;
only its SHA-256 is stored, with an expiry. A console with a live connection sends heartbeats
(`online_at`): that is what "an advisor is online" means, across gateway instances.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, List, Optional, Tuple

from sqlalchemy import delete, insert, select, update

from bot.handoff.tables import advisor_tenants, advisors, naive, sessions, utcnow
from bot.store import StoreFacade

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 1
SCRYPT_MAXMEM = 64 * 1024 * 1024
MIN_PASSWORD_CHARS = 12


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
                            p=SCRYPT_P, maxmem=SCRYPT_MAXMEM)
    b64 = lambda raw: base64.b64encode(raw).decode("ascii")  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt)}${b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n),
                                r=int(r), p=int(p), maxmem=SCRYPT_MAXMEM, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# Checked against when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def generate_password() -> str:
    return secrets.token_urlsafe(15)  # 20 characters, about 120 bits


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Advisor:
    id: int
    email: str
    name: str
    tenants: Tuple[str, ...]

    def sees(self, tenant: str) -> bool:
        return tenant in self.tenants

    def to_api(self) -> dict:
        return {"id": self.id, "email": self.email, "name": self.name,
                "tenants": list(self.tenants)}


@dataclass(frozen=True)
class Login:
    advisor: Advisor
    token: str
    expires_at: datetime


class AccountStore(StoreFacade):
    """Advisors, their regions, logins and presence; one transaction per method."""

    def _advisor(self, db, row) -> Advisor:
        tenants = db.execute(select(advisor_tenants.c.tenant).where(
            advisor_tenants.c.advisor_id == row.id).order_by(advisor_tenants.c.tenant)).scalars()
        return Advisor(row.id, row.email, row.name, tuple(tenants))

    # -- accounts -------------------------------------------------------------------------

    async def save_advisor(self, email: str, name: str, password: str,
                           tenants: Iterable[str]) -> Advisor:
        """Create the account, or update name, password and tenants of an existing one.
        Changing the password ends the account's logins."""
        email = email.strip().lower()
        tenants = sorted(set(tenants))
        if len(password) < MIN_PASSWORD_CHARS:
            raise ValueError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
        hashed = await asyncio.to_thread(hash_password, password)

        def _save():
            with self.engine.begin() as db:
                row = db.execute(select(advisors).where(advisors.c.email == email)).first()
                if row is None:
                    advisor_id = db.execute(insert(advisors).values(
                        email=email, name=name, password_hash=hashed, active=True,
                        created_at=naive(utcnow()))).inserted_primary_key[0]
                else:
                    advisor_id = row.id
                    db.execute(update(advisors).where(advisors.c.id == advisor_id).values(
                        name=name, password_hash=hashed, active=True))
                    db.execute(delete(sessions).where(sessions.c.advisor_id == advisor_id))
                    db.execute(delete(advisor_tenants).where(
                        advisor_tenants.c.advisor_id == advisor_id))
                for tenant in tenants:
                    db.execute(insert(advisor_tenants).values(advisor_id=advisor_id, tenant=tenant))
                row = db.execute(select(advisors).where(advisors.c.id == advisor_id)).first()
                return self._advisor(db, row)

        return await self._run(_save)

    async def find(self, email: str) -> Optional[Advisor]:
        def _read():
            with self.engine.connect() as db:
                row = db.execute(select(advisors).where(
                    advisors.c.email == email.strip().lower())).first()
                return self._advisor(db, row) if row else None

        return await self._run(_read)

    async def check(self, email: str, password: str) -> Optional[Advisor]:
        """The advisor when e-mail and password match an active account."""
        def _read():
            with self.engine.connect() as db:
                return db.execute(select(advisors).where(
                    advisors.c.email == email.strip().lower(), advisors.c.active.is_(True))).first()

        row = await self._run(_read)
        ok = await asyncio.to_thread(check_password, password,
                                     row.password_hash if row else _DUMMY_HASH)
        if not (ok and row):
            return None

        def _load():
            with self.engine.connect() as db:
                return self._advisor(db, row)

        return await self._run(_load)

    # -- logins -----------------------------------------------------------------------------

    async def start_session(self, advisor: Advisor, hours: float) -> Login:
        token = secrets.token_urlsafe(32)
        now = utcnow()
        expires = now + timedelta(hours=hours)

        def _start():
            with self.engine.begin() as db:
                db.execute(insert(sessions).values(
                    token_hash=token_hash(token), advisor_id=advisor.id,
                    created_at=naive(now), expires_at=naive(expires)))

        await self._run(_start)
        return Login(advisor, token, expires)

    async def session(self, token: str, now: Optional[datetime] = None) -> Optional[Advisor]:
        """The advisor of an unexpired login of an active account."""
        now = now or utcnow()

        def _read():
            with self.engine.connect() as db:
                row = db.execute(select(advisors).select_from(
                    sessions.join(advisors, sessions.c.advisor_id == advisors.c.id)).where(
                    sessions.c.token_hash == token_hash(token),
                    sessions.c.expires_at > naive(now), advisors.c.active.is_(True))).first()
                return self._advisor(db, row) if row else None

        return await self._run(_read)

    async def end_session(self, token: str) -> None:
        def _end():
            with self.engine.begin() as db:
                db.execute(delete(sessions).where(sessions.c.token_hash == token_hash(token)))

        await self._run(_end)

    async def purge_expired(self, now: Optional[datetime] = None) -> int:
        def _purge():
            with self.engine.begin() as db:
                return db.execute(delete(sessions).where(
                    sessions.c.expires_at <= naive(now or utcnow()))).rowcount

        return await self._run(_purge)

    # -- presence -----------------------------------------------------------------------------

    async def heartbeat(self, token: str, online: bool = True,
                        now: Optional[datetime] = None) -> None:
        """A live console says it is there (online=True) or closes (online=False)."""
        value = naive(now or utcnow()) if online else None

        def _beat():
            with self.engine.begin() as db:
                db.execute(update(sessions).where(sessions.c.token_hash == token_hash(token))
                           .values(online_at=value))

        await self._run(_beat)

    async def online(self, tenant: str, since: datetime) -> List[str]:
        """Names of the tenant's advisors whose console sent a heartbeat after `since`."""
        def _read():
            with self.engine.connect() as db:
                return sorted(set(db.execute(
                    select(advisors.c.name)
                    .select_from(sessions.join(advisors, sessions.c.advisor_id == advisors.c.id)
                                 .join(advisor_tenants,
                                       advisor_tenants.c.advisor_id == advisors.c.id))
                    .where(advisor_tenants.c.tenant == tenant, advisors.c.active.is_(True),
                           sessions.c.online_at > naive(since),
                           sessions.c.expires_at > naive(utcnow()))).scalars()))

        return await self._run(_read)
