"""Search latency and index build time of the knowledge base.

    python bench/search_latency.py [QUESTIONS.yaml] [--repeat 2] [--mode hybrid]

Loads the knowledge base once (warm: model loaded, index read), then times `search()` for a few
hundred queries: the question texts plus simple variations (lowercase, no punctuation, a
greeting in front, the first half only, each with and without a role). Prints p50/p95/p99 per
query in milliseconds, then times a forced rebuild of the whole index into a temporary directory.
Targets on the 2-core machine: p50 <= 15 ms, p95 <= 30 ms, build < 60 s.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from knowledge_base.evaluation import load_questions  # noqa: E402
from knowledge_base.search import KnowledgeBase  # noqa: E402
from settings import load_settings  # noqa: E402

DEFAULT_QUESTIONS = Path("/work/shared/eval/dev.yaml")


def variations(text: str) -> list[str]:
    words = text.split()
    return [
        text,
        text.lower(),
        re.sub(r"[^\w\s]", "", text),
        f"Hallo, ik heb een vraag. {text}",
        " ".join(words[: max(1, len(words) // 2)]),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", nargs="?", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--repeat", type=int, default=2, help="Passes over all queries (default 2).")
    parser.add_argument("--mode", default="hybrid", choices=["hybrid", "bm25", "dense"])
    parser.add_argument("--no-build", action="store_true", help="Skip the forced rebuild timing.")
    args = parser.parse_args()

    started = time.perf_counter()
    kb = KnowledgeBase.load(load_settings())
    print(f"knowledge base loaded in {time.perf_counter() - started:.1f} s "
          f"({'built' if kb.built else 'from the persisted index'}; {len(kb.chunks)} chunks, "
          f"{kb.index.dense.ntotal} vectors)")

    queries: list[tuple[str, str | None]] = []
    for question in load_questions(args.questions):
        role = question.role if question.role in ("participant", "employer") else None
        for text in variations(question.text):
            queries.append((text, role))
            queries.append((text, None))
    for text, role in queries[:10]:  # warm-up
        kb.search(text, role=role, mode=args.mode)

    timings = []
    for _ in range(args.repeat):
        for text, role in queries:
            t0 = time.perf_counter()
            kb.search(text, role=role, k=5, mode=args.mode)
            timings.append((time.perf_counter() - t0) * 1000)
    p50, p95, p99 = np.percentile(timings, [50, 95, 99])
    print(f"search ({args.mode}, k=5): {len(timings)} queries ({len(queries)} distinct x {args.repeat})")
    print(f"  p50 {p50:.1f} ms   p95 {p95:.1f} ms   p99 {p99:.1f} ms   "
          f"mean {statistics.fmean(timings):.1f} ms   max {max(timings):.1f} ms")

    if not args.no_build:
        with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
            t0 = time.perf_counter()
            rebuilt = KnowledgeBase.load(index_dir=Path(tmp), force=True, model=kb.embedder)
            total = time.perf_counter() - t0
            print(f"index build (forced, into a temp dir, model already loaded): {total:.1f} s total, "
                  f"{rebuilt.index.build_seconds:.1f} s chunking+encoding+indexing, "
                  f"{rebuilt.index.dense.ntotal} vectors")
            t0 = time.perf_counter()
            KnowledgeBase.load(index_dir=Path(tmp), model=kb.embedder)
            print(f"index load (unchanged fingerprint): {(time.perf_counter() - t0) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
