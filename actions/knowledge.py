"""Answers about support measures, taken word for word from the knowledge base.

One decision per question (see `decide`): answer a section of a measure, ask which measure
is meant, ask the user's role first, or — after a second miss — offer a coordinator.
The intent picks the section (eligibility -> conditions, how to apply -> application, ...);
the `measure` entity or, for follow-ups, the `measure` slot picks the document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import formatting
from actions.gaps import record_gap
from actions.kb_client import documents, knowledge_base
from actions.roles import known_role
from knowledge_base.lexical import STOPWORDS, raw_tokens
from knowledge_base.search import Hit, Ranking, distinct_doc_ids

# The section each kind of question is answered from; None lets the search choose.
SECTION_FOR_INTENT = {
    "ask_measure": "what",
    "ask_eligibility": "conditions",
    "ask_how_to_apply": "apply",
    "ask_financial_impact": "amount",
    "ask_coordinator": None,
    "nlu_fallback": None,
}
# Below this search confidence the assistant asks instead of guessing.
CONFIDENT = 0.5
# A question with few words of its own continues the current measure ("hoe vraag ik dat aan?",
# "geldt dat ook voor zelfstandigen?"); words pointing back ("dat", "die premie") allow one more.
# A question with more to say ("mijn baas wil mijn bureau aanpassen, wie betaalt dat?") is new,
# even when it contains "dat": Dutch uses those words everywhere.
_POINTS_BACK = re.compile(r"\b(dat|dit|die|deze|daar\w*|hiervoor|ervoor|ook|zoiets|zo'n)\b", re.I)
FOLLOW_UP_MAX_CONTENT_WORDS = 2

ASK_WHICH_MEASURE = "Ik weet niet zeker wat je bedoelt. Gaat het over een van deze?"
ASK_ROLE = "Dan help ik je eerst op weg. Ben je zelf (langdurig) ziek, of ben je werkgever?"
OFFER_COORDINATOR = (
    "Sorry, daar vind ik geen goed antwoord op. Een terug-naar-werk-coördinator van je "
    "ziekenfonds kan je persoonlijk verder helpen. Zal ik een gesprek voor je plannen?"
)
ROLE_BUTTONS = [
    {"title": "Ik ben werknemer of zelfstandige", "payload": formatting.intent_payload("inform", role="participant")},
    {"title": "Ik ben werkgever", "payload": formatting.intent_payload("inform", role="employer")},
]
ROLE_NOTED = {
    "participant": "Oké, ik hou er rekening mee dat je het voor jezelf vraagt.",
    "employer": "Oké, ik hou er rekening mee dat je werkgever bent.",
}


@dataclass(frozen=True)
class Question:
    intent: str
    text: str  # empty for button payloads: they carry no words to search on
    entity_measure: str | None
    slot_measure: str | None
    role: str | None
    misses: int
    role_asked: bool
    previous_text: str = ""  # the user's message before this one, to read short replies in context


@dataclass(frozen=True)
class Decision:
    kind: str  # answer | clarify | ask_role | offer_coordinator
    measure: str | None = None
    section: str | None = None
    candidates: list[str] = field(default_factory=list)


def is_follow_up(text: str) -> bool:
    if not text:
        return True
    content = [word for word in raw_tokens(text) if word not in STOPWORDS and not _POINTS_BACK.fullmatch(word)]
    allowed = FOLLOW_UP_MAX_CONTENT_WORDS + (1 if _POINTS_BACK.search(text) else 0)
    return len(content) <= allowed


def decide(question: Question, hits: list[Hit]) -> Decision:
    """What to do with a question, given the search hits over the whole knowledge base."""
    section = SECTION_FOR_INTENT.get(question.intent)
    if question.entity_measure:
        return Decision("answer", question.entity_measure, section)
    top = hits[0] if hits else None
    confident = top is not None and top.confidence >= CONFIDENT
    if question.slot_measure and (
        not confident or top.doc_id == question.slot_measure or is_follow_up(question.text)
    ):
        return Decision("answer", question.slot_measure, section)
    if question.intent == "ask_coordinator" and not confident:
        return Decision("answer", "tnw_coordinator", section)
    if confident:
        return Decision("answer", top.doc_id, section)
    if question.misses >= 1:
        return Decision("offer_coordinator")
    if question.role is None and not question.role_asked and question.text:
        return Decision("ask_role")
    return Decision("clarify", candidates=distinct_doc_ids(hits)[:3])


def choose_section(measure: str, preferred: str | None, question: Question, ranking: Ranking | None) -> str:
    """The section to show: the measure's best chunk in the question's ranking, when it has words."""
    if ranking is not None:
        hits = knowledge_base().hits(ranking, measure=measure, k=1)
        if hits and (preferred is None or question.intent != "ask_measure"):
            return hits[0].section_key
    return preferred or "what"


def rank_question(question: Question) -> Ranking | None:
    """One ranking of the question's words (None for a button press: no words to search on)."""
    if not question.text:
        return None
    return knowledge_base().rank_in_context(
        question.text,
        (question.previous_text,) if question.previous_text else (),
        role=question.role,
        section=SECTION_FOR_INTENT.get(question.intent),
    )


