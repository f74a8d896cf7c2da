"""Privacy with the real bot (`rasa_stack`: action server, Rasa and gateway as processes):
identifiers never reach Rasa's tracker store while the age still does, and "vergeet mij"
deletes the tracker and the history, checked in both databases afterwards."""

import json
import sqlite3
import urllib.request


def call(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def say(stack, cid, text, payload=None):
    body = {"text": text, **({"payload": payload} if payload else {})}
    return call("POST", f"{stack.gateway_url}/api/v1/conversations/{cid}/messages", body)


def db_path(url):
    assert url.startswith("sqlite:///")
    return url[len("sqlite:///") :]


def tracker_rows(stack, cid):
    with sqlite3.connect(db_path(stack.env["TRACKER_STORE_URL"])) as db:
        return [row[0] for row in db.execute("SELECT data FROM events WHERE sender_id = ?", (cid,))]


def gateway_texts(stack, cid):
    with sqlite3.connect(db_path(stack.env["DATABASE_URL"])) as db:
        return [
            (s, t)
            for s, t in db.execute("SELECT sender, text FROM gw_messages WHERE conversation_id = ? ORDER BY id", (cid,))
        ]


def test_identifiers_never_reach_rasa_but_the_age_does(rasa_stack):
    cid = call("POST", f"{rasa_stack.gateway_url}/api/v1/conversations", {"tenant": "twente"})["conversation_id"]
    say(
        rasa_stack,
        cid,
        "Ik ben 45 jaar en woon in Enschede. Mijn BSN is 123456782, bel me op 06-12345678 of mail anna@example.nl",
    )
    profile = say(rasa_stack, cid, "Wat weet je van mij?", payload="/show_profile")
    shown = " ".join(m["text"] or "" for m in profile["messages"])
    assert "45" in shown and "Enschede" in shown  # what the bot needs still arrives

    stored = " ".join(tracker_rows(rasa_stack, cid))
    assert stored, "Rasa kept no tracker at all?"
    for raw in ("123456782", "06-12345678", "anna@example.nl"):
        assert raw not in stored
    assert "[BSN]" in stored and "[TELEFOON]" in stored and "[E-MAIL]" in stored
    history = " ".join(t or "" for _, t in gateway_texts(rasa_stack, cid))
    assert "123456782" not in history and "[BSN]" in history


def test_forget_me_deletes_tracker_and_history_and_the_bot_confirms(rasa_stack):
    cid = call("POST", f"{rasa_stack.gateway_url}/api/v1/conversations", {"tenant": "brabant"})["conversation_id"]
    say(rasa_stack, cid, "Ik ben 52 en woon in Tilburg")
    assert tracker_rows(rasa_stack, cid)

    asked = say(rasa_stack, cid, "Vergeet mij", payload="/forget_me")
    assert "wis" in asked["messages"][0]["text"]  # one question first: nothing is gone yet
    assert tracker_rows(rasa_stack, cid)
    replies = say(rasa_stack, cid, "Ja, wis alles", payload="/affirm")
    assert [m["sender"] for m in replies["messages"]] == ["bot"]
    assert "vergeten" in replies["messages"][0]["text"]

    assert tracker_rows(rasa_stack, cid) == []  # Rasa's tracker store
    assert gateway_texts(rasa_stack, cid) == [("bot", replies["messages"][0]["text"])]
    # the conversation goes on, and the bot knows nothing any more
    profile = say(rasa_stack, cid, "Wat weet je van mij?", payload="/show_profile")
    shown = " ".join(m["text"] or "" for m in profile["messages"])
    assert "52" not in shown and "Tilburg" not in shown


def test_forget_me_said_by_mistake_keeps_everything(rasa_stack):
    cid = call("POST", f"{rasa_stack.gateway_url}/api/v1/conversations", {"tenant": "brabant"})["conversation_id"]
    say(rasa_stack, cid, "Ik ben 52 en woon in Tilburg")
    say(rasa_stack, cid, "verwijder alles", payload="/forget_me")
    kept = say(rasa_stack, cid, "Nee, niet wissen", payload="/deny")
    assert "wis niets" in kept["messages"][0]["text"]
    profile = say(rasa_stack, cid, "Wat weet je van mij?", payload="/show_profile")
    shown = " ".join(m["text"] or "" for m in profile["messages"])
    assert "52" in shown and "Tilburg" in shown
