"""A whole Dutch advice conversation over Rasa's REST channel (real NLU, dialogue, action
server and knowledge database, started by the `rasa_stack` fixture), and bad input in
the middle of an intake. Assertions are on what the user reads."""

from __future__ import annotations

import json

import pytest

from scripts.demo_conversation import CONVERSATION, play, render, send


def bot_text(turn) -> str:
    return "\n".join(m["text"] for m in turn["messages"] if m.get("text"))


def cards(turn):
    for message in turn["messages"]:
        custom = message.get("custom") or {}
        if custom.get("type") == "module_cards":
            return custom["cards"]
    return []


@pytest.fixture(scope="module")
def transcript(rasa_stack):
    turns = play(rasa_stack.rasa_url, tenant="brabant", sender="rest-demo", out=None)
    # Printed with -s, so a failing run shows what the user saw.
    for turn in turns:
        print(f"\nGebruiker: {turn['user']}")
        print("\n".join(render(turn["messages"])))
    return {text: turn for (text, _), turn in zip(CONVERSATION, turns, strict=False)}


def test_only_what_the_search_needs_is_asked_and_modules_come_early(transcript):
    asked = bot_text(transcript["ik zoek een cursus over warmtepompen"])
    assert "In welke plaats" in asked and "diploma" not in asked
    shown = cards(transcript["ik ben 45, heb mbo 3 en woon in Tilburg"])
    assert 1 <= len(shown) <= 3
    assert all(card["sample"] is True and card["why"] for card in shown)
    assert any("installatietechniek" in card["why"] for card in shown)
    assert "1. " + shown[0]["title"] in bot_text(transcript["ik ben 45, heb mbo 3 en woon in Tilburg"])


def test_the_optional_question_can_be_skipped_and_a_question_is_answered_at_once(transcript):
    assert "Geen probleem" in bot_text(transcript["maakt niet uit"])
    assert "3 tot 30 studiepunten" in bot_text(transcript["wat is een micro-credential?"])


def test_details_of_the_second_and_more_results(transcript):
    first_page = cards(transcript["ik ben 45, heb mbo 3 en woon in Tilburg"])
    assert bot_text(transcript["vertel meer over de tweede"]).startswith(first_page[1]["title"])
    more = transcript["meer opties"]
    assert "4. " in bot_text(more)
    assert {c["module_id"] for c in cards(more)}.isdisjoint({c["module_id"] for c in first_page})


def test_correction_of_the_place_is_confirmed_and_changes_the_results(transcript):
    before = cards(transcript["ik ben 45, heb mbo 3 en woon in Tilburg"])
    turn = transcript["nee, ik woon in Enschede"]
    assert "Enschede" in bot_text(turn).split("\n")[0]
    after = cards(turn)
    assert after and [c["module_id"] for c in after] != [c["module_id"] for c in before]
    assert all(c["location"] != "Tilburg" for c in after)


def test_funding_for_the_first_module_is_answered_first(transcript):
    first = cards(transcript["nee, ik woon in Enschede"])[0]
    advice = bot_text(transcript["wie kan de eerste betalen?"])
    assert first["title"] in advice
    assert "STAP" not in advice
    again = bot_text(transcript["ik heb een vaste baan"])
    assert first["title"] in again or "Wie kan" in again


def test_enrol_profile_and_handoff(transcript):
    assert "aanmeldpagina" in bot_text(transcript["hoe meld ik me aan?"])
    profile = bot_text(transcript["wat weet je van mij?"])
    assert "Enschede (regio Twente)" in profile and "mbo 3" in profile and "45 jaar" in profile
    assert "doorsturen naar een adviseur" in bot_text(transcript["ik wil met een adviseur praten"])
    final = transcript["ja"]
    handoff = [m["custom"] for m in final["messages"] if (m.get("custom") or {}).get("type") == "handoff"]
    assert handoff and handoff[0]["profile"]["location"] == "Enschede"
    assert handoff[0]["shown_modules"], "the advisor sees which modules were shown"


BAD_INPUT = [
    ("😀😀😀", "emoji only"),
    ("asdkjh qwpeoi zxmcnv", "nonsense"),
    ("warmtepomp " * 500, "5,000 characters"),
    ("1234", "a number where a place is expected"),
    ("Parijs", "a place outside the Netherlands"),
    ("ik ben 7", "age 7"),
    ("ik ben 140 jaar", "age 140"),
    ("<script>alert(1)</script>", "script injection"),
]


@pytest.mark.parametrize("text,what", BAD_INPUT, ids=[w for _, w in BAD_INPUT])
def test_bad_input_during_the_intake_gets_a_friendly_answer(rasa_stack, text, what):
    sender = f"bad-{abs(hash(what))}"
    send(rasa_stack.rasa_url, sender, "ik zoek een cursus over zonnepanelen")
    send(rasa_stack.rasa_url, sender, "mbo 2")
    messages = send(rasa_stack.rasa_url, sender, text)
    reply = "\n".join(m.get("text") or "" for m in messages)
    assert reply.strip(), f"silent turn for {what}"
    # The conversation goes on: a normal answer is understood afterwards.
    follow = send(rasa_stack.rasa_url, sender, "Breda")
    assert "\n".join(m.get("text") or "" for m in follow).strip()


def test_place_outside_the_netherlands_is_explained(rasa_stack):
    sender = "bad-place"
    send(rasa_stack.rasa_url, sender, "ik zoek een cursus over zonnepanelen")
    send(rasa_stack.rasa_url, sender, "mbo 2")
    reply = "\n".join(m.get("text") or "" for m in send(rasa_stack.rasa_url, sender, "Parijs"))
    assert "Ik ken die plaats niet in Nederland" in reply
    reply = "\n".join(m.get("text") or "" for m in send(rasa_stack.rasa_url, sender, "1234"))
    assert "geen plaatsnaam" in reply or "slaan we over" in reply


def test_tenant_metadata_is_kept_for_later_messages(rasa_stack):
    sender = "tenant-twente"
    send(rasa_stack.rasa_url, sender, "hoi", tenant="twente")
    messages = send(rasa_stack.rasa_url, sender, "ik zoek een cursus over bim")  # no metadata
    location_question = [m for m in messages if "In welke plaats" in (m.get("text") or "")]
    assert location_question, json.dumps(messages, ensure_ascii=False)
    titles = [b["title"] for b in location_question[0]["buttons"]]
    assert titles[:3] == ["Enschede", "Hengelo", "Almelo"]
