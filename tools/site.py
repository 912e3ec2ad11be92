"""Build the course website with Jupyter Book 1.x from the committed notebooks (their saved outputs).

``python -m tools.site [--out DIR]`` (``python tasks.py site``) stages the sources in ``DIR/source``
and builds the HTML into ``DIR/_build/html`` (``DIR`` defaults to ``build/site``), offline and with
warnings as errors, so a broken cross-reference or a missing image fails the build.

The site holds, in this order: the README's introduction as the landing page, the lecture
notebooks (``notebooks/0*.ipynb``), the deep dives (``notebooks/deep_dives/*.ipynb``), the
homework's student version (never a solution notebook), any other notebook under ``notebooks/``,
and a page for instructors (the rest of the README). The table of contents is made from the
folders at every build. Nothing in ``notebooks/`` is written to: staged copies get

- widget outputs that need a kernel replaced: a tqdm progress bar by its final text, any other
  widget by a note that it works in Jupyter or Colab (the notebooks show a static preview before it);
- stream outputs reduced to what a terminal shows (text after the last carriage return of a line);
- links to repository files that are not pages turned into GitHub links, links to a solution
  notebook turned into plain text, and the Colab badge image served from the site itself.

The site works offline: MathJax 3 (the browser build, the files of the npm package ``mathjax@3.2.2``
shipped inside the ``sphinx-mathjax-offline`` package of the ``site`` extra) is copied into the built
site's ``_static/mathjax/``, and ``site/_config.yml`` points ``mathjax_path`` at it instead of a CDN.

A page's download button gives the notebook as committed, not its staged copy.

Every figure's ``<img>`` gets the text alternative saved with it in the notebook (the output metadata
``{"image/png": {"alt": ...}}`` that ``helpers.plotting.use_course_style()`` writes): MyST-NB takes an
image's ``alt`` only from cell metadata, one for the whole cell, and otherwise writes the image's file
name, so the built pages are fitted afterwards (MyST-NB names each image file by the SHA-256 of its bytes).

The repository button and every page's Colab link come from ``GITHUB_REPO`` in ``tools.course``
(``helpers.course`` where that module does not exist), so ``tasks.py set-repo`` re-points the site.
"""

from __future__ import annotations

import argparse
import binascii
import copy
import hashlib
import html
import importlib.util
import json
import posixpath
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

try:  # the one place that holds the GitHub slug: tools.course, or helpers.course where tools has none
    from tools import course
except ImportError:
    from helpers import course

GITHUB_REPO: str = course.GITHUB_REPO
BRANCH: str = getattr(course, "BRANCH", "main")

ROOT = Path(__file__).resolve().parents[1]
SITE_SOURCES = ROOT / "site"
DEFAULT_OUT = ROOT / "build" / "site"
NOTEBOOKS = "notebooks"
COLAB_BADGE_URL = "https://colab.research.google.com/assets/colab-badge.svg"
LOCAL_BADGE = "_static/colab-badge.svg"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_NOTE = ("*An interactive widget: open this notebook in Jupyter or Colab (launch button at the top of the page) "
               "to use it.*")
SOLUTION_MARKERS = {"### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"}  # nbgrader's, gone from a student version
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
# A markdown link or image whose text may hold one nested link or image (the Colab badge: [![..](..)](..)).
LINK_TEXT = r"(?:[^\[\]]|\[[^\[\]]*\](?:\([^()\s]*\))?)*"
MARKDOWN_LINK = re.compile(r"(?P<bang>!?)\[(?P<text>" + LINK_TEXT + r")\]\((?P<target><[^>]*>|[^()\s]+)"
                           r"(?P<title>\s+\"[^\"]*\")?\)")
HTML_LINK = re.compile(r"(?P<attr>\b(?:href|src))=(?P<quote>[\"'])(?P<target>[^\"']*)(?P=quote)")
CODE = re.compile(r"(^[ \t]*```.*?^[ \t]*```[ \t]*$|^[ \t]*~~~.*?^[ \t]*~~~[ \t]*$|`[^`\n]+`)", re.M | re.S)
ANSI_CODE = re.compile(r"\x1b\[[0-9;]*m")
MATHJAX_PACKAGE = "sphinx-mathjax-offline"  # ships MathJax 3's es5 browser build (npm mathjax@3.2.2, unchanged)
MATHJAX_ENTRY = "tex-mml-chtml.js"  # the component Sphinx loads from the CDN by default
BASE64_IMAGES = {"image/png", "image/jpeg", "image/gif"}  # the image outputs nbformat stores base64-encoded
IMG_TAG = re.compile(r"<img\b[^>]*>")
ALT_ATTRIBUTE = re.compile(r"""\salt=(?:"[^"]*"|'[^']*'|[^\s>]*)""")
SRC_ATTRIBUTE = re.compile(r"""\ssrc=["']([^"']*)["']""")
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")


