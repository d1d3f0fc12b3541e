"""Load benchmark of the Telegram front end: N simulated users through the fake Bot API.

Starts the whole stack itself (action server, Rasa server, the front end as its own process
`python -m bot.telegram_app` pointed at a fake Bot API in this process), lets N users chat
for a while, and prints reply latency (p50/p95/p99), messages per second, errors, lost
messages, where the time goes, and the resident memory of each process.

    .venv/app/bin/python bench/telegram_load.py                 # 20 users, 120 s, 27 msg/s offered
    .venv/app/bin/python bench/telegram_load.py --conversation-length 0   # the same 20 chats all along
    .venv/app/bin/python bench/telegram_load.py --users 20 --duration 60 --rate 0   # as fast as it goes
    .venv/app/bin/python bench/telegram_load.py --conversation-length 0 --think 0.5 \
        --profiles embedded,production:1,production:2     # the three set-ups, side by side

Users: N people chat at any moment; each conversation is --conversation-length messages (the
script twice by default), after which a new person takes that place. Rasa's cost per message
grows with the length of a conversation (it replays the session's history for every policy),
so --conversation-length 0 (20 chats of ~150 messages each in 2 minutes) is the stress case.

Latency: from the moment the update is offered to getUpdates until the first reply message
reaches the fake Bot API. A message is lost when no reply arrives within --reply-timeout.
Errors: Bot API calls the fake refused, and apology texts ("sorry…", "rustig aan").
Not a test: it prints figures; the targets are in the printout.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

import httpx  # noqa: E402
import pytest  # noqa: E402  (MonkeyPatch, to set the stack's environment)

from bot import telegram_handlers as h  # noqa: E402
from rasa_addons.shared_secret import WEBHOOK_HEADER  # noqa: E402
from tests.telegram.fake_bot_api import TOKEN, FakeBotApi  # noqa: E402
from tests.telegram.stack_support import production_services, start_stack  # noqa: E402

SCRIPT = [
    "hallo",
    "wat is de VOP?",
    "hoe vraag ik dat aan?",
    "wat is jobcoaching?",
    "mijn baas wil mijn bureau aanpassen, wie betaalt dat?",
    "wat is individueel maatwerk?",
    "ben jij een robot?",
    "dank je wel",
]
APOLOGIES = {h.UNAVAILABLE, h.TOO_SLOW, h.SOMETHING_WENT_WRONG, h.SLOW_DOWN, h.PLEASE_WAIT}
TARGETS = "targets: p50 <= 100 ms, p95 <= 250 ms at 20 users, >= 28 msg/s, 0 errors, 0 lost"


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
        todo.extend(children.get(current, []))
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc, clock ticks)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class Load:
    def __init__(self, api: FakeBotApi, users: int, rate: float, reply_timeout: float,
                 conversation_length: int = 0, think: float | None = None) -> None:
        self.api = api
        self.think = think  # seconds between a reply and the next message (instead of a rate)
        self.users = users
        self.conversation_length = conversation_length
        self.rate = rate
        self.reply_timeout = reply_timeout
        self.replies: dict[int, asyncio.Queue] = {}
        self.records: list[dict] = []  # one per message: chat, sent, first_reply, texts
        self.measuring = False

    async def route_calls(self) -> None:
        queue = self.api.listen()
        while True:
            call = await queue.get()
            chat = call.params.get("chat_id")
            if chat is not None and int(chat) in self.replies and call.method in ("sendMessage", "sendChatAction"):
                self.replies[int(chat)].put_nowait(call)

    async def user(self, index: int, stop_at: float) -> None:
        """One of the N concurrent users. With a conversation length, the person leaves after
        that many messages and a new person (a new chat) takes the place: N people are always
        chatting, each with a conversation of realistic length."""
        conversation = 0
        chat = 900_000 + index
        inbox = self.replies.setdefault(chat, asyncio.Queue())
        step = index  # the first users start at different points of the script
        sent_in_conversation = 0
        interval = self.users / self.rate if self.rate > 0 else 0.0
        await asyncio.sleep(random.random() * (interval or 0.05))
        while time.monotonic() < stop_at:
            if self.conversation_length and sent_in_conversation >= self.conversation_length:
                conversation += 1
                chat = 900_000 + index + conversation * self.users
                inbox = self.replies.setdefault(chat, asyncio.Queue())
                step = sent_in_conversation = 0
            text = SCRIPT[step % len(SCRIPT)]
            step += 1
            sent_in_conversation += 1
            while not inbox.empty():  # late extra messages of the previous reply
                inbox.get_nowait()
            started = time.monotonic()
            update_id = None
            message = await self.api.send_text(chat, text)
            update_id = self.api._updates[-1]["update_id"] if self.api._updates else None
            record = {"chat": chat, "sent": started, "reply": None, "typing": None, "texts": [],
                      "measured": self.measuring, "update_id": update_id, "message_id": message["message_id"]}
            self.records.append(record)
            deadline = started + self.reply_timeout
            while record["reply"] is None:
                try:
                    call = await asyncio.wait_for(inbox.get(), max(0.01, deadline - time.monotonic()))
                except TimeoutError:
                    break
                if call.method == "sendChatAction":
                    record["typing"] = record["typing"] or call.at
                elif call.ok:
                    record["reply"] = call.at
                    record["texts"].append(call.params.get("text", ""))
            if self.think is not None:
                await asyncio.sleep(self.think)
            elif interval:
                next_at = min(started + random.expovariate(1 / interval), stop_at)
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            else:
                await asyncio.sleep(0.02)


async def run_load(args, settings, group, label: str) -> dict[str, float]:
    api = await FakeBotApi().start()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TNW_RASA_PORT": str(settings.rasa_port),
        "TNW_ACTION_PORT": str(settings.action_port),
        "RASA_AUTH_TOKEN": settings.rasa_auth_token,
        "TNW_SENDER_SECRET": settings.sender_secret,
        "TNW_WEBHOOK_SECRET": settings.webhook_secret,
        "TNW_ACTION_TOKEN": settings.action_token,
        "DATABASE_URL": settings.database_url,
        "TNW_TELEGRAM_MAX_RATE": str(args.max_rate),
        "PYTHONPATH": str(PROJECT),
    }
    front_log = open(settings.logs_dir / "telegram-bench.log", "wb")
    front = subprocess.Popen([sys.executable, "-m", "bot.telegram_app"], cwd=PROJECT, env=env,
                             stdout=front_log, stderr=subprocess.STDOUT, start_new_session=True)
    spy = None
    try:
        await api.wait_for(lambda: api.calls_of("getUpdates"), 60, "the front end to poll")
        load = Load(api, args.users, args.rate, args.reply_timeout, args.conversation_length, args.think)
        router = asyncio.create_task(load.route_calls())
        pids = {p.name: p.process.pid for p in group.processes}
        pids["front end"] = front.pid
        peaks = dict.fromkeys(pids, 0)

        async def sample_memory() -> None:
            while True:
                for name, pid in pids.items():
                    peaks[name] = max(peaks[name], rss_bytes(pid))
                await asyncio.sleep(2)

        sampler = asyncio.create_task(sample_memory())
        start = time.monotonic()
        stop_at = start + args.warmup + args.duration
        users = [asyncio.create_task(load.user(i, stop_at)) for i in range(args.users)]
        await asyncio.sleep(args.warmup)
        load.measuring = True
        measure_start = time.monotonic()
        cpu_start = {name: cpu_seconds(pid) for name, pid in pids.items()}
        if args.py_spy:
            spy_bin = Path(sys.executable).parent / "py-spy"
            if spy_bin.exists():
                out = settings.logs_dir / "frontend-profile.txt"
                spy = subprocess.Popen([str(spy_bin), "record", "--pid", str(front.pid), "--duration",
                                        str(min(30, args.duration)), "--format", "raw", "-o", str(out)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        await asyncio.gather(*users)
        measure_end = time.monotonic()
        cpu_used = {name: cpu_seconds(pid) - cpu_start[name] for name, pid in pids.items()}
        await asyncio.sleep(1)
        sampler.cancel()
        router.cancel()

        measured = [r for r in load.records if r["measured"]]
        answered = [r for r in measured if r["reply"] is not None]
        latencies = [(r["reply"] - r["sent"]) * 1000 for r in answered]
        lost = len(measured) - len(answered)
        apology = sum(1 for r in answered if set(r["texts"]) & APOLOGIES)
        refused = sum(1 for c in api.calls if c.ok is False and c.at >= measure_start)
        # Messages sent from measure_start until stop_at count (their replies may come later).
        window = min(measure_end, stop_at) - measure_start
        # Where the time goes: offered → typing (polling + PTB dispatch), typing → reply (Rasa, actions, send).
        to_typing = [(r["typing"] - r["sent"]) * 1000 for r in answered if r["typing"]]
        typing_to_reply = [(r["reply"] - r["typing"]) * 1000 for r in answered if r["typing"]]

        print()
        length = f"{args.conversation_length} messages" if args.conversation_length else "the whole run"
        pace = (f"think time {args.think} s" if args.think is not None
                else f"offered rate {args.rate or 'unlimited'} msg/s")
        print(f"[{label}] Telegram front end load: {args.users} users, {window:.0f} s measured "
              f"(after {args.warmup:.0f} s warm-up), {pace}, "
              f"Telegram send limit {args.max_rate}/s, conversations of {length}")
        print(f"  messages answered: {len(answered)} of {len(measured)}  →  {len(answered) / window:.1f} msg/s")
        print(f"  reply latency ms: p50 {percentile(latencies, 50):.0f}  p95 {percentile(latencies, 95):.0f}  "
              f"p99 {percentile(latencies, 99):.0f}  max {max(latencies, default=float('nan')):.0f}  "
              f"mean {statistics.fmean(latencies) if latencies else float('nan'):.0f}")
        print(f"  errors: {apology + refused} (apology replies {apology}, refused Bot API calls {refused})  "
              f"lost: {lost}")
        print(f"  time split ms (p50): update offered → typing {percentile(to_typing, 50):.0f}, "
              f"typing → reply {percentile(typing_to_reply, 50):.0f}")
        rasa_direct = await direct_rasa_latency(settings)
        print(f"  Rasa REST alone (sequential, same messages) ms: p50 {percentile(rasa_direct, 50):.0f}  "
              f"p95 {percentile(rasa_direct, 95):.0f}")
        total = 0
        per_message = "  ".join(f"{name} {1000 * used / max(len(answered), 1):.1f}" for name, used in cpu_used.items())
        print(f"  CPU ms per message answered: {per_message}")
        for name, peak in peaks.items():
            total += peak
            print(f"  peak RSS {name}: {peak / 2**20:.0f} MB")
        print(f"  peak RSS total: {total / 2**30:.2f} GB")
        summary = {"msg/s": len(answered) / window, "p50": percentile(latencies, 50),
                   "p95": percentile(latencies, 95), "errors": apology + refused, "lost": lost,
                   "rss": total / 2**30, "cpu": sum(cpu_used.values()) * 1000 / max(len(answered), 1)}
        print(f"  {TARGETS}")
        if spy is not None:
            spy.wait(timeout=60)
            print(f"  front-end profile (py-spy raw): {settings.logs_dir / 'frontend-profile.txt'}")
    finally:
        front.terminate()
        try:
            front.wait(timeout=15)
        except subprocess.TimeoutExpired:
            front.kill()
        front_log.close()
        await api.stop()
    return summary


async def direct_rasa_latency(settings) -> list[float]:
    timings = []
    headers = {WEBHOOK_HEADER: settings.webhook_secret}
    async with httpx.AsyncClient(base_url=settings.rasa_url, timeout=60, headers=headers) as client:
        for i, text in enumerate(SCRIPT * 5):
            started = time.monotonic()
            await client.post("/webhooks/rest/webhook", json={"sender": f"bench-direct-{i // len(SCRIPT)}",
                                                              "message": text})
            timings.append((time.monotonic() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20, help="simulated users (default 20)")
    parser.add_argument("--duration", type=float, default=120, help="measured seconds (default 120)")
    parser.add_argument("--warmup", type=float, default=10, help="seconds before measuring (default 10)")
    parser.add_argument("--rate", type=float, default=27,
                        help="messages per second offered by all users together; 0 = each user sends "
                             "as soon as the previous reply arrived (default 27: a user waits for the "
                             "reply before the next message, so a little less than offered is sent)")
    parser.add_argument("--conversation-length", type=int, default=16,
                        help="messages per conversation before that user is replaced by a new one; "
                             "0 = the same N users for the whole run (default 16)")
    parser.add_argument("--think", type=float, default=None,
                        help="seconds a user waits after a reply before the next message, instead of "
                             "--rate (issue 17's scenario: --conversation-length 0 --think 0.5)")
    parser.add_argument("--max-rate", type=float, default=30, help="TNW_TELEGRAM_MAX_RATE of the front end")
    parser.add_argument("--reply-timeout", type=float, default=30, help="seconds before a message counts as lost")
    parser.add_argument("--profiles", default="embedded",
                        help="comma-separated set-ups measured one after the other in this run: embedded, "
                             "production:N (PostgreSQL + Redis, N Rasa servers); e.g. "
                             "embedded,production:1,production:2")
    parser.add_argument("--py-spy", action="store_true", help="py-spy the front end for up to 30 s")
    args = parser.parse_args()

    summaries = {}
    for label in args.profiles.split(","):
        with contextlib.ExitStack() as stack:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="tnw-bench-"))
            patch = stack.enter_context(pytest.MonkeyPatch.context())
            env = {}
            if label.startswith("production"):
                servers = label.partition(":")[2] or "1"
                pg_admin = os.environ.get("TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
                env = {**stack.enter_context(production_services(pg_admin)), "TNW_RASA_SERVERS": servers}
            print(f"[{label}] starting the action server and the Rasa server(s) (about a minute) ...", flush=True)
            started = time.monotonic()
            settings, group = stack.enter_context(start_stack(patch, Path(tmp), env=env))
            print(f"[{label}] stack ready in {time.monotonic() - started:.0f} s.", flush=True)
            summaries[label] = asyncio.run(run_load(args, settings, group, label))
    if len(summaries) > 1:
        print()
        print(f"Side by side ({args.users} users, {args.duration:.0f} s each):")
        print(f"  {'set-up':16s} {'msg/s':>6s} {'p50 ms':>7s} {'p95 ms':>7s} {'errors':>6s} {'lost':>5s} "
              f"{'CPU ms/msg':>10s} {'RSS GB':>7s}")
        for label, row in summaries.items():
            print(f"  {label:16s} {row['msg/s']:6.1f} {row['p50']:7.0f} {row['p95']:7.0f} {row['errors']:6d} "
                  f"{row['lost']:5d} {row['cpu']:10.1f} {row['rss']:7.2f}")


if __name__ == "__main__":
    main()
