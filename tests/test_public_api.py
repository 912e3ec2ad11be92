"""The public API of ``helpers/`` is explicit: every module's ``__all__`` is exactly what is used from outside it.

"Used" means imported by name (``from helpers.data import load_mnist``) or read as an attribute of an imported module
(``import helpers.data as data; data.load_mnist``) in a notebook's code cells, ``tools/``, ``tests/``,
``benchmarks/`` or another ``helpers`` module. Both directions are checked: a name used from outside must be in
``__all__`` (else the API is implicit), and a name in ``__all__`` must be used somewhere (else it is dead or advertised
by mistake). Private names (``_like_this``) that tests import are not part of the API and are left out.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
from collections import defaultdict
from pathlib import Path

import pytest
from test_architecture import module_name

ROOT = Path(__file__).resolve().parents[1]
HELPERS = ROOT / "helpers"


def module_names() -> list[str]:
    """Every module of ``helpers`` but the package's own ``__init__`` (which only documents the index)."""
    names = (module_name(path, HELPERS) for path in sorted(HELPERS.rglob("*.py")))
    return [name for name in names if name != "helpers"]


def code_sources() -> dict[str, str]:
    """Where the course's code lives → its text: notebooks' code cells (magics become ``pass``), tools, tests,
    benchmarks, helpers."""
    sources = {}
    for notebook in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in notebook.parts:
            continue
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        lines = [line[: len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!")) else line
                 for cell in code for line in cell.splitlines()]
        sources[str(notebook.relative_to(ROOT))] = "\n".join(lines)
    for folder in ("tools", "tests", "benchmarks", "helpers"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            sources[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return sources


def _dotted(node: ast.expr) -> str | None:
    """``helpers.data`` for the expression ``helpers.data`` (names and attributes only), else ``None``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def names_used(modules: list[str], sources: dict[str, str] | None = None) -> dict[str, dict[str, set[str]]]:
    """Module → name → the files (other than the module itself) that use that name from it.

    ``sources`` (file → code; default: ``code_sources()``) are read, never run. A use is ``from M import name``,
    or ``name`` read as an attribute of ``M`` imported as a module: ``import M as m; m.name``, ``from P import m``
    (``P`` a package) then ``m.name``, or ``import M`` then ``M.name`` spelled out.
    """
    known = set(modules)
    used: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for where, source in (code_sources() if sources is None else sources).items():
        tree = ast.parse(source)
        own = where.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in known and node.module != own and not node.level:
                for alias in node.names:  # a submodule (from helpers.checks import common) is no name of the package
                    name = alias.name
                    if not name.startswith("_") and name != "*" and f"{node.module}.{name}" not in known:
                        used[node.module][name].add(where)
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:  # from helpers import data → data.<name> below
                    full = f"{node.module}.{alias.name}"
                    if full in known:
                        aliases[alias.asname or alias.name] = full
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in known:  # import helpers.data as data, or import helpers.data
                        aliases[alias.asname or alias.name] = alias.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _dotted(node.value) in aliases:
                module = aliases[_dotted(node.value)]
                if module != own and not node.attr.startswith("_") and f"{module}.{node.attr}" not in known:
                    used[module][node.attr].add(where)
    return used


def api_problems(module: str, declared: set[str] | None, used: dict[str, set[str]], defined: set[str]) -> list[str]:
    """What is wrong with ``module``'s ``__all__`` (``declared``; ``None``: it has none), given what is used
    from it (name → files) and what it defines: nothing when the two agree."""
    if declared is None:
        return [f"{module} has no __all__; it should list {sorted(used)}"]
    problems = []
    missing = {name: sorted(used[name])[:3] for name in sorted(set(used) - declared)}
    if missing:
        problems.append(f"{module}: used from outside but not in __all__: {missing}")
    unused = sorted(declared - set(used))
    if unused:
        problems.append(f"{module}: in __all__ but used nowhere outside it (dead, or not public): {unused}")
    absent = sorted(declared - defined)
    if absent:
        problems.append(f"{module}.__all__ names what the module does not define: {absent}")
    return problems


MODULES = module_names()
USED = names_used(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_every_module_declares_all_and_all_is_what_is_used(module):
    mod = importlib.import_module(module)
    declared = set(mod.__all__) if hasattr(mod, "__all__") else None
    # a library the module imports, patched by a test (helpers.env.metadata), is no name of its API
    used = {name: files for name, files in USED[module].items() if not inspect.ismodule(getattr(mod, name, None))}
    problems = api_problems(module, declared, used, {name for name in declared or () if hasattr(mod, name)})
    assert not problems, "\n".join(problems)


def test_the_collector_sees_every_kind_of_use_and_only_uses():
    modules = ["helpers.fake", "helpers.pkg", "helpers.pkg.part"]
    sources = {
        "notebooks/a.ipynb": "pass\nfrom helpers.fake import imported, _private\nimport helpers.fake as f\nf.aliased\n",
        "tests/test_b.py": "from helpers import fake\nfake.from_package()\nimport helpers.pkg.part\n"
                           "helpers.pkg.part.spelled_out\nfrom helpers.pkg import part\npart.via_package\n",
        "helpers/fake.py": "from helpers.fake import own_use\nimport helpers.fake as me\nme.own_attribute\n",
        "helpers/pkg/__init__.py": "from helpers.pkg.part import re_exported\n",
        "tools/c.py": "fake = object()\nfake.not_the_module\nimport helpers.fake as f\nf._hidden\n",
    }
    used = names_used(modules, sources)
    assert set(used["helpers.fake"]) == {"imported", "aliased", "from_package"}
    assert set(used["helpers.pkg.part"]) == {"spelled_out", "via_package", "re_exported"}
    assert used["helpers.fake"]["aliased"] == {"notebooks/a.ipynb"}
    assert "helpers.pkg" not in used, "importing a submodule is no use of a name of the package"


def test_the_check_reports_both_directions_and_names_that_do_not_exist():
    used = {"load": {"notebooks/a.ipynb"}, "split": {"tests/test_b.py"}}
    assert api_problems("helpers.fake", {"load", "split"}, used, {"load", "split"}) == []
    assert "no __all__" in api_problems("helpers.fake", None, used, set())[0]
    [missing] = api_problems("helpers.fake", {"load"}, used, {"load"})
    assert "not in __all__" in missing and "'split': ['tests/test_b.py']" in missing
    [dead] = api_problems("helpers.fake", {"load", "split", "old"}, used, {"load", "split", "old"})
    assert "used nowhere outside it" in dead and "['old']" in dead
    [absent] = api_problems("helpers.fake", {"load", "split"}, used, {"load"})
    assert "does not define: ['split']" in absent


def test_the_real_tree_is_read():
    """Notebook code cells count: ``load_mnist`` is imported by the lecture notebooks."""
    assert any(where.endswith(".ipynb") for where in USED["helpers.data"]["load_mnist"])
