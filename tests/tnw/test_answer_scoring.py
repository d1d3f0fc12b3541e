"""Scoring of replies against must_mention phrases, on a tiny hand-made set."""
from __future__ import annotations

import pytest

from tnw.answer_scoring import (
    aggregate,
    alternatives,
    compare,
    contains_phrase,
    format_answers,
    format_comparison,
    group_found,
    normalise,
    public_answers,
    reply_text,
    score_question,
)


def test_normalise_folds_case_accents_whitespace_and_units():
    assert normalise("  De  Coördinator\n\tvan het\u00a0ZIEKENFONDS ") == "de coordinator van het ziekenfonds"
    assert normalise("40 % en 30\u00a0%") == "40% en 30%"
    assert normalise("€ 1.500 of 200 €") == "€1.500 of 200€"
    assert normalise("terug\u2013naar\u2013werk, ‘VOP’") == "terug-naar-werk, 'vop'"
    assert normalise(None) == ""


@pytest.mark.parametrize("text, phrase, expected", [
    ("Je hebt ervaring nodig.", "RVA", False),  # inside a word: no
    ("Ga naar de RVA of je vakbond.", "RVA", True),
    ("ga naar de rva.", "RVA", True),  # case
    ("(RVA)", "rva", True),  # punctuation is a word boundary
    ("Vraag het aan de adviserend arts.", "adviserend arts", True),
    ("Vraag het aan de adviserend\n   arts.", "adviserend arts", True),  # a run of whitespace
    ("de adviserende arts", "adviserend arts", False),  # the phrase must end at a word boundary
    ("Het is een tussenkomst van VDAB.", "tussenkomst", True),
    ("Neem contact op met de coordinator.", "coördinator", True),  # accents, either side
    ("Neem contact op met de coördinator.", "coordinator", True),
    ("Médecin-conseil", "medecin-conseil", True),
    ("40 % van het loon", "40%", True),  # number and % written apart in the reply
    ("40% van het loon", "40 %", True),  # ... or in the phrase
    ("140% van het loon", "40%", False),  # not inside a bigger number
    ("een premie van 40,5%", "40%", False),
    ("binnen de 49 dagen", "49 dagen", True),
    ("binnen de 149 dagen", "49 dagen", False),
    ("vanaf 1 juli 2023", "1 juli 2023", True),
    ("vanaf 1 juli 2023", "", False),  # an empty phrase is never found
])
def test_contains_phrase(text, phrase, expected):
    assert contains_phrase(text, phrase) is expected


def test_alternatives_are_separated_by_a_bar():
    assert alternatives("40% | 40 %") == ["40%", "40 %"]
    assert alternatives("VAPH") == ["VAPH"]
    assert alternatives(" Fedris |verzekeraar ") == ["Fedris", "verzekeraar"]
    assert group_found("Je verzekeraar betaalt.", "Fedris | verzekeraar")
    assert not group_found("De werkgever betaalt.", "Fedris | verzekeraar")


def test_reply_text_joins_texts_and_button_titles():
    messages = [
        {"recipient_id": "x", "text": "Gaat het over een van deze?", "buttons": [
            {"title": "Individueel maatwerk", "payload": "/ask_measure"}, {"payload": "/x"}]},
        {"text": "Tweede bericht"},
        "geen bericht",
    ]
    assert reply_text(messages) == "Gaat het over een van deze?\nIndividueel maatwerk\nTweede bericht"


def test_score_question_counts_groups_and_checks_the_measure():
    score = score_question(
        must_mention=["40% | 40 %", "30%", "RVA"], reply="40 % en later 30 %; ervaring telt",
        expected_measure="vop", answered_measure="vop", kind="answer",
    )
    assert score["found"] == ["40% | 40 %", "30%"] and score["missing"] == ["RVA"]
    assert score["recall"] == pytest.approx(2 / 3) and score["complete"] is False
    assert score["measure_ok"] is True and score["clarify"] is False and score["item_ok"] is None

    clarify = score_question(must_mention=[], reply="Gaat het over een van deze?", expected_measure="btom",
                             answered_measure=None, kind="clarify", expected_item="btom/apply", answered_item=None)
    assert clarify["recall"] is None and clarify["complete"] is None  # nothing to find: not scored
    assert clarify["measure_ok"] is False and clarify["clarify"] is True and clarify["item_ok"] is False
    assert score_question(must_mention=["x"], reply="x", expected_measure="none", answered_measure=None,
                          kind="ask_role")["measure_ok"] is None
    assert score_question(must_mention=["x"], reply="x", expected_measure="none", answered_measure=None,
                          kind="ask_role")["clarify"] is True


