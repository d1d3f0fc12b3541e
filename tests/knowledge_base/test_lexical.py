from __future__ import annotations

from knowledge_base.lexical import (
    Analyzer,
    LexicalConfig,
    LexicalIndex,
    fold,
    raw_tokens,
    section_cue_scores,
    stem,
)


def test_fold_and_tokens():
    assert fold("Coördinator Reïntegratie") == "coordinator reintegratie"
    assert raw_tokens("De terug-naar-werk-coördinator 🙂!") == [
        "de", "terug", "naar", "werk", "coordinator",
        "terugnaar", "terugnaarwerk", "terugnaarwerkcoordinator",
        "naarwerk", "naarwerkcoordinator", "werkcoordinator",
    ]


def test_stop_words_dropped_and_stemming_merges_inflections():
    analyzer = Analyzer(LexicalConfig())
    assert analyzer.words("Hoe kan ik de premie aanvragen?") == ["premie", "aanvragen"]
    assert stem("aanvragen") == stem("aanvraag")
    assert stem("werkgevers") == stem("werkgever")


def test_compound_split_against_vocabulary():
    analyzer = Analyzer(LexicalConfig(), {"werkpost", "aanpassing", "arbeid", "beperking"})
    assert analyzer.split_compound("werkpostaanpassing") == ("werkpost", "aanpassing")
    assert analyzer.split_compound("arbeidsbeperking") == ("arbeid", "beperking")  # linking -s-
    assert analyzer.split_compound("werkpost") == ()  # a vocabulary word itself is not split
    assert analyzer.split_compound("onbekendwoord") == ()
    assert analyzer.split_compound("arbeidspostaanpassing") == ("aanpassing",)  # known tail only


def _index(config=None):
    bodies = [
        "Een aanpassing van de werkpost, zoals een aangepaste stoel.",
        "De premie wordt elk kwartaal uitbetaald aan de werkgever.",
        "De coördinator van het ziekenfonds begeleidt je terug naar werk.",
    ]
    metas = ["BTOM ; werkpostaanpassing", "VOP ; ondersteuningspremie", "TNW-coördinator"]
    return LexicalIndex.build(config or LexicalConfig(), bodies, metas)


def test_bm25_ranks_matching_chunk_first():
    scores = _index().score("Wanneer wordt de premie uitbetaald?")
    assert scores.argmax() == 1
    assert scores[0] == 0 and scores[2] == 0


def test_compound_query_finds_separate_words():
    # "arbeidspostaanpassing" is in no document; its part "aanpassing" is.
    config = LexicalConfig(use_ngrams=False, use_synonyms=False)
    scores = _index(config).score("arbeidspostaanpassing")
    assert scores.argmax() == 0 and scores[0] > 0
    without = LexicalConfig(use_ngrams=False, use_synonyms=False, use_compounds=False)
    assert _index(without).score("arbeidspostaanpassing").max() == 0


def test_ngrams_match_inflection_the_stemmer_misses():
    config = LexicalConfig(use_compounds=False, use_synonyms=False)
    scores = _index(config).score("coördinatoren")
    assert scores.argmax() == 2


def test_query_words_joined_when_corpus_writes_them_as_one():
    config = LexicalConfig(use_ngrams=False, use_synonyms=False)
    index = LexicalIndex.build(config, ["Iemand van het ziekenfonds helpt je.", "Een premie."],
                               ["terug-naar-werktraject", "VOP"])
    terms = index.analyzer.terms("een terug naar werktraject", expand=True)["body"]
    assert stem("terugnaarwerktraject") in terms
    plain = index.analyzer.terms("een terug naar werktraject")["body"]  # documents: no joins
    assert stem("terugnaarwerktraject") not in plain


def test_persistence_roundtrip(tmp_path):
    index = _index()
    index.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    query = "premie voor de werkgever"
    assert (loaded.score(query) == index.score(query)).all()


def test_section_cues():
    cues = section_cue_scores("Hoeveel bedraagt de premie en hoe vraag ik die aan?")
    assert cues["amount"] > 0 and cues["apply"] > 0
    assert "contact" not in cues
