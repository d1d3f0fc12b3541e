"""Scrub personal data from a free-text question before it goes into the gap log.

Removed, each replaced by a Dutch placeholder:
- e-mail addresses, IBAN account numbers, Belgian national numbers (rijksregisternummer),
  phone numbers (Belgian and international notations), other long numbers;
- street addresses (Dutch and French street words with a house number, and the postcode and
  town written with them);
- names: first and last names from the lists in `intake/data/` (Flemish, Walloon and of
  immigrant origin), anything name-like after a cue ("ik ben", "mijn naam is", "ik heet",
  "mevrouw", "mijn collega", "dokter"), and the family name written after a first name;
- health details: illness words, diagnoses and treatments from `intake/data/health_terms.txt`.

`scrub(text)` returns the clean text and what was found (counts per kind, never the values).
Pure Python, no I/O except reading the word lists once. The `phonenumbers` library is not in
the app lock file, so phone numbers are recognised with regular expressions.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dutch_text import fold as fold_text

from .validation import QUESTION_MAX, _truncate, clean_text

DATA_DIR = Path(__file__).resolve().parent / "data"

NAME, PHONE, EMAIL, NATIONAL_NUMBER, IBAN, ADDRESS, HEALTH, NUMBER = (
    "name", "phone", "email", "national_number", "iban", "address", "health", "number")
PLACEHOLDERS = {
    NAME: "[naam]", PHONE: "[telefoonnummer]", EMAIL: "[e-mail]",
    NATIONAL_NUMBER: "[rijksregisternummer]", IBAN: "[rekeningnummer]", ADDRESS: "[adres]",
    HEALTH: "[gezondheid]", NUMBER: "[nummer]",
}


@dataclass(frozen=True)
class ScrubResult:
    text: str | None
    found: dict[str, int] = field(default_factory=dict)  # kind -> how many were removed

    @property
    def personal(self) -> bool:
        """True when anything personal was found (and removed)."""
        return bool(self.found)


# ---------------------------------------------------------------- folding (accents, case)

_EXTRA_FOLD = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "ß": "ss", "’": "'", "‘": "'"})


def fold(text: str) -> str:
    return _fold_with_map(text)[0]


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """Lower case without accents, and for each folded character its index in `text`.

    Differs from dutch_text.fold on purpose: a match in the folded text must be mapped back to
    the original characters it replaces, so this folds one character at a time and records where
    each folded character came from; and names from other languages need a few letters folded
    that have no decomposition (_EXTRA_FOLD: "ø", "ł", "ı").
    """
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for part in fold_text(ch.translate(_EXTRA_FOLD)):
            out.append(part)
            where.append(i)
    return "".join(out), where


# ---------------------------------------------------------------- word lists


def _read_list(name: str) -> list[str]:
    entries: list[str] = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            entries.append(line)
    return entries


def _words(name: str) -> set[str]:
    return {fold(word) for line in _read_list(name) for word in line.split()}


@dataclass(frozen=True)
class _Lists:
    first: frozenset[str]
    last: frozenset[str]  # one-word family names
    last_phrases: tuple[tuple[str, ...], ...]  # "van den broeck", longest first
    ambiguous: frozenset[str]


@lru_cache(maxsize=1)
def _lists() -> _Lists:
    ambiguous = frozenset(_words("ambiguous_names.txt"))
    first = frozenset(_words("first_names.txt")) - ambiguous
    last_single: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    # Family names are written one per line group; particles make phrases ("de smet").
    for line in _read_list("last_names.txt"):
        words = [fold(w) for w in line.split()]
        i = 0
        while i < len(words):
            if words[i] in _PARTICLES:
                j = i
                while j < len(words) and words[j] in _PARTICLES:
                    j += 1
                if j < len(words):
                    phrases.add(tuple(words[i:j + 1]))
                    last_single.add(words[j])
                i = j + 1
            else:
                last_single.add(words[i])
                i += 1
    last = frozenset(last_single - ambiguous)
    return _Lists(first, last, tuple(sorted(phrases, key=len, reverse=True)), ambiguous)


# ---------------------------------------------------------------- contact data (regexes)

_SEP = r"(?:\s?[./-]\s?|\s)?"
_CONTACT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (EMAIL, re.compile(
        r"[\w.%+\-]+\s?(?:@|\(at\)|\[at\])\s?[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}", re.I)),
    (IBAN, re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b", re.I)),
    # International: +32 470 12 34 56, 0032 (0)470/12.34.56, +31 6 12345678.
    (PHONE, re.compile(rf"(?<![\w+])(?:\+|\b00)\s?\d{{1,3}}(?:\s?\(0\))?(?:{_SEP}\d){{6,12}}\b")),
    # Rijksregisternummer: YY.MM.DD-XXX.XX (11 digits) in any spacing; before national phones.
    (NATIONAL_NUMBER, re.compile(
        rf"\b\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{2}}\b")),
    # Belgian: 0470 12 34 56, 09/123.45.67, 015-21-43-65 (9 or 10 digits with the 0).
    (PHONE, re.compile(rf"(?<![\w+])0\d(?:{_SEP}\d){{7,8}}\b")),
    (NUMBER, re.compile(r"\b\d{6,}\b")),
)

# ---------------------------------------------------------------- street addresses

_NL_STREET_SUFFIX = (r"straat|straatje|laan|steenweg|weg|baan|plein|lei|dreef|kaai|markt|hof|pad|"
                     r"singel|vest|dijk|wegel|gracht|park|ring|kouter|dries|heide|veld")
_CAP = r"[A-ZÀ-ÖØ-Ý][\w'’-]*"
_HOUSE_NUMBER = r"\d{1,4}[a-zA-Z]?\b(?:\s*(?:bus|bte|b\.)\s*\w{1,4}|/\w{1,4})?"
_TOWN = rf"(?:\s*,?\s*(?:\d{{4}}\s+{_CAP}(?:[\s-]{_CAP})?))?"
_ADDRESS_PATTERNS: tuple[re.Pattern[str], ...] = (
    # "Grote Markt 7", "Kerkstraat 12, 9000 Gent", "Stationsstraat 45 bus 2"
    re.compile(rf"(?:{_CAP}\s)?\b(?:[A-ZÀ-ÖØ-Ý][\w'’-]*?(?:{_NL_STREET_SUFFIX})|"
               rf"{'|'.join(w.capitalize() for w in _NL_STREET_SUFFIX.split('|'))})"
               rf"\s+{_HOUSE_NUMBER}{_TOWN}"),
    # "Rue de la Loi 16, 1000 Brussel", "Avenue Louise 54"
    re.compile(rf"\b(?i:rue|avenue|av\.|chauss[ée]e|boulevard|bd|place|chemin|dr[èe]ve|clos|"
               rf"all[ée]e|quai|square|impasse)\s+(?:(?i:de|du|des|la|le|l'|d')\s*)*"
               rf"{_CAP}(?:\s+{_CAP})*\s*,?\s*{_HOUSE_NUMBER}{_TOWN}"),
    # A street name without number: "ik woon in de Kerkstraat".
    re.compile(rf"\b{_CAP}(?:straat|laan|steenweg|dreef)\b"),
)

# ---------------------------------------------------------------- health details


@lru_cache(maxsize=1)
def _health_patterns() -> tuple[tuple[re.Pattern[str], ...], re.Pattern[str]]:
    """(patterns on folded text, the case-sensitive pattern for entries in capitals)."""
    caps, words, infixes, phrases = [], [], [], []
    for entry in _read_list("health_terms.txt"):
        if entry.startswith("="):
            words.append(fold(entry[1:]))
        elif entry.isupper():
            caps.append(entry)
        elif " " in entry:
            phrases.append(fold(entry))
        elif len(entry) >= 5:
            infixes.append(fold(entry))
        else:
            words.append(fold(entry))

    def alt(items: list[str]) -> str:
        return "|".join(re.escape(i) for i in sorted(set(items), key=len, reverse=True))

    patterns = (
        re.compile(rf"\b(?:{alt(phrases)})\b"),
        re.compile(rf"[\w-]*(?:{alt(infixes)})[\w-]*"),
        re.compile(rf"\b(?:{alt(words)})\b"),
    )
    return patterns, re.compile(rf"(?<![\w/])(?:{alt(caps)})(?![\w/])")


# ---------------------------------------------------------------- names

_PARTICLES = {"van", "de", "der", "den", "vande", "vanden", "vander", "d'", "'t", "ter", "ten",
              "el", "al", "ben", "ait", "da", "dos", "di", "del", "du", "des", "la", "le", "op"}
# Words that end a name and never start one, even capitalised (sentence starts, acronyms).
_STOP = {
    "ik", "je", "jij", "u", "we", "wij", "ze", "zij", "hij", "mijn", "jouw", "uw", "ons", "onze",
    "de", "het", "een", "en", "of", "maar", "dat", "die", "dit", "wat", "hoe", "waar", "wie",
    "wanneer", "waarom", "is", "ben", "bent", "heb", "heeft", "wil", "kan", "mag", "moet", "zal",
    "niet", "geen", "al", "nog", "ook", "wel", "ja", "nee", "hallo", "hoi", "dag", "dank",
    "bedankt", "sorry", "beste", "geachte", "graag", "hier", "daar", "nu", "sinds", "uit", "bij",
    "met", "voor", "naar", "op", "in", "aan", "te", "van", "als", "werkgever", "werknemer",
    "zelfstandige", "ziek", "thuis", "mevrouw", "meneer", "dokter",
}
_ROLE_CUES = {
    "collega", "baas", "chef", "werkgever", "werknemer", "werkneemster", "leidinggevende",
    "huisarts", "arts", "dokter", "man", "vrouw", "partner", "echtgenoot", "echtgenote", "zoon",
    "dochter", "moeder", "vader", "mama", "papa", "broer", "zus", "vriend", "vriendin", "buurman",
    "buurvrouw", "coordinator", "begeleider", "begeleidster", "jobcoach", "consulent",
    "consulente", "manager", "zaakvoerder", "kind", "schoonmoeder", "schoonvader",
}
_TITLE_CUES = {"mevrouw", "meneer", "mevr", "mvr", "mw", "dhr", "mr", "mijnheer", "juffrouw",
               "dokter", "dr", "madame", "monsieur", "mme", "mr.", "groetjes", "groeten",
               "groet", "mvg", "vriendelijke"}
# Cues of two or three words, folded; the name follows.
_PHRASE_CUES = (("ik", "ben"), ("ik", "heet"), ("mijn", "naam", "is"), ("naam", "is"),
                ("hier", "is"), ("je", "m'appelle"), ("my", "name", "is"), ("i", "am"),
                ("ik", "noem"), ("mijn", "naam"), ("naam",))

_TOKEN = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")


@dataclass
class _Token:
    start: int
    end: int
    text: str
    folded: str

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper() and not (len(self.text) > 1 and self.text.isupper())


def _is_listed(lists: _Lists, word: str) -> bool:
    return word in lists.first or word in lists.last or word in lists.ambiguous


def _phrase_at(tokens: list[_Token], i: int, lists: _Lists) -> int:
    """Length of a listed multi-word family name starting at token i ("van den broeck"), or 0."""
    for phrase in lists.last_phrases:
        n = len(phrase)
        if tuple(t.folded for t in tokens[i:i + n]) == phrase:
            return n
    return 0


def _name_tokens(text: str) -> list[tuple[int, int]]:
    lists = _lists()
    tokens = [_Token(m.start(), m.end(), m.group(), fold(m.group())) for m in _TOKEN.finditer(text)]
    marked = [False] * len(tokens)

    def plain_gap(a: int, b: int) -> bool:
        """Only spaces (or a hyphen) between tokens a and b: the same name."""
        return text[tokens[a].end:tokens[b].start].strip() in ("", "-")

    def cue_before(i: int) -> str | None:
        if i == 0:
            return None
        if text[tokens[i - 1].end:tokens[i].start].strip(" :.,") != "":
            return None
        prev = tokens[i - 1].folded
        if prev in _TITLE_CUES:
            return "title"
        if prev in _ROLE_CUES and i >= 2 and tokens[i - 2].folded in ("mijn", "onze", "ons", "de", "jullie"):
            return "role"
        for cue in _PHRASE_CUES:
            n = len(cue)
            if i >= n and tuple(t.folded for t in tokens[i - n:i]) == cue and all(
                    plain_gap(k, k + 1) for k in range(i - n, i - 1)):
                return "ik ben" if cue in (("ik", "ben"), ("i", "am")) else "phrase"
        return None

    def extend(i: int) -> int:
        """Mark the name starting at token i and the family name after it; returns the next index."""
        j = i
        while j < len(tokens) and j - i < 5:
            phrase = _phrase_at(tokens, j, lists)
            if phrase and (j == i or plain_gap(j - 1, j)):
                for k in range(j, j + phrase):
                    marked[k] = True
                j += phrase
                continue
            token = tokens[j]
            if j > i and not plain_gap(j - 1, j):
                break
            if token.folded in _PARTICLES and j > i:
                # A particle belongs to the name only when a name-like word follows it.
                k = j
                while k < len(tokens) and tokens[k].folded in _PARTICLES and plain_gap(k - 1, k):
                    k += 1
                if k < len(tokens) and plain_gap(k - 1, k) and tokens[k].folded not in _STOP and (
                        tokens[k].capitalised or _is_listed(lists, tokens[k].folded)):
                    for m in range(j, k + 1):
                        marked[m] = True
                    j = k + 1
                    continue
                break
            if j == i or (token.folded not in _STOP and (
                    token.capitalised or _is_listed(lists, token.folded))):
                marked[j] = True
                j += 1
                continue
            break
        return j

    i = 0
    while i < len(tokens):
        token = tokens[i]
        if marked[i]:
            i += 1
            continue
        cue = cue_before(i)
        start = False
        if cue is not None and token.folded not in _STOP and not token.folded.isdigit():
            if cue == "ik ben":  # "ik ben ziek", "ik ben werkgever": only names
                start = _is_listed(lists, token.folded) or token.capitalised
            else:
                start = token.capitalised or _is_listed(lists, token.folded)
        elif _phrase_at(tokens, i, lists) and tokens[i].capitalised:
            start = True  # "De Smet", "Van den Bossche", "El Amrani"
        elif token.capitalised and (token.folded in lists.first or token.folded in lists.last):
            start = True
        elif token.folded in lists.first and i + 1 < len(tokens) and plain_gap(i, i + 1) and (
                tokens[i + 1].folded in lists.last or _phrase_at(tokens, i + 1, lists)):
            start = True  # "jan peeters" typed in lower case
        if start:
            # A capitalised word just before a family name is its first name ("Kevin Janssens").
            if (i > 0 and not marked[i - 1] and token.folded in lists.last and plain_gap(i - 1, i)
                    and tokens[i - 1].capitalised and tokens[i - 1].folded not in _STOP
                    and tokens[i - 1].folded not in _TITLE_CUES | _ROLE_CUES):
                marked[i - 1] = True
            i = extend(i)
        else:
            i += 1
    return [(t.start, t.end) for t, m in zip(tokens, marked, strict=False) if m]


# ---------------------------------------------------------------- putting it together


def _spans(text: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in spans)

    def add(start: int, end: int, kind: str) -> None:
        if start < end and free(start, end):
            spans.append((start, end, kind))

    for kind, pattern in _CONTACT_PATTERNS:
        for match in pattern.finditer(text):
            add(match.start(), match.end(), kind)
    for pattern in _ADDRESS_PATTERNS:
        for match in pattern.finditer(text):
            add(match.start(), match.end(), ADDRESS)
    folded, where = _fold_with_map(text)
    patterns, caps = _health_patterns()
    for pattern in patterns:
        for match in pattern.finditer(folded):
            if match.end() > match.start():
                add(where[match.start()], where[match.end() - 1] + 1, HEALTH)
    for match in caps.finditer(text):
        add(match.start(), match.end(), HEALTH)
    for start, end in _name_tokens(text):
        add(start, end, NAME)
    return sorted(spans)


_REPEATED = re.compile(r"(\[[a-z-]+\])(?:\s+\1)+")


def scrub(raw: str | None, *, max_len: int = QUESTION_MAX) -> ScrubResult:
    """The question without personal data, and how many items of each kind were removed."""
    text = clean_text(raw, max_len=10 * max_len, field="question")
    if text is None:
        return ScrubResult(None, {})
    found: Counter[str] = Counter()
    out: list[str] = []
    cursor = 0
    last_kind = None
    for start, end, kind in _spans(text):
        between = text[cursor:start]
        # Adjacent name words ("Jan" "Peeters") count as one name.
        if not (kind == last_kind == NAME and between.strip() == ""):
            found[kind] += 1
        out.append(between)
        out.append(PLACEHOLDERS[kind])
        cursor, last_kind = end, kind
    out.append(text[cursor:])
    clean = _REPEATED.sub(r"\1", "".join(out))
    clean = re.sub(r"\s+", " ", clean).strip()
    return ScrubResult(_truncate(clean, max_len) if clean else None, dict(found))


def scrub_text(raw: str | None, *, max_len: int = QUESTION_MAX) -> str | None:
    return scrub(raw, max_len=max_len).text
