"""French, English and German visitors (actions/other_language.py) and the summaries they get
(knowledge_base/foreign/*.yaml, loaded by knowledge_base/foreign_summaries.py).

Every question here is written for this file; none comes from ../shared/eval (checked below)."""
from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from actions.other_language import (
    ActionReplyOtherLanguage,
    Decision,
    Question,
    decide,
    detect_language,
    library,
    reply_text,
)
from actions.scope import ActionReplyOtherLanguage as ImportedFromScope
from actions.texts import DUTCH_REPHRASE, GERMAN_REPLY
from knowledge_base.documents import DEFAULT_DOCUMENTS_DIR, document_paths, load_document
from knowledge_base.foreign_summaries import (
    DEFAULT_FOREIGN_DIR,
    GENERAL,
    MAX_SUMMARY_CHARS,
    REQUIRED_MEASURES,
    ForeignSummaryError,
    facts_source_keys,
    keyword_pattern,
    load_foreign,
    match_measure,
    normalise,
    parse_language_file,
)
from tests.actions.action_support import make_tracker, run_action
from tests.test_no_dev_copies import EVAL_DIR, dev_questions, near_copies

FACTS = Path(__file__).resolve().parents[2].parent / "shared" / "facts.md"
needs_facts = pytest.mark.skipif(not FACTS.is_file(), reason="no ../shared/facts.md beside the checkout")

# -- which language ---------------------------------------------------------------------------
DUTCH = [
    "sorry, foutje",
    "sorry ik bedoelde iets anders",
    "sorry",
    "oeps, verkeerde knop, sorry",
    "excuseer, dat was een typfout",
    "merci",
    "ok",
    "sorry hoor, ik vergiste mij",
    "kunde gij da nog eens zeggen",
    "hoe zit dat nu met mijn coordinator",
]
FOREIGN = [
    ("Good morning, could somebody explain this to me in English?", "en"),
    ("oops, wrong button", "en"),
    ("I don't understand Dutch, sorry", "en"),
    ("Excusez-moi, je ne comprends pas bien le néerlandais", "fr"),
    ("merci beaucoup", "fr"),
    ("c'est quoi exactement la BTOM ?", "fr"),
    ("Guten Abend, ich verstehe kein Niederländisch", "de"),
    ("Können Sie mir bitte helfen? Ich bin seit Wochen krank", "de"),
]


@pytest.mark.parametrize("text", DUTCH)
def test_a_short_dutch_message_is_dutch_not_english(text):
    assert detect_language(text) == "nl"


@pytest.mark.parametrize("text, language", FOREIGN)
def test_french_english_and_german_are_recognised(text, language):
    assert detect_language(text) == language


# -- the decision, without Rasa ---------------------------------------------------------------
PART_TIME_FR = ("Mon médecin pense que quelques matinées par semaine me feraient du bien. "
                "Comment faire pour retravailler à mi-temps ?")
SUBSIDY_EN = ("Good afternoon, I work in human resources for a bakery chain. Does our firm receive a "
              "subsidy when we take on a new colleague who has a disability?")
OWN_QUESTIONS = [
    PART_TIME_FR, SUBSIDY_EN,
    "Because of my illness I can no longer drive. Who refunds the taxi I take to the office?",
    "Est-ce que le VOP existe encore pour mon patron ?",
    "My manager mentioned something called IMW, is that for me?",
    "Bonsoir, j'aimerais juste savoir comment ça marche chez vous",
    "j'ai reçu une lettre de la mutualité, qui est ce coordinateur dont ils parlent ?",
    "Ich möchte gerne Informationen auf Deutsch",
    *[text for text, _ in FOREIGN], *DUTCH,
]


@pytest.fixture(scope="module")
def books():
    return library()


def test_a_french_question_about_part_time_gets_the_progressive_restart_in_french(books):
    decision = decide(Question(PART_TIME_FR), books)
    assert decision == Decision("summary", "fr", "progressieve_werkhervatting")
    text = reply_text(decision, books)
    assert "médecin-conseil" in text and "(adviserend arts)" in text and "jour ouvrable" in text
    assert "qu'en néerlandais" in text and "0800 30 700" in text


def test_an_english_hr_question_about_a_subsidy_gets_individual_customised_support_in_english(books):
    decision = decide(Question(SUBSIDY_EN), books)
    assert decision == Decision("summary", "en", "individueel_maatwerk")
    text = reply_text(decision, books)
    assert "individueel maatwerk" in text and "VDAB" in text and "20% to 75%" in text
    assert "only help in Dutch" in text and "in English" in text


