"""Funding rules: every scheme, each condition on both sides of its boundary, validity dates."""

from datetime import date

import pytest

from knowledge import ProfileError, evaluate_funding
from knowledge.funding.engine import Facts, evaluate_rule
from knowledge.funding.rules import RuleFileError, load_rules, parse_rule
from knowledge.places import resolve_place
from knowledge.profile import normalise_profile

TODAY = date(2026, 11, 23)
RULES = {r.id: r for r in load_rules()}
# course facts as course_facts() gives them for a module
HBO_DEELTIJD = {
    "known": True,
    "title": "Ad",
    "education_type": "hbo",
    "nlqf_level": 5,
    "bol_bbl": None,
    "mode": "deeltijd",
    "recognised": True,
    "nlqf_registered": True,
    "ontwikkelpad": None,
    "price_eur": 2530.0,
    "duration_weeks": 80,
    "themes": ["installatietechniek"],
    "tags": [],
    "shortage": False,
    "occupation": None,
}
MBO_BOL = dict(HBO_DEELTIJD, education_type="mbo", nlqf_level=4, bol_bbl="bol", mode="voltijd")
MBO_BBL = dict(MBO_BOL, nlqf_level=3, bol_bbl="bbl", mode="duaal", ontwikkelpad="techniek")
SHORT = dict(
    HBO_DEELTIJD,
    education_type="branche",
    nlqf_level=3,
    recognised=False,
    nlqf_registered=True,
    ontwikkelpad="techniek",
    mode=None,
    price_eur=1000.0,
    duration_weeks=6,
    shortage=True,
    occupation="Warmtepompmonteur",
)


def advise(scheme, profile=None, course=None, as_of=TODAY, engine=None):
    resolve = (lambda t: resolve_place(t, engine=engine)) if engine is not None else None
    return evaluate_rule(RULES[scheme], Facts(normalise_profile(profile or {}, resolve=resolve), course, as_of))


def test_every_rule_file_has_source_and_dutch_amount():
    assert {
        "levenlanglerenkrediet",
        "slim_regeling",
        "slim_scholingssubsidie",
        "wij_techniek",
        "uwv_scholing",
        "brabant_leert_jtf",
        "werkgever_betaalt",
        "stap",
    } <= set(RULES)
    for rule in RULES.values():
        assert rule.source_url.startswith("https://") and rule.source_date[:4].isdigit()
        assert rule.amount["text"] and rule.conditions


# --- Levenlanglerenkrediet ---------------------------------------------------------------------
@pytest.mark.parametrize("age, outcome", [(56, "eligible"), (57, "not_eligible"), (30, "eligible")])
def test_llk_age_limit_is_younger_than_57(age, outcome):
    a = advise("levenlanglerenkrediet", {"age": age}, HBO_DEELTIJD)
    assert a.outcome == outcome
    if outcome == "not_eligible":
        assert "57" in a.reasons[0]


def test_llk_course_must_be_recognised_higher_education_or_fulltime_bol():
    assert advise("levenlanglerenkrediet", {"age": 40}, MBO_BOL).outcome == "eligible"
    bbl = advise("levenlanglerenkrediet", {"age": 40}, MBO_BBL)
    assert bbl.outcome == "not_eligible" and "BBL" in bbl.reasons[0]
    assert advise("levenlanglerenkrediet", {"age": 40}, dict(HBO_DEELTIJD, recognised=False)).outcome == "not_eligible"
    assert advise("levenlanglerenkrediet", {"age": 40}, dict(MBO_BOL, mode="deeltijd")).outcome == "not_eligible"


def test_llk_under_30_rule_is_uncertain_so_only_maybe():
    assert advise("levenlanglerenkrediet", {"age": 29}, HBO_DEELTIJD).outcome == "eligible"
    young = advise("levenlanglerenkrediet", {"age": 29, "education_level": "mbo4"}, MBO_BOL)
    assert young.outcome == "maybe" and "niet zeker" in young.reasons[0]
    assert advise("levenlanglerenkrediet", {"age": 29, "education_level": "hbo"}, MBO_BOL).outcome == "eligible"
    assert advise("levenlanglerenkrediet", {"age": 30, "education_level": "mbo4"}, MBO_BOL).outcome == "eligible"


def test_llk_without_age_is_maybe_and_asks_for_age():
    a = advise("levenlanglerenkrediet", {}, HBO_DEELTIJD)
    assert a.outcome == "maybe" and a.missing_facts == ["age"]


def test_llk_without_course_lists_the_course_condition():
    a = advise("levenlanglerenkrediet", {"age": 45})
    assert a.outcome == "eligible"
    assert any(r.startswith("Voorwaarde voor de opleiding") and "BOL" in r for r in a.reasons)
    assert "€ 12.650,04" in a.amount_text and "€ 7.095" in a.amount_text


