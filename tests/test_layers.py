"""The packages depend on each other in a straight line, bottom to top:

    settings, dutch_text  ←  intake, knowledge_base, safety  ←  actions, bot, rasa_addons  ←  tnw

A package imports only from the layers below its own (actions, bot and rasa_addons also from
each other). Every import counts, at the top of a module or inside a function alike.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"settings", "dutch_text"}),
    frozenset({"intake", "knowledge_base", "safety"}),
    frozenset({"actions", "bot", "rasa_addons"}),
    frozenset({"tnw"}),
)
OURS = frozenset().union(*LAYERS)
# Same-layer imports are allowed only here; the storage and search packages stay independent.
SHARED_LAYERS = (frozenset({"actions", "bot", "rasa_addons"}),)


def layer_of(package: str) -> int:
    return next(index for index, layer in enumerate(LAYERS) if package in layer)


def allowed(importer: str, imported: str) -> bool:
    if importer == imported:
        return True
    if any(importer in layer and imported in layer for layer in SHARED_LAYERS):
        return True
    return layer_of(imported) < layer_of(importer)


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every absolute import; relative ones stay inside their package."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return sorted(found)


def package_files():
    for package in sorted(OURS):
        folder = ROOT / package
        if folder.is_dir():
            for path in sorted(folder.rglob("*.py")):
                yield package, path


def offending_imports() -> list[str]:
    offences = []
    for package, path in package_files():
        for line, module in imported_modules(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            top = module.split(".")[0]
            if top in OURS and not allowed(package, top):
                offences.append(f"{path.relative_to(ROOT)}:{line}: import {module}")
    return offences


def test_every_package_is_on_a_layer():
    on_disk = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests", "bench", "deploy"}
    assert on_disk <= OURS, f"put these packages on a layer in LAYERS: {sorted(on_disk - OURS)}"


def test_no_package_imports_a_higher_layer():
    offences = offending_imports()
    assert not offences, "imports against the layers (see the module docstring):\n" + "\n".join(offences)


@pytest.mark.parametrize(("importer", "imported", "ok"), [
    ("settings", "tnw", False), ("settings", "intake", False), ("dutch_text", "settings", False),
    ("intake", "settings", True), ("intake", "dutch_text", True), ("intake", "knowledge_base", False),
    ("knowledge_base", "tnw", False), ("knowledge_base", "bot", False), ("safety", "actions", False),
    ("actions", "intake", True), ("bot", "rasa_addons", True), ("rasa_addons", "tnw", False),
    ("tnw", "bot", True),
])
def test_the_rule(importer, imported, ok):
    assert allowed(importer, imported) is ok


def test_a_function_level_import_counts_too():
    tree = ast.parse("def f():\n    from tnw.cli import main\n    import bot.terminal\n")
    assert imported_modules(tree) == [(2, "tnw.cli"), (3, "bot.terminal")]


# The storage and search packages get every setting from their caller: they never read the
# environment. (knowledge_base.embeddings may *set* variables for the Hugging Face libraries.)
NO_ENVIRONMENT = ("intake", "knowledge_base")


def environment_reads(tree: ast.AST) -> list[int]:
    setting = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            setting.update(id(target.value) for target in node.targets if isinstance(target, ast.Subscript))
        elif isinstance(node, ast.Attribute) and node.attr == "setdefault":
            setting.add(id(node.value))
    lines = []
    for node in ast.walk(tree):
        is_environ = isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb")
        if is_environ and id(node) not in setting:
            lines.append(node.lineno)
    return sorted(lines)


def test_storage_and_search_never_read_the_environment():
    offences = [f"{path.relative_to(ROOT)}:{line}"
                for package, path in package_files() if package in NO_ENVIRONMENT
                for line in environment_reads(ast.parse(path.read_text(encoding="utf-8")))]
    assert not offences, "read the settings at the entry point and pass the value down:\n" + "\n".join(offences)


def test_an_environment_read_is_found():
    assert environment_reads(ast.parse("import os\nx = os.environ.get('A')\ny = os.getenv('B')\n")) == [2, 3]
    assert environment_reads(ast.parse("import os\nos.environ['A'] = '1'\nos.environ.setdefault('B', '2')\n")) == []
