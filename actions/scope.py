"""Questions outside the assistant's field: a friendly pointer to the right place.

Messages in French, English or German are handled in actions/other_language.py (a summary of
the measure in the person's language); its action and language guess are imported here for
code that still looks for them in this module.

The replies report their kind (`reply_kind`: out_of_scope) for `tnw eval --answers`, like
actions/knowledge.py.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import texts
from actions.kb_client import knowledge_base
from actions.knowledge import rank_question, read_question, respond
from actions.other_language import (  # noqa: F401 - re-exported, see the docstring
    ActionReplyOtherLanguage,
    guess_language,
)

# Topic words -> where to go (the texts are in actions/texts.py). First match wins; the general
# pointer is last. Specific bodies come before the broad "money" and "medical" entries.
_TOPICS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"kinderbijslag|kindergeld|groeipakket|zorgtoeslag|schooltoeslag", re.I), "groeipakket"),
    (re.compile(r"pensioen|mypension|brugpensioen", re.I), "pensioen"),
    (re.compile(r"arbeidsongeval|ongeval op (het|de|mijn) (werk|werf)|werkongeval|beroepsziekte"
                r"|(viel|gevallen) van (een|de) (ladder|stelling|trap)|(ladder|stelling) (af )?gevallen", re.I),
     "arbeidsongeval"),
    (re.compile(r"inkomensvervangende|integratietegemoetkoming|tegemoetkoming.*handicap|parkeerkaart"
                r"|\bivt\b|my ?handicap", re.I), "handicap"),
    (re.compile(r"vaph|persoonsvolgend|zorgbudget|rechtstreeks toegankelijke hulp", re.I), "vaph"),
    (re.compile(r"belasting|tax-on-web|myminfin|bedrijfsvoorheffing|aangifte personenbelasting", re.I), "belastingen"),
    (re.compile(r"werkloos|werkloosheid|\brva\b|hulpkas|dopgeld|\bdop\b|\bc4\b", re.I), "werkloosheid"),
    (re.compile(r"lening|bank|krediet|schuld|huur|woning", re.I), "geldzaken"),
    (re.compile(r"ontsla|ontslag|opzeg|contract|arbeidsrecht|vakbond", re.I), "ontslag"),
    (re.compile(r"\bcv\b|sollicit|vacature|job zoeken|werk zoeken", re.I), "solliciteren"),
    (re.compile(r"pijn|medicat|medicijn|pil\b|pillen|dokter|behandeling|therapie|symptom", re.I), "medisch"),
    (re.compile(r"uitkering|ziekengeld|invaliditeit|ziekenfonds|mutualiteit", re.I), "uitkering"),
)
REFERRALS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (pattern, texts.REFERRALS[topic]) for pattern, topic in _TOPICS)

# The bodies above the broad topics (money, dismissal, job seeking): a question naming one of
# them belongs there, however much it resembles a knowledge-base question.
SPECIFIC_REFERRALS = REFERRALS[:7]
# From this search confidence on, a message the NLU called out of scope is answered from the
# knowledge base instead (measured on our own NLU examples: 4% of the out-of-scope ones reach
# it, some of them in scope since the dismissal document; 59% of the knowledge ones).
KNOWLEDGE_OVERRIDE = 0.8


def has_specific_referral(text: str) -> bool:
    return any(pattern.search(text) for pattern, _ in SPECIFIC_REFERRALS)


def referral_for(text: str) -> str:
    for pattern, referral in REFERRALS:
        if pattern.search(text):
            return referral
    return texts.GENERAL_POINTER


class ActionOutOfScope(Action):
    def name(self) -> str:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        if text and not has_specific_referral(text):
            question = dataclasses.replace(read_question(tracker), intent="nlu_fallback")
            ranking = rank_question(question)
            if knowledge_base().top_confidence(ranking) >= KNOWLEDGE_OVERRIDE:
                return respond(dispatcher, question, ranking)  # clearly one of ours: answer it
        dispatcher.utter_message(text=f"{texts.SCOPE_INTRO} {referral_for(text)}\n{texts.SCOPE_OFFER}",
                                 reply_kind="out_of_scope")
        return []
