"""Advisor accounts, passwords and logins.

Passwords: scrypt from the standard library (N=2^17, r=8, p=1, 16-byte salt: OWASP's minimum),
stored as "scrypt$N$r$p$salt$hash" so the cost can go up: a hash of a lower N still logs in and
is replaced by one of the current N at that login. One hash needs 128 MiB for a moment, so at
most two are computed at a time per gateway.
Logins: a random 256-bit token for the browser cookie or an `Authorization: Bearer` header;
only its SHA-256 is stored, with an expiry that moves on with use: a login ends after
ADVISOR_IDLE_MINUTES unused, and ADVISOR_SESSION_HOURS after it started at the latest. A console with a
live connection sends heartbeats (`online_at`): that is what "an advisor is online" means,
across gateway instances.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, List, Optional, Tuple

from sqlalchemy import delete, insert, select, update

from bot.handoff.settings import HandoffSettings
from bot.handoff.tables import advisor_tenants, advisors, sessions
from bot.store import StoreFacade
from database.types import utcnow

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
SCRYPT_MAXMEM = 256 * 1024 * 1024  # N=2^17, r=8 needs 128 MiB
MIN_PASSWORD_CHARS = 12
# A session's expiry is written again only when use moves it on by more than this.
KEEP_ALIVE_STEP = timedelta(seconds=60)
# What an account may do: every account handles its tenants' cases; an operator also sees the
# catalogue feeds (GET /advisor/api/catalogue/sources, the console's "Catalogusbronnen") and the
# insights of its tenants (GET /advisor/api/insights, "Inzichten").
ADVISOR, OPERATOR = "advisor", "operator"
ROLES = (ADVISOR, OPERATOR)


def hash_password(password: str, n: int = SCRYPT_N) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, maxmem=SCRYPT_MAXMEM)
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=SCRYPT_MAXMEM,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def hash_cost(stored: str) -> int:
    """The scrypt N of a stored hash (0 when it is not one)."""
    parts = stored.split("$")
    return int(parts[1]) if len(parts) == 6 and parts[1].isdigit() else 0


@functools.lru_cache(maxsize=4)
def dummy_hash(n: int) -> str:
    """Checked against when the e-mail is unknown, so a wrong e-mail takes as long as a wrong
    password."""
    return hash_password(secrets.token_urlsafe(16), n)


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
    role: str = ADVISOR

    def sees(self, tenant: str) -> bool:
        return tenant in self.tenants

    @property
    def is_operator(self) -> bool:
        return self.role == OPERATOR

    def to_api(self) -> dict:
        return {"id": self.id, "email": self.email, "name": self.name, "tenants": list(self.tenants), "role": self.role}


@dataclass(frozen=True)
class Login:
    advisor: Advisor
    token: str
    expires_at: datetime


class AccountStore(StoreFacade):
    """Advisors, their regions, logins and presence; one transaction per method.

    Logins last `settings.session_hours` at most, `settings.idle_minutes` unused. `scrypt_n` is
    the cost of new password hashes; only tests pass a lower one, for speed."""

    def __init__(self, store, settings: Optional[HandoffSettings] = None, scrypt_n: int = SCRYPT_N):
        super().__init__(store)
        self.settings = settings or HandoffSettings()
        self.scrypt_n = scrypt_n
        self._hashing: Optional[asyncio.Semaphore] = None

    async def _scrypt(self, fn, *args):
        """A password hash or check in a thread, at most two at a time (memory)."""
        if self._hashing is None:
            self._hashing = asyncio.Semaphore(2)
        async with self._hashing:
            return await asyncio.to_thread(fn, *args)

    def _advisor(self, db, row) -> Advisor:
        tenants = db.execute(
            select(advisor_tenants.c.tenant)
            .where(advisor_tenants.c.advisor_id == row.id)
            .order_by(advisor_tenants.c.tenant)
        ).scalars()
        return Advisor(row.id, row.email, row.name, tuple(tenants), row.role or ADVISOR)

    # -- accounts -------------------------------------------------------------------------

    async def save_advisor(
        self, email: str, name: str, password: str, tenants: Iterable[str], role: str = ADVISOR
    ) -> Advisor:
        """Create the account, or update name, password, tenants and role of an existing one.
        Changing the password ends the account's logins."""
        email = email.strip().lower()
        tenants = sorted(set(tenants))
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD_CHARS:
            raise ValueError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
        hashed = await self._scrypt(hash_password, password, self.scrypt_n)

        def _save():
            with self.engine.begin() as db:
                row = db.execute(select(advisors).where(advisors.c.email == email)).first()
                if row is None:
                    advisor_id = db.execute(
                        insert(advisors).values(
                            email=email, name=name, password_hash=hashed, active=True, created_at=utcnow(), role=role
                        )
                    ).inserted_primary_key[0]
                else:
                    advisor_id = row.id
                    db.execute(
                        update(advisors)
                        .where(advisors.c.id == advisor_id)
                        .values(name=name, password_hash=hashed, active=True, role=role)
                    )
                    db.execute(delete(sessions).where(sessions.c.advisor_id == advisor_id))
                    db.execute(delete(advisor_tenants).where(advisor_tenants.c.advisor_id == advisor_id))
                for tenant in tenants:
                    db.execute(insert(advisor_tenants).values(advisor_id=advisor_id, tenant=tenant))
                row = db.execute(select(advisors).where(advisors.c.id == advisor_id)).first()
                return self._advisor(db, row)

        return await self._run(_save)

    async def find(self, email: str) -> Optional[Advisor]:
        def _read():
            with self.engine.connect() as db:
                row = db.execute(select(advisors).where(advisors.c.email == email.strip().lower())).first()
                return self._advisor(db, row) if row else None

        return await self._run(_read)

    async def check(self, email: str, password: str) -> Optional[Advisor]:
        """The advisor when e-mail and password match an active account. A hash of a lower
        cost than today's is replaced by one of today's cost."""

        def _read():
            with self.engine.connect() as db:
                return db.execute(
                    select(advisors).where(advisors.c.email == email.strip().lower(), advisors.c.active.is_(True))
                ).first()

        row = await self._run(_read)
        stored = row.password_hash if row else dummy_hash(self.scrypt_n)
        ok = await self._scrypt(check_password, password, stored)
        if not (ok and row):
            return None
        if hash_cost(row.password_hash) < self.scrypt_n:
            renewed = await self._scrypt(hash_password, password, self.scrypt_n)

            def _renew():
                with self.engine.begin() as db:
                    db.execute(
                        update(advisors)
                        .values(password_hash=renewed)
                        .where(advisors.c.id == row.id, advisors.c.password_hash == row.password_hash)
                    )

            await self._run(_renew)

        def _load():
            with self.engine.connect() as db:
                return self._advisor(db, row)

        return await self._run(_load)

    async def deactivate(self, email: str) -> Optional[int]:
        """Switch the account off and end its logins: the number ended, None if unknown.
        `save_advisor` (add-advisor) switches it on again, with a new password."""

        def _deactivate():
            with self.engine.begin() as db:
                row = db.execute(select(advisors).where(advisors.c.email == email.strip().lower())).first()
                if row is None:
                    return None
                db.execute(update(advisors).where(advisors.c.id == row.id).values(active=False))
                return db.execute(delete(sessions).where(sessions.c.advisor_id == row.id)).rowcount

        return await self._run(_deactivate)

    # -- logins -----------------------------------------------------------------------------

    def _expiry(self, created: datetime, now: datetime, hours: float) -> datetime:
        return min(created + timedelta(hours=hours), now + timedelta(minutes=self.settings.idle_minutes))

    async def start_session(self, advisor: Advisor, hours: Optional[float] = None) -> Login:
        """`expires_at` of the Login is the latest end; unused, it ends sooner."""
        token = secrets.token_urlsafe(32)
        now = utcnow()
        hours = self.settings.session_hours if hours is None else hours

        def _start():
            with self.engine.begin() as db:
                db.execute(
                    insert(sessions).values(
                        token_hash=token_hash(token),
                        advisor_id=advisor.id,
                        created_at=now,
                        expires_at=self._expiry(now, now, hours),
                    )
                )

        await self._run(_start)
        return Login(advisor, token, now + timedelta(hours=hours))

    async def session(self, token: str, now: Optional[datetime] = None, keep_alive: bool = False) -> Optional[Advisor]:
        """The advisor of an unexpired login of an active account. `keep_alive`: the advisor
        uses it now, so it ends `settings.idle_minutes` from now (never past the latest end)."""
        now = now or utcnow()

        def _read():
            with self.engine.begin() as db:
                row = db.execute(
                    select(advisors, sessions.c.created_at.label("started_at"), sessions.c.expires_at)
                    .select_from(sessions.join(advisors, sessions.c.advisor_id == advisors.c.id))
                    .where(
                        sessions.c.token_hash == token_hash(token),
                        sessions.c.expires_at > now,
                        advisors.c.active.is_(True),
                    )
                ).first()
                if row is None:
                    return None
                expires = self._expiry(row.started_at, now, self.settings.session_hours)
                if keep_alive and expires > row.expires_at + KEEP_ALIVE_STEP:
                    db.execute(
                        update(sessions).where(sessions.c.token_hash == token_hash(token)).values(expires_at=expires)
                    )
                return self._advisor(db, row)

        return await self._run(_read)

    async def end_session(self, token: str) -> None:
        def _end():
            with self.engine.begin() as db:
                db.execute(delete(sessions).where(sessions.c.token_hash == token_hash(token)))

        await self._run(_end)

    async def purge_expired(self, now: Optional[datetime] = None) -> int:
        def _purge():
            with self.engine.begin() as db:
                return db.execute(delete(sessions).where(sessions.c.expires_at <= (now or utcnow()))).rowcount

        return await self._run(_purge)

    # -- presence -----------------------------------------------------------------------------

    async def heartbeat(self, token: str, online: bool = True, now: Optional[datetime] = None) -> None:
        """A live console says it is there (online=True) or closes (online=False)."""
        value = (now or utcnow()) if online else None

        def _beat():
            with self.engine.begin() as db:
                db.execute(update(sessions).where(sessions.c.token_hash == token_hash(token)).values(online_at=value))

        await self._run(_beat)

    async def online(self, tenant: str, since: datetime) -> List[str]:
        """Names of the tenant's advisors whose console sent a heartbeat after `since`."""

        def _read():
            with self.engine.connect() as db:
                return sorted(
                    set(
                        db.execute(
                            select(advisors.c.name)
                            .select_from(
                                sessions.join(advisors, sessions.c.advisor_id == advisors.c.id).join(
                                    advisor_tenants, advisor_tenants.c.advisor_id == advisors.c.id
                                )
                            )
                            .where(
                                advisor_tenants.c.tenant == tenant,
                                advisors.c.active.is_(True),
                                sessions.c.online_at > since,
                                sessions.c.expires_at > utcnow(),
                            )
                        ).scalars()
                    )
                )

        return await self._run(_read)
