"""Recall and precision of a crisis check on a labelled set of messages (pure; `tnw crisis-eval`).

Two formats are read: the team's own set (`safety/crisis_set.yaml`: `messages` with a boolean
`crisis`) and the project's question sets (`../shared/eval/*.yaml`: `questions`, a crisis is a
question whose `intent` is `crisis`). Recall counts the crisis messages that were caught;
precision counts the caught messages that really were crises.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

TEAM_SET = Path(__file__).resolve().parent / "crisis_set.yaml"


@dataclass(frozen=True)
class Case:
    text: str
    crisis: bool
    kind: str = ""  # crisis | naaste | near | lookalike (team set); the intent (question sets)
    language: str = "nl"


@dataclass
class CrisisReport:
    n: int
    crises: int
    caught: int
    false_alarms: int
    missed_texts: list[str] = field(default_factory=list)
    false_alarm_texts: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.crises if self.crises else 1.0

    @property
    def precision(self) -> float:
        flagged = self.caught + self.false_alarms
        return self.caught / flagged if flagged else 1.0

    def as_dict(self) -> dict:
        return {
            "n": self.n, "crises": self.crises, "recall": round(self.recall, 3),
            "precision": round(self.precision, 3), "missed": self.missed_texts,
            "false_alarms": self.false_alarm_texts,
        }


def load_cases(path: Path | str) -> list[Case]:
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected a mapping with 'messages' or 'questions'")
    cases: list[Case] = []
    if "messages" in data:
        for number, item in enumerate(data["messages"] or [], start=1):
            if (not isinstance(item, dict) or not isinstance(item.get("text"), str)
                    or not isinstance(item.get("crisis"), bool)):
                raise ValueError(f"{path.name}: message {number} needs a 'text' and a true/false 'crisis'")
            cases.append(Case(item["text"], item["crisis"], str(item.get("kind", "")), str(item.get("language", "nl"))))
    elif "questions" in data:
        for number, item in enumerate(data["questions"] or [], start=1):
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError(f"{path.name}: question {number} has no 'text'")
            intent = str(item.get("intent", ""))
            cases.append(Case(item["text"], intent == "crisis", intent))
    else:
        raise ValueError(f"{path.name}: expected 'messages' (crisis set) or 'questions' (question set)")
    return cases


def score(cases: list[Case], is_crisis: Callable[[str], bool]) -> CrisisReport:
    report = CrisisReport(n=len(cases), crises=sum(case.crisis for case in cases), caught=0, false_alarms=0)
    for case in cases:
        flagged = is_crisis(case.text)
        if case.crisis and flagged:
            report.caught += 1
        elif case.crisis:
            report.missed_texts.append(case.text)
        elif flagged:
            report.false_alarms += 1
            report.false_alarm_texts.append(case.text)
    return report
