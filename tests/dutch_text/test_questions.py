import pytest

from dutch_text.questions import is_introduction, is_question, without_social_opener, word_count


@pytest.mark.parametrize("text, rest", [
    ("Dag! Ik wil graag iemand spreken over mijn werk", "Ik wil graag iemand spreken over mijn werk"),
    ("hallo, goeiemorgen... wat is btom", "wat is btom"),
    ("merci! en hoeveel is dat dan?", "en hoeveel is dat dan?"),
    ("oké bedankt", ""),
    ("Dagelijks werk ik halftijds", "Dagelijks werk ik halftijds"),  # a word, not the greeting "dag"
])
def test_the_opener_is_taken_off(text, rest):
    assert without_social_opener(text) == rest


@pytest.mark.parametrize("text", [
    "mag ik al starten als de adviserend arts nog niet geantwoord heeft",
    "Ik begin maandag terug. Het formulier is weg. Kan ik al beginnen",
    "en hoeveel krijg ik dan",
    "super, is er ook iets voor zelfstandigen?",
])
def test_questions_are_recognised_without_or_with_a_question_mark(text):
    assert is_question(text)


@pytest.mark.parametrize("text", [
    "Ik ben vandaag voor het eerst terug gaan werken en het ging goed",
    "Dag! Ik wil graag iemand spreken over mijn werk",
    "dank je, tot later",
])
def test_remarks_are_not_questions(text):
    assert not is_question(text)


def test_word_count_keeps_flemish_contractions_whole():
    assert word_count("'k weet het nie, da's lastig") == 6


def test_an_introduction_says_who_is_writing_and_nothing_more():
    assert is_introduction("goeiemiddag, ik ben Bart, zaakvoerder van een garage")
    assert is_introduction("'k ben de moeder van Lien")
    assert not is_introduction("dag, ik ben Bart en ik zoek steun voor mijn mecanicien")
    assert not is_introduction("ik wil iemand spreken over mijn werk")
