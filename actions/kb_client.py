"""The knowledge base as the actions see it: loaded once per action-server process."""
from __future__ import annotations

from functools import lru_cache

from actions import current_settings
from knowledge_base.documents import Document
from knowledge_base.items import Item
from knowledge_base.search import KnowledgeBase


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    # Loads the persisted index (rebuilt only when documents, model or settings changed)
    # and the embedding model, once.
    return KnowledgeBase.load(current_settings())


def documents() -> dict[str, Document]:
    return knowledge_base().documents


@lru_cache(maxsize=1)
def items_by_id() -> dict[str, Item]:
    """Every answer item of every document, by its id (ids are unique across the knowledge base)."""
    return {item.id: item for document in documents().values() for item in document.items}
