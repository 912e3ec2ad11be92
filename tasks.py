#!/usr/bin/env python3
"""One entry point for the course repository, on Linux, macOS and Windows.

    python tasks.py lab        install into .venv if needed, then open JupyterLab on notebooks/
    python tasks.py test       install into .venv if needed, then ruff + unit tests + every notebook
    python tasks.py execute [NOTEBOOK ...]   re-run notebooks in place (to commit their outputs)
    python tasks.py set-repo OWNER/REPO      re-point every Colab badge and install line
    python tasks.py homework                 regenerate (and run) student notebooks from their solutions
    python tasks.py slides [NOTEBOOK ...]    (re)apply the RISE slide metadata to the lecture notebooks

``--here`` uses the running Python instead of ``.venv`` (for conda or Colab users).
Only the standard library is used here, so this runs before anything is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
EXTRAS = "test,lab"
NOTEBOOKS = ROOT / "notebooks"
COURSE_FILE = ROOT / "helpers" / "course.py"
# RISE settings written into every lecture notebook (a notebook's own values win); see slide_types().
RISE_SETTINGS = {"scroll": True, "start_slideshow_at": "beginning", "transition": "none", "slideNumber": True}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# An ipywidget with controls (an explorer), told apart from a tqdm progress bar by its text/plain repr.
CONTROLS = re.compile(r"\b(interactive|\w*Slider|Dropdown|Checkbox|ToggleButtons|RadioButtons|Play)\(")


def venv_python() -> Path:
    """The Python of the project's .venv (Scripts\\python.exe on Windows)."""
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def install_stamp() -> str:
    """A file name that changes whenever pyproject.toml or the extras change (install again then)."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + EXTRAS.encode()).hexdigest()
    return f".installed-{digest[:16]}"


def ensure_environment(here: bool) -> str:
    """Return the Python to use, installing the project (editable) first when needed."""
    python = sys.executable if here else str(venv_python())
    if not here and not venv_python().exists():
        print(f"Creating a virtual environment in {VENV.name}/ …", flush=True)
        venv.create(VENV, with_pip=True)
    stamp = Path(sys.prefix if here else VENV) / install_stamp()
    if not stamp.exists():
        print(f"Installing the course and its dependencies ({EXTRAS}) — the first time takes minutes …",
              flush=True)
        run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--progress-bar", "off", "-e", f".[{EXTRAS}]"])
        stamp.write_text("installed\n")
    return python


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    """Run a command in the repository root; exit with its code if it fails."""
    result = subprocess.run(command, cwd=ROOT, env=env)
    if result.returncode != 0:
        sys.exit(result.returncode)


def quiet_env() -> dict[str, str]:
    """The environment for pytest and notebook kernels, without debugger start-up warnings."""
    env = dict(os.environ)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def command_lab(python: str, extra: list[str]) -> None:
    """Open JupyterLab on notebooks/ (extra arguments go to jupyter lab)."""
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []  # e.g. in a container
    run([python, "-m", "jupyter", "lab", f"--notebook-dir={NOTEBOOKS}", *as_root, *extra])


def command_test(python: str, extra: list[str]) -> None:
    """ruff over everything, then pytest: unit tests and every notebook (extra arguments go to pytest)."""
    print("ruff: checking helpers, tests, benchmarks and notebooks …", flush=True)
    run([python, "-m", "ruff", "check", "."])
    run([python, "-m", "pytest", "-rs", *extra], env=quiet_env())


def command_execute(python: str, extra: list[str]) -> None:
    """Execute notebooks in place (default: every lecture notebook) and refresh their slide layout."""
    notebooks = [Path(p) for p in extra] or sorted(NOTEBOOKS.rglob("[0-9]*.ipynb"))
    code = (
        "import sys, time, nbformat\n"
        "from nbclient import NotebookClient\n"
        "for path in sys.argv[1:]:\n"
        "    nb, start = nbformat.read(path, as_version=4), time.perf_counter()\n"
        "    NotebookClient(nb, timeout=600, kernel_name='python3', record_timing=False,\n"
        "                   resources={'metadata': {'path': str(__import__('pathlib').Path(path).parent)}}).execute()\n"
        "    nbformat.write(nb, path)\n"
        "    print('executed', path, f'in {time.perf_counter() - start:.0f} s', flush=True)\n"
    )
    run([python, "-c", code, *map(str, notebooks)], env=quiet_env())
    command_slides([p for p in notebooks if p.resolve() in lecture_notebooks()])


def lecture_notebooks() -> list[Path]:
    """The numbered notebooks directly in notebooks/ (homework is not presented)."""
    return sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))


def slide_types(cells: list[dict]) -> list[str]:
    """The RISE slide type of every cell, from the notebook skeleton alone (so it can be re-applied).

    Title cell and every ``## `` section: a new slide. The setup cell, further markdown and code that
    follows code: a sub-slide. Code right after its markdown: on the same slide (``-``). A cell of
    ``assert`` lines: a fragment (the claim appears on a key press). A cell showing ipywidget controls
    (not a progress bar): skipped — RISE renders ipywidgets 8 as text, so the slide before it shows a
    static preview.
    """
    first_code = next((i for i, c in enumerate(cells) if c["cell_type"] == "code"), None)
    types = []
    for i, cell in enumerate(cells):
        text = "".join(cell["source"])
        statements = [line for line in text.splitlines() if line.strip() and not line[0].isspace()
                      and not line.startswith("#") and line.strip(")]} ")]
        if i == 0 or (cell["cell_type"] == "markdown" and text.startswith("## ")):
            types.append("slide")
        elif cell["cell_type"] != "code":
            types.append("subslide")
        elif shows_controls(cell):
            types.append("skip")
        elif statements and all(line.startswith("assert ") for line in statements):
            types.append("fragment")
        elif i != first_code and cells[i - 1]["cell_type"] == "markdown":
            types.append("-")
        else:
            types.append("subslide")
    return types


def shows_controls(cell: dict) -> bool:
    """Whether a code cell's output is an ipywidget with controls (sliders, dropdowns, ``interact``)."""
    return any(WIDGET_VIEW in output.get("data", {}) and CONTROLS.search("".join(output["data"].get("text/plain", "")))
               for output in cell.get("outputs", []))


