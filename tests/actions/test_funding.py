"""Funding advice as the user reads it: outcomes grouped, amounts and sources, ended
schemes (STAP) never presented as open, the employer path, and the advisor offered
where the bot should not decide alone."""
from __future__ import annotations

import pytest

from actions.funding import (ActionEmployerAdvice, ActionFundingAdvice, ActionStartFunding,
                             HEADINGS)

from .conftest import make_tracker, run_action, slot_events, texts

pytestmark = pytest.mark.usefixtures("knowledge_db")

WORKER = {"employment_status": "werkend", "age": "45", "education_level": "mbo3",
          "location": "Tilburg", "sector": "installatie"}


def sections(messages):
    """heading -> text of that group's message."""
    found = {}
    for message in messages:
        text = message.get("text") or ""
        for outcome, heading in HEADINGS.items():
            if text.startswith(heading):
                found[outcome] = text
    return found


def test_stap_is_shown_as_ended_with_its_successor_never_as_open():
    messages, _ = run_action(ActionFundingAdvice(), make_tracker(WORKER, intent="ask_funding"))
    groups = sections(messages)
    assert "STAP-budget (gestopt)" in groups["ended"]
    assert "In de plaats kwam: SLIM-scholingssubsidie" in groups["ended"]
    for outcome in ("eligible", "maybe", "not_eligible"):
        assert "STAP" not in groups.get(outcome, "").split("In de plaats kwam")[0]


def test_worker_sees_what_is_possible_with_amounts_applicant_and_source():
    messages, events = run_action(ActionFundingAdvice(), make_tracker(WORKER, intent="ask_funding"))
    groups = sections(messages)
    # An installation worker: the sector fund and the DUO loan are the likely routes.
    possible = groups.get("eligible", "")
    assert "Wij Techniek" in possible and "€ 900 per bedrijf plus € 90 per werknemer" in possible
    assert "Levenlanglerenkrediet" in possible and "Aanvragen doet jij zelf" in possible
    assert "Bron: https://" in possible
    assert "geen besluit" in texts(messages)
    assert slot_events(events)["funding_interest"] is True


def test_too_old_for_the_duo_loan_says_why():
    messages, _ = run_action(ActionFundingAdvice(), make_tracker(dict(WORKER, age="60"), intent="ask_funding"))
    not_for_you = sections(messages)["not_eligible"]
    assert "Levenlanglerenkrediet" in not_for_you and "57" in not_for_you


def test_funding_for_the_module_discussed_names_it():
    from actions.recommend import ActionSearchModules
    _, events = run_action(ActionSearchModules(), make_tracker(
        {"theme": "installatietechniek", "location": "Tilburg", "education_level": "mbo3"}))
    shown = slot_events(events)["shown_modules"]
    import knowledge
    paid = next(m for m in (knowledge.get_module(i) for i in shown) if m.price_eur)
    messages, events = run_action(ActionFundingAdvice(), make_tracker(
        dict(WORKER, shown_modules=shown), intent="ask_funding",
        entities=[{"module_id": paid.module_id}]))
    assert texts(messages).startswith(f"Wie kan {paid.title} betalen? De prijs is {paid.price_text}.")
    assert slot_events(events)["last_module"] == paid.module_id
    assert [b["title"] for b in messages[-1]["buttons"]] == ["Aanmelden", "Praat met een adviseur"]


def test_on_a_benefit_the_advisor_is_offered():
    messages, events = run_action(ActionFundingAdvice(), make_tracker(
        {"employment_status": "uitkering", "benefit_type": "ww", "age": "38"}, intent="ask_funding"))
    text = texts(messages)
    assert "Je hebt een uitkering" in text and "UWV" in text
    assert "Praat met een adviseur" in [b["title"] for b in messages[-1]["buttons"]]
    assert slot_events(events)["handoff_reason"] == "uitkering_uwv_scholing"
    # Employer routes are not for someone without an employer.
    assert "SLIM-scholingssubsidie" in sections(messages)["not_eligible"]


def test_start_funding_asks_at_most_two_missing_facts_and_remembers_the_module():
    import knowledge
    shown = [h.module_id for h in knowledge.search_modules({"theme": "circulair_bouwen"}).hits]
    messages, events = run_action(ActionStartFunding(), make_tracker(
        {"shown_modules": shown}, intent="ask_funding", entities=[{"ordinal": "2"}]))
    slots = slot_events(events)
    assert 1 <= len(slots["funding_questions"]) <= 2
    assert slots["last_module"] == shown[1]
    assert "Eerst" in texts(messages)
    # A module that is no longer in the catalogue is ignored, not an error.
    _, events = run_action(ActionStartFunding(), make_tracker(
        {"last_module": "bestaat-niet-meer"}, intent="ask_funding"))
    assert slot_events(events)["last_module"] is None
    # Everything known: no questions.
    full = dict(WORKER, company_size="25", benefit_type="onbekend")
    _, events = run_action(ActionStartFunding(), make_tracker(full, intent="ask_funding"))
    assert slot_events(events)["funding_questions"] == []


def test_employer_path_names_slim_the_sector_fund_and_the_amount_for_the_company():
    messages, events = run_action(ActionEmployerAdvice(), make_tracker(
        {"company_size": "25", "sector": "installatie"}, intent="employer_training"))
    text = texts(messages)
    assert "SLIM-regeling" in text and "Wij Techniek" in text
    assert "€ 3.150 per jaar" in text        # € 900 + 25 × € 90 (2024)
    assert "Levenlanglerenkrediet" not in text  # a loan for a person, not an employer route
    assert slot_events(events).get("employment_status") == "werkgever"


def test_a_large_employer_is_offered_an_advisor():
    messages, events = run_action(ActionEmployerAdvice(), make_tracker(
        {"company_size": "400", "sector": "bouw_infra"}, intent="employer_training"))
    assert "adviseur graag met je mee" in texts(messages)
    assert slot_events(events)["handoff_reason"] == "werkgever_scholingsplan"
    # SLIM is for mkb (< 250): not for this company.
    assert "SLIM-regeling" in sections(messages)["not_eligible"]
