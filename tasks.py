#!/usr/bin/env python3
"""One entry point for the course repository, on Linux, macOS and Windows.

    python tasks.py lab        install into .venv if needed, then open JupyterLab on notebooks/
    python tasks.py test       install into .venv if needed, then ruff + unit tests + every notebook
    python tasks.py execute [NOTEBOOK ...]   re-run notebooks in place (to commit their outputs)
    python tasks.py slides [NOTEBOOK ...]    (re)apply the RISE slide metadata to the lecture notebooks
    python tasks.py set-repo OWNER/REPO      re-point every Colab badge and install line
    python tasks.py homework                 release the student homework from its solution
    python tasks.py grade [...]              grade submitted homework
    python tasks.py site [...]               build the course website

Each command but lab and test runs a maintainer tool, ``python -m tools.<name>`` (see tools/).
``--here`` uses the running Python instead of ``.venv`` (for conda or Colab users).
Only the standard library is used here, so this runs before anything is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
EXTRAS = "test,lab,grade,site"
NOTEBOOKS = ROOT / "notebooks"
# command → the module under tools/ that does it; slides and set-repo need only the standard library.
TOOLS = {"execute": "execute", "slides": "slides", "set-repo": "set_repo", "homework": "homework",
         "grade": "grade", "site": "site"}
STDLIB_ONLY = {"slides", "set-repo"}
# The same as tools.notebooks.QUIET_DEBUGGER (a test checks): this file runs before anything is installed.
QUIET_DEBUGGER = {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}


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
        free_gb = shutil.disk_usage(stamp.parent).free / 10**9  # where the install goes: .venv, or --here's prefix
        if free_gb < 8:
            print(f"Warning: only {free_gb:.1f} GB free on this disk; the install took 6.8 GB on Linux (PyTorch with "
                  "CUDA), so pip may stop with 'No space left on device'.", file=sys.stderr, flush=True)
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
    """The environment for pytest, tools and notebook kernels, without debugger start-up warnings."""
    return {**QUIET_DEBUGGER, **os.environ}


def command_lab(python: str, extra: list[str]) -> None:
    """Open JupyterLab on notebooks/ (extra arguments go to jupyter lab)."""
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []  # e.g. in a container
    run([python, "-m", "jupyter", "lab", f"--notebook-dir={NOTEBOOKS}", *as_root, *extra])


def command_test(python: str, extra: list[str]) -> None:
    """ruff over everything, then pytest: unit tests, doctests and every notebook (extra arguments go to pytest)."""
    print("ruff: checking helpers, tools, tests, benchmarks and notebooks …", flush=True)
    run([python, "-m", "ruff", "check", "."])
    run([python, "-m", "pytest", "-rs", *extra], env=quiet_env())


def command_tool(python: str, command: str, extra: list[str]) -> None:
    """Run ``python -m tools.<module>`` with the extra arguments."""
    run([python, "-m", f"tools.{TOOLS[command]}", *extra], env=quiet_env())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["lab", "test", *TOOLS])
    parser.add_argument("--here", action="store_true", help="use the running Python, not .venv")
    args, extra = parser.parse_known_args(argv)
    python = sys.executable if args.command in STDLIB_ONLY else ensure_environment(args.here)
    if args.command == "lab":
        command_lab(python, extra)
    elif args.command == "test":
        command_test(python, extra)
    else:
        command_tool(python, args.command, extra)


if __name__ == "__main__":
    main()
