from __future__ import annotations

import datetime

import sqlalchemy as sa
from conftest import make_tracker, run_action

from actions.formatting import dutch_date, one_message
from actions.kb_client import documents, knowledge_base
from actions.knowledge import (
    ASK_ROLE, ASK_WHICH_MEASURE, CONFIDENT, OFFER_COORDINATOR, ActionAnswerKnowledge,
    ActionRememberRole, Decision, Question, decide, is_follow_up,
)
from knowledge_base.search import Hit

MEASURE = "measure"


def hit(doc_id: str, confidence: float) -> Hit:
    return Hit(doc_id, "what", "Wat is het?", "tekst", 1.0, confidence, 1, 1)


def question(**changes) -> Question:
    base = dict(intent="ask_measure", text="een vraag over steun bij het werk voor mij", entity_measure=None,
                slot_measure=None, role="participant", misses=0, role_asked=False)
    return Question(**{**base, **changes})


# --- the decision, without Rasa -------------------------------------------------------------

def test_an_entity_decides_the_measure_and_the_intent_the_section():
    assert decide(question(intent="ask_how_to_apply", entity_measure="btom"), []) == Decision("answer", "btom", "apply")
    assert decide(question(intent="ask_eligibility", entity_measure="vop"), []).section == "conditions"


def test_a_confident_search_answers_and_a_weak_one_clarifies_then_offers_a_person():
    sure = [hit("jobcoaching", CONFIDENT + 0.2), hit("btom", 0.1)]
    weak = [hit("jobcoaching", CONFIDENT - 0.2), hit("btom", 0.1), hit("vop", 0.1), hit("arbeidszorg", 0.0)]
    assert decide(question(), sure) == Decision("answer", "jobcoaching", "what")
    assert decide(question(), weak) == Decision("clarify", candidates=["jobcoaching", "btom", "vop"])
    assert decide(question(misses=1), weak).kind == "offer_coordinator"


def test_the_role_is_asked_once_when_unknown_and_the_question_is_unclear():
    weak = [hit("btom", 0.1)]
    assert decide(question(role=None), weak).kind == "ask_role"
    assert decide(question(role=None, role_asked=True), weak).kind == "clarify"


def test_follow_ups_stay_with_the_measure_of_the_conversation():
    other = [hit("btom", CONFIDENT + 0.3)]
    assert decide(question(intent="ask_how_to_apply", text="en hoe vraag ik dat aan?", slot_measure="vop"), other) \
        == Decision("answer", "vop", "apply")
    # A long new question that clearly names another subject moves on.
    long_new = "wie betaalt een aangepaste bureaustoel en een grotere computermonitor voor mijn collega met rugpijn"
    assert decide(question(text=long_new, slot_measure="vop"), other).measure == "btom"
    assert is_follow_up("geldt dat ook voor zelfstandigen?")
    # "dat" alone does not make a question a follow-up: this one says enough to stand alone.
    assert decide(question(text="mijn baas wil mijn bureau aanpassen, wie betaalt dat?", slot_measure="jobcoaching"),
                  other).measure == "btom"


# --- the actions, with the real knowledge base ---------------------------------------------

def test_answers_with_the_documents_own_text_source_date_and_next_steps(kb_env):
    vop = documents()["vop"]
    tracker = make_tracker("wat is de vop", "ask_measure", [{"entity": MEASURE, "value": "vop"}])
    messages, slots = run_action(ActionAnswerKnowledge(), tracker)
    assert len(messages) == 1
    text = messages[0]["text"]
    assert one_message(vop.section("what").text) in text
    assert "Bron:" in text and dutch_date(vop.last_verified) in text and "\n\n" not in text
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/ask_how_to_apply", "/ask_eligibility", "/ask_coordinator"]
    assert slots["measure"] == "vop"


def test_a_follow_up_button_answers_the_application_section_of_the_same_measure(kb_env):
    tracker = make_tracker("/ask_how_to_apply", "ask_how_to_apply", slots={"measure": "jobcoaching"})
    messages, _ = run_action(ActionAnswerKnowledge(), tracker)
    assert one_message(documents()["jobcoaching"].section("apply").text) in messages[0]["text"]


def test_a_typed_follow_up_keeps_the_measure(kb_env):
    tracker = make_tracker("geldt dat ook voor zelfstandigen?", "ask_eligibility", slots={"measure": "vop"})
    messages, slots = run_action(ActionAnswerKnowledge(), tracker)
    assert documents()["vop"].title in messages[0]["text"]
    assert slots["measure"] == "vop"


