"""How knowledge-base content is phrased in a chat message (Dutch, short)."""
from __future__ import annotations

import datetime
import json

from knowledge_base.documents import Document, Section

_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)

# Next steps offered under an answer, keyed by the section they lead to.
NEXT_STEPS = (
    ("apply", "Hoe vraag ik dit aan?", "/ask_how_to_apply"),
    ("conditions", "Kom ik in aanmerking?", "/ask_eligibility"),
    ("coordinator", "Praat met een coördinator", "/ask_coordinator"),
)
BOOK_BUTTON = {"title": "Plan een gesprek met een coördinator", "payload": "/book_intake"}
BENEFIT_REFERRAL = (
    "Wat dit voor jouw uitkering betekent, kan alleen je ziekenfonds uitrekenen. "
    "Vraag het aan je adviserend arts of aan de terug-naar-werk-coördinator van je ziekenfonds."
)


def dutch_date(day: datetime.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def source_line(document: Document) -> str:
    """Where the answer comes from and when it was last checked (the first, most direct source)."""
    return f"Bron: {document.sources[0]} (laatst nagekeken op {dutch_date(document.last_verified)})."


def one_message(text: str) -> str:
    """Rasa's output channels split a text on blank lines into separate chat messages;
    a knowledge-base answer must arrive as one, so paragraphs get single line breaks."""
    return "\n".join(line for line in text.splitlines() if line.strip())


def section_answer(document: Document, section: Section, *, extra: str = "") -> str:
    parts = [f"{document.title} – {section.title}", section.text]
    if extra:
        parts.append(extra)
    parts.append(source_line(document))
    return one_message("\n".join(parts))


def intent_payload(intent: str, **entities: str) -> str:
    """A button payload that Rasa reads as this intent with these entities, skipping NLU."""
    return f"/{intent}{json.dumps(entities)}" if entities else f"/{intent}"


def next_step_buttons(shown_section: str) -> list[dict[str, str]]:
    return [
        {"title": title, "payload": payload}
        for section, title, payload in NEXT_STEPS
        if section != shown_section
    ]