@pytest.mark.parametrize("text, language, measure", [
    ("Because of my illness I can no longer drive. Who refunds the taxi I take to the office?", "en", "btom"),
    ("Est-ce que le VOP existe encore pour mon patron ?", "fr", "vop"),  # the Dutch abbreviation
    ("My manager mentioned something called IMW, is that for me?", "en", "individueel_maatwerk"),
    ("j'ai reçu une lettre de la mutualité, qui est ce coordinateur dont ils parlent ?", "fr", "tnw_coordinator"),
    ("I would like to do some volunteering while I am on benefit", "en", "activiteiten_tijdens_uitkering"),
    ("mon médecin du travail dit que je suis inapte à mon poste", "fr", "reintegratietraject"),
])
def test_the_summary_that_fits_the_question(books, text, language, measure):
    assert decide(Question(text), books) == Decision("summary", language, measure)


def test_without_a_recognised_measure_the_general_summary_is_sent(books):
    decision = decide(Question("Bonsoir, j'aimerais juste savoir comment ça marche chez vous"), books)
    assert decision == Decision("summary", "fr", None)
    assert reply_text(decision, books).startswith(books.languages["fr"].general.summary)


def test_a_measure_entity_from_the_nlu_wins(books):
    decision = decide(Question("what can you tell me about this one", entity_measure="jobcoaching"), books)
    assert decision == Decision("summary", "en", "jobcoaching")


def test_dutch_gets_an_invitation_to_rephrase_and_german_a_fixed_reply(books):
    assert decide(Question("sorry ik bedoelde iets anders"), books) == Decision("rephrase", "nl")
    assert reply_text(Decision("rephrase", "nl"), books) == DUTCH_REPHRASE
    assert decide(Question("Ich möchte gerne Informationen auf Deutsch"), books) == Decision("fixed", "de")
    assert "nur auf Niederländisch" in GERMAN_REPLY and "0800 30 700" in GERMAN_REPLY


def test_every_reply_is_plain_text_with_the_dutch_note_and_where_to_get_help(books):
    for language, summaries in books.languages.items():
        for measure in (None, *summaries.measures):
            text = reply_text(Decision("summary", language, measure), books)
            assert not re.search(r"\*\*|__|`|\[[^\]]*\]\(|^#", text, re.M), (language, measure)
            assert summaries.dutch_note in text and summaries.help in text and "0800 30 700" in text


# -- the action ---------------------------------------------------------------------------------
def test_the_action_replies_with_the_summary_and_reports_language_and_measure():
    messages, slots = run_action(ActionReplyOtherLanguage(), make_tracker(PART_TIME_FR, "other_language"))
    assert slots == {} and len(messages) == 1
    message = messages[0]
    assert message["reply_kind"] == "other_language"
    assert message["language"] == "fr" and message["measure"] == "progressieve_werkhervatting"
    assert message["text"].startswith("Vous pouvez reprendre le travail à temps partiel")
    assert not message["buttons"]


def test_the_action_uses_the_measure_entity():
    tracker = make_tracker("could you tell me more about this support please", "other_language",
                           entities=[{"entity": "measure", "value": "btom"}])
    messages, _ = run_action(ActionReplyOtherLanguage(), tracker)
    assert messages[0]["language"] == "en" and messages[0]["measure"] == "btom"


def test_the_action_answers_a_dutch_apology_in_dutch():
    messages, _ = run_action(ActionReplyOtherLanguage(), make_tracker("sorry, foutje", "other_language"))
    assert messages[0]["text"] == DUTCH_REPHRASE
    assert messages[0]["language"] == "nl" and messages[0]["measure"] is None
    assert messages[0]["reply_kind"] == "other_language"


def test_the_action_keeps_its_name_and_is_still_importable_from_scope():
    assert ActionReplyOtherLanguage().name() == "action_reply_other_language"
    assert ImportedFromScope is ActionReplyOtherLanguage


# -- the summaries ------------------------------------------------------------------------------
def document_ids() -> frozenset[str]:
    return frozenset(load_document(path).id for path in document_paths(DEFAULT_DOCUMENTS_DIR))


def test_both_languages_summarise_every_document():
    languages = load_foreign(document_ids=document_ids())
    assert set(languages) == {"fr", "en"}
    for summaries in languages.values():
        assert set(summaries.measures) == document_ids()
        assert set(REQUIRED_MEASURES) <= set(summaries.measures)
        for entry in (summaries.general, *summaries.measures.values()):
            assert len(entry.summary) <= MAX_SUMMARY_CHARS
            assert entry.last_verified == datetime.date(2026, 12, 2)
            assert entry.keywords or entry.id == GENERAL


