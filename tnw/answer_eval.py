"""Ask every question of a set through the real stack and score what comes back.

Each question is its own conversation (a fresh sender id) on Rasa's REST webhook, the channel
the front ends use. A question's `context` (the user's earlier turns) is sent first; only the
reply to the question itself is scored (tnw.answer_scoring).

What kind of reply it was (an answer, a clarification, ...) and which measure it was answered
from come from the action server, not from the text: the actions pass `reply_kind`, `measure`
and `section` to `dispatcher.utter_message`. Rasa puts every key of an action's response that
it does not know into the `metadata` of the `bot` event (rasa.core.actions.action
`create_bot_utterance`); the REST channel's collector drops those keys from the webhook
reply, so they are read from the conversation's tracker (GET /conversations/{id}/tracker):
the bot events after the last user event. A bot message without a `reply_kind` is named
after what produced it: `response:utter_…` for a domain response, `action:…` for a custom
action that reports no kind.

Uses the running Rasa and action servers when both answer and Rasa serves the model of the
current training data; otherwise starts a private pair on free ports, with its own scratch
databases, for the duration of the run.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

from knowledge_base.evaluation import Question, item_key
from settings import Settings
from tnw import engine
from tnw.answer_scoring import reply_text, score_question
from tnw.processes import free_port

WEBHOOK_PATH = "/webhooks/rest/webhook"
ANSWERS_FILE = "answers.jsonl"
REPORT_FILE = "report.json"
# Actions that run in every turn or session and never speak for themselves.
_SILENT_ACTIONS = {"action_listen", "action_session_start"}


class EvalSetupError(RuntimeError):
    """The stack needed for the answers evaluation cannot be reached or started."""


def webhook_headers(settings: Settings) -> dict[str, str]:
    """Headers for Rasa's REST webhook, the same as the front end sends (the shared secret)."""
    from rasa_addons.shared_secret import WEBHOOK_HEADER

    return {WEBHOOK_HEADER: settings.webhook_secret}


class RasaChannel:
    """The REST webhook for messages, the HTTP API (with the auth token) for trackers."""

    def __init__(self, settings: Settings, *, client: httpx.Client | None = None,
                 timeout: float | None = None) -> None:
        self.settings = settings
        self._client = client or httpx.Client(
            base_url=settings.rasa_url,
            timeout=httpx.Timeout(timeout or max(settings.rasa_timeout, 60), connect=5.0),
        )

    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        response = self._client.post(WEBHOOK_PATH, json={"sender": sender, "message": text},
                                     headers=webhook_headers(self.settings))
        response.raise_for_status()
        data = response.json()
        return [m for m in data if isinstance(m, dict)] if isinstance(data, list) else []

    def tracker(self, sender: str) -> dict[str, Any]:
        response = self._client.get(f"/conversations/{sender}/tracker",
                                    params={"token": self.settings.rasa_auth_token})
        response.raise_for_status()
        return response.json()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> RasaChannel:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


# -- what the tracker says about a turn -------------------------------------------------------
def turn_events(tracker: dict[str, Any]) -> list[dict[str, Any]]:
    """The events after the last user message (what the assistant did with it)."""
    events = [e for e in tracker.get("events") or [] if isinstance(e, dict)]
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    return events[last_user + 1:]


