"""Answer items: one specific question each, with the ways people ask it and a short answer.

A document's overview sections answer "wat is X?"; its items answer the question a person
really asks (a deadline, a threshold, a yes/no for their case, a comparison). Items live in
`knowledge_base/items/<document id>.yaml`:

    document: vop
    items:
      - id: vop-nieuwe-aanvraag        # a-z, 0-9 and '-', at most 40 characters, unique
        question: Kan ik nog een nieuwe VOP aanvragen?
        phrasings: [3 to 8 other ways people ask it]
        answer: Nee. Sinds 1 juli 2023 ...   # at most 700 characters, the verdict first
        kind: yes_no                 # yes_no | fact | how | comparison | case
        audience: employer           # participant | employer | both
        sources: [...]
        last_verified: 2026-12-01
        related: [other item ids]    # the "Meer hierover" buttons

Every problem is an `ItemError` that names the file and the item.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = ["DEFAULT_ITEMS_DIR", "ITEM_KINDS", "Item", "ItemError", "item_paths", "items_dir_for", "load_items"]

DEFAULT_ITEMS_DIR = Path(__file__).resolve().parent / "items"
ITEM_KINDS = ("yes_no", "fact", "how", "comparison", "case")
AUDIENCES = ("participant", "employer", "both")
MAX_ANSWER_CHARS = 700
MAX_ID_CHARS = 40  # keeps a button payload such as /ask_item{"item": "..."} within Telegram's 64 bytes
MIN_PHRASINGS, MAX_PHRASINGS = 3, 8
MAX_RELATED = 3
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A yes/no answer starts with its verdict.
_VERDICT_RE = re.compile(r"^(ja|nee|neen|dat hangt (ervan|er van) af|niet altijd|meestal|soms|alleen)\b", re.I)
_FIELDS = ("id", "question", "phrasings", "answer", "kind", "audience", "sources", "last_verified", "related")


class ItemError(ValueError):
    """An answer item is malformed; the message names the file and the item."""


@dataclass(frozen=True)
class Item:
    id: str
    doc_id: str
    question: str
    phrasings: tuple[str, ...]
    answer: str
    kind: str
    audience: str
    sources: tuple[str, ...]
    last_verified: datetime.date
    related: tuple[str, ...]

    @property
    def questions(self) -> tuple[str, ...]:
        """The title question and every phrasing: what a user's message is matched against."""
        return (self.question, *self.phrasings)


def items_dir_for(documents_dir: Path) -> Path:
    """Where the items of a documents folder live: `items/` beside it."""
    return Path(documents_dir).resolve().parent / "items"


def item_paths(directory: Path) -> list[Path]:
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.yaml") if p.is_file() and not p.name.startswith((".", "_")))


def _strings(where: str, field: str, value: object, *, low: int, high: int | None = None) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ItemError(f"{where}: '{field}' must be a list of non-empty strings")
    values = tuple(" ".join(v.split()) for v in value)
    if len(values) < low or (high is not None and len(values) > high):
        bounds = f"{low} to {high}" if high is not None else f"at least {low}"
        raise ItemError(f"{where}: '{field}' must have {bounds} entries, has {len(values)}")
    return values


