"""Funding advice as the user reads it: the answer first and short (at most three schemes,
amount and who applies), at most one question back, all schemes behind "Andere
regelingen", ended schemes (STAP) never presented as open, the employer path, and the
advisor offered where the bot should not decide alone."""

from __future__ import annotations

import re

import pytest

from actions.funding import ActionEmployerAdvice, ActionFundingAdvice, HEADINGS

from .conftest import make_tracker, run_action, slot_events, texts

pytestmark = pytest.mark.usefixtures("knowledge_db")

WORKER = {
    "employment_status": "werkend",
    "age": "45",
    "education_level": "mbo3",
    "location": "Tilburg",
    "sector": "installatie",
}
ALL = [{"funding_scope": "alle"}]


def sections(messages):
    """heading -> text of that group's message (the full view, "Andere regelingen")."""
    found = {}
    for message in messages:
        text = message.get("text") or ""
        for outcome, heading in HEADINGS.items():
            if text.startswith(heading):
                found[outcome] = text
    return found


def schemes_named(messages):
    return [line for m in messages for line in (m.get("text") or "").splitlines() if line.startswith("- ")]


def buttons(messages):
    return [b["title"] for m in messages for b in m.get("buttons") or []]


def test_the_answer_is_short_and_the_rest_is_one_button_away():
    messages, events = run_action(
        ActionFundingAdvice(), make_tracker(WORKER, intent="ask_funding", text="wie betaalt mijn opleiding?")
    )
    lines = schemes_named(messages)
    assert 1 <= len(lines) <= 3
    assert all(re.search(r"vraagt het (zelf |als werkgever )?aan", line) for line in lines), lines
    assert "Aanvragen doet jij" not in texts(messages)
    assert "Andere regelingen" in buttons(messages)
    assert "STAP" not in texts(messages)
    assert slot_events(events)["last_answer"] == "funding"


def test_stap_is_shown_as_ended_with_its_successor_never_as_open():
    messages, _ = run_action(ActionFundingAdvice(), make_tracker(WORKER, intent="ask_funding", entities=ALL))
    groups = sections(messages)
    assert "STAP-budget bestaat niet meer" in groups["ended"]
    assert "In de plaats kwam: SLIM-scholingssubsidie" in groups["ended"]
    for outcome in ("eligible", "maybe", "not_eligible"):
        assert "STAP" not in groups.get(outcome, "").split("In de plaats kwam")[0]


def test_asking_about_stap_by_name_hears_it_ended():
    messages, _ = run_action(
        ActionFundingAdvice(), make_tracker(WORKER, intent="ask_funding", text="kan ik nog stap budget aanvragen")
    )
    first = schemes_named(messages)[0]
    assert first.startswith("- STAP-budget bestaat niet meer")


def test_worker_sees_what_is_possible_with_amounts_applicant_and_source():
    messages, _ = run_action(ActionFundingAdvice(), make_tracker(WORKER, intent="ask_funding", entities=ALL))
    possible = sections(messages).get("eligible", "")
    # An installation worker: the sector fund and the DUO loan are the likely routes.
    assert "Wij Techniek" in possible and "€ 900 per bedrijf plus € 90 per werknemer" in possible
    assert "Levenlanglerenkrediet" in possible and "Je vraagt het zelf aan" in possible
    assert "Bron: https://" in possible
    assert "geen besluit" in texts(messages)


def test_a_scheme_asked_by_name_comes_first_also_when_it_is_not_possible():
    messages, _ = run_action(
        ActionFundingAdvice(),
        make_tracker(dict(WORKER, age="60"), intent="ask_funding", text="kan ik het levenlanglerenkrediet krijgen"),
    )
    first = schemes_named(messages)[0]
    assert "Levenlanglerenkrediet" in first and "57" in first


def test_funding_for_the_module_discussed_names_it():
    from actions.respond import ActionSearchModules

    _, events = run_action(
        ActionSearchModules(),
        make_tracker({"theme": "installatietechniek", "location": "Tilburg", "education_level": "mbo3"}),
    )
    shown = slot_events(events)["shown_modules"]
    import knowledge

    paid = next(m for m in (knowledge.get_module(i) for i in shown) if m.price_eur)
    messages, events = run_action(
        ActionFundingAdvice(),
        make_tracker(dict(WORKER, shown_modules=shown), intent="ask_funding", entities=[{"module_id": paid.module_id}]),
    )
    assert texts(messages).startswith(f"Wie kan {paid.title} ({paid.price_text}) betalen?")
    assert slot_events(events)["last_module"] == paid.module_id


