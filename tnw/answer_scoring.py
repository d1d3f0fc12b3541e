"""Scoring of the assistant's replies against a question set's `must_mention` phrases.

Pure functions, no I/O: `tnw.answer_eval` asks the questions through the real stack and
hands each reply here.

- A question's `must_mention` is a list of groups; a group is one phrase or alternatives
  separated by " | ". A group is found when any alternative occurs in the reply.
- Matching ignores case, accents and runs of whitespace, writes a number and its unit sign
  together ("40 %" = "40%", "€ 500" = "€500"), and needs whole words: a phrase may not start
  or end inside a word ("RVA" is not found in "ervaring", "40%" not in "140%").
- The reply text is every bot message's text and every button title, joined.
- The reply kind comes from the action server (`reply_kind` in each message's metadata, see
  actions/knowledge.py); a clarification is a reply of a kind in CLARIFY_KINDS.

Per question (`score_question`): found/missing groups, recall = found / all groups, complete
(every group found), measure_ok (answered from the expected measure), clarify.
Over a run (`aggregate`):
- complete, phrase_recall: over knowledge questions (intent `ask_*`) that have phrases;
- measure_accuracy: over questions whose expected measure is not `none` (a reply that did not
  answer from a measure counts as wrong); measure_accuracy_knowledge: the same over `ask_*`;
- item_accuracy: over questions that name an `item` (`<measure>/<section key or item id>`);
- clarify_rate: over all questions;
- per intent, the same figures over that intent's questions (phrases of any intent count there).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from dutch_text import fold

NO_MEASURE = "none"
KNOWLEDGE_INTENT_PREFIX = "ask_"
# Replies that ask the user to pick a topic or a role instead of answering.
CLARIFY_KINDS = frozenset({"clarify", "ask_role"})
ANSWER_KIND = "answer"

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "`": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"',
                         "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})
_UNIT_AFTER = re.compile(r"(\d)\s+([%‰€$£])")  # "40 %" -> "40%", "500 €" -> "500€"
_UNIT_BEFORE = re.compile(r"([€$£])\s+(\d)")  # "€ 500" -> "€500"
_ALTERNATIVES = re.compile(r"\s*\|\s*")


def normalise(text: str | None) -> str:
    """Lower case, no accents, one space for any run of whitespace, units next to numbers."""
    if not text:
        return ""
    plain = fold(str(text))
    plain = " ".join(plain.translate(_QUOTES).split())
    plain = _UNIT_AFTER.sub(r"\1\2", plain)
    return _UNIT_BEFORE.sub(r"\1\2", plain)


def alternatives(group: str) -> list[str]:
    """The phrases of one `must_mention` entry ("40% | 40 %" -> ["40%", "40 %"])."""
    return [phrase for phrase in _ALTERNATIVES.split(str(group).strip()) if phrase]


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether `phrase` stands in `text` as whole words (both normalised here)."""
    needle = normalise(phrase)
    if not needle:
        return False
    return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", normalise(text)) is not None


def group_found(text: str, group: str) -> bool:
    return any(contains_phrase(text, phrase) for phrase in alternatives(group))


def reply_text(messages: Iterable[dict[str, Any]]) -> str:
    """All bot texts and button titles of a turn, one per line (what the person reads)."""
    parts: list[str] = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        if message.get("text"):
            parts.append(str(message["text"]))
        for button in message.get("buttons") or []:
            if isinstance(button, dict) and button.get("title"):
                parts.append(str(button["title"]))
    return "\n".join(parts)


def is_knowledge(intent: str | None) -> bool:
    return bool(intent) and str(intent).startswith(KNOWLEDGE_INTENT_PREFIX)


def has_measure(measure: str | None) -> bool:
    return bool(measure) and measure != NO_MEASURE


def score_question(
    *,
    must_mention: Sequence[str],
    reply: str,
    expected_measure: str | None,
    answered_measure: str | None,
    kind: str | None,
    expected_item: str | None = None,
    answered_item: str | None = None,
) -> dict[str, Any]:
    """The scores of one reply (None where the question gives nothing to score)."""
    groups = [str(group) for group in must_mention or [] if alternatives(str(group))]
    found = [group for group in groups if group_found(reply, group)]
    missing = [group for group in groups if group not in found]
    return {
        "found": found,
        "missing": missing,
        "recall": len(found) / len(groups) if groups else None,
        "complete": not missing if groups else None,
        "measure_ok": answered_measure == expected_measure if has_measure(expected_measure) else None,
        "item_ok": answered_item == expected_item if expected_item else None,
        "clarify": kind in CLARIFY_KINDS,
    }


