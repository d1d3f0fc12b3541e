"""Search behaviour on small hand-made documents with the fake embedder."""
from __future__ import annotations

import pytest
from kb_testdocs import write_doc

from knowledge_base.search import Hit, KnowledgeBase


@pytest.fixture
def kb(tmp_path, fake_embedder):
    directory = tmp_path / "docs"
    write_doc(directory, "btom", title="Bijzondere tewerkstellingsondersteunende maatregelen",
              aliases=("BTOM", "werkpostaanpassing"), audience="employer",
              sections={"what": "Een tussenkomst van VDAB voor de aanpassing van de werkpost.",
                        "amount": "VDAB betaalt de meerkost van het aangepaste materiaal.",
                        "apply": "Vraag de tussenkomst aan bij VDAB vóór de aankoop."})
    write_doc(directory, "tnw_coordinator", title="Terug-naar-werk-coördinator",
              aliases=("TNW-coördinator",), audience="participant",
              sections={"what": "Een begeleider van het ziekenfonds die je helpt om terug aan het werk te gaan.",
                        "amount": "De begeleiding door de coördinator is gratis."})
    write_doc(directory, "jobcoaching", title="Jobcoaching", aliases=("jobcoach",), audience="both",
              sections={"what": "Een jobcoach begeleidt je op de werkvloer."})
    return KnowledgeBase.load(documents_dir=directory, index_dir=tmp_path / "index", model=fake_embedder)


def test_search_returns_hits_for_the_named_measure(kb):
    hits = kb.search("Wat is een BTOM?")
    assert hits and isinstance(hits[0], Hit)
    assert hits[0].doc_id == "btom"
    assert hits[0].section_key == "what"  # "wat" points at the "Wat is het?" section
    assert len(hits) == 5
    assert all(0.0 <= h.confidence <= 1.0 for h in hits)
    # grouped by document; within a document by score
    docs = [h.doc_id for h in kb.search("Wat is een BTOM?", k=18)]
    assert docs == sorted(docs, key=docs.index)
    btom = [h for h in hits if h.doc_id == "btom"]
    assert btom == sorted(btom, key=lambda h: -h.score)
    assert hits[0].bm25_rank is not None and hits[0].dense_rank is not None


def test_enriched_section_found_by_measure_name(kb):
    hits = kb.search("BTOM aanvragen")
    assert (hits[0].doc_id, hits[0].section_key) == ("btom", "apply")


def test_k_measure_and_section(kb):
    assert len(kb.search("begeleiding", k=2)) == 2
    only = kb.search("begeleiding", measure="btom", k=10)
    assert {h.doc_id for h in only} == {"btom"} and len(only) == 6
    assert kb.search("begeleiding", measure="bestaat_niet") == []
    hits = kb.search("coördinator", section="amount")
    assert (hits[0].doc_id, hits[0].section_key) == ("tnw_coordinator", "amount")
    with pytest.raises(ValueError):
        kb.search("coördinator", section="prijs")
    with pytest.raises(ValueError):
        kb.search("coördinator", mode="fuzzy")


def test_role_boost_prefers_the_audience(kb):
    query = "begeleiding"
    boost = kb.config.role_boost
    assert boost > 0

    def scores(role):
        return {(h.doc_id, h.section_key): h.score for h in kb.search(query, role=role, k=18)}

    neutral, employer, participant = scores(None), scores("employer"), scores("participant")
    for key, score in neutral.items():
        audience = kb.documents[key[0]].audience
        expected_employer = {"employer": boost, "both": boost / 2, "participant": 0.0}[audience]
        expected_participant = {"participant": boost, "both": boost / 2, "employer": 0.0}[audience]
        assert employer[key] - score == pytest.approx(expected_employer)
        assert participant[key] - score == pytest.approx(expected_participant)


def test_strong_role_boost_reorders(tmp_path, fake_embedder, kb):
    from dataclasses import replace

    strong = KnowledgeBase.load(documents_dir=kb.documents["btom"].path.parent, index_dir=tmp_path / "strong",
                                model=fake_embedder, config=replace(kb.config, role_boost=1.0))
    assert strong.search("begeleiding", role="employer")[0].doc_id == "btom"
    assert strong.search("begeleiding", role="participant")[0].doc_id == "tnw_coordinator"


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "🙂🙂🙂", "?!", "de het een"])
def test_queries_without_content_give_no_hits(kb, query):
    assert kb.search(query) == []


def test_emoji_and_very_long_queries_do_not_crash(kb, fake_embedder):
    assert kb.search("BTOM 🙂 aanvragen 👍")[0].doc_id == "btom"
    long_query = "Ik heb een vraag over de aanpassing van mijn werkpost. " * 500
    hits = kb.search(long_query)
    assert hits and hits[0].doc_id == "btom"


def test_modes(kb):
    for mode in ("hybrid", "bm25", "dense"):
        assert kb.search("jobcoach op de werkvloer", mode=mode)
    assert kb.search("jobcoach op de werkvloer", mode="bm25")[0].doc_id == "jobcoaching"
