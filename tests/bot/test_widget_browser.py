"""The widget in a real browser (Debian chromium via Playwright) against a real gateway process.

Rasa is down for this gateway, so its answer to a typed message is the gateway's Dutch notice;
bot answers and cards from stored messages are replayed from the history. The bot's own answers
in the browser: test_with_rasa.py.
"""

import asyncio
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.store import Store
from tests.support.browser import watch
from tests.support.gateway import GatewayProcess, gateway_env

LAUNCHER = ".lw-launcher"
NOTICE = ".lw-msg.lw-system"
CSP_PROBE = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation', "
    "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)


def run_async(coroutine):
    """Run a coroutine in its own thread (Playwright's sync API owns this thread's loop)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def store_call(database_url, method, *args, **kwargs):
    async def _call():
        store = Store(database_url)
        await store.open()
        try:
            return await getattr(store, method)(*args, **kwargs)
        finally:
            await store.close()

    return run_async(_call())


def open_chat(page, url, tenant):
    page.goto(f"{url}/demo/{tenant}")
    page.click(LAUNCHER)
    page.wait_for_selector(".lw-msg.lw-bot")


def conversation_id(page, tenant):
    return page.evaluate(f"localStorage.getItem('leerwijzer:{tenant}:conversation')")


def user_texts(page):
    return page.locator(".lw-msg.lw-user .lw-bubble").all_inner_texts()


# -- first look ---------------------------------------------------------------------------------


def test_demo_page_chat_opens_with_the_welcome_under_strict_csp(gateway, context, capsys):
    page = context.new_page()
    page.add_init_script(CSP_PROBE)
    seen = watch(page)
    started = time.perf_counter()
    page.goto(f"{gateway.url}/demo/brabant")
    launcher = page.get_by_role("button", name=re.compile("Stel je vraag"))
    launcher.wait_for()
    ready = time.perf_counter()
    assert launcher.get_attribute("aria-expanded") == "false"
    launcher.click()
    page.wait_for_selector(".lw-msg.lw-bot")
    first_message = time.perf_counter()
    with capsys.disabled():
        print(
            f"\n[widget] launcher visible {1000 * (ready - started):.0f} ms after navigation; "
            f"first message {1000 * (first_message - ready):.0f} ms after the click"
        )

    welcome = page.locator(".lw-msg.lw-bot").first
    assert "Brabant Leert" in welcome.inner_text()
    assert welcome.locator("time").count() == 1
    assert welcome.get_by_role("button", name="Een opleiding zoeken").is_visible()
    assert page.get_by_role("dialog", name="Leerwijzer").is_visible()
    assert page.locator("[role=log][aria-live=polite]").count() == 1
    assert page.get_by_label("Je bericht").is_visible()
    assert page.get_by_role("button", name="Chat sluiten").is_visible()
    assert page.get_by_role("dialog").get_by_role("link", name="Privacy").get_attribute("href").endswith("/privacy")

    page.get_by_label("Je bericht").fill("Hoi, ik zoek een cursus")
    page.keyboard.press("Enter")
    page.wait_for_selector(NOTICE)
    assert user_texts(page) == ["Hoi, ik zoek een cursus"]
    assert "storing" in page.locator(NOTICE).inner_text()
    assert page.evaluate("window.__csp") == []
    assert seen.console_errors == [] and seen.page_errors == []


def test_host_page_css_does_not_reach_the_widget(gateway, context):
    page = context.new_page()
    open_chat(page, gateway.url, "noord")
    # the demo site styles every button 30px, yellow, with a dashed magenta border
    send = page.locator(".lw-send")
    style = send.evaluate(
        "b => { const s = getComputedStyle(b); return [s.fontSize, s.backgroundColor, s.borderStyle]; }"
    )
    assert style[0] == "15px"
    assert style[1] == "rgb(29, 94, 32)"  # noord's primary colour, not the host's yellow
    assert style[2] != "dashed"


# -- safety -------------------------------------------------------------------------------------


def test_markup_typed_by_a_user_is_shown_as_text(gateway, context):
    page = context.new_page()
    seen = watch(page)
    open_chat(page, gateway.url, "twente")
    attack = "<img src=x onerror=alert(1)>"
    page.get_by_label("Je bericht").fill(attack)
    page.get_by_role("button", name="Verstuur").click()
    page.wait_for_selector(NOTICE)
    assert user_texts(page) == [attack]
    page.reload()
    page.wait_for_selector(".lw-msg.lw-user")
    assert user_texts(page) == [attack]  # also when replayed from the history
    assert page.locator("img").count() == 0
    assert seen.dialogs == []


def test_markup_in_bot_messages_and_cards_is_shown_as_text(gateway, context):
    page = context.new_page()
    seen = watch(page)
    open_chat(page, gateway.url, "twente")
    cid = conversation_id(page, "twente")
    store_call(
        gateway.database_url,
        "add_message",
        cid,
        "bot",
        "<script>alert(2)</script> [klik hier](javascript:alert(3)) <b>vet</b>",
        cards=[{"title": "<img src=x onerror=alert(4)>", "url": "javascript:alert(5)", "sample": False, "buttons": []}],
    )
    page.reload()
    page.wait_for_selector(".lw-card")
    bubble = page.locator(".lw-msg.lw-bot .lw-bubble").nth(1)
    assert "<script>alert(2)</script>" in bubble.inner_text()
    assert "<b>vet</b>" in bubble.inner_text()
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator(".lw-card-title").inner_text() == "<img src=x onerror=alert(4)>"
    page.get_by_text("klik hier").click()
    assert page.locator("img").count() == 0 and page.locator("leerwijzer-chat script").count() == 0
    assert seen.dialogs == []


def test_imported_data_escaped_by_the_bot_stays_text_and_is_no_link(gateway, context):
    """A provider's course title "[Subsidie](https://…)" goes into a bot text escaped
    (actions/markup.py): the user reads the title as typed, and no link is made of it."""
    from actions.markup import md

    page = context.new_page()
    open_chat(page, gateway.url, "twente")
    cid = conversation_id(page, "twente")
    title = "[Subsidie aanvragen](https://phishing.example/x) *gratis*"
    store_call(gateway.database_url, "add_message", cid, "bot", f"Module: {md(title)} — ROC Voorbeeld")
    page.reload()
    bubble = page.locator(".lw-msg.lw-bot .lw-bubble").nth(1)
    bubble.wait_for()
    assert bubble.inner_text().strip() == f"Module: {title} — ROC Voorbeeld"
    assert bubble.locator("a").count() == 1  # only the bare URL, shown as itself
    assert bubble.locator("a").inner_text() == "https://phishing.example/x"
    assert bubble.locator("em").count() == 0


# -- messages, cards, buttons -------------------------------------------------------------------

CARDS = [
    {
        "module_id": "m-1",
        "title": "Warmtepompen installeren",
        "provider": "ROC Voorbeeld",
        "level": "mbo 4",
        "format": "hybride",
        "location": "Breda",
        "duration": "10 weken",
        "study_load": "80 uur",
        "price": "€ 1.250 incl. btw",
        "next_start": "12 januari 2027",
        "why": "Past bij je niveau en je wil de techniek in.",
        "url": "https://example.org/m-1",
        "sample": True,
        "buttons": [{"title": "Meer over Warmtepompen", "payload": '/course_details{"module_id":"m-1"}'}],
    },
    {
        "module_id": "m-2",
        "title": "BIM-modelleur",
        "provider": "Hogeschool Voorbeeld",
        "level": "hbo",
        "format": "online",
        "price": "€ 2.400",
        "sample": False,
        "buttons": [],
    },
]


def test_cards_show_the_module_facts_and_their_buttons_send_the_payload(gateway, context):
    page = context.new_page()
    open_chat(page, gateway.url, "brabant")
    cid = conversation_id(page, "brabant")
    store_call(
        gateway.database_url,
        "add_message",
        cid,
        "bot",
        "Ik vond **2 opleidingen**. Meer op [de site](https://example.org/aanbod).\n\n- kort\n- praktisch",
        cards=CARDS,
    )
    page.reload()
    cards = page.locator(".lw-card")
    cards.first.wait_for()
    assert cards.count() == 2
    first = cards.nth(0).inner_text()
    for fact in (
        "Warmtepompen installeren",
        "ROC Voorbeeld",
        "mbo 4",
        "hybride",
        "Breda",
        "10 weken",
        "80 uur",
        "€ 1.250 incl. btw",
        "12 januari 2027",
        "Waarom: Past bij je niveau en je wil de techniek in.",
    ):
        assert fact in first, fact
    assert cards.nth(0).locator(".lw-badge").inner_text() == "Voorbeeldgegevens"
    assert cards.nth(1).locator(".lw-badge").count() == 0
    # a card's buttons say which module they are about
    assert cards.nth(0).get_by_role("group", name="Keuzes bij Warmtepompen installeren").is_visible()
    bubble = page.locator(".lw-msg.lw-bot .lw-bubble").nth(1)
    assert bubble.locator("strong").inner_text() == "2 opleidingen"
    assert bubble.locator("li").all_inner_texts() == ["kort", "praktisch"]
    link = bubble.get_by_role("link", name="de site")
    assert link.get_attribute("href") == "https://example.org/aanbod"
    assert link.get_attribute("rel") == "noopener noreferrer"

    page.get_by_role("button", name="Meer over Warmtepompen").click()
    page.wait_for_selector(NOTICE)
    assert user_texts(page) == ["Meer over Warmtepompen"]  # the title, not the payload
    stored = store_call(gateway.database_url, "messages", cid)
    assert stored[-2].sender == "user" and stored[-2].payload == '/course_details{"module_id":"m-1"}'


def test_an_answer_can_be_rated_by_keyboard_and_a_down_asks_what_was_missing(gateway, context):
    from sqlalchemy import create_engine, select

    from bot.feedback import feedback

    page = context.new_page()
    open_chat(page, gateway.url, "brabant")
    cid = conversation_id(page, "brabant")
    answer, question = store_call(
        gateway.database_url,
        "add_messages",
        cid,
        [
            dict(sender="bot", text="Het Levenlanglerenkrediet kan je opleiding betalen.", feedback_topic="funding"),
            dict(sender="bot", text="Hoe oud ben je?"),
        ],
    )
    page.reload()
    page.get_by_text("Levenlanglerenkrediet").wait_for()
    rated = page.locator(f'.lw-msg[data-id="{answer.id}"] .lw-rate')
    assert rated.is_visible() and rated.get_attribute("aria-label") == "Had je hier iets aan?"
    assert page.locator(f'.lw-msg[data-id="{question.id}"] .lw-rate').count() == 0  # a question: no thumbs
    assert page.locator(".lw-rate").count() == 1

    down = rated.get_by_role("button", name="Nee, niet nuttig")
    down.focus()
    page.keyboard.press("Enter")
    field = rated.get_by_label("Wat miste je? (mag leeg blijven)")
    field.wait_for()
    assert down.get_attribute("aria-pressed") == "true"
    assert rated.get_by_role("button", name="Ja, nuttig").get_attribute("aria-pressed") == "false"
    assert page.evaluate("document.activeElement.shadowRoot.activeElement.className") == "lw-missed"
    page.keyboard.type("Wat het kost per maand")
    page.keyboard.press("Enter")
    rated.get_by_text("Dank je voor je reactie.").wait_for()

    engine = create_engine(gateway.database_url)
    with engine.connect() as db:
        rows = db.execute(select(feedback.c.message_id, feedback.c.rating, feedback.c.comment)).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(answer.id, -1, "Wat het kost per maand")]


def test_a_message_sent_at_once_after_opening_is_not_lost(gateway, context):
    page = context.new_page()
    page.goto(f"{gateway.url}/demo/twente")
    page.click(LAUNCHER)
    page.get_by_label("Je bericht").fill("Meteen een vraag")  # before the chat is connected
    page.keyboard.press("Enter")
    page.wait_for_selector(NOTICE)
    assert user_texts(page) == ["Meteen een vraag"]
    assert page.get_by_label("Je bericht").input_value() == ""


def test_welcome_button_click_shows_the_title_as_the_users_message(gateway, context):
    page = context.new_page()
    open_chat(page, gateway.url, "noord")
    page.get_by_role("button", name="Wie betaalt mijn opleiding?").click()
    page.wait_for_selector(NOTICE)
    assert user_texts(page) == ["Wie betaalt mijn opleiding?"]
    assert page.evaluate("document.activeElement.shadowRoot.activeElement.id") == "lw-input"


# -- persistence --------------------------------------------------------------------------------


def test_reload_and_second_tab_replay_the_same_conversation(gateway, context):
    page = context.new_page()
    open_chat(page, gateway.url, "brabant")
    page.get_by_label("Je bericht").fill("Mijn eerste vraag")
    page.keyboard.press("Enter")
    page.wait_for_selector(NOTICE)
    before = page.locator(".lw-msg").all_inner_texts()

    page.reload()  # the panel reopens by itself and replays the history
    page.wait_for_selector(NOTICE)
    assert page.locator(".lw-msg").all_inner_texts() == before

    tab = context.new_page()
    tab.goto(f"{gateway.url}/demo/brabant")
    tab.click(LAUNCHER)
    tab.wait_for_selector(NOTICE)
    assert tab.locator(".lw-msg").all_inner_texts() == before
    tab.get_by_label("Je bericht").fill("Vanuit het tweede tabblad")
    tab.keyboard.press("Enter")
    # the first tab sees it live, without a reload
    page.wait_for_function(
        "() => [...document.querySelector('leerwijzer-chat').shadowRoot"
        ".querySelectorAll('.lw-user')].some(e => e.textContent.includes('tweede tabblad'))"
    )
    assert user_texts(page) == ["Mijn eerste vraag", "Vanuit het tweede tabblad"]


def test_offline_notice_and_reconnect_after_a_gateway_restart(browser, tmp_path):
    gateway = GatewayProcess(env=gateway_env(tmp_path), log_path=tmp_path / "gateway.log")
    gateway.start()
    context = browser.new_context(locale="nl-NL")  # a Dutch browser: the widget speaks Dutch
    try:
        page = context.new_page()
        open_chat(page, gateway.url, "twente")
        page.get_by_label("Je bericht").fill("Voor de herstart")
        page.keyboard.press("Enter")
        page.wait_for_selector(NOTICE)

        gateway.stop()
        status = page.locator(".lw-status")
        status.filter(has_text="Geen verbinding").wait_for(timeout=10_000)
        assert page.get_by_role("status").inner_text().startswith("Geen verbinding")

        page.get_by_label("Je bericht").fill("Tijdens de storing")  # kept and sent later
        page.keyboard.press("Enter")

        gateway.start()
        status.filter(has_text="Weer verbonden").wait_for(timeout=60_000)  # back-off <= 15 s
        page.locator(NOTICE).nth(1).wait_for()
        page.get_by_label("Je bericht").fill("Na de herstart")
        page.keyboard.press("Enter")
        page.locator(NOTICE).nth(2).wait_for()
        assert user_texts(page) == ["Voor de herstart", "Tijdens de storing", "Na de herstart"]
    finally:
        context.close()
        gateway.stop()


# -- accessibility ------------------------------------------------------------------------------


def active(page):
    """(class, id) of the focused element, looking inside the widget's shadow root."""
    return page.evaluate("""() => {
        let e = document.activeElement;
        while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
        return [e.className || e.tagName, e.id];
    }""")


