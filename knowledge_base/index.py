"""Build, persist and load the search index, keyed by a fingerprint.

Layout under the index directory (settings.index_dir, default var/index):

    current.json          {"fingerprint": ..., "dir": "v-<fingerprint prefix>"}
    v-<prefix>/           manifest.json (chunks, settings, build time), dense.faiss, lexical.*
    .build.lock           serialises builds between processes (and readers take it shared)

The fingerprint is a sha256 over the format version, every document's name and bytes, the
model's identity (folder path, hashes of its small files, size+mtime of its weights) and the
search settings. Loading compares it with the stored one and rebuilds on any difference, so a
changed document, model or setting never serves a stale index; an unchanged index loads without
encoding anything.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

import faiss
import numpy as np

from knowledge_base.chunking import Chunk, chunk_documents, dense_units
from knowledge_base.documents import Document, document_paths
from knowledge_base.items import item_paths, items_dir_for
from knowledge_base.lexical import LexicalConfig, LexicalIndex

FORMAT_VERSION = 2  # 2: answer items (chunks with questions)


class EmbedderLike(Protocol):
    identity: dict

    def encode(self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...


@dataclass(frozen=True)
class SearchConfig:
    """Every setting that shapes the index or the ranking (all part of the fingerprint)."""

    lexical: LexicalConfig = field(default_factory=LexicalConfig)
    rrf_k: float = 10.0  # small: only tens of chunks, and rank 1 vs 2 must matter
    weight_bm25: float = 1.0
    weight_dense: float = 0.3  # the model is English-first: on Dutch it is the weaker voice
    dense_depth: int = 50  # dense ranks beyond this do not vote
    dense_doc_top: int = 3  # a document's dense score: mean of its best vectors
    chunk_weight: float = 1.0  # chunk-level fusion
    doc_weight: float = 1.0  # doc-level fusion added to each of the doc's chunks
    name_boost: float = 0.5  # the query names the measure (title or alias; one-word names weighted by specificity)
    role_boost: float = 0.02  # audience == role (half of it for audience "both")
    section_cue_boost: float = 0.3  # question words pointing at a section (chooses the section only)
    section_boost: float = 0.5  # explicit `section=` argument
    classifier_weight: float = 0.5  # P(document) of the classifier trained on the items' phrasings
    # Confidence: logistic model (intercept; margin, agreement, lexical share, coverage), fitted
    # with `tnw kb calibrate` on eval/dev.yaml plus 15 off-topic questions (171 samples, 32
    # positive; leave-one-question-out Brier 0.069, log-loss 0.23). Top-hit reliability on that
    # set: confidence 0.15 -> 21% right, 0.42 -> 43%, 0.62 -> 73%, 0.79 -> 100%.
    calibration: tuple[float, ...] = (-5.118, 2.171, 2.648, 1.494, 2.604)

    def to_json(self) -> dict:
        data = asdict(self)
        data["calibration"] = list(self.calibration)
        return data

    @classmethod
    def from_json(cls, data: dict) -> SearchConfig:
        data = dict(data)
        data["lexical"] = LexicalConfig.from_json(data["lexical"])
        data["calibration"] = tuple(data["calibration"])
        return cls(**data)


@dataclass
class Index:
    chunks: list[Chunk]
    dense: faiss.Index  # one vector per DenseUnit
    unit_chunks: np.ndarray  # chunk index of each vector
    unit_kinds: list[str]  # "chunk" | "sentence" | "name"
    lexical: LexicalIndex
    fingerprint: str
    config: SearchConfig
    built: bool = False  # True when this process (re)built it
    build_seconds: float | None = None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def compute_fingerprint(documents_dir: Path, model_identity: dict, config: SearchConfig) -> str:
    docs = [(path.name, _sha256(path.read_bytes())) for path in document_paths(documents_dir)]
    docs += [(f"items/{path.name}", _sha256(path.read_bytes())) for path in item_paths(items_dir_for(documents_dir))]
    payload = {
        "format": FORMAT_VERSION,
        "documents": docs,
        "model": model_identity,
        "config": config.to_json(),
    }
    return _sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8"))


def build_index(
    documents: dict[str, Document],
    embedder: EmbedderLike,
    config: SearchConfig,
    fingerprint: str,
    *,
    show_progress: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Index:
    """Chunk, encode and index the documents (in memory)."""
    started = time.perf_counter()
    chunks = chunk_documents(documents)
    if not chunks:
        raise ValueError("no documents to index")
    units = dense_units(chunks)
    texts = [unit.text for unit in units]
    # Encode in batches of similar length (little padding), then restore the unit order.
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    step = 32
    encoded: list[np.ndarray] = []
    for start in range(0, len(order), step):
        batch = [texts[i] for i in order[start : start + step]]
        encoded.append(embedder.encode(batch, batch_size=step, show_progress=False))
        if progress is not None:
            progress(min(start + step, len(texts)), len(texts))
    sorted_vectors = np.vstack(encoded)
    vectors = [np.empty_like(sorted_vectors)]
    vectors[0][np.asarray(order)] = sorted_vectors
    matrix = np.ascontiguousarray(np.vstack(vectors), dtype=np.float32)
    dense = faiss.IndexFlatIP(matrix.shape[1])
    dense.add(matrix)
    lexical = LexicalIndex.build(
        config.lexical, [c.body_text() for c in chunks], [c.meta_text() for c in chunks]
    )
    return Index(
        chunks=chunks,
        dense=dense,
        unit_chunks=np.array([unit.chunk for unit in units], dtype=np.int64),
        unit_kinds=[unit.kind for unit in units],
        lexical=lexical,
        fingerprint=fingerprint,
        config=config,
        built=True,
        build_seconds=time.perf_counter() - started,
    )


@contextlib.contextmanager
def _locked(index_dir: Path, exclusive: bool) -> Iterator[None]:
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = open(index_dir / ".build.lock", "a+")
    except OSError:
        if exclusive:
            raise
        yield  # a read-only index directory (e.g. baked into an image): read without the lock
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _version_dir(fingerprint: str) -> str:
    return f"v-{fingerprint[:16]}"


def save_index(index: Index, index_dir: Path) -> Path:
    """Write the index as a new version and point current.json at it (caller holds the lock)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=index_dir))
    try:
        faiss.write_index(index.dense, str(tmp / "dense.faiss"))
        index.lexical.save(tmp)
        manifest = {
            "format": FORMAT_VERSION,
            "fingerprint": index.fingerprint,
            "config": index.config.to_json(),
            "chunks": [chunk.to_json() for chunk in index.chunks],
            "units": [[int(c), kind] for c, kind in zip(index.unit_chunks, index.unit_kinds, strict=False)],
            "build_seconds": index.build_seconds,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        target = index_dir / _version_dir(index.fingerprint)
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    pointer = {"fingerprint": index.fingerprint, "dir": target.name}
    pointer_tmp = index_dir / ".current.json.tmp"
    pointer_tmp.write_text(json.dumps(pointer), encoding="utf-8")
    os.replace(pointer_tmp, index_dir / "current.json")
    for old in index_dir.iterdir():  # earlier versions and leftovers of crashed builds
        if old.is_dir() and old.name != target.name and old.name.startswith(("v-", ".tmp-")):
            shutil.rmtree(old, ignore_errors=True)
    return target


def read_index(index_dir: Path, fingerprint: str) -> Index | None:
    """The stored index if it matches `fingerprint`, else None (caller holds a lock)."""
    try:
        pointer = json.loads((index_dir / "current.json").read_text(encoding="utf-8"))
        if pointer.get("fingerprint") != fingerprint:
            return None
        directory = index_dir / pointer["dir"]
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT_VERSION or manifest.get("fingerprint") != fingerprint:
            return None
        chunks = [Chunk.from_json(data) for data in manifest["chunks"]]
        dense = faiss.read_index(str(directory / "dense.faiss"))
        lexical = LexicalIndex.load(directory)
        config = SearchConfig.from_json(manifest["config"])
        unit_chunks = np.array([int(c) for c, _ in manifest["units"]], dtype=np.int64)
        unit_kinds = [str(kind) for _, kind in manifest["units"]]
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, EOFError, zipfile.BadZipFile):
        return None  # missing or damaged: rebuild
    if dense.ntotal != len(unit_kinds) or (len(unit_chunks) and unit_chunks.max() >= len(chunks)):
        return None
    return Index(
        chunks=chunks,
        dense=dense,
        unit_chunks=unit_chunks,
        unit_kinds=unit_kinds,
        lexical=lexical,
        fingerprint=fingerprint,
        config=config,
        built=False,
        build_seconds=manifest.get("build_seconds"),
    )