# ---------------------------------------------------------------- which notebooks the site shows
def is_solution(path: Path) -> bool:
    """Whether ``path`` is an instructor's solution notebook: named ``*_solution.ipynb`` or holding
    a ``### BEGIN SOLUTION`` or ``### BEGIN HIDDEN TESTS`` line (markers the student version no longer has)."""
    if path.name.endswith("_solution.ipynb"):
        return True
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    return any(line.strip() in SOLUTION_MARKERS for cell in cells for line in _source(cell).splitlines())


def site_notebooks(root: Path = ROOT) -> dict[str, list[str]]:
    """The notebooks of the site, repository-relative, grouped under the captions of the table of contents.

    Every ``*.ipynb`` under ``notebooks/`` except solutions and checkpoints, in name order: lectures
    (``notebooks/0*.ipynb``), deep dives, homework, then any other notebook.
    """
    folder = root / NOTEBOOKS
    found = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts and not is_solution(p))
    groups: dict[str, list[str]] = {"Lecture notebooks": [], "Deep dives": [], "Homework": [], "More notebooks": []}
    for path in found:
        relative = path.relative_to(folder)
        if len(relative.parts) == 1 and relative.name.startswith("0"):
            caption = "Lecture notebooks"
        elif relative.parts[0] == "deep_dives":
            caption = "Deep dives"
        elif relative.parts[0] == "homework":
            caption = "Homework"
        else:
            caption = "More notebooks"
        groups[caption].append(path.relative_to(root).as_posix())
    return {caption: paths for caption, paths in groups.items() if paths}


def table_of_contents(groups: dict[str, list[str]]) -> dict:
    """The ``_toc.yml`` of the book: the landing page, one part per group, the instructors page last."""
    parts = [{"caption": caption, "chapters": [{"file": posixpath.splitext(p)[0]} for p in paths]}
             for caption, paths in groups.items()]
    parts.append({"caption": "Teaching", "chapters": [{"file": "instructors"}]})
    return {"format": "jb-book", "root": "index", "parts": parts}


# ---------------------------------------------------------------- links in markdown
def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


class LinkRewriter:
    """Rewrites the link targets of markdown written at ``source`` (repository-relative) for the site."""

    def __init__(self, root: Path, pages: set[str], staging: Path, repo: str):
        self.root, self.pages, self.staging, self.repo = root, pages, staging, repo

    def markdown(self, text: str, source: str) -> str:
        """``text`` with every link and image target fitted to the site (see :meth:`target`); code is left as it is."""
        parts = CODE.split(text)  # odd indices: fenced code blocks and inline code spans
        return "".join(part if index % 2 else self._links(part, source) for index, part in enumerate(parts))

    def _links(self, text: str, source: str) -> str:
        def link(match: re.Match) -> str:
            inner = self._links(match["text"], source)
            target = self.target(match["target"].strip("<>"), source)
            if target is None:  # a solution notebook: keep the words, drop the link
                return inner
            return f"{match['bang']}[{inner}]({target}{match['title'] or ''})"

        def attribute(match: re.Match) -> str:
            target = self.target(match["target"], source)
            if target is None:  # a solution notebook: the element stays, without its link
                return ""
            return f"{match['attr']}={match['quote']}{target}{match['quote']}"

        return HTML_LINK.sub(attribute, MARKDOWN_LINK.sub(link, text))

    def target(self, target: str, source: str) -> str | None:
        """Where a link to ``target`` written in ``source`` points on the site.

        Unchanged: anchors, web addresses and pages of the site. The Colab badge image: the site's own
        copy. A solution notebook: ``None``. An image in the repository: staged with the page. Any other
        repository file or folder: its page on GitHub. A file that does not exist: ``ValueError``.
        """
        if target == COLAB_BADGE_URL:
            return posixpath.relpath(LOCAL_BADGE, posixpath.dirname(source) or ".")
        if not target or target.startswith("#") or URL_SCHEME.match(target):
            return target
        path, anchor = (target.split("#", 1) + [""])[:2]
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        on_disk = self.root / resolved
        if resolved.startswith("../") or not on_disk.exists():
            raise ValueError(f"{source}: the link {target!r} points at {resolved!r}, which is not in the repository")
        if on_disk.suffix == ".ipynb" and is_solution(on_disk):
            return None
        if resolved in self.pages:
            return target
        if on_disk.suffix.lower() in IMAGE_SUFFIXES:
            (self.staging / resolved).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(on_disk, self.staging / resolved)
            return target
        kind = "tree" if on_disk.is_dir() else "blob"
        return f"https://github.com/{self.repo}/{kind}/{BRANCH}/{resolved}" + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------- outputs