def test_each_keyword_on_its_own_selects_its_entry():
    for summaries in load_foreign().values():
        for entry in summaries.measures.values():
            for keyword in entry.keywords:
                text = keyword.rstrip("*")
                assert match_measure(text, summaries) == entry.id, (summaries.language, keyword)


def test_the_summaries_name_the_dutch_terms_the_person_can_ask_for():
    languages = load_foreign()
    assert "médecin-conseil (adviserend arts)" in languages["fr"].measures["progressieve_werkhervatting"].summary
    assert "(arbeidsarts)" in languages["fr"].measures["reintegratietraject"].summary
    assert "(ziekenfonds" in languages["en"].measures["tnw_coordinator"].summary
    for summaries in languages.values():
        for entry in summaries.measures.values():
            assert re.search(r"\([^)]*[a-z][^)]*\)", entry.summary), (summaries.language, entry.id)


@needs_facts
def test_sources_are_keys_of_the_fact_sheet_and_numbers_are_in_it():
    facts = FACTS.read_text(encoding="utf-8")
    load_foreign(document_ids=document_ids(), source_keys=facts_source_keys(facts))  # raises on an unknown key
    number = re.compile(r"\d+(?:[.,]\d+)?")
    known = set(number.findall(facts))
    for summaries in load_foreign().values():
        texts = [summaries.dutch_note, summaries.help]
        texts += [f"{e.summary} {e.contact}" for e in (summaries.general, *summaries.measures.values())]
        for text in texts:
            unknown = [n for n in number.findall(text) if n not in known]
            assert not unknown, (summaries.language, unknown, text[:60])


def test_the_source_keys_of_a_fact_sheet():
    sheet = "Seeds [S0] and [S4].\n- VDAB-VOP: https://x\n- HLN (2.5% sanction): https://y\n- not a key\n"
    assert facts_source_keys(sheet) == {"S0", "S4", "VDAB-VOP", "HLN"}


def test_keywords_ignore_case_accents_and_hyphens_and_a_star_matches_any_ending():
    pattern, words = keyword_pattern("mi-temps")
    assert words == 2 and pattern.search(normalise("Reprendre à MI TEMPS ?"))
    pattern, _ = keyword_pattern("subsid*")
    assert pattern.search(normalise("any subsidies?")) and not pattern.search(normalise("a subsequent one"))
    pattern, _ = keyword_pattern("réintégration")
    assert pattern.search(normalise("le trajet de reintegration")) and not pattern.search("reintegrations")


# -- loader errors name the file and the entry ------------------------------------------------
GOOD_ENTRY = """\
  - id: {id}
    summary: A short summary (samenvatting).
    contact: Who to contact.
    keywords: [{keyword}]
    sources: [S0]
    last_verified: 2026-12-02
"""


def write_language(tmp_path, *, language="en", extra="", entries=None, top=None) -> Path:
    ids = [GENERAL, *REQUIRED_MEASURES]
    body = "".join(GOOD_ENTRY.format(id=entry_id, keyword="" if entry_id == GENERAL else f"word {n}")
                   for n, entry_id in enumerate(ids)) if entries is None else entries
    head = top if top is not None else f"language: {language}\ndutch_note: I work in Dutch.\nhelp: Ask VDAB.\n"
    path = tmp_path / f"{language}.yaml"
    path.write_text(f"{head}entries:\n{body}{extra}", encoding="utf-8")
    return path


def test_a_good_file_loads(tmp_path):
    summaries = parse_language_file(write_language(tmp_path), document_ids=frozenset(REQUIRED_MEASURES))
    assert summaries.general.id == GENERAL and list(summaries.measures) == list(REQUIRED_MEASURES)
    assert match_measure("the word 3 here", summaries) == REQUIRED_MEASURES[2]


