"""Chunks: one per document section and one per answer item, the unit a search returns.

The text that is indexed is enriched with the document's title and aliases, so a section such
as "Hoe aanvragen?" of BTOM is found when the user only names BTOM. An item's chunk also holds
its question and phrasings: a user's message is matched question to question, where both BM25
and the small English-first encoder do best.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from knowledge_base.documents import MAX_SECTION_CHARS, Document, DocumentError

ITEM_PREFIX = "item:"  # section_key of an item's chunk: "item:<item id>"


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    section_key: str
    section_title: str
    text: str
    audience: str
    doc_title: str
    aliases: tuple[str, ...]
    questions: tuple[str, ...] = ()  # an item's title question and phrasings (none for a section)

    @property
    def chunk_id(self) -> str:
        return f"{self.doc_id}#{self.section_key}"

    @property
    def item_id(self) -> str | None:
        return self.section_key.removeprefix(ITEM_PREFIX) if self.section_key.startswith(ITEM_PREFIX) else None

    def meta_text(self) -> str:
        """The names of the measure: title and aliases."""
        return " ; ".join((self.doc_title, *self.aliases))

    def body_text(self) -> str:
        """The section heading (or the item's questions) and text."""
        heading = "\n".join(self.questions) if self.questions else self.section_title
        return f"{heading}\n{self.text}"

    def dense_text(self) -> str:
        """What the embedding model sees: names of the measure, heading, text."""
        names = self.doc_title + (f" ({', '.join(self.aliases)})" if self.aliases else "")
        return f"{names}. {self.section_title}\n{self.text}"

    def lexical_text(self) -> str:
        return f"{self.meta_text()}\n{self.body_text()}"

    def to_json(self) -> dict:
        data = asdict(self)
        data["aliases"] = list(self.aliases)
        data["questions"] = list(self.questions)
        return data

    @classmethod
    def from_json(cls, data: dict) -> Chunk:
        return cls(**{**data, "aliases": tuple(data["aliases"]), "questions": tuple(data.get("questions", ()))})


def chunk_document(document: Document) -> list[Chunk]:
    chunks = []
    for section in document.sections:
        if len(section.text) > MAX_SECTION_CHARS:  # documents.py checks too; chunks must never exceed it
            raise DocumentError(
                f"{document.path.name}: section '{section.title}' is {len(section.text)} characters long "
                f"(at most {MAX_SECTION_CHARS})"
            )
        chunks.append(
            Chunk(
                doc_id=document.id,
                section_key=section.key,
                section_title=section.title,
                text=section.text,
                audience=document.audience,
                doc_title=document.title,
                aliases=document.aliases,
            )
        )
    for item in document.items:
        chunks.append(
            Chunk(
                doc_id=document.id,
                section_key=f"{ITEM_PREFIX}{item.id}",
                section_title=item.question,
                text=item.answer,
                audience=item.audience,
                doc_title=document.title,
                aliases=document.aliases,
                questions=item.questions,
            )
        )
    return chunks


def chunk_documents(documents: dict[str, Document]) -> list[Chunk]:
    """All chunks, in document id order and section order."""
    chunks: list[Chunk] = []
    for doc_id in sorted(documents):
        chunks.extend(chunk_document(documents[doc_id]))
    return chunks


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
MIN_SENTENCE_CHARS = 15


def sentences(text: str) -> list[str]:
    """The sentences and list items of a section, without list markers."""
    result = []
    for line in text.split("\n"):
        line = _LIST_MARKER.sub("", line).strip()
        for sentence in _SENTENCE_END.split(line):
            sentence = sentence.strip()
            if len(sentence) >= MIN_SENTENCE_CHARS:
                result.append(sentence)
    return result


@dataclass(frozen=True)
class DenseUnit:
    """One vector in the dense index: a whole chunk, one of its sentences, or a name of the measure.

    Sentence vectors match short questions better than whole sections with an English-first
    model; names (title, aliases) belong to the document and are attached to its first chunk.
    """

    chunk: int  # index into the chunk list
    kind: str  # "chunk" | "sentence" | "name"
    text: str


def dense_units(chunks: list[Chunk]) -> list[DenseUnit]:
    units: list[DenseUnit] = []
    seen_docs: set[str] = set()
    for i, chunk in enumerate(chunks):
        units.append(DenseUnit(i, "chunk", chunk.dense_text()))
        units.extend(DenseUnit(i, "sentence", sentence) for sentence in sentences(chunk.text))
        units.extend(DenseUnit(i, "question", question) for question in chunk.questions)
        if chunk.doc_id not in seen_docs:
            seen_docs.add(chunk.doc_id)
            units.extend(DenseUnit(i, "name", name) for name in (chunk.doc_title, *chunk.aliases))
    return units
