"""Short French and English summaries of the measures, for visitors who do not write Dutch.

The assistant works in Dutch; a French or English message gets one short summary in that
language (the one that fits the question), who to contact, and where to get help in that
language. One file per language, `knowledge_base/foreign/<language>.yaml`:

    language: fr                 # the file name says the same
    dutch_note: ...              # says that the assistant itself works in Dutch
    help: ...                    # where to get help in that language (and VDAB's free number)
    entries:
      - id: general              # required: the reply when no measure is recognised
        summary: ...             # plain text, at most 600 characters; Dutch terms in brackets
        contact: ...             # who to contact, at most 300 characters
        keywords: []             # may stay empty for 'general' only
        sources: [RIZIV-TNW, S2] # keys of the source list in ../shared/facts.md
        last_verified: 2026-12-02
      - id: progressieve_werkhervatting   # a knowledge-base document id
        keywords: [mi-temps, reprise progressive, progressiv*]
        ...

A keyword matches whole words, ignoring case and accents ("mi-temps" also matches "mi temps");
a final `*` matches any ending ("subsid*": subsidy, subsidies). When keywords of several entries
match, the most words matched wins, and on a tie the entry that comes first in the file.

Every problem is a `ForeignSummaryError` that names the file and the entry.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from dutch_text import fold
from knowledge_base.items import check_fields, verified_date

__all__ = [
    "DEFAULT_FOREIGN_DIR", "GENERAL", "LANGUAGES", "REQUIRED_MEASURES", "ForeignEntry", "ForeignLanguage",
    "ForeignSummaryError", "facts_source_keys", "keyword_pattern", "load_foreign", "match_measure", "normalise",
    "parse_language_file",
]

DEFAULT_FOREIGN_DIR = Path(__file__).resolve().parent / "foreign"
LANGUAGES = ("fr", "en")
GENERAL = "general"
# Each language must have a summary of at least these measures.
REQUIRED_MEASURES = (
    "vop", "individueel_maatwerk", "btom", "jobcoaching", "collectief_maatwerk", "arbeidszorg",
    "tnw_coordinator", "reintegratietraject", "progressieve_werkhervatting",
)
MAX_SUMMARY_CHARS = 600
MAX_CONTACT_CHARS = 300
MAX_NOTE_CHARS = 400
_TOP_FIELDS = ("language", "dutch_note", "help", "entries")
_FIELDS = ("id", "summary", "contact", "keywords", "sources", "last_verified")
_ID_RE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
# Replies are plain text: no Markdown emphasis, code, headings or links.
_MARKDOWN_RE = re.compile(r"\*\*|__|`|^\s*#|\[[^\]]*\]\([^)]*\)|^\s*[-*] ", re.M)
_NOT_WORD = re.compile(r"[^a-z0-9*]+")


class ForeignSummaryError(ValueError):
    """A foreign-language summary file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class ForeignEntry:
    id: str  # a document id, or 'general'
    summary: str
    contact: str
    keywords: tuple[str, ...]
    sources: tuple[str, ...]
    last_verified: datetime.date
    patterns: tuple[tuple[re.Pattern[str], int], ...] = ()  # (compiled keyword, number of words)


@dataclass(frozen=True)
class ForeignLanguage:
    language: str
    dutch_note: str
    help: str
    general: ForeignEntry
    measures: dict[str, ForeignEntry]  # by document id, in file order

    def entry(self, measure: str | None) -> ForeignEntry:
        return self.measures.get(measure or "", self.general)


def normalise(text: str) -> str:
    """Lowercase, accents removed, every run of other characters one space ("Mi-Temps ?" -> "mi temps")."""
    text = fold(text).replace("œ", "oe").replace("æ", "ae")  # ligatures that fold() keeps
    return " ".join(_NOT_WORD.sub(" ", text.replace("*", " ")).split())


def keyword_pattern(keyword: str) -> tuple[re.Pattern[str], int]:
    """The pattern of a keyword (whole words; a final '*' for any ending) and its number of words."""
    prefix = keyword.rstrip().endswith("*")
    words = normalise(keyword.rstrip().rstrip("*")).split()
    if not words:
        raise ValueError(f"keyword {keyword!r} has no letters or digits")
    body = r"\s".join(re.escape(word) for word in words)
    return re.compile(rf"(?<![a-z0-9]){body}{'[a-z0-9]*' if prefix else ''}(?![a-z0-9])"), len(words)


def _score(normalised_text: str, patterns: Iterable[tuple[re.Pattern[str], int]]) -> int:
    return sum(weight for pattern, weight in patterns if pattern.search(normalised_text))


def match_measure(
    text: str,
    language: ForeignLanguage,
    dutch_names: Mapping[str, Iterable[tuple[re.Pattern[str], int]]] | None = None,
) -> str | None:
    """The measure whose keywords (or Dutch names, which people also use in French or English)
    fit the text best; None when nothing matches. A tie goes to the entry that comes first."""
    normalised_text = normalise(text)
    best, best_score = None, 0
    for measure, entry in language.measures.items():
        score = _score(normalised_text, entry.patterns)
        if dutch_names and measure in dutch_names:
            score += _score(normalised_text, dutch_names[measure])
        if score > best_score:
            best, best_score = measure, score
    return best


def facts_source_keys(facts_text: str) -> frozenset[str]:
    """The source keys of a fact sheet such as ../shared/facts.md: the seeds [S0]-[S9] and the
    short names of its URL list ("- VDAB-VOP: https://...", "- HLN (2.5% sanction): https://...")."""
    seeds = {f"S{n}" for n in re.findall(r"\[S(\d)\]", facts_text)}
    named = {re.sub(r"\s*\(.*\)$", "", match.group(1)).strip()
             for match in re.finditer(r"^- (.+?): https?://", facts_text, re.M)}
    return frozenset(seeds | named)


