"""The gap-log scrubber against the corpus written before it (tests/intake/scrub_corpus.yaml).

The test prints what was caught per kind and fails unless every name and every piece of contact
data (phone, e-mail, national number, account number) is gone; addresses and health details must
be gone too, and the words of the question itself (`keep`) must stay.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from intake.scrub import fold, scrub

CORPUS = yaml.safe_load((Path(__file__).parent / "scrub_corpus.yaml").read_text(encoding="utf-8"))
KINDS = ("names", "contact", "address", "health")


def _left(item: str, text: str | None) -> bool:
    return fold(str(item)) in fold(text or "")


def test_corpus_is_large_enough_and_varied():
    assert len(CORPUS) >= 30
    for kind in KINDS:
        assert sum(1 for m in CORPUS if m.get(kind)) >= 5, kind
    assert any(not any(m.get(k) for k in KINDS) for m in CORPUS), "also messages without personal data"


def test_corpus_scrubbed_completely(capsys):
    caught = {k: 0 for k in (*KINDS, "keep")}
    total = dict(caught)
    misses: list[str] = []
    for message in CORPUS:
        result = scrub(message["text"]).text
        for kind in KINDS:
            for item in message.get(kind) or []:
                total[kind] += 1
                if _left(item, result):
                    misses.append(f"{kind} {item!r} left in: {result}")
                else:
                    caught[kind] += 1
        for item in message.get("keep") or []:
            total["keep"] += 1
            if _left(item, result):
                caught["keep"] += 1
            else:
                misses.append(f"question word {item!r} lost: {result}")
    report = "\n".join(
        [f"scrub corpus ({len(CORPUS)} messages):"]
        + [f"  {kind:8} {caught[kind]}/{total[kind]}" for kind in (*KINDS, "keep")]
        + [f"  MISS {m}" for m in misses]
    )
    with capsys.disabled():
        print("\n" + report)
    # Names and contact data: full removal, no exceptions.
    assert caught["names"] == total["names"], report
    assert caught["contact"] == total["contact"], report
    assert caught["address"] == total["address"], report
    assert caught["health"] == total["health"], report
    assert caught["keep"] == total["keep"], report


@pytest.mark.parametrize("text", [
    "Wil je me helpen met mijn aanvraag?",
    "Ben ik te laat voor de VOP?",
    "Kan ik VOP krijgen als zelfstandige?",
    "Toon me de voorwaarden van BTOM",
    "Mag mijn werkgever vragen waarom ik ziek ben?",
    "Can I get support for my employee?",
    "Krijg ik VOP in 2026 voor 40% of 1500 euro?",
    "Dag, hoe lang duurt een traject bij GTB?",
    "Hoeveel kost een tolk op het werk?",
    "Ik ben werkgever in Gent en zoek jobcoaching.",
    "Wat doet de arbeidsmarkt voor mensen met een ziekte-uitkering?",
    "Ik ben al 2 jaar thuis en mijn loopbaan ligt stil, wat nu?",
])
def test_questions_without_personal_data_stay_as_they_are(text):
    result = scrub(text)
    assert result.text == text
    assert not result.personal


def test_found_counts_kinds_not_values():
    result = scrub("Ik ben Jan Peeters, bel 0470 12 34 56 of mail jan@example.be; ik heb kanker.")
    assert result.found == {"name": 1, "phone": 1, "email": 1, "health": 1}
    assert result.text == "Ik ben [naam], bel [telefoonnummer] of mail [e-mail]; ik heb [gezondheid]."


def test_national_numbers_and_accounts():
    text = scrub("rr 85.07.30-033.61, 04.12.01-123.45 en BE68 5390 0754 7034").text
    assert text == "rr [rijksregisternummer], [rijksregisternummer] en [rekeningnummer]"


def test_long_text_is_limited():
    assert len(scrub("woord " * 300).text) <= 500
    assert scrub("   ").text is None
