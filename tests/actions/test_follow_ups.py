"""Follow-up questions answered from what was just talked about (issue "Conversations that
listen"): a question about a scheme without its name, "wat dan wel" after a scheme that is
closed, money questions the model took for a search, "de goedkoopste", the hub's hours."""

from __future__ import annotations

import pytest

from actions.facts import ValidateSlotMappings
from actions.funding import ActionEmployerAdvice, ActionFundingAdvice
from actions.recommend import ActionCourseDetails
from actions.respond import ActionRespondToFacts, ActionSearchModules

from .conftest import customs, make_tracker, run_action, slot_events, texts

pytestmark = pytest.mark.usefixtures("knowledge_db")
WORKER = {"employment_status": "werkend", "age": "56", "theme": "batterijen_opslag", "location": "Oldenzaal"}


def earlier(slots, **kwargs):
    """A tracker whose slots were set in earlier turns (not by the latest message)."""
    history = [{"event": "slot", "name": name, "value": value} for name, value in slots.items()]
    return make_tracker(slots, history=history, **kwargs)


def test_a_named_scheme_stays_in_focus_until_modules_are_shown():
    _, events = run_action(
        ValidateSlotMappings(),
        make_tracker(WORKER, intent="ask_funding", text="kan ik nog levenlang leren krediet aanvragen"),
    )
    assert slot_events(events)["scheme_in_focus"] == ["levenlanglerenkrediet"]
    # "mijn werkgever" alone is not a question about the employer paying
    _, events = run_action(
        ValidateSlotMappings(),
        make_tracker(
            dict(WORKER, scheme_in_focus=["levenlanglerenkrediet"]),
            intent="inform",
            text="mijn werkgever is een installateur",
        ),
    )
    assert "scheme_in_focus" not in slot_events(events)
    _, events = run_action(
        ActionSearchModules(), make_tracker(WORKER, intent="search_course", text="laat cursussen zien")
    )
    assert slot_events(events)["scheme_in_focus"] is None


def test_how_to_repay_without_the_name_is_answered_about_the_loan():
    messages, _ = run_action(
        ActionFundingAdvice(),
        earlier(
            dict(WORKER, scheme_in_focus=["levenlanglerenkrediet"], last_answer="funding"),
            intent="ask_funding",
            text="ok en hoe moet ik dat terugbetalen",
        ),
    )
    text = texts(messages)
    assert text.startswith("Over Levenlanglerenkrediet (DUO):")
    assert "15 jaar" in text and "verdient" in text
    assert "Wie kan" not in text  # not the whole funding answer again


def test_a_cost_below_the_minimum_gets_the_minimum_of_the_scheme_in_focus():
    messages, _ = run_action(
        ActionRespondToFacts(),
        earlier(
            {
                "employment_status": "werkgever",
                "company_size": "4",
                "scheme_in_focus": ["slim_regeling"],
                "last_answer": "funding",
            },
            intent="nlu_fallback",
            text="mijn kosten zijn maar 2000 euro, kan het dan nog",
        ),
    )
    assert "5.000" in texts(messages)


def test_what_else_after_a_scheme_that_is_closed_names_the_open_routes():
    messages, _ = run_action(
        ActionRespondToFacts(),
        earlier(
            dict(WORKER, age="58", scheme_in_focus=["levenlanglerenkrediet"], last_answer="funding"),
            intent="nlu_fallback",
            text="jammer. wat dan wel",
        ),
    )
    text = texts(messages)
    assert text.startswith("Levenlanglerenkrediet (DUO) kan niet voor jou. Dit kan misschien wel:")
    assert "werkgever" in text.lower()
    messages, _ = run_action(
        ActionRespondToFacts(), earlier({"scheme_in_focus": ["stap"]}, intent="nlu_fallback", text="wat is er nu dan")
    )
    text = texts(messages)
    assert text.startswith("STAP-budget bestaat niet meer. Dit kan misschien wel:")
    assert "SLIM-scholingssubsidie" in text or "Levenlanglerenkrediet" in text


