"""Answers about support measures, taken word for word from the knowledge base.

One decision per question (see `decide`): answer an answer item or a section of a measure
(with the alternatives under it when the measure is only plausible), ask which measure is meant,
or — after a second miss — offer a coordinator. The role is never asked before answering: the
search leans towards the role when it is known. The intent leans towards a section (eligibility
-> conditions, ...), an answer item that matches the question better wins; the `measure`
entity or, for follow-ups, the `measure` slot picks the document.

Every message says what kind of reply it is (`reply_kind`: answer, clarify, ask_role,
offer_coordinator, role_noted) and, for an answer, the `measure` and `section` it came from.
Rasa keeps these keys in the bot event's metadata in the tracker; the REST channel does not
send them to the front end. `tnw eval --answers` reads them there.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import formatting, texts
from actions.gaps import record_gap
from actions.kb_client import documents, items_by_id, knowledge_base
from actions.roles import known_role
from dutch_text.questions import opens_with_greeting
from knowledge_base.chunking import ITEM_PREFIX
from knowledge_base.documents import Document
from knowledge_base.items import Item
from knowledge_base.lexical import STOPWORDS, raw_tokens
from knowledge_base.search import Hit, Ranking, distinct_doc_ids

# The section each kind of question is answered from; None lets the search choose.
SECTION_FOR_INTENT = {
    "ask_measure": "what",
    "ask_eligibility": "conditions",
    "ask_how_to_apply": "apply",
    "ask_financial_impact": "amount",
    "ask_coordinator": None,
    "ask_item": None,
    "nlu_fallback": None,
}
# Below this search confidence the assistant asks instead of guessing.
CONFIDENT = 0.5
# From this confidence on, the best measure is answered (with the alternatives as buttons)
# instead of asking which measure is meant: people want an answer, not a quiz.
PLAUSIBLE = 0.2
# A question with few words of its own continues the current measure ("hoe vraag ik dat aan?",
# "geldt dat ook voor zelfstandigen?"); words pointing back ("dat", "die premie") allow one more.
# A question with more to say ("mijn baas wil mijn bureau aanpassen, wie betaalt dat?") is new,
# even when it contains "dat": Dutch uses those words everywhere.
_POINTS_BACK = re.compile(r"\b(dat|da|dit|die|deze|daar\w*|hiervoor|ervoor|ook|zoiets|zo'n|dan)\b", re.I)
FOLLOW_UP_MAX_CONTENT_WORDS = 2
# A message that opens by continuing ("en als ik pas drie maanden in dienst ben?", "maar moet ik
# da zelf regelen?") builds on the answer before it, so it may say more and still be a follow-up.
_CONTINUES = re.compile(r"^\s*(en|maar|of|ook|dus|allee|awel|oké en|ok en)\b", re.I)
CONTINUING_MAX_CONTENT_WORDS = 6
# A question mark or a question word: a message to answer, not only a remark.
_QUESTION = re.compile(r"\?|^\s*(en\s+)?(wat|wie|hoe|waar|wanneer|waarom|welke?|hoeveel"
                       r"|kan|kun|kunnen|mag|moet|geldt|is|zijn|heb|krijg)\b", re.I)

ROLE_BUTTONS = [{"title": title, "payload": formatting.intent_payload("inform", role=role)}
                for role, title in texts.ROLE_BUTTONS.items()]


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
    entity_item: str | None = None  # an answer item asked for by id ("Meer hierover" button)
    shown: str | None = None  # the section or item shown last ("item:<id>" for an item)
    sender_id: str | None = None  # pseudonymous; links an unanswered question to a later booking


@dataclass(frozen=True)
class Decision:
    kind: str  # answer | clarify | offer_coordinator (candidates under an answer: the alternatives)
    measure: str | None = None
    section: str | None = None
    candidates: list[str] = field(default_factory=list)


def has_content_words(text: str) -> bool:
    return any(word not in STOPWORDS for word in raw_tokens(text or ""))


def is_follow_up(text: str) -> bool:
    if not text:
        return True
    content = [word for word in raw_tokens(text) if word not in STOPWORDS and not _POINTS_BACK.fullmatch(word)]
    if _CONTINUES.match(text):
        return len(content) <= CONTINUING_MAX_CONTENT_WORDS
    allowed = FOLLOW_UP_MAX_CONTENT_WORDS + (1 if _POINTS_BACK.search(text) else 0)
    return len(content) <= allowed


def decide(question: Question, hits: list[Hit]) -> Decision:
    """What to do with a question, given the search hits over the whole knowledge base."""
    section = SECTION_FOR_INTENT.get(question.intent)
    if question.entity_item:
        item = item_by_id(question.entity_item)
        return Decision("answer", item.doc_id, f"{ITEM_PREFIX}{item.id}")
    if question.intent == "ask_item" and question.slot_measure:
        # "meer hierover" typed: the first related item of what was shown, else the best match.
        shown = item_by_id(question.shown.removeprefix(ITEM_PREFIX)) if question.shown else None
        if shown is not None and shown.related:
            following = item_by_id(shown.related[0])
            return Decision("answer", following.doc_id, f"{ITEM_PREFIX}{following.id}")
        return Decision("answer", question.slot_measure, None)
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
    if question.misses >= 1:  # clarified once already: a person helps further
        return Decision("offer_coordinator")
    if top is not None and top.confidence >= PLAUSIBLE:
        # Answer first; the other likely measures go under the answer ("Bedoel je iets anders?").
        others = [doc_id for doc_id in distinct_doc_ids(hits) if doc_id != top.doc_id]
        return Decision("answer", top.doc_id, section, candidates=others[:2])
    return Decision("clarify", candidates=distinct_doc_ids(hits)[:3])


def choose_section(measure: str, preferred: str | None, question: Question, ranking: Ranking | None) -> str:
    """The section or item to show: the measure's best chunk in the question's ranking, when it
    has words. A "wat is X?" question keeps the overview unless an answer item matches better."""
    if preferred is not None and preferred.startswith(ITEM_PREFIX):
        return preferred
    if ranking is not None:
        hits = knowledge_base().hits(ranking, measure=measure, k=1)
        specific = (hits and hits[0].section_key.startswith(ITEM_PREFIX)
                    and asks_more_than_the_name(question.text, measure))
        if hits and (preferred is None or question.intent != "ask_measure" or specific):
            return hits[0].section_key
    return preferred or "what"


def asks_more_than_the_name(text: str, measure: str) -> bool:
    """"Wat is de VOP?" asks for the overview; "wat is het verschil tussen VOP en IMW?" asks
    something specific: it has words of its own besides the measure's names."""
    document = documents()[measure]
    names = {word for name in (document.title, *document.aliases) for word in raw_tokens(name)}
    own = [word for word in raw_tokens(text) if word not in STOPWORDS and word not in names]
    return len(own) >= 2