# --- SLIM-scholingssubsidie (Ontwikkelpaden) ---------------------------------------------------
WORKER = {"employment_status": "werkend", "sector": "installatie", "age": 40}


@pytest.mark.parametrize(
    "as_of, outcome",
    [
        (date(2025, 3, 9), "not_eligible"),
        (date(2025, 3, 10), "eligible"),
        (date(2025, 6, 30), "eligible"),
        (date(2025, 11, 10), "eligible"),
        (date(2025, 11, 11), "maybe"),
        (date(2027, 12, 31), "maybe"),
        (date(2028, 1, 1), "ended"),
    ],
)
def test_slim_scholingssubsidie_validity_and_windows(as_of, outcome):
    assert advise("slim_scholingssubsidie", WORKER, SHORT, as_of).outcome == outcome


def test_slim_scholingssubsidie_window_2026_is_said_to_be_unconfirmed():
    a = advise("slim_scholingssubsidie", WORKER, SHORT, TODAY)
    assert a.outcome == "maybe" and any("niet bevestigd" in r for r in a.reasons)


@pytest.mark.parametrize(
    "level, outcome, percent", [(3, "eligible", "90%"), (4, "eligible", "40%"), (5, "not_eligible", None)]
)
def test_slim_scholingssubsidie_nlqf_1_to_4_with_90_or_40_percent(level, outcome, percent):
    a = advise("slim_scholingssubsidie", WORKER, dict(SHORT, nlqf_level=level), date(2025, 5, 1))
    assert a.outcome == outcome
    if percent:
        assert a.amount_text.startswith(percent) and f"{percent} van € 1.000" in a.amount_text


def test_slim_scholingssubsidie_course_and_person_conditions():
    may = date(2025, 5, 1)
    assert advise("slim_scholingssubsidie", WORKER, dict(SHORT, nlqf_registered=False), may).outcome == "not_eligible"
    assert advise("slim_scholingssubsidie", WORKER, dict(SHORT, ontwikkelpad=None), may).outcome == "not_eligible"
    assert advise("slim_scholingssubsidie", dict(WORKER, sector="zorg"), SHORT, may).outcome == "eligible"
    assert advise("slim_scholingssubsidie", dict(WORKER, sector="logistiek"), SHORT, may).outcome == "not_eligible"
    zzp = advise("slim_scholingssubsidie", dict(WORKER, employment_status="zzp"), SHORT, may)
    assert zzp.outcome == "not_eligible" and "zzp" in zzp.reasons[0] and zzp.applicant == "employer"


# --- SLIM-regeling ------------------------------------------------------------------------------
@pytest.mark.parametrize("size, outcome", [(249, "eligible"), (250, "not_eligible"), (1, "eligible")])
def test_slim_regeling_is_for_mkb_below_250(size, outcome):
    assert advise("slim_regeling", {"employment_status": "werkgever", "company_size": size}).outcome == outcome


@pytest.mark.parametrize("as_of, outcome", [(date(2029, 12, 31), "eligible"), (date(2030, 1, 1), "ended")])
def test_slim_regeling_runs_until_2030(as_of, outcome):
    assert (
        advise("slim_regeling", {"employment_status": "werkgever", "company_size": 10}, as_of=as_of).outcome == outcome
    )


def test_slim_regeling_does_not_pay_the_course_itself():
    a = advise("slim_regeling", {"employment_status": "werkgever", "company_size": 10}, SHORT)
    assert a.outcome == "maybe" and any("niet deze opleiding" in r for r in a.reasons)
    assert "60%" in a.amount_text and "24.999" in a.amount_text
    assert advise("slim_regeling", {"employment_status": "werkgever"}).missing_facts == ["company_size"]


# --- Wij Techniek (voorheen OTIB) ---------------------------------------------------------------
def test_wij_techniek_only_for_installation_sector():
    assert advise("wij_techniek", WORKER, SHORT).outcome == "eligible"
    assert advise("wij_techniek", dict(WORKER, sector="bouw_infra"), SHORT).outcome == "not_eligible"
    assert advise("wij_techniek", dict(WORKER, employment_status="werkzoekend"), SHORT).outcome == "not_eligible"


def test_wij_techniek_excludes_bbl_and_vca():
    assert advise("wij_techniek", WORKER, MBO_BBL).outcome == "not_eligible"
    assert advise("wij_techniek", WORKER, dict(SHORT, tags=["vca"])).outcome == "not_eligible"
    assert advise("wij_techniek", WORKER, dict(SHORT, tags=["f-gassen"])).outcome == "eligible"


