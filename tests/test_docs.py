"""Docs that cannot drift: what the documentation says about the repository is read from the repository.

- Every relative link in the repository's Markdown files (and every repository path a Markdown file
  names in backticks) points at a file or folder that exists.
- The module index in each ``helpers`` package docstring (``helpers/__init__.py``,
  ``helpers/plotting/__init__.py``) lists every module of the package, and no module that is gone.
- A helpers docstring that names a notebook ("notebook 03", "(01, 04)", "03a") names one that
  really uses the function, class or module the docstring is about (the notebook's code mentions it).

The checks are generic: they compare the text with the files present, so a module or notebook added
or removed elsewhere is caught without editing this file.
"""

from __future__ import annotations

import ast
import doctest
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from test_architecture import module_name

ROOT = Path(__file__).resolve().parents[1]
HELPERS = ROOT / "helpers"
MARKDOWN_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\((?P<target><[^>]*>|[^()\s]+)(?:\s+\"[^\"]*\")?\)")
HTML_LINK = re.compile(r"\b(?:href|src)=[\"'](?P<target>[^\"']+)[\"']")
URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//|#)")
CODE_BLOCK = re.compile(r"^[ \t]*```.*?^[ \t]*```[ \t]*$", re.M | re.S)
# A repository path in backticks: a known top-level folder or file, then more of the path, no placeholders.
REPO_PATH = re.compile(r"`(?P<path>(?:helpers|tools|tests|notebooks|benchmarks|site|\.ci|\.github)/[\w./-]*"
                       r"|[\w-]+\.(?:md|py|toml|yml|cfg))`")
PLACEHOLDER = re.compile(r"NN|<|\*|\{|…|\.\.\.")


def markdown_files() -> list[Path]:
    """The repository's Markdown files (tracked or not, but not ignored: no virtual environment, no build)."""
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "*.md"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return sorted({ROOT / name for name in listing.split("\0") if name and (ROOT / name).is_file()})


def broken_links(path: Path, root: Path = ROOT) -> list[str]:
    """The relative links (and backticked repository paths) of the Markdown file ``path`` that resolve to nothing."""
    text = path.read_text(encoding="utf-8")
    prose = CODE_BLOCK.sub("", text)
    targets = [m.group("target").strip("<>") for m in MARKDOWN_LINK.finditer(prose)]
    targets += [m.group("target") for m in HTML_LINK.finditer(prose)]
    broken = []
    for target in targets:
        if URL.match(target):
            continue
        file_part = target.split("#", 1)[0].split("?", 1)[0]
        if file_part and not (path.parent / file_part).exists():
            broken.append(f"link {target}")
    for match in REPO_PATH.finditer(prose):
        named = match.group("path").rstrip("/.")
        if PLACEHOLDER.search(named) or (root / named).exists() or (path.parent / named).exists():
            continue
        if "/" not in named and any(root.rglob(named)):  # a bare file name (``test_site.py``): somewhere in the repo
            continue
        broken.append(f"path `{named}`")
    return broken


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_and_named_path_of_the_docs_exists(path):
    broken = broken_links(path)
    assert not broken, f"{path.relative_to(ROOT)} points at what is not in the repository: " + "; ".join(broken)


def test_the_link_check_catches_a_missing_file_and_skips_urls_and_code(tmp_path):
    (tmp_path / "there.md").write_text("x")
    page = tmp_path / "ARCHITECTURE.md"
    page.write_text("See [the style](NOTEBOOK_STYLE.md), [here](there.md#part), [web](https://example.org), "
                    "[anchor](#top), `tools/nowhere.py`, `notebooks/NN_name.ipynb`, `there.md`, `gone.py`.\n\n"
                    "```\n[in code](missing.md)\n```\n")
    assert broken_links(page, root=tmp_path) == ["link NOTEBOOK_STYLE.md", "path `tools/nowhere.py`", "path `gone.py`"]


# ---------------------------------------------------------------- the module index of each package
def submodules(package: Path) -> list[str]:
    """The direct modules and subpackages of ``package`` (a folder with ``__init__.py``), by short name."""
    names = [p.stem for p in package.glob("*.py") if p.name != "__init__.py"]
    names += [p.name for p in package.iterdir() if (p / "__init__.py").is_file()]
    return sorted(names)


def package_index_problems(package: Path, dotted: str) -> list[str]:
    """Modules of ``package`` its docstring does not list (as ``dotted.name`` or a ``- ``name``:`` bullet),
    and modules it lists that do not exist."""
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))) or ""
    present = submodules(package)
    named = set(re.findall(rf"``{re.escape(dotted)}\.(\w+)", doc))
    named |= set(re.findall(r"^\s*- ``(\w+)``", doc, re.M))
    problems = [f"{dotted}.{name} is not in the docstring's module index" for name in present if name not in named]
    problems += [f"the docstring lists {dotted}.{name}, which does not exist" for name in sorted(named)
                 if name not in present]
    return problems


