"""Where this course lives on GitHub: the one place the ``owner/repo`` is written.

Colab badges and the Colab ``%pip install`` line in every notebook are made from
``GITHUB_REPO``; ``python -m tools.set_repo OWNER/REPO`` (``python tasks.py set-repo``)
re-points all of them. ``python -m tools.course`` prints the Colab link of every notebook.
"""

from __future__ import annotations

import argparse
from pathlib import Path

GITHUB_REPO = "data4dl/data-for-deep-learning"
BRANCH = "main"
ROOT = Path(__file__).resolve().parents[1]


def colab_url(notebook_path: str, repo: str = GITHUB_REPO) -> str:
    """The Colab URL that opens ``notebook_path`` (relative to the repository root).

    Example:
        >>> colab_url("notebooks/00_start_here.ipynb", "me/course")
        'https://colab.research.google.com/github/me/course/blob/main/notebooks/00_start_here.ipynb'
    """
    return f"https://colab.research.google.com/github/{repo}/blob/{BRANCH}/{notebook_path}"


def pip_install_url(repo: str = GITHUB_REPO) -> str:
    """What the Colab setup cell gives to ``%pip install``: this repository from GitHub.

    Example:
        >>> pip_install_url("me/course")
        'git+https://github.com/me/course'
    """
    return f"git+https://github.com/{repo}"


def main(argv: list[str] | None = None) -> None:
    """Print the repository, its install line and the Colab link of every notebook."""
    parser = argparse.ArgumentParser(prog="python -m tools.course", description=main.__doc__)
    parser.parse_args(argv)
    print(f"GitHub: {GITHUB_REPO} (branch {BRANCH}) · Colab install: %pip install \"{pip_install_url()}\"")
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" not in path.parts:
            print(colab_url(path.relative_to(ROOT).as_posix()))


if __name__ == "__main__":
    main()
