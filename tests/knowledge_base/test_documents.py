from __future__ import annotations

import datetime

import pytest
from kb_testdocs import doc_text, write_doc

from knowledge_base.documents import (
    MAX_SECTION_CHARS,
    SECTION_KEYS,
    DocumentError,
    load_document,
    load_documents,
)


def test_valid_document_parses(tmp_path):
    path = write_doc(tmp_path, "btom", title="BTOM", aliases=("arbeidspostaanpassing", "werkpost"),
                     audience="employer", sections={"apply": "Vraag het aan bij VDAB."})
    doc = load_document(path)
    assert doc.id == "btom"
    assert doc.title == "BTOM"
    assert doc.aliases == ("arbeidspostaanpassing", "werkpost")
    assert doc.audience == "employer"
    assert doc.sources == ("https://example.org/demo",)
    assert doc.last_verified == datetime.date(2026, 1, 15)
    assert [s.key for s in doc.sections] == list(SECTION_KEYS)
    assert doc.section("apply").text == "Vraag het aan bij VDAB."
    assert doc.section("apply").title == "Hoe aanvragen?"
    assert doc.section("nope") is None
    assert doc.path == path


@pytest.mark.parametrize(
    ("audience", "expected"),
    [("iedereen", "front matter field 'audience' must be one of participant, employer, both")],
)
def test_bad_audience_names_file_and_field(tmp_path, audience, expected):
    path = write_doc(tmp_path, "vop", audience=audience)
    with pytest.raises(DocumentError) as info:
        load_document(path)
    assert str(info.value).startswith("vop.md: ")
    assert expected in str(info.value)


@pytest.mark.parametrize(
    ("front_matter", "field"),
    [
        ("id: vop\ntitle: VOP\naliases: []\naudience: both\nsources: [x]\n", "last_verified"),
        ("id: vop\ntitle: VOP\naliases: []\naudience: both\nsources: [x]\nlast_verified: gisteren\n", "last_verified"),
        ("id: vop\ntitle: ''\naliases: []\naudience: both\nsources: [x]\nlast_verified: 2026-01-01\n", "title"),
        ("id: vop\ntitle: VOP\naliases: VOP\naudience: both\nsources: [x]\nlast_verified: 2026-01-01\n", "aliases"),
        ("id: vop\ntitle: VOP\naliases: []\naudience: both\nsources: []\nlast_verified: 2026-01-01\n", "sources"),
        ("id: Vop-X\ntitle: VOP\naliases: []\naudience: both\nsources: [x]\nlast_verified: 2026-01-01\n", "id"),
        ("id: btom\ntitle: VOP\naliases: []\naudience: both\nsources: [x]\nlast_verified: 2026-01-01\n", "id"),
        ("id: vop\ntitle: VOP\nalias: []\naliases: []\naudience: both\nsources: [x]\nlast_verified: 2026-01-01\n",
         "alias"),
    ],
)
def test_bad_front_matter_names_file_and_field(tmp_path, front_matter, field):
    path = tmp_path / "vop.md"
    path.write_text(doc_text("vop", front_matter=front_matter), encoding="utf-8")
    with pytest.raises(DocumentError) as info:
        load_document(path)
    message = str(info.value)
    assert message.startswith("vop.md: ")
    assert f"field '{field}'" in message


def test_front_matter_must_exist_and_be_yaml(tmp_path):
    path = tmp_path / "vop.md"
    path.write_text("# VOP\n\n## Wat is het?\n\ntekst\n", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"^vop\.md: front matter missing"):
        load_document(path)
    path.write_text("---\nid: [vop\n---\n", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"^vop\.md: front matter is not valid YAML"):
        load_document(path)


def test_missing_section_is_an_error(tmp_path):
    text = doc_text("vop")
    text = text.replace("## Hoeveel en hoe lang?\n\nHet bedrag hangt af van je situatie.\n\n", "")
    path = tmp_path / "vop.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DocumentError, match=r"^vop\.md: section 'Hoeveel en hoe lang\?' is missing"):
        load_document(path)


def test_missing_last_section_is_an_error(tmp_path):
    text = doc_text("vop").replace("## Bij wie kan ik terecht?\n\nJe kan terecht bij je ziekenfonds.\n\n", "")
    path = tmp_path / "vop.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DocumentError, match=r"^vop\.md: section 'Bij wie kan ik terecht\?' is missing"):
        load_document(path)


def test_unknown_and_swapped_sections_are_errors(tmp_path):
    path = tmp_path / "vop.md"
    path.write_text(doc_text("vop").replace("## Voorwaarden", "## Regels"), encoding="utf-8")
    with pytest.raises(DocumentError, match=r"section 'Regels' is not a known section"):
        load_document(path)
    text = doc_text("vop").replace("## Voor wie?", "## TMP").replace("## Wat is het?", "## Voor wie?")
    path.write_text(text.replace("## TMP", "## Wat is het?"), encoding="utf-8")
    with pytest.raises(DocumentError, match=r"out of order"):
        load_document(path)


def test_too_long_section_is_an_error(tmp_path):
    path = write_doc(tmp_path, "vop", sections={"amount": "x" * (MAX_SECTION_CHARS + 1)})
    with pytest.raises(DocumentError, match=r"^vop\.md: section 'Hoeveel en hoe lang\?' is 701 characters"):
        load_document(path)
    write_doc(tmp_path, "vop", sections={"amount": "x" * MAX_SECTION_CHARS})
    assert len(load_document(path).section("amount").text) == MAX_SECTION_CHARS


def test_empty_section_is_an_error(tmp_path):
    path = write_doc(tmp_path, "vop", sections={"who": "   "})
    with pytest.raises(DocumentError, match=r"section 'Voor wie\?' is empty"):
        load_document(path)


def test_load_documents_sorted_and_duplicate_ids(tmp_path):
    write_doc(tmp_path, "vop")
    write_doc(tmp_path, "btom")
    (tmp_path / "README.md").write_text("not a document", encoding="utf-8")
    docs = load_documents(tmp_path)
    assert list(docs) == ["btom", "vop"]
    (tmp_path / "vop_copy.md").write_text(doc_text("vop").replace("id: vop", "id: vop"), encoding="utf-8")
    # id differs from the file name -> error naming the copy
    with pytest.raises(DocumentError, match=r"^vop_copy\.md: front matter field 'id'"):
        load_documents(tmp_path)


def test_missing_directory_is_an_error(tmp_path):
    with pytest.raises(DocumentError, match="does not exist"):
        load_documents(tmp_path / "nope")
