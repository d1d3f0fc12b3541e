from __future__ import annotations

import pytest

from actions.scope import ActionOutOfScope, ActionReplyOtherLanguage, guess_language, referral_for
from tests.actions.action_support import make_tracker, run_action


@pytest.mark.parametrize("text, place", [
    ("hoe ontsla ik iemand zonder opzegvergoeding", "sociaal secretariaat"),
    ("kan ik met mijn ziekte-uitkering een lening krijgen bij de bank", "bank"),
    ("ons kindergeld is verminderd sinds ik thuis zit, wie moet ik bellen", "Groeipakket"),
    ("tellen mijn ziektejaren mee voor later als ik op pensioen ga", "Pensioendienst"),
    ("ik viel van een ladder op het werk, wie betaalt mijn vergoeding", "Fedris"),
    ("hoe krijg ik een integratietegemoetkoming voor mijn zoon", "DG Personen met een handicap"),
    ("wat is een persoonsvolgend budget", "VAPH"),
    ("krijg ik een belastingbrief voor mijn uitkering", "FOD Financiën"),
    ("na mijn ontslag wil ik stempelen, hoe vraag ik werkloosheid aan", "RVA"),
    ("welke pil helpt tegen hoofdpijn", "huisarts"),
    ("kan je mijn cv nakijken", "VDAB"),
    ("wie wint de koers", "VDAB"),
])
def test_out_of_scope_points_to_the_right_place(text, place):
    assert place in referral_for(text)


@pytest.mark.embedding
def test_out_of_scope_action_answers_in_dutch():
    messages, _ = run_action(ActionOutOfScope(), make_tracker("welk weer wordt het", "out_of_scope"))
    assert messages[0]["text"].startswith("Daar kan ik je helaas niet mee helpen")


@pytest.mark.parametrize("text, language, phrase", [
    ("Hello, do you speak English? I was sick for a year", "en", "only help in Dutch"),
    ("Bonjour, je cherche de l'aide pour reprendre le travail", "fr", "qu'en néerlandais"),
    ("Hallo, ich bin krank und suche Hilfe bei der Arbeit", "de", "nur auf Niederländisch"),
])
def test_other_languages_get_a_reply_in_their_language(text, language, phrase):
    assert guess_language(text) == language
    messages, _ = run_action(ActionReplyOtherLanguage(), make_tracker(text, "other_language"))
    assert phrase in messages[0]["text"] and "0800 30 700" in messages[0]["text"]


@pytest.mark.embedding
def test_a_clear_knowledge_question_read_as_out_of_scope_is_answered_from_the_knowledge_base(kb_env):
    messages, slots = run_action(ActionOutOfScope(), make_tracker(
        "wie betaalt de aanpassing van mijn werkpost als ik een arbeidshandicap heb", "out_of_scope"))
    assert messages[0]["reply_kind"] == "answer" and slots["measure"] == "btom"


def test_a_question_for_another_body_stays_out_of_scope_even_when_it_sounds_like_ours(kb_env):
    messages, _ = run_action(ActionOutOfScope(), make_tracker(
        "krijg ik als werkloze met een arbeidshandicap nog dopgeld van de RVA", "out_of_scope"))
    assert messages[0]["reply_kind"] == "out_of_scope" and "RVA" in messages[0]["text"]