def item_by_id(item_id: str | None) -> Item | None:
    return items_by_id().get(item_id or "")


def more_about(document: Document, shown: str, ranking: Ranking | None) -> list[Item]:
    """The items offered as "Meer hierover" under an answer: the shown item's related items, or
    the document's items that match the question best (its first items for a button press)."""
    shown_item = item_by_id(shown.removeprefix(ITEM_PREFIX)) if shown.startswith(ITEM_PREFIX) else None
    if shown_item is not None and shown_item.related:
        chosen = [item_by_id(item_id) for item_id in shown_item.related]
        return [item for item in chosen if item is not None][:formatting.MAX_MORE_BUTTONS]
    if ranking is not None:
        hits = knowledge_base().hits(ranking, measure=document.id, k=len(document.sections) + len(document.items))
        ranked = [item_by_id(hit.section_key.removeprefix(ITEM_PREFIX)) for hit in hits
                  if hit.section_key.startswith(ITEM_PREFIX) and hit.section_key != shown]
    else:
        ranked = [item for item in document.items if f"{ITEM_PREFIX}{item.id}" != shown]
    return [item for item in ranked if item is not None][:formatting.MAX_MORE_BUTTONS]


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
    item = next(tracker.get_latest_entity_values("item"), None)
    return Question(
        entity_item=item if isinstance(item, str) and item in items_by_id() else None,
        shown=tracker.get_slot("kb_shown") if isinstance(tracker.get_slot("kb_shown"), str) else None,
        intent=(message.get("intent") or {}).get("name") or "nlu_fallback",
        text="" if raw.startswith("/") else raw.strip(),
        entity_measure=entity if isinstance(entity, str) and entity in documents() else None,
        slot_measure=tracker.get_slot("measure") if tracker.get_slot("measure") in documents() else None,
        role=known_role(tracker),
        misses=int(tracker.get_slot("kb_misses") or 0),
        role_asked=bool(tracker.get_slot("role_asked")),
        previous_text=previous_user_text(tracker),
        sender_id=tracker.sender_id,
    )