def turn_outcome(events: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Reply kind(s), the measure/section answered from and the actions that ran."""
    kinds: list[str] = []
    actions: list[str] = []
    reported: dict[str, Any] | None = None
    current_action = None
    for event in events:
        if event.get("event") == "action":
            name = event.get("name") or ""
            if name and name not in _SILENT_ACTIONS:
                actions.append(name)
            current_action = name
        elif event.get("event") == "bot":
            metadata = event.get("metadata") or {}
            if metadata.get("reply_kind"):
                kinds.append(str(metadata["reply_kind"]))
                if reported is None or (metadata.get("measure") and not reported.get("measure")):
                    reported = metadata
            elif metadata.get("utter_action"):
                kinds.append(f"response:{metadata['utter_action']}")
            else:
                kinds.append(f"action:{current_action or 'unknown'}")
    reported = reported or {}
    measure = reported.get("measure")
    section = reported.get("section")
    kind = reported.get("reply_kind") or (kinds[0] if kinds else "no_reply")
    return {
        "kind": kind,
        "kinds": kinds,
        "measure": measure,
        "section": section,
        "item": reported.get("item") or (item_key(measure, section) if measure and section else None),
        "candidates": list(reported.get("candidates") or []),
        "actions": actions,
    }


# -- one question, a whole set ----------------------------------------------------------------
def ask(channel: RasaChannel, question: Question, sender: str) -> dict[str, Any]:
    """Replay the context, ask the question, and return its record with the scores."""
    record: dict[str, Any] = {
        "id": question.id,
        "intent": question.intent,
        "role": question.role,
        "expected_measure": question.measure,
        "expected_section": question.section,
        "expected_item": question.item,
        "text": question.text,
        "context": list(question.context),
        "must_mention": list(question.must_mention),
        "sender": sender,
        "error": None,
    }
    messages: list[dict[str, Any]] = []
    outcome = turn_outcome([])
    try:
        for turn in question.context:
            channel.say(sender, turn)
        messages = channel.say(sender, question.text)
        outcome = turn_outcome(turn_events(channel.tracker(sender)))
    except httpx.ConnectError:
        raise  # the stack is gone: no point in asking the other questions
    except (httpx.HTTPError, ValueError) as exc:
        record["error"] = f"{type(exc).__name__}: {exc}"
    record["reply"] = reply_text(messages)
    record["messages"] = messages
    record.update(outcome)
    record.update(score_question(
        must_mention=question.must_mention,
        reply=record["reply"],
        expected_measure=question.measure,
        answered_measure=outcome["measure"],
        kind=outcome["kind"],
        expected_item=question.item,
        answered_item=outcome["item"],
    ))
    return record


def run_answers(
    questions: Sequence[Question],
    channel: RasaChannel,
    *,
    run_id: str | None = None,
    on_record: Callable[[dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    """Ask every question in its own conversation; `on_record` is called after each one."""
    run_id = run_id or uuid.uuid4().hex[:10]
    records = []
    for number, question in enumerate(questions):
        record = ask(channel, question, f"eval-{run_id}-{number:04d}")
        records.append(record)
        if on_record is not None:
            on_record(record)
    return records


# -- the stack --------------------------------------------------------------------------------
def _ok(url: str, **params: str) -> bool:
    try:
        return httpx.get(url, params=params, timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def running_stack_problem(settings: Settings, model: Path) -> str | None:
    """Why the servers at the configured ports cannot be used (None when they can)."""
    try:
        status = httpx.get(f"{settings.rasa_url}/status", params={"token": settings.rasa_auth_token}, timeout=2.0)
    except httpx.HTTPError:
        return "no Rasa server is running"
    if status.status_code != 200:
        return f"the Rasa server at {settings.rasa_url} answered /status with HTTP {status.status_code}"
    served = (status.json() or {}).get("model_file")
    if served != model.name:
        return f"the running Rasa server serves {served}, not the current model {model.name}"
    if not _ok(f"http://{settings.rasa_host}:{settings.action_port}/health"):
        return "no action server is running"
    return None


def private_settings(settings: Settings, scratch: Path) -> Settings:
    """Free ports, and databases of its own: the run leaves no conversations or gap records behind."""
    rasa_port = free_port(settings.rasa_host)
    action_port = free_port(settings.rasa_host)
    while action_port == rasa_port:
        action_port = free_port(settings.rasa_host)
    return dataclasses.replace(
        settings,
        rasa_port=rasa_port,
        action_port=action_port,
        database_url=f"sqlite:///{scratch / 'tnw.db'}",
        tracker_store_url=f"sqlite:///{scratch / 'tracker.db'}",
    )


@contextlib.contextmanager
def open_stack(settings: Settings, *, private: bool = False,
               echo: Callable[[str], None] = print) -> Iterator[Settings]:
    """Yield the settings of a Rasa + action server pair to ask questions to."""
    from tnw.prepare import prepare_database
    from tnw.stack import backend

    model = engine.model_path(settings)
    problem = "a private back end was asked for" if private else running_stack_problem(settings, model)
    if problem is None:
        echo(f"Using the running servers at {settings.rasa_url}.")
        yield settings
        return
    if not engine.is_valid_model(model):
        raise EvalSetupError(f"No trained model for the current training data ({model.name}): run `tnw train`.")
    with tempfile.TemporaryDirectory(prefix="tnw-eval-") as scratch:
        own = private_settings(settings, Path(scratch))
        echo(f"Starting a private action server and Rasa server ({problem}) ...")
        prepare_database(own, echo=lambda _message: None)
        with backend(own, model):
            yield own


# -- files ------------------------------------------------------------------------------------
def write_run(directory: Path, records: Sequence[dict[str, Any]], report: dict[str, Any] | None = None) -> Path:
    """DIR/answers.jsonl (one record per question) and, with a report, DIR/report.json."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / ANSWERS_FILE
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    if report is not None:
        (directory / REPORT_FILE).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def read_run(path: Path) -> list[dict[str, Any]]:
    """The records of a run: a directory written by `--out`, or its answers.jsonl."""
    path = Path(path)
    if path.is_dir():
        path = path / ANSWERS_FILE
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            if not isinstance(record, dict) or "id" not in record:
                raise ValueError(f"{path}: line {number} is not an answer record")
            records.append(record)
    return records
