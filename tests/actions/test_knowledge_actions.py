from __future__ import annotations

import datetime
import json
import re

import pytest
import sqlalchemy as sa

from actions.formatting import dutch_date, one_message
from actions.kb_client import documents, items_by_id, knowledge_base
from actions.knowledge import (
    CONFIDENT,
    PLAUSIBLE,
    ActionAnswerKnowledge,
    ActionRememberRole,
    Decision,
    Question,
    decide,
    is_follow_up,
)
from actions.texts import ASK_ROLE, ASK_WHICH_MEASURE, OFFER_COORDINATOR
from knowledge_base.search import Hit
from tests.actions.action_support import make_tracker, run_action

# Most of these answer from the real knowledge base, with the real embedding model.
pytestmark = pytest.mark.embedding

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
    weak = [hit("jobcoaching", PLAUSIBLE - 0.1), hit("btom", 0.05), hit("vop", 0.05), hit("arbeidszorg", 0.0)]
    assert decide(question(), sure) == Decision("answer", "jobcoaching", "what")
    assert decide(question(), weak) == Decision("clarify", candidates=["jobcoaching", "btom", "vop"])
    assert decide(question(misses=1), weak).kind == "offer_coordinator"


def test_a_plausible_measure_is_answered_with_the_alternatives_under_it():
    plausible = [hit("jobcoaching", PLAUSIBLE + 0.1), hit("btom", 0.1), hit("vop", 0.05), hit("arbeidszorg", 0.0)]
    assert decide(question(), plausible) == Decision("answer", "jobcoaching", "what", candidates=["btom", "vop"])


def test_the_role_is_never_asked_before_answering():
    weak = [hit("btom", 0.1)]
    assert decide(question(role=None), weak).kind == "clarify"
    assert decide(question(role=None), [hit("btom", PLAUSIBLE + 0.1)]).kind == "answer"


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


def test_a_message_that_continues_the_answer_stays_on_its_measure():
    other = [hit("ziekmelding", CONFIDENT + 0.3)]
    continuing = "en als ik nog maar twee maanden bij die nieuwe werkgever werk?"
    assert is_follow_up(continuing)
    assert decide(question(intent="ask_eligibility", text=continuing, slot_measure="jobcoaching"), other).measure \
        == "jobcoaching"
    assert is_follow_up("maar moet ik da allemaal zelf regelen of doet iemand anders da")
    # Continuing words do not make a long new story a follow-up.
    assert not is_follow_up("en nu iets anders: mijn zoon studeert en zoekt een studentenjob tijdens de zomer "
                            "bij een bakker in de buurt")


# --- the actions, with the real knowledge base ---------------------------------------------

def test_answers_with_the_documents_own_text_source_date_and_next_steps(kb_env):
    vop = documents()["vop"]
    tracker = make_tracker("wat is de vop", "ask_measure", [{"entity": MEASURE, "value": "vop"}])
    messages, slots = run_action(ActionAnswerKnowledge(), tracker)
    assert len(messages) == 1
    text = messages[0]["text"]
    assert one_message(vop.section("what").text) in text
    assert "Bron:" in text and dutch_date(vop.last_verified) in text and "\n\n" not in text
    buttons = messages[0]["buttons"]
    # Up to three "Meer hierover" items of the same measure, then a person; never more than four.
    assert 2 <= len(buttons) <= 4 and buttons[-1] == {"title": "Praat met een coördinator", "payload": "/book_intake"}
    for button in buttons[:-1]:
        item_id = json.loads(button["payload"].removeprefix("/ask_item"))["item"]
        assert items_by_id()[item_id].doc_id == "vop" and button["title"].startswith("Meer: ")
        assert len(button["payload"].encode()) <= 64
    assert slots["measure"] == "vop" and slots["kb_shown"] == "what"


def test_a_specific_question_gets_its_answer_item_and_related_buttons(kb_env):
    item = next(item for item in documents()["btom"].items if item.related)
    tracker = make_tracker(item.phrasings[0], "ask_eligibility")
    messages, slots = run_action(ActionAnswerKnowledge(), tracker)
    assert slots["measure"] == "btom" and slots["kb_shown"].startswith("item:btom-")
    shown = items_by_id()[slots["kb_shown"].removeprefix("item:")]
    assert shown.answer in messages[0]["text"] and shown.question in messages[0]["text"]


