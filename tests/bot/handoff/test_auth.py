"""Advisor accounts: login, sessions that expire, cookie safety, rate limits, and each advisor
seeing only the cases of their own regions."""

import os
import stat
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, select, update

from bot.handoff.accounts import SCRYPT_N, AccountStore, check_password, hash_password
from bot.handoff.tables import advisors, sessions
from bot.store import Store
from tests.support.gateway import ROOT
from tests.support.handoff import PASSWORD

pytestmark = pytest.mark.asyncio

CSRF = {"X-Leerwijzer-Console": "1"}

PETRA = "petra@twente.example"
# Two clients behind the gateway's (trusted) proxy: someone guessing, and Petra at her desk.
GUESSER = {"X-Forwarded-For": "203.0.113.66"}
PETRAS_DESK = {"X-Forwarded-For": "198.51.100.7"}


async def login_from(desk, client, password, email=PETRA):
    return await desk.api("POST", "/login", headers=client, json={"email": email, "password": password})


async def test_every_advisor_call_needs_a_login(desk):
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    handoff_id = await desk.case_id(cid)
    calls = [
        ("GET", "/me"),
        ("GET", "/handoffs?status=waiting"),
        ("GET", f"/handoffs/{handoff_id}"),
        ("POST", f"/handoffs/{handoff_id}/claim"),
        ("POST", f"/handoffs/{handoff_id}/messages"),
        ("POST", f"/handoffs/{handoff_id}/notes"),
        ("POST", f"/handoffs/{handoff_id}/close"),
        ("POST", "/heartbeat"),
        ("POST", "/logout"),
        ("GET", "/ws"),
    ]
    for headers in (
        {},
        {"Authorization": "Bearer not-a-real-token"},
        {"Authorization": "Basic eDp5"},
        {"Cookie": "lw_advisor=forged"},
    ):
        for method, path in calls:
            response = await desk.api(method, path, headers=headers, json={"text": "x"})
            assert response.status == 401, (headers, method, path)
            body = await response.json()
            assert body["error"] in ("not_logged_in", "login_expired") and body["message"]
    assert await desk.mode(cid) == "waiting"  # nothing happened to the case


async def test_login_with_a_wrong_password_or_unknown_email_is_refused(desk):
    await desk.advisor()
    for body in (
        {"email": "petra@twente.example", "password": "fout-wachtwoord-123"},
        {"email": "niemand@twente.example", "password": PASSWORD},
    ):
        response = await desk.api("POST", "/login", json=body)
        assert response.status == 401
        assert (await response.json())["message"] == "Het e-mailadres of het wachtwoord klopt niet."
        assert "lw_advisor" not in response.cookies
    bad = await desk.api("POST", "/login", json={"email": "x"})
    assert bad.status == 422
    upper = await desk.api("POST", "/login", json={"email": " PETRA@Twente.Example ", "password": PASSWORD})
    assert upper.status == 200


async def test_passwords_are_stored_as_scrypt_hashes(desk):
    await desk.advisor()
    engine = create_engine(desk.handoffs.conversations.store.url)
    with engine.connect() as db:
        stored = db.execute(select(advisors.c.password_hash)).scalar()
        tokens = db.execute(select(sessions.c.token_hash)).scalars().all()
    engine.dispose()
    assert stored.startswith("scrypt$") and PASSWORD not in stored
    assert check_password(PASSWORD, stored) and not check_password(PASSWORD + "x", stored)
    token = desk.advisors["petra@twente.example"].token
    assert token not in tokens and len(tokens[0]) == 64  # only a SHA-256 of the token is kept
    assert hash_password(PASSWORD, n=2**10) != hash_password(PASSWORD, n=2**10)  # salted


def scrypt_cost(stored: str) -> int:
    return int(stored.split("$")[1])


async def test_new_passwords_get_at_least_the_owasp_scrypt_cost(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'accounts.db'}")
    await store.open()
    try:
        accounts = AccountStore(store)  # as the gateway and the command line make it
        assert accounts.scrypt_n >= 2**17
        await accounts.save_advisor(PETRA, "Petra", PASSWORD, ["twente"])
        engine = create_engine(store.url)
        with engine.connect() as db:
            stored = db.execute(select(advisors.c.password_hash)).scalar()
        engine.dispose()
        assert scrypt_cost(stored) >= 2**17 and stored.startswith("scrypt$131072$8$1$")
        assert await accounts.check(PETRA, PASSWORD)
    finally:
        await store.close()


