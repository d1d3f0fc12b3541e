from __future__ import annotations

import json

import pytest
from kb_testdocs import FakeEmbedder, write_doc

from knowledge_base.index import SearchConfig, compute_fingerprint
from knowledge_base.search import KnowledgeBase


@pytest.fixture
def docs_dir(tmp_path):
    directory = tmp_path / "docs"
    write_doc(directory, "btom", title="BTOM", aliases=("werkpostaanpassing",), audience="employer",
              sections={"what": "Een tussenkomst voor de aanpassing van de werkpost."})
    write_doc(directory, "vop", title="VOP", aliases=("ondersteuningspremie",),
              sections={"what": "Een premie voor de werkgever bij rendementsverlies."})
    return directory


def _load(docs_dir, index_dir, embedder, **kwargs):
    return KnowledgeBase.load(documents_dir=docs_dir, index_dir=index_dir, model=embedder, **kwargs)


def test_unchanged_index_loads_without_encoding(docs_dir, tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    first = _load(docs_dir, index_dir, fake_embedder)
    assert first.built
    encoded = fake_embedder.encoded_texts
    assert encoded > 0
    second = _load(docs_dir, index_dir, fake_embedder)
    assert not second.built
    assert fake_embedder.encoded_texts == encoded  # nothing re-encoded
    assert second.index.fingerprint == first.index.fingerprint
    assert [c.chunk_id for c in second.chunks] == [c.chunk_id for c in first.chunks]
    query = "aanpassing van de werkpost"
    assert [h.doc_id for h in second.search(query)] == [h.doc_id for h in first.search(query)]


def test_changed_document_triggers_rebuild(docs_dir, tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    _load(docs_dir, index_dir, fake_embedder)
    write_doc(docs_dir, "vop", title="VOP", sections={"what": "Nieuwe tekst over de premie."})
    rebuilt = _load(docs_dir, index_dir, fake_embedder)
    assert rebuilt.built
    assert rebuilt.documents["vop"].section("what").text == "Nieuwe tekst over de premie."
    assert any(c.text == "Nieuwe tekst over de premie." for c in rebuilt.chunks)
    # only the current version is kept on disk
    versions = [p.name for p in index_dir.iterdir() if p.is_dir()]
    pointer = json.loads((index_dir / "current.json").read_text())
    assert versions == [pointer["dir"]]


def test_added_document_model_or_settings_change_triggers_rebuild(docs_dir, tmp_path, fake_embedder):

    index_dir = tmp_path / "index"
    _load(docs_dir, index_dir, fake_embedder)
    assert _load(docs_dir, index_dir, FakeEmbedder(name="fake-v2")).built  # other model
    assert _load(docs_dir, index_dir, fake_embedder).built  # back to the first model
    assert _load(docs_dir, index_dir, fake_embedder, config=SearchConfig(rrf_k=30)).built
    assert not _load(docs_dir, index_dir, fake_embedder, config=SearchConfig(rrf_k=30)).built
    write_doc(docs_dir, "jobcoaching", title="Jobcoaching")
    kb = _load(docs_dir, index_dir, fake_embedder, config=SearchConfig(rrf_k=30))
    assert kb.built and "jobcoaching" in kb.documents


def test_damaged_index_is_rebuilt(docs_dir, tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    _load(docs_dir, index_dir, fake_embedder)
    pointer = json.loads((index_dir / "current.json").read_text())
    (index_dir / pointer["dir"] / "dense.faiss").unlink()
    kb = _load(docs_dir, index_dir, fake_embedder)
    assert kb.built and kb.search("premie")


def test_force_rebuilds(docs_dir, tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    _load(docs_dir, index_dir, fake_embedder)
    assert _load(docs_dir, index_dir, fake_embedder, force=True).built


def test_fingerprint_depends_on_bytes_model_and_settings(docs_dir):
    model = {"path": "m", "files": {"config.json": "sha256:1"}}
    base = compute_fingerprint(docs_dir, model, SearchConfig())
    assert base == compute_fingerprint(docs_dir, model, SearchConfig())
    assert base != compute_fingerprint(docs_dir, {"path": "m", "files": {"config.json": "sha256:2"}}, SearchConfig())
    assert base != compute_fingerprint(docs_dir, model, SearchConfig(weight_dense=0.9))
    path = docs_dir / "vop.md"
    path.write_bytes(path.read_bytes() + b"\n")
    assert base != compute_fingerprint(docs_dir, model, SearchConfig())


def test_corrupt_lexical_file_is_rebuilt(docs_dir, tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    _load(docs_dir, index_dir, fake_embedder)
    pointer = json.loads((index_dir / "current.json").read_text())
    (index_dir / pointer["dir"] / "lexical.npz").write_bytes(b"not a zip file")
    kb = _load(docs_dir, index_dir, fake_embedder)
    assert kb.built and kb.search("premie")
