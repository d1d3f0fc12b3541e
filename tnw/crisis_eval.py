"""`tnw crisis-eval`: recall and precision of the crisis check, pattern net alone and full NLU.

The full check is what the dialogue sees: Rasa's NLU with `rasa_addons.crisis_detector` as its
last component (intent `crisis`), through a running Rasa server or a private one.
"""
from __future__ import annotations

import contextlib
import json
from pathlib import Path

import click

from safety.crisis import assess
from safety.evaluation import TEAM_SET, CrisisReport, load_cases, score
from settings import PROJECT_DIR, Settings

DEV_B = PROJECT_DIR.parent / "shared" / "eval" / "dev-b.yaml"


def _print_report(name: str, detector: str, report: CrisisReport) -> None:
    click.echo(f"{name:<18} {detector:<9} n={report.n:<4} crises={report.crises:<4} "
               f"recall={report.recall:.3f}  precision={report.precision:.3f}")
    for text in report.missed_texts:
        click.echo(f"    missed:      {text[:110]}")
    for text in report.false_alarm_texts:
        click.echo(f"    false alarm: {text[:110]}")


@click.command("crisis-eval")
@click.argument("sets", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the table.")
@click.option("--patterns-only", is_flag=True, help="Skip the trained model (no Rasa server needed).")
@click.pass_obj
def crisis_eval(settings: Settings, sets: tuple[Path, ...], as_json: bool, patterns_only: bool) -> None:
    """Recall and precision of the crisis check on SETS (default: the team's set and dev-b)."""
    from tnw.nlu_client import open_nlu_parser

    chosen = sets or tuple(path for path in (TEAM_SET, DEV_B) if path.exists())
    results: dict[str, dict[str, dict]] = {}
    with contextlib.ExitStack() as stack:
        parse = None if patterns_only else stack.enter_context(open_nlu_parser(settings))
        if parse is None and not patterns_only:
            click.echo("No trained model: only the pattern net is measured (run `tnw train`).", err=True)
        for path in chosen:
            cases = load_cases(path)
            reports = {"patterns": score(cases, lambda text: assess(text).is_crisis)}
            if parse is not None:
                reports["nlu"] = score(cases, lambda text: parse(text) == "crisis")
            results[path.name] = {name: report.as_dict() for name, report in reports.items()}
            if not as_json:
                for detector, report in reports.items():
                    _print_report(path.name, detector, report)
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
