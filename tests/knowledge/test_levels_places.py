"""Levels (domain-facts section 3) and Dutch places, hubs, shortage occupations."""

import pytest

from knowledge import ProfileError, level_label, nearest_hubs, nlqf_for, resolve_place, shortage_occupations
from knowledge.places import haversine_km, read_places_file


@pytest.mark.parametrize(
    "spelling, nlqf",
    [
        ("vmbo-bb", 1),
        ("entree", 1),
        ("mbo1", 1),
        ("vmbo-t", 2),
        ("mavo", 2),
        ("mbo 2", 2),
        ("mbo-III", 3),
        ("mbo3", 3),
        ("niveau 3", 3),
        ("MBO 4", 4),
        ("havo", 4),
        ("vwo", 4),
        ("gymnasium", 4),
        ("AD", 5),
        ("hbo", 6),
        ("bachelor", 6),
        ("wo_bachelor", 6),
        ("master", 7),
        ("MSc", 7),
        ("PhD", 8),
        ("MTS", 4),
        ("HTS", 6),
        ("geen", 0),
        (7, 7),
    ],
)
def test_dutch_diplomas_map_to_nlqf(spelling, nlqf):
    assert nlqf_for(spelling) == nlqf


@pytest.mark.parametrize("spelling", ["niveau 4", "xyz", "", None, 9, True])
def test_ambiguous_or_unknown_levels_give_none(spelling):
    assert nlqf_for(spelling) is None


def test_level_labels_read_like_dutch():
    assert level_label("mbo3") == "mbo 3"
    assert level_label(4, "mbo") == "mbo 4"
    assert level_label(6, "hbo") == "hbo"
    assert level_label(5, "hbo") == "associate degree"
    assert level_label(None, "branche") == "vakcursus (geen niveau)"


def test_all_municipalities_of_the_five_provinces_are_there():
    rows = [r for r in read_places_file() if r["kind"] == "gemeente"]
    per_province = {}
    for r in rows:
        per_province[r["province"]] = per_province.get(r["province"], 0) + 1
    assert per_province["Noord-Brabant"] == 56
    assert per_province["Overijssel"] == 25
    assert per_province["Groningen"] == 10
    assert per_province["Fryslân"] == 18
    assert per_province["Drenthe"] == 12


@pytest.mark.parametrize(
    "text, name, region",
    [
        ("den bosch", "'s-Hertogenbosch", "brabant"),
        ("'s-Hertogenbosch", "'s-Hertogenbosch", "brabant"),
        ("s-hertogenbosch", "'s-Hertogenbosch", "brabant"),
        ("Den Bosch", "'s-Hertogenbosch", "brabant"),
        ("Hengelo (O)", "Hengelo", "twente"),
        ("hengelo", "Hengelo", "twente"),
        ("Hengelo (Gld)", "Hengelo (Gld)", None),
        ("Ljouwert", "Leeuwarden", "noord"),
        ("in Eindhoven", "Eindhoven", "brabant"),
        ("eindhovn", "Eindhoven", "brabant"),
        ("tilbrug", "Tilburg", "brabant"),  # seen in make run: "Ik ken die plaats niet"
        ("Utrecht", "Utrecht", None),
        ("Twente", "Twente", "twente"),
        ("Emmen", "Emmen", "noord"),
    ],
)
def test_place_spellings_resolve(engine, text, name, region):
    place = resolve_place(text, engine=engine)
    assert place is not None and place.name == name and place.region == region


def test_town_resolves_to_its_municipality(engine):
    drachten = resolve_place("Drachten", engine=engine)
    assert drachten.municipality == "Smallingerland" and drachten.region == "noord"
    assert resolve_place("Breda", engine=engine).subregion == "west-brabant"
    assert resolve_place("Eindhoven", engine=engine).subregion != "west-brabant"


@pytest.mark.parametrize("text", ["Parijs", "Antwerpen", "", "   ", "x" * 10_000, "🙂", None, 42])
def test_unknown_or_foreign_places_give_none(engine, text):
    assert resolve_place(text, engine=engine) is None


def test_haversine_distance_breda_eindhoven_is_about_50_km(engine):
    breda, ehv = resolve_place("Breda", engine=engine), resolve_place("Eindhoven", engine=engine)
    assert 45 < haversine_km(breda.lat, breda.lon, ehv.lat, ehv.lon) < 55


def test_nearest_hub_for_tilburg_is_a_brabant_transitiehub(engine):
    hubs = nearest_hubs(resolve_place("Tilburg", engine=engine), limit=2, engine=engine)
    assert [h.region for h in hubs] == ["brabant", "brabant"]
    assert hubs[0].distance_km < hubs[1].distance_km < 40
    assert all(h.sample for h in hubs)


def test_nearest_hub_for_enschede_is_in_enschede(engine):
    hub = nearest_hubs(resolve_place("Enschede", engine=engine), engine=engine)[0]
    assert hub.city == "Enschede" and hub.distance_km < 5


def test_hubs_per_region(engine):
    assert len(nearest_hubs(region="brabant", limit=10, engine=engine)) == 3
    assert len(nearest_hubs(region="twente", limit=10, engine=engine)) == 5
    assert len(nearest_hubs(region="noord", limit=10, engine=engine)) == 5
    with pytest.raises(ProfileError):
        nearest_hubs(region="limburg", engine=engine)


def test_shortage_occupations_link_to_modules_in_the_region(engine):
    from knowledge import get_module

    occs = shortage_occupations("twente", "digitalisering_bouw", engine=engine)
    assert [o.name for o in occs] == ["BIM-modelleur / digitaal tekenaar"]
    assert occs[0].why and occs[0].sample and occs[0].module_ids
    for mid in occs[0].module_ids:
        detail = get_module(mid, engine=engine)
        assert detail is not None
        assert any(o.region == "twente" or o.format == "online" for o in detail.offerings)
    assert all(o.region in (None, "noord") for o in shortage_occupations("noord", engine=engine))
    with pytest.raises(ProfileError):
        shortage_occupations("limburg", engine=engine)
