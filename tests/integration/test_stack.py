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


# ---------------------------------------------------------------- crisis first (real NLU + actions)

def test_the_full_crisis_check_catches_every_crisis_of_the_team_set(running):
    """Through Rasa's NLU (DIET + rasa_addons.crisis_detector): the figures of the crisis issue."""
    from safety.evaluation import TEAM_SET, load_cases, score

    settings, _ = running

    def parsed_as_crisis(text: str) -> bool:
        response = httpx.post(f"{settings.rasa_url}/model/parse", params={"token": settings.rasa_auth_token},
                              json={"text": text}, timeout=60)
        return response.json()["intent"]["name"] == "crisis"

    report = score(load_cases(TEAM_SET), parsed_as_crisis)
    assert report.recall == 1.0, report.missed_texts
    assert report.precision >= 0.8, report.false_alarm_texts


@pytest.mark.parametrize("text, phrase", [
    ("hallo, ik zit al maanden thuis en ik wil eigenlijk gewoon niet meer leven", "Zelfmoordlijn"),
    ("mijn vrouw zegt de laatste tijd dat we beter af zijn zonder haar", "persoon aanmoedigen"),
    ("I keep thinking about ending my life", "danger right now"),
])
def test_a_crisis_gets_the_crisis_reply_without_buttons(running, text, phrase):
    settings, _ = running
    replies = say(settings, f"crisis-{uuid.uuid4().hex[:8]}", text)
    joined = "\n".join(r.get("text", "") for r in replies)
    assert phrase in joined and "1813" in joined and "112" in joined
    assert not any(r.get("buttons") for r in replies)
