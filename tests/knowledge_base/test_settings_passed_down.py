"""The knowledge base takes its locations from the caller, never from the environment."""
from __future__ import annotations

import pytest

from knowledge_base.search import KnowledgeBase


def test_loading_needs_the_settings_or_an_index_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("TNW_DATA_DIR", str(tmp_path))  # not read here
    with pytest.raises(ValueError, match="settings or an index_dir"):
        KnowledgeBase.load()
