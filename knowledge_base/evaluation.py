"""Evaluation of search and intent classification on a question set (format of eval/dev.yaml).

The metrics are pure functions over questions and a ranking/prediction function, so they are
unit-tested with fakes; `evaluate` wires them to a KnowledgeBase and an NLU parser.

Search (questions whose `measure` is not `none`), over the distinct document ids of the hits:
- top1: the first document is the expected measure;
- recall_at_3: the expected measure is among the first three documents;
- mrr: mean of 1/rank of the expected measure (0 when absent).
Items (questions that name an `item`, written `<measure>/<section key or item id>`): the same three
figures over the distinct items of the hits, reported only when the set names items.
Intent (questions with an `intent`): accuracy and macro-F1 (F1 averaged over every label that
occurs as expected or predicted, like scikit-learn's default). The question sets label every
message of the booking conversation `book_intake`; our NLU splits that conversation into finer
intents (form answers are `inform`, and so on), which are counted as `book_intake` through the
explicit INTENT_LABEL_MAP below; the misses list still shows the fine-grained prediction.
Out-of-scope recall: the share of
questions with intent out_of_scope predicted as out_of_scope or nlu_fallback.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

NO_MEASURE = "none"
OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"
SEARCH_MODES = ("hybrid", "bm25", "dense")
# Our booking sub-intents -> the question sets' single label for the booking conversation.
INTENT_LABEL_MAP = {
    "inform": "book_intake",
    "my_appointment": "book_intake",
    "cancel_appointment": "book_intake",
    "reschedule_appointment": "book_intake",
    # How someone feels, and a request to say it simpler: the question sets call these smalltalk.
    "express_frustration": "smalltalk",
    "share_good_news": "smalltalk",
    "ask_simpler": "smalltalk",
    # A "tell me more" after an answer is a question about the measure.
    "ask_item": "ask_measure",
}


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    role: str | None
    intent: str | None
    measure: str | None
    context: tuple[str, ...] = ()  # the user's earlier messages in the conversation, oldest first
    must_mention: tuple[str, ...] = ()  # phrases the reply must hold ("a | b": either), see tnw.answer_scoring
    section: str | None = None  # the kind of information that answers it (not scored by search)
    item: str | None = None  # the answer item expected, "<measure>/<section key or item id>" (item_key)

    @property
    def search_role(self) -> str | None:
        return self.role if self.role in ("participant", "employer") else None

    @property
    def has_measure(self) -> bool:
        return bool(self.measure) and self.measure != NO_MEASURE


def load_questions(path: Path | str) -> list[Question]:
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data.get("questions") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError(f"{path.name}: expected a 'questions' list")
    questions = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise ValueError(f"{path.name}: question {number} has no 'text'")
        measure = item.get("measure")
        context = item.get("context") or []
        if not isinstance(context, list):
            raise ValueError(f"{path.name}: question {number} has a 'context' that is not a list")
        must_mention = item.get("must_mention") or []
        if not isinstance(must_mention, list) or not all(isinstance(p, (str, int, float)) for p in must_mention):
            raise ValueError(f"{path.name}: question {number} has a 'must_mention' that is not a list of phrases")
        questions.append(
            Question(
                id=str(item.get("id", f"#{number}")),
                text=item["text"],
                role=item.get("role"),
                intent=item.get("intent"),
                measure=str(measure) if measure is not None else None,
                context=tuple(
                    str(turn["text"]) for turn in context
                    if isinstance(turn, dict) and turn.get("role") == "user" and turn.get("text")
                ),
                must_mention=tuple(str(phrase) for phrase in must_mention),
                section=str(item["section"]) if item.get("section") is not None else None,
                item=str(item["item"]) if item.get("item") is not None else None,
            )
        )
    return questions


# -- search ------------------------------------------------------------------------------------
def search_metrics(
    questions: Iterable[Question], ranked_docs: Callable[[Question], list[str]]
) -> dict:
    """top1 / recall_at_3 / mrr / n over questions with a measure, plus the misses."""
    return _rank_metrics(questions, ranked_docs, lambda q: q.measure if q.has_measure else None)


def item_metrics(questions: Iterable[Question], ranked_items: Callable[[Question], list[str]]) -> dict:
    """The same figures at item level, over the questions that name an item."""
    return _rank_metrics(questions, ranked_items, lambda q: q.item)


def _rank_metrics(
    questions: Iterable[Question], ranked: Callable[[Question], list[str]],
    expected_of: Callable[[Question], str | None],
) -> dict:
    n = top1 = recall3 = 0
    reciprocal = 0.0
    misses = []
    for question in questions:
        expected = expected_of(question)
        if not expected:
            continue
        docs = []
        for doc_id in ranked(question):
            if doc_id not in docs:
                docs.append(doc_id)
        n += 1
        rank = docs.index(expected) + 1 if expected in docs else None
        if rank == 1:
            top1 += 1
        else:
            misses.append({"id": question.id, "expected": expected, "got": docs[0] if docs else None,
                           "rank": rank})
        if rank is not None and rank <= 3:
            recall3 += 1
        if rank is not None:
            reciprocal += 1.0 / rank
    return {
        "top1": top1 / n if n else None,
        "recall_at_3": recall3 / n if n else None,
        "mrr": reciprocal / n if n else None,
        "n": n,
        "misses": misses,
    }


# -- intents -----------------------------------------------------------------------------------
def macro_f1(expected: list[str], predicted: list[str]) -> float:
    labels = sorted(set(expected) | set(predicted))
    if not labels:
        return 0.0
    total = 0.0
    for label in labels:
        tp = sum(1 for e, p in zip(expected, predicted, strict=False) if e == label and p == label)
        fp = sum(1 for e, p in zip(expected, predicted, strict=False) if e != label and p == label)
        fn = sum(1 for e, p in zip(expected, predicted, strict=False) if e == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        total += 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return total / len(labels)


def intent_metrics(questions: Iterable[Question], predictions: dict[str, str]) -> dict:
    """Accuracy and macro-F1 over questions with an intent; `predictions` maps question id -> intent."""
    labelled = [q for q in questions if q.intent]
    expected = [q.intent for q in labelled if q.intent]  # all of them: the test narrows the type
    fine = [predictions.get(q.id) or "" for q in labelled]
    predicted = [INTENT_LABEL_MAP.get(p, p) for p in fine]
    n = len(labelled)
    correct = sum(1 for e, p in zip(expected, predicted, strict=False) if e == p)
    misses = [{"id": q.id, "expected": e, "got": f}
              for q, e, p, f in zip(labelled, expected, predicted, fine, strict=False) if e != p]
    return {
        "accuracy": correct / n if n else None,
        "macro_f1": macro_f1(expected, predicted) if n else None,
        "n": n,
        "misses": misses,
    }


def out_of_scope_metrics(questions: Iterable[Question], predictions: dict[str, str]) -> dict:
    oos = [q for q in questions if q.intent == OUT_OF_SCOPE]
    caught = sum(1 for q in oos if predictions.get(q.id) in (OUT_OF_SCOPE, FALLBACK))
    return {"recall": caught / len(oos) if oos else None, "n": len(oos)}


def predict_intents(questions: Iterable[Question], parse: Callable[[str], str]) -> dict[str, str]:
    return {q.id: parse(q.text) for q in questions if q.intent}


# -- wiring ------------------------------------------------------------------------------------
def kb_ranker(kb, mode: str) -> Callable[[Question], list[str]]:
    """Distinct document ids for a question, best first, from a KnowledgeBase."""

    def ranked(question: Question) -> list[str]:
        hits = kb.search(question.text, role=question.search_role, k=len(kb.chunks), mode=mode,
                         context=question.context)
        return [hit.doc_id for hit in hits]

    return ranked


def item_key(measure: str, section_key: str) -> str:
    """`<measure>/<key>`: the key of a section ("vop/amount"), or of an answer item, whose
    chunks carry the section key `item:<item id>` ("vop/<item id>")."""
    return f"{measure}/{section_key.split(':', 1)[-1]}"


def hit_item(hit) -> str:
    """A hit's item id (see item_key)."""
    return item_key(hit.doc_id, hit.section_key)


