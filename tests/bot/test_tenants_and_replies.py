"""Tenant settings people see (colours, welcome, office hours) and how Rasa's output is shown."""

from datetime import datetime, timezone

import pytest

from bot.config import load_tenants
from bot.replies import from_rasa

TENANTS = load_tenants(env={})


def luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_the_three_regions_are_configured():
    assert set(TENANTS) == {"brabant", "twente", "noord"}
    assert TENANTS["brabant"].regions == ("brabant",)
    assert "Eindhoven" in TENANTS["brabant"].hubs


@pytest.mark.parametrize("name", sorted(TENANTS))
def test_tenant_colours_meet_wcag_aa_contrast(name):
    colours = TENANTS[name].colours
    # header, launcher, send button and the user's bubbles: on_primary text on primary
    assert contrast(colours["on_primary"], colours["primary"]) >= 4.5
    # answer buttons and links: primary text on white, and on the accent (hover) colour
    assert contrast(colours["primary"], "#ffffff") >= 4.5
    assert contrast(colours["primary"], colours["accent"]) >= 4.5


@pytest.mark.parametrize("name", sorted(TENANTS))
def test_welcome_is_dutch_and_offers_choices(name):
    tenant = TENANTS[name]
    assert tenant.display_name in tenant.welcome
    assert "helpen" in tenant.welcome
    assert all(b["payload"].startswith("/") for b in tenant.welcome_buttons)
    assert len(tenant.welcome_buttons) >= 2


def test_extra_origins_come_from_the_environment():
    tenants = load_tenants(env={"TENANT_NOORD_ORIGINS": "https://a.example/, https://b.example"})
    assert {"https://a.example", "https://b.example"} <= set(tenants["noord"].allowed_origins)
    assert "https://a.example" not in tenants["twente"].allowed_origins


def test_office_hours_follow_dutch_time():
    hours = TENANTS["twente"].office_hours
    # Monday 8 June 2026, 08:30 UTC = 10:30 in Amsterdam (summer time)
    assert hours.is_open(datetime(2026, 6, 8, 8, 30, tzinfo=timezone.utc))
    # the same Monday at 15:30 UTC = 17:30 in Amsterdam: closed
    assert not hours.is_open(datetime(2026, 6, 8, 15, 30, tzinfo=timezone.utc))
    # Saturday
    assert not hours.is_open(datetime(2026, 6, 13, 10, 0, tzinfo=timezone.utc))


CARD = {
    "module_id": "m-42",
    "title": "Warmtepompen installeren",
    "provider": "ROC Voorbeeld",
    "level": "mbo 4",
    "format": "hybride",
    "location": "Breda",
    "duration": "10 weken",
    "study_load": "80 uur",
    "price": "€ 1.250 incl. btw",
    "next_start": "12 januari 2027",
    "why": "Past bij je mbo-4 niveau en je wil om te scholen.",
    "url": "https://example.org/m-42",
    "sample": True,
    "secret_score": 0.93,
    "buttons": [{"title": "Meer over deze", "payload": "/course_details{\"module_id\":\"m-42\"}"}],
}


def test_module_cards_pass_with_known_fields_only():
    outgoing, requests = from_rasa(
        [
            {"recipient_id": "c1", "text": "Ik vond dit:"},
            {
                "recipient_id": "c1",
                "custom": {
                    "type": "module_cards",
                    "cards": [
                        CARD,
                        {**CARD, "title": "Tweede", "url": "javascript:alert(1)", "sample": False},
                        {"provider": "zonder titel"},
                    ],
                },
            },
        ]
    )
    assert requests == []
    assert [o.text for o in outgoing] == ["Ik vond dit:", None]
    first, second = outgoing[1].cards
    assert first["title"] == "Warmtepompen installeren" and first["sample"] is True
    assert first["price"] == "€ 1.250 incl. btw"
    assert "secret_score" not in first
    assert first["buttons"] == CARD["buttons"]
    assert "url" not in second  # a javascript: link never reaches a channel
    assert len(outgoing[1].cards) == 2  # the card without a title is dropped


def test_handoff_json_message_becomes_a_request_to_the_gateway():
    outgoing, requests = from_rasa(
        [
            {
                "text": "Ik zoek een adviseur voor je.",
                "buttons": [{"title": "Ja", "payload": "/affirm"}, {"title": "", "payload": "/x"}],
            },
            {"custom": {"type": "handoff", "reason": "user_asked", "profile": {"theme": "installatietechniek"}}},
        ]
    )
    assert outgoing[0].buttons == [{"title": "Ja", "payload": "/affirm"}]
    [request] = requests
    assert request.type == "handoff" and request.data["reason"] == "user_asked"
