"""Lexical ranking: Dutch text analysis and a small BM25 implementation in numpy.

Analysis: accent folding and lowercasing, tokens of letters and digits (hyphenated words also as
one joined token: "terug-naar-werk" -> terug, werk, terugnaarwerk), Dutch stop words, the Dutch
Snowball stemmer, and a compound splitter that splits long words into parts found in the corpus
vocabulary ("werkpostaanpassing" -> werkpost + aanpassing). Long words additionally give
character n-grams, indexed in a field of their own, which catches the compounds and inflections
the splitter and the stemmer miss ("coördinatoren" vs "coördinator").

BM25 scores are precomputed per (chunk, term) for every field, so a query costs a few column
sums. The knowledge base is small (tens of chunks), so dense matrices are fine.
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import snowballstemmer

from dutch_text import fold

# Dutch stop words: the Snowball list, plus a few spoken/Flemish forms. Question words that
# carry meaning here ("hoeveel", "wanneer") are deliberately not in it.
STOPWORDS = frozenset(
    """
    de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar om hem
    dan zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar naar heb
    hoe heeft hebben deze u want nog zal me zij nu ge geen omdat iets worden toch al waren veel
    meer doen toen moet ben zonder kan hun dus alles onder ja eens hier wie werd altijd doch wordt
    wezen kunnen ons zelf tegen na reeds wil kon niets uw iemand geweest andere
    jij jou jullie wij we onze mijne zo'n zo n nen ne da nie gij ulle u t s m
    welke welk waar wanneer waarom hoeveel
    mag mogen moeten kunt zijn kun ga gaan gaat doet
    dat deze dit die daar er hier eigenlijk juist gewoon nu al wel
    """.split()
) - {"hoeveel", "wanneer"}

# Everyday filler words (common verbs, adverbs, pronouns) that say nothing about which measure
# is meant; dropped when LexicalConfig.extra_stopwords is on.
FILLER_WORDS = frozenset(
    """
    krijgen krijg krijgt kregen gekregen maken maak maakt gemaakt weten weet wist willen wilt
    wou wilde zouden zullen zult graag eigenlijk enkel ongeveer soms even echt misschien beetje
    zeker allemaal ding dingen iets zoiets moeite precies juist nog steeds ofzo trouwens dus
    daarvan daarvoor daarover hierover waarover ervoor erover erop ermee hoor ok oke dank
    bedankt alstublieft aub hallo dag goeiedag beste mezelf zichzelf onszelf hem haar hen
    iemand iedereen niemand alles niets welke wat welk heel erg zeer vrij best nu toen later
    gaan ga gaat ging komen kom komt kwam zien zie ziet zeggen zeg zegt zei denken denk denkt
    vinden vind vindt staan sta staat zitten zit zat houden hou houdt laten laat liet
    """.split()
)

TOKEN_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# General Dutch/Flemish synonyms and near-synonyms (everyday word -> word the documents use).
# Expanded terms get a lower weight than the words the user typed.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "baas": ("werkgever",),
    "chef": ("werkgever", "leidinggevende"),
    "patroon": ("werkgever",),
    "firma": ("werkgever", "bedrijf", "onderneming"),
    "zaak": ("bedrijf", "onderneming"),
    "bedrijf": ("onderneming", "werkgever"),
    "onderneming": ("bedrijf",),
    "werknemer": ("personeelslid",),
    "personeelslid": ("werknemer",),
    "medewerker": ("werknemer",),
    "collega": ("werknemer",),
    "job": ("werk", "baan"),
    "baan": ("werk", "job"),
    "werk": ("job",),
    "mutualiteit": ("ziekenfonds",),
    "mutualiteiten": ("ziekenfonds",),
    "ziekenkas": ("ziekenfonds",),
    "ziekenfonds": ("mutualiteit",),
    "dokter": ("arts",),
    "huisarts": ("arts",),
    "geneesheer": ("arts",),
    "subsidie": ("premie", "tegemoetkoming", "tussenkomst", "steun"),
    "steun": ("ondersteuning", "tussenkomst", "premie"),
    "premie": ("tegemoetkoming", "subsidie"),
    "tussenkomst": ("tegemoetkoming",),
    "tegemoetkoming": ("tussenkomst",),
    "vergoeding": ("tegemoetkoming", "premie", "uitkering"),
    "geld": ("premie", "vergoeding", "bedrag", "uitkering"),
    "betalen": ("kost", "tussenkomst", "vergoeding"),
    "betaalt": ("kost", "tussenkomst", "vergoeding"),
    "kosten": ("kost", "tussenkomst"),
    "ziek": ("arbeidsongeschikt", "ziekte"),
    "ziekte": ("arbeidsongeschikt",),
    "ziekteverlof": ("arbeidsongeschikt", "ziekte"),
    "thuiszitten": ("arbeidsongeschikt",),
    "handicap": ("arbeidsbeperking", "beperking"),
    "gehandicapt": ("arbeidsbeperking", "beperking"),
    "beperking": ("arbeidsbeperking",),
    "deeltijds": ("halftijds", "gedeeltelijk"),
    "halftijds": ("deeltijds", "gedeeltelijk"),
    "gedeeltelijk": ("deeltijds",),
    "terugkeren": ("werkhervatting", "hervatten", "terugkeer"),
    "terugkeer": ("werkhervatting", "terugkeren"),
    "hervatten": ("werkhervatting",),
    "herbeginnen": ("hervatten", "werkhervatting"),
    "aanvragen": ("aanvraag",),
    "aanvraag": ("aanvragen",),
    "solliciteren": ("werk", "job"),
    "coach": ("begeleiding", "jobcoach"),
    "begeleider": ("begeleiding",),
    "hulp": ("begeleiding", "ondersteuning"),
    "helpen": ("begeleiding", "ondersteuning"),
    "aanpassen": ("aanpassing",),
    "werkplek": ("werkpost", "arbeidspost"),
    "werkpost": ("arbeidspost", "werkplek"),
    "arbeidspost": ("werkpost",),
    "vrijwilligerswerk": ("vrijwillig",),
    "ontslag": ("ontslagen",),
}

# Words that signal which section a question is about (general Dutch question vocabulary).
SECTION_CUES: dict[str, tuple[str, ...]] = {
    "what": ("wat", "betekent", "uitleg", "uitleggen", "inhoud", "houdt", "doet", "soort"),
    "who": ("wie", "doelgroep", "bedoeld", "iedereen", "welke"),
    "conditions": (
        "voorwaarde", "voorwaarden", "recht", "mag", "mogen", "aanmerking", "aanspraak",
        "toegelaten", "geldt", "vereist", "nodig", "moet", "moeten", "voldoen",
    ),
    "amount": (
        "hoeveel", "bedrag", "bedragen", "kost", "kosten", "betalen", "betaalt", "premie",
        "euro", "procent", "duur", "lang", "maanden", "jaar", "jaren", "verdien", "verdienen",
        "inkomen", "uitkering", "loon",
    ),
    "apply": (
        "aanvragen", "aanvraag", "vraag", "indienen", "formulier", "starten", "opstarten",
        "beginnen", "stappen", "procedure", "inschrijven", "regelen", "krijgen",
    ),
    "contact": (
        "contact", "contacteren", "bellen", "telefoon", "terecht", "adres", "mail", "mailen",
        "afspraak", "spreken", "loket", "persoon", "iemand",
    ),
}


@functools.lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("dutch")


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def raw_tokens(text: str) -> list[str]:
    """Folded word tokens; a hyphenated word gives its parts and the joined form."""
    tokens: list[str] = []
    for match in TOKEN_RE.finditer(fold(text)):
        word = match.group(0)
        if "-" in word:
            parts = [part for part in word.split("-") if part]
            tokens.extend(parts)
            # every contiguous join of two or more parts: "terug-naar-werk-coordinator" also
            # gives terugnaarwerk, werkcoordinator, ... so "terug naar werk" can match it.
            for i in range(len(parts)):
                for j in range(i + 2, len(parts) + 1):
                    tokens.append("".join(parts[i:j]))
        else:
            tokens.append(word)
    return tokens


@dataclass(frozen=True)
class LexicalConfig:
    """Analysis and BM25 settings; part of the index fingerprint."""

    k1: float = 1.2
    b: float = 0.5
    min_compound_len: int = 8  # words at least this long are tried for splitting
    min_part_len: int = 3
    min_tail_len: int = 5  # a known tail this long is split off when no full split exists
    ngram_n: int = 4
    ngram_min_word_len: int = 7
    field_weights: dict = field(
        default_factory=lambda: {"body": 1.0, "meta": 1.0, "grams": 3.0}
    )
    compound_part_weight: float = 0.6
    synonym_weight: float = 0.5
    use_compounds: bool = True
    use_ngrams: bool = True
    use_synonyms: bool = True
    extra_stopwords: bool = True

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> LexicalConfig:
        return cls(**data)


class Analyzer:
    """Turns text into weighted terms per field, using the corpus vocabulary for compounds."""

    def __init__(self, config: LexicalConfig, vocabulary: set[str] | frozenset[str] = frozenset()):
        self.config = config
        self.vocabulary = frozenset(vocabulary)  # folded corpus words usable as compound parts
        self._split_cache: dict[str, tuple[str, ...]] = {}

    # -- compounds -------------------------------------------------------------------------
    def split_compound(self, word: str) -> tuple[str, ...]:
        """Split a long word into corpus words (with Dutch linking -s-/-e-/-en-); () if none.

        When no split into known words exists, the longest known tail is returned alone.
        """
        cfg = self.config
        if not cfg.use_compounds or len(word) < cfg.min_compound_len or not word.isalpha():
            return ()
        cached = self._split_cache.get(word)
        if cached is not None:
            return cached
        vocab = self.vocabulary
        n = len(word)
        min_part = cfg.min_part_len
        # best[i] = fewest parts covering word[i:], as a tuple; None when impossible.
        best: list[tuple[str, ...] | None] = [None] * (n + 1)
        best[n] = ()
        for i in range(n - min_part, -1, -1):
            candidate: tuple[str, ...] | None = None
            for j in range(n, i + min_part - 1, -1):
                part = word[i:j]
                if (i, j) == (0, n) or part not in vocab:
                    continue
                for link in ("", "s", "e", "en"):
                    rest = j + len(link)
                    if rest > n or word[j:rest] != link or best[rest] is None:
                        continue
                    if link and rest == n:
                        continue
                    option = (part,) + best[rest]  # type: ignore[operator]
                    if candidate is None or len(option) < len(candidate):
                        candidate = option
                if candidate is not None and len(candidate) <= 2:
                    break
            best[i] = candidate
        result = best[0] if best[0] is not None and len(best[0]) >= 2 else ()
        if not result:
            # Dutch compounds end in their head word: fall back to the longest known tail
            # ("arbeidspostaanpassing" -> aanpassing), when the head is long enough to matter.
            for start in range(3, n - cfg.min_tail_len + 1):
                if word[start:] in vocab:
                    result = (word[start:],)
                    break
        self._split_cache[word] = result
        return result

    # -- analysis ---------------------------------------------------------------------------
    def is_stopword(self, token: str) -> bool:
        return token in STOPWORDS or (self.config.extra_stopwords and token in FILLER_WORDS)

    def words(self, text: str) -> list[str]:
        return [token for token in raw_tokens(text) if not self.is_stopword(token)]

    def terms(self, text: str, *, expand: bool = False) -> dict[str, Counter]:
        """Weighted terms per field ('body' and 'grams'); `expand` (queries) adds synonyms and
        joins of consecutive words that the corpus writes as one word ("terug naar werk")."""
        cfg = self.config
        # The counts are float weights; typeshed types a Counter's values as int (ignores below).
        body: Counter = Counter()
        grams: Counter = Counter()
        tokens = raw_tokens(text)
        words = [token for token in tokens if not self.is_stopword(token)]
        for word in words:
            body[stem(word)] += 1.0  # type: ignore[assignment]  # float weights
            parts = self.split_compound(word)
            for part in parts:
                if part not in STOPWORDS:
                    body[stem(part)] += cfg.compound_part_weight  # type: ignore[assignment]  # float weights
            if expand and cfg.use_synonyms:
                for synonym in SYNONYMS.get(word, ()):
                    for token in raw_tokens(synonym):
                        body[stem(token)] += cfg.synonym_weight  # type: ignore[assignment]  # float weights
            if cfg.use_ngrams and len(word) >= cfg.ngram_min_word_len and word.isalpha():
                # Each long word's n-grams together weigh as much as one word, so a fuzzy
                # match of a long word does not outweigh exact matches of several words.
                padded = f"<{word}>"
                n = cfg.ngram_n
                count = len(padded) - n + 1
                share = 1.0 / count if expand else 1.0
                for i in range(count):
                    grams[padded[i : i + n]] += share  # type: ignore[assignment]  # float weights
        if expand and cfg.use_compounds:
            for size in (2, 3):
                for i in range(len(tokens) - size + 1):
                    joined = "".join(tokens[i : i + size])
                    if joined in self.vocabulary and joined.isalpha():
                        body[stem(joined)] += 1.0  # type: ignore[assignment]  # float weights
        return {"body": body, "grams": grams}


def build_vocabulary(texts: list[str]) -> set[str]:
    """Corpus words that may serve as compound parts."""
    vocabulary: set[str] = set()
    for text in texts:
        for token in raw_tokens(text):
            if len(token) >= 3 and token.isalpha() and token not in STOPWORDS:
                vocabulary.add(token)
    return vocabulary


class BM25Field:
    """Precomputed BM25 weights of one field: a (chunks x terms) matrix."""

    def __init__(self, vocab: dict[str, int], weights: np.ndarray):
        self.vocab = vocab
        self.weights = weights  # float32, shape (n_chunks, n_terms)

    @classmethod
    def build(cls, documents: list[Counter], k1: float, b: float) -> BM25Field:
        vocab: dict[str, int] = {}
        for doc in documents:
            for term in doc:
                vocab.setdefault(term, len(vocab))
        n_docs = len(documents)
        tf = np.zeros((n_docs, max(len(vocab), 1)), dtype=np.float64)
        for row, doc in enumerate(documents):
            for term, count in doc.items():
                tf[row, vocab[term]] = count
        lengths = tf.sum(axis=1)
        avg = lengths.mean() if n_docs and lengths.mean() > 0 else 1.0
        df = (tf > 0).sum(axis=0)
        idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
        norm = k1 * (1.0 - b + b * lengths / avg)
        weights = idf[None, :] * tf * (k1 + 1.0) / (tf + norm[:, None])
        return cls(vocab, weights.astype(np.float32))

    def score(self, query: Counter) -> np.ndarray:
        indices = []
        values = []
        for term, weight in query.items():
            index = self.vocab.get(term)
            if index is not None:
                indices.append(index)
                values.append(weight)
        if not indices:
            return np.zeros(self.weights.shape[0], dtype=np.float32)
        return self.weights[:, indices] @ np.asarray(values, dtype=np.float32)


class LexicalIndex:
    """BM25 over chunk fields: 'body' (section text), 'meta' (title+aliases), 'grams'."""

    FIELDS = ("body", "meta", "grams")

    def __init__(self, config: LexicalConfig, analyzer: Analyzer, fields: dict[str, BM25Field]):
        self.config = config
        self.analyzer = analyzer
        self.fields = fields

    @classmethod
    def build(cls, config: LexicalConfig, bodies: list[str], metas: list[str]) -> LexicalIndex:
        analyzer = Analyzer(config, build_vocabulary(bodies + metas))
        body_terms, meta_terms, gram_terms = [], [], []
        for body, meta in zip(bodies, metas, strict=False):
            b_terms = analyzer.terms(body)
            m_terms = analyzer.terms(meta)
            body_terms.append(b_terms["body"])
            meta_terms.append(m_terms["body"])
            gram_terms.append(b_terms["grams"] + m_terms["grams"])
        fields = {
            "body": BM25Field.build(body_terms, config.k1, config.b),
            "meta": BM25Field.build(meta_terms, config.k1, 0.0),
            "grams": BM25Field.build(gram_terms, config.k1, config.b),
        }
        return cls(config, analyzer, fields)

    def score(self, query: str) -> np.ndarray:
        terms = self.analyzer.terms(query, expand=True)
        weights = self.config.field_weights
        total = None
        for name in self.FIELDS:
            weight = weights.get(name, 0.0)
            if weight <= 0:
                continue
            source = terms["grams"] if name == "grams" else terms["body"]
            scores = self.fields[name].score(source) * weight
            total = scores if total is None else total + scores
        assert total is not None
        return total

    # -- persistence --------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        import json

        arrays = {f"{name}_weights": field_.weights for name, field_ in self.fields.items()}
        np.savez(directory / "lexical.npz", **arrays)  # type: ignore[arg-type]  # numpy's stub lets ** reach allow_pickle
        meta = {
            "config": self.config.to_json(),
            "vocabulary": sorted(self.analyzer.vocabulary),
            "terms": {name: sorted(f.vocab, key=f.vocab.__getitem__) for name, f in self.fields.items()},
        }
        (directory / "lexical.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        import json

        meta = json.loads((directory / "lexical.json").read_text(encoding="utf-8"))
        config = LexicalConfig.from_json(meta["config"])
        analyzer = Analyzer(config, set(meta["vocabulary"]))
        with np.load(directory / "lexical.npz") as arrays:
            fields = {
                name: BM25Field({term: i for i, term in enumerate(terms)}, arrays[f"{name}_weights"])
                for name, terms in meta["terms"].items()
            }
        return cls(config, analyzer, fields)


@functools.lru_cache(maxsize=1)
def _cue_stems() -> dict[str, frozenset[str]]:
    return {key: frozenset(stem(fold(cue)) for cue in cues) for key, cues in SECTION_CUES.items()}


def section_cue_scores(query: str) -> dict[str, float]:
    """How strongly the query's words point at each section (0..1), from SECTION_CUES."""
    stems = {stem(token) for token in raw_tokens(query)}
    scores: dict[str, float] = {}
    for key, cues in _cue_stems().items():
        hits = len(stems & cues)
        if hits:
            scores[key] = 1.0 - math.exp(-hits)
    return scores