# -- a run -------------------------------------------------------------------------------------
def _mean(values: Iterable[float | bool]) -> float | None:
    values = [float(v) for v in values]
    return sum(values) / len(values) if values else None


def _figures(records: Sequence[dict[str, Any]], *, knowledge_only: bool) -> dict[str, Any]:
    phrased = [r for r in records if r.get("recall") is not None
               and (not knowledge_only or is_knowledge(r.get("intent")))]
    measured = [r for r in records if r.get("measure_ok") is not None]
    return {
        "complete": _mean(r["complete"] for r in phrased),
        "phrase_recall": _mean(r["recall"] for r in phrased),
        "measure_accuracy": _mean(r["measure_ok"] for r in measured),
        "clarify_rate": _mean(bool(r.get("clarify")) for r in records),
        "n": len(records),
        "n_phrases": len(phrased),
        "n_measure": len(measured),
    }


def is_miss(record: dict[str, Any]) -> bool:
    """A reply that lacks a phrase (of any intent: an out-of-scope referral to the wrong place
    is a miss too), a question not answered from its expected measure, or a failed turn."""
    if record.get("error"):
        return True
    return record.get("complete") is False or record.get("measure_ok") is False


def aggregate(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The report of a run: headline figures, figures per intent, reply kinds and the misses."""
    report = _figures(records, knowledge_only=True)
    knowledge = [r for r in records if is_knowledge(r.get("intent"))]
    report["measure_accuracy_knowledge"] = _mean(r["measure_ok"] for r in knowledge if r.get("measure_ok") is not None)
    items = [r for r in records if r.get("item_ok") is not None]
    report["item_accuracy"] = _mean(r["item_ok"] for r in items)
    report["n_item"] = len(items)
    report["n_knowledge"] = len(knowledge)
    report["errors"] = sum(1 for r in records if r.get("error"))
    report["kinds"] = dict(Counter(r.get("kind") or "none" for r in records).most_common())
    by_intent: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_intent.setdefault(record.get("intent") or "-", []).append(record)
    report["per_intent"] = {intent: _figures(group, knowledge_only=False)
                            for intent, group in sorted(by_intent.items())}
    report["misses"] = [r for r in records if is_miss(r)]
    return report


PUBLIC_KEYS = ("complete", "phrase_recall", "measure_accuracy", "clarify_rate", "n",
               "measure_accuracy_knowledge", "n_phrases", "n_measure", "n_knowledge", "errors")


def public_answers(report: dict[str, Any]) -> dict[str, Any]:
    """The `answers` object of `tnw eval --answers --json` (no per-question detail)."""
    public = {key: report[key] for key in PUBLIC_KEYS}
    if report.get("n_item"):
        public["item_accuracy"] = report["item_accuracy"]
        public["n_item"] = report["n_item"]
    public["per_intent"] = {
        intent: {key: figures[key] for key in ("complete", "phrase_recall", "measure_accuracy", "clarify_rate", "n")}
        for intent, figures in report["per_intent"].items()
    }
    return public


# -- text --------------------------------------------------------------------------------------
def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_answers(report: dict[str, Any], *, reply_chars: int = 300) -> str:
    lines = [
        "Answers (asked through Rasa and the action server)",
        f"  complete          {_fmt(report['complete'])}   knowledge questions with every phrase "
        f"(n {report['n_phrases']})",
        f"  phrase recall     {_fmt(report['phrase_recall'])}   mean share of phrases found (same questions)",
        f"  measure accuracy  {_fmt(report['measure_accuracy'])}   answered from the expected measure "
        f"(n {report['n_measure']}; knowledge questions only {_fmt(report['measure_accuracy_knowledge'])})",
        f"  clarify rate      {_fmt(report['clarify_rate'])}   replies that ask for a topic or a role "
        f"(n {report['n']})",
    ]
    if report.get("n_item"):
        lines.append(f"  item accuracy     {_fmt(report['item_accuracy'])}   answered from the expected item "
                     f"(n {report['n_item']})")
    if report.get("errors"):
        lines.append(f"  errors            {report['errors']}   turns that got no answer from Rasa")
    lines += ["", f"  {'intent':<22} {'n':>4} {'complete':>9} {'recall':>7} {'measure':>8} {'clarify':>8}"]
    for intent, figures in report["per_intent"].items():
        lines.append(
            f"  {intent:<22} {figures['n']:>4} {_fmt(figures['complete']):>9} {_fmt(figures['phrase_recall']):>7} "
            f"{_fmt(figures['measure_accuracy']):>8} {_fmt(figures['clarify_rate']):>8}"
        )
    lines.append("")
    lines.append("  Reply kinds: " + ", ".join(f"{kind} {count}" for kind, count in report["kinds"].items()))
    misses = report["misses"]
    if misses:
        lines += ["", f"  Misses ({len(misses)}): id [intent] expected measure -> answered (kind); missing phrases"]
        for record in misses:
            measure = record.get("measure") or "-"
            expected = record.get("expected_measure") or "-"
            missing = "; ".join(record.get("missing") or []) or "-"
            lines.append(f"    {record['id']} [{record.get('intent')}] {expected} -> {measure} "
                         f"({record.get('kind') or 'none'}); missing: {missing}")
            lines.append(f"      Q: {_short(record.get('text', ''), 160)}")
            if record.get("error"):
                lines.append(f"      error: {record['error']}")
            lines.append(f"      A: {_short(record.get('reply', ''), reply_chars)}")
    return "\n".join(lines)


# -- comparing two runs ------------------------------------------------------------------------
def _quality(record: dict[str, Any]) -> tuple[float, float, float]:
    """What "better" means, in order: phrase recall, right measure, not a clarification."""
    recall = record.get("recall")
    measure_ok = record.get("measure_ok")
    return (
        -1.0 if recall is None else float(recall),
        -1.0 if measure_ok is None else float(measure_ok),
        0.0 if record.get("clarify") else 1.0,
    )


def compare(before: Sequence[dict[str, Any]], after: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Question by question (matched on id): better, worse, unchanged, and both runs' totals."""
    old = {r["id"]: r for r in before}
    new = {r["id"]: r for r in after}
    changes = []
    for qid in [r["id"] for r in after if r["id"] in old]:
        a, b = old[qid], new[qid]
        qa, qb = _quality(a), _quality(b)
        if qa == qb:
            continue
        changes.append({
            "id": qid,
            "intent": b.get("intent"),
            "change": "better" if qb > qa else "worse",
            "recall": (a.get("recall"), b.get("recall")),
            "measure": (a.get("measure"), b.get("measure")),
            "kind": (a.get("kind"), b.get("kind")),
            "found": sorted(set(b.get("found") or []) - set(a.get("found") or [])),
            "lost": sorted(set(a.get("found") or []) - set(b.get("found") or [])),
        })
    summary_a, summary_b = aggregate(list(before)), aggregate(list(after))
    totals = {key: (summary_a[key], summary_b[key])
              for key in ("complete", "phrase_recall", "measure_accuracy", "clarify_rate", "n")}
    return {
        "better": [c for c in changes if c["change"] == "better"],
        "worse": [c for c in changes if c["change"] == "worse"],
        "unchanged": sum(1 for r in after if r["id"] in old) - len(changes),
        "only_before": sorted(set(old) - set(new)),
        "only_after": sorted(set(new) - set(old)),
        "totals": totals,
    }


def format_comparison(result: dict[str, Any]) -> str:
    def one(value: Any) -> str:
        if value is None:
            return "-"
        return _fmt(value) if isinstance(value, float) else str(value)

    def pair(values: tuple) -> str:
        return f"{one(values[0])} -> {one(values[1])}"

    lines = []
    for label in ("better", "worse"):
        changes = result[label]
        lines.append(f"{label.capitalize()} ({len(changes)}):")
        for c in changes:
            detail = [f"recall {pair(c['recall'])}"]
            if c["measure"][0] != c["measure"][1]:
                detail.append(f"measure {pair(c['measure'])}")
            if c["kind"][0] != c["kind"][1]:
                detail.append(f"kind {pair(c['kind'])}")
            if c["found"]:
                detail.append("now found: " + "; ".join(c["found"]))
            if c["lost"]:
                detail.append("lost: " + "; ".join(c["lost"]))
            lines.append(f"  {c['id']} [{c['intent']}] " + ", ".join(detail))
    lines.append(f"Unchanged: {result['unchanged']}")
    if result["only_before"] or result["only_after"]:
        lines.append(f"Only in A: {', '.join(result['only_before']) or '-'}; "
                     f"only in B: {', '.join(result['only_after']) or '-'}")
    lines.append("Totals (A -> B):")
    for key, values in result["totals"].items():
        lines.append(f"  {key:<17} {pair(values)}")
    return "\n".join(lines)
