"""Play a whole Dutch advice conversation over Rasa's REST channel and print it.

    python scripts/demo_conversation.py                  # against http://127.0.0.1:5005
    python scripts/demo_conversation.py --url http://127.0.0.1:5005 --tenant twente
    python scripts/demo_conversation.py --start          # start action server + Rasa first

The same conversation (CONVERSATION) is played by tests/actions/test_rest_conversation.py,
which asserts what the user sees, and by benchmarks/conversation_bench.py for latency.
A transcript line per message: the user's text, the bot's text, its buttons as
[title], module cards as numbered card lines, other custom payloads (handoff) as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.vocabulary import REGIONS  # the regional sites (tenants)

# (what the user types or taps, a short note on what it shows). Button payloads ("/...")
# are what a tap on a button sends.
CONVERSATION = [
    ("hoi", "begroeting"),
    ("ik zoek een cursus over warmtepompen", "thema bekend: alleen de plaats wordt nog gevraagd"),
    ("ik ben 45, heb mbo 3 en woon in Tilburg", "drie feiten in één bericht: meteen modules"),
    ("maakt niet uit", "antwoord op de ene vervolgvraag (online of in een klas)"),
    ("wat is een micro-credential?", "een vraag tussendoor wordt meteen beantwoord"),
    ("vertel meer over de tweede", "details van de tweede kaart"),
    ("meer opties", "volgende pagina"),
    ("nee, ik woon in Enschede", "correctie: bevestigd, nieuwe resultaten voor Enschede"),
    ("wie kan de eerste betalen?", "financiering voor een getoonde module: eerst het antwoord"),
    ("ik heb een vaste baan", "een feit erbij: het antwoord komt opnieuw, preciezer"),
    ("hoe meld ik me aan?", "aanmelden: link en wat je klaar moet hebben"),
    ("wat weet je van mij?", "het profiel"),
    ("ik wil met een adviseur praten", "overdracht: eerst toestemming"),
    ("ja", "toestemming: de gateway krijgt het profiel"),
]


def send(url: str, sender: str, text: str, tenant: Optional[str] = None, timeout: float = 30) -> List[Dict[str, Any]]:
    """POST one message to the REST channel; the bot's messages."""
    body: Dict[str, Any] = {"sender": sender, "message": text}
    if tenant:
        body["metadata"] = {"tenant": tenant, "channel": "web"}
    request = urllib.request.Request(
        f"{url.rstrip('/')}/webhooks/rest/webhook",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode() or "[]")


def render(messages: List[Dict[str, Any]]) -> List[str]:
    """The bot's messages as transcript lines."""
    lines: List[str] = []
    for message in messages:
        if message.get("text"):
            first, *rest = message["text"].split("\n")
            lines.append(f"Leerwijzer: {first}")
            lines += [f"            {line}" for line in rest]
        custom = message.get("custom") or {}
        if custom.get("type") == "module_cards":
            for number, card in enumerate(custom.get("cards", []), start=1):
                lines.append(
                    f"  [kaart {number}] {card['title']} | {card['provider']} | {card['level']} | "
                    f"{card['format']} | {card['location']} | {card['duration']} | {card['price']} | "
                    f"start {card['next_start']}"
                )
                lines.append(f"            waarom: {card['why']}")
        elif custom and custom.get("type") != "insight":  # what the turn meant: for the gateway
            lines.append(f"  [{custom.get('type', 'custom')}] {json.dumps(custom, ensure_ascii=False)}")
        if message.get("buttons"):
            lines.append("  " + " ".join(f"[{b['title']}]" for b in message["buttons"]))
    if not messages:
        lines.append("Leerwijzer: (geen antwoord)")
    return lines


def play(
    url: str, tenant: Optional[str] = None, sender: Optional[str] = None, conversation=CONVERSATION, out=sys.stdout
) -> List[Dict[str, Any]]:
    """Play the conversation; returns one record per turn (user text, bot messages, seconds)."""
    sender = sender or f"demo-{uuid.uuid4().hex[:8]}"
    turns = []
    for text, note in conversation:
        started = time.perf_counter()
        messages = send(url, sender, text, tenant)
        seconds = time.perf_counter() - started
        turns.append({"user": text, "note": note, "messages": messages, "seconds": seconds})
        if out:
            print(f"\nGebruiker: {text}      ({note})", file=out)
            for line in render(messages):
                print(line, file=out)
    return turns


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="Rasa server")
    parser.add_argument("--tenant", default="brabant", choices=[*REGIONS, "none"])
    parser.add_argument(
        "--start", action="store_true", help="start the action server and Rasa (trained model in models/) first"
    )
    args = parser.parse_args()
    tenant = None if args.tenant == "none" else args.tenant
    stack = None
    url = args.url
    if args.start:
        from scripts.stack import Stack  # only here: it starts processes

        stack = Stack(rasa_port=free_port(), action_port=free_port(), with_gateway=False)
        print("Starting action server and Rasa (about 30 s) ...", flush=True)
        stack.start(timeout=600)
        url = stack.rasa_url
    try:
        print(f"Leerwijzer advice conversation over REST ({url}, tenant {args.tenant})")
        play(url, tenant)
    except OSError as error:
        print(f"Cannot reach Rasa at {url}: {error}. Start it with `make run`, or use --start.", file=sys.stderr)
        return 1
    finally:
        if stack:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
