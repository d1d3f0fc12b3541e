"""The knowledge base as the actions see it: loaded once per action-server process."""
from __future__ import annotations

from functools import lru_cache

from knowledge_base.documents import Document
from knowledge_base.search import KnowledgeBase
from tnw.config import load_settings


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    # Loads the persisted index (rebuilt only when documents, model or settings changed)
    # and the embedding model, once.
    return KnowledgeBase.load(load_settings())


def documents() -> dict[str, Document]:
    return knowledge_base().documents
