"""Hybrid search over the knowledge base: BM25 (Dutch analysis) fused with dense embeddings.

Ranking, for a query:
1. BM25 scores every chunk (fields: section text, measure names, character n-grams); chunks
   with a score of 0 get no BM25 rank. The dense model ranks every chunk by cosine similarity.
2. Reciprocal rank fusion at two levels: per chunk, and per document (a document's rank in a
   ranking is that of its best chunk). Each chunk's score is its own fused score plus its
   document's. Scores are scaled so that 1.0 means "first in both rankings".
3. Additive boosts: a document named in the query (title or alias) and the user's role matching
   the audience ("both" gets half) count for the document. Question words that point at a
   section ("hoeveel" -> amount) and an explicit `section=` only choose the section within a
   document: hits are grouped by document, best document first, sections by their own score.
4. Confidence per hit: a logistic model over its document's features (margin to the best other
   document, agreement of the two rankings on it, its lexical evidence), fitted on labelled
   questions (see knowledge_base.evaluation.fit_calibration): the estimated probability that the
   hit's document is the one the question is about. Out-of-scope questions score low.
5. In a conversation (`context`): a message that is not confidently placed on its own is ranked
   again together with the previous user message; the more confident reading wins.
"""
from __future__ import annotations

import math
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from knowledge_base.classifier import DocumentClassifier
from knowledge_base.documents import DEFAULT_DOCUMENTS_DIR, SECTION_KEYS, Document, load_documents
from knowledge_base.index import EmbedderLike, Index, SearchConfig, load_or_build
from knowledge_base.lexical import section_cue_scores, stem

if TYPE_CHECKING:
    from settings import Settings

MAX_QUERY_CHARS = 1000
# Below this confidence a query is read together with the previous user message (see
# KnowledgeBase.rank_in_context); the same threshold as the answering action's.
CONTEXT_CONFIDENCE = 0.5
MODES = ("hybrid", "bm25", "dense")
ROLES = ("participant", "employer")


@dataclass(frozen=True)
class Hit:
    doc_id: str
    section_key: str
    section_title: str
    text: str
    score: float
    confidence: float
    bm25_rank: int | None
    dense_rank: int | None


def clean_query(query: str | None) -> str:
    """Collapse whitespace and cut very long input (at a word boundary)."""
    if not query:
        return ""
    text = " ".join(str(query).split())
    if len(text) > MAX_QUERY_CHARS:
        cut = text[:MAX_QUERY_CHARS]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return text


def rrf(rankings: list[tuple[list[int | None], float]], k: float) -> np.ndarray:
    """Reciprocal rank fusion, scaled so an item ranked first everywhere scores 1.0.

    `rankings` holds (ranks, weight) pairs; ranks[i] is item i's 1-based rank or None.
    """
    if not rankings:
        return np.zeros(0)
    n = len(rankings[0][0])
    total_weight = sum(weight for _, weight in rankings) or 1.0
    scores = np.zeros(n, dtype=np.float64)
    for ranks, weight in rankings:
        for i, rank in enumerate(ranks):
            if rank is not None:
                scores[i] += weight * (k + 1.0) / (k + rank)
    return scores / total_weight


def ranks_from_scores(scores: np.ndarray, *, positive_only: bool = False, depth: int | None = None) -> list[int | None]:
    """1-based ranks by descending score (stable); None for items not ranked."""
    order = np.argsort(-scores, kind="stable")
    ranks: list[int | None] = [None] * len(scores)
    for position, i in enumerate(order, start=1):
        if positive_only and scores[i] <= 0:
            continue
        if depth is not None and position > depth:
            continue
        ranks[int(i)] = position
    return ranks


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass
class Ranking:
    """Everything the ranking computed for one query (used by search and for calibration)."""

    chunk_scores: np.ndarray  # final chunk scores (mode-dependent)
    bm25_ranks: list[int | None]
    dense_ranks: list[int | None]
    doc_ids: list[str]  # per chunk
    doc_features: dict[str, tuple[float, ...]]  # per document, for the confidence model
    order: np.ndarray  # chunk indices, best first (grouped by document)
    doc_scores: np.ndarray  # per document (sorted document ids), the score that orders them