def test_a_money_question_read_as_a_search_is_answered_as_money():
    messages, _ = run_action(
        ActionSearchModules(),
        earlier(
            {
                "employment_status": "uitkering",
                "benefit_type": "ww",
                "theme": "installatietechniek",
                "location": "Hengelo",
                "last_answer": "modules",
            },
            intent="search_course",
            text="mag dat van het uwv, een opleiding volgen met ww",
        ),
    )
    assert "UWV" in texts(messages) and "module_cards" not in str(messages)


def test_an_hr_employer_asking_for_subsidy_gets_the_employer_routes():
    messages, _ = run_action(
        ActionSearchModules(),
        make_tracker(
            {"company_size": "80", "location": "Groningen", "theme": "netwerken_infra"},
            intent="search_course",
            text="Ik werk op HR bij een infrabedrijf (80 medewerkers). Welke subsidies zijn er voor werkgevers?",
        ),
    )
    text = texts(messages)
    assert "SLIM" in text and "Ontwikkelpaden" in text


def test_an_employee_speaking_of_their_employer_stays_an_employee():
    _, events = run_action(
        ValidateSlotMappings(),
        make_tracker(
            {"employment_status": "werkend"},
            intent="inform",
            text="mijn werkgever is een installateur met 40 man personeel",
            entities=[{"entity": "employment_status", "value": "werkgever"}],
            candidates={"employment_status": "werkgever"},
        ),
    )
    assert slot_events(events).get("employment_status", "werkend") == "werkend"


def test_an_employer_naming_slim_with_400_staff_hears_it_is_for_smaller_companies():
    messages, _ = run_action(
        ActionEmployerAdvice(),
        earlier(
            {"employment_status": "werkgever", "company_size": "400", "last_answer": "employer"},
            intent="employer_training",
            text="kunnen we de slim regeling gebruiken",
        ),
    )
    assert "250" in texts(messages)


def test_the_cheapest_module_shown_is_found_by_its_price():
    _, events = run_action(
        ActionSearchModules(),
        make_tracker({"theme": "installatietechniek", "location": "Leeuwarden"}, intent="search_course"),
    )
    shown = slot_events(events)["shown_modules"]
    import knowledge

    prices = {m: knowledge.get_module(m).price_eur for m in shown if knowledge.get_module(m).price_eur}
    cheapest = min(prices, key=prices.get)
    messages, events = run_action(
        ActionCourseDetails(),
        make_tracker({"shown_modules": shown}, intent="course_details", text="wat kost de goedkoopste"),
    )
    assert slot_events(events)["last_module"] == cheapest
    assert knowledge.get_module(cheapest).price_text in texts(messages)


def test_a_question_about_the_hub_just_shown_gets_its_opening_hours():
    messages, _ = run_action(
        ActionRespondToFacts(),
        earlier({"location": "'s-Hertogenbosch", "last_answer": "hub"}, intent="nlu_fallback", text="zaterdag open?"),
    )
    text = texts(messages)
    assert text.startswith("TransitieHub Energie 's-Hertogenbosch is open:") and "9.00" in text


def faq_tracker(slots, text, key, confidence, intent="faq"):
    tracker = earlier(slots, intent=intent, text=text)
    tracker.latest_message["response_selector"] = {
        "faq": {"response": {"intent_response_key": key, "utter_action": f"utter_{key}", "confidence": confidence}}
    }
    tracker.latest_message["intent_ranking"] = [
        {"name": intent, "confidence": 0.5},
        {"name": "faq", "confidence": 0.49},
    ]
    return tracker


def test_a_faq_follow_up_about_the_loan_is_answered_about_the_loan_not_by_word_match():
    from actions.faq import ActionAnswerFaq

    messages, _ = run_action(
        ActionAnswerFaq(),
        faq_tracker(
            dict(WORKER, scheme_in_focus=["levenlanglerenkrediet"]), "hoeveel rente", "faq/startkwalificatie", 0.19
        ),
    )
    assert "2,57%" in texts(messages) and "startkwalificatie" not in texts(messages)


