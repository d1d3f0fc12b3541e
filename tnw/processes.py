"""Start, watch and stop the assistant's server processes.

Each server runs in its own process group with its output in a log file, so a crash is
diagnosable and Ctrl-C (or any exit of the parent) stops the whole tree: no orphans.
"""
from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_PR_SET_PDEATHSIG = 1


class StartupError(RuntimeError):
    """A server could not be started; the message names it and its log file."""


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _exit_on_signal(signum: int, _frame) -> None:
    raise SystemExit(128 + signum)


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM the child when the parent dies, even if the parent is killed.

    Linux ties this to the *thread* that spawned the child: start servers from a long-lived
    thread (the main one), never from a short-lived worker thread.
    """
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


@dataclass
class ManagedProcess:
    """One server: how to start it, where it logs, and how to tell it is ready."""

    name: str
    command: Sequence[str]
    log_path: Path
    port: int
    host: str = "127.0.0.1"
    is_ready: Callable[[], bool] = lambda: True
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    process: subprocess.Popen | None = None

    def start(self) -> None:
        if port_in_use(self.host, self.port):
            raise StartupError(
                f"{self.name}: port {self.port} on {self.host} is already in use. "
                "Stop the program that uses it or choose another port (see .env.example)."
            )
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} starting {self.name}\n".encode())
            self.process = subprocess.Popen(
                list(self.command),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.cwd,
                env={**os.environ, **self.env},
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def wait_ready(self, timeout: float, poll: float = 0.5) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = self.process.poll() if self.process else None
            if code is not None:
                raise StartupError(
                    f"{self.name} stopped with exit code {code} while starting. "
                    f"Log: {self.log_path}\n{tail(self.log_path)}"
                )
            try:
                if self.is_ready():
                    return
            except Exception:  # noqa: BLE001 - not ready yet, whatever the reason
                pass
            time.sleep(poll)
        raise StartupError(
            f"{self.name} was not ready within {timeout:.0f} s. "
            f"Log: {self.log_path}\n{tail(self.log_path)}"
        )

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, grace: float = 10.0) -> None:
        if not self.process or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


class ProcessGroup:
    """Starts servers in order and stops all of them, in reverse, however the block is left."""

    def __init__(self, processes: Sequence[ManagedProcess], startup_timeout: float) -> None:
        self.processes = list(processes)
        self.startup_timeout = startup_timeout

    def __enter__(self) -> ProcessGroup:
        self._previous_sigterm = None
        if threading.current_thread() is threading.main_thread():
            # SIGTERM becomes an ordinary exit so that __exit__ runs and stops the children.
            self._previous_sigterm = signal.signal(signal.SIGTERM, _exit_on_signal)
        try:
            for proc in self.processes:
                proc.start()
            for proc in self.processes:
                proc.wait_ready(self.startup_timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def stop(self) -> None:
        for proc in reversed(self.processes):
            proc.stop()
        if self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None

    def check_alive(self) -> list[str]:
        """Names of servers that have stopped unexpectedly."""
        return [proc.name for proc in self.processes if not proc.running]
