"""Callback requests: when no advisor can take the conversation, the gateway asks a name and a
phone number or e-mail address, checks them, keeps them in the case only and confirms."""

import pytest
import pytest_asyncio

from bot.handoff import dialogue
from bot.handoff.callback import email_address, person_name, phone_number, read_answer
from tests.support.handoff import never_open

pytestmark = pytest.mark.asyncio


def texts(answer):
    return [m["text"] for m in answer["messages"]]


@pytest_asyncio.fixture
async def closed_desk(make_desk, tmp_path):
    return await make_desk(never_open(tmp_path))


async def offered(desk, tenant="brabant"):
    cid = await desk.start(tenant)
    await desk.bot_hands_over(cid)
    return cid


async def test_a_callback_request_step_by_step(closed_desk):
    desk = closed_desk
    anna = await desk.advisor("anna@brabant.example", "Anna", tenants=("brabant",))
    cid = await offered(desk)
    assert texts(await desk.say(cid, "Terugbelverzoek", payload="/request_human")) == [dialogue.ASK_NAME]
    assert texts(await desk.say(cid, "123")) == [dialogue.BAD_NAME]
    assert texts(await desk.say(cid, "Sanne de Vries")) == [dialogue.ASK_CONTACT]
    assert texts(await desk.say(cid, "06-1234")) == [dialogue.BAD_PHONE]
    assert texts(await desk.say(cid, "sanne@voorbeeld")) == [dialogue.BAD_EMAIL]
    assert texts(await desk.say(cid, "dat weet ik niet")) == [dialogue.NO_CONTACT]
    saved = await desk.say(cid, "06 12 34 56 78")
    assert saved["mode"] == "bot"
    [confirmation] = saved["messages"]
    assert confirmation["text"].startswith(
        "Dank je. Je terugbelverzoek is opgeslagen. Een adviseur belt je zo snel mogelijk."
    )
    assert "werkdagen van 9.00 tot 17.00" in confirmation["text"]
    assert {"title": "Cursus zoeken", "payload": "/search_course"} in confirmation["buttons"]

    [request] = await desk.listing(anna, "callback")
    assert request["callback"] == {"name": "Sanne de Vries", "kind": "phone", "contact": "06 12345678"}
    # the details live in the case only: not in the transcript the widget replays
    said = [m["text"] for m in await desk.history(cid) if m["sender"] == "user"]
    assert said[0] == "Terugbelverzoek"
    assert said[1:] == [dialogue.REDACTED] * 6
    # an advisor calls back and marks it done
    response = await desk.api(
        "POST", f"/handoffs/{request['id']}/close", anna, json={"note": "Gebeld, afspraak in de hub Breda."}
    )
    done = await response.json()
    assert response.status == 200 and done["outcome"] == "called_back"
    assert await desk.listing(anna, "callback") == []
    assert await desk.mode(cid) == "bot"


async def test_name_and_email_in_one_message(closed_desk):
    desk = closed_desk
    anna = await desk.advisor("anna@brabant.example", "Anna", tenants=("brabant",))
    cid = await offered(desk)
    await desk.say(cid, "Ik wil graag teruggebeld worden")
    saved = await desk.say(cid, "Ik heet Ömer Kaya, mail me op Omer.Kaya@Example.NL")
    assert "Een adviseur mailt je zo snel mogelijk" in saved["messages"][0]["text"]
    [request] = await desk.listing(anna, "callback")
    assert request["callback"] == {"name": "Ömer Kaya", "kind": "email", "contact": "Omer.Kaya@example.nl"}


async def test_contact_first_then_the_name(closed_desk):
    desk = closed_desk
    cid = await offered(desk)
    await desk.say(cid, "Terugbelverzoek", payload="/request_human")
    assert texts(await desk.say(cid, "+31 6 12345678")) == [dialogue.ASK_NAME_AFTER_CONTACT]
    saved = await desk.say(cid, "Kees")
    assert saved["mode"] == "bot" and "belt je" in saved["messages"][0]["text"]


async def test_the_user_can_stop_the_callback_request(closed_desk):
    desk = closed_desk
    anna = await desk.advisor("anna@brabant.example", "Anna", tenants=("brabant",))
    cid = await offered(desk)
    await desk.say(cid, "Terugbelverzoek", payload="/request_human")
    answer = await desk.say(cid, "laat maar")
    assert answer["mode"] == "bot" and texts(answer) == [dialogue.CALLBACK_STOPPED]
    assert await desk.listing(anna, "callback") == []
    [closed] = await desk.listing(anna, "closed")
    assert closed["outcome"] == "cancelled" and "callback" not in closed


async def test_bad_input_during_the_callback_request_gets_a_polite_answer(closed_desk):
    desk = closed_desk
    cid = await offered(desk)
    await desk.say(cid, "Terugbelverzoek", payload="/request_human")
    for text in ["😀😀😀", "<script>alert(1)</script>", "x" * 2000, "\u202e\u0000ab"]:
        answer = await desk.say(cid, text)
        assert answer["mode"] == "waiting" and texts(answer) == [dialogue.BAD_NAME]


# -- reading names, phone numbers and e-mail addresses ----------------------------------------


@pytest.mark.parametrize(
    "text, number",
    [
        ("0612345678", "+31612345678"),
        ("06-12345678", "+31612345678"),
        ("06 12 34 56 78", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("(053) 123 45 67", "+31531234567"),
        ("06123456", None),
        ("061234567890", None),
        ("+32 470 12 34 56", None),
        ("0012345678", None),
        ("+31 06 12345678", None),
    ],
)
async def test_dutch_phone_numbers(text, number):
    assert phone_number(text) == number


@pytest.mark.parametrize(
    "text, address",
    [
        ("sanne@voorbeeld.nl", "sanne@voorbeeld.nl"),
        ("S.de.Vries@Gemeente.NL", "S.de.Vries@gemeente.nl"),
        ("jan+cursus@mail.example.com.", "jan+cursus@mail.example.com"),
        ("sanne@voorbeeld", None),
        ("@voorbeeld.nl", None),
        ("sanne@@voorbeeld.nl", None),
        ("san ne@voorbeeld.nl", None),
        ("a" * 65 + "@voorbeeld.nl", None),
        ("sanne..x@voorbeeld.nl", None),
    ],
)
async def test_email_addresses(text, address):
    assert email_address(text) == address


@pytest.mark.parametrize(
    "text, name",
    [
        ("Sanne de Vries", "Sanne de Vries"),
        ("Mijn naam is Jan-Willem van 't Hof", "Jan-Willem van 't Hof"),
        ("ik heet Zoë", "Zoë"),
        ("ja", None),
        ("1234", None),
        ("a", None),
        ("😀", None),
        ("een heel lange zin met veel te veel woorden erin", None),
    ],
)
async def test_names(text, name):
    assert person_name(text) == name


async def test_a_whole_answer_is_split_into_name_and_contact():
    answer = read_answer("Kees Jansen, mijn nummer is 06 87654321")
    assert (answer.name, answer.contact, answer.kind) == ("Kees Jansen", "+31687654321", "phone")
    wrong = read_answer("Kees, 06 8765")
    assert (wrong.name, wrong.contact, wrong.problem) == ("Kees", None, "phone")