def test_what_does_that_cost_after_modules_gives_their_prices():
    from actions.faq import ActionAnswerFaq

    _, events = run_action(
        ActionSearchModules(),
        make_tracker({"theme": "installatietechniek", "location": "Tilburg"}, intent="search_course"),
    )
    shown = slot_events(events)["shown_modules"]
    messages, _ = run_action(
        ActionAnswerFaq(), faq_tracker({"shown_modules": shown}, "en wat kost dat", "faq/microcredential", 0.24)
    )
    assert texts(messages).startswith("Dit zijn de modules die ik je liet zien:") and "btw" in texts(messages)


def test_evenings_after_several_modules_are_answered_for_each(domain):
    """Seen in make run: "kan dat ook in de avond?" after three modules listed their prices."""
    from actions.recommend import ActionCourseDetails

    _, events = run_action(
        ActionSearchModules(),
        make_tracker({"theme": "installatietechniek", "location": "Tilburg"}, intent="search_course"),
    )
    shown = slot_events(events)["shown_modules"]
    before = {"theme": "installatietechniek", "location": "Tilburg", "shown_modules": shown}
    messages, _ = run_action(
        ActionCourseDetails(),
        make_tracker(
            before,
            history=[{"event": "slot", "name": n, "value": v} for n, v in before.items()],
            intent="course_details",
            text="kan dat ook in de avond?",
        ),
    )
    said = texts(messages)
    assert said.startswith("Of je 's avonds of in het weekend kunt leren, per module:")
    # right after "Hoe wil je het liefst leren?": no general note about evenings before it
    asked = dict(before, asked_slot="course_format")
    history = [{"event": "slot", "name": n, "value": v} for n, v in asked.items()]
    tracker = make_tracker(asked, history=history, intent="course_details", text="kan dat ook in de avond?")
    notes, _ = run_action(ValidateSlotMappings(), tracker, domain)
    assert texts(notes) == ""
    assert said.count("avond") >= len(shown)  # a word about evenings for every module
    assert "btw" not in said  # not the prices again


def test_a_plain_faq_question_gets_the_selected_answer():
    from actions.faq import ActionAnswerFaq

    messages, _ = run_action(
        ActionAnswerFaq(), faq_tracker({}, "wat is een startkwalificatie", "faq/startkwalificatie", 0.98)
    )
    assert messages[0]["response"] == "utter_faq/startkwalificatie"
    # the user may rate the answer (thumbs in the widget), under the FAQ's own key
    assert messages[1]["custom"] == {"type": "rateable", "topic": "faq/startkwalificatie"}


def test_an_unclear_message_with_a_sure_faq_answer_gets_it_instead_of_the_same_question():
    messages, _ = run_action(
        ActionRespondToFacts(),
        faq_tracker(
            {"asked_slot": "theme"},
            "verdien ik daar meer mee dan als kok",
            "faq/werk_en_loon",
            0.97,
            intent="nlu_fallback",
        ),
    )
    assert messages[0]["response"] == "utter_faq/werk_en_loon"


def test_a_sure_faq_choice_with_a_money_word_stands():
    from actions.faq import ActionAnswerFaq

    messages, _ = run_action(
        ActionAnswerFaq(),
        faq_tracker({}, "kan ik ook betaald leren, ik moet wel geld verdienen", "faq/leren_naast_werk", 0.99),
    )
    assert messages[0]["response"] == "utter_faq/leren_naast_werk"


def test_an_employer_hears_about_the_training_of_their_people():
    messages, _ = run_action(
        ActionFundingAdvice(),
        earlier(
            {"employment_status": "werkgever", "company_size": "140"}, intent="ask_funding", text="welke subsidie is er"
        ),
    )
    assert texts(messages).startswith("Wie kan de opleiding van je mensen betalen?")


