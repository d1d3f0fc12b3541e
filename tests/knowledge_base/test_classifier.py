"""The document classifier learns from the knowledge base's own labelled text."""
from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.chunking import Chunk
from knowledge_base.classifier import DocumentClassifier, training_samples


def _item(doc_id: str, *questions: str) -> Chunk:
    return Chunk(doc_id, f"item:{doc_id}-1", questions[0], "Antwoord.", "both", doc_id.upper(), (), tuple(questions))


CHUNKS = [
    _item("btom", "Wie betaalt een aangepaste stoel?", "kan mijn bureau aangepast worden", "hulpmiddel op het werk"),
    _item("jobcoaching", "Kan iemand mij begeleiden op de werkvloer?", "coach op het werk", "begeleiding bij de start"),
    Chunk("btom", "what", "Wat is het?", "VDAB betaalt aanpassingen van de werkpost. Ook vervoer.", "employer",
          "BTOM", ("werkpostaanpassing",)),
]


def test_samples_hold_every_phrasing_section_lead_and_name():
    samples = training_samples(CHUNKS)
    texts = {text for text, _ in samples}
    assert "kan mijn bureau aangepast worden" in texts
    assert any(text.startswith("Wat is het?. VDAB betaalt") for text in texts)
    assert ("werkpostaanpassing", "btom") in samples
    assert samples == sorted(samples)  # a stable order: the same model every time


def test_new_wording_goes_to_the_document_whose_phrasings_it_shares():
    classifier = DocumentClassifier.from_chunks(CHUNKS)
    proba = classifier.probabilities("wie betaalt mijn aangepaste bureaustoel", ["btom", "jobcoaching", "vop"])
    assert proba.argmax() == 0
    assert proba[2] == 0.0  # a document it never saw
    assert np.isclose(proba.sum(), 1.0)
    coach = classifier.probabilities("een coach die mij begeleidt", ["btom", "jobcoaching"])
    assert coach.argmax() == 1


def test_no_samples_is_an_error():
    with pytest.raises(ValueError):
        DocumentClassifier([])