def focus_ring(page):
    return page.evaluate("""() => {
        const e = document.activeElement.shadowRoot.activeElement;
        const s = getComputedStyle(e);
        return [s.outlineStyle, parseFloat(s.outlineWidth)];
    }""")


def test_keyboard_only(gateway, context):
    page = context.new_page()
    page.goto(f"{gateway.url}/demo/twente")
    page.locator(LAUNCHER).wait_for()
    for _ in range(40):  # Tab through the page until the launcher has focus
        page.keyboard.press("Tab")
        if active(page)[0] == "lw-launcher":
            break
    assert active(page)[0] == "lw-launcher"
    style, width = focus_ring(page)
    assert style != "none" and width >= 2  # visible focus

    page.keyboard.press("Enter")
    page.wait_for_selector(".lw-msg.lw-bot")
    assert active(page) == ["lw-input", "lw-input"]
    page.keyboard.type("Ik wil iets met BIM")
    page.keyboard.press("Enter")
    page.wait_for_selector(NOTICE)
    assert user_texts(page) == ["Ik wil iets met BIM"]

    page.keyboard.press("Shift+Tab")  # back from the input to the last answer button
    assert active(page)[0] == "lw-choice"
    assert focus_ring(page)[0] != "none"
    choice = page.evaluate("document.activeElement.shadowRoot.activeElement.textContent")
    page.keyboard.press("Enter")
    page.locator(NOTICE).nth(1).wait_for()
    assert user_texts(page)[-1] == choice

    page.keyboard.press("Escape")
    assert page.locator(".lw-panel").is_hidden()
    assert active(page)[0] == "lw-launcher"
    assert page.locator(LAUNCHER).get_attribute("aria-expanded") == "false"


