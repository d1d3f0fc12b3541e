from __future__ import annotations

import os
import socket
import sys
import textwrap

import httpx
import pytest

from tnw.processes import ManagedProcess, ProcessGroup, StartupError, free_port, port_in_use

SERVER = textwrap.dedent(
    """
    import http.server, sys
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
        def log_message(self, *args):
            pass
    print("serving", flush=True)
    http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
    """
)


def http_server(tmp_path, name="test server") -> ManagedProcess:
    port = free_port()
    return ManagedProcess(
        name=name,
        command=[sys.executable, "-c", SERVER, str(port)],
        log_path=tmp_path / "logs" / f"{port}.log",
        port=port,
        is_ready=lambda: httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200,
    )


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_port_in_use_detects_a_listening_socket():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        assert port_in_use("127.0.0.1", sock.getsockname()[1])
    assert not port_in_use("127.0.0.1", free_port())


def test_group_starts_waits_and_stops_every_process(tmp_path):
    servers = [http_server(tmp_path, "one"), http_server(tmp_path, "two")]
    with ProcessGroup(servers, startup_timeout=30) as group:
        pids = [s.process.pid for s in servers]
        assert all(alive(pid) for pid in pids)
        assert group.check_alive() == []
    for server in servers:
        assert server.process.poll() is not None
    assert "serving" in servers[0].log_path.read_text()


def test_a_port_already_in_use_is_reported(tmp_path):
    server = http_server(tmp_path, "Rasa server")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", server.port))
        sock.listen()
        with pytest.raises(StartupError, match=rf"Rasa server: port {server.port} .* already in use"):
            server.start()


def test_a_crash_during_startup_names_the_server_and_its_log(tmp_path):
    crashing = ManagedProcess(
        name="action server",
        command=[sys.executable, "-c", "import sys; print('kapot'); sys.exit(3)"],
        log_path=tmp_path / "actions.log",
        port=free_port(),
        is_ready=lambda: False,
    )
    with pytest.raises(StartupError) as error:
        with ProcessGroup([crashing], startup_timeout=30):
            pass
    message = str(error.value)
    assert "action server" in message and "exit code 3" in message
    assert str(tmp_path / "actions.log") in message and "kapot" in message


def test_a_server_that_never_gets_ready_times_out_and_is_stopped(tmp_path):
    slow = http_server(tmp_path, "Rasa server")
    slow.is_ready = lambda: False
    with pytest.raises(StartupError, match=r"Rasa server was not ready within 1 s\. Log: "):
        with ProcessGroup([slow], startup_timeout=1):
            pass
    assert slow.process.poll() is not None


def test_a_failure_after_start_stops_the_servers_already_started(tmp_path):
    first = http_server(tmp_path, "first")
    second = http_server(tmp_path, "second")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", second.port))
        sock.listen()
        with pytest.raises(StartupError):
            with ProcessGroup([first, second], startup_timeout=30):
                pass
    assert first.process.poll() is not None


# ---------------------------------------------------------------- supervision (crash restart)

import threading  # noqa: E402

from tnw.processes import CrashHistory, RestartPolicy, child_environment  # noqa: E402

FAST = RestartPolicy(max_crashes=3, window=60, first_delay=0.05, max_delay=0.2, poll=0.05)


def sleeper(tmp_path, name: str, seconds: float = 60) -> ManagedProcess:
    """A dummy server: sleeps (or crashes after `seconds` with exit code 1)."""
    code = f"import sys, time; print('up', flush=True); time.sleep({seconds}); sys.exit(1)"
    return ManagedProcess(name=name, command=[sys.executable, "-c", code],
                          log_path=tmp_path / f"{name}.log", port=free_port())


