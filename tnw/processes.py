"""Start, watch and stop the assistant's server processes.

Each server runs in its own process group with its output in a log file, so a crash is
diagnosable and Ctrl-C (or any exit of the parent) stops the whole tree: no orphans.
A server gets only the environment it needs (`child_environment`): no Telegram token, no
secret meant for another process. `ProcessGroup.supervise` restarts a crashed server with
a backoff and, after too many crashes, stops all of them: never half a system.
"""
from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
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


# What a server may inherit from our environment: the operating system's basics and tuning
# knobs. Everything else (settings, secrets) is passed explicitly by tnw/stack.py.
INHERITED_NAMES = frozenset({
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TERM",
    "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "LD_LIBRARY_PATH",
})
INHERITED_PREFIXES = ("LC_", "OMP_", "MKL_", "OPENBLAS_", "TF_", "HF_", "TRANSFORMERS_", "TOKENIZERS_",
                      "TORCH", "SENTENCE_TRANSFORMERS_", "PYTHON", "SANIC_", "ACTION_SERVER_")


def child_environment(extra: dict[str, str], parent: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a server: the inherited basics of `parent` plus `extra`."""
    parent = dict(os.environ) if parent is None else parent
    inherited = {name: value for name, value in parent.items()
                 if name in INHERITED_NAMES or name.startswith(INHERITED_PREFIXES)}
    return {**inherited, **extra}


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
                env=child_environment(self.env),
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def wait_ready(self, timeout: float, poll: float = 0.5, stop: threading.Event | None = None) -> None:
        """Return once the server is ready (or `stop` is set); StartupError otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if stop is not None and stop.is_set():
                return
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

    @property
    def exit_code(self) -> int | None:
        return self.process.poll() if self.process else None

    def kill_leftovers(self) -> None:
        """SIGKILL what is left of a crashed server's process group (workers holding its port)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

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


@dataclass(frozen=True)
class RestartPolicy:
    """Restart a crashed server after 1, 2, 4, ... s; give up at `max_crashes` within `window` s."""

    max_crashes: int = 5
    window: float = 600.0
    first_delay: float = 1.0
    max_delay: float = 30.0
    poll: float = 1.0  # seconds between two looks at the servers


class CrashHistory:
    """The recent crashes of one server, and what to do about the next one."""

    def __init__(self, policy: RestartPolicy) -> None:
        self.policy = policy
        self.times: deque[float] = deque()

    def record(self, now: float) -> float | None:
        """Seconds to wait before restarting, or None when the server crashed too often."""
        self.times.append(now)
        while now - self.times[0] > self.policy.window:
            self.times.popleft()
        crashes = len(self.times)
        if crashes >= self.policy.max_crashes:
            return None
        return min(self.policy.first_delay * 2 ** (crashes - 1), self.policy.max_delay)


class GaveUp(RuntimeError):
    """A server crashed too often; every server has been stopped."""


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def interrupt_main_thread() -> None:
    """End a front end running in the main thread as Ctrl-C would (PTB and input() both stop)."""
    signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)


class ProcessGroup:
    """Starts servers in order and stops all of them, in reverse, however the block is left."""

    def __init__(self, processes: Sequence[ManagedProcess], startup_timeout: float) -> None:
        self.processes = list(processes)
        self.startup_timeout = startup_timeout
        self.failure: str | None = None  # why supervision gave up, if it did
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None
        self._previous_sigterm = None

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
        self._stopping.set()
        supervisor = self._supervisor
        if supervisor is not None and supervisor is not threading.current_thread():
            supervisor.join(timeout=60)
        self._stop_processes()
        if self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None

    def _stop_processes(self) -> None:
        for proc in reversed(self.processes):
            proc.stop()

    def check_alive(self) -> list[str]:
        """Names of servers that have stopped unexpectedly."""
        return [proc.name for proc in self.processes if not proc.running]

    # ------------------------------------------------------------ supervision

    def supervise(
        self,
        policy: RestartPolicy = RestartPolicy(),
        *,
        echo: Callable[[str], None] = _to_stderr,
        on_give_up: Callable[[], None] | None = None,
    ) -> None:
        """Watch the servers in a thread: restart a crashed one; stop all after too many crashes.

        The thread lives until `stop()`: the servers it restarts are tied to it (PDEATHSIG), so
        it must not end while they run. When it gives up it stops every server, sets `failure`
        and calls `on_give_up` (e.g. `interrupt_main_thread`, to end the front end too).
        """
        if self._supervisor is not None:
            raise RuntimeError("already supervised")
        self._supervisor = threading.Thread(
            target=self._watch, args=(policy, echo, on_give_up), name="tnw-supervisor", daemon=True
        )
        self._supervisor.start()

    def _watch(self, policy: RestartPolicy, echo: Callable[[str], None],
               on_give_up: Callable[[], None] | None) -> None:
        histories = {id(proc): CrashHistory(policy) for proc in self.processes}
        try:
            while not self._stopping.wait(policy.poll):
                for proc in self.processes:
                    if not proc.running and not self._stopping.is_set():
                        self._restart(proc, histories[id(proc)], echo)
            return
        except GaveUp as exc:
            self.failure = str(exc)
        except Exception as exc:  # noqa: BLE001 - whatever broke, never leave half a system
            self.failure = f"Supervising the servers failed ({type(exc).__name__}: {exc}); everything was stopped."
        self._stopping.set()
        self._stop_processes()
        if on_give_up is None:
            echo(self.failure)
        else:
            on_give_up()  # the caller reports `failure` once its front end has ended

    def _restart(self, proc: ManagedProcess, history: CrashHistory, echo: Callable[[str], None]) -> None:
        """Start `proc` again after its backoff; GaveUp when it crashed too often."""
        while not self._stopping.is_set():
            code = proc.exit_code
            delay = history.record(time.monotonic())
            if delay is None:
                raise GaveUp(
                    f"The {proc.name} crashed {len(history.times)} times within "
                    f"{history.policy.window / 60:g} minutes; every server was stopped. "
                    f"Log: {proc.log_path}\n{tail(proc.log_path)}"
                )
            state = f"stopped unexpectedly (exit code {code})" if code is not None else "did not get ready"
            echo(f"The {proc.name} {state}; restarting it in {delay:g} s. Log: {proc.log_path}")
            proc.stop(grace=2.0)
            proc.kill_leftovers()
            if self._stopping.wait(delay):
                return
            try:
                proc.start()
                proc.wait_ready(self.startup_timeout, stop=self._stopping)
            except StartupError as exc:
                echo(str(exc).splitlines()[0])
                continue
            if not self._stopping.is_set():
                echo(f"The {proc.name} is running again.")
            return
