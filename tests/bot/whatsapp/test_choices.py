"""What the bot sends, as the phone shows it: reply buttons, list messages, numbered text, module
cards; and taps on buttons and rows mapped back to the bot's payloads, never to their titles.
The fake Graph API refuses anything outside Meta's limits, as Meta does."""

from __future__ import annotations

import pytest

from bot.replies import Outgoing
from tests.support.whatsapp import shown_text

pytestmark = pytest.mark.asyncio

SEARCH_INSTALLATION = '/search_course{"theme":"installatietechniek"}'


async def bot_says(wa, **outgoing):
    """The bot's message to the user who just wrote; returns what reached the phone."""
    conversation = await wa.conversation()
    before = len(wa.phone())
    message = await wa.channel.conversations.deliver_to_user(conversation, Outgoing(**outgoing))
    await wa.settle()
    assert [r.status for r in wa.graph.attempts()][-1] == 200, wa.graph.received[-1]
    return message, wa.phone()[before:]


async def last_user_message(wa):
    return [m for m in await wa.transcript() if m.sender == "user"][-1]


async def test_three_short_choices_are_reply_buttons_and_a_tap_sends_the_payload(wa):
    await wa.say("Hallo")
    buttons = [
        {"title": "Installatietechniek", "payload": SEARCH_INSTALLATION},
        {"title": "Circulair bouwen", "payload": '/search_course{"theme":"circulair_bouwen"}'},
        {"title": "Weet ik niet", "payload": "/dont_know"},
    ]
    _, sent = await bot_says(wa, text="Welk vak spreekt je aan?", buttons=buttons)
    assert len(sent) == 1 and sent[0]["interactive"]["type"] == "button"
    shown = sent[0]["interactive"]["action"]["buttons"]
    assert [b["reply"]["title"] for b in shown] == [b["title"] for b in buttons]
    assert sent[0]["interactive"]["body"]["text"] == "Welk vak spreekt je aan?"

    await wa.deliver("button_reply", REPLY_ID=shown[0]["reply"]["id"], REPLY_TITLE="Installatietechniek")
    tapped = await last_user_message(wa)
    assert tapped.payload == SEARCH_INSTALLATION  # what the bot gets: the payload, not the title
    assert tapped.text == "Installatietechniek"  # what the transcript shows: what the user saw


async def test_more_than_three_choices_become_a_list_message(wa):
    await wa.say("Hallo")
    buttons = [
        {"title": "Een opleiding zoeken", "payload": "/search_course"},
        {"title": "Wie betaalt mijn opleiding?", "payload": "/ask_funding"},
        {"title": "Een hub bij mij in de buurt", "payload": "/find_hub"},
        {"title": "Praten met een adviseur", "payload": "/request_human"},
    ]
    _, sent = await bot_says(wa, text="Waar kan ik je mee helpen?", buttons=buttons)
    assert len(sent) == 1
    interactive = sent[0]["interactive"]
    assert interactive["type"] == "list"
    rows = interactive["action"]["sections"][0]["rows"]
    assert len(rows) == 4 and all(len(r["title"]) <= 24 for r in rows)
    # A title that had to be shortened is shown whole underneath.
    assert rows[1]["title"] != "Wie betaalt mijn opleiding?"
    assert rows[1]["description"] == "Wie betaalt mijn opleiding?"
    assert rows[3]["title"] == "Praten met een adviseur" and "description" not in rows[3]

    await wa.deliver(
        "list_reply",
        REPLY_ID=rows[1]["id"],
        REPLY_TITLE=rows[1]["title"],
        REPLY_DESCRIPTION="Wie betaalt mijn opleiding?",
    )
    assert (await last_user_message(wa)).payload == "/ask_funding"


