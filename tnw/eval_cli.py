"""`tnw eval`: search, intents and (with --answers) the replies of the whole stack.

    tnw eval QUESTIONS.yaml [--json] [--no-intents]
    tnw eval QUESTIONS.yaml --answers [--out DIR] [--private] [--json]
    tnw eval --compare A B

It lives in the top layer because it orchestrates the Rasa and action servers; the metrics
themselves are pure functions in knowledge_base.evaluation and tnw.answer_scoring.
"""
from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import click

# The same small seams as `tnw kb` (tests replace them): the knowledge base, an error; and settings.
from knowledge_base.cli import _fail, _load_kb
from settings import Settings, load_settings


def _settings() -> Settings:
    """The settings `tnw` read at its start (click's context object), or read now when run alone."""
    return click.get_current_context().find_object(Settings) or load_settings()


def _note(message: str) -> None:
    click.echo(message, err=True)


@click.command("eval")
@click.argument("questions", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the metrics.")
@click.option("--no-intents", is_flag=True, help="Skip the intent metrics (no Rasa model needed).")
@click.option("--answers", is_flag=True,
              help="Also ask every question through the Rasa and action servers and score the replies "
                   "against the set's must_mention phrases.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="With --answers: write every question, reply, kind and score to DIR/answers.jsonl "
                   "(and the report to DIR/report.json).")
@click.option("--private", is_flag=True,
              help="With --answers: always start a private action server and Rasa server on free ports "
                   "(by default running servers are used when they serve the current model).")
@click.option("--compare", nargs=2, type=click.Path(exists=True, path_type=Path), default=None,
              metavar="A B", help="Compare two --out runs (folders or answers.jsonl files) question by question.")
def eval_command(questions: Path | None, as_json: bool, no_intents: bool, answers: bool,
                 out_dir: Path | None, private: bool, compare: tuple[Path, Path] | None) -> None:
    """Evaluate search (hybrid and both baselines) and intent classification on a question set.

    With --answers, also send every question through the real stack over the REST webhook (each
    in a new conversation, after its context) and score each reply: complete, phrase recall,
    answered from the expected measure, clarification rate, per intent, with the misses.
    """
    if compare:
        _compare(*compare, as_json=as_json)
        return
    if questions is None:
        raise click.UsageError("Give a question set (QUESTIONS.yaml), or --compare A B.")
    if (out_dir or private) and not answers:
        raise click.UsageError("--out and --private go with --answers.")

    from knowledge_base.evaluation import (
        SEARCH_MODES,
        evaluate,
        format_report,
        kb_item_ranker,
        kb_ranker,
        load_questions,
        public_report,
    )

    settings = _settings()
    try:
        question_list = load_questions(questions)
    except ValueError as exc:
        _fail(str(exc))
        return
    knowledge = _load_kb(settings)
    rankers = {mode: kb_ranker(knowledge, mode) for mode in SEARCH_MODES}
    item_ranker = kb_item_ranker(knowledge) if any(q.item for q in question_list) else None

    answer_report = None
    with contextlib.ExitStack() as stack:
        live = settings
        if answers:
            from tnw.answer_eval import EvalSetupError, open_stack
            from tnw.processes import StartupError

            try:
                live = stack.enter_context(open_stack(settings, private=private, echo=_note))
            except (EvalSetupError, StartupError) as exc:
                _fail(str(exc))
                return
        parser_context = contextlib.nullcontext(None)
        if not no_intents:
            try:
                from tnw.nlu_client import open_nlu_parser
            except ImportError:
                open_nlu_parser = None
            if open_nlu_parser is not None:
                parser_context = open_nlu_parser(live)
        with parser_context as parse:
            report = evaluate(question_list, rankers, parse, item_ranker)
        if answers:
            answer_report = _ask_all(live, question_list, out_dir)

    if as_json:
        public = public_report(report)
        if answer_report is not None:
            from tnw.answer_scoring import public_answers

            public["answers"] = public_answers(answer_report)
        click.echo(json.dumps(public, ensure_ascii=False))
    else:
        click.echo(format_report(report))
        if answer_report is not None:
            from tnw.answer_scoring import format_answers

            click.echo("")
            click.echo(format_answers(answer_report))


def _ask_all(live, question_list, out_dir: Path | None) -> dict:
    import httpx

    from tnw.answer_eval import RasaChannel, run_answers, write_run
    from tnw.answer_scoring import aggregate, public_answers

    try:
        with RasaChannel(live) as channel, click.progressbar(
            length=len(question_list), label="Asking the assistant", file=sys.stderr, show_pos=True
        ) as bar:
            records = run_answers(question_list, channel, on_record=lambda _record: bar.update(1))
    except httpx.ConnectError as exc:
        _fail(f"Lost the connection to the Rasa server at {live.rasa_url}: {exc}")
    report = aggregate(records)
    if out_dir is not None:
        path = write_run(out_dir, records, public_answers(report))
        _note(f"Wrote {len(records)} answers to {path}")
    return report


def _compare(a: Path, b: Path, *, as_json: bool) -> None:
    from tnw.answer_eval import read_run
    from tnw.answer_scoring import compare, format_comparison

    try:
        result = compare(read_run(a), read_run(b))
    except (OSError, ValueError) as exc:
        _fail(f"Cannot read a run to compare: {exc}")
        return
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        click.echo(format_comparison(result))


__all__ = ["eval_command"]
