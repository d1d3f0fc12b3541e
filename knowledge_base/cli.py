"""Command-line commands for the knowledge base, registered on the main `tnw` group:

    tnw kb build [--force]
    tnw kb search "tekst" [--role employer|participant] [--k 5] [--mode hybrid|bm25|dense] [--json]
    tnw kb calibrate QUESTIONS.yaml

(`tnw eval` lives in tnw/eval_cli.py: it starts the Rasa servers.) The `tnw` command reads the
settings once and hands them down as click's context object.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from settings import Settings


def _settings() -> Settings:
    """The settings the `tnw` command read at its start (click's context object)."""
    settings = click.get_current_context().find_object(Settings)
    if settings is None:
        raise click.UsageError("Run this through the `tnw` command: it reads the settings.")
    return settings


def _load_kb(settings: Settings, *, force: bool = False, show_progress: bool = False):
    from knowledge_base.search import KnowledgeBase

    return KnowledgeBase.load(settings, force=force, show_progress=show_progress)


def _fail(message: str) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


@click.group("kb")
def kb() -> None:
    """Knowledge base: build the search index and query it."""


@kb.command("build")
@click.option("--force", is_flag=True, help="Rebuild even when the index is up to date.")
def build(force: bool) -> None:
    """Build the search index (only when documents, model or settings changed)."""
    from knowledge_base.documents import DocumentError

    settings = _settings()
    started = time.perf_counter()
    try:
        knowledge = _load_kb(settings, force=force, show_progress=True)
    except DocumentError as exc:
        _fail(f"Document error: {exc}")
        return
    elapsed = time.perf_counter() - started
    index = knowledge.index
    if knowledge.built:
        click.echo(
            f"Built the index: {len(knowledge.chunks)} chunks from {len(knowledge.documents)} documents, "
            f"{index.dense.ntotal} vectors, in {index.build_seconds:.1f} s (total {elapsed:.1f} s with model loading)."
        )
    else:
        click.echo(
            f"Index is up to date: {len(knowledge.chunks)} chunks from {len(knowledge.documents)} documents "
            f"(loaded in {elapsed:.1f} s; use --force to rebuild)."
        )
    click.echo(f"Location: {settings.index_dir}")


@kb.command("search")
@click.argument("text")
@click.option("--role", type=click.Choice(["participant", "employer"]), default=None, help="The asker's role.")
@click.option("--k", "k", type=click.IntRange(1, 100), default=5, show_default=True, help="Number of results.")
@click.option("--mode", type=click.Choice(["hybrid", "bm25", "dense"]), default="hybrid", show_default=True)
@click.option("--measure", default=None, help="Only this document id.")
@click.option("--section", default=None,
              help="Prefer this section key (what, who, conditions, amount, apply, contact).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as a JSON list.")
def search(text: str, role: str | None, k: int, mode: str, measure: str | None, section: str | None,
           as_json: bool) -> None:
    """Search the knowledge base and print the ranked chunks."""
    knowledge = _load_kb(_settings())
    started = time.perf_counter()
    try:
        hits = knowledge.search(text, role=role, k=k, mode=mode, measure=measure, section=section)
    except ValueError as exc:
        _fail(str(exc))
        return
    elapsed_ms = (time.perf_counter() - started) * 1000
    if as_json:
        from dataclasses import asdict

        click.echo(json.dumps([{"rank": i, **asdict(hit)} for i, hit in enumerate(hits, start=1)],
                              ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo("No results.")
        return
    click.echo(f"{'#':>2}  {'document':<28} {'section':<11} {'conf':>5} {'score':>6} {'bm25':>5} {'dense':>5}")
    for i, hit in enumerate(hits, start=1):
        click.echo(
            f"{i:>2}  {hit.doc_id:<28} {hit.section_key:<11} {hit.confidence:>5.2f} {hit.score:>6.3f} "
            f"{hit.bm25_rank if hit.bm25_rank is not None else '-':>5} "
            f"{hit.dense_rank if hit.dense_rank is not None else '-':>5}"
        )
    top = hits[0]
    click.echo(f"\n[{top.doc_id} / {top.section_title}]\n{top.text}")
    click.echo(f"\n({elapsed_ms:.1f} ms)")


@kb.command("calibrate")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def calibrate(questions: Path) -> None:
    """Fit the confidence model on a labelled question set and print the coefficients."""
    from knowledge_base.evaluation import brier, calibration_samples, fit_logistic, load_questions

    knowledge = _load_kb(_settings())
    features, labels = calibration_samples(knowledge, load_questions(questions))
    coefficients = fit_logistic(features, labels)
    current = [knowledge.confidence(f) for f in features]
    click.echo(f"samples: {len(labels)} ({sum(labels)} positive)")
    click.echo(f"current calibration {tuple(knowledge.config.calibration)}: Brier {brier(current, labels):.4f}")
    import math

    fitted = [1 / (1 + math.exp(-(coefficients[0] + sum(a * b for a, b in zip(coefficients[1:], f, strict=False)))))
              for f in features]
    click.echo(f"fitted calibration  {coefficients}: Brier {brier(fitted, labels):.4f}")
    click.echo("Put the fitted tuple in SearchConfig.calibration (knowledge_base/index.py) to use it.")


# The `tnw eval` command orchestrates the Rasa servers, so it lives in the top layer: tnw/eval_cli.py.
__all__ = ["kb"]