@pytest.mark.parametrize("extra, message", [
    ("  - id: zelfstandigen\n    summary: x\n    contact: y\n    keywords: [z]\n    sources: [S0]\n",
     "en.yaml: entry 'zelfstandigen': field 'last_verified' is missing"),
    (GOOD_ENTRY.format(id="zelfstandigen", keyword="z") + "    audience: both\n",
     "en.yaml: entry 'zelfstandigen': field 'audience' is unknown"),
    (GOOD_ENTRY.format(id="vop", keyword="again"), "en.yaml: entry 'vop' appears twice"),
    (GOOD_ENTRY.format(id="kinderbijslag", keyword="kids"),
     "en.yaml: entry 'kinderbijslag': there is no document 'kinderbijslag'"),
    (GOOD_ENTRY.format(id="Zelfstandigen", keyword="z"), "en.yaml: entry 'Zelfstandigen': 'id' must be a document id"),
    (GOOD_ENTRY.format(id="zelfstandigen", keyword=""), "en.yaml: entry 'zelfstandigen': 'keywords' must not be empty"),
    (GOOD_ENTRY.format(id="zelfstandigen", keyword="self*employed"),
     "en.yaml: entry 'zelfstandigen': keyword 'self*employed' may only have '*' at its end"),
    (GOOD_ENTRY.format(id="zelfstandigen", keyword="'?!'"),
     "en.yaml: entry 'zelfstandigen': keyword '?!' has no letters"),
    (GOOD_ENTRY.format(id="zelfstandigen", keyword="z").replace("2026-12-02", "last week"),
     "en.yaml: entry 'zelfstandigen': 'last_verified' must be a date"),
    (GOOD_ENTRY.format(id="zelfstandigen", keyword="z").replace("A short summary (samenvatting).", "x" * 601),
     "en.yaml: entry 'zelfstandigen': 'summary' is 601 characters long (at most 600)"),
    (GOOD_ENTRY.format(id="zelfstandigen", keyword="z").replace("A short summary", "A **bold** summary"),
     "en.yaml: entry 'zelfstandigen': 'summary' must be plain text, without Markdown"),
    (GOOD_ENTRY.format(id="zelfstandigen", keyword="z").replace("[S0]", "[S0, made-up-source]"),
     "en.yaml: entry 'zelfstandigen': source 'made-up-source' is not in the source list"),
    ("  - just a string\n", "en.yaml: entry 11: must be a mapping of fields"),
])
def test_a_bad_entry_is_named_with_its_file(tmp_path, extra, message):
    path = write_language(tmp_path, extra=extra)
    with pytest.raises(ForeignSummaryError) as caught:
        parse_language_file(path, document_ids=frozenset({*REQUIRED_MEASURES, "zelfstandigen"}),
                            source_keys=frozenset({"S0"}))
    assert str(caught.value).startswith(message)


def test_a_missing_general_entry_or_measure_is_named(tmp_path):
    only_measures = "".join(GOOD_ENTRY.format(id=m, keyword=m) for m in REQUIRED_MEASURES)
    with pytest.raises(ForeignSummaryError, match=r"^en.yaml: the entry 'general' .* is missing"):
        parse_language_file(write_language(tmp_path, entries=only_measures))
    without_btom = GOOD_ENTRY.format(id=GENERAL, keyword="") + "".join(
        GOOD_ENTRY.format(id=m, keyword=m) for m in REQUIRED_MEASURES if m != "btom")
    with pytest.raises(ForeignSummaryError, match=r"^en.yaml: there is no entry for the measure 'btom'"):
        parse_language_file(write_language(tmp_path, entries=without_btom))


def test_a_bad_file_is_named(tmp_path):
    with pytest.raises(ForeignSummaryError, match=r"^en.yaml: 'language' is 'fr' but the file name says 'en'"):
        parse_language_file(write_language(tmp_path, top="language: fr\ndutch_note: a\nhelp: b\n"))
    with pytest.raises(ForeignSummaryError, match=r"^de.yaml: 'language' must be one of fr, en"):
        parse_language_file(write_language(tmp_path, language="de"))
    with pytest.raises(ForeignSummaryError, match=r"^en.yaml: expected exactly the fields"):
        parse_language_file(write_language(tmp_path, top="language: en\nhelp: b\n"))
    broken = tmp_path / "en.yaml"
    broken.write_text("language: [en\n", encoding="utf-8")
    with pytest.raises(ForeignSummaryError, match=r"^en.yaml: cannot be read as YAML"):
        parse_language_file(broken)
    with pytest.raises(ForeignSummaryError, match=r"^fr.yaml: the fr summaries are missing"):
        load_foreign(tmp_path / "empty")


def test_the_shipped_files_are_where_the_loader_looks():
    assert sorted(p.name for p in DEFAULT_FOREIGN_DIR.glob("*.yaml")) == ["en.yaml", "fr.yaml"]


@pytest.mark.skipif(not EVAL_DIR.is_dir(), reason="no ../shared/eval beside the checkout")
def test_the_questions_of_these_tests_are_not_copied_from_the_dev_sets():
    copies = near_copies(OWN_QUESTIONS, dev_questions())
    assert not copies, "\n".join(f"{score}: {text!r} ~ {question!r}" for score, text, question in copies)