def test_wij_techniek_amount_per_company_and_uncertainty_note():
    a = advise("wij_techniek", dict(WORKER, company_size=10), SHORT)
    assert "€ 900 per bedrijf plus € 90 per werknemer" in a.amount_text
    assert "10 werknemers: € 1.800 per jaar" in a.amount_text
    assert any("€ 800 plus € 130" in r for r in a.reasons)


# --- UWV ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("weeks, outcome", [(52, "maybe"), (53, "not_eligible")])
def test_uwv_pays_at_most_one_year(weeks, outcome):
    a = advise(
        "uwv_scholing", {"employment_status": "uitkering", "benefit_type": "ww"}, dict(SHORT, duration_weeks=weeks)
    )
    assert a.outcome == outcome


def test_uwv_needs_a_uwv_benefit_and_never_promises():
    ww = advise("uwv_scholing", {"benefit_type": "ww"}, SHORT)
    assert ww.outcome == "maybe" and any("werkcoach" in r for r in ww.reasons)  # UWV decides
    assert advise("uwv_scholing", {"benefit_type": "bijstand"}, SHORT).outcome == "not_eligible"
    assert advise("uwv_scholing", {"employment_status": "werkend"}, SHORT).outcome == "not_eligible"
    unsure = advise("uwv_scholing", {"employment_status": "werkzoekend"}, SHORT)
    assert unsure.outcome == "maybe" and unsure.missing_facts == ["on_benefit", "benefit_type"]
    assert "niet zeker" in ww.amount_text


# --- Brabant Leert JTF --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "place, outcome",
    [
        ("Breda", "eligible"),
        ("Roosendaal", "eligible"),
        ("Eindhoven", "not_eligible"),
        ("Utrecht", "not_eligible"),
        ("Enschede", "not_eligible"),
    ],
)
def test_jtf_only_for_west_brabant(engine, place, outcome):
    assert advise("brabant_leert_jtf", {"location": place}, SHORT, engine=engine).outcome == outcome


def test_jtf_without_place_asks_where_you_live():
    a = advise("brabant_leert_jtf", {"region": "brabant"}, SHORT)
    assert a.outcome == "maybe" and a.missing_facts == ["location"]


def test_jtf_course_conditions_and_50_percent(engine):
    a = advise("brabant_leert_jtf", {"location": "Breda"}, SHORT, engine=engine)
    assert "50% van € 1.000 = € 500" in a.amount_text
    generic = advise("brabant_leert_jtf", {"location": "Breda"}, dict(SHORT, tags=["generiek"]), engine=engine)
    assert generic.outcome == "not_eligible"
    battery = advise(
        "brabant_leert_jtf", {"location": "Breda"}, dict(SHORT, themes=["batterijtechnologie"]), engine=engine
    )
    assert battery.outcome == "maybe"
    assert (
        advise("brabant_leert_jtf", {"location": "Breda"}, dict(SHORT, themes=[]), engine=engine).outcome
        == "not_eligible"
    )


# --- employer pays ------------------------------------------------------------------------------
def test_employer_paid_training():
    assert advise("werkgever_betaalt", {"employment_status": "werkgever"}).outcome == "eligible"
    worker = advise("werkgever_betaalt", {"employment_status": "werkend"})
    assert worker.outcome == "maybe" and any("cao" in r for r in worker.reasons)
    zzp = advise("werkgever_betaalt", {"employment_status": "zzp"})
    assert zzp.outcome == "not_eligible" and "zzp" in zzp.reasons[0]
    assert any("1 januari 2022" in r for r in worker.reasons)


# --- STAP and NL leert door: ended ---------------------------------------------------------------
@pytest.mark.parametrize(
    "as_of, outcome",
    [
        (date(2022, 2, 28), "not_eligible"),
        (date(2022, 3, 1), "eligible"),
        (date(2023, 12, 31), "eligible"),
        (date(2024, 1, 1), "ended"),
        (TODAY, "ended"),
        (date(2031, 1, 1), "ended"),
    ],
)
def test_stap_ended_on_1_january_2024(as_of, outcome):
    a = advise("stap", {"age": 40}, HBO_DEELTIJD, as_of)
    assert a.outcome == outcome
    if outcome == "ended":
        assert "gestopt op 1 januari 2024" in a.reasons[0]
        assert "SLIM-scholingssubsidie" in a.replaced_by and "Levenlanglerenkrediet" in a.replaced_by
        assert any("Levenlanglerenkrediet" in r and "SLIM" in r for r in a.reasons)


