"""Messages that Rasa's NLU read as another language (intent `other_language`).

The assistant works in Dutch. A French or English visitor gets, in their own language, the short
summary of the measure their question is about (`knowledge_base/foreign/<language>.yaml`, the
general one when no measure is recognised), who to contact, that the assistant itself works in
Dutch and where a person can help. German gets one short fixed reply. A message that turns out
to be Dutch after all ("sorry, foutje") gets a short Dutch invitation to say it again.

As in actions/knowledge.py the decision is pure (`decide` on a `Question`, returning a
`Decision`); the action around it only reads the tracker and sends the reply. Every reply
reports `reply_kind="other_language"`, the `language` it was written in and the `measure` its
summary is about (None for the general summary) for `tnw eval --answers`.

No language-identification library is installed, so the language is read from common words:
function words and everyday words of Dutch, English, French and German, plus a few spelling
cues for the words that are in no list. Dutch competes on equal terms and wins every tie, so a
short Dutch message is never taken for English.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import texts
from knowledge_base.documents import DEFAULT_DOCUMENTS_DIR, document_paths, load_document
from knowledge_base.foreign_summaries import (
    ForeignLanguage,
    keyword_pattern,
    load_foreign,
    match_measure,
    normalise,
)

REPLY_KIND = "other_language"
SUMMARY_LANGUAGES = ("fr", "en")


# -- language -----------------------------------------------------------------------------------
# Words that say little about the language because Flemish chat uses them too ("sorry", "merci",
# "ok", "help") are in no list. Words shared by two languages ("de", "je", "en", "die", "is")
# are in both, so they cancel out.
_WORDS = {
    "nl": """
        ik ikke je jij jou jouw u uw ge gij gy het 't een ne nen de den der niet nie geen meer en of
        is dat da dit die deze wil wilt wilde willen mijn mijne m'n me mij heb hebt heeft hebben had
        ben bent zijn was waren er van voor met naar wat wa hoe wie waar wanneer waarom welk welke
        kan kun kunt kunnen kunde mag moet moeten zou zal zullen hij zij ze we wij ons onze nog ook
        maar al als om te toch bedoel bedoelde bedoelt bedoeling iets niets anders foutje fout
        verkeerd vergist vergis excuseer excuses oeps dank bedankt dankje dankjewel dankuwel graag
        alstublieft aub even nu dan daar hier bij uit over door zonder wel zo heel veel weet weten
        snap begrijp klopt juist goed ja nee neen dag goeiedag goedemorgen goeiemorgen hallo hoi
        ziek werk werken werkgever baas ziekenfonds mutualiteit mutualiteiten uitkering premie
        aanvragen vraag vragen vraagje iemand niemand mensen hulp helpen afspraak bellen gewoon
        eigenlijk misschien zeker echt allemaal typfout tikfout getypt knop verkeerde drukte thuis
        mis gemist vergeten opnieuw nogmaals
    """,
    "en": """
        i i'm i've i'd i'll you you're your the a an and is are was were am be been have has had do
        does did don't doesn't didn't can can't cannot could would should will won't what how who
        where when why which my mine me it it's its this that there they them their to of for
        with from on at about not no yes please thanks thank hello hey speak english dutch sick
        leave illness ill work working job employer employee boss back want need get any some
        someone anyone somebody oops wrong mean meant understand language health
        insurance fund support after before since time part also but or if so very much many people
        question appointment company doctor go going return
    """,
    "fr": """
        je j' tu vous a il elle nous ils on le la les l' un une des du de d' et est c'est ce ça cela
        que qu' qui quoi comment pourquoi où quand quel quelle quels quelles mon ma mes ton ta votre
        vos leur pour avec dans sur pas ne n' plus ai as avons avez suis es êtes sont peux peut
        pouvez puis voudrais veux voulez faut fait faire bonjour bonsoir salut oui non beaucoup
        travail travailler travaille malade maladie aide aider employeur employé mutualité mutuelle
        médecin temps reprendre reprise parlez parle français néerlandais désolé désolée excusez
        moi mois depuis après avant aussi mais si au aux est-ce chez très quelqu'un quelque
        personne question rendez-vous patron entreprise santé indemnités indemnité comprends
        m' s' t' y en
    """,
    "de": """
        ich du sie wir ihr er es der die das den dem des und ist sind bin bist nicht kein keine
        mein meine meinen mit für von zu auf wie was wer wo wann warum kann können möchte habe
        hast hat haben arbeit arbeiten arbeitgeber krank krankenkasse krankgeschrieben hilfe hallo
        guten tag danke bitte ja nein sprechen deutsch seit wieder auch aber oder noch schon sehr
        gibt ein eine einen einem einer verstehe niederländisch termin zeit wieviel wer bei
    """,
}
VOCABULARY = {language: frozenset(words.split()) for language, words in _WORDS.items()}
LANGUAGES = tuple(VOCABULARY)
# Spelling cues for a word that is in no list (half a word's weight each).
_CUES = {
    "nl": re.compile(r"ij|aa|uu|oe|(?:tje|pje|je|jes)$|^(?:ge|ver)\w{4,}(?:d|t|en)$|lijk|heid|sch"),
    "en": re.compile(r"^th|^wh|ea|(?:ly|ful|ness|ght)$"),
    "fr": re.compile(r"[éèêàçùûôî]|(?:eux|eur|ais|ait|ez|ée|ées|aient)$"),
    # An umlaut after a consonant: Dutch writes a diaeresis after a vowel ("coördinator").
    "de": re.compile(r"[äß]|(?<![aeiou])[öü]|(?:ung|ungen|keit|heit|lich|chen)$|sch|tz"),
}
_CUE_WEIGHT = 0.5
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]*)?")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'").replace("`", "'"))


def language_scores(text: str) -> dict[str, float]:
    """Evidence per language: one point for every word in its list, half a point for a spelling cue."""
    scores = dict.fromkeys(LANGUAGES, 0.0)
    for token in _tokens(text):
        parts = [token]
        if "'" in token and not any(token in vocabulary for vocabulary in VOCABULARY.values()):
            head, tail = token.split("'", 1)  # French elision: "l'aide" -> "l'", "aide"
            parts = [f"{head}'", tail] if tail else [f"{head}'"]
        for part in parts:
            known = [language for language in LANGUAGES if part in VOCABULARY[language]]
            for language in known:
                scores[language] += 1.0
            if not known and len(part) >= 3:
                for language, cue in _CUES.items():
                    if cue.search(part):
                        scores[language] += _CUE_WEIGHT
    return scores


def detect_language(text: str) -> str:
    """nl, en, fr or de. Another language only wins with more evidence than Dutch (and at least
    one whole word); on a tie or without evidence the message is Dutch, the assistant's language."""
    scores = language_scores(text)
    best = max(("en", "fr", "de"), key=lambda language: scores[language])
    if scores[best] >= 1.0 and scores[best] > scores["nl"]:
        return best
    return "nl"