def test_how_many_hours_a_week_the_modules_take_is_not_a_money_question():
    """Seen in make run: "hoeveel uur per week kost dat?" after three modules got the funding
    answer ("kost" is also a money word)."""
    from actions.respond import ActionSearchModules

    _, events = run_action(
        ActionSearchModules(),
        make_tracker({"theme": "digitalisering_bouw", "location": "Almelo", "education_level": "hbo_bachelor"}),
    )
    shown = slot_events(events)["shown_modules"]
    messages, _ = run_action(
        ActionFundingAdvice(),
        make_tracker(
            dict(WORKER, shown_modules=shown, results_offset=0.0, last_answer="modules"),
            intent="ask_funding",
            text="hoeveel uur per week kost dat?",
        ),
    )
    text = texts(messages)
    assert "Wie kan" not in text
    assert text.startswith("Dit zijn de modules die ik je liet zien:") and "duur" in text
    # "wat kost dat per week aan geld" stays a money question
    messages, _ = run_action(
        ActionFundingAdvice(),
        make_tracker(dict(WORKER, shown_modules=shown), intent="ask_funding", text="hoeveel geld kost dat per week?"),
    )
    assert "Wie kan" in texts(messages)
    # after a funding answer, "hoe lang mag het duren" is about the scheme, not the modules
    messages, _ = run_action(
        ActionFundingAdvice(),
        make_tracker(
            dict(WORKER, shown_modules=shown, last_answer="funding"),
            intent="ask_funding",
            text="hoe lang mag het duren",
        ),
    )
    assert not texts(messages).startswith("Dit zijn de modules")


def test_on_a_benefit_uwv_comes_first_and_the_advisor_is_offered():
    messages, events = run_action(
        ActionFundingAdvice(),
        make_tracker(
            {"employment_status": "uitkering", "benefit_type": "ww", "age": "38"},
            intent="ask_funding",
            text="betaalt het uwv een omscholing?",
        ),
    )
    text = texts(messages)
    assert text.startswith("Met WW kan UWV soms je opleiding betalen.")
    assert "bijstand" not in text  # the user said WW: the gemeente's route is not theirs
    assert schemes_named(messages)[0].startswith("- Scholing via UWV")
    # where to ask, not the site of the article the rule comes from (seen in make run)
    assert "bij je werkcoach van UWV" in schemes_named(messages)[0]
    assert "accountancyvanmorgen" not in text
    assert "Praat met een adviseur" in buttons(messages)
    assert slot_events(events)["handoff_reason"] == "uitkering_uwv_scholing"
    # Employer routes are not for someone without an employer.
    assert "SLIM-scholingssubsidie" not in "\n".join(schemes_named(messages))


def test_at_most_one_question_back_and_never_one_asked_before():
    messages, events = run_action(ActionFundingAdvice(), make_tracker({}, intent="ask_funding"))
    # the answer (the user may rate it: thumbs in the widget), then one question with buttons
    assert messages[1].get("custom") == {"type": "rateable", "topic": "funding"}
    messages = [m for m in messages if m.get("text")]
    assert len(messages) == 2 and "?" not in messages[0]["text"].splitlines()[-1]
    assert "?" in messages[1]["text"] and messages[1]["buttons"]
    asked = slot_events(events)["asked_slot"]
    assert asked in ("age", "employment_status", "location", "sector", "education_level")
    messages, events = run_action(ActionFundingAdvice(), make_tracker({"asked_before": [asked]}, intent="ask_funding"))
    assert slot_events(events).get("asked_slot") != asked


def test_employer_path_names_slim_the_sector_fund_and_the_amount_for_the_company():
    messages, events = run_action(
        ActionEmployerAdvice(),
        make_tracker({"company_size": "25", "sector": "installatie"}, intent="employer_training"),
    )
    text = texts(messages)
    assert "SLIM-regeling" in text and "Wij Techniek" in text
    assert "€ 3.150 per jaar" in text  # € 900 + 25 × € 90 (2024)
    # each scheme once: the company's schemes, not also the three routes in general (make run)
    assert text.count("SLIM-scholingssubsidie") == 1 and text.count("SLIM-regeling") == 1
    assert "Levenlanglerenkrediet" not in text  # a loan for a person, not an employer route
    assert "diploma" not in text
    assert slot_events(events).get("employment_status") == "werkgever"
    # the employer may rate the advice (thumbs in the widget)
    assert {"type": "rateable", "topic": "funding"} in [m.get("custom") for m in messages]


