"""Fixtures for the knowledge-base tests: a fake embedder for fast unit tests and the real
knowledge base (real documents, real model) built once per session into a temporary folder."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # kb_testdocs

from kb_testdocs import FakeEmbedder  # noqa: E402


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