def record(qid, intent, *, recall=None, measure_ok=None, kind="answer", measure=None, expected="vop", found=()):
    return {"id": qid, "intent": intent, "recall": recall,
            "complete": None if recall is None else recall == 1.0, "measure_ok": measure_ok,
            "clarify": kind in ("clarify", "ask_role"), "kind": kind, "measure": measure,
            "expected_measure": expected, "item_ok": None, "found": list(found), "missing": [],
            "text": f"vraag {qid}", "reply": f"antwoord {qid}", "error": None}


RUN = [
    record("a", "ask_measure", recall=1.0, measure_ok=True, measure="vop"),
    record("b", "ask_measure", recall=0.5, measure_ok=True, measure="vop"),
    record("c", "ask_eligibility", recall=0.0, measure_ok=False, kind="clarify"),
    record("d", "ask_eligibility", recall=None, measure_ok=False, measure="btom"),  # no phrases in the set
    record("e", "out_of_scope", recall=0.0, measure_ok=None, kind="out_of_scope", expected="none"),
    record("f", "book_intake", recall=None, measure_ok=False, kind="action:action_start_booking",
           expected="tnw_coordinator"),
    record("g", "greet", kind="response:utter_greet", expected="none"),
]


def test_aggregate_by_hand():
    report = aggregate(RUN)
    # complete / recall over knowledge questions with phrases: a, b, c (e is not a knowledge question)
    assert report["complete"] == pytest.approx(1 / 3)
    assert report["phrase_recall"] == pytest.approx(1.5 / 3)
    assert report["n_phrases"] == 3
    # measure accuracy over questions with a measure: a, b right; c, d, f wrong
    assert report["measure_accuracy"] == pytest.approx(2 / 5) and report["n_measure"] == 5
    assert report["measure_accuracy_knowledge"] == pytest.approx(2 / 4)
    assert report["clarify_rate"] == pytest.approx(1 / 7)
    assert report["n"] == 7 and report["n_knowledge"] == 4
    assert report["per_intent"]["ask_eligibility"]["measure_accuracy"] == 0.0
    assert report["per_intent"]["out_of_scope"]["phrase_recall"] == 0.0  # phrases count per intent
    assert report["kinds"]["answer"] == 3
    assert [r["id"] for r in report["misses"]] == ["b", "c", "d", "e", "f"]  # not a, g

    public = public_answers(report)
    assert {"complete", "phrase_recall", "measure_accuracy", "clarify_rate", "n"} <= set(public)
    assert "item_accuracy" not in public  # the set names no items
    text = format_answers(report)
    assert "complete          0.333" in text and "c [ask_eligibility] vop -> - (clarify)" in text
    assert "antwoord c" in text


def test_compare_two_runs():
    after = [dict(r) for r in RUN]
    after[1] = record("b", "ask_measure", recall=1.0, measure_ok=True, measure="vop", found=["x", "y"])
    after[0] = record("a", "ask_measure", recall=1.0, measure_ok=False, measure="btom")
    after[2] = record("c", "ask_eligibility", recall=0.0, measure_ok=False, kind="answer", measure="btom")
    result = compare(RUN, after[:-1])
    assert [c["id"] for c in result["better"]] == ["b", "c"]  # c: an answer instead of a clarification
    assert [c["id"] for c in result["worse"]] == ["a"]
    assert result["unchanged"] == 3 and result["only_before"] == ["g"]
    assert result["totals"]["complete"] == (pytest.approx(1 / 3), pytest.approx(2 / 3))
    text = format_comparison(result)
    assert "Better (2)" in text and "a [ask_measure] recall 1.000 -> 1.000, measure vop -> btom" in text
