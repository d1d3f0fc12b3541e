from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.crisis import ActionCrisisSupport
from actions.gaps import record_gap
from intake.db import session_factory
from intake.models import UnansweredQuestion
from tests.actions.action_support import make_tracker, run_action


def test_the_crisis_reply_has_no_buttons_and_puts_the_form_aside():
    tracker = make_tracker("ik zie het niet meer zitten", "crisis",
                           slots={"requested_slot": "intake_name", "tnw_step": "ask_consent"})
    dispatcher_messages, slots = run_action(ActionCrisisSupport(), tracker)
    assert len(dispatcher_messages) == 1
    message = dispatcher_messages[0]
    assert "1813" in message["text"] and "112" in message["text"] and not message["buttons"]
    assert message["reply_kind"] == "crisis"
    assert slots["requested_slot"] is None and slots["tnw_step"] is None
    events = ActionCrisisSupport().run(CollectingDispatcher(), tracker, {})
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)


def test_a_family_member_gets_the_lines_for_naasten():
    messages, _ = run_action(ActionCrisisSupport(), make_tracker(
        "mijn zoon zegt dat hij er een einde aan wil maken", "crisis"))
    assert "persoon aanmoedigen" in messages[0]["text"]


def test_a_crisis_message_never_reaches_the_gap_list(kb_env):
    record_gap("ik heb genoeg pillen liggen, het heeft geen zin meer", intent="nlu_fallback", measure=None)
    record_gap("hoeveel kost een tolk op het werk", intent="nlu_fallback", measure=None)
    with session_factory(kb_env.database_url)() as session:
        stored = session.query(UnansweredQuestion).all()
    assert len(stored) == 1 and "pillen" not in stored[0].text