# -- parsing -----------------------------------------------------------------------------------
def _text(where: str, field: str, value: object, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ForeignSummaryError(f"{where}: '{field}' must be a non-empty string")
    text = " ".join(value.split())
    if len(text) > limit:
        raise ForeignSummaryError(f"{where}: '{field}' is {len(text)} characters long (at most {limit})")
    if _MARKDOWN_RE.search(text):
        raise ForeignSummaryError(f"{where}: '{field}' must be plain text, without Markdown")
    return text


def _strings(where: str, field: str, value: object, *, allow_empty: bool) -> tuple[str, ...]:
    if value is None and allow_empty:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ForeignSummaryError(f"{where}: '{field}' must be a list of non-empty strings")
    if not value and not allow_empty:
        raise ForeignSummaryError(f"{where}: '{field}' must not be empty")
    return tuple(" ".join(v.split()) for v in value)


def parse_entry(raw: object, *, file_name: str, number: int,
                document_ids: set[str] | frozenset[str] | None = None,
                source_keys: set[str] | frozenset[str] | None = None) -> ForeignEntry:
    where = check_fields(raw, f"{file_name}: entry {number}", _FIELDS, ForeignSummaryError, kind="entry")
    assert isinstance(raw, dict)  # checked above
    entry_id = raw["id"]
    if not isinstance(entry_id, str) or not _ID_RE.match(entry_id):
        raise ForeignSummaryError(
            f"{where}: 'id' must be a document id (lowercase letters, digits and '_') or '{GENERAL}'"
        )
    if document_ids is not None and entry_id != GENERAL and entry_id not in document_ids:
        raise ForeignSummaryError(f"{where}: there is no document {entry_id!r} in the knowledge base")
    general = entry_id == GENERAL
    keywords = _strings(where, "keywords", raw["keywords"], allow_empty=general)
    patterns = []
    for keyword in keywords:
        if "*" in keyword.rstrip()[:-1]:
            raise ForeignSummaryError(f"{where}: keyword {keyword!r} may only have '*' at its end")
        try:
            patterns.append(keyword_pattern(keyword))
        except ValueError as exc:
            raise ForeignSummaryError(f"{where}: {exc}") from None
    sources = _strings(where, "sources", raw["sources"], allow_empty=False)
    if source_keys is not None:
        unknown_sources = [key for key in sources if key not in source_keys]
        if unknown_sources:
            raise ForeignSummaryError(f"{where}: source {unknown_sources[0]!r} is not in the source list")
    return ForeignEntry(
        id=entry_id,
        summary=_text(where, "summary", raw["summary"], MAX_SUMMARY_CHARS),
        contact=_text(where, "contact", raw["contact"], MAX_CONTACT_CHARS),
        keywords=keywords,
        sources=sources,
        last_verified=verified_date(where, raw["last_verified"], ForeignSummaryError),
        patterns=tuple(patterns),
    )


def parse_language_file(path: Path, *, document_ids: set[str] | frozenset[str] | None = None,
                        source_keys: set[str] | frozenset[str] | None = None) -> ForeignLanguage:
    """One language file, checked: its fields, every entry, a general entry and the required measures."""
    name = Path(path).name
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ForeignSummaryError(f"{name}: cannot be read as YAML: {exc}") from exc
    if not isinstance(data, dict) or set(data) != set(_TOP_FIELDS):
        raise ForeignSummaryError(f"{name}: expected exactly the fields {', '.join(_TOP_FIELDS)}")
    language = data["language"]
    if language not in LANGUAGES:
        raise ForeignSummaryError(f"{name}: 'language' must be one of {', '.join(LANGUAGES)}, got {language!r}")
    if language != Path(path).stem:
        raise ForeignSummaryError(f"{name}: 'language' is {language!r} but the file name says {Path(path).stem!r}")
    dutch_note = _text(name, "dutch_note", data["dutch_note"], MAX_NOTE_CHARS)
    help_line = _text(name, "help", data["help"], MAX_NOTE_CHARS)
    if not isinstance(data["entries"], list) or not data["entries"]:
        raise ForeignSummaryError(f"{name}: 'entries' must be a non-empty list")
    entries: dict[str, ForeignEntry] = {}
    for number, raw in enumerate(data["entries"], 1):
        entry = parse_entry(raw, file_name=name, number=number, document_ids=document_ids, source_keys=source_keys)
        if entry.id in entries:
            raise ForeignSummaryError(f"{name}: entry '{entry.id}' appears twice")
        entries[entry.id] = entry
    if GENERAL not in entries:
        raise ForeignSummaryError(f"{name}: the entry '{GENERAL}' (for when no measure is recognised) is missing")
    absent = [measure for measure in REQUIRED_MEASURES if measure not in entries]
    if absent:
        raise ForeignSummaryError(f"{name}: there is no entry for the measure '{absent[0]}'")
    general = entries.pop(GENERAL)
    return ForeignLanguage(language=language, dutch_note=dutch_note, help=help_line, general=general, measures=entries)


def load_foreign(directory: Path = DEFAULT_FOREIGN_DIR, *, document_ids: set[str] | frozenset[str] | None = None,
                 source_keys: set[str] | frozenset[str] | None = None) -> dict[str, ForeignLanguage]:
    """Every language of LANGUAGES from `directory`, by language code; a missing file is an error."""
    languages = {}
    for language in LANGUAGES:
        path = Path(directory) / f"{language}.yaml"
        if not path.is_file():
            raise ForeignSummaryError(f"{path.name}: the {language} summaries are missing from {directory}")
        languages[language] = parse_language_file(path, document_ids=document_ids, source_keys=source_keys)
    return languages