def test_an_employer_asking_whether_to_pay_first_hears_the_funds_rule_not_the_whole_answer_again():
    messages, _ = run_action(
        ActionEmployerAdvice(),
        earlier(
            {
                "employment_status": "werkgever",
                "company_size": "8",
                "sector": "installatie",
                "scheme_in_focus": ["wij_techniek"],
                "last_answer": "funding",
            },
            intent="employer_training",
            text="moeten we de cursus voorschieten?",
        ),
    )
    text = texts(messages)
    assert text.startswith("Over Wij Techniek") and "eerst zelf" in text and "declareert" in text


def test_an_employer_naming_the_subject_without_a_place_is_asked_where_the_company_is():
    messages, events = run_action(
        ActionEmployerAdvice(),
        make_tracker(
            {"company_size": "6", "sector": "bouw_infra", "theme": "digitalisering_bouw"},
            intent="employer_training",
            text="wij zijn een klein bouwbedrijf met 6 man, willen ze bijscholen in bim",
            entities=[{"entity": "theme", "value": "digitalisering_bouw"}],
        ),
    )
    assert "SLIM" in texts(messages)
    assert texts(messages).splitlines()[-1].startswith("Waar zit je bedrijf?")
    assert slot_events(events)["asked_slot"] == "location"


def test_an_employer_naming_the_subject_gets_the_courses_not_the_same_schemes_again():
    before = {
        "employment_status": "werkgever",
        "company_size": "8",
        "sector": "installatie",
        "location": "Hengelo",
        "last_answer": "employer",
    }
    history = [{"event": "slot", "name": n, "value": v} for n, v in before.items()]
    messages, _ = run_action(
        ActionEmployerAdvice(),
        make_tracker(
            dict(before, theme="installatietechniek"),
            history=history,
            intent="employer_training",
            text="mijn monteurs moeten bijgeschoold worden op warmtepompen",
            entities=[{"entity": "theme", "value": "installatietechniek"}],
        ),
    )
    text = texts(messages)
    assert "modules passen" in text and "SLIM" not in text
    # a company size that changes the schemes: then they come again
    messages, _ = run_action(
        ActionEmployerAdvice(),
        make_tracker(
            dict(before, company_size="300"),
            history=history,
            intent="employer_training",
            text="we zijn eigenlijk met 300 man",
            entities=[{"entity": "company_size", "value": "300"}],
        ),
    )
    assert "SLIM" in texts(messages)


def test_am_i_too_old_is_answered_before_anything_else():
    before = {"theme": "installatietechniek", "location": "Eindhoven", "last_answer": "modules"}
    messages, _ = run_action(
        ActionRespondToFacts(),
        make_tracker(
            dict(before, age="61"),
            history=[{"event": "slot", "name": n, "value": v} for n, v in before.items()],
            intent="inform",
            text="ik ben 61, ben ik niet te oud?",
            entities=[{"entity": "age", "value": "61"}],
        ),
    )
    assert texts(messages).startswith("Nee, je bent niet te oud")
    assert "61 jaar" in texts(messages)  # and the age is noted


def test_a_doubt_in_a_course_question_is_answered_before_the_modules(domain):
    """Seen in make run: "ik wil omscholen naar elektricien maar heb alleen vmbo, woon in
    almelo, kan dat wel op mijn leeftijd 47" got modules, and neither doubt a word."""
    from actions.respond import ActionSearchModules

    text = "ik wil mischien omscholen naar elektricien maar heb alleen vmbo, wone in almelo, kan dat wel op mijn leeftijd 47"
    facts = {"theme": "installatietechniek", "education_level": "vmbo", "location": "Almelo", "age": "47"}
    messages, _ = run_action(
        ActionSearchModules(),
        make_tracker(facts, intent="search_course", text=text, candidates=facts),
        domain,
    )
    said = texts(messages)
    assert said.index("Nee, je bent niet te oud") < said.index("modules passen bij je")
    # "alleen vmbo ... kan dat wel": what vmbo means for work, first too
    assert messages[0].get("response") == "utter_faq/startkwalificatie"
    assert customs(messages, "module_cards")