def test_an_employer_whose_company_is_not_known_yet_hears_the_three_routes():
    messages, _ = run_action(ActionEmployerAdvice(), make_tracker({}, intent="employer_training"))
    text = texts(messages)
    assert "op drie manieren" in text and "Je sectorfonds (O&O-fonds)" in text


def test_a_construction_company_does_not_see_the_installation_fund_among_its_schemes():
    messages, _ = run_action(
        ActionEmployerAdvice(), make_tracker({"company_size": "6", "sector": "bouw_infra"}, intent="employer_training")
    )
    lines = texts(messages).splitlines()
    fitting = lines[lines.index("Voor jouw bedrijf (6 medewerkers, sector bouw en infra):") + 1 :]
    fitting = fitting[: next((i for i, line in enumerate(fitting) if not line.startswith("- ")), len(fitting))]
    assert fitting and not any("Wij Techniek" in line for line in fitting)
    assert "Past niet bij jouw bedrijf:" in lines


def test_an_employer_asking_for_subsidy_is_not_told_that_their_employer_may_pay():
    messages, _ = run_action(
        ActionFundingAdvice(),
        make_tracker(
            {"employment_status": "werkgever", "company_size": "6", "sector": "bouw_infra"},
            intent="ask_funding",
            text="en is er subsidie voor ons?",
        ),
    )
    text = texts(messages)
    assert "Wie kan de opleiding van je mensen betalen?" in text
    assert "Opleiding betaald door je werkgever" not in text and "SLIM" in text
    assert "Levenlanglerenkrediet" not in text  # a worker's own loan
    assert "Hoe oud ben je" not in text


def test_an_employer_is_asked_the_company_size_once_and_never_a_diploma():
    messages, events = run_action(
        ActionEmployerAdvice(),
        make_tracker({}, intent="employer_training", text="is er subsidie om mijn personeel bim te leren"),
    )
    assert "SLIM" in texts(messages) and "sectorfonds" in texts(messages)
    assert slot_events(events)["asked_slot"] == "company_size"
    assert "diploma" not in texts(messages)


def test_a_large_employer_is_offered_an_advisor():
    messages, events = run_action(
        ActionEmployerAdvice(),
        make_tracker({"company_size": "400", "sector": "bouw_infra"}, intent="employer_training"),
    )
    assert "adviseur graag met je mee" in texts(messages)
    assert slot_events(events)["handoff_reason"] == "werkgever_scholingsplan"
    # SLIM is for mkb (< 250): not for this company.
    assert any(line.startswith("- SLIM-regeling") and "250" in line for line in schemes_named(messages))


def test_an_employer_question_without_any_employer_words_is_a_search():
    # the model took a worker's "woon in roosendaal, isoleren lijkt me wel wat" for an employer
    messages, events = run_action(
        ActionEmployerAdvice(),
        make_tracker(
            {"location": "Roosendaal", "theme": "verduurzaming_woningen"},
            intent="employer_training",
            text="woon in roosendaal, isoleren lijkt me wel wat",
        ),
    )
    assert "SLIM" not in texts(messages)
    assert "in de buurt van Roosendaal" in texts(messages)


def test_a_fact_that_changes_nothing_does_not_repeat_the_whole_answer():
    first, _ = run_action(ActionFundingAdvice(), make_tracker(WORKER, intent="ask_funding", text="wie betaalt dat"))
    history = [{"event": "user", "text": "wie betaalt dat"}, {"event": "bot", "text": first[0]["text"]}]
    again, _ = run_action(
        ActionFundingAdvice(), make_tracker(WORKER, intent="ask_funding", text="wie betaalt dat", history=history)
    )
    assert "Dat verandert niets aan wie je opleiding kan betalen: " in again[0]["text"]
    assert "Wie kan je opleiding betalen?" not in again[0]["text"]


def test_a_corrected_place_that_changes_nothing_is_not_acknowledged_twice():
    before = dict(WORKER, location="Eindhoven")
    first, _ = run_action(ActionFundingAdvice(), make_tracker(before, intent="ask_funding", text="wie betaalt dat"))
    history = [{"event": "slot", "name": n, "value": v} for n, v in before.items()] + [
        {"event": "user", "text": "wie betaalt dat"},
        {"event": "bot", "text": first[0]["text"]},
    ]
    # the slot check already said "Oké, aangepast: je woont of werkt in Helmond."
    again, _ = run_action(
        ActionFundingAdvice(),
        make_tracker(
            dict(before, location="Helmond"),
            intent="inform",
            text="nee wacht ik woon in helmond",
            history=history,
            entities=[{"entity": "location", "value": "Helmond"}],
        ),
    )
    assert again[0]["text"].startswith("Dat verandert niets aan wie je opleiding kan betalen: ")