def kb_item_ranker(kb, mode: str = "hybrid") -> Callable[[Question], list[str]]:
    """Distinct item ids for a question, best first, from a KnowledgeBase."""

    def ranked(question: Question) -> list[str]:
        hits = kb.search(question.text, role=question.search_role, k=len(kb.chunks), mode=mode,
                         context=question.context)
        return [hit_item(hit) for hit in hits]

    return ranked


def evaluate(
    questions: list[Question],
    rankers: dict[str, Callable[[Question], list[str]]],
    parse: Callable[[str], str] | None,
    item_ranker: Callable[[Question], list[str]] | None = None,
) -> dict:
    """The full report: search for every mode in `rankers`, intents when `parse` is given,
    items when `item_ranker` is given and the set names items."""
    search = {mode: search_metrics(questions, ranker) for mode, ranker in rankers.items()}
    report: dict = {
        "search": search.get("hybrid"),
        "baselines": {mode: metrics for mode, metrics in search.items() if mode != "hybrid"},
        "intent": None,
        "out_of_scope": None,
    }
    if item_ranker is not None and any(q.item for q in questions):
        report["items"] = item_metrics(questions, item_ranker)
    if parse is not None:
        predictions = predict_intents(questions, parse)
        report["intent"] = intent_metrics(questions, predictions)
        report["out_of_scope"] = out_of_scope_metrics(questions, predictions)
    return report


def public_report(report: dict) -> dict:
    """The report without the misses lists: the JSON printed by `tnw eval --json`."""

    def strip(metrics):
        if metrics is None:
            return None
        return {key: value for key, value in metrics.items() if key != "misses"}

    public = {
        "search": strip(report["search"]),
        "baselines": {mode: strip(metrics) for mode, metrics in report["baselines"].items()},
        "intent": strip(report["intent"]),
        "out_of_scope": strip(report["out_of_scope"]),
    }
    if report.get("items"):
        public["items"] = strip(report["items"])
    return public