def test_a_wish_without_a_diploma_is_no_doubt_to_answer(domain):
    """Seen in make run: "... zou graag iets in de zonne-energie willen doen maar heb geen
    diploma" got the startkwalificatie text above the modules, though nothing was asked."""
    from actions.respond import ActionSearchModules

    text = "goeiemorgen, ik heb bijstand en woon in assen. ben 38. zou graag iets in de zonne-energie willen doen maar heb geen diploma"
    facts = {"theme": "installatietechniek", "education_level": "geen", "location": "Assen", "age": "38"}
    messages, _ = run_action(
        ActionSearchModules(), make_tracker(facts, intent="search_course", text=text, candidates=facts), domain
    )
    assert not [m for m in messages if m.get("response") == "utter_faq/startkwalificatie"]
    assert customs(messages, "module_cards")


def test_a_word_the_model_mistook_for_a_diploma_is_dropped_without_a_complaint():
    messages, events = run_action(
        ValidateSlotMappings(),
        make_tracker(
            {},
            intent="inform",
            text="ok. ik heb bijstand en woon in enschede, ben 31",
            entities=[
                {"entity": "education_level", "value": "ok"},
                {"entity": "location", "value": "Enschede"},
                {"entity": "age", "value": "31"},
            ],
            candidates={"education_level": "ok", "location": "Enschede", "age": "31"},
        ),
    )
    assert "diploma" not in texts(messages)
    assert slot_events(events)["education_level"] is None and slot_events(events)["age"] == "31"


def test_what_does_that_cost_unclear_to_the_model_still_gives_the_prices():
    _, events = run_action(
        ActionSearchModules(),
        make_tracker({"theme": "installatietechniek", "location": "Tilburg"}, intent="search_course"),
    )
    shown = slot_events(events)["shown_modules"]
    messages, _ = run_action(
        ActionRespondToFacts(), earlier({"shown_modules": shown}, intent="nlu_fallback", text="en wat kost dat")
    )
    assert texts(messages).startswith("Dit zijn de modules die ik je liet zien:") and "btw" in texts(messages)


def test_a_question_about_the_scheme_while_a_question_is_open_is_answered_not_asked_again():
    # the bot had asked "Leer je liever online, in een klas, of allebei?" and could not use
    # the reply; the reply is about the loan just explained
    slots = dict(
        WORKER,
        scheme_in_focus=["levenlanglerenkrediet"],
        last_answer="funding",
        asked_slot="course_format",
        form_failures={"course_format": 1},
    )
    messages, _ = run_action(
        ActionRespondToFacts(),
        earlier(slots, intent="nlu_fallback", text="mijn kosten zijn maar 2000 euro, kan het dan nog"),
    )
    assert "online, in een klas" not in texts(messages)
    assert "Levenlanglerenkrediet" in texts(messages)


def test_a_subject_we_teach_in_a_message_the_model_calls_not_ours_starts_the_search():
    from actions.respond import ActionOutOfScope

    messages, _ = run_action(
        ActionOutOfScope(),
        make_tracker(
            {"theme": "installatietechniek", "location": "Helmond"},
            intent="out_of_scope",
            text="sorry kind pakte telefoon. zoek cursus warmtepomp helmond",
        ),
    )
    assert "Helmond" in texts(messages) and "niet mee helpen" not in texts(messages)


def test_a_question_about_paying_during_advice_is_ours_even_when_the_model_says_it_is_not():
    from actions.respond import ActionOutOfScope

    messages, _ = run_action(
        ActionOutOfScope(),
        earlier(
            dict(WORKER, last_answer="modules"),
            intent="out_of_scope",
            text="mijn werkgever is een woningcorporatie, betalen die zoiets",
        ),
    )
    assert "niet mee helpen" not in texts(messages)
    assert "werkgever" in texts(messages).lower()
