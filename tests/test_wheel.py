"""The Colab install path: what ``%pip install git+https://github.com/…`` installs is enough.

On Colab the badge opens a notebook whose setup cell pip-installs this repository; nothing else of
the repository is there. This test builds the wheel (non-editable) from the files git would commit,
installs it with ``--no-deps`` into a separate folder (the dependencies, torch included, are the
ones already installed — nothing is downloaded) and runs every notebook's setup cell, with
``google.colab`` faked, from a folder outside the repository. Every ``helpers`` import of every
notebook must then come from the installed wheel.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from itertools import takewhile
from pathlib import Path

import pytest

from tools.course import pip_install_url
from tools.notebooks import QUIET_DEBUGGER

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)

# Runs in a fresh interpreter with the wheel's install folder first on sys.path. The editable install
# of the working tree is switched off, so a module missing from the wheel fails as it would on Colab.
RUNNER = r'''
import importlib, json, sys, types
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
site, cells_file = sys.argv[1], sys.argv[2]
job = json.load(open(cells_file, encoding="utf-8"))
pip_calls = []

class FakeIPython:
    def run_line_magic(self, name, line):
        pip_calls.append(f"%{name} {line}")

sys.modules["google.colab"] = types.ModuleType("google.colab")  # the setup cell's "on Colab" branch
for name, code in job["setup_cells"].items():
    exec(compile(code, name, "exec"), {"__name__": "__main__", "get_ipython": FakeIPython})
for module, names in job["imports"].items():
    imported = importlib.import_module(module)
    missing = [n for n in names if not hasattr(imported, n)]
    assert not missing, f"{module} has no {missing}"
outside = {m: getattr(mod, "__file__", None) for m, mod in sys.modules.items()
           if m.split(".")[0] == "helpers" and not str(getattr(mod, "__file__", "")).startswith(site)}
assert not outside, f"helpers modules not loaded from the installed wheel: {outside}"
print(json.dumps({"pip": pip_calls, "helpers": sorted(m for m in sys.modules if m.split(".")[0] == "helpers")}))
'''


def notebook_code(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def as_python(cell: str) -> str:
    """The cell as IPython runs it (``%pip`` becomes a ``get_ipython().run_line_magic`` call)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(cell)


def helpers_imports(cells: list[str]) -> dict[str, set[str]]:
    """``{module: names}`` for every ``from helpers… import …`` / ``import helpers…`` in the cells."""
    found: dict[str, set[str]] = {}
    for cell in cells:
        for node in ast.walk(ast.parse(as_python(cell))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "helpers":
                found.setdefault(node.module, set()).update(a.name for a in node.names if a.name != "*")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "helpers":
                        found.setdefault(alias.name, set())
    return found


def committable_files() -> list[str]:
    """What a clone of the repository holds: git's tracked and not-ignored files (the tree when no git)."""
    if (ROOT / ".git").exists() and shutil.which("git"):
        listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                 cwd=ROOT, capture_output=True, check=True).stdout
        return [name for name in listing.decode().split("\0") if name and (ROOT / name).is_file()]
    skip = {".git", ".venv", "build", "dist", "artifacts", "data", "__pycache__", ".ruff_cache", ".ipynb_checkpoints"}
    return [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(ROOT).parts) and ".egg-info" not in str(p)]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The project's wheel, built without build isolation (offline) from a copy of the committable files."""
    source, dist = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("dist")
    for name in committable_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    result = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist),
                             str(source)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (built,) = dist.glob("*.whl")
    return built


def test_the_wheel_holds_every_helpers_module(wheel):
    in_wheel = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("helpers/")}
    in_repo = {p.relative_to(ROOT).as_posix() for p in (ROOT / "helpers").rglob("*.py")}
    assert in_repo - in_wheel == set(), f"missing from the wheel: {sorted(in_repo - in_wheel)}"


MAINTAINER_MODULES = ("tools/", "helpers/homework.py", "helpers/course.py")


def test_the_wheel_holds_no_maintainer_module(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    packages = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert packages == {"helpers"}, f"the wheel holds more than the helpers package: {sorted(packages)}"
    shipped = [n for n in names if n.startswith(MAINTAINER_MODULES)]
    assert shipped == [], f"maintainer modules in the students' wheel: {shipped}"


def test_the_wheel_leaves_colabs_torch_alone(wheel):
    archive = zipfile.ZipFile(wheel)
    metadata = archive.read(next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA")))
    requires = re.findall(r"^Requires-Dist: (torch|torchvision)\b(.*)$", metadata.decode(), re.M)
    assert sorted(name for name, _ in requires) == ["torch", "torchvision"], requires
    for name, spec in requires:
        assert re.fullmatch(r"\s*>=\s*[0-9.]+\s*", spec), f"{name}{spec}: a lower bound only, or pip replaces Colab's"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_the_colab_bootstrap_cell_never_changes_torch(notebook):
    cells = notebook_code(notebook)
    lines = cells[0].splitlines()
    assert 'if "google.colab" in sys.modules:' in lines, "the setup cell installs on Colab only"
    start = lines.index('if "google.colab" in sys.modules:') + 1
    block = [line.strip() for line in takewhile(lambda line: line.startswith(" ") or not line.strip(), lines[start:])]
    on_colab = [line for line in block if line]
    assert on_colab == [f'%pip install -q "{pip_install_url()}"'], on_colab
    assert not re.search(r"torch|--upgrade|\s-U\b|--force-reinstall|--no-deps|==|<", on_colab[0]), \
        "the Colab install line must not name, upgrade or pin torch/torchvision"
    installs = [line.strip() for cell in cells for line in cell.splitlines() if re.search(r"[%!]\s*pip\b", line)]
    assert installs == on_colab, f"the notebook installs more than the course: {installs}"


def test_setup_cells_run_against_the_installed_wheel_outside_the_repository(wheel, tmp_path):
    target, outside = tmp_path / "site", tmp_path / "elsewhere"
    outside.mkdir()
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                              "--disable-pip-version-check", "--target", str(target), str(wheel)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    code = {nb.relative_to(ROOT).as_posix(): notebook_code(nb) for nb in NOTEBOOKS}
    job = {"setup_cells": {name: as_python(cells[0]) for name, cells in code.items()},
           "imports": {m: sorted(n) for m, n in helpers_imports([c for cells in code.values() for c in cells]).items()}}
    (tmp_path / "job.json").write_text(json.dumps(job))
    (tmp_path / "runner.py").write_text(RUNNER)
    env = dict(os.environ, PYTHONPATH=str(target), PYTHONNOUSERSITE="1", MPLBACKEND="Agg",
               MPLCONFIGDIR=str(tmp_path / "mpl"), **QUIET_DEBUGGER)
    result = subprocess.run([sys.executable, str(tmp_path / "runner.py"), str(target), str(tmp_path / "job.json")],
                            cwd=outside, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["pip"] == [f'%pip install -q "{pip_install_url()}"'] * len(NOTEBOOKS), report["pip"]
    assert set(job["imports"]) <= set(report["helpers"])
    assert list(outside.iterdir()) == [], "running the setup cells wrote into the working directory"
