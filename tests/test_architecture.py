"""The layers of ``helpers/`` (see ARCHITECTURE.md), computed from the source: at most 4, no cycles."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LAYERS = 4


def module_name(path: Path, package: Path) -> str:
    """``helpers/plotting/__init__.py`` → ``helpers.plotting``; ``helpers/data.py`` → ``helpers.data``."""
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, name: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules of ``known`` that a module imports anywhere (top level, functions, ``TYPE_CHECKING`` blocks)."""
    found = set()
    here = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.rsplit(".", node.level - 1)[0] if node.level > 1 else here
                base = f"{anchor}.{base}" if base else anchor
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:  # helpers.curves.LearningCurve → helpers.curves
                target = target.rpartition(".")[0]
            if target and target != name and target != "helpers":
                found.add(target)
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    """Each module of the package → the modules of the same package it imports."""
    paths = {module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    known = set(paths)
    return {name: imported_modules(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", known)
            for name, path in paths.items()}


def unit(module: str) -> str:
    """The unit of the layer table a module belongs to: a subpackage (``helpers.checks``) with all its modules,
    or a module of its own (``helpers.curves``)."""
    return ".".join(module.split(".")[:2])


def layers(graph: dict[str, set[str]]) -> dict[str, int]:
    """Layer 1: imports no module of the package; layer k: imports some of layer k − 1 and none above.

    A subpackage is one unit: an import between its own modules (``helpers.checks`` re-exporting
    ``helpers.checks.task1``, which uses ``helpers.checks.common``) adds no layer; one from outside does.
    Raises ValueError naming the modules of an import cycle (inside a subpackage, too).
    """
    result: dict[str, int] = {}
    remaining = dict(graph)
    while remaining:
        ready = [m for m, deps in remaining.items() if all(d in result for d in deps)]
        if not ready:
            raise ValueError(f"import cycle among {sorted(remaining)}")
        for module in ready:
            result[module] = max((result[d] + (unit(d) != unit(module)) for d in remaining[module]), default=1)
            del remaining[module]
    return result


def test_helpers_have_at_most_four_layers_and_no_cycles():
    found = layers(import_graph(ROOT / "helpers"))
    assert max(found.values()) <= MAX_LAYERS, f"more than {MAX_LAYERS} import layers: {found}"
    graph = import_graph(ROOT / "helpers")
    assert graph["helpers.curves"] <= {"helpers.validation"}, \
        "the analysis of curves stands on numpy/scipy and the shared argument checks alone"
    for analysis in ("helpers.extrapolation", "helpers.worth"):
        assert graph[analysis] <= {"helpers.curves", "helpers.validation"}, f"{analysis} stands on curves alone"


def test_only_the_engine_imports_the_engine():
    graph = import_graph(ROOT / "helpers")
    importers = sorted(m for m, deps in graph.items() if "helpers.training" in deps)
    # Only the homework checks (to re-measure a student's curve with the task's settings) and the 04 explorer
    # (to evaluate kept models on rotated digits) use the engine; the LearningCurve record comes from helpers.curves.
    assert set(importers) <= {"helpers.checks.common", "helpers.explorers"}, f"{importers} import helpers.training"


def test_students_package_never_imports_the_maintainer_tools():
    for path in (ROOT / "helpers").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(name == "tools" or name.startswith("tools.") for name in names), path.name


def test_the_layer_count_sees_deep_chains_relative_imports_and_cycles(tmp_path):
    package = tmp_path / "helpers"
    (package / "plotting").mkdir(parents=True)
    files = {"__init__.py": "", "a.py": "import numpy\n", "b.py": "from helpers import a\n",
             "c.py": "from helpers.b import x\n", "plotting/__init__.py": "from .curves import y\n",
             "plotting/curves.py": "def f():\n    from helpers.c import z\n"}
    for name, text in files.items():
        (package / name).write_text(text)
    graph = import_graph(package)
    assert graph["helpers.plotting"] == {"helpers.plotting.curves"}
    assert layers(graph) == {"helpers": 1, "helpers.a": 1, "helpers.b": 2, "helpers.c": 3,
                             "helpers.plotting.curves": 4, "helpers.plotting": 4}, "a subpackage is one unit"
    (package / "d.py").write_text("from helpers.plotting.curves import y\n")  # from outside: a layer above
    assert layers(import_graph(package))["helpers.d"] == 5
    (package / "a.py").write_text("if False:\n    from helpers.plotting import f\n")
    with pytest.raises(ValueError, match="import cycle among .*helpers.a"):
        layers(import_graph(package))


MAX_MODULE_LINES = 650  # a module beyond this mixes concepts: split it by concept, as ARCHITECTURE.md says


def oversized(folder: Path, limit: int = MAX_MODULE_LINES) -> dict[str, int]:
    """The modules under ``folder`` with more than ``limit`` lines (blank lines and docstrings count)."""
    sizes = {str(p.relative_to(folder)): len(p.read_text(encoding="utf-8").splitlines()) for p in folder.rglob("*.py")}
    return {name: n for name, n in sorted(sizes.items()) if n > limit}


def test_no_helpers_module_is_over_650_lines(tmp_path):
    assert oversized(ROOT / "helpers") == {}
    (tmp_path / "giant.py").write_text("x = 1\n" * (MAX_MODULE_LINES + 1), encoding="utf-8")
    assert oversized(tmp_path) == {"giant.py": MAX_MODULE_LINES + 1}  # the check sees a module that is too long


def test_no_hand_kept_used_in_lines():
    """Which notebook uses a helper is read from the notebooks' imports, never written by hand (it drifts)."""
    stale = [f"{p.relative_to(ROOT)}:{i}" for p in sorted((ROOT / "helpers").rglob("*.py"))
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
             if line.strip().startswith(("Used in ", "Used by "))]
    assert stale == [], f"hand-kept 'Used in' lines: {stale}"


def table_layers(text: str) -> dict[str, int]:
    """``helpers.<module>`` → its layer, read from the layer table of ARCHITECTURE.md.

    A row is ``| N · title | `module` (what), `plotting.images` / `.learning` | may import |``: every name in
    backticks in the second column; ``.learning`` after ``plotting.images`` is ``plotting.learning``. The
    parenthesised descriptions may hold backticked names too (``LearningCurve``): those are ignored when they
    are no module of ``helpers``, so only the rows' own modules count.
    """
    found: dict[str, int] = {}
    for row in re.finditer(r"^\|\s*(\d+)\s*·[^|]*\|([^|]*)\|", text, re.M):
        layer, modules = int(row.group(1)), row.group(2)
        while re.search(r"\([^()]*\)", modules):  # descriptions, innermost first
            modules = re.sub(r"\([^()]*\)", "", modules)
        previous = ""
        for name in re.findall(r"`([\w.]+)`", modules):
            if name.startswith("."):
                name = previous.rpartition(".")[0] + name
            previous = name
            found[f"helpers.{name}"] = layer
    return found


def test_the_architecture_table_lists_every_module_with_its_computed_layer():
    computed = {m: n for m, n in layers(import_graph(ROOT / "helpers")).items() if m != "helpers"}
    table = table_layers((ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8"))
    problems = [f"{m}: computed layer {n}, the table says {table.get(m, 'nothing')}"
                for m, n in sorted(computed.items()) if table.get(m) != n]
    problems += [f"{m}: in the table (layer {n}) but no module of helpers/" for m, n in sorted(table.items())
                 if m not in computed]
    assert not problems, "ARCHITECTURE.md's layer table disagrees with the imports:\n" + "\n".join(problems)


def test_the_table_reader_expands_shorthand_and_skips_descriptions():
    text = ("| layer | modules | may import |\n|---|---|---|\n"
            "| 1 · base | `env` (device, `torch`), `plotting.style` | nothing |\n"
            "| 3 · pictures | `plotting.images` / `.learning`, `curves` (the `LearningCurve` (a record)) | 1–2 |\n")
    assert table_layers(text) == {"helpers.env": 1, "helpers.plotting.style": 1, "helpers.plotting.images": 3,
                                  "helpers.plotting.learning": 3, "helpers.curves": 3}