async def test_a_long_title_turns_even_two_choices_into_a_list(wa):
    await wa.say("Hallo")
    buttons = [{"title": "Ja, verbind me met een adviseur", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]
    _, sent = await bot_says(wa, text="Wil je met een adviseur praten?", buttons=buttons)
    assert sent[0]["interactive"]["type"] == "list"


async def test_more_than_ten_choices_become_numbered_text_and_a_number_picks_one(wa):
    await wa.say("Hallo")
    places = [
        "Almelo",
        "Borne",
        "Dinkelland",
        "Enschede",
        "Haaksbergen",
        "Hellendoorn",
        "Hengelo",
        "Hof van Twente",
        "Losser",
        "Oldenzaal",
        "Rijssen-Holten",
        "Tubbergen",
    ]
    buttons = [{"title": p, "payload": f'/inform{{"location":"{p}"}}'} for p in places]
    _, sent = await bot_says(wa, text="In welke gemeente woon je?", buttons=buttons)
    assert len(sent) == 1 and sent[0]["type"] == "text"
    text = sent[0]["text"]["body"]
    assert text.startswith("In welke gemeente woon je?")
    assert "4. Enschede" in text and "12. Tubbergen" in text
    assert "Stuur het nummer van je keuze." in text

    await wa.say("4")
    picked = await last_user_message(wa)
    assert picked.text == "4" and picked.payload == '/inform{"location":"Enschede"}'


async def test_a_number_means_a_choice_only_while_the_numbered_choices_are_the_last_word(wa):
    await wa.say("Hallo")
    buttons = [{"title": f"Optie {n}", "payload": f"/inform{{\"n\":{n}}}"} for n in range(12)]
    await bot_says(wa, text="Kies maar", buttons=buttons)
    await bot_says(wa, text="Hoeveel uur per week kun je leren?")
    await wa.say("8")
    answer = await last_user_message(wa)
    assert answer.text == "8" and answer.payload is None  # an answer, not choice 8


async def test_a_number_out_of_range_is_just_text(wa):
    await wa.say("Hallo")
    buttons = [{"title": f"Gemeente {n}", "payload": f"/inform{{\"n\":{n}}}"} for n in range(12)]
    await bot_says(wa, text="Kies maar", buttons=buttons)
    await wa.say("45")
    assert (await last_user_message(wa)).payload is None


async def test_a_reply_to_an_unknown_or_foreign_choice_falls_back_to_its_title(wa):
    await wa.say("Hallo")
    await wa.deliver("button_reply", REPLY_ID="lw:999999:0", REPLY_TITLE="Cursus zoeken")
    tapped = await last_user_message(wa)
    assert tapped.text == "Cursus zoeken" and tapped.payload is None
    await wa.deliver("button_reply", REPLY_ID="/request_human", REPLY_TITLE="Adviseur")
    assert (await last_user_message(wa)).payload is None  # ids are never taken as payloads


async def test_module_cards_are_compact_text_with_a_link(wa):
    await wa.say("Hallo")
    cards = [
        {
            "module_id": "m1",
            "title": "Warmtepompen installeren",
            "provider": "ROC van Twente",
            "level": "mbo 3",
            "format": "hybride",
            "location": "Hengelo",
            "duration": "10 weken",
            "price": "€ 1.250 incl. btw",
            "next_start": "12 januari 2027",
            "why": "Past bij je ervaring in de installatietechniek.",
            "url": "https://www.example.org/warmtepompen",
            "sample": True,
            "buttons": [{"title": "Meer hierover", "payload": '/course_details{"module_id":"m1"}'}],
        },
        {
            "module_id": "m2",
            "title": "BIM voor de bouwplaats",
            "provider": "Saxion",
            "level": "hbo",
            "format": "online",
            "url": "https://www.example.org/bim",
            "sample": True,
            "buttons": [{"title": "Meer hierover", "payload": '/course_details{"module_id":"m2"}'}],
        },
    ]
    _, sent = await bot_says(wa, text="Dit past bij je:", cards=cards)
    assert [m["type"] for m in sent] == ["interactive"]  # short enough for one message
    shown = shown_text(sent[0])
    assert "*1. Warmtepompen installeren* (voorbeeld)" in shown
    assert "ROC van Twente · mbo 3 · hybride · Hengelo" in shown
    assert "Prijs: € 1.250 incl. btw" in shown and "Start: 12 januari 2027" in shown
    assert "Meer info: https://www.example.org/warmtepompen" in shown
    assert "Meer info: https://www.example.org/bim" in shown
    assert "proefgegevens" in shown  # sample data is marked as such
    buttons = sent[0]["interactive"]["action"]["buttons"]
    assert [b["reply"]["title"] for b in buttons] == ["1: Meer hierover", "2: Meer hierover"]

    await wa.deliver("button_reply", REPLY_ID=buttons[1]["reply"]["id"], REPLY_TITLE="2: Meer hierover")
    assert (await last_user_message(wa)).payload == '/course_details{"module_id":"m2"}'


async def test_buttons_of_several_cards_are_listed_under_each_card(wa):
    await wa.say("Hallo")
    titles = ["Elektrotechniek voor warmtepompmonteurs", "Nederlands op de werkvloer", "Zonnepanelen leggen"]
    cards = [
        {
            "module_id": f"m{n}",
            "title": title,
            "provider": "Duurzaam Leren Online",
            "format": "online",
            "location": "online",
            "url": f"https://example.org/m{n}",
            "why": "Past bij wat je zoekt. " * 12,
            "sample": True,
            "buttons": [
                {"title": "Details", "payload": f'/course_details{{"module_id":"m{n}"}}'},
                {"title": "Financiering", "payload": f'/ask_funding{{"module_id":"m{n}"}}'},
                {"title": "Aanmelden", "payload": f'/how_to_enroll{{"module_id":"m{n}"}}'},
            ],
        }
        for n, title in enumerate(titles, start=1)
    ]
    _, sent = await bot_says(wa, cards=cards)
    assert [m["type"] for m in sent] == ["text", "interactive"]  # cards, then the choice
    assert "Duurzaam Leren Online · online\n" in sent[0]["text"]["body"]  # "online" once
    interactive = sent[1]["interactive"]
    assert interactive["body"]["text"] == "Wil je meer weten over een cursus? Kies hieronder."
    sections = interactive["action"]["sections"]
    assert [s["title"] for s in sections] == [
        "1. Elektrotechniek voor…",
        "2. Nederlands op de…",
        "3. Zonnepanelen leggen",
    ]
    assert [r["title"] for r in sections[1]["rows"]] == ["Details", "Financiering", "Aanmelden"]

    row = sections[1]["rows"][1]
    await wa.deliver("list_reply", REPLY_ID=row["id"], REPLY_TITLE=row["title"])
    assert (await last_user_message(wa)).payload == '/ask_funding{"module_id":"m2"}'


async def test_long_text_is_split_and_a_long_question_keeps_its_buttons(wa):
    await wa.say("Hallo")
    paragraph = "Dit is een lange uitleg over subsidies voor scholing. " * 30 + "\n"
    _, sent = await bot_says(wa, text=paragraph * 6)  # about 9,700 characters
    assert len(sent) == 3 and all(len(m["text"]["body"]) <= 4096 for m in sent)
    assert "".join(m["text"]["body"] for m in sent).count("lange uitleg") == 180

    buttons = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]
    _, sent = await bot_says(wa, text=paragraph * 2, buttons=buttons)  # over 1,024 characters
    assert [m["type"] for m in sent] == ["text", "interactive"]
    assert [b["reply"]["title"] for b in sent[1]["interactive"]["action"]["buttons"]] == ["Ja", "Nee"]


async def test_a_typed_button_title_is_a_tap(make_whatsapp, fake_rasa):
    """Typing "meer opties" after a results page does what tapping "Meer opties" does."""
    wa = await make_whatsapp(RASA_URL=fake_rasa.url)
    fake_rasa.answers["ik zoek een cursus BIM"] = [
        {
            "text": "Wil je meer weten?",
            "buttons": [
                {"title": "Meer opties", "payload": "/more_results"},
                {"title": "Wie betaalt dit?", "payload": "/ask_funding"},
            ],
        }
    ]
    await wa.say("ik zoek een cursus BIM")
    await wa.say("meer opties")
    assert fake_rasa.messages == ["ik zoek een cursus BIM", "/more_results"]
    said = await last_user_message(wa)
    assert (said.text, said.payload) == ("meer opties", "/more_results")