def test_a_scheme_of_another_region_is_not_offered_on_a_regions_own_site():
    # place unknown, on the Noord site: the West-Brabant contribution is not likely
    messages, _ = run_action(
        ActionFundingAdvice(),
        make_tracker(
            {"employment_status": "uitkering"},
            intent="ask_funding",
            text="wie betaalt dat",
            metadata={"tenant": "noord"},
        ),
    )
    assert "West-Brabant" not in messages[0]["text"]


def test_an_employer_with_a_theme_hears_the_company_facts_once_and_modules_for_their_people():
    """Seen in make run: a building company with 30 people got "Voor jouw bedrijf (30
    medewerkers, sector bouw en infra)" and, above the modules, "Dank je, dat onthoud ik: je
    bent werkgever; sector bouw en infra; er werken 30 mensen in het bedrijf"."""
    messages, _ = run_action(
        ActionEmployerAdvice(),
        make_tracker(
            {
                "employment_status": "werkgever",
                "company_size": "30",
                "sector": "bouw_infra",
                "theme": "digitalisering_bouw",
                "location": "Hengelo",
            },
            intent="employer_training",
            text="wij hebben een bouwbedrijf in hengelo met 30 mensen, en willen dat onze uitvoerders BIM leren",
        ),
    )
    text = texts(messages)
    assert text.count("30") == 1 and "dat onthoud ik" not in text
    assert "passen bij je mensen" in text


def test_an_employer_known_by_their_words_gets_modules_for_their_people_too():
    """Seen in make run: "ik heb een installatiebedrijf in drachten met 8 monteurs" (the
    employer known by their words, not yet by the slot) got "Dank je, dat onthoud ik: sector
    installatie; er werken 8 mensen in het bedrijf" and "Deze 3 modules passen bij je"."""
    messages, _ = run_action(
        ActionEmployerAdvice(),
        make_tracker(
            {"company_size": "8", "sector": "installatie", "theme": "installatietechniek", "location": "Drachten"},
            intent="employer_training",
            text="ik heb een installatiebedrijf in drachten met 8 monteurs. ze moeten warmtepompen leren.",
        ),
    )
    text = texts(messages)
    assert "Voor jouw bedrijf (8 medewerkers, sector installatie)" in text
    assert "dat onthoud ik" not in text and "passen bij je mensen" in text


@pytest.mark.parametrize(
    "benefit,text,expected",
    [
        ("ww", "krijg ik dan nog wel ww als ik ga leren?", "Ja, dat kan, als UWV vooraf toestemming geeft"),
        ("ww", "raak ik mijn ww kwijt als ik ga studeren", "dat je WW stopt"),
        ("bijstand", "mag ik leren met behoud van uitkering", "Dat beslist de gemeente"),
    ],
)
def test_keeping_the_benefit_while_learning_is_answered_as_asked(benefit, text, expected):
    """Seen in make run: "krijg ik dan nog wel ww als ik ga leren?" got the list of schemes."""
    messages, events = run_action(
        ActionFundingAdvice(),
        make_tracker({"benefit_type": benefit, "employment_status": "werkzoekend"}, intent="ask_funding", text=text),
    )
    said = [m for m in messages if m.get("text")]
    assert len(said) == 1 and expected in said[0]["text"]
    assert "Levenlanglerenkrediet" not in said[0]["text"]  # the question, not the schemes
    assert "Wie betaalt de opleiding?" in [b["title"] for b in said[0]["buttons"]]


def test_a_benefit_named_as_a_fact_still_gets_the_schemes():
    messages, _ = run_action(
        ActionFundingAdvice(),
        make_tracker(
            {"benefit_type": "ww"}, intent="ask_funding", text="ik zit nog in de ww, wie betaalt mijn opleiding"
        ),
    )
    assert "Scholing via UWV" in texts(messages)