def guess_language(text: str) -> str:
    """The language of a message (kept under its old name for actions.scope)."""
    return detect_language(text)


# -- decision -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Question:
    text: str
    entity_measure: str | None = None  # a `measure` entity from the NLU (Dutch names in the text)


@dataclass(frozen=True)
class Decision:
    kind: str  # summary (fr, en) | fixed (de) | rephrase (the message was Dutch)
    language: str
    measure: str | None = None  # the document whose summary is sent; None for the general one


@dataclass(frozen=True)
class Library:
    languages: dict[str, ForeignLanguage]
    # Per document, patterns of its Dutch names and abbreviations (VOP, BTOM, IMW, jobcoaching, ...)
    dutch_names: dict[str, tuple[tuple[re.Pattern[str], int], ...]]


def decide(question: Question, library: Library) -> Decision:
    """Which language to answer in and, for French or English, which summary fits the question."""
    language = detect_language(question.text)
    if language == "nl":
        return Decision("rephrase", "nl")
    if language not in library.languages:
        return Decision("fixed", language)
    summaries = library.languages[language]
    if question.entity_measure in summaries.measures:
        return Decision("summary", language, question.entity_measure)
    return Decision("summary", language, match_measure(question.text, summaries, library.dutch_names))


def reply_text(decision: Decision, library: Library) -> str:
    """The plain-text reply: the summary, who to contact, that the assistant works in Dutch and
    where to get help in that language."""
    if decision.kind == "rephrase":
        return texts.DUTCH_REPHRASE
    if decision.kind == "fixed":
        return texts.GERMAN_REPLY
    summaries = library.languages[decision.language]
    entry = summaries.entry(decision.measure)
    return f"{entry.summary}\n{entry.contact}\n{summaries.dutch_note} {summaries.help}"


# -- the library, loaded once per action-server process ----------------------------------------
# Dutch names that are also ordinary French or English words do not select a measure.
_NOT_A_NAME = frozenset({"rentree", "rit"})


def dutch_names(documents_dir=DEFAULT_DOCUMENTS_DIR) -> dict[str, tuple[tuple[re.Pattern[str], int], ...]]:
    """Each document's Dutch names: its aliases and the abbreviation in its title ("(BTOM)")."""
    names: dict[str, tuple[tuple[re.Pattern[str], int], ...]] = {}
    for path in document_paths(documents_dir):
        document = load_document(path)
        written = {*document.aliases, *re.findall(r"\(([^)]+)\)", document.title), document.id.replace("_", " ")}
        kept = sorted({normalise(name) for name in written} - _NOT_A_NAME - {""})
        names[document.id] = tuple(keyword_pattern(name) for name in kept)
    return names


@lru_cache(maxsize=1)
def library() -> Library:
    names = dutch_names()
    return Library(languages=load_foreign(document_ids=frozenset(names)), dutch_names=names)


def read_question(tracker: Tracker) -> Question:
    message = tracker.latest_message or {}
    entity = next(tracker.get_latest_entity_values("measure"), None)
    return Question(text=(message.get("text") or "").strip(),
                    entity_measure=entity if isinstance(entity, str) else None)


class ActionReplyOtherLanguage(Action):
    def name(self) -> str:
        return "action_reply_other_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        books = library()
        decision = decide(read_question(tracker), books)
        dispatcher.utter_message(text=reply_text(decision, books), reply_kind=REPLY_KIND,
                                 language=decision.language, measure=decision.measure)
        return []
