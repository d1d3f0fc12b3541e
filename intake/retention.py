"""Storage limitation that runs by itself: intakes, Rasa's conversations, the gap log, log files.

`purge(...)` removes what has expired at `now` (pass it explicitly to move time forward in
tests); `dry_run=True` counts the same and changes nothing (`tnw db purge --dry-run`).
`start_retention_job(...)` runs the purge every `interval` seconds in a daemon thread, and the
pending conversation erasures (`intake.erasure`) every `erasure_interval` seconds.

Periods (days), from the settings (`RetentionPolicy.from_settings`) or `RetentionPolicy(...)`:

| what | variable | default | expires |
|---|---|---|---|
| intakes | `TNW_KEEP_INTAKES_DAYS` | 365 | days after the intake's moment: anonymised, messages deleted |
| conversations | `TNW_KEEP_CONVERSATIONS_DAYS` | 90 | each tracker-store event, days after it was written |
| gap log | `TNW_KEEP_GAPS_DAYS` | 90 | each unanswered question, days after it was asked |
| log files | `TNW_KEEP_LOGS_DAYS` | 30 | each file under the logs folder, days after its last write |
"""
from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from .conversations import purge_events
from .db import session_factory as make_session_factory
from .gaps import LINK_WINDOW
from .models import UnansweredQuestion
from .privacy import purge_old_data
from .timeutil import ensure_aware, utcnow

if TYPE_CHECKING:
    from settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionPolicy:
    intakes_days: int = 365  # the consent text: "tot een jaar na je afspraak"
    conversations_days: int = 90
    gaps_days: int = 90
    logs_days: int = 30

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of days, at least 1")

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        """The periods the settings hold (TNW_KEEP_*_DAYS)."""
        return cls(intakes_days=settings.keep_intakes_days, conversations_days=settings.keep_conversations_days,
                   gaps_days=settings.keep_gaps_days, logs_days=settings.keep_logs_days)


@dataclass
class PurgeReport:
    now: datetime
    dry_run: bool
    intakes: dict[str, int] = field(default_factory=dict)
    conversations: dict[str, int] = field(default_factory=dict)
    gaps: dict[str, int] = field(default_factory=dict)
    log_files: list[str] = field(default_factory=list)  # names relative to the logs folder

    def lines(self) -> list[str]:
        verb = "would remove" if self.dry_run else "removed"
        return [
            f"Retention at {self.now:%Y-%m-%d %H:%M} UTC ({'dry run, nothing changed' if self.dry_run else 'done'}):",
            f"  intakes ({verb}): " + ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in self.intakes.items()),
            f"  conversations: {verb} {self.conversations.get('events', 0)} events of "
            f"{self.conversations.get('conversations', 0)} conversations",
            f"  unanswered questions: {verb} {self.gaps.get('deleted', 0)}, "
            f"links to a sender forgotten {self.gaps.get('unlinked', 0)}",
            f"  log files: {verb} {len(self.log_files)}"
            + (f" ({', '.join(self.log_files)})" if self.log_files else ""),
        ]


def purge_gaps(session, *, now: datetime, keep_days: int, dry_run: bool = False) -> dict[str, int]:
    deleted = session.execute(
        sa.delete(UnansweredQuestion).where(UnansweredQuestion.created_at < now - timedelta(days=keep_days))
    ).rowcount or 0
    unlinked = session.execute(
        sa.update(UnansweredQuestion)
        .where(UnansweredQuestion.sender_ref.is_not(None), UnansweredQuestion.created_at < now - LINK_WINDOW)
        .values(sender_ref=None)
    ).rowcount or 0
    session.rollback() if dry_run else session.commit()
    return {"deleted": deleted, "unlinked": unlinked}


def purge_log_files(logs_dir: Path | None, *, now: datetime, keep_days: int, dry_run: bool = False) -> list[str]:
    """Files under `logs_dir` last written more than `keep_days` ago (deleted unless dry run).

    A log file that is still being written keeps a recent time and stays.
    """
    if logs_dir is None or not Path(logs_dir).is_dir():
        return []
    cutoff = (now - timedelta(days=keep_days)).timestamp()
    removed = []
    for path in sorted(Path(logs_dir).rglob("*")):
        if path.is_file() and not path.is_symlink() and path.stat().st_mtime < cutoff:
            if not dry_run:
                path.unlink(missing_ok=True)
            removed.append(str(path.relative_to(logs_dir)))
    return removed