def test_usable_at_320_px(gateway, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="nl-NL")
    try:
        page = context.new_page()
        open_chat(page, gateway.url, "noord")
        panel = page.locator(".lw-panel").bounding_box()
        assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 320
        for control in (".lw-input", ".lw-send", ".lw-close"):
            box = page.locator(control).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 320, control
            assert box["y"] + box["height"] <= 640, control
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.get_by_label("Je bericht").fill("Werkt dit ook op mijn telefoon?")
        page.locator(".lw-send").click()
        page.wait_for_selector(NOTICE)
        assert user_texts(page) == ["Werkt dit ook op mijn telefoon?"]
    finally:
        context.close()


@pytest.mark.parametrize("motion, expected", [("reduce", "none"), ("no-preference", "lw-in")])
def test_respects_prefers_reduced_motion(gateway, browser, motion, expected):
    context = browser.new_context(reduced_motion=motion, locale="nl-NL")
    try:
        page = context.new_page()
        open_chat(page, gateway.url, "brabant")
        assert page.locator(".lw-panel").evaluate("p => getComputedStyle(p).animationName") == expected
    finally:
        context.close()


# -- embedding on another site ------------------------------------------------------------------


class _HostSite(BaseHTTPRequestHandler):
    gateway_url = ""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        tenant = self.path.strip("/").split(".")[0]
        gateway = self.gateway_url
        ws = gateway.replace("http", "ws", 1)
        body = (
            f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Regio</title>'
            f'</head><body><h1>Een regionale site</h1>'
            f'<script src="{gateway}/widget.js" data-tenant="{tenant}" defer></script>'
            f'</body></html>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'none'; script-src {gateway}; style-src {gateway}; connect-src {gateway} {ws}",
        )
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def host_site(gateway):
    handler = type("Handler", (_HostSite,), {"gateway_url": gateway.url})
    server = ThreadingHTTPServer(("127.0.0.1", gateway.host_port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{gateway.host_port}"
    server.shutdown()
    server.server_close()


def test_widget_works_on_an_allowed_foreign_site_with_a_strict_csp(host_site, context):
    page = context.new_page()
    page.add_init_script(CSP_PROBE)
    seen = watch(page)
    page.goto(f"{host_site}/twente.html")
    page.click(LAUNCHER)
    page.wait_for_selector(".lw-msg.lw-bot")
    assert "Twente Hubs" in page.locator(".lw-msg.lw-bot").first.inner_text()
    page.get_by_label("Je bericht").fill("Hallo vanaf een andere site")
    page.keyboard.press("Enter")
    page.wait_for_selector(NOTICE)
    assert page.evaluate("window.__csp") == []
    assert seen.page_errors == []


def test_widget_refuses_to_start_on_a_site_the_tenant_does_not_allow(host_site, context):
    page = context.new_page()
    page.goto(f"{host_site}/brabant.html")  # this origin is allowed for twente only
    page.click(LAUNCHER)
    note = page.locator(".lw-note")
    note.wait_for()
    assert "kan nu niet starten" in note.inner_text()
    assert page.evaluate("localStorage.getItem('leerwijzer:brabant:conversation')") is None


def test_an_unknown_tenant_shows_no_widget(host_site, context):
    page = context.new_page()
    warnings = []
    page.on("console", lambda m: m.type == "warning" and warnings.append(m.text))
    page.goto(f"{host_site}/limburg.html")
    page.wait_for_function("() => !document.querySelector('leerwijzer-chat')")
    assert page.locator(LAUNCHER).count() == 0
    assert any("unknown tenant" in w for w in warnings)
