"""End to end over the REST webhook: consent, the intake form, a moment, "mijn afspraak", and
"wis mijn gegevens" with the conversation erased from the tracker store afterwards."""
from __future__ import annotations

import dataclasses
import json
import uuid

import httpx
import pytest

from intake import upcoming_intakes
from intake.conversations import delete_conversation
from intake.db import session_factory, upgrade
from intake.seed import seed_demo_data
from rasa_addons.shared_secret import WEBHOOK_HEADER
from settings import PROJECT_DIR, load_settings
from tnw import engine
from tnw.processes import free_port
from tnw.stack import backend

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TNW_DATA_DIR", str(tmp_path_factory.mktemp("booking") / "var"))
        patch.setenv("TNW_MODELS_DIR", str(PROJECT_DIR / "var" / "models"))
        for name in ("RASA_AUTH_TOKEN", "TRACKER_STORE_URL", "DATABASE_URL"):
            patch.delenv(name, raising=False)
        settings = dataclasses.replace(load_settings(), rasa_port=free_port(), action_port=free_port())
        upgrade(settings.database_url)
        factory = session_factory(settings.database_url)
        with factory() as session:
            seed_demo_data(session, weeks=2, telegram_token=None)
        model = engine.train(settings)
        with backend(settings, model):
            yield settings, factory


def say(settings, sender: str, text: str) -> list[dict]:
    response = httpx.post(f"{settings.rasa_url}/webhooks/rest/webhook",
                          json={"sender": sender, "message": text}, timeout=60,
                          headers={WEBHOOK_HEADER: settings.webhook_secret})
    response.raise_for_status()
    return response.json()


def texts(replies) -> str:
    return "\n".join(reply.get("text") or "" for reply in replies)


def buttons(replies) -> list[dict]:
    return [b for reply in replies for b in reply.get("buttons") or []]


def test_booking_then_erasing_everything(running):
    settings, factory = running
    sender = f"it-{uuid.uuid4().hex[:12]}"
    replies = say(settings, sender, "/book_intake")
    assert "Ga je akkoord?" in texts(replies)
    assert "Hoe mag de coördinator je noemen?" in texts(say(settings, sender, "/affirm"))
    assert "telefoonnummer of e-mailadres" in texts(say(settings, sender, "Jan Peeters"))
    replies = say(settings, sender, "jan@")
    assert "Dat e-mailadres is niet volledig" in texts(replies)
    replies = say(settings, sender, "0470 12 34 56")
    assert [b["payload"] for b in buttons(replies)][0] == "CM"
    assert "postcode" in texts(say(settings, sender, "CM"))
    assert "geen Belgische postcode" in texts(say(settings, sender, "75001"))
    assert "Waarover wil je praten?" in texts(say(settings, sender, "9000"))
    replies = say(settings, sender, "halftijds terug beginnen na mijn burn-out")
    moments = [b for b in buttons(replies) if '"slot_id"' in b["payload"]]
    assert len(moments) >= 2 and all(len(b["payload"].encode()) <= 64 for b in moments)
    first = moments[0]["payload"]
    assert "Je afspraak staat vast" in texts(say(settings, sender, first))
    assert "al voor jou geboekt" in texts(say(settings, sender, first))  # pressed twice
    with factory() as session:
        [view] = upcoming_intakes(session, sender)
        assert view.participant_name == "Jan Peeters" and view.mutualiteit == "CM"

    assert "Je afspraak:" in texts(say(settings, sender, "/my_appointment"))
    assert "Jan Peeters" in texts(say(settings, sender, "/privacy_show_data"))
    assert "afspraak van" in texts(say(settings, sender, "/privacy_delete_data"))
    replies = say(settings, sender, "/affirm")
    assert "Ik heb je gegevens gewist" in texts(replies)
    assert replies[-1].get("custom") == {"tnw_delete_conversation": True}
    with factory() as session:
        assert upcoming_intakes(session, sender) == []

    # What the front end does once this reply has arrived:
    assert delete_conversation(settings.tracker_store_url, sender) > 10
    # Rasa keeps recent conversations in memory (rasa_addons/tracker_store.py): the next message
    # must start from what is stored, not bring the deleted conversation back.
    assert "Hallo" in texts(say(settings, sender, "hallo"))
    tracker = httpx.get(f"{settings.rasa_url}/conversations/{sender}/tracker",
                        params={"token": settings.rasa_auth_token}, timeout=10).json()
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["hallo"]
    assert "Jan Peeters" not in json.dumps(tracker)


def test_consent_refused_stores_nothing_and_gives_the_contact_route(running):
    settings, factory = running
    sender = f"it-{uuid.uuid4().hex[:12]}"
    say(settings, sender, "/book_intake")
    replies = say(settings, sender, "/deny")
    assert "Ik bewaar niets" in texts(replies) and "terug-naar-werk-coördinator" in texts(replies)


def test_an_employer_is_not_sent_into_the_form(running):
    settings, _ = running
    replies = say(settings, f"it-{uuid.uuid4().hex[:12]}", "ik wil een afspraak maken voor mijn werknemer")
    assert "vrijwillig" in texts(replies)