def progress_bar_text(box: dict, state: dict) -> str | None:
    """The final text of a tqdm notebook bar (an HBox of HTML, FloatProgress, HTML), or ``None`` for another widget.

    Example:
        >>> state = {"a": {"model_name": "HTMLModel", "state": {"value": "fit: 100%"}},
        ...          "b": {"model_name": "FloatProgressModel", "state": {"value": 4.0, "max": 4.0}},
        ...          "c": {"model_name": "HTMLModel", "state": {"value": " 4/4 [00:01&lt;00:00]"}}}
        >>> box = {"model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_a", "IPY_MODEL_b", "IPY_MODEL_c"]}}
        >>> progress_bar_text(box, state)
        'fit: 100%|██████████| 4/4 [00:01<00:00]'
    """
    children = [state.get(child.removeprefix("IPY_MODEL_"), {}) for child in box["state"].get("children", [])]
    names = [child.get("model_name") for child in children]
    if box.get("model_name") != "HBoxModel" or names != ["HTMLModel", "FloatProgressModel", "HTMLModel"]:
        return None
    left, bar, right = (child["state"] for child in children)
    total = bar.get("max") or 0
    filled = round(10 * bar.get("value", 0) / total) if total else 0
    filled = min(max(filled, 0), 10)
    return f"{html.unescape(left.get('value', ''))}|{'█' * filled}{' ' * (10 - filled)}|" \
           f"{html.unescape(right.get('value', ''))}"


def terminal_text(text: str) -> str:
    """What a terminal shows of ``text``: each line's text after its last carriage return.

    Example:
        >>> terminal_text("10%\\r50%\\r100%\\ndone\\n")
        '100%\\ndone\\n'
    """
    return "".join(line.rsplit("\r", 1)[-1] for line in text.replace("\r\n", "\n").splitlines(keepends=True))


def static_outputs(outputs: list[dict], state: dict) -> list[dict]:
    """``outputs`` as the site shows them: widgets replaced (progress bars by their final text), streams cleaned."""
    shown = []
    for output in outputs:
        data = output.get("data", {})
        if WIDGET_VIEW in data:
            model = state.get(data[WIDGET_VIEW].get("model_id"), {})
            text = progress_bar_text(model, state) if model else None
            if text is not None:
                shown.append({"output_type": "stream", "name": "stderr", "text": text + "\n"})
            else:
                shown.append({"output_type": "display_data", "metadata": {}, "data": {"text/markdown": WIDGET_NOTE}})
        elif output.get("output_type") == "stream":
            shown.append(dict(output, text=terminal_text(_source({"source": output.get("text", "")}))))
        else:
            shown.append(output)
    return shown


