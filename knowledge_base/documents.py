"""Knowledge-base documents: parsing and validation.

One Markdown file per measure, `<id>.md`, with YAML front matter between `---` lines
(`id`, `title`, `aliases`, `audience`, `sources`, `last_verified`) and a body of exactly six
`##` sections, in a fixed order, with fixed Dutch headings. Every problem is reported as a
`DocumentError` whose message names the file and the field or section at fault, so an author
sees at once what to fix.
"""
from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge_base.items import Item, items_dir_for, load_items

__all__ = [
    "AUDIENCES",
    "DEFAULT_DOCUMENTS_DIR",
    "MAX_SECTION_CHARS",
    "SECTION_KEYS",
    "SECTION_TITLES",
    "Document",
    "DocumentError",
    "Section",
    "load_document",
    "load_documents",
    "parse_document",
]

DEFAULT_DOCUMENTS_DIR = Path(__file__).resolve().parent / "documents"

# Section keys in document order, and the Dutch heading each one has in the Markdown.
SECTION_KEYS: tuple[str, ...] = ("what", "who", "conditions", "amount", "apply", "contact")
SECTION_TITLES: dict[str, str] = {
    "what": "Wat is het?",
    "who": "Voor wie?",
    "conditions": "Voorwaarden",
    "amount": "Hoeveel en hoe lang?",
    "apply": "Hoe aanvragen?",
    "contact": "Bij wie kan ik terecht?",
}
AUDIENCES: tuple[str, ...] = ("participant", "employer", "both")

# A section is sent to the user as one chat message, so it has to stay short.
MAX_SECTION_CHARS = 700

_REQUIRED_FIELDS = ("id", "title", "aliases", "audience", "sources", "last_verified")
_ID_RE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_H2_RE = re.compile(r"^##(?!#)[ \t]*(.*?)[ \t#]*$")
_H1_RE = re.compile(r"^#(?!#)[ \t]+\S")
_IGNORED_FILES = {"readme.md"}


