"""An English search in the widget with the real bot (Rasa server + action server + gateway:
`rasa_stack`, tests/conftest.py) in a real browser (issue 17): the user switches the widget to
English by keyboard, asks in English and gets module cards with English labels."""

from __future__ import annotations

import re

from tests.support.browser import watch

BOT_WAIT = 60_000  # ms; the first answers of a fresh Rasa can be slow on a busy machine


def test_an_english_search_in_the_widget_shows_module_cards(rasa_stack, context):
    page = context.new_page()
    seen = watch(page)
    page.goto(f"{rasa_stack.gateway_url}/demo/brabant")
    page.locator(".lw-launcher").click()
    bot = page.locator(".lw-msg.lw-bot")
    bot.first.wait_for()

    english = page.get_by_role("group", name="Taal").get_by_role("button", name="English")
    english.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('leerwijzer-chat').shadowRoot.querySelector('.lw-root').lang === 'en'"
    )
    page.get_by_label("Your message").fill("I want a course about heat pumps in Breda")
    page.keyboard.press("Enter")
    card = page.locator(".lw-card").first
    card.wait_for(timeout=BOT_WAIT)

    assert page.locator(".lw-msg.lw-system").count() == 0  # the bot answered, no notice
    assert page.locator(".lw-root").get_attribute("lang") == "en"
    assert card.locator(".lw-card-title").inner_text().strip()
    assert card.locator("dt").count() >= 1
    labels = set(card.locator("dt").all_inner_texts())
    assert labels <= {"Level", "Format", "Place", "Duration", "Study time", "Price", "Start"}, labels
    if card.locator(".lw-why").count():
        assert card.locator(".lw-why").inner_text().startswith("Why: ")
    heading = bot.filter(has=page.locator(".lw-cards")).first.locator(".lw-bubble")
    if heading.count():  # the heading above the cards is in English too
        assert not re.search(r"\b(opleiding|cursus|ik vond)\b", heading.inner_text(), re.I), heading.inner_text()
    assert seen.page_errors == []