def previous_user_text(tracker: Tracker) -> str:
    """The text of the user's message before the latest one ("" for buttons or none)."""
    user_texts = [event.get("text") or "" for event in tracker.events if event.get("event") == "user"]
    previous = user_texts[-2].strip() if len(user_texts) >= 2 else ""
    return "" if previous.startswith("/") else previous


def read_question(tracker: Tracker) -> Question:
    message = tracker.latest_message or {}
    raw = message.get("text") or ""
    entity = next(tracker.get_latest_entity_values("measure"), None)
    return Question(
        intent=(message.get("intent") or {}).get("name") or "nlu_fallback",
        text="" if raw.startswith("/") else raw.strip(),
        entity_measure=entity if entity in documents() else None,
        slot_measure=tracker.get_slot("measure") if tracker.get_slot("measure") in documents() else None,
        role=known_role(tracker),
        misses=int(tracker.get_slot("kb_misses") or 0),
        role_asked=bool(tracker.get_slot("role_asked")),
        previous_text=previous_user_text(tracker),
    )


def respond(dispatcher: CollectingDispatcher, question: Question) -> list[dict[str, Any]]:
    """Carry out the decision for a question and return the slot events."""
    ranking = rank_question(question)
    hits = [] if question.entity_measure else knowledge_base().hits(ranking, k=8)
    decision = decide(question, hits)

    if decision.kind == "answer":
        document = documents()[decision.measure]
        section_key = choose_section(decision.measure, decision.section, question, ranking)
        extra = formatting.BENEFIT_REFERRAL if question.intent == "ask_financial_impact" else ""
        buttons = formatting.next_step_buttons(section_key)
        if question.intent == "ask_coordinator":
            buttons = [formatting.BOOK_BUTTON]
        dispatcher.utter_message(
            text=formatting.section_answer(document, document.section(section_key), extra=extra),
            buttons=buttons,
        )
        return [SlotSet("measure", decision.measure), SlotSet("kb_misses", 0), SlotSet("pending_question", None)]

    if decision.kind == "ask_role":
        dispatcher.utter_message(text=ASK_ROLE, buttons=ROLE_BUTTONS)
        return [SlotSet("pending_question", question.text), SlotSet("role_asked", True)]

    if decision.kind == "clarify" and decision.candidates:
        intent = question.intent if question.intent in SECTION_FOR_INTENT else "ask_measure"
        if intent in ("nlu_fallback", "ask_coordinator"):
            intent = "ask_measure"
        buttons = [
            {"title": documents()[doc_id].title, "payload": formatting.intent_payload(intent, measure=doc_id)}
            for doc_id in decision.candidates
        ]
        dispatcher.utter_message(text=ASK_WHICH_MEASURE, buttons=buttons)
        return [SlotSet("kb_misses", question.misses + 1), SlotSet("pending_question", None)]

    # A second miss (or nothing at all to offer): a person helps further; coordinators see the gap.
    record_gap(question.text, intent=question.intent, measure=question.slot_measure)
    dispatcher.utter_message(
        text=OFFER_COORDINATOR,
        buttons=[formatting.BOOK_BUTTON, {"title": "Nee, ik stel een andere vraag", "payload": "/deny"}],
    )
    return [SlotSet("kb_misses", 0), SlotSet("pending_question", None)]


class ActionAnswerKnowledge(Action):
    """Answers ask_measure / ask_eligibility / ask_how_to_apply / ask_financial_impact /
    ask_coordinator and unclear messages (nlu_fallback) from the knowledge base."""

    def name(self) -> str:
        return "action_answer_kb"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        question = read_question(tracker)
        learned = [SlotSet("role", question.role)] if question.role != tracker.get_slot("role") else []
        return learned + respond(dispatcher, question)


class ActionRememberRole(Action):
    """Stores the role the user gave and answers the question that was waiting for it."""

    def name(self) -> str:
        return "action_remember_role"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        role = known_role(tracker)
        if role is None:
            dispatcher.utter_message(text=ASK_ROLE, buttons=ROLE_BUTTONS)
            return []
        events: list[dict[str, Any]] = [SlotSet("role", role)]
        pending = tracker.get_slot("pending_question")
        if not pending:
            dispatcher.utter_message(text=f"{ROLE_NOTED[role]} Wat wil je weten?")
            return events
        question = Question(
            intent="ask_measure", text=pending, entity_measure=None, slot_measure=None,
            role=role, misses=int(tracker.get_slot("kb_misses") or 0), role_asked=True,
        )
        return events + respond(dispatcher, question)
