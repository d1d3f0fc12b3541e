"""The production profile on the machine's PostgreSQL and Redis, with 2 Rasa servers.

- A conversation keeps its state, a running form included, when its Rasa server is killed and
  the client fails over to the other one.
- A form survives the history compaction (a small TNW_COMPACT_AFTER_EVENTS, so it happens
  several times within one booking).
- 20 concurrent chats: every message is stored once, none lost (compaction copies aside, which
  are marked as such).
"""
from __future__ import annotations

import asyncio
import json
import uuid

import pytest
import sqlalchemy as sa

from bot.rasa_client import RasaClient, server_order
from intake import upcoming_intakes
from intake.conversations import delete_conversation, tracker_store_engine_url
from intake.db import session_factory
from tests.telegram.stack_support import production_services, redis_answers, start_stack

pytestmark = pytest.mark.integration
COMPACT_AFTER = 15
COPY_MARK = "tnw_compaction_copy"  # rasa_addons.compaction.COPY_MARK (that module needs Rasa)


@pytest.fixture(scope="module")
def production(tmp_path_factory, pg_server):
    if not redis_answers():
        pytest.skip("Redis not reachable at 127.0.0.1:6379")
    with pytest.MonkeyPatch.context() as patch, production_services(pg_server) as services:
        env = {**services, "TNW_RASA_SERVERS": "2", "TNW_COMPACT_AFTER_EVENTS": str(COMPACT_AFTER)}
        with start_stack(patch, tmp_path_factory.mktemp("production"), env=env) as (settings, group):
            assert settings.profile == "production" and len(settings.rasa_urls) == 2
            yield settings, session_factory(settings.database_url), group


def client(settings) -> RasaClient:
    return RasaClient(settings.rasa_urls, timeout=60, backoff=0.2, patience=30, secret=settings.webhook_secret)


def texts(replies) -> str:
    return "\n".join(reply.text for reply in replies)


def stored_events(settings, sender: str) -> list[dict]:
    engine_ = sa.create_engine(tracker_store_engine_url(settings.tracker_store_url))
    try:
        with engine_.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :sender ORDER BY id"), {"sender": sender})
            return [json.loads(row[0]) for row in rows]
    finally:
        engine_.dispose()


def sender_served_first_by(server: int, count: int) -> str:
    while True:
        sender = f"prod-{uuid.uuid4().hex[:12]}"
        if server_order(sender, count)[0] == server:
            return sender


# Runs first (file order): both Rasa servers are up.
async def test_twenty_concurrent_chats_lose_and_duplicate_nothing(production):
    settings, _, _ = production
    questions = ["hallo", "wat is de VOP?", "wie betaalt dat?", "en jobcoaching?", "hoe lang duurt dat?",
                 "bedankt", "wat is individueel maatwerk?", "kan ik dat als zelfstandige?"]
    senders = [f"load-{n}-{uuid.uuid4().hex[:8]}" for n in range(20)]

    async def chat(rasa: RasaClient, sender: str) -> None:
        for question in questions:
            assert await rasa.send(sender, question), f"no answer to {question!r}"

    async with client(settings) as rasa:
        await asyncio.gather(*(chat(rasa, sender) for sender in senders))
    for sender in senders:
        events = stored_events(settings, sender)
        asked = [e["text"] for e in events
                 if e["event"] == "user" and not (e.get("metadata") or {}).get(COPY_MARK)]
        assert asked == questions, sender


async def test_a_booking_survives_compaction_and_the_loss_of_its_rasa_server(production):
    settings, factory, group = production
    sender = sender_served_first_by(0, settings.rasa_servers)
    async with client(settings) as rasa:
        assert "Ga je akkoord?" in texts(await rasa.send(sender, "/book_intake"))
        assert "Hoe mag de coördinator je noemen?" in texts(await rasa.send(sender, "/affirm"))
        assert "telefoonnummer of e-mailadres" in texts(await rasa.send(sender, "Jan Peeters"))
        replies = await rasa.send(sender, "0470 12 34 56")
        assert [b.payload for reply in replies for b in reply.buttons][0] == "CM", texts(replies)

        first_server = next(p for p in group.processes if p.name == "Rasa server 1")
        first_server.process.kill()  # kill -9: no goodbye, the next message must go elsewhere
        first_server.process.wait(timeout=30)

        assert "postcode" in texts(await rasa.send(sender, "CM"))
        assert "Waarover wil je praten?" in texts(await rasa.send(sender, "9000"))
        replies = await rasa.send(sender, "halftijds terug beginnen na mijn burn-out")
        moments = [b for reply in replies for b in reply.buttons if '"slot_id"' in b.payload]
        assert moments, texts(replies)
        assert "Je afspraak staat vast" in texts(await rasa.send(sender, moments[0].payload))
    with factory() as session:
        [view] = upcoming_intakes(session, sender)
        assert view.participant_name == "Jan Peeters" and view.mutualiteit == "CM"
    events = stored_events(settings, sender)
    assert sum(e["event"] == "session_started" for e in events) >= 3, "the form was never compacted"
    # Erasure reaches compacted history like the rest.
    assert delete_conversation(settings.tracker_store_url, sender) == len(events)
    assert stored_events(settings, sender) == []
