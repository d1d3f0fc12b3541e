"""Which document a question is about, learned from the knowledge base's own labelled text.

Every answer item carries the ways people ask it (its title question and phrasings), labelled
with its document by construction. A linear model on character and word n-grams (TF-IDF and
logistic regression) trained on those phrasings, the section headings and texts and the
measure names generalises to new wording better than either ranker alone: it learns which
words point at which measure ("tolk" -> jobcoaching is not one of them; "aangepaste stoel" ->
BTOM is). Its probabilities are fused with the rankers' document scores in search.py.

It is small (a few thousand samples, ~17 classes) and trained in a second or two when the
knowledge base is loaded, so it is always in step with the documents and needs no file of its
own. Deterministic: the solver has no randomness for this problem and the samples are sorted.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from dutch_text import fold
from knowledge_base.chunking import Chunk


@dataclass(frozen=True)
class ClassifierConfig:
    c: float = 8.0  # inverse regularisation strength
    char_ngrams: tuple[int, int] = (2, 5)
    word_ngrams: tuple[int, int] = (1, 2)
    section_sentences: int = 3  # a section contributes its heading plus its first sentences


def training_samples(chunks: Sequence[Chunk], config: ClassifierConfig = ClassifierConfig()) -> list[tuple[str, str]]:
    """(text, doc_id) pairs: every item question and phrasing, every section's heading with its
    first sentences, and every measure name."""
    samples: set[tuple[str, str]] = set()
    for chunk in chunks:
        if chunk.questions:
            samples.update((question, chunk.doc_id) for question in chunk.questions)
        else:
            sentences = [s.strip() for s in chunk.text.replace("\n", " ").split(". ") if s.strip()]
            lead = ". ".join(sentences[: config.section_sentences])
            samples.add((f"{chunk.section_title}. {lead}", chunk.doc_id))
        for name in (chunk.doc_title, *chunk.aliases):
            samples.add((name, chunk.doc_id))
    return sorted(samples)


class DocumentClassifier:
    """P(document | question) over the documents it was trained on."""

    def __init__(self, samples: Sequence[tuple[str, str]], config: ClassifierConfig = ClassifierConfig()):
        if not samples:
            raise ValueError("the document classifier needs training samples")
        texts = [fold(text) for text, _ in samples]
        labels = [label for _, label in samples]
        self.char = TfidfVectorizer(analyzer="char_wb", ngram_range=config.char_ngrams, sublinear_tf=True)
        self.word = TfidfVectorizer(analyzer="word", ngram_range=config.word_ngrams, sublinear_tf=True,
                                    token_pattern=r"(?u)\b\w+\b")
        features = hstack([self.char.fit_transform(texts), self.word.fit_transform(texts)]).tocsr()
        self.model = LogisticRegression(C=config.c, max_iter=3000)
        self.model.fit(features, labels)
        self.classes: list[str] = [str(c) for c in self.model.classes_]

    @classmethod
    def from_chunks(cls, chunks: Sequence[Chunk], config: ClassifierConfig = ClassifierConfig()) -> DocumentClassifier:
        return cls(training_samples(chunks, config), config)

    def probabilities(self, text: str, doc_ids: Sequence[str]) -> np.ndarray:
        """Probabilities in the order of `doc_ids` (0 for a document it has not seen)."""
        folded = fold(text)
        features = hstack([self.char.transform([folded]), self.word.transform([folded])]).tocsr()
        proba = self.model.predict_proba(features)[0]
        by_class = dict(zip(self.classes, proba, strict=False))
        return np.array([float(by_class.get(doc_id, 0.0)) for doc_id in doc_ids])
