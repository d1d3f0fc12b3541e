"""The answers evaluation: against a fake Rasa that replays fixed replies, and once for real."""
from __future__ import annotations

import dataclasses
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from click.testing import CliRunner

from knowledge_base.evaluation import Question, load_questions
from tnw import engine, eval_cli
from tnw.answer_eval import (
    RasaChannel,
    open_stack,
    read_run,
    run_answers,
    running_stack_problem,
    turn_events,
    turn_outcome,
    webhook_headers,
)
from tnw.answer_scoring import aggregate

TOKEN = "geheim-token"
VOP_ANSWER = "Vlaamse ondersteuningspremie – Bedrag\nDe VOP is 40 % het eerste jaar, daarna 30 %.\nBron: VDAB."


def bot(text, buttons=None, **metadata):
    return {"text": text, "buttons": buttons or [], "metadata": metadata}


# What the fake Rasa answers to each user message: REST messages, and the tracker's bot events.
SCRIPT = {
    "hoeveel is de vop?": [bot(VOP_ANSWER, [{"title": "Hoe vraag ik dit aan?", "payload": "/ask_how_to_apply"}],
                               reply_kind="answer", measure="vop", section="amount")],
    "en voor bedienden?": [bot(VOP_ANSWER, reply_kind="answer", measure="vop", section="amount")],
    "ik wil een coach": [bot("Jobcoaching – Wat is het?\nEen jobcoach begeleidt je op het werk.",
                             reply_kind="answer", measure="jobcoaching", section="what")],
    "iets vaags": [bot("Ik weet niet zeker wat je bedoelt. Gaat het over een van deze?",
                       [{"title": "BTOM", "payload": "/ask_measure"}, {"title": "Jobcoaching", "payload": "/x"}],
                       reply_kind="clarify", candidates=["btom", "jobcoaching"])],
    "hallo": [bot("Hallo! Waarmee kan ik je helpen?", utter_action="utter_greet")],
    "ik wil een afspraak": [bot("Eerst vraag ik je toestemming.")],  # a custom action that reports no kind
}


class FakeRasa(ThreadingHTTPServer):
    """Rasa's REST webhook, tracker endpoint (token required), /status, and an action server /health."""

    def __init__(self, model_file: str = "tnw-fake.tar.gz"):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.model_file = model_file
        self.conversations: dict[str, list[dict]] = {}
        self.messages: list[tuple[str, str]] = []
        self.webhook_headers: list[dict] = []
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return self.server_address[1]