@pytest.mark.parametrize(
    "age, outcome", [(17, "not_eligible"), (18, "eligible"), (66, "eligible"), (67, "not_eligible")]
)
def test_stap_age_while_it_ran(age, outcome):
    assert advise("stap", {"age": age}, HBO_DEELTIJD, date(2023, 6, 1)).outcome == outcome


@pytest.mark.parametrize("as_of, outcome", [(date(2021, 12, 31), "eligible"), (date(2022, 1, 1), "ended")])
def test_nl_leert_door_ended_2022(as_of, outcome):
    assert advise("nl_leert_door", {"age": 40}, as_of=as_of).outcome == outcome


# --- the public function -------------------------------------------------------------------------
def test_evaluate_funding_for_a_real_module(any_engine):
    advice = evaluate_funding(
        {
            "age": 45,
            "employment_status": "werkend",
            "education_level": "mbo3",
            "sector": "installatie",
            "location": "Breda",
            "company_size": 20,
        },
        "servicemonteur-warmtepompen-brabant",
        as_of=TODAY,
        engine=any_engine,
    )
    by_id = {a.scheme_id: a for a in advice}
    assert by_id["stap"].outcome == "ended"
    assert by_id["wij_techniek"].outcome == "eligible"
    assert by_id["brabant_leert_jtf"].outcome == "eligible" and "50% van €" in by_id["brabant_leert_jtf"].amount_text
    assert by_id["levenlanglerenkrediet"].outcome == "not_eligible"  # a branch course, not hbo/wo or BOL
    order = ["eligible", "maybe", "not_eligible", "ended"]
    assert [order.index(a.outcome) for a in advice] == sorted(order.index(a.outcome) for a in advice)


def test_evaluate_funding_is_fast_enough_to_call_per_message_without_db():
    advice = evaluate_funding({"age": 45, "employment_status": "werkend"}, as_of=TODAY)
    assert len(advice) == len(RULES) and advice[-1].outcome == "ended"


def test_unknown_module_or_profile_value_gives_clear_error(engine):
    with pytest.raises(ProfileError) as err:
        evaluate_funding({"age": 40}, "bestaat-niet", engine=engine)
    assert err.value.key == "module_id"
    with pytest.raises(ProfileError):
        evaluate_funding({"employment_status": "astronaut"})
    with pytest.raises(ProfileError):
        evaluate_funding({"age": -3})
    with pytest.raises(ProfileError):
        evaluate_funding({}, schemes=["bestaat_niet"])


def test_a_broken_rule_file_is_refused_with_its_name():
    good = {
        "id": "x",
        "name": "X",
        "applicant": "person",
        "source_url": "https://example.org",
        "source_date": "2025",
        "amount": {"text": "t"},
        "conditions": [{"id": "c", "test": {"fact": "age", "lt": 5}}],
    }
    parse_rule(good, "x.yaml")
    for broken in ({"fact": "age", "smaller": 5}, {"fact": "shoe_size", "lt": 5}, {"any": []}):
        bad = dict(good, conditions=[{"id": "c", "test": broken}])
        with pytest.raises(RuleFileError, match="x.yaml"):
            parse_rule(bad, "x.yaml")


def test_slim_regeling_needs_an_employer_and_is_unsure_for_zzp():
    assert advise("slim_regeling", {"employment_status": "werkzoekend", "company_size": 5}).outcome == "not_eligible"
    zzp = advise("slim_regeling", {"employment_status": "zzp", "company_size": 1})
    assert zzp.outcome == "maybe" and any("zzp" in r for r in zzp.reasons)


@pytest.mark.parametrize("shortage, outcome_reason", [(True, "veel vraag"), (False, "kansberoep")])
def test_uwv_labour_market_relevance(shortage, outcome_reason):
    a = advise("uwv_scholing", {"benefit_type": "ww"}, dict(SHORT, shortage=shortage))
    assert a.outcome == "maybe" and any(outcome_reason in r for r in a.reasons)


@pytest.mark.parametrize("price, unsure", [(2500.0, False), (2501.0, True)])
def test_uwv_old_price_cap_is_mentioned_as_uncertain(price, unsure):
    a = advise("uwv_scholing", {"benefit_type": "ww"}, dict(SHORT, price_eur=price))
    assert a.outcome == "maybe"
    assert any("weet ik niet zeker" in r and "€ 2.501" in r for r in a.reasons) == unsure


def test_stap_register_condition_while_it_ran():
    assert advise("stap", {"age": 40}, dict(HBO_DEELTIJD, recognised=False), date(2023, 6, 1)).outcome == "maybe"
    assert advise("stap", {"age": 40}, HBO_DEELTIJD, date(2023, 6, 1)).outcome == "eligible"
