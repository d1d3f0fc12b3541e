"""Questions outside the assistant's field: a friendly pointer to the right place.

Also messages in English or French: a short reply in that language saying the assistant
speaks Dutch, and how to reach a person.
"""
from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

SCOPE_INTRO = "Daar kan ik je helaas niet mee helpen: ik ken vooral de steun om na ziekte weer aan het werk te gaan."
# Topic words -> where to go. First match wins; the last entry is the general pointer.
REFERRALS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"lening|bank|krediet|schuld|belasting|huur|woning|pensioen|kinderbijslag|groeipakket", re.I),
     "Voor geldzaken zoals leningen, belastingen of schulden kan je terecht bij je bank, de FOD Financiën of het OCMW van je gemeente."),
    (re.compile(r"ontsla|ontslag|opzeg|c4\b|contract|arbeidsrecht|vakbond", re.I),
     "Voor vragen over ontslag of contracten kan je als werkgever terecht bij je sociaal secretariaat. Als werknemer helpt je vakbond of een jurist je verder."),
    (re.compile(r"\bcv\b|sollicit|vacature|job zoeken|werk zoeken", re.I),
     "Voor hulp bij solliciteren of een cv kan je gratis terecht bij VDAB: 0800 30 700."),
    (re.compile(r"pijn|medicat|medicijn|pil\b|pillen|dokter|behandeling|therapie|symptom", re.I),
     "Voor medische vragen ga je best naar je huisarts of je apotheker."),
    (re.compile(r"uitkering|ziekengeld|invaliditeit|ziekenfonds|mutualiteit", re.I),
     "Voor vragen over je uitkering helpt je ziekenfonds (je mutualiteit) je verder."),
)
GENERAL_POINTER = "Vragen over werk zoeken kan je gratis stellen aan VDAB (0800 30 700); vragen over je uitkering aan je ziekenfonds."
SCOPE_OFFER = "Wil je iets weten over de VOP, individueel maatwerk, BTOM, jobcoaching of de terug-naar-werk-coördinator? Vraag het gerust."

OTHER_LANGUAGE_REPLIES = {
    "en": (
        "Sorry, I can only help in Dutch. To talk to a person, contact your health insurance fund "
        "(ziekenfonds) and ask for the return-to-work coordinator, or call VDAB for free on 0800 30 700."
    ),
    "fr": (
        "Désolé, je ne peux vous aider qu'en néerlandais. Pour parler à une personne, contactez votre "
        "mutualité et demandez le coordinateur retour au travail, ou appelez gratuitement le VDAB au 0800 30 700."
    ),
    "de": (
        "Entschuldigung, ich kann nur auf Niederländisch helfen. Wenden Sie sich an Ihre Krankenkasse "
        "(ziekenfonds) und fragen Sie nach dem Rückkehr-zur-Arbeit-Koordinator, oder rufen Sie VDAB "
        "kostenlos unter 0800 30 700 an."
    ),
}
_LANGUAGE_WORDS = {
    "en": {"the", "i", "you", "is", "are", "and", "what", "how", "my", "do", "can", "work", "hello", "please", "speak", "english", "sick", "help"},
    "fr": {"je", "le", "la", "les", "est", "et", "vous", "bonjour", "travail", "mon", "ma", "pour", "une", "des", "parlez", "français", "malade", "aide", "merci"},
    "de": {"ich", "der", "die", "das", "und", "ist", "sie", "nicht", "arbeit", "hallo", "sprechen", "deutsch", "krank", "hilfe"},
}


def referral_for(text: str) -> str:
    for pattern, referral in REFERRALS:
        if pattern.search(text):
            return referral
    return GENERAL_POINTER


def guess_language(text: str) -> str:
    """English, French or German by common words; English when unsure (most widely read)."""
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœäöß']+", text.lower())
    scores = {lang: sum(word in vocab for word in words) for lang, vocab in _LANGUAGE_WORDS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] > 0 else "en"


class ActionOutOfScope(Action):
    def name(self) -> str:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        dispatcher.utter_message(text=f"{SCOPE_INTRO} {referral_for(text)}\n{SCOPE_OFFER}")
        return []


class ActionReplyOtherLanguage(Action):
    def name(self) -> str:
        return "action_reply_other_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        dispatcher.utter_message(text=OTHER_LANGUAGE_REPLIES[guess_language(text)])
        return []
