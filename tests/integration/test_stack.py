"""End to end: the real trained model, the real Rasa server and action server, over HTTP."""
from __future__ import annotations

import dataclasses
import uuid

import httpx
import pytest

from actions.formatting import one_message
from actions.knowledge import documents
from tnw import engine
from tnw.config import PROJECT_DIR, load_settings
from tnw.processes import free_port
from tnw.stack import backend

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TNW_DATA_DIR", str(tmp_path_factory.mktemp("stack") / "var"))
        patch.setenv("TNW_MODELS_DIR", str(PROJECT_DIR / "var" / "models"))
        patch.delenv("RASA_AUTH_TOKEN", raising=False)
        patch.delenv("TRACKER_STORE_URL", raising=False)
        settings = dataclasses.replace(load_settings(), rasa_port=free_port(), action_port=free_port())
        model = engine.train(settings)  # reuses the cached model when the training data is unchanged
        group = backend(settings, model)
        with group:
            yield settings, group
    assert all(not proc.running for proc in group.processes), "a server outlived the stack"


def say(settings, sender: str, text: str) -> list[dict]:
    response = httpx.post(
        f"{settings.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
    )
    response.raise_for_status()
    return response.json()


def texts(replies) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def test_greeting_gets_a_dutch_welcome(running):
    settings, _ = running
    assert "Waarmee kan ik je helpen?" in texts(say(settings, "it-greet", "hallo"))


def test_a_measure_question_is_answered_from_the_knowledge_base_by_the_action_server(running):
    settings, _ = running
    replies = say(settings, "it-vop", "wat is de VOP?")
    assert len(replies) == 1, "a knowledge-base answer must arrive as one chat message"
    reply = replies[0]["text"]
    assert one_message(documents()["vop"].section("what").text) in reply
    assert "Bron:" in reply


def test_bot_challenge_and_out_of_scope(running):
    settings, _ = running
    assert "computerprogramma" in texts(say(settings, "it-bot", "ben jij een robot?"))
    assert "VDAB" in texts(say(settings, "it-oos", "wat voor weer wordt het morgen?"))


def test_the_conversation_is_stored_and_the_api_needs_the_token(running):
    settings, _ = running
    sender = f"it-{uuid.uuid4().hex[:8]}"
    say(settings, sender, "hallo")
    url = f"{settings.rasa_url}/conversations/{sender}/tracker"
    assert httpx.get(url, timeout=10).status_code == 401
    tracker = httpx.get(url, params={"token": settings.rasa_auth_token}, timeout=10).json()
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["hallo"]
    assert (settings.db_dir / "tracker.db").exists()


def test_training_data_validates_without_warnings(settings):
    ok, log_path = engine.validate(settings)
    assert ok, log_path.read_text()[-3000:]
