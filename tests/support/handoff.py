"""The handoff in tests: office hours that are always open (or never), the bot's handoff
profile, and `Desk`: an in-process gateway with what users, the bot and advisors do with it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import yaml
from aiohttp.test_utils import TestClient

from bot.config import TENANTS_FILE
from bot.handoff.routes import HANDOFFS
from bot.http import CONVERSATIONS
from bot.replies import BotRequest
from bot.store import Message

PASSWORD = "een-lang-test-wachtwoord"
# Tests hash passwords at a low scrypt cost, for speed; test_auth.py proves the gateway's own
# (AccountStore's default, >= 2^17) and that hashes of a lower cost are renewed at login.
FAST_SCRYPT_N = 2**10
PROFILE = {
    "theme": "digitalisering_bouw",
    "education_level": "mbo4",
    "location": "Enschede",
    "region": "twente",
    "employment_status": "werkend",
    "age": 44,
    "on_benefit": False,
    "tenant": "twente",
}


def tenants_file(directory: Path, days: List[int], name: str) -> str:
    """tenants.yml with other office hours: every day all day ([1..7]) or never ([])."""
    raw = yaml.safe_load(TENANTS_FILE.read_text(encoding="utf-8"))
    raw["defaults"]["office_hours"].update(days=days, open="00:00", close="23:59:59.999999")
    path = directory / name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return str(path)


def always_open(directory: Path) -> str:
    return tenants_file(directory, [1, 2, 3, 4, 5, 6, 7], "tenants-open.yml")


def never_open(directory: Path) -> str:
    return tenants_file(directory, [], "tenants-closed.yml")


@dataclass
class AdvisorLogin:
    email: str
    name: str
    token: str
    tenants: List[str]

    @property
    def headers(self) -> Dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Desk:
    """An in-process gateway and what users, the bot and advisors do with it."""

    client: TestClient
    advisors: Dict[str, AdvisorLogin] = field(default_factory=dict)

    @property
    def app(self):
        return self.client.server.app

    @property
    def handoffs(self):
        return self.app[HANDOFFS]

    @property
    def conversations(self):
        return self.app[CONVERSATIONS]

    # -- the user --------------------------------------------------------------------------
    async def start(self, tenant: str = "twente") -> str:
        response = await self.client.post("/api/v1/conversations", json={"tenant": tenant})
        assert response.status == 201, await response.text()
        return (await response.json())["conversation_id"]

    async def say(self, cid: str, text: str, payload: Optional[str] = None) -> dict:
        body = {"text": text, **({"payload": payload} if payload else {})}
        response = await self.client.post(f"/api/v1/conversations/{cid}/messages", json=body)
        assert response.status == 200, await response.text()
        return await response.json()

    async def history(self, cid: str) -> List[dict]:
        response = await self.client.get(f"/api/v1/conversations/{cid}/messages")
        return (await response.json())["messages"]

    async def mode(self, cid: str) -> str:
        response = await self.client.get(f"/api/v1/conversations/{cid}/messages")
        return (await response.json())["mode"]

    # -- the bot ---------------------------------------------------------------------------
    async def bot_hands_over(
        self,
        cid: str,
        reason: str = "gebruiker_vraagt_adviseur",
        profile: Optional[dict] = None,
        shown_modules: Optional[list] = None,
    ) -> List[Message]:
        """What the gateway does with action_handoff's json_message (after the user's "ja")."""
        conversation = await self.conversations.store.get_conversation(cid)
        return await self.handoffs.on_bot_request(
            conversation,
            BotRequest(
                "handoff",
                {
                    "type": "handoff",
                    "reason": reason,
                    "profile": PROFILE if profile is None else profile,
                    "shown_modules": shown_modules or [],
                },
            ),
        )

    # -- advisors --------------------------------------------------------------------------
    async def advisor(
        self,
        email: str = "petra@twente.example",
        name: str = "Petra",
        tenants=("twente",),
        online: bool = True,
        role: str = "advisor",
    ) -> AdvisorLogin:
        await self.handoffs.accounts.save_advisor(email, name, PASSWORD, tenants, role)
        response = await self.client.post("/advisor/api/login", json={"email": email, "password": PASSWORD})
        assert response.status == 200, await response.text()
        login = AdvisorLogin(email, name, (await response.json())["token"], list(tenants))
        if online:
            await self.heartbeat(login)
        self.advisors[email] = login
        return login

    async def heartbeat(self, advisor: AdvisorLogin) -> None:
        response = await self.client.post("/advisor/api/heartbeat", headers=advisor.headers)
        assert response.status == 204

    async def api(self, method: str, path: str, advisor: Optional[AdvisorLogin] = None, **kwargs):
        headers = dict(advisor.headers) if advisor else {}
        headers.update(kwargs.pop("headers", {}))
        return await self.client.request(method, f"/advisor/api{path}", headers=headers, **kwargs)

    async def listing(self, advisor: AdvisorLogin, status: str = "waiting") -> List[dict]:
        response = await self.api("GET", f"/handoffs?status={status}", advisor)
        assert response.status == 200, await response.text()
        return (await response.json())["handoffs"]

    async def case_id(self, cid: str) -> int:
        """The id of the conversation's open case (the console finds it in its lists)."""
        case = await self.handoffs.cases.open_for(cid)
        assert case is not None, f"conversation {cid} has no open handoff case"
        return case.id

    async def detail(self, advisor: AdvisorLogin, handoff_id: int) -> dict:
        response = await self.api("GET", f"/handoffs/{handoff_id}", advisor)
        assert response.status == 200, await response.text()
        return await response.json()


def add_advisor(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """`python -m bot.handoff add-advisor ARGS` on this database (prints the password)."""
    return subprocess.run(
        [sys.executable, "-m", "bot.handoff", "add-advisor", *args],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