MAX_LOG_BYTES = 10 * 2**20


def rotate_log_files(logs_dir: Path | None, *, now: datetime, max_bytes: int = MAX_LOG_BYTES) -> list[str]:
    """Move the content of every `*.log` over `max_bytes` to `<name>.<timestamp>` and empty it.

    Copy and truncate, because the servers keep their log open (opened for appending, so they
    go on writing at the new end). The rotated file is no longer written, so it expires with the
    log retention period like any other file.
    """
    if logs_dir is None or not Path(logs_dir).is_dir():
        return []
    rotated = []
    for path in sorted(Path(logs_dir).glob("*.log")):
        if path.is_file() and not path.is_symlink() and path.stat().st_size > max_bytes:
            target = path.with_name(f"{path.name}.{now:%Y%m%d-%H%M%S}")
            shutil.copyfile(path, target)
            with open(path, "r+b") as handle:
                handle.truncate(0)
            rotated.append(target.name)
    return rotated


def purge(session_factory, *, tracker_store_url: str | None, logs_dir: Path | None,
          policy: RetentionPolicy, now: datetime | None = None,
          dry_run: bool = False) -> PurgeReport:
    """Remove everything that has expired at `now` under `policy`; see the module docstring."""
    now = ensure_aware(now) if now else utcnow()
    report = PurgeReport(now=now, dry_run=dry_run)
    with session_factory() as session:
        report.intakes = purge_old_data(session, now=now, keep_days=policy.intakes_days, dry_run=dry_run)
    with session_factory() as session:
        report.gaps = purge_gaps(session, now=now, keep_days=policy.gaps_days, dry_run=dry_run)
    if tracker_store_url:
        report.conversations = purge_events(
            tracker_store_url, now - timedelta(days=policy.conversations_days), dry_run=dry_run)
    report.log_files = purge_log_files(logs_dir, now=now, keep_days=policy.logs_days, dry_run=dry_run)
    if not dry_run:
        rotate_log_files(logs_dir, now=now)
    return report


class RetentionJob(threading.Thread):
    """The scheduled purge (and erasure retries) inside the running product."""

    def __init__(self, run_purge: Callable[[], object], run_erasures: Callable[[], object], *,
                 interval: float, erasure_interval: float) -> None:
        super().__init__(name="tnw-retention", daemon=True)
        self._run_purge, self._run_erasures = run_purge, run_erasures
        self.interval, self.erasure_interval = interval, erasure_interval
        self._stop_event = threading.Event()
        self.purges = 0
        self.erasure_rounds = 0

    def stop(self, timeout: float | None = 5.0) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout)

    def _safely(self, what: str, work: Callable[[], object]) -> bool:
        try:
            work()
            return True
        except Exception as exc:  # noqa: BLE001 - keep running; the type only, never data
            log.warning("Retention job: %s failed (%s); trying again later", what, type(exc).__name__)
            return False

    def run(self) -> None:
        next_purge = 0.0  # at once on start
        clock = 0.0
        while not self._stop_event.is_set():
            if self._safely("conversation erasures", self._run_erasures):
                self.erasure_rounds += 1
            if clock >= next_purge:
                if self._safely("purge", self._run_purge):
                    self.purges += 1
                next_purge = clock + self.interval
            if self._stop_event.wait(self.erasure_interval):
                break
            clock += self.erasure_interval


def start_retention_job(database_url: str, tracker_store_url: str | None, logs_dir: Path | None, *,
                        policy: RetentionPolicy, interval: float = 6 * 3600.0,
                        erasure_interval: float = 30.0) -> RetentionJob:
    """Start the daemon thread: the purge at once and then every `interval` seconds, the pending
    conversation erasures every `erasure_interval` seconds. `job.stop()` ends it."""
    from .erasure import process_pending_erasures

    factory = make_session_factory(database_url)

    def run_purge() -> None:
        report = purge(factory, tracker_store_url=tracker_store_url, logs_dir=logs_dir, policy=policy)
        log.info("Retention: %s", "; ".join(line.strip() for line in report.lines()[1:]))

    def run_erasures() -> None:
        if tracker_store_url:
            process_pending_erasures(factory, tracker_store_url)

    job = RetentionJob(run_purge, run_erasures, interval=interval, erasure_interval=erasure_interval)
    job.start()
    return job