@pytest.mark.parametrize("package", [p.parent for p in sorted(HELPERS.rglob("__init__.py"))],
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_each_package_docstring_lists_every_module_of_the_package(package):
    dotted = ".".join(package.relative_to(ROOT).parts)
    problems = package_index_problems(package, dotted)
    assert not problems, "\n".join(problems)


def test_the_module_index_check_catches_a_missing_and_a_stale_module(tmp_path):
    package = tmp_path / "helpers"
    (package / "sub").mkdir(parents=True)
    (package / "sub" / "__init__.py").write_text("")
    (package / "data.py").write_text("")
    (package / "new.py").write_text("")
    (package / "__init__.py").write_text('"""Modules.\n\n- ``helpers.data``: data\n- ``helpers.sub``: sub\n'
                                         '- ``helpers.gone``: removed\n"""\n')
    assert package_index_problems(package, "helpers") == [
        "helpers.new is not in the docstring's module index", "the docstring lists helpers.gone, which does not exist"]


# ---------------------------------------------------------------- notebooks named in docstrings
@cache
def notebook_code() -> dict[str, str]:
    """Notebook id (``01``, ``03a``) → the source of all its code cells; the homework is ``hw1``."""
    code = {}
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        key = path.name.split("_")[0]
        code[key] = code.get(key, "") + "\n" + source
    return code


def notebook_ids(text: str, known: set[str]) -> list[str]:
    """The notebooks a docstring names: ids like ``03`` or ``03a`` of existing notebooks, standing alone
    (not inside a number such as ``0.03`` or ``2003``), outside its examples (doctests)."""
    prose = "".join(part for part in doctest.DocTestParser().parse(text) if isinstance(part, str))
    return [m.group(1) for m in re.finditer(r"(?<![\w.−-])(\d\d[a-z]?)(?!\w|\.\d|\s*[°%])", prose)
            if m.group(1) in known]


def defined_names(tree: ast.Module, package: str | None = None) -> set[str]:
    """The public names a module defines at top level (a package: also those it re-exports from ``package``)."""
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.ImportFrom) and package and (node.module or "").startswith(package + "."):
            names |= {a.asname or a.name for a in node.names}
    return {name for name in names if not name.startswith("_")}


def module_subjects(path: Path) -> tuple[str, set[str]]:
    """``helpers.x`` and the public names of the module at ``path`` (what a notebook that uses it mentions)."""
    dotted = module_name(path, ROOT / "helpers")  # ROOT read when called: a test moves it
    package = dotted if path.name == "__init__.py" else None
    return dotted, defined_names(ast.parse(path.read_text(encoding="utf-8")), package)


def named_subjects(chunk: str, path: Path, public: set[str]) -> set[str]:
    """The helpers a paragraph names in double backticks: a module (``helpers.explorers``, or ``values`` in a
    package's docstring) stands for its names; ``helpers.x.name``, a name of this module or any top-level
    function or class of ``helpers`` for itself."""
    helpers = ROOT / "helpers"
    anywhere = set(helper_references(helpers))
    subjects: set[str] = set()
    for name in re.findall(r"``([\w.]+)(?:\(\))?``", chunk):
        parts = name.removeprefix("helpers.").split(".")
        bases = [helpers, path.parent] if path.name == "__init__.py" else [helpers]
        for base in bases:
            for cut in range(len(parts), 0, -1):  # the longest prefix that is a module
                folder = base.joinpath(*parts[:cut])
                module = folder.with_suffix(".py") if folder.with_suffix(".py").is_file() else folder / "__init__.py"
                if module.is_file():
                    module_dotted, module_names = module_subjects(module)
                    subjects |= {module_dotted, *module_names} if cut == len(parts) else {parts[cut]}
                    break
            else:
                continue
            break
        else:
            if parts[-1] in public or parts[-1] in anywhere:
                subjects.add(parts[-1])
    return subjects


