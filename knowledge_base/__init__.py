"""Knowledge base: one Markdown document per return-to-work measure, searched hybrid (BM25 + dense).

Import the light parts directly (`knowledge_base.documents`); `knowledge_base.search` pulls in
faiss and sentence-transformers.
"""
from knowledge_base.documents import (  # noqa: F401
    DEFAULT_DOCUMENTS_DIR,
    SECTION_KEYS,
    SECTION_TITLES,
    Document,
    DocumentError,
    Section,
    load_document,
    load_documents,
)

__all__ = [
    "DEFAULT_DOCUMENTS_DIR",
    "SECTION_KEYS",
    "SECTION_TITLES",
    "Document",
    "DocumentError",
    "Section",
    "load_document",
    "load_documents",
]