class KnowledgeBase:
    """The searchable knowledge base: documents, persisted index and the query encoder."""

    def __init__(self, documents: dict[str, Document], index: Index, embedder: EmbedderLike):
        self.documents = documents
        self.index = index
        self.embedder = embedder
        self.config: SearchConfig = index.config
        self.chunks = index.chunks
        self._chunk_doc = [chunk.doc_id for chunk in self.chunks]
        self._doc_ids = sorted(set(self._chunk_doc))
        self._doc_rows = {
            doc_id: np.array([i for i, d in enumerate(self._chunk_doc) if d == doc_id]) for doc_id in self._doc_ids
        }
        self._chunk_doc_index = np.array([self._doc_ids.index(d) for d in self._chunk_doc])
        audience = np.array([chunk.audience for chunk in self.chunks])
        self._role_bonus = {
            role: np.where(audience == role, 1.0, np.where(audience == "both", 0.5, 0.0)) for role in ROLES
        }
        self._section_index = {key: np.array([c.section_key == key for c in self.chunks]) for key in SECTION_KEYS}
        self._is_item = np.array([c.item_id is not None for c in self.chunks], dtype=bool)
        self._unit_chunks = index.unit_chunks
        self._unit_own = np.array([kind != "name" for kind in index.unit_kinds], dtype=bool)
        unit_docs = self._chunk_doc_index[self._unit_chunks]
        self._doc_units = [np.flatnonzero(unit_docs == j) for j in range(len(self._doc_ids))]
        # Names of each measure (title, aliases) as stem sequences, for explicit mentions.
        analyzer = index.lexical.analyzer
        self._names: list[list[tuple[str, ...]]] = []
        for doc_id in self._doc_ids:
            chunk = self.chunks[int(self._doc_rows[doc_id][0])]
            stemmed: set[tuple[str, ...]] = set()
            for title in (chunk.doc_title, *chunk.aliases):
                stems = tuple(stem(word) for word in analyzer.words(title))
                if stems:
                    stemmed.add(stems)
            self._names.append(sorted(stemmed))
        # A one-word name counts as much as the share of the chunks using that word that belong
        # to its own document: "VOP" is specific, "arbeidsarts" is used everywhere.
        body = index.lexical.fields["body"]
        self._name_weight: list[dict[tuple[str, ...], float]] = []
        for j, names in enumerate(self._names):
            weights = {}
            for name in names:
                if len(name) > 1:
                    weights[name] = 1.0
                    continue
                column = body.vocab.get(name[0])
                if column is None:
                    weights[name] = 1.0
                    continue
                using = body.weights[:, column] > 0
                own = using & (self._chunk_doc_index == j)
                weights[name] = float(own.sum() / using.sum()) if using.any() else 1.0
            self._name_weight.append(weights)
        # Which (stemmed) terms each document contains, for the coverage feature.
        self._doc_terms: list[frozenset[str]] = []
        for doc_id in self._doc_ids:
            rows = self._doc_rows[doc_id]
            terms: set[str] = set()
            for field_name in ("body", "meta"):
                field = index.lexical.fields[field_name]
                present = np.flatnonzero((field.weights[rows] > 0).any(axis=0))
                inverse = {i: t for t, i in field.vocab.items()}
                terms.update(inverse[int(i)] for i in present)
            self._doc_terms.append(frozenset(terms))
        # Learned from the items' phrasings; fused with the rankers' document scores.
        self.classifier = DocumentClassifier.from_chunks(self.chunks) if self.config.classifier_weight > 0 else None
        self._lock = threading.Lock()  # torch modules are not guaranteed thread-safe

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def load(
        cls,
        settings: Settings | None = None,
        *,
        documents_dir: Path | str | None = None,
        index_dir: Path | str | None = None,
        model=None,
        show_progress: bool = False,
        force: bool = False,
        config: SearchConfig | None = None,
    ) -> KnowledgeBase:
        """Load the persisted index, rebuilding it first when its fingerprint changed.

        The index lives in `index_dir` (default: settings.index_dir; one of the two is needed).
        `model` is a local model folder (default: settings.embedding_model, then the packaged
        all-MiniLM-L6-v2) or an already loaded embedder object (tests).
        """
        documents_dir = Path(documents_dir) if documents_dir is not None else DEFAULT_DOCUMENTS_DIR
        if index_dir is None:
            if settings is None:
                raise ValueError("KnowledgeBase.load needs the settings or an index_dir")
            index_dir = settings.index_dir
        index_dir = Path(index_dir)
        documents = load_documents(documents_dir)
        if not documents:
            raise ValueError(f"{documents_dir}: no knowledge-base documents found")
        if model is None or isinstance(model, (str, os.PathLike)):
            from knowledge_base.embeddings import load_embedder

            embedder = load_embedder(settings, model)
        else:
            embedder = model
        index = load_or_build(
            documents,
            documents_dir,
            index_dir,
            embedder,
            config or SearchConfig(),
            force=force,
            show_progress=show_progress,
        )
        return cls(documents, index, embedder)

    @staticmethod
    def index_is_current(settings: Settings, *, documents_dir: Path | str | None = None,
                         config: SearchConfig | None = None) -> bool:
        """Whether `KnowledgeBase.load(settings)` would find its index ready, without loading the
        embedding model: the fingerprint needs only the model's files. With int8 quantisation the
        model must be loaded to know whether it quantised, so that case answers False."""
        from knowledge_base.embeddings import model_identity, resolve_model_path
        from knowledge_base.index import compute_fingerprint, is_current

        if settings.embedding_int8:
            return False
        identity = {**model_identity(resolve_model_path(settings)), "int8": False}
        documents_dir = Path(documents_dir) if documents_dir is not None else DEFAULT_DOCUMENTS_DIR
        fingerprint = compute_fingerprint(documents_dir, identity, config or SearchConfig())
        return is_current(settings.index_dir, fingerprint)

    @property
    def built(self) -> bool:
        """True when loading had to (re)build the index."""
        return self.index.built

    # -- ranking -----------------------------------------------------------------------------
    def _unit_similarities(self, query: str) -> np.ndarray:
        with self._lock:
            vector = self.embedder.encode_query(query)
        vector = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        n = self.index.dense.ntotal
        similarities, ids = self.index.dense.search(vector, n)
        scores = np.full(n, -1.0, dtype=np.float64)
        valid = ids[0] >= 0
        scores[ids[0][valid]] = similarities[0][valid]
        return scores

    def _dense_scores(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """Dense chunk scores (best of the chunk and its sentences) and document scores (mean
        of the document's best `dense_doc_top` vectors, names included)."""
        sims = self._unit_similarities(query)
        chunk_scores = np.full(len(self.chunks), -1.0)
        np.maximum.at(chunk_scores, self._unit_chunks[self._unit_own], sims[self._unit_own])
        top = max(1, self.config.dense_doc_top)
        doc_scores = np.empty(len(self._doc_ids))
        for j, rows in enumerate(self._doc_units):
            values = sims[rows]
            if len(values) > top:
                values = np.partition(values, -top)[-top:]
            doc_scores[j] = float(values.mean())
        return chunk_scores, doc_scores

    def _name_matches(self, query: str) -> np.ndarray:
        """Per document: 1.0 when the query names it with a multi-word name, the name's
        specificity for a one-word name, 0 otherwise (contiguous match of stemmed words)."""
        stems = [stem(word) for word in self.index.lexical.analyzer.words(query)]
        text = " " + " ".join(stems) + " "
        result = np.zeros(len(self._doc_ids))
        for j, names in enumerate(self._names):
            for name in names:
                if " " + " ".join(name) + " " in text:
                    result[j] = max(result[j], self._name_weight[j][name])
        return result

    def _doc_best(self, chunk_values: np.ndarray) -> np.ndarray:
        best = np.full(len(self._doc_ids), -np.inf)
        np.maximum.at(best, self._chunk_doc_index, chunk_values)
        return best

    def rank(
        self,
        query: str,
        *,
        role: str | None = None,
        mode: str = "hybrid",
        section: str | None = None,
    ) -> Ranking | None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        query = clean_query(query)
        if not query:
            return None
        cfg = self.config
        words = self.index.lexical.analyzer.words(query)
        if not words:  # only stop words, emoji or punctuation: nothing to search for
            return None
        lexical = self.index.lexical.score(query).astype(np.float64)
        # The dense model gets the content words only: for this English-first model the Dutch
        # function words are noise (dense-only top-1 on dev 0.45 -> 0.55) and the query is
        # ~40% fewer tokens, which is most of the query latency.
        dense, doc_dense = self._dense_scores(" ".join(words))
        bm25_ranks = ranks_from_scores(lexical, positive_only=True)
        dense_ranks = ranks_from_scores(dense, depth=cfg.dense_depth)

        # Document-level rankings: a document ranks by its best chunk.
        doc_lex = self._doc_best(lexical)
        doc_bm25_ranks = ranks_from_scores(doc_lex, positive_only=True)
        doc_dense_ranks = ranks_from_scores(doc_dense)

        weights = {"hybrid": (cfg.weight_bm25, cfg.weight_dense), "bm25": (1.0, 0.0), "dense": (0.0, 1.0)}[mode]
        chunk_rankings = [(r, w) for r, w in ((bm25_ranks, weights[0]), (dense_ranks, weights[1])) if w > 0]
        doc_rankings = [(r, w) for r, w in ((doc_bm25_ranks, weights[0]), (doc_dense_ranks, weights[1])) if w > 0]
        chunk_fused = rrf(chunk_rankings, cfg.rrf_k)
        doc_fused = rrf(doc_rankings, cfg.rrf_k)
        boosted = mode == "hybrid"  # the baselines are the plain rankers
        if boosted and cfg.name_boost:
            doc_fused = doc_fused + cfg.name_boost * self._name_matches(query)
        if boosted and self.classifier is not None:
            doc_fused = doc_fused + cfg.classifier_weight * self.classifier.probabilities(query, self._doc_ids)

        scores = cfg.chunk_weight * chunk_fused + cfg.doc_weight * doc_fused[self._chunk_doc_index]
        scores = scores / max(cfg.chunk_weight + cfg.doc_weight, 1e-9)
        if boosted and role in ROLES and cfg.role_boost:
            scores = scores + cfg.role_boost * self._role_bonus[role]
        # Which document: its best chunk. Which section within it: the chunk score plus the
        # section signals, which therefore never change the order of the documents.
        doc_scores = self._doc_best(scores)
        # Answer items are specific answers: a section signal lifts them as much as the section
        # it points to, so within a document the item that matches the question best can win.
        # (Measured: lifting only the items whose own questions carry the same cue lost 11 points
        # of complete answers on dev-b.)
        if boosted and cfg.section_cue_boost:
            cues = section_cue_scores(query)
            for key, strength in cues.items():
                scores = scores + cfg.section_cue_boost * strength * self._section_index[key]
            if cues:
                scores = scores + cfg.section_cue_boost * max(cues.values()) * self._is_item
        if section is not None:
            if section not in self._section_index:
                raise ValueError(f"section must be one of {', '.join(SECTION_KEYS)}, got {section!r}")
            scores = scores + cfg.section_boost * (self._section_index[section] | self._is_item)

        # Features of each document for the confidence model.
        lex_top = float(doc_lex.max()) if len(doc_lex) else 0.0
        query_terms = self.index.lexical.analyzer.terms(query)["body"]
        query_weight = sum(query_terms.values())
        features: dict[str, tuple[float, ...]] = {}
        for j, doc_id in enumerate(self._doc_ids):
            others = np.delete(doc_scores, j)
            margin = float(doc_scores[j] - (others.max() if len(others) else 0.0))
            agreement = float((doc_bm25_ranks[j] == 1) + (doc_dense_ranks[j] == 1)) / 2.0
            lexical_share = float(doc_lex[j] / lex_top) if lex_top > 0 else 0.0
            covered = sum(w for t, w in query_terms.items() if t in self._doc_terms[j])
            coverage = covered / query_weight if query_weight else 0.0
            features[doc_id] = (margin, agreement, lexical_share, coverage)
        # Hits: grouped by document (best document first), sections by their own score.
        order = np.lexsort((-scores, -doc_scores[self._chunk_doc_index]))
        return Ranking(scores, bm25_ranks, dense_ranks, list(self._chunk_doc), features, order, doc_scores)

    def confidence(self, features: tuple[float, ...]) -> float:
        a = self.config.calibration
        z = a[0] + sum(coef * value for coef, value in zip(a[1:], features, strict=False))
        return _sigmoid(z)

    def top_confidence(self, ranking: Ranking | None) -> float:
        """Confidence of the best document of a ranking (0 for no ranking)."""
        if ranking is None or not len(ranking.order):
            return 0.0
        return self.confidence(ranking.doc_features[ranking.doc_ids[int(ranking.order[0])]])

    def rank_in_context(self, query: str, context: Sequence[str] = (), **options) -> Ranking | None:
        """Rank a message as part of a conversation.

        A short reply ("3500 hasselt", "en voor een zelfstandige?") often names no measure; the
        previous user message (last item of `context`) gives it its meaning. The query is read
        together with that message only when the query alone is not confidently placed, and the
        joint reading is kept only when it is more confident: a clear new question is never
        pulled back to the old topic.
        """
        ranking = self.rank(query, **options)
        previous = clean_query(context[-1]) if context else ""
        if ranking is None or not previous:
            return ranking
        alone = self.top_confidence(ranking)
        if alone >= CONTEXT_CONFIDENCE:
            return ranking
        joint = self.rank(f"{previous} {clean_query(query)}", **options)
        return joint if self.top_confidence(joint) > alone else ranking

    def search(
        self,
        query: str,
        *,
        role: str | None = None,
        k: int = 5,
        mode: str = "hybrid",
        measure: str | None = None,
        section: str | None = None,
        context: Sequence[str] = (),
    ) -> list[Hit]:
        """The `k` best chunks for `query`, best first.

        role: "participant" | "employer" | None boosts chunks written for that audience.
        measure: restrict the results to that document. section: boost that section key.
        context: earlier user messages of the conversation, oldest first (see rank_in_context).
        """
        ranking = self.rank_in_context(query, context, role=role, mode=mode, section=section)
        return self.hits(ranking, k=k, measure=measure)

    def hits(self, ranking: Ranking | None, *, k: int = 5, measure: str | None = None) -> list[Hit]:
        """The `k` best chunks of a ranking, optionally of one document only.

        One ranking can answer several of these (which measure, then which of its sections)
        without encoding the query again.
        """
        if ranking is None or k <= 0:
            return []
        if measure is not None and measure not in self.documents:
            return []
        hits: list[Hit] = []
        for i in ranking.order:
            chunk = self.chunks[int(i)]
            if measure is not None and chunk.doc_id != measure:
                continue
            hits.append(
                Hit(
                    doc_id=chunk.doc_id,
                    section_key=chunk.section_key,
                    section_title=chunk.section_title,
                    text=chunk.text,
                    score=float(ranking.chunk_scores[i]),
                    confidence=self.confidence(ranking.doc_features[chunk.doc_id]),
                    bm25_rank=ranking.bm25_ranks[i],
                    dense_rank=ranking.dense_ranks[i],
                )
            )
            if len(hits) >= k:
                break
        return hits


def distinct_doc_ids(hits: list[Hit]) -> list[str]:
    seen: list[str] = []
    for hit in hits:
        if hit.doc_id not in seen:
            seen.append(hit.doc_id)
    return seen
