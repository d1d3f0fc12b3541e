"""The action server behind its token (rasa_addons/action_server.py), with an empty action
package: the real rasa_sdk server in the app environment, no Rasa and no model needed."""
from __future__ import annotations

import sys

import httpx
import pytest

from rasa_addons.shared_secret import ACTION_HEADER
from settings import PROJECT_DIR
from tnw.processes import ManagedProcess, ProcessGroup, free_port

TOKEN = "t" * 40


def _server_env(tmp_path) -> dict[str, str]:
    # The start-up reads the settings: keep them in the test's folder, away from the project's .env.
    return {"SANIC_HOST": "127.0.0.1", "TNW_ACTION_TOKEN": TOKEN, "PYTHONPATH": f"{PROJECT_DIR}:{tmp_path}",
            "TNW_DATA_DIR": str(tmp_path / "var"), "TNW_SKIP_DOTENV": "1"}


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
        env=_server_env(tmp_path),
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


FAILING_ACTIONS = '''
from rasa_sdk import Action


class ActionThatBreaks(Action):
    def name(self):
        return "action_that_breaks"

    def run(self, dispatcher, tracker, domain):
        raise KeyError("boom")
'''


def test_a_failing_action_is_answered_kindly_and_logs_no_user_text(tmp_path):
    from rasa_addons.action_server import ACTION_FAILED

    (tmp_path / "failing_actions.py").write_text(FAILING_ACTIONS)
    port = free_port()
    log_path = tmp_path / "actions.log"
    server = ManagedProcess(
        name="action server",
        command=[sys.executable, "-m", "rasa_addons.action_server", "--actions", "failing_actions",
                 "--port", str(port)],
        log_path=log_path, port=port,
        is_ready=lambda: httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200,
        env=_server_env(tmp_path),
        cwd=tmp_path,
    )
    secret_text = "ik heet Griet Vandamme en heb kanker"
    tracker = {"sender_id": "telegram-x", "slots": {},
               "latest_message": {"text": secret_text, "intent": {}, "entities": []},
               "events": [{"event": "user", "text": secret_text}], "paused": False, "followup_action": None,
               "active_loop": {}, "latest_action_name": "action_listen"}
    call = {"next_action": "action_that_breaks", "sender_id": "telegram-x", "tracker": tracker, "domain": {}}
    with ProcessGroup([server], startup_timeout=60):
        reply = httpx.post(f"http://127.0.0.1:{port}/webhook", json=call, headers={ACTION_HEADER: TOKEN}, timeout=10)
    assert reply.status_code == 200
    assert reply.json() == {"events": [], "responses": [{"text": ACTION_FAILED}]}
    log = log_path.read_text()
    assert "action_that_breaks" in log and "KeyError" in log
    assert "Griet" not in log and "kanker" not in log
