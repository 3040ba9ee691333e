"""The app's modules import one way: each only from those below it in the layering of
STYLE.md, and no two modules import each other, not even inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

APP = Path(__file__).resolve().parent.parent / "annotations"

#: bottom up; a module may import from its own layer and those before it
LAYERS = [
    {"text", "backups", "boilerplate", "duplicates"},
    {"suggesting", "anchoring"},
    {"models"},
    {"documents"},
    {"importing"},
    {"exporting"},
    {"corpus", "evaluation", "agreement"},
    {"jobs"},
    {"permissions"},
    {"forms"},
    {"errors"},
    {"middleware", "views"},
    {"api"},
    {"admin"},
    {"urls", "apps", "management", "migrations"},
]


def layer_of(module: str) -> int:
    part = module.split(".")[1] if "." in module else ""
    for n, names in enumerate(LAYERS):
        if part in names:
            return n
    raise AssertionError(f"{module} has no place in the layering; add it to LAYERS")


def module_name(path: Path) -> str:
    parts = ["annotations", *path.relative_to(APP).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    path = APP.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(path: Path) -> set[str]:
    """The ``annotations`` modules a file imports, anywhere in it."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if is_module(full) else base)
    return {name for name in found if name.startswith("annotations.") and name != module}


def import_graph() -> dict[str, set[str]]:
    return {module_name(path): imports_of(path) for path in sorted(APP.rglob("*.py"))}


def test_the_graph_sees_imports_inside_functions_and_relative_ones():
    graph = import_graph()
    assert "annotations.models" in graph["annotations.forms"]
    assert "annotations.suggesting" in graph["annotations.models.articles"]
    assert "annotations.models.quotes" in graph["annotations.models.articles"]
    assert "annotations.corpus.brat" in graph["annotations.corpus.importing"]
    assert "annotations.exporting" in graph["annotations.api.views.quotes"]  # inside a method


def test_no_module_imports_a_module_above_it():
    upward = [
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in sorted(targets)
        if layer_of(target) > layer_of(module)
    ]
    assert upward == []


def test_no_two_modules_import_each_other():
    graph = import_graph()
    mutual = sorted(
        f"{a} <-> {b}"
        for a, targets in graph.items()
        for b in targets
        if a < b and a in graph.get(b, ())
    )
    assert mutual == []


def test_every_model_is_imported_from_the_models_package():
    """Other modules import models from ``annotations.models``, whichever of its modules
    defines them."""
    import annotations.models

    defined = apps.get_app_config("annotations").get_models()
    missing = [
        model.__name__
        for model in defined
        if not model.__name__.startswith("Historical")
        and getattr(annotations.models, model.__name__, None) is not model
    ]
    assert missing == []
