"""Helpers of the privacy tests: a conversation over the gateway's API (`start`, `say`), a
handoff case with a callback number and a note (`add_handoff`), and counting rows afterwards."""

from datetime import datetime

from sqlalchemy import create_engine, func, insert, select

from bot.handoff.tables import handoffs, notes


async def start(client, tenant="twente"):
    response = await client.post("/api/v1/conversations", json={"tenant": tenant})
    assert response.status == 201
    return (await response.json())["conversation_id"]


async def say(client, cid, text):
    response = await client.post(f"/api/v1/conversations/{cid}/messages", json={"text": text})
    assert response.status == 200, await response.text()
    return await response.json()


def add_handoff(database_url, cid, status="closed", callback="06 12345678"):
    engine = create_engine(database_url)
    with engine.begin() as db:
        case = db.execute(
            insert(handoffs).values(
                conversation_id=cid,
                tenant="twente",
                channel="web",
                status=status,
                reason="gebruiker_vraagt_adviseur",
                profile={"age": 45},
                shown_modules=[],
                callback_name="Anna",
                callback_contact=callback,
                callback_kind="phone",
                created_at=datetime.utcnow(),
                closed_at=datetime.utcnow(),
            )
        ).inserted_primary_key[0]
        db.execute(insert(notes).values(handoff_id=case, text="belt morgen terug", created_at=datetime.utcnow()))
    engine.dispose()


def count_rows(database_url: str, table, **where) -> int:
    engine = create_engine(database_url)
    query = select(func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with engine.connect() as db:
        count = db.execute(query).scalar()
    engine.dispose()
    return count
