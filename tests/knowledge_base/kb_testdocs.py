"""Small hand-written documents for the knowledge-base tests (not the real knowledge base)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from knowledge_base.documents import SECTION_KEYS, SECTION_TITLES

DEFAULT_SECTIONS = {
    "what": "Een algemene uitleg over de maatregel.",
    "who": "Voor werknemers en werkgevers in Vlaanderen.",
    "conditions": "Je moet aan enkele voorwaarden voldoen.",
    "amount": "Het bedrag hangt af van je situatie.",
    "apply": "Je vraagt het aan via het online formulier.",
    "contact": "Je kan terecht bij je ziekenfonds.",
}


def doc_text(
    doc_id: str = "demo",
    *,
    title: str = "Demo-maatregel",
    aliases: tuple[str, ...] = ("demo",),
    audience: str = "both",
    sources: tuple[str, ...] = ("https://example.org/demo",),
    last_verified: str = "2026-01-15",
    sections: dict[str, str] | None = None,
    front_matter: str | None = None,
    body: str | None = None,
) -> str:
    if front_matter is None:
        alias_lines = "".join(f"  - {alias}\n" for alias in aliases) if aliases else ""
        source_lines = "".join(f"  - {source}\n" for source in sources)
        front_matter = (
            f"id: {doc_id}\ntitle: {title}\n"
            + ("aliases:\n" + alias_lines if aliases else "aliases: []\n")
            + f"audience: {audience}\nsources:\n{source_lines}last_verified: {last_verified}\n"
        )
    if body is None:
        texts = {**DEFAULT_SECTIONS, **(sections or {})}
        body = "".join(f"## {SECTION_TITLES[key]}\n\n{texts[key]}\n\n" for key in SECTION_KEYS)
    return f"---\n{front_matter}---\n\n# {title}\n\n{body}"


def write_doc(directory: Path, doc_id: str = "demo", **kwargs) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{doc_id}.md"
    path.write_text(doc_text(doc_id, **kwargs), encoding="utf-8")
    return path


class FakeEmbedder:
    """Deterministic bag-of-character-trigrams vectors; counts what it encodes."""

    def __init__(self, dim: int = 64, name: str = "fake-v1"):
        self.dim = dim
        self.identity = {"path": name, "files": {}}
        self.encoded_texts = 0
        self.query_calls = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        text = f"  {text.lower()}  "
        for i in range(len(text) - 2):
            digest = hashlib.md5(text[i : i + 3].encode("utf-8")).digest()
            vector[digest[0] % self.dim] += 1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def encode(self, texts, *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        self.encoded_texts += len(texts)
        return np.vstack([self._vector(t) for t in texts]).astype(np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        self.query_calls += 1
        return self._vector(text)[None, :]
