"""CPU per message as one conversation grows: message 10, 100 and 300, with and without compaction.

Rasa 3.6 replays the session's events for every policy prediction and sends the whole tracker
to the action server, so without a bound the cost of a message grows with the conversation.
The tracker store compacts a session longer than TNW_COMPACT_AFTER_EVENTS events
(rasa_addons/compaction.py). This script starts the embedded stack (action server + Rasa) once
per setting, sends one conversation of --messages messages over the REST webhook, one after the
other, and prints the CPU time (user + system, Rasa server + action server) and the latency per
message around message 10, 100 and 300 (the mean over a window of --window messages).

    .venv/app/bin/python bench/history_cost.py                    # compaction at 60 events vs off
    .venv/app/bin/python bench/history_cost.py --settings 60      # only the default

Not a test: it prints figures. Target (issue 17): message 300 within 15% of message 10.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

import httpx  # noqa: E402
import pytest  # noqa: E402  (MonkeyPatch, to set the stack's environment)

from bench.telegram_load import cpu_seconds  # noqa: E402
from rasa_addons.shared_secret import WEBHOOK_HEADER  # noqa: E402
from tests.telegram.stack_support import start_stack  # noqa: E402

# Questions, follow-ups and small talk, as one long conversation has them (no booking: the
# form would end the conversation's variety).
SCRIPT = [
    "hallo",
    "wat is de VOP?",
    "hoeveel bedraagt die premie?",
    "wat is jobcoaching?",
    "wie betaalt dat?",
    "wat is individueel maatwerk?",
    "en als ik zelfstandige ben?",
    "ok bedankt",
    "wat doet een terug-naar-werk-coördinator?",
    "mag ik vrijwilligerswerk doen als ik ziek ben?",
]
MARKS = (10, 100, 300)


def conversation_cost(limit: int, messages: int, window: int) -> dict[int, tuple[float, float]]:
    """{message number: (CPU ms, latency ms)} around each mark, for compaction after `limit` events."""
    with tempfile.TemporaryDirectory(prefix="tnw-history-") as tmp, pytest.MonkeyPatch.context() as patch:
        patch.setenv("TNW_COMPACT_AFTER_EVENTS", str(limit))
        with start_stack(patch, Path(tmp)) as (settings, group):
            pids = [process.process.pid for process in group.processes]
            cpu, latency = [], []
            headers = {WEBHOOK_HEADER: settings.webhook_secret}
            with httpx.Client(base_url=settings.rasa_url, timeout=120, headers=headers) as client:
                for number in range(1, messages + 1):
                    before = sum(cpu_seconds(pid) for pid in pids)
                    started = time.perf_counter()
                    response = client.post("/webhooks/rest/webhook",
                                           json={"sender": "bench-history", "message": SCRIPT[number % len(SCRIPT)]})
                    response.raise_for_status()
                    latency.append((time.perf_counter() - started) * 1000)
                    # The servers' work for this message is done once the reply is here.
                    cpu.append((sum(cpu_seconds(pid) for pid in pids) - before) * 1000)
    half = window // 2

    def around(values: list[float], mark: int) -> float:
        return statistics.fmean(values[max(0, mark - 1 - half): mark - 1 + half])

    return {mark: (around(cpu, mark), around(latency, mark)) for mark in MARKS if mark - 1 + half <= messages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--settings", default="60,0",
                        help="comma-separated TNW_COMPACT_AFTER_EVENTS values to compare; 0 = no compaction")
    parser.add_argument("--messages", type=int, default=310, help="messages in the conversation (default 310)")
    parser.add_argument("--window", type=int, default=10, help="messages averaged around each mark (default 10)")
    args = parser.parse_args()
    results = {}
    for value in (int(v) for v in args.settings.split(",")):
        print(f"TNW_COMPACT_AFTER_EVENTS={value}: starting the stack, then {args.messages} messages ...", flush=True)
        results[value] = conversation_cost(value, args.messages, args.window)
    print()
    print(f"CPU (Rasa server + action server) and latency per message, mean of {args.window} messages around each mark")
    for value, marks in results.items():
        label = f"compaction after {value} events" if value else "no compaction"
        cells = "  ".join(f"msg {mark}: {cpu:.0f} ms CPU / {lat:.0f} ms" for mark, (cpu, lat) in marks.items())
        first, last = marks.get(MARKS[0]), marks.get(MARKS[-1])
        ratio = f"  → msg {MARKS[-1]} / msg {MARKS[0]} CPU: {last[0] / first[0]:.2f}" if first and last else ""
        print(f"  {label:32s} {cells}{ratio}")
    print("  target: message 300 within 15% of message 10 (ratio <= 1.15)")


if __name__ == "__main__":
    main()
