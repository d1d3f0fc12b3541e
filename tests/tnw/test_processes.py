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