def test_no_fitting_scheme_is_said_not_left_as_an_empty_list():
    """Seen in make run: bijstand and a BBL course gave "Dit past het best bij wat ik van je
    weet:" followed by nothing."""
    messages, _ = run_action(
        ActionFundingAdvice(),
        make_tracker(
            {
                "benefit_type": "bijstand",
                "employment_status": "uitkering",
                "location": "Eindhoven",
                "last_module": "monteur-elektrotechniek-bbl-brabant",
            },
            intent="ask_funding",
            text="wie betaalt",
            metadata={"tenant": "brabant"},
        ),
    )
    text = texts(messages)
    assert "Met bijstand is de gemeente aan zet" in text
    assert "Dit past het best bij wat ik van je weet:" not in text
    assert "ken ik geen regeling die zeker past bij wat ik van je weet" in text
    assert "Andere regelingen" in [b["title"] for b in messages[0]["buttons"]]


# --- English (issue 17): the same answer, in English, when the gateway says the language ------------
ENGLISH = {"language": "en"}
# Dutch words that do not occur in the English answers (scheme names such as "NL leert door" and
# the quoted "band met de Nederlandse arbeidsmarkt" are left out before looking)
DUTCH = re.compile(
    r"\b(je|jij|jouw|het|een|niet|voor|van|wat|kan|bij|naar|ook|dat|deze|wordt|werkgever|opleiding|"
    r"regeling|bestaat|meer|alleen|mensen|aanvragen|uitkering)\b",
    re.IGNORECASE,
)


def dutch_words(text):
    text = re.sub(r'"[^"]*"|https?://\S+|SLIM-regeling', "", text)
    return sorted(set(DUTCH.findall(text)))


def test_english_on_ww_hears_uwv_first_in_english():
    messages, events = run_action(
        ActionFundingAdvice(),
        make_tracker(
            {"employment_status": "uitkering", "benefit_type": "ww", "age": "38"},
            intent="ask_funding",
            text="does uwv pay for retraining?",
            metadata=ENGLISH,
        ),
    )
    answer = messages[0]["text"]
    # (the label of the benefit may carry a gloss: "WW (unemployment benefit)")
    assert re.match(r"With WW\b.*, UWV can sometimes pay for your course\.\n", answer), answer
    first = schemes_named(messages)[0]
    assert first.startswith("- Training through UWV (with a benefit):")
    assert "through your work coach at UWV, before you sign up" in first
    assert "This is an estimate, not a decision" in answer
    assert not dutch_words(answer), dutch_words(answer)
    assert "Other schemes" in buttons(messages) or "Other schemes" in buttons(messages[2:])
    assert slot_events(events)["handoff_reason"] == "uitkering_uwv_scholing"


def test_english_employer_hears_the_company_schemes_in_english_with_english_amounts():
    messages, events = run_action(
        ActionEmployerAdvice(),
        make_tracker(
            {"company_size": "25", "sector": "installatie"},
            intent="employer_training",
            text="what subsidies can my company get for training our staff?",
            metadata=ENGLISH,
        ),
    )
    text = texts(messages)
    assert text.startswith("As an employer, you can get help with training your staff.")
    assert "SLIM-regeling" in text and "Wij Techniek" in text
    assert "For a company with 25 employees: €3,150 per year." in text  # € 900 + 25 × € 90 (2024)
    assert "You apply for it as the employer" in text
    assert not dutch_words(text), dutch_words(text)
    assert "Other schemes" in buttons(messages) and "View courses" in buttons(messages)
    assert slot_events(events).get("employment_status") == "werkgever"


def test_english_asking_about_stap_hears_it_ended_and_what_there_is_now():
    messages, _ = run_action(
        ActionFundingAdvice(),
        make_tracker(WORKER, intent="ask_funding", text="can I still apply for the STAP budget?", metadata=ENGLISH),
    )
    first = schemes_named(messages)[0]
    assert first.startswith("- STAP-budget no longer exists.")
    assert "It ended on 1 January 2024" in first
    assert "It was replaced by: SLIM-scholingssubsidie (Ontwikkelpaden) and Levenlanglerenkrediet." in first
    answer = messages[0]["text"]
    assert answer.startswith("About STAP-budget, and what else is possible for your course:")
    assert not dutch_words(answer), dutch_words(answer)


def test_english_all_schemes_never_show_stap_as_open():
    messages, _ = run_action(
        ActionFundingAdvice(), make_tracker(WORKER, intent="ask_funding", entities=ALL, metadata=ENGLISH)
    )
    groups = {m["text"].split("\n")[0]: m["text"] for m in messages if m.get("text")}
    assert "Ended:" in groups and "STAP-budget no longer exists" in groups["Ended:"]
    open_ones = "\n".join(text for heading, text in groups.items() if heading != "Ended:")
    assert "STAP" not in open_ones.replace("The money came from the STAP budget", "")
    assert not dutch_words(texts(messages)), dutch_words(texts(messages))
