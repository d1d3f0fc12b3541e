from __future__ import annotations

from kb_testdocs import write_doc

from knowledge_base.chunking import chunk_documents, dense_units, sentences
from knowledge_base.documents import SECTION_KEYS, load_documents


def test_one_chunk_per_section_with_metadata(tmp_path):
    write_doc(tmp_path, "btom", title="Bijzondere tewerkstellingsondersteunende maatregelen",
              aliases=("BTOM", "werkpostaanpassing"), audience="employer",
              sections={"apply": "Vraag het recht eerst aan bij VDAB."})
    write_doc(tmp_path, "vop", title="Vlaamse ondersteuningspremie", aliases=("VOP",))
    chunks = chunk_documents(load_documents(tmp_path))
    assert [(c.doc_id, c.section_key) for c in chunks] == [
        *(("btom", key) for key in SECTION_KEYS), *(("vop", key) for key in SECTION_KEYS)
    ]
    apply = chunks[SECTION_KEYS.index("apply")]
    assert apply.chunk_id == "btom#apply"
    assert apply.section_title == "Hoe aanvragen?"
    assert apply.text == "Vraag het recht eerst aan bij VDAB."
    assert apply.audience == "employer"
    assert chunks[-1].audience == "both"


def test_indexed_text_is_enriched_with_title_and_aliases(tmp_path):
    write_doc(tmp_path, "btom", title="Bijzondere maatregelen", aliases=("BTOM", "werkpostaanpassing"),
              sections={"apply": "Vraag het recht eerst aan bij VDAB."})
    apply = [c for c in chunk_documents(load_documents(tmp_path)) if c.section_key == "apply"][0]
    for text in (apply.dense_text(), apply.lexical_text()):
        assert "BTOM" in text and "werkpostaanpassing" in text and "Bijzondere maatregelen" in text
        assert "Vraag het recht eerst aan bij VDAB." in text
    assert "BTOM" not in apply.text  # the returned text stays the document's own


def test_sentences_strip_list_markers_and_short_bits():
    text = "Eerste zin van de sectie. Tweede zin hier!\n- een opsomming met inhoud\n1. genummerde stap twee\nKort."
    assert sentences(text) == [
        "Eerste zin van de sectie.",
        "Tweede zin hier!",
        "een opsomming met inhoud",
        "genummerde stap twee",
    ]


def test_dense_units_cover_chunks_sentences_and_names_once(tmp_path):
    write_doc(tmp_path, "vop", title="Vlaamse ondersteuningspremie", aliases=("VOP", "ondersteuningspremie"))
    chunks = chunk_documents(load_documents(tmp_path))
    units = dense_units(chunks)
    assert sum(u.kind == "chunk" for u in units) == len(chunks)
    names = [u.text for u in units if u.kind == "name"]
    assert names == ["Vlaamse ondersteuningspremie", "VOP", "ondersteuningspremie"]
    assert all(u.chunk == 0 for u in units if u.kind == "name")
    assert any(u.kind == "sentence" for u in units)