async def test_an_old_cheaper_hash_still_logs_in_and_is_renewed(make_desk):
    desk = await make_desk()
    accounts = desk.handoffs.accounts
    await accounts.save_advisor(PETRA, "Petra", PASSWORD, ["twente"])
    accounts.scrypt_n = SCRYPT_N  # the gateway's real cost (the fixture's is lower, for speed)
    engine = create_engine(desk.handoffs.conversations.store.url)
    with engine.begin() as db:  # as stored before the cost went up
        db.execute(update(advisors).values(password_hash=hash_password(PASSWORD, n=2**15)))
    assert (await login_from(desk, {}, PASSWORD)).status == 200
    with engine.connect() as db:
        renewed = db.execute(select(advisors.c.password_hash)).scalar()
    engine.dispose()
    assert scrypt_cost(renewed) == SCRYPT_N >= 2**17
    assert (await login_from(desk, {}, PASSWORD)).status == 200
    assert (await login_from(desk, {}, "niet-het-wachtwoord")).status == 401


async def test_the_login_cookie_is_httponly_strict_and_needs_the_console_header(desk):
    await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    handoff_id = await desk.case_id(cid)
    desk.client.session.cookie_jar.clear()
    response = await desk.api("POST", "/login", json={"email": "petra@twente.example", "password": PASSWORD})
    cookie = response.cookies["lw_advisor"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/advisor"
    assert 8 * 3600 - 60 < int(cookie["max-age"]) <= 8 * 3600  # one working day

    assert (await desk.api("GET", "/me")).status == 200  # reading with the cookie alone is fine
    forged = await desk.api("POST", f"/handoffs/{handoff_id}/claim")  # a cross-site form post
    assert forged.status == 403 and (await forged.json())["error"] == "csrf_header_missing"
    other_site = await desk.api(
        "POST", f"/handoffs/{handoff_id}/claim", headers={**CSRF, "Origin": "https://evil.example"}
    )
    assert other_site.status == 403 and (await other_site.json())["error"] == "cross_site_request"
    assert await desk.mode(cid) == "waiting"
    ok = await desk.api("POST", f"/handoffs/{handoff_id}/claim", headers=CSRF)
    assert ok.status == 200 and await desk.mode(cid) == "advisor"


async def test_logout_ends_the_login(desk):
    petra = await desk.advisor()
    assert (await desk.api("POST", "/logout", petra)).status == 204
    assert (await desk.api("GET", "/me", petra)).status == 401


async def test_an_expired_login_is_refused(desk):
    petra = await desk.advisor()
    advisor = await desk.handoffs.accounts.find(petra.email)
    expired = await desk.handoffs.accounts.start_session(advisor, hours=-0.01)
    response = await desk.api("GET", "/me", headers={"Authorization": f"Bearer {expired.token}"})
    assert response.status == 401 and (await response.json())["error"] == "login_expired"
    assert await desk.handoffs.accounts.purge_expired() == 1
    assert (await desk.api("GET", "/me", petra)).status == 200  # the fresh one still works


async def test_a_new_password_ends_existing_logins(desk):
    petra = await desk.advisor()
    await desk.handoffs.accounts.save_advisor(petra.email, "Petra", "nog-een-ander-wachtwoord", ["twente"])
    assert (await desk.api("GET", "/me", petra)).status == 401


async def test_too_short_passwords_are_refused(desk):
    with pytest.raises(ValueError):
        await desk.handoffs.accounts.save_advisor("kort@twente.example", "Kort", "kort", ["twente"])


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


async def test_wrong_passwords_from_elsewhere_do_not_lock_the_advisor_out(make_desk):
    desk = await make_desk(ADVISOR_LOGIN_RATE="3/300", GATEWAY_TRUSTED_PROXIES="127.0.0.1")
    await desk.handoffs.accounts.save_advisor(PETRA, "Petra", PASSWORD, ["twente"])
    answers = [(await login_from(desk, GUESSER, f"raden-raden-{n}")).status for n in range(10)]
    assert answers[:3] == [401, 401, 401] and set(answers[3:]) == {429}
    blocked = await login_from(desk, GUESSER, PASSWORD)  # even a right guess waits now
    assert blocked.status == 429 and int(blocked.headers["Retry-After"]) > 0
    assert (await blocked.json())["message"] == (
        "Te vaak een verkeerd wachtwoord. Wacht 5 minuten en probeer het dan opnieuw."
    )
    # Petra, from a client that has not failed, logs in at once.
    assert (await login_from(desk, PETRAS_DESK, PASSWORD)).status == 200
    # Another client that tries many addresses is held back too.
    sprayer = {"X-Forwarded-For": "203.0.113.99"}
    spraying = [(await login_from(desk, sprayer, "welkom-welkom-1", f"a{n}@twente.example")).status for n in range(5)]
    assert spraying == [401, 401, 401, 429, 429]
    assert (await login_from(desk, PETRAS_DESK, PASSWORD)).status == 200


async def test_failed_logins_from_one_client_wait_longer_each_time(make_desk):
    from bot.handoff.routes import LIMITERS

    desk = await make_desk(ADVISOR_LOGIN_RATE="3/300", GATEWAY_TRUSTED_PROXIES="127.0.0.1")
    clock = desk.app[LIMITERS]["login"].clock = Clock()
    await desk.handoffs.accounts.save_advisor(PETRA, "Petra", PASSWORD, ["twente"])
    for _ in range(3):  # a few typing errors are free
        assert (await login_from(desk, PETRAS_DESK, "typefout-typefout")).status == 401
    waits = []
    for _ in range(3):
        blocked = await login_from(desk, PETRAS_DESK, "typefout-typefout")
        assert blocked.status == 429
        waits.append(int(blocked.headers["Retry-After"]))
        clock.now += waits[-1]  # waited as asked, then one more wrong password
        assert (await login_from(desk, PETRAS_DESK, "typefout-typefout")).status == 401
    assert waits == [300, 600, 1200]
    clock.now += 2400
    assert (await login_from(desk, PETRAS_DESK, PASSWORD)).status == 200


async def test_advisors_see_only_their_regions(desk):
    anna = await desk.advisor("anna@brabant.example", "Anna", tenants=("brabant",))
    petra = await desk.advisor("petra@twente.example", "Petra", tenants=("twente",))
    both = await desk.advisor("sam@leerwijzer.example", "Sam", tenants=("brabant", "twente"))
    twente = await desk.start("twente")
    brabant = await desk.start("brabant")
    await desk.bot_hands_over(twente)
    await desk.bot_hands_over(brabant)
    twente_case = await desk.case_id(twente)

    assert [c["tenant"] for c in await desk.listing(anna)] == ["brabant"]
    assert [c["tenant"] for c in await desk.listing(petra)] == ["twente"]
    assert sorted(c["tenant"] for c in await desk.listing(both)) == ["brabant", "twente"]
    filtered = await desk.api("GET", "/handoffs?status=waiting&tenant=twente", anna)
    assert filtered.status == 403

    for method, path, body in [
        ("GET", f"/handoffs/{twente_case}", None),
        ("POST", f"/handoffs/{twente_case}/claim", None),
        ("POST", f"/handoffs/{twente_case}/messages", {"text": "Hoi"}),
        ("POST", f"/handoffs/{twente_case}/notes", {"text": "Hoi"}),
        ("POST", f"/handoffs/{twente_case}/close", {}),
    ]:
        response = await desk.api(method, path, anna, json=body)
        assert response.status == 403, path
        assert (await response.json())["error"] == "other_tenant"
    assert await desk.mode(twente) == "waiting"
    assert not any(m["sender"] == "advisor" for m in await desk.history(twente))

    me = await (await desk.api("GET", "/me", both)).json()
    assert [t["name"] for t in me["tenants"]] == ["Brabant Leert", "Twente Hubs"]


async def test_the_console_page_has_a_strict_csp_and_no_inline_code(desk):
    response = await desk.client.get("/advisor/")
    page = await response.text()
    csp = response.headers["Content-Security-Policy"]
    assert response.status == 200
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "<script>" not in page and 'src="/advisor/console.js"' in page and "style=" not in page
    assert (await desk.client.get("/advisor/console.js")).status == 200
    assert (await desk.client.get("/advisor/console.css")).status == 200
    redirect = await desk.client.get("/advisor", allow_redirects=False)
    assert redirect.status == 301 and redirect.headers["Location"] == "/advisor/"
    api = await desk.api("GET", "/me")
    assert api.headers["Cache-Control"] == "no-store"


async def test_demo_advisor_command_is_idempotent_and_keeps_the_password_private(tmp_path, make_desk):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
        "ADVISOR_PASSWORD_FILE": str(tmp_path / "var" / "advisor_password"),
        "LEERWIJZER_DEMO": "1",
    }
    runs = [
        subprocess.run(
            [sys.executable, "-m", "bot.handoff", "create-demo-advisor"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        for _ in range(2)
    ]
    assert all(run.returncode == 0 for run in runs), runs[0].stderr
    password = (tmp_path / "var" / "advisor_password").read_text().strip()
    assert len(password) >= 16
    assert stat.S_IMODE((tmp_path / "var" / "advisor_password").stat().st_mode) == 0o600
    assert f"wachtwoord: {password}" in runs[0].stdout and runs[0].stdout == runs[1].stdout
    assert "adviseur@demo.leerwijzer.nl" in runs[0].stdout

    desk = await make_desk(DATABASE_URL=env["DATABASE_URL"])
    response = await desk.api("POST", "/login", json={"email": "adviseur@demo.leerwijzer.nl", "password": password})
    assert response.status == 200
    assert sorted((await response.json())["advisor"]["tenants"]) == ["brabant", "noord", "twente"]


async def unused_for(desk, advisor, minutes: float) -> None:
    """Time passes for a login: its timestamps move back, as if nobody used it meanwhile."""
    from datetime import timedelta

    from bot.handoff.accounts import token_hash

    engine = create_engine(desk.handoffs.conversations.store.url)
    with engine.begin() as db:
        row = db.execute(select(sessions).where(sessions.c.token_hash == token_hash(advisor.token))).first()
        db.execute(
            update(sessions)
            .where(sessions.c.token_hash == row.token_hash)
            .values(
                created_at=row.created_at - timedelta(minutes=minutes),
                expires_at=row.expires_at - timedelta(minutes=minutes),
            )
        )
    engine.dispose()


async def test_a_login_ends_after_half_an_hour_unused_and_after_a_working_day(desk):
    petra = await desk.advisor(online=False)
    for _ in range(3):  # in use every 20 minutes: stays logged in past the half hour
        await unused_for(desk, petra, 20)
        assert (await desk.api("GET", "/me", petra)).status == 200
    await unused_for(desk, petra, 31)
    left = await desk.api("GET", "/me", petra)
    assert left.status == 401 and (await left.json())["error"] == "login_expired"

    busy = await desk.advisor("sam@twente.example", "Sam", online=False)
    answers = []
    for _ in range(8 * 60 // 25 + 1):  # used every 25 minutes for more than 8 hours
        await unused_for(desk, busy, 25)
        answers.append((await desk.api("GET", "/me", busy)).status)
    assert answers[:19] == [200] * 19 and answers[-1] == 401


async def test_behind_a_trusted_tls_proxy_the_cookie_is_secure_and_hsts_is_sent(make_desk):
    desk = await make_desk(GATEWAY_TRUSTED_PROXIES="127.0.0.1")
    await desk.handoffs.accounts.save_advisor(PETRA, "Petra", PASSWORD, ["twente"])
    https = {"X-Forwarded-Proto": "https"}
    response = await login_from(desk, https, PASSWORD)
    assert response.status == 200 and response.cookies["lw_advisor"]["secure"]
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    page = await desk.client.get("/advisor/", headers=https)
    assert "Strict-Transport-Security" in page.headers
    # Plain http (make run on localhost): no Secure flag, no HSTS.
    plain = await login_from(desk, {}, PASSWORD)
    assert not plain.cookies["lw_advisor"]["secure"]
    assert "Strict-Transport-Security" not in plain.headers


async def test_x_forwarded_proto_from_anyone_else_is_not_believed(make_desk):
    desk = await make_desk()  # no trusted proxies
    await desk.handoffs.accounts.save_advisor(PETRA, "Petra", PASSWORD, ["twente"])
    response = await login_from(desk, {"X-Forwarded-Proto": "https"}, PASSWORD)
    assert response.status == 200 and not response.cookies["lw_advisor"]["secure"]
    assert "Strict-Transport-Security" not in response.headers


async def test_deactivating_an_advisor_ends_their_logins(tmp_path, make_desk):
    database = f"sqlite:///{tmp_path / 'gateway.db'}"
    desk = await make_desk(DATABASE_URL=database)
    petra = await desk.advisor(online=False)
    sam = await desk.advisor("sam@twente.example", "Sam", online=False)

    def deactivate(email):
        return subprocess.run(
            [sys.executable, "-m", "bot.handoff", "deactivate-advisor", email],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": database},
            capture_output=True,
            text=True,
            timeout=60,
        )

    done = deactivate(" Petra@Twente.Example ")
    assert done.returncode == 0, done.stderr
    assert "petra@twente.example" in done.stdout and "gedeactiveerd" in done.stdout
    assert (await desk.api("GET", "/me", petra)).status == 401
    assert (await login_from(desk, {}, PASSWORD)).status == 401
    assert (await desk.api("GET", "/me", sam)).status == 200  # the others work on
    unknown = deactivate("niemand@twente.example")
    assert unknown.returncode != 0 and "niemand@twente.example" in unknown.stderr


async def test_the_advisor_api_answers_every_error_in_json_like_the_public_api(desk):
    """One error path for both JSON APIs (bot/security.api_errors): an unknown address or a
    wrong method in the console's API is a JSON problem the console can show, never an HTML
    page, and nothing of it is cached."""
    advisor = await desk.advisor()
    for method, path in (("GET", "/no-such-thing"), ("DELETE", "/me")):
        response = await desk.api(method, path, advisor)
        assert response.status in (404, 405)
        body = await response.json()
        assert body["error"] in ("not_found", "method_not_allowed") and body["message"]
        assert response.headers["Cache-Control"] == "no-store"
