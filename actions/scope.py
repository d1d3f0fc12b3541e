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

from actions.kb_client import knowledge_base
from actions.knowledge import rank_question, read_question, respond
from actions.other_language import (  # noqa: F401 - re-exported, see the docstring
    OTHER_LANGUAGE_REPLIES,
    ActionReplyOtherLanguage,
    guess_language,
)

SCOPE_INTRO = "Daar kan ik je helaas niet mee helpen: ik ken vooral de steun om na ziekte weer aan het werk te gaan."
# Topic words -> where to go (../shared/facts.md §18). First match wins; the general pointer
# is last. Specific bodies come before the broad "money" and "medical" entries.
REFERRALS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"kinderbijslag|kindergeld|groeipakket|zorgtoeslag|schooltoeslag", re.I),
     "Vragen over het Groeipakket (het vroegere kindergeld) stel je aan je eigen uitbetaler: FONS, Infino, "
     "KidsLife Vlaanderen, MyFamily of Parentia. Meer uitleg staat op www.groeipakket.be."),
    (re.compile(r"pensioen|mypension|brugpensioen", re.I),
     "Voor je pensioen helpt de Federale Pensioendienst je: bel gratis de Pensioenlijn 1765, of bekijk je "
     "dossier op mypension.be met je eID."),
    (re.compile(r"arbeidsongeval|ongeval op (het|de|mijn) (werk|werf)|werkongeval|beroepsziekte"
                r"|(viel|gevallen) van (een|de) (ladder|stelling|trap)|(ladder|stelling) (af )?gevallen", re.I),
     "Een arbeidsongeval, ook op weg naar of van het werk, regelt de verzekeraar van je werkgever. Voor een "
     "beroepsziekte, of als je het niet eens bent met de verzekeraar, is er Fedris, het federaal agentschap "
     "voor beroepsrisico's."),
    (re.compile(r"inkomensvervangende|integratietegemoetkoming|tegemoetkoming.*handicap|parkeerkaart"
                r"|\bivt\b|my ?handicap", re.I),
     "Tegemoetkomingen voor personen met een handicap (de inkomensvervangende tegemoetkoming en de "
     "integratietegemoetkoming) vraag je aan bij de FOD Sociale Zekerheid, DG Personen met een handicap: "
     "online via handicap.belgium.be of gratis via 0800 987 99. Je ziekenfonds of het zorgloket van je "
     "gemeente helpt je ook."),
    (re.compile(r"vaph|persoonsvolgend|zorgbudget|rechtstreeks toegankelijke hulp", re.I),
     "Voor een persoonsvolgend budget of zorg en ondersteuning bij een handicap is het VAPH er "
     "(www.vaph.be). Een budget vraag je aan vóór je 65 wordt."),
    (re.compile(r"belasting|tax-on-web|myminfin|bedrijfsvoorheffing|aangifte personenbelasting", re.I),
     "Vragen over belastingen beantwoordt de FOD Financiën: via MyMinfin, het contactformulier op "
     "financien.belgium.be of 0257 257 57."),
    (re.compile(r"werkloos|werkloosheid|\brva\b|hulpkas|dopgeld|\bdop\b|\bc4\b", re.I),
     "Over een werkloosheidsuitkering beslist de RVA. Je vakbond (als je lid bent) of de Hulpkas voor "
     "Werkloosheidsuitkeringen (HVW) vraagt ze voor je aan en betaalt ze uit. Schrijf je binnen 8 dagen in bij VDAB."),
    (re.compile(r"lening|bank|krediet|schuld|huur|woning", re.I),
     "Voor geldzaken zoals leningen of schulden kan je terecht bij je bank of het OCMW van je gemeente."),
    (re.compile(r"ontsla|ontslag|opzeg|contract|arbeidsrecht|vakbond", re.I),
     "Voor vragen over ontslag of contracten kan je als werkgever terecht bij je sociaal secretariaat. "
     "Als werknemer helpt je vakbond of een jurist je verder."),
    (re.compile(r"\bcv\b|sollicit|vacature|job zoeken|werk zoeken", re.I),
     "Voor hulp bij solliciteren of een cv kan je gratis terecht bij VDAB: 0800 30 700."),
    (re.compile(r"pijn|medicat|medicijn|pil\b|pillen|dokter|behandeling|therapie|symptom", re.I),
     "Voor medische vragen ga je best naar je huisarts of je apotheker."),
    (re.compile(r"uitkering|ziekengeld|invaliditeit|ziekenfonds|mutualiteit", re.I),
     "Voor vragen over je uitkering helpt je ziekenfonds (je mutualiteit) je verder."),
)
GENERAL_POINTER = ("Vragen over werk zoeken kan je gratis stellen aan VDAB (0800 30 700); "
                   "vragen over je uitkering aan je ziekenfonds.")
SCOPE_OFFER = ("Wil je iets weten over de VOP, individueel maatwerk, BTOM, jobcoaching of de "
               "terug-naar-werk-coördinator? Vraag het gerust.")

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
    return GENERAL_POINTER


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
        dispatcher.utter_message(text=f"{SCOPE_INTRO} {referral_for(text)}\n{SCOPE_OFFER}", reply_kind="out_of_scope")
        return []