def clarify_buttons(question: Question, candidates: list[str], *, alternative: bool = False) -> list[dict[str, str]]:
    """One button per candidate measure, asking the same kind of question about it
    (`alternative`: under an answer, "Of bedoel je: …")."""
    intent = question.intent if question.intent in SECTION_FOR_INTENT else "ask_measure"
    if intent in ("nlu_fallback", "ask_coordinator", "ask_item"):
        intent = "ask_measure"
    titles = {doc_id: documents()[doc_id].title for doc_id in candidates}
    if alternative:
        titles = {doc_id: texts.OR_DO_YOU_MEAN.format(title=title) for doc_id, title in titles.items()}
    return [{"title": title, "payload": formatting.intent_payload(intent, measure=doc_id)}
            for doc_id, title in titles.items()]


def respond(dispatcher: CollectingDispatcher, question: Question,
            ranking: Ranking | None = None) -> list[dict[str, Any]]:
    """Carry out the decision for a question and return the slot events (`ranking`: when the
    caller already ranked the question, so it is not searched twice)."""
    ranking = ranking if ranking is not None else rank_question(question)
    hits = [] if question.entity_measure else knowledge_base().hits(ranking, k=8)
    decision = decide(question, hits)

    if decision.kind == "answer":
        document = documents()[decision.measure]
        section_key = choose_section(decision.measure, decision.section, question, ranking)
        # A money question also gets the referral: only the ziekenfonds computes a benefit.
        item = item_by_id(section_key.removeprefix(ITEM_PREFIX)) if section_key.startswith(ITEM_PREFIX) else None
        extra = texts.BENEFIT_REFERRAL if question.intent == "ask_financial_impact" else ""
        text = (formatting.item_answer(document, item, extra=extra) if item is not None
                else formatting.section_answer(document, document.section(section_key), extra=extra))
        if opens_with_greeting(question.text):  # "Dag! Hoeveel is …?": a short greeting back first
            text = f"{texts.GREETING_BACK}\n{text}"
        if decision.candidates:  # not sure: the alternatives replace the "Meer hierover" buttons
            text = f"{text}\n{texts.SOMETHING_ELSE}"
            buttons = [*clarify_buttons(question, decision.candidates, alternative=True), texts.BOOK_BUTTON]
        else:
            buttons = formatting.answer_buttons(more_about(document, section_key, ranking))
        dispatcher.utter_message(
            text=text,
            buttons=buttons,
            reply_kind="answer", measure=decision.measure, section=section_key,
        )
        return [SlotSet("measure", decision.measure), SlotSet("kb_misses", 0), SlotSet("pending_question", None),
                SlotSet("kb_shown", section_key)]

    if decision.kind == "clarify" and decision.candidates:
        dispatcher.utter_message(text=texts.ASK_WHICH_MEASURE, buttons=clarify_buttons(question, decision.candidates),
                                 reply_kind="clarify", candidates=list(decision.candidates))
        return [SlotSet("kb_misses", question.misses + 1), SlotSet("pending_question", None)]

    # A second miss (or nothing at all to offer): a person helps further; coordinators see the gap.
    record_gap(question.text, intent=question.intent, measure=question.slot_measure, sender_id=question.sender_id)
    dispatcher.utter_message(
        text=texts.OFFER_COORDINATOR,
        buttons=[texts.BOOK_BUTTON, texts.ANOTHER_QUESTION_BUTTON],
        reply_kind="offer_coordinator",
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
        pending = tracker.get_slot("pending_question")
        if pending and role is not None:
            question = Question(
                intent="ask_measure", text=pending, entity_measure=None, slot_measure=None,
                role=role, misses=int(tracker.get_slot("kb_misses") or 0), role_asked=True,
            )
            return [SlotSet("role", role), *respond(dispatcher, question)]
        # Read as "inform" but a question in its own words: answered in context ("en voor een
        # zelfstandige?", "ik ben bij de CM, bij wie moet ik zijn?"), the role noted when given;
        # asking who is asking would only be in the way.
        question = dataclasses.replace(read_question(tracker), intent="nlu_fallback")
        if role is None:
            if has_content_words(question.text) and not pending:
                return respond(dispatcher, question)
            dispatcher.utter_message(text=texts.ASK_ROLE, buttons=ROLE_BUTTONS, reply_kind="ask_role")
            return []
        if _QUESTION.search(question.text):
            return [SlotSet("role", role), *respond(dispatcher, dataclasses.replace(question, role=role))]
        dispatcher.utter_message(text=f"{texts.ROLE_NOTED[role]} {texts.WHAT_DO_YOU_WANT_TO_KNOW}",
                                 reply_kind="role_noted")
        return [SlotSet("role", role)]
