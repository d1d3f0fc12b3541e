"""Answer items: parsing and validation, and how they rank against the overview sections."""
from __future__ import annotations

import pytest
from kb_testdocs import write_doc

from knowledge_base.chunking import chunk_documents
from knowledge_base.documents import load_documents
from knowledge_base.items import ItemError, load_items
from knowledge_base.search import KnowledgeBase

GOOD = """\
document: demo
items:
  - id: demo-zelfstandige
    question: Kan ik de demo-premie krijgen als zelfstandige?
    phrasings:
      - geldt de demo ook voor zelfstandigen
      - ik ben zelfstandige, mag ik de demopremie aanvragen
      - demo als eigen baas
    answer: Ja, als je zelfstandige in hoofdberoep bent. Vraag het aan bij het kantoor.
    kind: yes_no
    audience: participant
    sources: [https://example.org/demo]
    last_verified: 2026-11-30
    related: [demo-termijn]
  - id: demo-termijn
    question: Tegen wanneer moet ik de demo aanvragen?
    phrasings:
      - wat is de deadline voor de demo
      - hoe lang heb ik om de demo aan te vragen
      - demo aanvraag termijn
    answer: Binnen 30 dagen na de start van je werk.
    kind: fact
    audience: both
    sources: [https://example.org/demo]
    last_verified: 2026-11-29
    related: []
"""


def write_kb(tmp_path, items: str | None = GOOD):
    docs = tmp_path / "documents"
    write_doc(docs, "demo")
    write_doc(docs, "ander", title="Andere maatregel", aliases=("ander",))
    if items is not None:
        (tmp_path / "items").mkdir(exist_ok=True)
        (tmp_path / "items" / "demo.yaml").write_text(items, encoding="utf-8")
    return docs


def test_items_are_loaded_with_their_document(tmp_path):
    documents = load_documents(write_kb(tmp_path))
    demo = documents["demo"]
    assert [item.id for item in demo.items] == ["demo-zelfstandige", "demo-termijn"]
    assert demo.item("demo-termijn").questions[0] == "Tegen wanneer moet ik de demo aanvragen?"
    assert str(demo.item("demo-termijn").last_verified) == "2026-11-29"
    assert documents["ander"].items == ()


@pytest.mark.parametrize("change, message", [
    (("answer: Ja, als je zelfstandige", "answer: Als je zelfstandige"),
     "item 'demo-zelfstandige': a yes/no answer starts with its verdict"),
    (("related: [demo-termijn]", "related: [demo-bestaat-niet]"), "related to unknown item 'demo-bestaat-niet'"),
    (("id: demo-termijn", "id: demo-zelfstandige"), "item 'demo-zelfstandige' is also in"),
    (("kind: fact", "kind: weetje"), "item 'demo-termijn': 'kind' must be one of"),
    (("      - demo aanvraag termijn\n", ""), "item 'demo-termijn': 'phrasings' must have 3 to 8 entries"),
    (("audience: both", "audience: iedereen"), "'audience' must be one of"),
    (("document: demo", "document: andere"), "demo.yaml: 'document' is 'andere' but the file name says 'demo'"),
])
def test_bad_items_name_the_file_and_the_item(tmp_path, change, message):
    docs = write_kb(tmp_path, GOOD.replace(*change, 1))
    with pytest.raises(ItemError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_documents(docs)


def test_an_answer_over_700_characters_is_refused(tmp_path):
    long_answer = "Binnen 30 dagen na de start van je werk. " * 20
    docs = write_kb(tmp_path, GOOD.replace("Binnen 30 dagen na de start van je werk.", long_answer))
    with pytest.raises(ItemError, match="demo.yaml: item 'demo-termijn': 'answer' is .* characters long"):
        load_documents(docs)


def test_items_for_an_unknown_document_are_refused(tmp_path):
    (tmp_path / "items").mkdir()
    (tmp_path / "items" / "geen.yaml").write_text(GOOD.replace("document: demo", "document: geen"))
    with pytest.raises(ItemError, match="geen.yaml: there is no document 'geen'"):
        load_items(tmp_path / "items", {"demo"})


def test_items_become_chunks_that_hold_their_questions(tmp_path):
    chunks = chunk_documents(load_documents(write_kb(tmp_path)))
    item_chunks = [c for c in chunks if c.item_id]
    assert [c.item_id for c in item_chunks] == ["demo-zelfstandige", "demo-termijn"]
    assert "ik ben zelfstandige, mag ik de demopremie aanvragen" in item_chunks[0].body_text()
    assert all(c.item_id is None for c in chunks if not c.section_key.startswith("item:"))


def test_a_specific_question_ranks_its_item_above_the_sections(tmp_path, fake_embedder):
    kb = KnowledgeBase.load(documents_dir=write_kb(tmp_path), index_dir=tmp_path / "index", model=fake_embedder)
    hits = kb.search("wat is de deadline om de demo aan te vragen?", section="apply")
    assert hits[0].section_key == "item:demo-termijn"
    # A general question still gets the overview section.
    assert kb.search("wat is de demo-maatregel? een algemene uitleg", section="what")[0].section_key == "what"


def test_changing_an_item_rebuilds_the_index(tmp_path, fake_embedder):
    docs = write_kb(tmp_path)
    first = KnowledgeBase.load(documents_dir=docs, index_dir=tmp_path / "index", model=fake_embedder)
    (tmp_path / "items" / "demo.yaml").write_text(GOOD.replace("Binnen 30 dagen", "Binnen 60 dagen"))
    second = KnowledgeBase.load(documents_dir=docs, index_dir=tmp_path / "index", model=fake_embedder)
    assert first.index.fingerprint != second.index.fingerprint
    assert any("60 dagen" in c.text for c in second.chunks)
