"""The crisis pattern net, its replies, and the scoring of a crisis set (pure, no servers)."""
from __future__ import annotations

import pytest

from safety.crisis import assess, normalise
from safety.evaluation import TEAM_SET, Case, load_cases, score
from safety.replies import crisis_reply


@pytest.mark.parametrize("text", [
    "ik zie het echt niet meer zitten",
    "'k zie 't nie mi zitten",
    "ik zie het niet zitten.",
    "eigenlijk zie ik het allemaal niet meer zitten",  # the subject after the verb
    "soms zie ik het echt niet zitten",
    "ik wil er een einde aan maken",
    "ik wil niet meer",
    "soms wil ik gewoon niet meer wakker worden",
    "niemand zou mij missen als ik weg ben",
    "ze zijn allemaal beter af zonder mij",
    "ik heb al een tijd pillen opgespaard",
    "ik denk aan zelfmoord",
    "ik wil dood",
    "ik trek het niet meer",
    "het leven heeft voor mij geen zin meer",
    "je veux mourir",
    "j'en peux plus de cette vie",
    "I want to end it all",
    "nobody would miss me",
])
def test_signs_of_crisis_are_caught(text):
    assert assess(text).is_crisis, text


@pytest.mark.parametrize("text", [
    "ik zie het niet zitten om zelf naar het ziekenfonds te bellen",
    "ik wil niet meer bij die werkgever werken",
    "bestaat die premie er niet meer?",
    "kan ik een einde maken aan mijn contract tijdens mijn ziekte",
    "ik kan niet meer werken door mijn rug, welke steun is er?",
    "ik moet mijn pillen innemen om acht uur, mag ik dan werken?",
    "mijn polsen doen pijn van het typen, bestaat er een aangepast klavier?",
    "wat is de VOP?",
    "I'm dying to know how this works",
    "je ne vois pas l'intérêt de téléphoner",
    "hallo",
    "",
])
def test_ordinary_messages_are_not_crises(text):
    assert not assess(text).is_crisis, text


def test_spoken_flemish_is_written_out():
    assert normalise("'k Zie 't nie mi zitten") == "ik zie het niet meer zitten"
    assert normalise("Suïcide\u200b") == "suicide"


@pytest.mark.parametrize("text, someone_else", [
    ("mijn broer zegt dat hij er een einde aan wil maken", True),
    ("ik maak me zorgen om mijn vrouw, ze wil niet meer leven", True),
    ("mon fils parle de se suicider", True),
    ("mijn man zegt dat ik lui ben, ik wil niet meer leven", False),
    ("ik zie het niet meer zitten", False),
])
def test_who_is_at_risk(text, someone_else):
    assert assess(text).about_someone_else is someone_else


@pytest.mark.parametrize("text, language, phrase", [
    ("ik zie het niet meer zitten", "nl", "Zelfmoordlijn"),
    ("je pense à en finir avec la vie", "fr", "danger immédiat"),
    ("I don't want to live anymore", "en", "danger right now"),
])
def test_the_reply_is_in_the_writers_language(text, language, phrase):
    assessment = assess(text)
    assert assessment.language == language
    reply = crisis_reply(assessment)
    assert phrase in reply and "1813" in reply and "112" in reply


def test_replies_ask_nothing_and_say_what_is_not_sure():
    for text in ("ik wil dood", "mijn zus wil niet meer leven", "je veux mourir", "my son wants to die"):
        reply = crisis_reply(assess(text))
        assert "?" not in reply
        assert "1813" in reply and "112" in reply
    assert "weet ik niet zeker" in crisis_reply(assess("ik wil dood"))
    assert "persoon aanmoedigen" in crisis_reply(assess("mijn zus wil niet meer leven"))


def test_scoring_counts_recall_and_precision():
    cases = [Case("a", True), Case("b", True), Case("c", False), Case("d", False)]
    report = score(cases, lambda text: text in {"a", "c"})
    assert (report.recall, report.precision) == (0.5, 0.5)
    assert report.missed_texts == ["b"] and report.false_alarm_texts == ["c"]


def test_the_team_set_is_large_and_mixed():
    cases = load_cases(TEAM_SET)
    assert len(cases) >= 60
    kinds = {case.kind for case in cases}
    assert {"crisis", "naaste", "near", "lookalike"} <= kinds
    assert {"nl", "vls", "fr", "en"} <= {case.language for case in cases}


def test_question_sets_are_read_by_intent(tmp_path):
    path = tmp_path / "set.yaml"
    path.write_text("questions:\n- {id: q1, text: help, intent: crisis}\n"
                    "- {id: q2, text: 'vop?', intent: ask_measure}\n")
    assert [case.crisis for case in load_cases(path)] == [True, False]
    (tmp_path / "bad.yaml").write_text("messages:\n- {text: x}\n")
    with pytest.raises(ValueError, match="bad.yaml: message 1"):
        load_cases(tmp_path / "bad.yaml")
