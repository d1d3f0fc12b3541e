"""The one accent-folding function every package uses."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import dutch_text
from dutch_text import fold


@pytest.mark.parametrize(("raw", "expected"), [
    ("Coördinator", "coordinator"),
    ("COÖRDINATOR", "coordinator"),
    ("Liège", "liege"),
    ("café crème", "cafe creme"),
    ("Zoë Müller", "zoe muller"),
    ("Straße", "strasse"),  # casefold, not lower
    ("ﬁets", "fiets"),  # compatibility forms become plain letters
    ("０４７０", "0470"),  # full-width digits too
    ("een-twee, drie?", "een-twee, drie?"),  # punctuation and spaces stay
    ("Søren Łukasz", "søren łukasz"),  # letters without a decomposition stay
    ("", ""),
])
def test_fold_lowers_and_removes_accents(raw, expected):
    assert fold(raw) == expected


def test_fold_is_idempotent():
    for text in ("Coördinator", "Straße", "ﬁets", "Ağca-Müller"):
        assert fold(fold(text)) == fold(text)


def test_dutch_text_imports_nothing_of_ours():
    """The bottom layer: every other package may import it, it imports none of them."""
    ours = {"actions", "bot", "intake", "knowledge_base", "rasa_addons", "safety", "settings", "tnw", "bench"}
    for path in Path(dutch_text.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else []
            else:
                continue
            assert not {name.split(".")[0] for name in names} & ours, (path.name, names)


def test_no_package_folds_accents_by_itself():
    """Accents are folded in one place; a second copy would drift (see dutch_text.fold)."""
    root = Path(dutch_text.__file__).resolve().parent.parent
    packages = ("actions", "bot", "intake", "knowledge_base", "rasa_addons", "safety", "settings", "tnw", "bench")
    copies = [path.relative_to(root) for package in packages for path in (root / package).rglob("*.py")
              if '"NFKD"' in path.read_text(encoding="utf-8")]
    assert copies == []
