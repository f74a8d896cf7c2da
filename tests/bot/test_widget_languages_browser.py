"""The widget in English and Dutch (issue 17) in a real browser (Debian chromium via Playwright)
against a real gateway process (Rasa down, as in test_widget_browser.py): the language switch
(NL | EN) by keyboard, data-lang and the browser's language as the start, the widget following
the conversation's language when the user writes English, the privacy note in English, and the
advisor console's language badge. The English search with the real bot:
test_widget_english_with_rasa_browser.py."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import urllib.error
import urllib.request

import pytest

from tests.bot.test_widget_browser import CARDS, LAUNCHER, NOTICE, conversation_id, open_chat, store_call
from tests.fakes.rasa import FakeRasa
from tests.support.browser import dutch_context, watch
from tests.support.gateway import GatewayProcess, gateway_env
from tests.support.handoff import add_advisor, always_open


def root_lang(page):
    return page.locator(".lw-root").get_attribute("lang")


def wait_for_lang(page, code):
    page.wait_for_function(
        "code => document.querySelector('leerwijzer-chat').shadowRoot.querySelector('.lw-root')"
        ".getAttribute('lang') === code",
        arg=code,
    )


def focused(page):
    """(class, lang) of the element with focus inside the widget."""
    return page.evaluate("""() => {
        const e = document.activeElement.shadowRoot && document.activeElement.shadowRoot.activeElement;
        return e ? [e.className, e.getAttribute('lang') || ''] : ['', ''];
    }""")


def api(url, method="GET", body=None):
    request = urllib.request.Request(
        url, data=json.dumps(body).encode() if body is not None else None, method=method,
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def conversation_language(gateway, cid):
    return api(f"{gateway.url}/api/v1/conversations/{cid}/messages").get("language")


def wait_until(condition, seconds=10.0):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_the_widgets_texts_are_served_per_language(gateway):
    """GET /widget/i18n/<lang>.json: every text of widget.js translated, the languages for the
    switch; public, cacheable, readable from the regional sites; unknown languages 404."""
    from bot.site import WIDGET_TEXTS

    with urllib.request.urlopen(f"{gateway.url}/widget/i18n/en.json", timeout=10) as response:
        headers = response.headers
        english = json.loads(response.read())
    assert headers["Access-Control-Allow-Origin"] == "*" and "max-age" in headers["Cache-Control"]
    assert headers["ETag"]
    assert english["language"] == "en"
    assert english["languages"] == [{"code": "nl", "name": "Nederlands"}, {"code": "en", "name": "English"}]
    assert set(english["texts"]) == set(WIDGET_TEXTS.current())
    assert english["texts"]["Typ je vraag…"] == "Type your question…"
    assert api(f"{gateway.url}/widget/i18n/nl.json")["texts"] == {}
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{gateway.url}/widget/i18n/pl.json", timeout=10)
    assert refused.value.code == 404


def test_switching_to_english_by_keyboard_changes_the_texts_and_lang(gateway, context):
    page = context.new_page()
    seen = watch(page)
    open_chat(page, gateway.url, "brabant")  # a Dutch browser: Dutch
    assert root_lang(page) == "nl"
    switch = page.get_by_role("group", name="Taal")
    english = switch.get_by_role("button", name="English")
    dutch = switch.get_by_role("button", name="Nederlands")
    assert (dutch.get_attribute("aria-pressed"), english.get_attribute("aria-pressed")) == ("true", "false")
    shown = switch.locator("[aria-hidden=true]").all_inner_texts()  # what the eye sees
    assert [t.strip() for t in shown] == ["NL", "|", "EN"]

    # keyboard only: from the message box back to EN, then Enter
    for _ in range(30):
        page.keyboard.press("Shift+Tab")
        if focused(page) == ["lw-lang", "en"]:
            break
    assert focused(page) == ["lw-lang", "en"]
    page.keyboard.press("Enter")
    wait_for_lang(page, "en")

    assert page.get_by_label("Your message").get_attribute("placeholder") == "Type your question…"
    assert page.get_by_role("button", name="Send").is_visible()
    assert page.get_by_role("button", name="Close chat").is_visible()
    assert page.get_by_role("log", name="Conversation").count() == 1
    switch = page.get_by_role("group", name="Language")
    assert switch.get_by_role("button", name="English").get_attribute("aria-pressed") == "true"
    assert switch.get_by_role("button", name="Nederlands").get_attribute("aria-pressed") == "false"
    assert focused(page) == ["lw-lang", "en"]  # the keyboard stays where it was
    privacy = page.get_by_role("dialog").get_by_role("link", name="Privacy").get_attribute("href")
    assert privacy.endswith("/privacy?lang=en")
    # the gateway was told: the bot answers in English from now on
    cid = conversation_id(page, "brabant")
    assert wait_until(lambda: conversation_language(gateway, cid) == "en")

    page.keyboard.press("Escape")
    assert page.locator(LAUNCHER).inner_text().strip() == "Ask Leerwijzer a question"

    page.keyboard.press("Enter")  # open again, and back to Dutch
    page.get_by_role("group", name="Language").get_by_role("button", name="Nederlands").click()
    wait_for_lang(page, "nl")
    assert page.get_by_label("Je bericht").get_attribute("placeholder") == "Typ je vraag…"
    assert wait_until(lambda: conversation_language(gateway, cid) == "nl")
    assert seen.page_errors == [] and seen.console_errors == []


def test_data_lang_en_starts_the_widget_in_english(gateway, context):
    page = context.new_page()  # a Dutch browser, but the page says English
    seen = watch(page)
    created = []
    page.on(
        "request",
        lambda r: r.method == "POST" and r.url.endswith("/api/v1/conversations") and created.append(r.post_data_json),
    )
    page.goto(f"{gateway.url}/demo/twente?lang=en")
    assert page.locator("script[data-lang=en]").count() == 1
    launcher = page.get_by_role("button", name="Ask Leerwijzer a question")
    launcher.wait_for()
    assert root_lang(page) == "en"
    launcher.click()
    page.wait_for_selector(".lw-msg.lw-bot")
    assert created == [{"tenant": "twente", "language": "en"}]
    assert conversation_language(gateway, conversation_id(page, "twente")) == "en"
    assert page.get_by_label("Your message").is_visible()

    # the privacy note it links to is in English
    href = page.get_by_role("dialog").get_by_role("link", name="Privacy").get_attribute("href")
    assert href.endswith("/privacy?lang=en")
    note = context.new_page()
    note.goto(href)
    assert note.locator("html").get_attribute("lang") == "en"
    assert note.get_by_role("heading", level=1).inner_text() == "Privacy in the chat"
    assert "forget me" in note.locator("main").inner_text()
    note.get_by_role("link", name="Nederlands").click()
    assert note.get_by_role("heading", level=1).inner_text() == "Privacy bij de chat"
    assert seen.page_errors == [] and seen.console_errors == []


@pytest.mark.parametrize("locale, expected", [("en-GB", "en"), ("de-DE", "nl")])
def test_the_browsers_language_is_a_hint(gateway, browser, locale, expected):
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        seen = watch(page)
        page.goto(f"{gateway.url}/demo/noord")
        page.locator(LAUNCHER).wait_for()
        assert root_lang(page) == expected
        assert seen.console_errors == []  # a language the gateway does not speak: no failed request
    finally:
        context.close()


def test_an_english_message_switches_the_widget_to_english(gateway, context):
    page = context.new_page()
    open_chat(page, gateway.url, "noord")
    assert root_lang(page) == "nl"
    page.get_by_label("Je bericht").fill("Hello, I want a course about heat pumps in Breda please")
    page.keyboard.press("Enter")
    page.wait_for_selector(NOTICE)
    wait_for_lang(page, "en")  # the gateway says the conversation is English now
    assert page.get_by_label("Your message").get_attribute("placeholder") == "Type your question…"
    assert (
        page.get_by_role("group", name="Language").get_by_role("button", name="English").get_attribute("aria-pressed")
        == "true"
    )
    page.reload()  # and it stays English
    page.wait_for_selector(NOTICE)
    assert root_lang(page) == "en"


def test_cards_and_ratings_are_relabelled_on_a_switch(gateway, context):
    page = context.new_page()
    open_chat(page, gateway.url, "brabant")
    cid = conversation_id(page, "brabant")
    store_call(
        gateway.database_url,
        "add_messages",
        cid,
        [
            dict(sender="bot", text="Ik vond **2 opleidingen**.", cards=CARDS),
            dict(sender="bot", text="Het krediet kan betalen.", feedback_topic="funding"),
        ],
    )
    page.reload()
    page.locator(".lw-card").first.wait_for()
    assert "Waarom: " in page.locator(".lw-card").first.inner_text()

    page.get_by_role("button", name="English").click()
    wait_for_lang(page, "en")
    card = page.locator(".lw-card").first
    text = card.inner_text()
    assert "Why: Past bij je niveau" in text  # the label, not the bot's (stored) text
    for label in ("Level", "Format", "Place", "Duration", "Study time", "Price", "Start"):
        assert card.locator("dt", has_text=re.compile(f"^{label}$")).count() == 1, label
    assert card.locator(".lw-badge").inner_text() == "Sample data"
    assert card.get_by_role("link", name="More about Warmtepompen installeren").is_visible()
    assert card.get_by_role("group", name="Choices for Warmtepompen installeren").is_visible()
    rated = page.locator(".lw-rate")
    assert rated.get_attribute("aria-label") == "Was this helpful?"
    rated.get_by_role("button", name="No, not helpful").click()
    rated.get_by_label("What was missing? (you can leave this empty)").wait_for()
    assert rated.get_by_role("button", name="Send").is_visible()


# -- the advisor console --------------------------------------------------------------------------


class ThreadedFakeRasa:
    """FakeRasa on its own event loop in a thread, for a gateway process and a sync browser."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.fake = self.run(self._make())

    async def _make(self):
        fake = FakeRasa()
        await fake.start()
        return fake

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)

    def close(self):
        self.run(self.fake.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


HANDOFF = {
    "custom": {
        "type": "handoff",
        "reason": "gebruiker_vraagt_adviseur",
        "profile": {"theme": "warmtepompen", "location": "Breda"},
        "shown_modules": [],
    }
}


@pytest.fixture
def desk_gateway(tmp_path):
    rasa = ThreadedFakeRasa()
    rasa.fake.answers["I would like to talk to a person please"] = [{"text": "One moment."}, HANDOFF]
    env = gateway_env(
        tmp_path, RASA_URL=rasa.fake.url, RASA_TOKEN=rasa.fake.token, GATEWAY_TENANTS_FILE=always_open(tmp_path)
    )
    gateway = GatewayProcess(env=env, log_path=tmp_path / "gateway.log")
    gateway.start()
    try:
        yield gateway
    finally:
        gateway.stop()
        rasa.close()


def test_the_console_shows_the_users_language_in_the_queue_and_the_case(desk_gateway, browser):
    url = desk_gateway.url
    made = add_advisor(desk_gateway.database_url, "anna@twente.example", "Anna", "twente")
    assert made.returncode == 0, made.stderr
    password = re.search(r"wachtwoord: (\S+)", made.stdout).group(1)
    context = dutch_context(browser)
    try:
        page = context.new_page()
        seen = watch(page)
        page.goto(f"{url}/advisor/")
        page.get_by_label("E-mailadres").fill("anna@twente.example")
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen").click()
        page.get_by_role("heading", name="Gesprekken").wait_for()

        # an advisor is online: a user writing English asks for a person and is queued
        cid = api(f"{url}/api/v1/conversations", "POST", {"tenant": "twente", "language": "en"})["conversation_id"]
        asked = api(
            f"{url}/api/v1/conversations/{cid}/messages", "POST", {"text": "I would like to talk to a person please"}
        )
        assert (asked["mode"], asked["language"]) == ("waiting", "en")

        item = page.locator(".case-item").first
        item.wait_for()  # the queue follows live
        badge = item.locator(".lang-badge")
        assert badge.inner_text().strip().startswith("EN")
        assert badge.get_attribute("title") == "Engels" and badge.get_attribute("lang") == "en"
        assert "Engels" in item.text_content()  # screen readers hear the name
        item.click()
        page.locator("#case-title .lang-badge").wait_for()
        assert "taal: Engels" in page.locator("#case-meta").inner_text()
        assert page.locator("#reply").get_attribute("lang") == "en"
        assert seen.page_errors == []
    finally:
        context.close()
