"""Is a message a question, and what is left of it after a greeting or a thank-you?

People open with a greeting, a thank-you or an "oké" and then say what they came for: "Dag! Ik
wil graag iemand spreken over mijn werk", "merci, en hoeveel is dat dan?". These helpers let the
dialogue answer the request instead of the opener. Pure text rules, no model.
"""
from __future__ import annotations

import re

__all__ = ["is_introduction", "is_question", "opens_with_greeting", "without_social_opener", "word_count"]

# Greetings, thanks and acknowledgements that can open a message, in the ways people type them.
_OPENER_WORDS = (
    r"hallo|hallootjes|hoi|hey|hei|hi|hello|dag|daag|goeiedag|goedendag|goeiemorgen|goedemorgen|"
    r"goeiemiddag|goedemiddag|goeienavond|goedenavond|morgen|middag|avond|beste|yo|salut|bonjour|"
    r"merci|bedankt|dankjewel|dankuwel|dank\s+je(\s+wel)?|dank\s+u(\s+wel)?|thanks|thx|"
    r"ok|oke|oké|okay|okee|ja|jaja|nee|neen|super|top|fijn|wat\s+fijn|goed|perfect|prima|allee|awel|"
    r"sorry|excuseer|pardon"
)
_GREETING = re.compile(
    r"^\s*(hallo\w*|hoi|hey|hei|hi|hello|dag|daag|goeiedag|goedendag|goeiemorgen|goedemorgen|goeiemiddag|"
    r"goedemiddag|goeienavond|goedenavond|beste|salut|bonjour)\b", re.I)
_OPENER = re.compile(rf"^\s*(?:(?:{_OPENER_WORDS})\b[\s,.!:;…\-–]*)+", re.I)
# Words that start a question in Dutch (at the start of a sentence or after "en", "maar", "of").
_QUESTION_WORDS = (
    r"wat|wie|wiens|hoe|hoelang|hoeveel|waar|waarom|wanneer|welk|welke|waarvoor|waarmee|"
    r"kan|kun|kunt|kunnen|mag|mogen|moet|moeten|is|zijn|ben|heb|hebt|hebben|krijg|krijgt|krijgen|"
    r"geldt|gelden|bestaat|bestaan|weet|klopt|zou|zouden|wil|wilt|willen|doet|doen|gaat|blijf|blijft|"
    r"betaalt|telt|verlies|verliest|vervalt|ga|kom|komt"
)
_QUESTION_START = re.compile(
    rf"(?:^|[.!?;:]\s*|\n\s*)(?:(?:en|maar|of|dus|dan|allee|awel)\s+)?(?:{_QUESTION_WORDS})\b", re.I)
_WORD = re.compile(r"\w+(?:'\w+)?", re.UNICODE)
# "ik ben Els, HR-manager bij een transportbedrijf": who is writing, without what they want.
_INTRODUCTION = re.compile(r"^\W*(ik ben|'k ben|ik heet|mijn naam is|hier is|met)\b", re.I)
_WISH = re.compile(r"\b(wil|wou|zou|graag|zoek|vraag|vragen|help|hulp|nodig|moet|kan|kunt|kunnen|mag)\b", re.I)


def without_social_opener(text: str) -> str:
    """The message without the greetings, thanks and "oké"s it opens with ("" when that was all)."""
    return _OPENER.sub("", text or "", count=1).strip()


def opens_with_greeting(text: str) -> bool:
    return bool(_GREETING.match(text or ""))


def is_question(text: str) -> bool:
    """A question mark, or a sentence that starts with a question word ("mag ik al starten")."""
    body = without_social_opener(text)
    return "?" in body or bool(_QUESTION_START.search(body))


def word_count(text: str) -> int:
    return len(_WORD.findall(text or ""))


def is_introduction(text: str) -> bool:
    """The message (after its opener) only says who is writing: no wish, no question word."""
    body = without_social_opener(text)
    return bool(_INTRODUCTION.match(body)) and not _WISH.search(body)