class DocumentError(ValueError):
    """A knowledge-base document is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class Section:
    key: str  # one of SECTION_KEYS
    title: str  # the Dutch heading as written in the document
    text: str  # the section body, stripped


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    aliases: tuple[str, ...]
    audience: str  # participant | employer | both
    sources: tuple[str, ...]
    last_verified: datetime.date
    sections: tuple[Section, ...]
    path: Path
    items: tuple[Item, ...] = ()  # the specific questions and answers (knowledge_base/items/)

    def section(self, key: str) -> Section | None:
        for section in self.sections:
            if section.key == key:
                return section
        return None

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)


def _heading_key(title: str) -> str:
    """Normalise a heading for comparison: case, spacing and a trailing '?' do not matter."""
    return " ".join(title.replace("?", " ").split()).casefold()


_KEY_BY_HEADING = {_heading_key(title): key for key, title in SECTION_TITLES.items()}


def _split_front_matter(name: str, text: str) -> tuple[str, str]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise DocumentError(f"{name}: front matter missing (the file must start with a '---' line)")
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1 :])
    raise DocumentError(f"{name}: front matter not closed (no second '---' line)")


def _string_list(name: str, field: str, value: object, *, allow_empty: bool) -> tuple[str, ...]:
    if value is None and allow_empty:
        return ()
    if not isinstance(value, list):
        raise DocumentError(f"{name}: front matter field '{field}' must be a list of strings")
    items = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise DocumentError(
                f"{name}: front matter field '{field}' must contain only non-empty strings, got {item!r}"
            )
        items.append(item.strip())
    if not items and not allow_empty:
        raise DocumentError(f"{name}: front matter field '{field}' must not be empty")
    if len({item.casefold() for item in items}) != len(items):
        raise DocumentError(f"{name}: front matter field '{field}' contains duplicates")
    return tuple(items)


def _parse_front_matter(name: str, raw: str, expected_id: str | None) -> dict:
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise DocumentError(f"{name}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise DocumentError(f"{name}: front matter must be a YAML mapping of fields")
    for field in _REQUIRED_FIELDS:
        if field not in data:
            raise DocumentError(f"{name}: front matter field '{field}' is missing")
    unknown = sorted(str(key) for key in data if key not in _REQUIRED_FIELDS)
    if unknown:
        raise DocumentError(
            f"{name}: front matter field '{unknown[0]}' is unknown "
            f"(allowed: {', '.join(_REQUIRED_FIELDS)})"
        )

    doc_id = data["id"]
    if not isinstance(doc_id, str) or not _ID_RE.match(doc_id):
        raise DocumentError(
            f"{name}: front matter field 'id' must be lowercase letters, digits and underscores, got {doc_id!r}"
        )
    if expected_id is not None and doc_id != expected_id:
        raise DocumentError(
            f"{name}: front matter field 'id' is {doc_id!r} but the file name says {expected_id!r}"
        )

    title = data["title"]
    if not isinstance(title, str) or not title.strip():
        raise DocumentError(f"{name}: front matter field 'title' must be a non-empty string")

    audience = data["audience"]
    if audience not in AUDIENCES:
        raise DocumentError(
            f"{name}: front matter field 'audience' must be one of {', '.join(AUDIENCES)}, got {audience!r}"
        )

    last_verified = data["last_verified"]
    if isinstance(last_verified, datetime.datetime):
        last_verified = last_verified.date()
    elif isinstance(last_verified, str):
        try:
            last_verified = datetime.date.fromisoformat(last_verified.strip())
        except ValueError:
            last_verified = None
    if not isinstance(last_verified, datetime.date):
        raise DocumentError(
            f"{name}: front matter field 'last_verified' must be a date (YYYY-MM-DD), got {data['last_verified']!r}"
        )

    return {
        "id": doc_id,
        "title": title.strip(),
        "aliases": _string_list(name, "aliases", data["aliases"], allow_empty=True),
        "audience": audience,
        "sources": _string_list(name, "sources", data["sources"], allow_empty=False),
        "last_verified": last_verified,
    }


def _parse_sections(name: str, body: str) -> tuple[Section, ...]:
    found: list[tuple[str, list[str]]] = []  # (heading as written, body lines)
    in_fence = False
    for line in body.split("\n"):
        stripped = line.strip()
        if stripped.startswith("```") or stripped.startswith("~~~"):
            in_fence = not in_fence
        match = None if in_fence else _H2_RE.match(line)
        if match:
            found.append((match.group(1).strip(), []))
        elif found:
            found[-1][1].append(line)
        elif stripped and not _H1_RE.match(line):
            raise DocumentError(
                f"{name}: text before the first section: {stripped[:60]!r} "
                "(only a '# title' line may precede the '##' sections)"
            )

    keyed: list[tuple[str, str, list[str]]] = []  # (key, heading, lines)
    for heading, lines in found:
        key = _KEY_BY_HEADING.get(_heading_key(heading))
        if key is None:
            raise DocumentError(
                f"{name}: section '{heading}' is not a known section "
                f"(expected: {', '.join(SECTION_TITLES.values())})"
            )
        if any(other == key for other, _, _ in keyed):
            raise DocumentError(f"{name}: section '{SECTION_TITLES[key]}' appears twice")
        keyed.append((key, heading, lines))
    present = {key for key, _, _ in keyed}
    for key in SECTION_KEYS:
        if key not in present:
            raise DocumentError(f"{name}: section '{SECTION_TITLES[key]}' is missing")
    for position, (key, heading, _) in enumerate(keyed):
        if SECTION_KEYS[position] != key:
            raise DocumentError(
                f"{name}: section '{heading}' is out of order "
                f"(expected '{SECTION_TITLES[SECTION_KEYS[position]]}' at position {position + 1})"
            )

    sections: list[Section] = []
    for key, heading, lines in keyed:
        text = "\n".join(lines).strip()
        if not text:
            raise DocumentError(f"{name}: section '{heading}' is empty")
        if len(text) > MAX_SECTION_CHARS:
            raise DocumentError(
                f"{name}: section '{heading}' is {len(text)} characters long "
                f"(at most {MAX_SECTION_CHARS}: it is sent as one chat message)"
            )
        sections.append(Section(key=key, title=heading, text=text))
    return tuple(sections)


def parse_document(text: str, path: Path, *, check_file_name: bool = True) -> Document:
    """Parse the text of a document; `path` is used for messages and kept on the result."""
    name = path.name
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    raw_front, body = _split_front_matter(name, text)
    fields = _parse_front_matter(name, raw_front, path.stem if check_file_name else None)
    sections = _parse_sections(name, body)
    return Document(sections=sections, path=path, **fields)


def load_document(path: Path) -> Document:
    """Read and validate one document file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path.name}: cannot be read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{path.name}: is not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc
    return parse_document(text, path)


def document_paths(directory: Path = DEFAULT_DOCUMENTS_DIR) -> list[Path]:
    """The document files in a directory, sorted by name (README.md and hidden/_ files skipped)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise DocumentError(f"{directory}: documents directory does not exist")
    return sorted(
        path
        for path in directory.glob("*.md")
        if path.is_file()
        and path.name.lower() not in _IGNORED_FILES
        and not path.name.startswith((".", "_"))
    )


def load_documents(directory: Path = DEFAULT_DOCUMENTS_DIR, items_dir: Path | None = None) -> dict[str, Document]:
    """Load every document in `directory`, keyed by id in sorted order; duplicate ids are an error.

    Each document gets its answer items from `items_dir` (default: `items/` beside `directory`).
    """
    documents: dict[str, Document] = {}
    for path in document_paths(directory):
        document = load_document(path)
        if document.id in documents:
            raise DocumentError(
                f"{path.name}: front matter field 'id' {document.id!r} is also used by "
                f"{documents[document.id].path.name}"
            )
        documents[document.id] = document
    items = load_items(items_dir if items_dir is not None else items_dir_for(directory), set(documents))
    documents = {doc_id: dataclasses.replace(doc, items=items.get(doc_id, ())) for doc_id, doc in documents.items()}
    return dict(sorted(documents.items()))
