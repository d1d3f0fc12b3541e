"""How knowledge-base content is phrased in a chat message (Dutch, short; the words are in actions/texts.py)."""
from __future__ import annotations

import datetime
import json

from actions import texts
from knowledge_base.documents import Document, Section
from knowledge_base.items import Item

# Under an answer: up to three "Meer hierover" items, then a person (at most four buttons).
MAX_MORE_BUTTONS = 3


def dutch_date(day: datetime.date) -> str:
    return f"{day.day} {texts.MONTHS[day.month - 1]} {day.year}"


def source_line(document: Document) -> str:
    """Where the answer comes from and when it was last checked (the first, most direct source)."""
    return texts.SOURCE_LINE.format(source=document.sources[0], date=dutch_date(document.last_verified))


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


def item_answer(document: Document, item: Item, *, extra: str = "") -> str:
    """An answer item: its question as the heading, the answer, and where it comes from."""
    source = texts.SOURCE_LINE.format(source=item.sources[0], date=dutch_date(item.last_verified))
    return one_message("\n".join(
        part for part in (f"{document.title} – {item.question}", item.answer, extra, source) if part))


def answer_buttons(more: list[Item]) -> list[dict[str, str]]:
    """"Meer hierover" buttons to related items, then "Praat met een coördinator"."""
    buttons = [{"title": texts.MORE_BUTTON.format(question=item.question),
                "payload": intent_payload("ask_item", item=item.id)}
               for item in more[:MAX_MORE_BUTTONS]]
    return [*buttons, texts.BOOK_BUTTON]