def is_current(index_dir: Path, fingerprint: str) -> bool:
    """Whether the stored index was built for `fingerprint` (its pointer only; a damaged index is
    still found and rebuilt by whoever loads it)."""
    try:
        pointer = json.loads((index_dir / "current.json").read_text(encoding="utf-8"))
        return pointer.get("fingerprint") == fingerprint and (index_dir / pointer["dir"] / "dense.faiss").exists()
    except (OSError, ValueError, KeyError, TypeError):
        return False


def load_or_build(
    documents: dict[str, Document],
    documents_dir: Path,
    index_dir: Path,
    embedder: EmbedderLike,
    config: SearchConfig,
    *,
    force: bool = False,
    show_progress: bool = False,
) -> Index:
    """Load the persisted index when its fingerprint matches; otherwise build and persist it."""
    fingerprint = compute_fingerprint(documents_dir, embedder.identity, config)
    if not force:
        with _locked(index_dir, exclusive=False):
            index = read_index(index_dir, fingerprint)
        if index is not None:
            return index
    with _locked(index_dir, exclusive=True):
        if not force:  # another process may have built it while we waited
            index = read_index(index_dir, fingerprint)
            if index is not None:
                return index
        index = _build_with_progress(documents, embedder, config, fingerprint, show_progress)
        save_index(index, index_dir)
        return index


def _build_with_progress(documents, embedder, config, fingerprint, show_progress) -> Index:
    if not show_progress:
        return build_index(documents, embedder, config, fingerprint)
    from tqdm import tqdm

    total = len(dense_units(chunk_documents(documents)))
    with tqdm(total=total, desc="Encoding", unit="text") as bar:
        def progress(done: int, _total: int) -> None:
            bar.update(done - bar.n)

        return build_index(documents, embedder, config, fingerprint, progress=progress)
