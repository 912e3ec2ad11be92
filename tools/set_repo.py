"""Re-point the course at another GitHub ``owner/repo``: ``tools/course.py``, the README and every notebook.

    python -m tools.set_repo OWNER/REPO      (or: python tasks.py set-repo OWNER/REPO)

Only the standard library is used, so this runs before anything is installed.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPO_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*")
COURSE_FILE = Path("tools") / "course.py"


def current_repo(root: Path = ROOT) -> str:
    """The ``owner/repo`` written in ``tools/course.py`` under ``root``."""
    found = re.search(r'^GITHUB_REPO = "([^"]+)"', (root / COURSE_FILE).read_text(encoding="utf-8"), re.M)
    if found is None:
        raise ValueError(f"{root / COURSE_FILE} has no line GITHUB_REPO = \"owner/repo\"")
    return found.group(1)


def repointed(text: str, old: str, new: str) -> str:
    """``text`` with the course constant, Colab links and GitHub URLs of ``old`` moved to ``new``.

    Example:
        >>> repointed("github.com/a/b and colab.research.google.com/github/a/b/blob", "a/b", "c/d")
        'github.com/c/d and colab.research.google.com/github/c/d/blob'
    """
    text = text.replace(f'GITHUB_REPO = "{old}"', f'GITHUB_REPO = "{new}"')
    return text.replace(f"github/{old}/", f"github/{new}/").replace(f"github.com/{old}", f"github.com/{new}")


def set_repo(repo: str, root: Path = ROOT) -> list[str]:
    """Replace the current ``owner/repo`` by ``repo`` in the files under ``root``; returns the changed files."""
    if not isinstance(repo, str) or not REPO_PATTERN.fullmatch(repo):
        raise ValueError(f"repo={repo!r} is not of the form OWNER/REPO")
    old = current_repo(root)
    changed = []
    for path in [root / COURSE_FILE, root / "README.md", *sorted((root / "notebooks").rglob("*.ipynb"))]:
        text = path.read_text(encoding="utf-8")
        new = repointed(text, old, repo)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path.relative_to(root).as_posix())
    return changed


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m tools.set_repo OWNER/REPO``."""
    parser = argparse.ArgumentParser(prog="python -m tools.set_repo", description=__doc__.splitlines()[0])
    parser.add_argument("repo", help="the new GitHub OWNER/REPO")
    args = parser.parse_args(argv)
    old = current_repo()
    try:
        changed = set_repo(args.repo)
    except ValueError as error:
        raise SystemExit(f"set-repo: {error}") from None
    print(f"set-repo: {old} -> {args.repo} in {len(changed)} files: {', '.join(changed)}")


if __name__ == "__main__":
    main()
