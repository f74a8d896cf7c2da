"""The handoff end to end with the real bot (Rasa + action server from `rasa_stack`) in a real
browser: a user in the widget and an advisor in the console, each in their own browser context.

The gateway here is its own process on the stack's Rasa, with office hours that are always open
(the test must not depend on the hour it runs) and the demo advisor made by the set-up command.
"""

import json
import os
import re
import subprocess
import sys
import urllib.request

import pytest

from bot.handoff import dialogue
from tests.support.browser import dutch_context, watch
from tests.support.gateway import ROOT, GatewayProcess, gateway_env
from tests.support.handoff import always_open

CSP_PROBE = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation', "
    "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)
DEMO_EMAIL = "adviseur@demo.leerwijzer.nl"
BOT_WAIT = 60_000  # ms; the first answers of a fresh Rasa can be slow on a busy machine


@pytest.fixture(scope="module")
def handoff_gateway(rasa_stack, tmp_path_factory):
    data = tmp_path_factory.mktemp("handoff")
    env = gateway_env(
        data,
        RASA_URL=rasa_stack.rasa_url,
        RASA_TIMEOUT="60",
        GATEWAY_TENANTS_FILE=always_open(data),
        ADVISOR_PASSWORD_FILE=str(data / "advisor_password"),
    )
    made = subprocess.run(
        [sys.executable, "-m", "bot.handoff", "create-demo-advisor"],
        cwd=ROOT,
        env={**os.environ, **env, "LEERWIJZER_DEMO": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    gateway = GatewayProcess(env=env, log_path=data / "gateway.log")
    gateway.start()
    gateway.password = (data / "advisor_password").read_text().strip()
    yield gateway
    gateway.stop()


def call(method, url, body=None):
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body else None,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=90) as response:
        return json.loads(response.read())


def send(page, text):
    page.get_by_label("Je bericht").fill(text)
    page.keyboard.press("Enter")


def test_refusing_consent_keeps_the_bot(handoff_gateway):
    url = handoff_gateway.url
    cid = call("POST", f"{url}/api/v1/conversations", {"tenant": "twente"})["conversation_id"]
    asked = call(
        "POST",
        f"{url}/api/v1/conversations/{cid}/messages",
        {"text": "Praten met een adviseur", "payload": "/request_human"},
    )
    consent = asked["messages"][-1]
    assert consent["text"] == "Mag ik je gesprek en wat je me vertelde doorsturen naar een adviseur?"
    assert [b["payload"] for b in consent["buttons"]] == ["/affirm", "/deny"]
    refused = call("POST", f"{url}/api/v1/conversations/{cid}/messages", {"text": "Nee", "payload": "/deny"})
    assert refused["mode"] == "bot"
    assert refused["messages"][0]["text"].startswith("Goed, dan gaan we samen verder.")
    # the bot goes on answering
    more = call("POST", f"{url}/api/v1/conversations/{cid}/messages", {"text": "Hallo!"})
    assert more["mode"] == "bot" and more["messages"][0]["sender"] == "bot"


def test_user_and_advisor_in_two_browsers(handoff_gateway, browser):
    url = handoff_gateway.url
    contexts = [dutch_context(browser, height=900, timeout_ms=20_000) for _ in range(2)]
    try:
        user_ctx, advisor_ctx = contexts

        # -- the advisor logs in (the open console makes the advisor "online")
        console = advisor_ctx.new_page()
        console.add_init_script(CSP_PROBE)
        console_seen = watch(console)
        console.goto(f"{url}/advisor/")
        console.get_by_label("E-mailadres").fill(DEMO_EMAIL)
        console.get_by_label("Wachtwoord").fill("fout-wachtwoord-123")
        console.get_by_role("button", name="Inloggen").click()
        console.locator("#login-error", has_text="klopt niet").wait_for()
        console.get_by_label("Wachtwoord").fill(handoff_gateway.password)
        console.get_by_role("button", name="Inloggen").click()
        console.get_by_role("heading", name="Gesprekken").wait_for()
        assert "Demo-adviseur" in console.locator("#who").inner_text()

        # -- the user tells the bot something, then asks for an advisor and consents
        page = user_ctx.new_page()
        page.add_init_script(CSP_PROBE)
        user_seen = watch(page)
        page.goto(f"{url}/demo/twente")
        page.click(".lw-launcher")
        bot = page.locator(".lw-msg.lw-bot")
        bot.first.wait_for()
        answers = bot.count()
        send(page, "Ik woon in Enschede")
        bot.nth(answers).wait_for(timeout=BOT_WAIT)
        answers = bot.count()
        send(page, "Ik wil met een adviseur praten")
        consent = page.locator(
            ".lw-msg.lw-bot", has_text="Mag ik je gesprek en wat je me vertelde doorsturen naar een adviseur?"
        )
        consent.wait_for(timeout=BOT_WAIT)
        consent.get_by_role("button", name="Ja").click()
        page.locator(".lw-msg.lw-bot", has_text="Je staat in de wachtrij").wait_for(timeout=BOT_WAIT)
        assert "wacht op een adviseur" in page.locator(".lw-subtitle").inner_text()

        # -- the advisor sees the case, claims it and reads profile and transcript
        case = console.locator(".case-item", has_text="Vraagt zelf om een adviseur")
        case.wait_for()
        assert "wacht" in case.inner_text()
        case.click()
        console.get_by_role("button", name="Neem gesprek over").click()
        reply = console.get_by_label("Je antwoord aan de gebruiker")
        reply.wait_for()
        assert "Enschede" in console.locator("#profile").inner_text()
        assert "Ik woon in Enschede" in console.locator("#transcript").inner_text()

        # -- the advisor answers: the user sees it, and who is talking
        page.locator(".lw-msg.lw-bot", has_text="neemt het gesprek nu over").wait_for()
        reply.fill("Hoi! Ik ben adviseur bij Twente Hubs. Wat wil je leren?")
        reply.press("Enter")
        advisor_message = page.locator(".lw-msg.lw-advisor")
        advisor_message.wait_for()
        assert "Hoi! Ik ben adviseur bij Twente Hubs." in advisor_message.inner_text()
        assert "in gesprek met een adviseur" in page.locator(".lw-subtitle").inner_text()

        # -- the user types (the advisor sees it) and answers (the advisor reads it)
        page.get_by_label("Je bericht").press_sequentially("Ik wil BIM leren", delay=20)
        console.locator("#typing").wait_for(state="visible")
        page.keyboard.press("Enter")
        console.locator("#transcript .msg-user", has_text="Ik wil BIM leren").wait_for()
        assert page.locator(".lw-msg.lw-bot", has_text="Ik wil BIM leren").count() == 0

        # -- the advisor adds a note and hands back to the bot
        console.get_by_label("Notitie bij afsluiten (mag leeg blijven)").fill("Wil BIM; woont in Enschede.")
        console.get_by_role("button", name="Sluiten en teruggeven aan de bot").click()
        console.locator("#status", has_text="teruggegeven aan de bot").wait_for()
        page.locator(".lw-msg.lw-bot", has_text=dialogue.WELCOME_BACK).wait_for()
        assert "digitale assistent" in page.locator(".lw-subtitle").inner_text()
        assert "Wil BIM; woont in Enschede." not in page.locator(".lw-log").inner_text()
        # -- one tap rates the advisor's help
        rate = page.locator(".lw-msg.lw-bot", has_text=dialogue.RATE_HANDOFF)
        rate.get_by_role("button", name="4").click()
        page.locator(".lw-msg.lw-bot", has_text=dialogue.RATED).wait_for()

        # -- the bot answers again, and still knows what the user told it before the handoff
        answers = bot.count()
        send(page, "Wat weet je van mij?")
        bot.nth(answers).wait_for(timeout=BOT_WAIT)
        profile = page.locator(".lw-msg.lw-bot", has_text="Dit weet ik van je")
        profile.wait_for(timeout=BOT_WAIT)
        assert re.search(r"Enschede", profile.inner_text())

        assert page.evaluate("window.__csp") == [] and console.evaluate("window.__csp") == []
        assert user_seen.page_errors == [] and console_seen.page_errors == []
        assert user_seen.console_errors == []
    finally:
        for ctx in contexts:
            ctx.close()