def stage_notebook(notebook: dict, source: str, links: LinkRewriter) -> dict:
    """A copy of ``notebook`` (read from repository path ``source``) ready for the site; the input is not changed."""
    staged = copy.deepcopy(notebook)
    state = staged.get("metadata", {}).pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in staged["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = links.markdown(_source(cell), source)
        elif cell["cell_type"] == "code":
            cell["outputs"] = static_outputs(cell.get("outputs", []), state)
    return staged


# ---------------------------------------------------------------- MathJax, served by the site itself
def mathjax_files() -> Path:
    """The folder of MathJax 3's browser build (``tex-mml-chtml.js``, its fonts and extensions) as installed.

    Raises ``RuntimeError`` naming the package to install when it is missing.

    Example:
        >>> (mathjax_files() / MATHJAX_ENTRY).is_file()
        True
    """
    spec = importlib.util.find_spec(MATHJAX_PACKAGE)
    folder = Path(next(iter(spec.submodule_search_locations or []), "")) / "static" / "mathjax" if spec else None
    if folder is None or not (folder / MATHJAX_ENTRY).is_file():
        raise RuntimeError(f"MathJax is not installed: install the 'site' extra (pip install -e \".[site]\"), "
                           f"which brings {MATHJAX_PACKAGE}")
    return folder


# ---------------------------------------------------------------- text alternatives of figures
def image_bytes(mime: str, content: str | list[str]) -> bytes:
    """The bytes of an image output as MyST-NB writes them to its file (base64 decoded; SVG text as UTF-8)."""
    text = "".join(content) if isinstance(content, list) else content
    if mime in BASE64_IMAGES:
        return binascii.a2b_base64(text)
    return "\n".join(text.splitlines()).encode("utf-8")


def figure_alt_texts(notebook: dict) -> tuple[dict[str, str], int]:
    """``({image file stem: alt text}, number of image outputs)`` of ``notebook``: the stem is the SHA-256 of the
    image's bytes, MyST-NB's name for the image file; the alt text is the output's ``metadata[mime]["alt"]``.

    Example:
        >>> output = {"output_type": "display_data", "data": {"image/png": "iVBORw0K"},
        ...           "metadata": {"image/png": {"alt": "Figure: a plot."}}}
        >>> alts, count = figure_alt_texts({"cells": [{"cell_type": "code", "outputs": [output]}]})
        >>> list(alts.values()), count
        (['Figure: a plot.'], 1)
    """
    alts: dict[str, str] = {}
    count = 0
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            for mime, content in output.get("data", {}).items():
                if not mime.startswith("image/"):
                    continue
                count += 1
                alt = output.get("metadata", {}).get(mime, {}).get("alt")
                if isinstance(alt, str) and alt.strip():
                    alts[hashlib.sha256(image_bytes(mime, content)).hexdigest()] = alt.strip()
    return alts, count


def with_alt_texts(page: str, alts: dict[str, str]) -> tuple[str, int]:
    """``page`` (HTML) with the ``alt`` of each ``<img>`` whose file stem is in ``alts`` set to its text; and how
    many were set.

    Example:
        >>> with_alt_texts('<img alt="../_images/ab12.png" src="../_images/ab12.png" />', {"ab12": "A & B"})
        ('<img alt="A &amp; B" src="../_images/ab12.png" />', 1)
    """
    done = 0

    def fit(match: re.Match) -> str:
        nonlocal done
        tag = match[0]
        src = SRC_ATTRIBUTE.search(tag)
        alt = alts.get(posixpath.splitext(posixpath.basename(src[1]))[0]) if src else None
        if alt is None:
            return tag
        done += 1
        attribute = f' alt="{html.escape(alt, quote=True)}"'
        return ALT_ATTRIBUTE.sub(lambda _: attribute, tag, count=1) if ALT_ATTRIBUTE.search(tag) \
            else tag.replace("<img", "<img" + attribute, 1)

    return IMG_TAG.sub(fit, page), done


def add_alt_texts(html_dir: Path, root: Path, paths: list[str]) -> tuple[int, int, list[str]]:
    """Give the figures of the pages of ``paths`` (notebooks) their saved text alternatives.

    Returns ``(figures given one, figures in all, notebooks with a figure that has none)``.
    """
    given = total = 0
    missing: list[str] = []
    for path in paths:
        alts, count = figure_alt_texts(json.loads((root / path).read_text(encoding="utf-8")))
        page = (html_dir / path).with_suffix(".html")
        fitted, done = with_alt_texts(page.read_text(encoding="utf-8"), alts)
        page.write_text(fitted, encoding="utf-8")
        given, total = given + done, total + count
        if len(alts) < count or done < count:
            missing.append(path)
    return given, total, missing


# ---------------------------------------------------------------- README: landing page and instructors page
def split_readme(text: str) -> tuple[str, str]:
    """The README's introduction (up to its second ``## `` section) and the rest, for the instructors page.

    Example:
        >>> split_readme("# T\\nintro\\n## The notebooks\\ntable\\n## Set up\\nsteps\\n")
        ('# T\\nintro\\n## The notebooks\\ntable\\n', '## Set up\\nsteps\\n')
    """
    starts = [m.start() for m in re.finditer(r"^## ", text, flags=re.M)]
    if len(starts) < 2:
        return text, ""
    return text[:starts[1]], text[starts[1]:]


def site_config(repo: str) -> dict:
    """``site/_config.yml`` with the repository section for ``repo`` (``owner/name``)."""
    config = yaml.safe_load((SITE_SOURCES / "_config.yml").read_text(encoding="utf-8"))
    config["repository"] = {"url": f"https://github.com/{repo}", "branch": BRANCH, "path_to_book": ""}
    return config


def stage(root: Path, staging: Path, repo: str = GITHUB_REPO) -> dict[str, list[str]]:
    """Copy the site's sources into ``staging`` (emptied first); return the notebook groups of its TOC."""
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    groups = site_notebooks(root)
    pages = {path for paths in groups.values() for path in paths} | {"README.md"}
    links = LinkRewriter(root, pages, staging, repo)
    shutil.copytree(SITE_SOURCES / "_static", staging / "_static")
    for path in pages - {"README.md"}:
        notebook = json.loads((root / path).read_text(encoding="utf-8"))
        (staging / path).parent.mkdir(parents=True, exist_ok=True)
        (staging / path).write_text(json.dumps(stage_notebook(notebook, path, links), indent=1, ensure_ascii=False),
                                    encoding="utf-8")
    introduction, rest = split_readme((root / "README.md").read_text(encoding="utf-8"))
    (staging / "index.md").write_text(links.markdown(introduction, "README.md"), encoding="utf-8")
    # The README's sections sit one level below the instructors page's title.
    instructors = (SITE_SOURCES / "instructors.md").read_text(encoding="utf-8").rstrip() + "\n\n" + rest
    (staging / "instructors.md").write_text(links.markdown(instructors, "README.md"), encoding="utf-8")
    (staging / "_config.yml").write_text(yaml.safe_dump(site_config(repo), sort_keys=False), encoding="utf-8")
    (staging / "_toc.yml").write_text(yaml.safe_dump(table_of_contents(groups), sort_keys=False), encoding="utf-8")
    return groups


def build(out: Path = DEFAULT_OUT, root: Path = ROOT, repo: str = GITHUB_REPO) -> Path:
    """Stage the sources in ``out/source`` and build the site into ``out/_build/html``; return that folder.

    A page's download button gives its notebook exactly as committed (not the staged copy).

    Raises ``RuntimeError`` with Jupyter Book's output when the build fails (any warning fails it).
    """
    if importlib.util.find_spec("jupyter_book") is None:
        raise RuntimeError("Jupyter Book 1.x is not installed: install the 'site' extra "
                           "(pip install -e \".[site]\") to build the website")
    mathjax = mathjax_files()
    groups = stage(root, out / "source", repo)
    if (out / "_build").exists():
        shutil.rmtree(out / "_build")
    command = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(out / "source"),
               "--path-output", str(out), "--builder", "html", "--warningiserror", "--nitpick", "--keep-going", "--all"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=root)
    if result.returncode != 0:
        log = ANSI_CODE.sub("", result.stdout + "\n" + result.stderr)
        problems = [line for line in log.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL)\b|Error", line)]
        raise RuntimeError(f"the site build failed (exit code {result.returncode}); warnings are errors:\n"
                           + "\n".join(problems or log.splitlines()[-40:]))
    html_dir = out / "_build" / "html"
    # After the build: Jupyter Book would load every .js file of the book's _static folder in every page.
    shutil.copytree(mathjax, html_dir / "_static" / "mathjax")  # formulas render offline (mathjax_path)
    notebooks = [path for paths in groups.values() for path in paths]
    for path in notebooks:  # downloads: the notebooks as committed
        shutil.copyfile(root / path, html_dir / "_sources" / path)
    given, total, missing = add_alt_texts(html_dir, root, notebooks)
    print(f"site: {given} of {total} figures have a text alternative"
          + (f"; re-execute to add the others: {', '.join(missing)}" if missing else ""))
    return html_dir


def main(argv: list[str] | None = None) -> None:
    """``python -m tools.site [--out DIR]``: build the site, print where its landing page is and how long it took."""
    parser = argparse.ArgumentParser(prog="python -m tools.site", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="build folder: sources staged in OUT/source, HTML in OUT/_build/html (default build/site)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        html_dir = build(args.out.resolve())
    except (RuntimeError, ValueError) as error:
        raise SystemExit(f"site: {error}") from None
    print(f"site: built {html_dir / 'index.html'} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