def _fmt(value) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def format_report(report: dict) -> str:
    lines = ["Search (questions with a measure)", f"  {'mode':<8} {'top1':>6} {'R@3':>6} {'MRR':>6} {'n':>4}"]
    rows = [("hybrid", report["search"])] + list(report["baselines"].items())
    for mode, metrics in rows:
        if metrics is None:
            continue
        lines.append(
            f"  {mode:<8} {_fmt(metrics['top1']):>6} {_fmt(metrics['recall_at_3']):>6} "
            f"{_fmt(metrics['mrr']):>6} {metrics['n']:>4}"
        )
    if report["search"] and report["search"]["misses"]:
        lines.append("  Misses (hybrid): id, expected, got (rank of expected)")
        for miss in report["search"]["misses"]:
            lines.append(f"    {miss['id']}: {miss['expected']} -> {miss['got']} ({miss['rank'] or '-'})")
    items = report.get("items")
    if items:
        lines.append(
            f"Items (questions that name one): top1 {_fmt(items['top1'])}, R@3 {_fmt(items['recall_at_3'])}, "
            f"MRR {_fmt(items['mrr'])}, n {items['n']}"
        )
        for miss in items["misses"]:
            lines.append(f"    {miss['id']}: {miss['expected']} -> {miss['got']} ({miss['rank'] or '-'})")
    lines.append("")
    intent = report["intent"]
    if intent is None:
        lines.append("Intents: no trained NLU model available (skipped)")
    else:
        lines.append(
            f"Intents: accuracy {_fmt(intent['accuracy'])}, macro-F1 {_fmt(intent['macro_f1'])}, n {intent['n']}"
        )
        oos = report["out_of_scope"]
        lines.append(f"Out of scope: recall {_fmt(oos['recall'])}, n {oos['n']}")
        if intent["misses"]:
            lines.append("  Misses: id, expected, got")
            for miss in intent["misses"]:
                lines.append(f"    {miss['id']}: {miss['expected']} -> {miss['got']}")
    return "\n".join(lines)


# -- confidence calibration -------------------------------------------------------------------
# Everyday questions that no document answers, written for calibration (not from an eval set):
# negatives that teach the confidence model what "no real match" looks like.
OFF_TOPIC_QUESTIONS = (
    "Welke pizza bestel ik vanavond?",
    "Hoe laat sluit de bakker op zondag?",
    "Wat is de hoofdstad van Frankrijk?",
    "Kan je een gedichtje schrijven voor mijn moeder?",
    "Wie heeft de match van gisteren gewonnen?",
    "Hoe reset ik het wachtwoord van mijn e-mail?",
    "Wat voor weer wordt het morgen in Gent?",
    "Hoeveel kost een treinticket naar Brussel?",
    "Waar kan ik mijn auto laten wassen?",
    "Hoe maak ik stoofvlees met friet?",
    "Mijn kat eet niet meer, wat moet ik doen?",
    "Welke film draait er deze week in de cinema?",
    "Hoe vul ik mijn belastingaangifte in via Tax-on-web?",
    "Kan ik mijn rijbewijs verlengen bij de gemeente?",
    "Wat is een goede naam voor een hond?",
)


def calibration_samples(
    kb, questions: list[Question], top: int = 3, negatives: Iterable[str] = OFF_TOPIC_QUESTIONS
) -> tuple[list[tuple[float, ...]], list[int]]:
    """(features, label) for the top documents of each question's hybrid ranking.

    Label 1 when the document is the question's measure; questions without a measure (out of
    scope, small talk) give only negatives, which teaches the model to doubt those.
    """
    features, labels = [], []
    questions = list(questions) + [
        Question(f"neg{i}", text, None, OUT_OF_SCOPE, NO_MEASURE) for i, text in enumerate(negatives)
    ]
    for question in questions:
        ranking = kb.rank(question.text, role=question.search_role)
        if ranking is None:
            continue
        docs = sorted(ranking.doc_features, key=lambda d: -ranking.doc_features[d][0])[:top]
        for doc_id in docs:
            features.append(ranking.doc_features[doc_id])
            labels.append(int(question.has_measure and doc_id == question.measure))
    return features, labels


def fit_logistic(features: list[tuple[float, ...]], labels: list[int], l2: float = 0.3,
                 steps: int = 5000, lr: float = 0.5) -> tuple[float, ...]:
    """Plain L2-regularised logistic regression (intercept first), by gradient descent."""
    import numpy as np

    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    x = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2 / len(x))
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) / len(x) + penalty * w
        w -= lr * gradient
    return tuple(float(round(v, 3)) for v in w)


def brier(probabilities: list[float], labels: list[int]) -> float:
    return sum((p - y) ** 2 for p, y in zip(probabilities, labels, strict=False)) / max(len(labels), 1)


def log_loss(probabilities: list[float], labels: list[int]) -> float:
    eps = 1e-6
    return -sum(
        y * math.log(max(p, eps)) + (1 - y) * math.log(max(1 - p, eps))
        for p, y in zip(probabilities, labels, strict=False)
    ) / max(len(labels), 1)