def command_slides(paths: list[Path]) -> None:
    """Write slide metadata into each of these notebooks."""
    for path in paths:
        text = path.read_text(encoding="utf-8")
        notebook = json.loads(text)
        for cell, kind in zip(notebook["cells"], slide_types(notebook["cells"]), strict=True):
            cell["metadata"]["slideshow"] = {"slide_type": kind}
        notebook["metadata"]["rise"] = {**RISE_SETTINGS, **notebook["metadata"].get("rise", {})}
        new = json.dumps(notebook, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
        if new != text:
            path.write_text(new, encoding="utf-8")
        kinds = [c["metadata"]["slideshow"]["slide_type"] for c in notebook["cells"]]
        counts = ", ".join(f"{kinds.count(k)} {k}" for k in ("slide", "subslide", "-", "fragment", "skip"))
        print(f"slides: {path.name}: {counts} ({'updated' if new != text else 'unchanged'})")


def command_homework(python: str, extra: list[str]) -> None:
    """Write each notebooks/homework/*_solution.ipynb's student version, then execute it."""
    code = (
        "import json, sys\n"
        "from helpers.homework import make_student_notebook, student_path_for\n"
        "for path in sys.argv[1:]:\n"
        "    name = path.replace(chr(92), '/').rsplit('/', 1)[-1]\n"
        "    student = make_student_notebook(json.load(open(path, encoding='utf-8')), name)\n"
        "    with open(student_path_for(path), 'w', encoding='utf-8') as f:\n"
        "        json.dump(student, f, indent=1, ensure_ascii=False)\n"
        "        f.write('\\n')\n"
        "    print('wrote', student_path_for(path), flush=True)\n"
    )
    solutions = sorted((NOTEBOOKS / "homework").glob("*_solution.ipynb"))
    run([python, "-c", code, *map(str, solutions)])
    command_execute(python, [str(p).replace("_solution.ipynb", ".ipynb") for p in solutions])


def command_set_repo(repo: str) -> None:
    """Replace the current owner/repo in helpers/course.py, notebooks and README."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*", repo):
        raise SystemExit(f"set-repo: {repo!r} is not of the form OWNER/REPO")
    old = re.search(r'^GITHUB_REPO = "([^"]+)"', COURSE_FILE.read_text(), re.M).group(1)
    changed = []
    for path in [COURSE_FILE, ROOT / "README.md", *sorted(NOTEBOOKS.rglob("*.ipynb"))]:
        text = path.read_text(encoding="utf-8")
        new = text.replace(f'GITHUB_REPO = "{old}"', f'GITHUB_REPO = "{repo}"')
        new = new.replace(f"github/{old}/", f"github/{repo}/").replace(f"github.com/{old}", f"github.com/{repo}")
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path.relative_to(ROOT).as_posix())
    print(f"set-repo: {old} -> {repo} in {len(changed)} files: {', '.join(changed)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["lab", "test", "execute", "set-repo", "homework", "slides"])
    parser.add_argument("--here", action="store_true", help="use the running Python, not .venv")
    args, extra = parser.parse_known_args(argv)
    if args.command == "set-repo":
        if len(extra) != 1:
            raise SystemExit("usage: python tasks.py set-repo OWNER/REPO")
        command_set_repo(extra[0])
        return
    if args.command == "slides":
        command_slides([Path(p) for p in extra] or lecture_notebooks())
        return
    python = ensure_environment(args.here)
    commands = {"lab": command_lab, "test": command_test, "execute": command_execute, "homework": command_homework}
    commands[args.command](python, extra)


if __name__ == "__main__":
    main()
