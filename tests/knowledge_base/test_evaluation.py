from __future__ import annotations

import contextlib
import json
import sys
import types

import pytest
from click.testing import CliRunner

from knowledge_base.evaluation import (
    Question,
    evaluate,
    format_report,
    intent_metrics,
    load_questions,
    macro_f1,
    out_of_scope_metrics,
    public_report,
    search_metrics,
)
from tnw import eval_cli  # `tnw eval` moved to the top layer (issue 12)

QUESTIONS = [
    Question("a", "vraag a", "participant", "ask_measure", "btom"),
    Question("b", "vraag b", "employer", "ask_measure", "vop"),
    Question("c", "vraag c", None, "ask_eligibility", "jobcoaching"),
    Question("d", "vraag d", "participant", "ask_measure", "arbeidszorg"),
    Question("e", "hoi", "participant", "greet", "none"),
    Question("f", "het weer?", "participant", "out_of_scope", "none"),
    Question("g", "pizza?", "participant", "out_of_scope", "none"),
]

# Chunk-level doc ids (repeats collapse to distinct documents in order).
RANKED = {
    "a": ["btom", "btom", "vop"],  # rank 1
    "b": ["btom", "btom", "btom", "jobcoaching", "vop"],  # distinct: btom, jobcoaching, vop -> rank 3
    "c": ["vop", "btom", "arbeidszorg", "jobcoaching"],  # rank 4
    "d": [],  # not found
    "e": ["vop"],
    "f": ["vop"],
    "g": ["vop"],
}


def fake_ranker(question):
    return RANKED[question.id]


def test_search_metrics_by_hand():
    metrics = search_metrics(QUESTIONS, fake_ranker)
    assert metrics["n"] == 4  # measure "none" is skipped
    assert metrics["top1"] == pytest.approx(1 / 4)
    assert metrics["recall_at_3"] == pytest.approx(2 / 4)
    assert metrics["mrr"] == pytest.approx((1 + 1 / 3 + 1 / 4 + 0) / 4)
    assert [(m["id"], m["expected"], m["got"], m["rank"]) for m in metrics["misses"]] == [
        ("b", "vop", "btom", 3), ("c", "jobcoaching", "vop", 4), ("d", "arbeidszorg", None, None)
    ]


def test_macro_f1_by_hand():
    expected = ["x", "x", "y", "z"]
    predicted = ["x", "y", "y", "y"]
    # x: P=1, R=.5 -> 2/3 ; y: P=1/3, R=1 -> .5 ; z: 0
    assert macro_f1(expected, predicted) == pytest.approx((2 / 3 + 0.5 + 0) / 3)


ANSWERS = {"vraag a": "ask_measure", "vraag b": "ask_measure", "vraag c": "ask_measure",
           "vraag d": "ask_measure", "hoi": "greet", "het weer?": "nlu_fallback", "pizza?": "ask_measure"}


def test_intent_and_out_of_scope_metrics_with_fake_parse():
    report = evaluate(QUESTIONS, {"hybrid": fake_ranker, "bm25": fake_ranker}, ANSWERS.__getitem__)
    intent = report["intent"]
    assert intent["n"] == 7
    assert intent["accuracy"] == pytest.approx(4 / 7)  # c, f (fallback is not out_of_scope here), g wrong
    # ask_measure P=3/5 R=1 -> .75; greet 1; ask_eligibility, out_of_scope, nlu_fallback 0
    assert intent["macro_f1"] == pytest.approx(1.75 / 5)
    assert [(m["id"], m["expected"], m["got"]) for m in intent["misses"]] == [
        ("c", "ask_eligibility", "ask_measure"), ("f", "out_of_scope", "nlu_fallback"),
        ("g", "out_of_scope", "ask_measure"),
    ]
    # nlu_fallback counts as out of scope for the recall
    assert report["out_of_scope"] == {"recall": pytest.approx(0.5), "n": 2}
    assert report["search"]["top1"] == pytest.approx(0.25)
    assert set(report["baselines"]) == {"bm25"}


def test_direct_metric_functions():
    predictions = {"a": "ask_measure", "f": "out_of_scope", "g": "out_of_scope"}
    assert out_of_scope_metrics(QUESTIONS, predictions) == {"recall": 1.0, "n": 2}
    metrics = intent_metrics([QUESTIONS[0]], {"a": "ask_measure"})
    assert (metrics["accuracy"], metrics["macro_f1"], metrics["n"]) == (1.0, 1.0, 1)