class _Handler(BaseHTTPRequestHandler):
    server: FakeRasa

    def log_message(self, *args):  # keep the test output clean
        pass

    def _json(self, status: int, body) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        url = urlparse(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if url.path != "/webhooks/rest/webhook":
            return self._json(404, {})
        sender, text = body["sender"], body["message"]
        replies = SCRIPT.get(text, [bot("Sorry?", reply_kind="offer_coordinator")])
        with self.server.lock:
            self.server.messages.append((sender, text))
            self.server.webhook_headers.append(dict(self.headers))
            events = self.server.conversations.setdefault(
                sender, [{"event": "action", "name": "action_session_start"}, {"event": "session_started"}])
            events.append({"event": "user", "text": text})
            events.append({"event": "action", "name": "action_answer_kb"})
            events.extend({"event": "bot", "text": r["text"], "data": {"buttons": r["buttons"]},
                           "metadata": r["metadata"]} for r in replies)
            events.append({"event": "action", "name": "action_listen"})
        # Like Rasa's collecting output channel: the metadata never reaches the REST reply.
        return self._json(200, [{"recipient_id": sender, "text": r["text"],
                                 **({"buttons": r["buttons"]} if r["buttons"] else {})}
                                for r in replies])

    def do_GET(self):
        url = urlparse(self.path)
        token = parse_qs(url.query).get("token", [None])[0]
        if url.path == "/health":
            return self._json(200, {"status": "ok"})
        if token != TOKEN:
            return self._json(401, {"message": "no token"})
        if url.path == "/status":
            return self._json(200, {"model_file": self.server.model_file})
        if url.path.startswith("/conversations/") and url.path.endswith("/tracker"):
            sender = url.path.split("/")[2]
            with self.server.lock:
                events = list(self.server.conversations.get(sender, []))
            return self._json(200, {"sender_id": sender, "events": events})
        return self._json(404, {})


@pytest.fixture
def fake_rasa(settings):
    server = FakeRasa(model_file=engine.model_path(settings).name)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live = dataclasses.replace(settings, rasa_port=server.port, action_port=server.port, rasa_auth_token=TOKEN)
    yield server, live
    server.shutdown()
    server.server_close()


QUESTIONS = [
    Question("q1", "hoeveel is de vop?", "employer", "ask_financial_impact", "vop",
             must_mention=("40% | 40 %", "30 %")),
    Question("q2", "en voor bedienden?", "employer", "ask_eligibility", "vop",
             context=("ik wil een coach",), must_mention=("40%", "bedienden")),
    Question("q3", "iets vaags", None, "ask_measure", "btom", must_mention=("BTOM",)),
    Question("q4", "hallo", None, "greet", "none"),
    Question("q5", "ik wil een afspraak", None, "book_intake", "tnw_coordinator"),
]


def test_a_run_against_a_fake_rasa(fake_rasa):
    server, live = fake_rasa
    with RasaChannel(live) as channel:
        records = run_answers(QUESTIONS, channel, run_id="t")
    # every question in its own conversation, its context first
    senders = [r["sender"] for r in records]
    assert len(set(senders)) == 5
    assert [text for sender, text in server.messages if sender == senders[1]] == [
        "ik wil een coach", "en voor bedienden?"]

    q1, q2, q3, q4, q5 = records
    assert q1["kind"] == "answer" and q1["measure"] == "vop" and q1["section"] == "amount"
    assert q1["complete"] is True and "Hoe vraag ik dit aan?" in q1["reply"]
    # only the reply to the question counts: the context's jobcoaching answer is not this turn's
    assert q2["measure"] == "vop" and q2["recall"] == 0.5 and q2["missing"] == ["bedienden"]
    assert q3["kind"] == "clarify" and q3["clarify"] is True and q3["measure"] is None
    assert q3["complete"] is True  # "BTOM" is a button title: the reply holds it
    assert q3["candidates"] == ["btom", "jobcoaching"]
    assert q4["kind"] == "response:utter_greet" and q4["recall"] is None
    assert q5["kind"] == "action:action_answer_kb" and q5["measure_ok"] is False

    report = aggregate(records)
    assert report["n"] == 5
    assert report["complete"] == pytest.approx(2 / 3)  # q1, q3 of q1-q3
    assert report["phrase_recall"] == pytest.approx(2.5 / 3)
    assert report["measure_accuracy"] == pytest.approx(2 / 4)  # q1, q2 right; q3, q5 not
    assert report["clarify_rate"] == pytest.approx(1 / 5)
    assert [r["id"] for r in report["misses"]] == ["q2", "q3", "q5"]


def test_turn_outcome_reads_the_events_after_the_last_user_message():
    tracker = {"events": [
        {"event": "user", "text": "vorige"},
        {"event": "bot", "text": "oud", "metadata": {"reply_kind": "answer", "measure": "btom"}},
        {"event": "user", "text": "nu"},
        {"event": "action", "name": "action_out_of_scope"},
        {"event": "bot", "text": "Daar kan ik niet mee helpen", "metadata": {"reply_kind": "out_of_scope"}},
        {"event": "action", "name": "action_listen"},
    ]}
    events = turn_events(tracker)
    assert [e.get("text") for e in events if e["event"] == "bot"] == ["Daar kan ik niet mee helpen"]
    outcome = turn_outcome(events)
    assert (outcome["kind"], outcome["measure"], outcome["actions"]) == ("out_of_scope", None, ["action_out_of_scope"])
    assert turn_outcome([])["kind"] == "no_reply"


def test_the_running_servers_are_used_only_when_they_serve_the_current_model(fake_rasa, settings):
    server, live = fake_rasa
    model = engine.model_path(settings)
    assert running_stack_problem(live, model) is None
    with open_stack(live, echo=lambda _m: None) as used:
        assert used is live  # nothing started
    server.model_file = "tnw-old.tar.gz"
    assert "tnw-old.tar.gz" in running_stack_problem(live, model)
    gone = dataclasses.replace(live, rasa_port=1)
    assert running_stack_problem(gone, model) == "no Rasa server is running"
    assert webhook_headers(live) == {"X-TNW-Webhook-Secret": live.webhook_secret}  # as the front end sends


def test_the_eval_command_with_answers_json_out_and_compare(fake_rasa, tmp_path, monkeypatch):
    server, live = fake_rasa
    path = tmp_path / "set.yaml"
    path.write_text(yaml.safe_dump({"questions": [
        {"id": q.id, "text": q.text, "role": q.role, "intent": q.intent, "measure": q.measure,
         "must_mention": list(q.must_mention),
         "context": [{"role": "user", "text": t} for t in q.context]} for q in QUESTIONS
    ]}), encoding="utf-8")
    assert load_questions(path)[1].must_mention == ("40%", "bedienden")

    class NoHits:
        chunks = [0]

        def search(self, *args, **kwargs):
            return []

    monkeypatch.setattr(eval_cli, "_settings", lambda: live)
    monkeypatch.setattr(eval_cli, "_load_kb", lambda settings, **kwargs: NoHits())
    out_a = tmp_path / "a"
    result = CliRunner().invoke(eval_cli.eval_command, [str(path), "--answers", "--no-intents", "--json",
                                                        "--out", str(out_a)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"search", "baselines", "intent", "out_of_scope", "answers"}
    assert "items" not in data  # the set names no items
    answers = data["answers"]
    assert answers["n"] == 5 and answers["complete"] == pytest.approx(2 / 3)
    assert answers["measure_accuracy"] == 0.5 and answers["clarify_rate"] == 0.2
    assert answers["phrase_recall"] == pytest.approx(2.5 / 3)
    records = read_run(out_a)
    assert [r["id"] for r in records] == ["q1", "q2", "q3", "q4", "q5"]
    assert records[0]["kind"] == "answer" and "40 %" in records[0]["reply"]

    # A second run in which q2's reply now names "bedienden" and q1 lost its measure.
    SCRIPT_BACKUP = dict(SCRIPT)
    try:
        SCRIPT["en voor bedienden?"] = [bot("Ook voor bedienden: 40%.", reply_kind="answer", measure="vop")]
        SCRIPT["hoeveel is de vop?"] = [bot(VOP_ANSWER, reply_kind="answer", measure="btom")]
        out_b = tmp_path / "b"
        result = CliRunner().invoke(eval_cli.eval_command,
                                    [str(path), "--answers", "--no-intents", "--out", str(out_b)])
        assert result.exit_code == 0, result.output
        assert "Answers (asked through Rasa and the action server)" in result.stdout
        assert "ask_financial_impact" in result.stdout  # the per-intent table
    finally:
        SCRIPT.clear()
        SCRIPT.update(SCRIPT_BACKUP)

    result = CliRunner().invoke(eval_cli.eval_command, ["--compare", str(out_a), str(out_b / "answers.jsonl")])
    assert result.exit_code == 0, result.output
    assert "Better (1):\n  q2 [ask_eligibility] recall 0.500 -> 1.000, now found: bedienden" in result.stdout
    assert "Worse (1):\n  q1 [ask_financial_impact] recall 1.000 -> 1.000, measure vop -> btom" in result.stdout
    assert "phrase_recall     0.833 -> 1.000" in result.stdout

    result = CliRunner().invoke(eval_cli.eval_command, [])
    assert result.exit_code != 0 and "--compare" in result.output


# --- the real stack -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_stack(tmp_path_factory):
    """Both real servers on free ports, with the model trained or reused (the shared helper)."""
    from tests.telegram.stack_support import start_stack

    with pytest.MonkeyPatch.context() as patch, start_stack(patch, tmp_path_factory.mktemp("answers")) as (settings, _):
        yield settings


@pytest.mark.integration
def test_three_questions_through_the_real_stack(real_stack):
    settings = real_stack
    questions = [
        Question("r1", "wat is de VOP?", "employer", "ask_measure", "vop", must_mention=("individueel maatwerk",)),
        Question("r2", "wat voor weer wordt het morgen in Gent?", None, "out_of_scope", "none",
                 must_mention=("VDAB", "KMI")),
        Question("r3", "What is a return-to-work coordinator?", None, "other_language", "tnw_coordinator",
                 must_mention=("ziekenfonds | health insurance",)),
    ]
    with RasaChannel(settings) as channel:
        records = run_answers(questions, channel)
    vop, weather, english = records
    assert all(r["error"] is None for r in records)
    # the kinds and the measure come from the action server, through the tracker
    assert (vop["kind"], vop["measure"], vop["actions"]) == ("answer", "vop", ["action_answer_kb"])
    assert vop["section"] and "Bron:" in vop["reply"] and vop["complete"] is True
    assert weather["kind"] == "out_of_scope" and weather["found"] == ["VDAB"] and weather["recall"] == 0.5
    assert english["kind"] == "other_language" and english["complete"] is True
    assert english["measure"] == "tnw_coordinator"  # the English summary of the coordinator
    # ... and never reach the front end's REST reply
    assert all(set(m) <= {"recipient_id", "text", "buttons", "image", "custom", "attachment"}
               for r in records for m in r["messages"])
    report = aggregate(records)
    assert report["complete"] == 1.0 and report["clarify_rate"] == 0.0
    assert report["measure_accuracy"] == 1.0  # r3 too: the English summary of its measure


@pytest.mark.embedding
def test_the_knowledge_actions_report_each_kind_of_reply(settings):
    """The same conversation as tests/actions: an overview, an item, unclear -> clarify -> offer a person."""
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.knowledge import ActionAnswerKnowledge, ActionRememberRole
    from intake.db import upgrade

    upgrade(settings.database_url)

    def run(action, text, intent, entities=(), slots=None):
        dispatcher = CollectingDispatcher()
        message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": list(entities)}
        action.run(dispatcher, Tracker("t", slots or {}, message, [], False, None, {}, "action_listen"), {})
        return dispatcher.messages[0]

    answer = run(ActionAnswerKnowledge(), "wat is de vop", "ask_measure", [{"entity": "measure", "value": "vop"}])
    assert (answer["reply_kind"], answer["measure"], answer["section"]) == ("answer", "vop", "what")
    item = run(ActionAnswerKnowledge(), "kan ik als werkgever nog een nieuwe vop aanvragen", "ask_how_to_apply",
               [{"entity": "measure", "value": "vop"}])
    assert item["reply_kind"] == "answer" and item["section"].startswith("item:vop-")
    clarify = run(ActionAnswerKnowledge(), "xqzv plomp wrrt", "nlu_fallback")
    assert clarify["reply_kind"] == "clarify" and clarify["candidates"]
    assert run(ActionAnswerKnowledge(), "nog iets onduidelijks", "nlu_fallback",
               slots={"role": "employer", "kb_misses": 1})["reply_kind"] == "offer_coordinator"
    assert run(ActionRememberRole(), "/inform", "inform", [{"entity": "role", "value": "participant"}],
               {"role_asked": True})["reply_kind"] == "role_noted"


def test_retrieval_is_reported_at_item_level_only_when_the_set_names_items(tmp_path):
    from knowledge_base.evaluation import evaluate, format_report, hit_item, public_report
    from knowledge_base.search import Hit

    path = tmp_path / "items.yaml"
    path.write_text(yaml.safe_dump({"questions": [
        {"id": "i1", "text": "hoeveel vop", "intent": "ask_financial_impact", "measure": "vop", "item": "vop/amount"},
        {"id": "i2", "text": "vop aanvragen", "intent": "ask_how_to_apply", "measure": "vop", "item": "vop/apply"},
        {"id": "i3", "text": "wat is btom", "intent": "ask_measure", "measure": "btom"},
    ]}), encoding="utf-8")
    questions = load_questions(path)
    assert [q.item for q in questions] == ["vop/amount", "vop/apply", None]
    ranked = {"i1": ["vop/amount", "vop/what"], "i2": ["vop/what", "btom/apply", "vop/apply"], "i3": ["btom/what"]}
    docs = lambda q: [item.split("/")[0] for item in ranked[q.id]]  # noqa: E731
    report = evaluate(questions, {"hybrid": docs}, None, lambda q: ranked[q.id])
    assert report["items"]["n"] == 2 and report["items"]["top1"] == 0.5
    assert report["items"]["mrr"] == pytest.approx((1 + 1 / 3) / 2)
    assert public_report(report)["items"]["recall_at_3"] == 1.0
    assert "i2: vop/apply -> vop/what (3)" in format_report(report)
    without = evaluate(questions[2:], {"hybrid": docs}, None, lambda q: ranked[q.id])
    assert "items" not in without and "items" not in public_report(without)
    assert hit_item(Hit("vop", "amount", "Hoeveel?", "", 1.0, 0.9, 1, 1)) == "vop/amount"
    assert hit_item(Hit("vop", "item:verlengen", "Kan ik verlengen?", "", 1.0, 0.9, 1, 1)) == "vop/verlengen"
    assert turn_outcome([{"event": "bot", "metadata": {"reply_kind": "answer", "measure": "vop",
                                                       "section": "item:verlengen"}}])["item"] == "vop/verlengen"