def docstring_citations(path: Path) -> list[tuple[str, str, set[str]]]:
    """(where, notebook id, what the notebook must use: any of these names) for each notebook a docstring of the
    module at ``path`` names. A function's or class's docstring is about itself and the helpers named in double
    backticks in the same paragraph ("draws with ``draw_band`` as in 03b"); a module docstring's paragraph or
    bullet is about the helpers it names in double backticks, else about the whole module."""
    known = set(notebook_code())
    tree = ast.parse(path.read_text(encoding="utf-8"))
    dotted, public = module_subjects(path)
    docstrings = [(f"{dotted}.{node.name}", ast.get_docstring(node) or "", {node.name}) for node in ast.walk(tree)
                  if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    docstrings.append((f"{dotted} (module docstring)", ast.get_docstring(tree) or "", set()))
    found = []
    for where, doc, own in docstrings:
        for chunk in re.split(r"\n\s*\n|\n(?=\s*- )", doc):
            ids = notebook_ids(chunk, known)
            if ids:
                subjects = own | named_subjects(chunk, path, public)
                found += [(where, nb, subjects or {dotted, *public}) for nb in ids]
    return found


@cache
def helper_references(helpers: Path) -> dict[str, set[str]]:
    """Each top-level function or class of the package at ``helpers`` → the names its body refers to."""
    references: dict[str, set[str]] = {}
    for path in sorted(helpers.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                names |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
                references.setdefault(node.name, set()).update(names - {node.name})
    return references


def used_by(code: str, helpers: Path) -> set[str]:
    """What a notebook's ``code`` uses: the words and dotted names it mentions, and every helper that a helper it
    mentions calls, transitively (04 uses ``draw_accuracy_vs_angle`` through its explorer)."""
    words = set(re.findall(r"\w+(?:\.\w+)*", code))
    words |= {part for word in words for part in word.split(".")}
    references = helper_references(helpers)
    used, stack = set(), [word for word in words if word in references]
    while stack:
        name = stack.pop()
        if name not in used:
            used.add(name)
            stack.extend(reference for reference in references[name] if reference in references)
    return words | used


def wrong_citations(paths: list[Path]) -> list[str]:
    code = notebook_code()
    return [f"{where} names notebook {nb}, whose code uses none of {sorted(names)[:6]}, not even through a helper"
            for path in paths for where, nb, names in docstring_citations(path)
            if not names & used_by(code[nb], ROOT / "helpers")]


@pytest.mark.parametrize("path", sorted(HELPERS.rglob("*.py")), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_a_docstring_that_names_a_notebook_names_one_that_uses_it(path):
    wrong = wrong_citations([path])
    assert not wrong, "\n".join(wrong)


def test_the_citation_check_reads_ids_in_prose_only_and_catches_a_wrong_notebook(tmp_path, monkeypatch):
    assert notebook_ids("notebooks 01, 03 and 04; (02) or 03a; not 0.03, 2003, 05 or 30°", {"01", "02", "03",
                                                                                          "03a", "04"}) == \
        ["01", "03", "04", "02", "03a"]
    assert notebook_ids(">>> f(03)\n03\n", {"03"}) == [], "examples are code, not citations"
    this = sys.modules[__name__]
    code = {"03": "from helpers.standardization import normalize\nnormalize(x)", "03a": "dataset_mean_std(loader)"}
    monkeypatch.setattr(this, "notebook_code", lambda: code)
    bad = tmp_path / "helpers" / "fake.py"
    bad.parent.mkdir()
    bad.write_text('"""Statistics (notebook 03)."""\n\n\ndef dataset_mean_std():\n'
                   '    """Streaming statistics, as notebook 03 shows."""\n\n\ndef normalize():\n    """In 03a."""\n')
    monkeypatch.setattr(this, "ROOT", tmp_path)
    assert wrong_citations([bad]) == [
        "helpers.fake.dataset_mean_std names notebook 03, whose code uses none of ['dataset_mean_std'], not even "
        "through a helper",
        "helpers.fake.normalize names notebook 03a, whose code uses none of ['normalize'], not even through a helper"]
    code["03"] += "\nsummary(x)"  # a helper of the notebook's that calls dataset_mean_std: used through it
    (bad.parent / "more.py").write_text("def summary(x):\n    return dataset_mean_std(x)\n")
    helper_references.cache_clear()
    assert [line.split(" names")[0] for line in wrong_citations([bad])] == ["helpers.fake.normalize"]
