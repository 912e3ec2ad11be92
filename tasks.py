#!/usr/bin/env python3
"""One entry point for the course repository, on Linux, macOS and Windows.

    python tasks.py lab        install into .venv if needed, then open JupyterLab on notebooks/
    python tasks.py test       install into .venv if needed, then ruff + unit tests + every notebook
    python tasks.py execute [NOTEBOOK ...]   re-run notebooks in place (to commit their outputs)
    python tasks.py set-repo OWNER/REPO      re-point every Colab badge and install line
    python tasks.py homework                 regenerate (and run) student notebooks from their solutions

``--here`` uses the running Python instead of ``.venv`` (for conda or Colab users).
Only the standard library is used here, so this runs before anything is installed.
"""

from __future__ import annotations

import argparse
import hashlib
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


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def install_stamp() -> str:
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
    result = subprocess.run(command, cwd=ROOT, env=env)
    if result.returncode != 0:
        sys.exit(result.returncode)


def quiet_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def command_lab(python: str, extra: list[str]) -> None:
    run([python, "-m", "jupyter", "lab", f"--notebook-dir={NOTEBOOKS}", *extra])


def command_test(python: str, extra: list[str]) -> None:
    print("ruff: checking helpers, tests, benchmarks and notebooks …", flush=True)
    run([python, "-m", "ruff", "check", "."])
    run([python, "-m", "pytest", *extra], env=quiet_env())


def command_execute(python: str, extra: list[str]) -> None:
    notebooks = [Path(p) for p in extra] or sorted(NOTEBOOKS.rglob("[0-9]*.ipynb"))
    code = (
        "import sys, nbformat\n"
        "from nbclient import NotebookClient\n"
        "for path in sys.argv[1:]:\n"
        "    nb = nbformat.read(path, as_version=4)\n"
        "    NotebookClient(nb, timeout=600, kernel_name='python3',\n"
        "                   resources={'metadata': {'path': str(__import__('pathlib').Path(path).parent)}}).execute()\n"
        "    nbformat.write(nb, path)\n"
        "    print('executed', path, flush=True)\n"
    )
    run([python, "-c", code, *map(str, notebooks)], env=quiet_env())


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
    parser.add_argument("command", choices=["lab", "test", "execute", "set-repo", "homework"])
    parser.add_argument("--here", action="store_true", help="use the running Python, not .venv")
    args, extra = parser.parse_known_args(argv)
    if args.command == "set-repo":
        if len(extra) != 1:
            raise SystemExit("usage: python tasks.py set-repo OWNER/REPO")
        command_set_repo(extra[0])
        return
    python = ensure_environment(args.here)
    commands = {"lab": command_lab, "test": command_test, "execute": command_execute, "homework": command_homework}
    commands[args.command](python, extra)


if __name__ == "__main__":
    main()
