"""The action server behind its token (rasa_addons/action_server.py), with an empty action
package: the real rasa_sdk server in the app environment, no Rasa and no model needed."""
from __future__ import annotations

import sys

import httpx
import pytest

from rasa_addons.shared_secret import ACTION_HEADER
from tnw.config import PROJECT_DIR
from tnw.processes import ManagedProcess, ProcessGroup, free_port

TOKEN = "t" * 40


@pytest.fixture
def action_server(tmp_path):
    (tmp_path / "no_actions.py").write_text("")
    port = free_port()
    server = ManagedProcess(
        name="action server",
        command=[sys.executable, "-m", "rasa_addons.action_server", "--actions", "no_actions", "--port", str(port)],
        log_path=tmp_path / "actions.log",
        port=port,
        is_ready=lambda: httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200,
        env={"SANIC_HOST": "127.0.0.1", "TNW_ACTION_TOKEN": TOKEN, "PYTHONPATH": f"{PROJECT_DIR}:{tmp_path}"},
        cwd=tmp_path,
    )
    with ProcessGroup([server], startup_timeout=60):
        yield f"http://127.0.0.1:{port}", server


def test_requests_without_the_token_are_refused(action_server):
    base, _ = action_server
    call = {"next_action": "action_show_my_data", "sender_id": "telegram-x", "tracker": {}, "domain": {}}
    assert httpx.post(f"{base}/webhook", json=call, timeout=10).status_code == 401
    assert httpx.post(f"{base}/webhook", json=call, headers={ACTION_HEADER: "t" * 39}, timeout=10).status_code == 401
    assert httpx.get(f"{base}/actions", timeout=10).status_code == 401
    assert httpx.get(f"{base}/health", timeout=10).status_code == 200  # says "ok", nothing more


def test_requests_with_the_token_are_served(action_server):
    base, server = action_server
    response = httpx.get(f"{base}/actions", headers={ACTION_HEADER: TOKEN}, timeout=10)
    assert response.status_code == 200 and response.json() == []
    assert TOKEN not in server.log_path.read_text()
    with open(f"/proc/{server.process.pid}/cmdline", "rb") as cmdline:  # what `ps` shows
        assert TOKEN.encode() not in cmdline.read()
