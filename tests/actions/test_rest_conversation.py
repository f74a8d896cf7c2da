"""A whole Dutch advice conversation over Rasa's REST channel (real NLU, dialogue, action
server and knowledge database, started by the `rasa_stack` fixture), and bad input in
the middle of an intake. Assertions are on what the user reads."""
from __future__ import annotations

import json

import pytest

from scripts.demo_conversation import CONVERSATION, play, render, send


def bot_text(turn) -> str:
    return "\n".join(m.get("text") or "" for m in turn["messages"])


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
    return {text: turn for (text, _), turn in zip(CONVERSATION, turns)}


def test_intake_asks_only_what_is_missing(transcript):
    assert "hoogste diploma" in bot_text(transcript["ik zoek een cursus over warmtepompen"])
    after_three_facts = bot_text(transcript["ik ben 45, heb mbo 3 en woon in Tilburg"])
    assert "Wat past het best bij jou?" in after_three_facts
    assert "diploma" not in after_three_facts and "plaats" not in after_three_facts


def test_faq_in_the_middle_of_the_intake_is_answered_and_the_intake_resumes(transcript):
    text = bot_text(transcript["wat is een micro-credential?"])
    assert "3 tot 30 studiepunten" in text
    assert "Wat past het best bij jou?" in text


def test_results_are_module_cards_that_fit(transcript):
    turn = transcript["6 uur per week"]
    shown = cards(turn)
    assert 1 <= len(shown) <= 3
    assert all(card["sample"] is True and card["why"] for card in shown)
    assert "1. " + shown[0]["title"] in bot_text(turn)
    assert any("installatietechniek" in card["why"] for card in shown)


def test_details_of_the_second_and_more_results(transcript):
    second = cards(transcript["6 uur per week"])[1]
    assert bot_text(transcript["vertel meer over de tweede"]).startswith(second["title"])
    more = transcript["meer opties"]
    assert "4. " in bot_text(more)
    assert {c["module_id"] for c in cards(more)}.isdisjoint(
        {c["module_id"] for c in cards(transcript["6 uur per week"])})


def test_correction_of_the_place_changes_the_results(transcript):
    before = cards(transcript["6 uur per week"])
    after = cards(transcript["nee, ik woon in Enschede"])
    assert after and [c["module_id"] for c in after] != [c["module_id"] for c in before]
    assert all(c["location"] != "Tilburg" for c in after)


def test_funding_for_the_first_module_asks_one_fact_then_advises(transcript):
    first = cards(transcript["nee, ik woon in Enschede"])[0]
    assert "In welke sector" in bot_text(transcript["wie kan de eerste betalen?"])
    advice = bot_text(transcript['/inform{"sector": "installatie"}'])
    assert first["title"] in advice or "gratis" in advice
    if "gratis" not in advice:
        assert "STAP-budget (gestopt)" in advice
        assert "Bron: https://" in advice


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
    if not location_question:  # the level is asked first; answer it
        messages = send(rasa_stack.rasa_url, sender, "mbo 4")
        location_question = [m for m in messages if "In welke plaats" in (m.get("text") or "")]
    assert location_question, json.dumps(messages, ensure_ascii=False)
    titles = [b["title"] for b in location_question[0]["buttons"]]
    assert titles[:3] == ["Enschede", "Hengelo", "Almelo"]
