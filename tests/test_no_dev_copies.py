"""The dev sets measure; they are never material. No answer item, phrasing, NLU example, test
story, crisis message or French/English summary or keyword may be a near-copy of a dev-set
question (word-set Jaccard above 0.5)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from knowledge_base.documents import load_documents
from knowledge_base.foreign_summaries import load_foreign

PROJECT = Path(__file__).resolve().parents[1]
EVAL_DIR = PROJECT.parent / "shared" / "eval"
MAX_JACCARD = 0.5
_WORD = re.compile(r"[\w']+")
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\{[^}]*\}|\([^)]*\))")


def words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(_ANNOTATION.sub(r"\1", text).lower()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def dev_questions() -> list[str]:
    texts = []
    for path in sorted(EVAL_DIR.glob("*.yaml")):
        for question in yaml.safe_load(path.read_text(encoding="utf-8")).get("questions", []):
            texts.append(question["text"])
            texts.extend(turn["text"] if isinstance(turn, dict) else str(turn)
                         for turn in question.get("context") or [])
    return texts


def near_copies(material: list[str], questions: list[str]) -> list[tuple[float, str, str]]:
    dev = [(words(q), q) for q in questions]
    found = []
    for text in material:
        own = words(text)
        if len(own) < 2:
            continue  # "ja", "vop?": too short to copy anything
        for other, question in dev:
            score = jaccard(own, other)
            if score > MAX_JACCARD:
                found.append((round(score, 2), text, question))
    return found


def our_material() -> list[str]:
    texts = []
    for document in load_documents().values():
        for item in document.items:
            texts.extend([*item.questions, item.answer])
    for path in sorted((PROJECT / "nlu" / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            texts.extend(line.strip()[2:] for line in (block.get("examples") or "").splitlines() if line.strip())
    for path in sorted((PROJECT / "tests" / "conversations").glob("*.yml")):
        texts.extend(re.findall(r"- user: \|\n\s+(.+)", path.read_text(encoding="utf-8")))
    crisis = yaml.safe_load((PROJECT / "safety" / "crisis_set.yaml").read_text(encoding="utf-8"))
    texts.extend(message["text"] for message in crisis["messages"])
    for summaries in load_foreign().values():  # French and English summaries and their keywords
        texts.extend([summaries.dutch_note, summaries.help])
        for entry in (summaries.general, *summaries.measures.values()):
            texts.extend([entry.summary, entry.contact, *entry.keywords])
    return texts


def test_the_guard_catches_a_copied_question():
    questions = ["Kan ik als zelfstandige individueel maatwerk krijgen?"]
    assert near_copies(["kan ik als zelfstandige individueel maatwerk krijgen"], questions)
    assert near_copies(["Kan ik als zelfstandige ook individueel maatwerk krijgen?"], questions)
    assert not near_copies(["welke premie bestaat er voor een eigen zaak met een beperking"], questions)


@pytest.mark.skipif(not EVAL_DIR.is_dir(), reason="no ../shared/eval beside the checkout")
def test_no_material_is_a_near_copy_of_a_dev_question():
    copies = near_copies(our_material(), dev_questions())
    assert not copies, "\n".join(f"{score}: {text!r} ~ {question!r}" for score, text, question in copies[:20])
