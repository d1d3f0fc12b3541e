from __future__ import annotations

import pytest
from tests.actions.action_support import make_tracker, run_action

from actions.scope import ActionOutOfScope, ActionReplyOtherLanguage, guess_language, referral_for


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