def verified_date(where: str, value: object, error: type[ValueError] = ItemError) -> datetime.date:
    """The `last_verified` field as a date (YAML may already have parsed it)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise error(f"{where}: 'last_verified' must be a date (YYYY-MM-DD), got {value!r}") from None


def check_fields(raw: object, where: str, fields: tuple[str, ...], error: type[ValueError] = ItemError,
                 *, kind: str = "item") -> str:
    """Check that `raw` is a mapping with exactly `fields`; returns `where` named by its id."""
    if not isinstance(raw, dict):
        raise error(f"{where}: must be a mapping of fields")
    if isinstance(raw.get("id"), str):
        where = f"{where.rsplit(': ', 1)[0]}: {kind} '{raw['id']}'"
    missing = [field for field in fields if field not in raw]
    if missing:
        raise error(f"{where}: field '{missing[0]}' is missing")
    unknown = sorted(str(key) for key in raw if key not in fields)
    if unknown:
        raise error(f"{where}: field '{unknown[0]}' is unknown (allowed: {', '.join(fields)})")
    return where


def parse_item(raw: object, *, file_name: str, doc_id: str, number: int) -> Item:
    where = check_fields(raw, f"{file_name}: item {number}", _FIELDS)
    assert isinstance(raw, dict)  # checked above
    item_id = raw["id"]
    if not isinstance(item_id, str) or not _ID_RE.match(item_id) or len(item_id) > MAX_ID_CHARS:
        raise ItemError(f"{where}: 'id' must be lowercase letters, digits and '-', at most {MAX_ID_CHARS} characters")
    question, answer = raw["question"], raw["answer"]
    if not isinstance(question, str) or not question.strip():
        raise ItemError(f"{where}: 'question' must be a non-empty string")
    if not isinstance(answer, str) or not answer.strip():
        raise ItemError(f"{where}: 'answer' must be a non-empty string")
    answer = answer.strip()
    if len(answer) > MAX_ANSWER_CHARS:
        raise ItemError(f"{where}: 'answer' is {len(answer)} characters long (at most {MAX_ANSWER_CHARS})")
    if raw["kind"] not in ITEM_KINDS:
        raise ItemError(f"{where}: 'kind' must be one of {', '.join(ITEM_KINDS)}, got {raw['kind']!r}")
    if raw["kind"] == "yes_no" and not _VERDICT_RE.match(answer):
        raise ItemError(f"{where}: a yes/no answer starts with its verdict (Ja, Nee, Dat hangt ervan af, ...)")
    if raw["audience"] not in AUDIENCES:
        raise ItemError(f"{where}: 'audience' must be one of {', '.join(AUDIENCES)}, got {raw['audience']!r}")
    related = _strings(where, "related", raw["related"] or [], low=0, high=MAX_RELATED)
    return Item(
        id=item_id,
        doc_id=doc_id,
        question=" ".join(question.split()),
        phrasings=_strings(where, "phrasings", raw["phrasings"], low=MIN_PHRASINGS, high=MAX_PHRASINGS),
        answer=answer,
        kind=raw["kind"],
        audience=raw["audience"],
        sources=_strings(where, "sources", raw["sources"], low=1),
        last_verified=verified_date(where, raw["last_verified"]),
        related=related,
    )


def parse_item_file(path: Path) -> tuple[str, list[Item]]:
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ItemError(f"{name}: cannot be read as YAML: {exc}") from exc
    if not isinstance(data, dict) or set(data) != {"document", "items"}:
        raise ItemError(f"{name}: expected exactly the fields 'document' and 'items'")
    doc_id = data["document"]
    if doc_id != path.stem:
        raise ItemError(f"{name}: 'document' is {doc_id!r} but the file name says {path.stem!r}")
    if not isinstance(data["items"], list) or not data["items"]:
        raise ItemError(f"{name}: 'items' must be a non-empty list")
    return doc_id, [parse_item(raw, file_name=name, doc_id=doc_id, number=n) for n, raw in enumerate(data["items"], 1)]


def load_items(directory: Path, document_ids: set[str] | frozenset[str]) -> dict[str, tuple[Item, ...]]:
    """Every item file in `directory`, checked together: known documents, unique ids, related ids exist."""
    by_doc: dict[str, tuple[Item, ...]] = {}
    seen: dict[str, str] = {}
    for path in item_paths(directory):
        doc_id, items = parse_item_file(path)
        if doc_id not in document_ids:
            raise ItemError(f"{path.name}: there is no document {doc_id!r} for these items")
        for item in items:
            if item.id in seen:
                raise ItemError(f"{path.name}: item '{item.id}' is also in {seen[item.id]}")
            seen[item.id] = path.name
        by_doc[doc_id] = tuple(items)
    for doc_id, doc_items in by_doc.items():
        for item in doc_items:
            for other in item.related:
                if other not in seen:
                    raise ItemError(f"{doc_id}.yaml: item '{item.id}' is related to unknown item '{other}'")
                if other == item.id:
                    raise ItemError(f"{doc_id}.yaml: item '{item.id}' is related to itself")
    return by_doc