def test_financial_questions_refer_to_the_ziekenfonds(kb_env):
    tracker = make_tracker("hoeveel uitkering hou ik over als ik halftijds herbegin?", "ask_financial_impact",
                           [{"entity": MEASURE, "value": "progressieve_werkhervatting"}])
    messages, _ = run_action(ActionAnswerKnowledge(), tracker)
    assert "ziekenfonds" in messages[0]["text"] and "uitrekenen" in messages[0]["text"]


def test_gibberish_asks_the_role_then_clarifies_then_offers_a_coordinator_and_logs_the_gap(kb_env):
    from intake.db import default_session_factory
    from intake.models import UnansweredQuestion

    text = "xqzv plomp wrrt"
    messages, slots = run_action(ActionAnswerKnowledge(), make_tracker(text, "nlu_fallback"))
    assert messages[0]["text"] == ASK_ROLE and slots["pending_question"] == text

    messages, slots = run_action(
        ActionRememberRole(),
        make_tracker("/inform", "inform", [{"entity": "role", "value": "employer"}],
                     slots={"pending_question": text, "role_asked": True}),
    )
    assert slots["role"] == "employer"
    assert messages[0]["text"] == ASK_WHICH_MEASURE and 1 <= len(messages[0]["buttons"]) <= 3
    assert slots["kb_misses"] == 1

    messages, slots = run_action(
        ActionAnswerKnowledge(),
        make_tracker("nog iets onduidelijks, bel 0470 12 34 56", "nlu_fallback",
                     slots={"role": "employer", "role_asked": True, "kb_misses": 1}),
    )
    assert messages[0]["text"] == OFFER_COORDINATOR
    assert messages[0]["buttons"][0]["payload"] == "/book_intake"
    with default_session_factory()() as session:
        stored = session.scalars(sa.select(UnansweredQuestion.text)).all()
    assert len(stored) == 1 and "0470" not in stored[0]


def test_dutch_date():
    assert dutch_date(datetime.date(2026, 11, 23)) == "23 november 2026"


def test_a_role_named_in_a_question_is_remembered(kb_env):
    tracker = make_tracker("ik ben werkgever, wat is BTOM?", "ask_measure",
                           [{"entity": "measure", "value": "btom"}, {"entity": "role", "value": "employer"}])
    _, slots = run_action(ActionAnswerKnowledge(), tracker)
    assert slots["role"] == "employer"


def test_a_stray_word_tagged_as_role_never_becomes_the_role(kb_env):
    """DIET sometimes tags "ik" as a role; the remembered role stays as it was."""
    stray = [{"entity": "measure", "value": "btom"}, {"entity": "role", "value": "ik"}]
    _, slots = run_action(ActionAnswerKnowledge(), make_tracker("ik wil BTOM", "ask_measure", stray,
                                                                slots={"role": "participant"}))
    assert "role" not in slots
    messages, slots = run_action(ActionRememberRole(), make_tracker("ik", "inform", [{"entity": "role", "value": "ik"}]))
    assert "role" not in slots and messages[0]["text"] == ASK_ROLE


def test_a_short_reply_is_searched_together_with_the_previous_message(kb_env):
    previous = {"event": "user", "text": "Kan ik met iemand van mijn ziekenfonds praten over terug aan het werk gaan?"}
    tracker = make_tracker("2800 mechelen", "nlu_fallback", slots={"role": "participant", "role_asked": True})
    alone, _ = run_action(ActionAnswerKnowledge(), tracker)
    tracker.events = [previous, {"event": "user", "text": "2800 mechelen"}]
    in_context, _ = run_action(ActionAnswerKnowledge(), tracker)
    assert "tnw_coordinator" not in alone[0]["buttons"][0]["payload"]
    assert "tnw_coordinator" in in_context[0]["buttons"][0]["payload"]


def test_an_answer_encodes_the_question_once(kb_env, monkeypatch):
    embedder = knowledge_base().embedder
    calls = []
    encode = embedder.encode_query
    monkeypatch.setattr(embedder, "encode_query", lambda text: calls.append(text) or encode(text))
    messages, slots = run_action(ActionAnswerKnowledge(), make_tracker("Hoe vraag ik jobcoaching aan?", "ask_how_to_apply"))
    assert slots["measure"] == "jobcoaching"
    assert one_message(documents()["jobcoaching"].section("apply").text) in messages[0]["text"]
    assert len(calls) == 1
