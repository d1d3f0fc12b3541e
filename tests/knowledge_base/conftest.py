"""Fixtures for the knowledge-base tests: a fake embedder for fast unit tests and the real
knowledge base (real documents, real model) built once per session into a temporary folder."""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # kb_testdocs


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


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def real_kb(tmp_path_factory):
    from knowledge_base.documents import DEFAULT_DOCUMENTS_DIR, document_paths
    from knowledge_base.search import KnowledgeBase

    if not document_paths(DEFAULT_DOCUMENTS_DIR):
        pytest.skip("no knowledge-base documents yet")
    index_dir = tmp_path_factory.mktemp("kb-index")
    kb = KnowledgeBase.load(documents_dir=DEFAULT_DOCUMENTS_DIR, index_dir=index_dir)
    kb.test_index_dir = index_dir  # for the reload test
    return kb
