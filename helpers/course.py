"""Where this course lives on GitHub: the one place the ``owner/repo`` is written.

Colab badges and the Colab ``%pip install`` line in every notebook are made from
``GITHUB_REPO``; ``python tasks.py set-repo OWNER/REPO`` re-points all of them.
"""

from __future__ import annotations

import re

GITHUB_REPO = "data4dl/data-for-deep-learning"
BRANCH = "main"
REPO_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")


def colab_url(notebook_path: str, repo: str = GITHUB_REPO) -> str:
    """The Colab URL that opens ``notebook_path`` (relative to the repository root).

    Example:
        >>> colab_url("notebooks/00_start_here.ipynb", "me/course")
        'https://colab.research.google.com/github/me/course/blob/main/notebooks/00_start_here.ipynb'
    """
    return f"https://colab.research.google.com/github/{repo}/blob/{BRANCH}/{notebook_path}"


def colab_badge(notebook_path: str, repo: str = GITHUB_REPO) -> str:
    """Markdown for an "Open in Colab" badge linking to ``notebook_path``."""
    badge = "https://colab.research.google.com/assets/colab-badge.svg"
    return f"[![Open In Colab]({badge})]({colab_url(notebook_path, repo)})"


def pip_install_url(repo: str = GITHUB_REPO) -> str:
    """What the Colab setup cell gives to ``%pip install``: this repository from GitHub."""
    return f"git+https://github.com/{repo}"