def test_a_more_button_shows_the_related_item(kb_env):
    item = next(item for document in documents().values() for item in document.items if item.related)
    related = items_by_id()[item.related[0]]
    tracker = make_tracker(f'/ask_item{{"item": "{related.id}"}}', "ask_item",
                           [{"entity": "item", "value": related.id}])
    messages, slots = run_action(ActionAnswerKnowledge(), tracker)
    assert related.answer in messages[0]["text"]
    assert slots["kb_shown"] == f"item:{related.id}" and slots["measure"] == related.doc_id
    # The buttons under it lead to its own related items.
    offered = [json.loads(b["payload"].removeprefix("/ask_item"))["item"] for b in messages[0]["buttons"][:-1]]
    assert offered == list(related.related)[:3]


def test_a_yes_no_item_answers_with_its_verdict_first(kb_env):
    yes_no = [item for document in documents().values() for item in document.items if item.kind == "yes_no"]
    assert len(yes_no) >= 30
    assert all(re.match(r"(Ja|Nee|Neen|Dat hangt|Niet altijd|Meestal|Soms|Alleen)\b", item.answer) for item in yes_no)


def test_the_answer_library_is_large_and_dated(kb_env):
    items = list(items_by_id().values())
    assert len(items) >= 180
    assert all(len(item.answer) <= 700 and item.sources and item.last_verified for item in items)


def test_a_follow_up_button_answers_the_application_section_of_the_same_measure(kb_env):
    tracker = make_tracker("/ask_how_to_apply", "ask_how_to_apply", slots={"measure": "jobcoaching"})
    messages, slots = run_action(ActionAnswerKnowledge(), tracker)
    assert one_message(documents()["jobcoaching"].section("apply").text) in messages[0]["text"]
    assert slots["kb_shown"] == "apply"


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


def test_gibberish_clarifies_then_offers_a_coordinator_and_logs_the_gap(kb_env):
    from intake.db import default_session_factory
    from intake.models import UnansweredQuestion

    text = "xqzv plomp wrrt"
    messages, slots = run_action(ActionAnswerKnowledge(), make_tracker(text, "nlu_fallback"))
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
    messages, slots = run_action(ActionRememberRole(),
                                 make_tracker("ik", "inform", [{"entity": "role", "value": "ik"}]))
    assert "role" not in slots and messages[0]["text"] == ASK_ROLE


def test_a_short_reply_is_searched_together_with_the_previous_message(kb_env):
    previous = {"event": "user", "text": "Kan ik met iemand van mijn ziekenfonds praten over terug aan het werk gaan?"}
    tracker = make_tracker("2800 mechelen", "nlu_fallback", slots={"role": "participant", "role_asked": True})
    alone, _ = run_action(ActionAnswerKnowledge(), tracker)
    tracker.events = [previous, {"event": "user", "text": "2800 mechelen"}]
    in_context, _ = run_action(ActionAnswerKnowledge(), tracker)
    coordinator = documents()["tnw_coordinator"].title
    assert not alone[0]["text"].startswith(coordinator)
    assert in_context[0]["text"].startswith(coordinator)


def test_an_answer_encodes_the_question_once(kb_env, monkeypatch):
    embedder = knowledge_base().embedder
    calls = []
    encode = embedder.encode_query
    monkeypatch.setattr(embedder, "encode_query", lambda text: calls.append(text) or encode(text))
    messages, slots = run_action(ActionAnswerKnowledge(),
                                 make_tracker("Hoe vraag ik jobcoaching aan?", "ask_how_to_apply"))
    assert slots["measure"] == "jobcoaching"
    assert len(calls) == 1


def test_an_inform_without_a_role_is_answered_as_a_question_not_with_a_role_question(kb_env):
    tracker = make_tracker("ik ben bij de CM, bij wie moet ik dan zijn", "inform",
                           slots={"measure": "tnw_coordinator"})
    messages, slots = run_action(ActionRememberRole(), tracker)
    assert messages[0]["text"] != ASK_ROLE
    assert messages[0]["reply_kind"] == "answer" and slots["measure"] == "tnw_coordinator"


def test_a_question_that_gives_the_role_notes_it_and_answers_it(kb_env):
    tracker = make_tracker("kan ik als zelfstandige ook een jobcoach krijgen?", "inform",
                           [{"entity": "role", "value": "participant"}])
    messages, slots = run_action(ActionRememberRole(), tracker)
    assert slots["role"] == "participant"
    assert messages[0]["reply_kind"] == "answer" and slots["measure"] == "jobcoaching"


def test_a_greeting_before_a_question_gets_a_short_greeting_and_then_the_answer(kb_env):
    tracker = make_tracker("Goeiemorgen! wat is de vop", "ask_measure", [{"entity": MEASURE, "value": "vop"}])
    messages, slots = run_action(ActionAnswerKnowledge(), tracker)
    first_line, rest = messages[0]["text"].split("\n", 1)
    assert first_line == "Dag!"
    assert one_message(documents()["vop"].section("what").text) in rest and slots["measure"] == "vop"
