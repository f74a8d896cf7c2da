"""The gateway with the real bot: Rasa server + action server + gateway (`rasa_stack`,
tests/conftest.py), through the HTTP API and in the browser."""

import json
import time
import urllib.request

from tests.support.browser import watch


def call(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def start(gateway_url, tenant):
    return call("POST", f"{gateway_url}/api/v1/conversations", {"tenant": tenant})["conversation_id"]


def say(gateway_url, cid, text, payload=None):
    body = {"text": text, **({"payload": payload} if payload else {})}
    return call("POST", f"{gateway_url}/api/v1/conversations/{cid}/messages", body)


def test_a_dutch_greeting_gets_an_answer_from_the_bot(rasa_stack):
    cid = start(rasa_stack.gateway_url, "twente")
    replies = say(rasa_stack.gateway_url, cid, "Hallo!")
    assert replies["mode"] == "bot"
    assert replies["messages"], "the bot did not answer"
    assert all(m["sender"] == "bot" for m in replies["messages"])  # no "storing" notice
    assert any((m["text"] or "").strip() for m in replies["messages"])
    history = call("GET", f"{rasa_stack.gateway_url}/api/v1/conversations/{cid}/messages")
    assert [m["sender"] for m in history["messages"][:2]] == ["bot", "user"]
    assert history["messages"][-1]["id"] == replies["messages"][-1]["id"]


def test_rasa_gets_the_tenant_and_channel_and_button_payloads(rasa_stack):
    cid = start(rasa_stack.gateway_url, "noord")
    replies = say(rasa_stack.gateway_url, cid, "Een opleiding zoeken", payload="/search_course")
    assert replies["messages"] and replies["messages"][0]["sender"] == "bot"
    token = rasa_stack.env["RASA_TOKEN"]
    tracker = call("GET", f"{rasa_stack.rasa_url}/conversations/{cid}/tracker?token={token}")
    user_events = [e for e in tracker["events"] if e["event"] == "user"]
    assert user_events[-1]["text"] == "/search_course"
    assert user_events[-1]["parse_data"]["intent"]["name"] == "search_course"
    metadata = user_events[-1]["metadata"]
    assert (metadata["tenant"], metadata["channel"]) == ("noord", "web")


def test_browser_conversation_with_the_bot(rasa_stack, context, capsys):
    page = context.new_page()
    seen = watch(page)
    page.goto(f"{rasa_stack.gateway_url}/demo/brabant")
    page.click(".lw-launcher")
    bot = page.locator(".lw-msg.lw-bot")
    bot.first.wait_for()

    page.get_by_label("Je bericht").fill("Hallo, ik wil graag een opleiding volgen")
    sent = time.perf_counter()
    page.keyboard.press("Enter")
    bot.nth(1).wait_for(timeout=60_000)
    answered = time.perf_counter()
    with capsys.disabled():
        print(f"\n[widget] first bot answer {1000 * (answered - sent):.0f} ms after sending")
    assert page.locator(".lw-msg.lw-system").count() == 0
    assert bot.nth(1).inner_text().strip()

    # a button: the welcome's or, when the bot offered some, the newest one
    choices = page.locator(".lw-choice")
    choice = choices.nth(choices.count() - 1)
    title = choice.inner_text()
    answers_before = bot.count()
    choice.click()
    bot.nth(answers_before).wait_for(timeout=60_000)
    assert page.locator(".lw-msg.lw-user .lw-bubble").last.inner_text() == title

    before = page.locator(".lw-msg").all_inner_texts()
    page.reload()
    bot.nth(answers_before).wait_for()
    assert page.locator(".lw-msg").all_inner_texts() == before
    assert seen.page_errors == []
