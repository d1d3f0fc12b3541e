"""Cold start of `make run` with a trained model: each phase until the first answer.

Runs what `tnw run` runs, in a fresh data folder (trained models shared from var/models, so
nothing is trained): prepare (model check, database migrations and demo data, search index),
the action server and the Rasa server(s) until both answer their health checks, then the
first question over the REST webhook, as the terminal chat or the Telegram front end sends it.
The index is built once before the clock starts (`--cold-index` to include building it).

    .venv/app/bin/python bench/cold_start.py
    .venv/app/bin/python bench/cold_start.py --runs 3

Not a test: it prints figures. Target (issue 17): ready and first answer within 20 s in all.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

import httpx  # noqa: E402

from rasa_addons.shared_secret import WEBHOOK_HEADER  # noqa: E402
from settings import load_settings  # noqa: E402
from tnw.prepare import prepare  # noqa: E402
from tnw.processes import free_port  # noqa: E402
from tnw.stack import backend  # noqa: E402


def one_start(data_dir: Path) -> dict[str, float]:
    os.environ.update({
        "TNW_DATA_DIR": str(data_dir),
        "TNW_MODELS_DIR": str(PROJECT / "var" / "models"),
        "TNW_RASA_PORT": str(free_port()),
        "TNW_ACTION_PORT": str(free_port()),
    })
    times: dict[str, float] = {}
    started = time.perf_counter()
    settings = load_settings()
    model = prepare(settings, echo=lambda _line: None)
    times["prepare (model, database, index)"] = time.perf_counter() - started
    with backend(settings, model):
        times["servers ready"] = time.perf_counter() - started
        response = httpx.post(f"{settings.rasa_url}/webhooks/rest/webhook", timeout=120,
                              json={"sender": "bench-cold", "message": "wat is de VOP?"},
                              headers={WEBHOOK_HEADER: settings.webhook_secret})
        response.raise_for_status()
        assert response.json(), "no answer"
        times["first answer"] = time.perf_counter() - started
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=2, help="cold starts to time (default 2)")
    parser.add_argument("--cold-index", action="store_true", help="build the search index inside the clock too")
    args = parser.parse_args()
    for name in ("DATABASE_URL", "TRACKER_STORE_URL", "TELEGRAM_BOT_TOKEN", "TNW_PROFILE", "TNW_RASA_SERVERS"):
        os.environ.pop(name, None)
    with tempfile.TemporaryDirectory(prefix="tnw-cold-") as tmp:
        runs = []
        index_seed = Path(tmp) / "seed"
        if not args.cold_index:  # build the index once; each run copies it, as a machine that ran before has it
            os.environ["TNW_DATA_DIR"] = str(index_seed)
            prepare(load_settings(), echo=lambda _line: None)
        for run in range(args.runs):
            data_dir = Path(tmp) / f"run{run}"
            if not args.cold_index:
                shutil.copytree(index_seed / "index", data_dir / "index")
            runs.append(one_start(data_dir))
            print(f"run {run + 1}: " + ", ".join(f"{k} {v:.1f} s" for k, v in runs[-1].items()), flush=True)
    print()
    print(f"Cold start with a trained model, median of {len(runs)} runs (seconds since start):")
    for phase in runs[0]:
        print(f"  {phase:36s} {statistics.median(r[phase] for r in runs):5.1f}")
    print("  target: first answer within 20 s")


if __name__ == "__main__":
    main()
