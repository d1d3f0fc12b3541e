import pytest

from rasa_addons.question_rules import Ranked, means_a_request, redirected

RANKING = [Ranked("greet", 0.6), Ranked("book_intake", 0.2), Ranked("thank", 0.1), Ranked("ask_measure", 0.1)]


def test_a_greeting_before_a_request_is_read_as_the_request():
    new = redirected("Goeiemiddag! Ik had graag een gesprek met iemand van de mutualiteit", RANKING)
    assert [entry.name for entry in new] == ["book_intake", "ask_measure"]
    assert new[0].confidence == pytest.approx(2 / 3)
    assert sum(entry.confidence for entry in new) == pytest.approx(1.0)


def test_a_bare_greeting_stays_a_greeting():
    assert redirected("hallo daar!", RANKING) is None
    assert redirected("goeiemorgen, hoe is't", RANKING) is None  # two words after the greeting


@pytest.mark.parametrize("intent", ["goodbye", "thank", "share_good_news", "affirm", "deny"])
def test_a_question_never_gets_an_acknowledgement(intent):
    assert means_a_request("oké merci, en moet mijn werkgever daar iets voor tekenen?", intent)


def test_a_happy_remark_without_a_question_stays_a_happy_remark():
    assert not means_a_request("Mijn eerste week terug op het werk zit erop en het ging goed", "share_good_news")


def test_other_intents_and_button_payloads_are_left_alone():
    assert not means_a_request("hoeveel is de loonpremie?", "ask_financial_impact")
    assert not means_a_request('/greet{"x": 1} wat is dat?', "greet")


def test_nothing_changes_when_the_ranking_holds_no_request():
    assert redirected("dag dag, tot de volgende keer dan", [Ranked("greet", 0.7), Ranked("goodbye", 0.3)]) is None


def test_a_greeting_with_a_name_stays_a_greeting():
    assert not means_a_request("hallo, ik ben Jan", "greet")


def test_a_greeting_with_an_introduction_and_no_wish_stays_a_greeting():
    assert not means_a_request("dag, ik ben Marleen, preventieadviseur in een ziekenhuis in Aalst", "greet")
    # ... but an introduction that says what is wanted is a request.
    assert means_a_request("dag, ik ben Marleen en ik zoek hulp voor een collega die terugkomt", "greet")