def test_booking_sub_intents_count_as_book_intake_but_other_labels_do_not():
    questions = [
        Question("p", "3500 hasselt", "participant", "book_intake", "none"),
        Question("q", "mijn afspraak?", "participant", "book_intake", "none"),
        Question("r", "afspraak maken", "participant", "book_intake", "none"),
    ]
    metrics = intent_metrics(questions, {"p": "inform", "q": "my_appointment", "r": "ask_measure"})
    assert metrics["accuracy"] == pytest.approx(2 / 3)
    # the miss keeps the fine-grained prediction; a mapped one is no miss
    assert metrics["misses"] == [{"id": "r", "expected": "book_intake", "got": "ask_measure"}]


def test_without_parser_intent_metrics_are_null():
    report = evaluate(QUESTIONS, {"hybrid": fake_ranker, "bm25": fake_ranker, "dense": fake_ranker}, None)
    assert report["intent"] is None and report["out_of_scope"] is None
    public = public_report(report)
    assert set(public) == {"search", "baselines", "intent", "out_of_scope"}
    assert set(public["search"]) == {"top1", "recall_at_3", "mrr", "n"}
    assert set(public["baselines"]) == {"bm25", "dense"}
    text = format_report(report)
    assert "b: vop -> btom (3)" in text and "no trained NLU model" in text


def test_load_questions(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(
        "version: 1\nquestions:\n"
        "- id: x1\n  text: Wat is een VOP?\n  role: employer\n  intent: ask_measure\n  measure: vop\n"
        "- id: x2\n  text: hallo\n  role: coordinator\n  intent: greet\n  measure: none\n",
        encoding="utf-8",
    )
    questions = load_questions(path)
    assert [(q.id, q.measure, q.has_measure, q.search_role) for q in questions] == [
        ("x1", "vop", True, "employer"), ("x2", "none", False, None)
    ]


def test_load_questions_keeps_the_users_earlier_messages_as_context(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(
        "questions:\n- id: c1\n  context:\n  - role: user\n    text: Ik wil een coach.\n"
        "  - role: assistant\n    text: Waar woon je?\n  text: 9000 gent\n  measure: jobcoaching\n",
        encoding="utf-8",
    )
    assert load_questions(path)[0].context == ("Ik wil een coach.",)
    path.write_text("questions:\n- id: c2\n  context: oeps\n  text: hallo\n", encoding="utf-8")
    with pytest.raises(ValueError, match="question 1 has a 'context'"):
        load_questions(path)


class _FakeKB:
    chunks = list(range(10))

    def search(self, text, *, role=None, k=5, mode="hybrid", **_):
        from knowledge_base.search import Hit

        question = next(q for q in QUESTIONS if q.text == text)
        return [Hit(d, "what", "Wat is het?", "", 1.0, 0.5, None, None) for d in RANKED[question.id]]


def test_eval_command_prints_one_json_object(tmp_path, monkeypatch):
    path = tmp_path / "q.yaml"
    import yaml

    path.write_text(yaml.safe_dump({"questions": [
        {"id": q.id, "text": q.text, "role": q.role, "intent": q.intent, "measure": q.measure} for q in QUESTIONS
    ]}), encoding="utf-8")

    @contextlib.contextmanager
    def fake_open_nlu_parser(settings):
        yield ANSWERS.__getitem__

    monkeypatch.setattr(eval_cli, "_settings", lambda: None)
    monkeypatch.setattr(eval_cli, "_load_kb", lambda settings, **kwargs: _FakeKB())
    monkeypatch.setitem(sys.modules, "tnw.nlu_client",
                        types.SimpleNamespace(open_nlu_parser=fake_open_nlu_parser))
    result = CliRunner().invoke(eval_cli.eval_command, [str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["search"] == {"top1": 0.25, "recall_at_3": 0.5, "mrr": pytest.approx((1 + 1 / 3 + 1 / 4) / 4), "n": 4}
    assert set(data["baselines"]) == {"bm25", "dense"}
    assert data["intent"]["accuracy"] == pytest.approx(4 / 7)
    assert data["out_of_scope"] == {"recall": 0.5, "n": 2}

    result = CliRunner().invoke(eval_cli.eval_command, [str(path), "--no-intents"])
    assert result.exit_code == 0 and "Search" in result.output and "skipped" in result.output
