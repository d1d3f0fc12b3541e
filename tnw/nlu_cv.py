"""`tnw nlu-cv`: k-fold cross-validation of the NLU on our own training data.

The dev sets say how the NLU does on questions someone else wrote; the folds say how well it
generalises from its own examples (each fold is trained without the examples it is tested on).
Runs Rasa's own `rasa test nlu --cross-validation` with the project's pipeline, crisis detector
included, and prints the macro-averaged intent F1 and the weakest intents.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import click

from settings import Settings
from tnw import engine


def intent_summary(report: dict) -> dict:
    """Accuracy, macro F1 and the per-intent F1 from Rasa's intent_report.json."""
    per_intent = {
        name: round(float(values["f1-score"]), 3)
        for name, values in report.items()
        if isinstance(values, dict) and "f1-score" in values and name not in ("macro avg", "weighted avg", "micro avg")
    }
    macro = report.get("macro avg", {})
    return {
        "accuracy": round(float(report.get("accuracy", report.get("micro avg", {}).get("f1-score", 0.0))), 3),
        "macro_f1": round(float(macro.get("f1-score", 0.0)), 3),
        "per_intent": dict(sorted(per_intent.items(), key=lambda kv: kv[1])),
    }


@click.command("nlu-cv")
@click.option("--folds", default=5, show_default=True, help="Number of folds.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def nlu_cv(settings: Settings, folds: int, as_json: bool) -> None:
    """Cross-validate intent classification on nlu/data/nlu (takes a few minutes per fold)."""
    out = settings.data_dir / "reports" / "nlu-cv"
    log_path = settings.logs_dir / "nlu-cv.log"
    started = time.monotonic()
    code = engine.run_logged(
        [
            str(engine.rasa_executable(settings)), "test", "nlu", "--cross-validation",
            "--folds", str(folds), "--config", "config.yml", "--nlu", "nlu/data/nlu",
            "--domain", "nlu/domain", "--out", str(out), "--no-plot",
        ],
        log_path,
        settings,
    )
    report_path = Path(out) / "intent_report.json"
    if code != 0 or not report_path.exists():
        raise click.ClickException(f"rasa test nlu failed (exit code {code}). Log: {log_path}")
    summary = intent_summary(json.loads(report_path.read_text()))
    summary.update(folds=folds, seconds=round(time.monotonic() - started))
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    click.echo(f"{folds}-fold cross-validation on nlu/data/nlu ({summary['seconds']} s): "
               f"intent accuracy {summary['accuracy']:.3f}, macro-F1 {summary['macro_f1']:.3f}")
    for name, f1 in list(summary["per_intent"].items())[:8]:
        click.echo(f"  {name:<24} F1 {f1:.3f}")