class Recorder:
    """Collects the supervisor's messages; `wait(text)` blocks until one contains it."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()

    def __call__(self, line: str) -> None:
        with self._changed:
            self.lines.append(line)
            self._changed.notify_all()

    def wait(self, text: str, count: int = 1, timeout: float = 20) -> None:
        with self._changed:
            ok = self._changed.wait_for(lambda: sum(text in line for line in self.lines) >= count, timeout)
        assert ok, f"no {count} x {text!r} in {self.lines}"


def test_crash_history_backs_off_and_gives_up_within_the_window():
    history = CrashHistory(RestartPolicy(max_crashes=5, window=600, first_delay=1, max_delay=30))
    assert [history.record(t) for t in (0, 10, 20, 30)] == [1, 2, 4, 8]
    assert history.record(40) is None  # the fifth crash within ten minutes


def test_crash_history_forgets_crashes_older_than_the_window():
    history = CrashHistory(RestartPolicy(max_crashes=3, window=100, first_delay=1, max_delay=30))
    assert history.record(0) == 1 and history.record(50) == 2
    assert history.record(151) == 1  # both earlier crashes are more than 100 s ago
    assert history.record(160) == 2


def test_a_killed_server_is_restarted_and_the_other_keeps_running(tmp_path):
    first, second = sleeper(tmp_path, "action server"), sleeper(tmp_path, "Rasa server")
    echo = Recorder()
    with ProcessGroup([first, second], startup_timeout=10) as group:
        group.supervise(FAST, echo=echo)
        old_pid, other_pid = first.process.pid, second.process.pid
        os.kill(old_pid, 9)
        echo.wait("The action server is running again.")
        assert first.running and first.process.pid != old_pid
        assert second.running and second.process.pid == other_pid
        assert "exit code -9" in echo.lines[0] and str(first.log_path) in echo.lines[0]
        assert group.failure is None
    assert not first.running and not second.running


def test_repeated_crashes_stop_everything_with_a_clear_message(tmp_path):
    crashing, healthy = sleeper(tmp_path, "Rasa server", seconds=0.2), sleeper(tmp_path, "action server")
    gave_up = threading.Event()
    echo = Recorder()
    with ProcessGroup([healthy, crashing], startup_timeout=10) as group:
        group.supervise(FAST, echo=echo, on_give_up=gave_up.set)
        assert gave_up.wait(20), echo.lines
        assert not healthy.running and not crashing.running  # never half a system
        assert group.failure.startswith("The Rasa server crashed 3 times within 1 minutes")
        assert str(crashing.log_path) in group.failure and "up" in group.failure  # the log's end
    assert sum("restarting it in" in line for line in echo.lines) == 2


def test_stop_during_the_backoff_starts_nothing_again(tmp_path):
    server = sleeper(tmp_path, "action server")
    echo = Recorder()
    slow = RestartPolicy(max_crashes=5, window=60, first_delay=30, max_delay=30, poll=0.05)
    group = ProcessGroup([server], startup_timeout=10)
    with group:
        group.supervise(slow, echo=echo)
        os.kill(server.process.pid, 9)
        echo.wait("restarting it in 30 s")
    # Leaving the block stopped the supervisor in its backoff: the server stays down.
    assert not server.running and group.failure is None
    assert not any("running again" in line for line in echo.lines)


def test_a_restart_that_fails_counts_as_a_crash(tmp_path):
    server = sleeper(tmp_path, "Rasa server")
    echo = Recorder()
    gave_up = threading.Event()
    with ProcessGroup([server], startup_timeout=10) as group:
        group.supervise(FAST, echo=echo, on_give_up=gave_up.set)
        server.command = [sys.executable, "-c", "import sys; sys.exit(4)"]
        server.is_ready = lambda: False  # it never answers: it dies while "starting"
        os.kill(server.process.pid, 9)
        assert gave_up.wait(20), echo.lines
    assert any("exit code 4 while starting" in line for line in echo.lines)
    assert "crashed 3 times" in group.failure


def test_servers_inherit_only_the_basics_of_our_environment():
    parent = {"PATH": "/bin", "HOME": "/home/x", "LC_ALL": "C.UTF-8", "OMP_NUM_THREADS": "1",
              "TELEGRAM_BOT_TOKEN": "123:abc", "RASA_AUTH_TOKEN": "secret", "TNW_SENDER_SECRET": "k",
              "AWS_SECRET_ACCESS_KEY": "x", "DATABASE_URL": "postgresql://u:p@h/db"}
    env = child_environment({"TNW_DATA_DIR": "/d"}, parent)
    assert env == {"PATH": "/bin", "HOME": "/home/x", "LC_ALL": "C.UTF-8", "OMP_NUM_THREADS": "1",
                   "TNW_DATA_DIR": "/d"}
