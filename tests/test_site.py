"""The course website (``python tasks.py site``, i.e. ``python -m tools.site``): what it contains and how it
looks in a real browser.

- The table of contents cannot drift from the folder: every notebook under ``notebooks/`` except the
  solutions is in the site, and no solution notebook is (staging only: fast, no Jupyter Book needed).
- Staged copies: progress bars show their final text, other widgets a note, links to repository files
  become GitHub links, links to a solution notebook plain text; the notebooks themselves are not changed.
- The site is built once per test session with ``python -m tools.site`` (Jupyter Book 1.x, warnings as
  errors, offline) in under a minute; a broken cross-reference fails the build; downloads are the notebooks
  as committed.
- Accessibility: every figure carries a text alternative saved in its notebook's output metadata, and the
  built page gives it to the figure's ``<img>`` (never the image's file name).
- In headless Chromium, on the built site served from 127.0.0.1 with every other request refused (the site
  works offline: MathJax is served by the site itself): the landing page and every other page load with no
  console error and no outside request, every image on them has loaded and has a text alternative that is
  not a file name, every formula is typeset by MathJax (its output element, not LaTeX source), axe-core
  (the ``axe.min.js`` shipped in the ``axe-playwright-python`` package, MPL-2.0) finds no WCAG 2.1 A or AA
  violation, in the light and the dark colour scheme, each notebook page's Colab link opens that page's
  notebook and it has a download and a repository button and its own table of contents, the search page
  finds "Normalize", and no link anywhere points at a solution notebook. Screenshots go to
  ``artifacts/site/`` (git-ignored; ``FAILED-<page>.png`` when a page fails a check).
"""

from __future__ import annotations

import copy
import functools
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from tools import site

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts" / "site"
LOCAL_HOST = "127.0.0.1"
BUILD_LIMIT_S = 60
TIMEOUT_MS = 120_000  # generous: the machines that run the tests are often busy
SOLUTION_LINK = re.compile(r"_solution(\.ipynb|\.html|/|$|[?#])")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # axe-core's tags of the WCAG 2.0/2.1 A and AA rules
FILE_NAME = re.compile(r"(^|/)[^/\s]+\.(png|jpe?g|gif|svg|webp)$", re.I)


def alt_text_problems(images: list[tuple[str, str | None]]) -> list[str]:
    """The images of ``[(src, alt), ...]`` whose alt text is missing, empty or a file name, as messages."""
    problems = []
    for src, alt in images:
        if alt is None or not alt.strip():
            problems.append(f"{src}: no alt text")
        elif FILE_NAME.search(alt.strip()) or alt.strip() == src:
            problems.append(f"{src}: the alt text is a file name ({alt!r})")
    return problems


def figures_without_alt_text(path: Path) -> int:
    """How many image outputs of the notebook at ``path`` have no ``alt`` in their output metadata."""
    missing = 0
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            for mime in (m for m in output.get("data", {}) if m.startswith("image/")):
                missing += not str(output.get("metadata", {}).get(mime, {}).get("alt", "")).strip()
    return missing


# ---------------------------------------------------------------- helpers of the tests
def notebook(*markdown: str, outputs: list[dict] | None = None, metadata: dict | None = None) -> dict:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": text} for text in markdown]
    if outputs is not None:
        cells.append({"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "x", "outputs": outputs})
    return {"cells": cells, "metadata": metadata or {}, "nbformat": 4, "nbformat_minor": 5}


def write_notebook(path: Path, nb: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")


def toc_files(toc: dict) -> list[str]:
    return [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]


def solutions_on_disk(root: Path) -> set[str]:
    """Solution notebooks found without tools.site: by name, or by an nbgrader solution marker line."""
    found = set()
    for path in (root / "notebooks").rglob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        if path.name.endswith("_solution.ipynb") or re.search(r'"\s*### BEGIN SOLUTION\s*(\\n)?"', text):
            found.add(path.relative_to(root).as_posix())
    return found


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.targets += [value for name, value in attrs if name in ("href", "src") and value]


def links_of(page: Path) -> list[str]:
    collector = LinkCollector()
    collector.feed(page.read_text(encoding="utf-8"))
    return collector.targets


# ---------------------------------------------------------------- table of contents (no build needed)
def test_every_notebook_but_the_solutions_is_in_the_table_of_contents(tmp_path):
    site.stage(ROOT, tmp_path / "source")
    toc = yaml.safe_load((tmp_path / "source" / "_toc.yml").read_text())
    listed = {f"{name}.ipynb" for name in toc_files(toc) if name.startswith("notebooks/")}
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").rglob("*.ipynb")
               if ".ipynb_checkpoints" not in p.parts}
    solutions = solutions_on_disk(ROOT)
    assert solutions, "expected the homework's solution notebook under notebooks/"
    assert listed == on_disk - solutions, f"missing: {on_disk - solutions - listed}, extra: {listed - on_disk}"
    staged = {p.relative_to(tmp_path / "source").as_posix() for p in (tmp_path / "source").rglob("*.ipynb")}
    assert staged == listed and not staged & solutions


def test_lectures_come_first_in_order_and_the_instructors_page_last(tmp_path):
    site.stage(ROOT, tmp_path / "source")
    toc = yaml.safe_load((tmp_path / "source" / "_toc.yml").read_text())
    lectures = sorted(p.relative_to(ROOT).with_suffix("").as_posix() for p in (ROOT / "notebooks").glob("0*.ipynb"))
    assert toc["root"] == "index"
    assert toc["parts"][0]["caption"] == "Lecture notebooks" and toc_files(toc)[:len(lectures)] == lectures
    assert toc_files(toc)[-1] == "instructors"


def test_new_folders_and_nbgrader_sources_are_handled_without_editing_a_list(tmp_path):
    write_notebook(tmp_path / "notebooks" / "01_b.ipynb", notebook("# B"))
    write_notebook(tmp_path / "notebooks" / "00_a.ipynb", notebook("# A"))
    write_notebook(tmp_path / "notebooks" / "deep_dives" / "z.ipynb", notebook("# Z"))
    write_notebook(tmp_path / "notebooks" / "homework" / "hw_solution.ipynb", notebook("# S"))
    homework = tmp_path / "notebooks" / "homework"
    write_notebook(homework / "source" / "hw.ipynb", notebook("# HW\n", "### BEGIN SOLUTION\nx"))
    write_notebook(tmp_path / "notebooks" / "homework" / "release" / "hw.ipynb", notebook("# HW"))
    write_notebook(tmp_path / "notebooks" / ".ipynb_checkpoints" / "00_a-checkpoint.ipynb", notebook("# A"))
    write_notebook(tmp_path / "notebooks" / "extra" / "e.ipynb", notebook("# E"))
    assert site.site_notebooks(tmp_path) == {
        "Lecture notebooks": ["notebooks/00_a.ipynb", "notebooks/01_b.ipynb"],
        "Deep dives": ["notebooks/deep_dives/z.ipynb"],
        "Homework": ["notebooks/homework/release/hw.ipynb"],
        "More notebooks": ["notebooks/extra/e.ipynb"],
    }


def test_the_site_points_at_the_repository_of_the_course_module(tmp_path):
    site.stage(ROOT, tmp_path / "source", repo="someone/fork")
    config = yaml.safe_load((tmp_path / "source" / "_config.yml").read_text())
    assert config["repository"]["url"] == "https://github.com/someone/fork"
    assert config["execute"]["execute_notebooks"] == "off"
    assert site.site_config(site.GITHUB_REPO)["repository"]["url"] == f"https://github.com/{site.GITHUB_REPO}"


# ---------------------------------------------------------------- staged copies
TQDM_STATE = {
    "box": {"model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_l", "IPY_MODEL_p", "IPY_MODEL_r"]}},
    "l": {"model_name": "HTMLModel", "state": {"value": "30 models: 100%"}},
    "p": {"model_name": "FloatProgressModel", "state": {"value": 1650.0, "max": 1650.0}},
    "r": {"model_name": "HTMLModel", "state": {"value": " 1650/1650 [00:03&lt;00:00, 512.65it/s]"}},
    "slider": {"model_name": "VBoxModel", "state": {"children": []}},
}


def widget_output(model_id: str, text: str) -> dict:
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/plain": text, site.WIDGET_VIEW: {"model_id": model_id, "version_major": 2}}}


def test_progress_bars_show_their_final_text_and_other_widgets_a_note():
    outputs = [widget_output("box", "30 models:   0%|          | 0/1650"), widget_output("slider", "interactive(...)"),
               {"output_type": "stream", "name": "stdout", "text": "epoch 1\repoch 2\repoch 3\ndone\n"}]
    nb = notebook("# T", outputs=outputs, metadata={"widgets": {site.WIDGET_STATE: {"state": TQDM_STATE}}})
    before = copy.deepcopy(nb)
    staged = site.stage_notebook(nb, "notebooks/00_t.ipynb", site.LinkRewriter(ROOT, set(), Path("unused"), "o/r"))
    assert nb == before, "the notebook given to stage_notebook was modified"
    shown = staged["cells"][-1]["outputs"]
    assert shown[0]["text"] == "30 models: 100%|██████████| 1650/1650 [00:03<00:00, 512.65it/s]\n"
    assert shown[1]["data"] == {"text/markdown": site.WIDGET_NOTE}
    assert shown[2]["text"] == "epoch 3\ndone\n"
    assert "widgets" not in staged["metadata"]
    assert not any(site.WIDGET_VIEW in o.get("data", {}) for o in shown)


def test_links_fit_the_site(tmp_path):
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "checks.py").write_text("")
    write_notebook(tmp_path / "notebooks" / "homework" / "hw_solution.ipynb", notebook("# S"))
    write_notebook(tmp_path / "notebooks" / "00_a.ipynb", notebook("# A"))
    (tmp_path / "notebooks" / "figure.png").write_bytes(b"png")
    links = site.LinkRewriter(tmp_path, {"notebooks/00_a.ipynb"}, tmp_path / "staged", "o/r")
    text = ("[A](00_a.ipynb#goals) [code](../helpers/checks.py) [folder](../helpers) [web](https://x.org) "
            "[the solution](homework/hw_solution.ipynb) ![fig](figure.png) [top](#top) "
            f"[![Open In Colab]({site.COLAB_BADGE_URL})](https://colab.research.google.com/x)")
    assert links.markdown(text, "notebooks/00_a.ipynb") == (
        "[A](00_a.ipynb#goals) [code](https://github.com/o/r/blob/main/helpers/checks.py) "
        "[folder](https://github.com/o/r/tree/main/helpers) [web](https://x.org) the solution ![fig](figure.png) "
        "[top](#top) [![Open In Colab](../_static/colab-badge.svg)](https://colab.research.google.com/x)")
    assert (tmp_path / "staged" / "notebooks" / "figure.png").read_bytes() == b"png"
    assert links.markdown('<a href="homework/hw_solution.ipynb">s</a> <img src="figure.png">',
                          "notebooks/00_a.ipynb") == '<a >s</a> <img src="figure.png">'


def test_links_in_code_are_left_as_they_are(tmp_path):
    links = site.LinkRewriter(tmp_path, set(), tmp_path / "staged", "o/r")
    text = "Write `[badge](nothing.png)` or\n\n```\n![x](missing.png)\n```\n\nthen [run](https://x.org)."
    assert links.markdown(text, "notebooks/00_a.ipynb") == text


def test_a_link_to_a_missing_file_is_refused_with_the_page_and_the_target(tmp_path):
    links = site.LinkRewriter(tmp_path, set(), tmp_path / "staged", "o/r")
    with pytest.raises(ValueError, match=r"notebooks/00_a.ipynb: .*'gone.ipynb'.* not in the repository"):
        links.markdown("[x](gone.ipynb)", "notebooks/00_a.ipynb")
    with pytest.raises(ValueError, match=r"notebooks/00_a.ipynb: .*'figures/missing.png'"):
        links.markdown("![a figure](figures/missing.png)", "notebooks/00_a.ipynb")
    with pytest.raises(ValueError, match=r"'\.\./\.\./outside.md'"):
        links.markdown('<a href="../../outside.md">x</a>', "notebooks/00_a.ipynb")


def test_the_readme_splits_after_its_notebook_table():
    introduction, rest = site.split_readme((ROOT / "README.md").read_text(encoding="utf-8"))
    assert introduction.startswith("# ") and "## The notebooks" in introduction
    assert rest.startswith("## ") and "## The notebooks" not in rest


# ---------------------------------------------------------------- text alternatives of figures
def test_the_alt_text_check_catches_file_names_and_missing_alt_texts():
    src = "../_images/f61dfd59.png"
    assert alt_text_problems([(src, src)]) == [f"{src}: the alt text is a file name ({src!r})"]
    assert alt_text_problems([(src, "f61dfd59.PNG")]) and alt_text_problems([(src, None)])
    assert alt_text_problems([(src, " ")])
    assert alt_text_problems([(src, "Figure: 80 images in 10 rows × 8 columns. Rows: 0, 1, 2.")]) == []


def test_every_figure_of_the_site_has_a_text_alternative_saved_with_it():
    missing = {path: count for paths in site.site_notebooks().values() for path in paths
               if (count := figures_without_alt_text(ROOT / path))}
    assert not missing, ("figures without alt text in their output metadata (re-execute these notebooks, whose "
                         f"use_course_style() saves it): {missing}")


def test_the_built_page_gives_each_figure_the_alt_text_saved_with_it(tmp_path):
    png = "iVBORw0KGgo="
    digest = site.hashlib.sha256(site.image_bytes("image/png", png)).hexdigest()
    described = {"output_type": "display_data", "data": {"image/png": png},
                 "metadata": {"image/png": {"alt": "Figure: a plot. Loss <falls> (x: epoch)."}}}
    bare = {"output_type": "display_data", "data": {"image/png": "R0lGOD=="}, "metadata": {}}
    write_notebook(tmp_path / "notebooks" / "00_a.ipynb", notebook("# A", outputs=[described, bare]))
    page = tmp_path / "html" / "notebooks" / "00_a.html"
    page.parent.mkdir(parents=True)
    page.write_text(f'<p><img alt="../_images/{digest}.png" src="../_images/{digest}.png" />'
                    f'<img alt="../_images/other.png" src="../_images/other.png" /></p>')
    assert site.add_alt_texts(tmp_path / "html", tmp_path, ["notebooks/00_a.ipynb"]) == (
        1, 2, ["notebooks/00_a.ipynb"])
    fitted = page.read_text()
    assert f'<img alt="Figure: a plot. Loss &lt;falls&gt; (x: epoch)." src="../_images/{digest}.png" />' in fitted
    images = re.findall(r'<img alt="([^"]*)" src="([^"]*)"', fitted)
    assert alt_text_problems([(src, alt) for alt, src in images]) == [
        "../_images/other.png: the alt text is a file name ('../_images/other.png')"]


# ---------------------------------------------------------------- the built site
@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> tuple[Path, float]:
    """The whole site, built once per test session: (its HTML folder, build seconds)."""
    pytest.importorskip("jupyter_book", reason="Jupyter Book 1.x (the 'site' extra) is not installed")
    out = tmp_path_factory.mktemp("site")
    started = time.perf_counter()
    # The command that `python tasks.py site` and the Pages workflow run.
    result = subprocess.run([sys.executable, "-m", "tools.site", "--out", str(out)], cwd=ROOT,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"^site: built .*index\.html in [0-9.]+ s$", result.stdout, flags=re.M), result.stdout
    print(next(line for line in result.stdout.splitlines() if "text alternative" in line))
    return out / "_build" / "html", seconds


def test_the_site_builds_offline_in_under_a_minute_with_a_page_per_notebook(built_site):
    html_dir, seconds = built_site
    print(f"site build: {seconds:.1f} s")
    assert seconds < BUILD_LIMIT_S, f"the site took {seconds:.0f} s to build (limit {BUILD_LIMIT_S} s)"
    for paths in site.site_notebooks().values():
        for path in paths:
            assert (html_dir / path).with_suffix(".html").is_file(), f"no page for {path}"
            download = html_dir / "_sources" / path
            assert download.read_bytes() == (ROOT / path).read_bytes(), f"the download of {path} is not the notebook"
    assert (html_dir / "index.html").is_file() and (html_dir / "instructors.html").is_file()
    assert not [p for p in html_dir.rglob("*") if "_solution" in p.name]


def test_the_site_serves_mathjax_itself(built_site):
    html_dir, _ = built_site
    page = (html_dir / "notebooks" / "03_standardization_math.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script[^>]*src="([^"]*mathjax[^"]*)"', page, flags=re.I)
    assert scripts == ["../_static/mathjax/" + site.MATHJAX_ENTRY], scripts
    assert (html_dir / "_static" / "mathjax" / site.MATHJAX_ENTRY).is_file()
    assert list((html_dir / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert "cdn.jsdelivr" not in page and "mathjax@" not in page


def test_no_link_anywhere_points_at_a_solution_notebook(built_site):
    html_dir, _ = built_site
    pages = list(html_dir.rglob("*.html"))
    assert len(pages) > 5
    bad = [(page.relative_to(html_dir).as_posix(), target) for page in pages for target in links_of(page)
           if SOLUTION_LINK.search(target)]
    assert not bad


def test_a_broken_cross_reference_fails_the_build(tmp_path):
    pytest.importorskip("jupyter_book", reason="Jupyter Book 1.x (the 'site' extra) is not installed")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "README.md").write_text("# Course\n\nIntro.\n\n## The notebooks\n\nNone yet.\n")
    write_notebook(tmp_path / "repo" / "notebooks" / "00_a.ipynb", notebook("# A\n\nSee {ref}`no-such-label`."))
    with pytest.raises(RuntimeError, match="no-such-label"):
        site.build(tmp_path / "out", root=tmp_path / "repo")


# ---------------------------------------------------------------- in a real browser
class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url(built_site) -> Iterator[str]:
    """The built site served over HTTP on 127.0.0.1 (a random free port) for the whole session."""
    handler = functools.partial(QuietHandler, directory=str(built_site[0]))
    server = ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def browser_or_skip():
    from lab_browser import CHROMIUM, NO_CHROMIUM, local_only_browser

    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    pytest.importorskip("playwright.sync_api", reason="the 'playwright' package is not installed")
    return local_only_browser


def visit(context, url: str) -> tuple[object, list[str]]:
    """Open ``url`` in a new page; return it and its console/page errors."""
    page = context.new_page()
    errors: list[str] = []

    def on_console(message):
        if message.type == "error":
            errors.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url, wait_until="load")
    page.wait_for_function("() => [...document.images].every(img => img.complete)")
    return page, errors


IMAGES_JS = "imgs => imgs.map(img => [img.getAttribute('src'), img.complete && img.naturalWidth])"
ALTS_JS = "imgs => imgs.map(img => [img.getAttribute('src'), img.getAttribute('alt')])"
# Every formula of the page: whether MathJax typeset it (its output element is there) and the LaTeX left as text.
MATH_JS = """els => els.map(el => [!!el.querySelector('mjx-container'),
  [...el.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join('').trim()])"""
AXE_RUN_JS = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"


def axe_script() -> Path:
    """axe-core's ``axe.min.js``, as the ``axe-playwright-python`` package ships it (the test extra)."""
    module = pytest.importorskip("axe_playwright_python", reason="axe-playwright-python (test extra) is not installed")
    return Path(module.__file__).parent / "axe.min.js"


def check_formulas(page, path: str) -> int:
    """Every formula of the page is typeset by MathJax (no LaTeX source left as text); return how many there are."""
    page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    formulas = page.eval_on_selector_all(".bd-article .math", MATH_JS)
    raw = [text for typeset, text in formulas if not typeset or re.search(r"\\[(\[]|\$", text)]
    assert not raw, f"{path}: formulas not typeset by MathJax: {raw[:3]}"
    return len(formulas)


SETTLED_CSS = "*, *::before, *::after { transition: none !important; animation: none !important; }"


def axe_violations(page, axe: Path) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it settles, one line per rule: id, impact, elements, help.

    CSS transitions are switched off first: the theme applies the colour scheme on load and the search button
    fades to it in 0.15 s; caught halfway, its text failed the contrast check now and then."""
    page.add_style_tag(content=SETTLED_CSS)
    page.add_script_tag(path=str(axe))
    result = page.evaluate(AXE_RUN_JS, WCAG_TAGS)
    return [f"{v['id']} ({v['impact']}, {len(v['nodes'])}×: {[n['target'] for n in v['nodes'][:3]]}): {v['help']}"
            for v in result["violations"]]


def check_notebook_page(page, path: str) -> None:
    """The page of notebook ``path``: one Colab launch link (to that notebook), a download and a repository button,
    and the page's own table of contents."""
    colab = re.compile(r"^https://colab\.research\.google\.com/github/")
    expected = f"https://colab.research.google.com/github/{site.GITHUB_REPO}/blob/{site.BRANCH}/{path}"
    launch = page.eval_on_selector_all(".dropdown-launch-buttons a[href]", "as => as.map(a => a.href)")
    assert [link for link in launch if colab.match(link)] == [expected], f"{path}: launch links {launch}"
    links = page.eval_on_selector_all(".bd-article a[href]", "as => as.map(a => a.href)")
    badges = [link for link in links if colab.match(link)]
    assert all(badge == expected for badge in badges), f"{path}: Colab links {badges}, expected {expected}"
    assert page.locator(".btn-download-source-button").count() == 1, f"{path}: no download button"
    assert page.locator(f'a[href="https://github.com/{site.GITHUB_REPO}"]').count() >= 1, f"{path}: no repository link"
    assert page.locator(".page-toc .toc-entry a").count() > 0, f"{path}: no table of contents of the page"


def check_page(context, site_url: str, path: str, lecture: bool, axe: Path) -> tuple[int, int, list[str]]:
    """Open the page of ``path`` and check it (screenshot ``FAILED-<name>.png`` when a check fails); return
    how many figures (output images) and formulas it shows, and its images' alt-text problems (checked by the
    caller after every page, so that one run lists them all)."""
    page, errors = visit(context, f"{site_url}/{Path(path).with_suffix('.html').as_posix()}")
    name = Path(path).stem
    try:
        assert not errors, f"{path}: {errors}"
        images = page.eval_on_selector_all(".bd-article img", IMAGES_JS)
        assert all(width for _, width in images), f"{path}: images not loaded: {[s for s, w in images if not w]}"
        alts = page.eval_on_selector_all("img", ALTS_JS)
        alt_problems = [f"{path}: {problem}" for problem in alt_text_problems(alts)]
        formulas = check_formulas(page, path)
        violations = axe_violations(page, axe)
        assert not violations, f"{path}: WCAG 2.1 A/AA violations: {violations}"
        links = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
        assert not [link for link in links if SOLUTION_LINK.search(link)], f"{path} links to a solution"
        if path.endswith(".ipynb"):
            check_notebook_page(page, path)
        figures = page.locator(".bd-article .cell_output img").count()
        if lecture or path == "instructors.md":
            page.screenshot(path=ARTIFACTS / f"{name}.png")
        if lecture and figures:
            page.locator(".bd-article .cell_output img").first.scroll_into_view_if_needed()
            page.screenshot(path=ARTIFACTS / f"{name}-figure.png")
        return figures, formulas, alt_problems
    except AssertionError:
        page.screenshot(path=ARTIFACTS / f"FAILED-{name}.png")
        raise
    finally:
        page.close()


@pytest.mark.browser
def test_the_landing_page_and_every_page_of_the_site_in_a_real_browser(site_url):
    local_only_browser = browser_or_skip()
    axe = axe_script()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    groups = site.site_notebooks()
    lectures = groups["Lecture notebooks"]
    others = [path for caption, paths in groups.items() if caption != "Lecture notebooks" for path in paths]
    with local_only_browser() as (context, blocked):
        page, errors = visit(context, f"{site_url}/index.html")
        page.screenshot(path=ARTIFACTS / "landing.png")
        assert not errors, errors
        assert not axe_violations(page, axe)
        for link in page.eval_on_selector_all(".bd-article a[href]", "as => as.map(a => a.href)"):
            if link.startswith(site_url):  # every link of the README that stays on the site leads to a page
                assert context.request.get(link).ok, f"the landing page links to {link}, which is missing"
        page.close()
        shown = [check_page(context, site_url, path, lecture=True, axe=axe) for path in lectures]
        shown += [check_page(context, site_url, path, lecture=False, axe=axe) for path in [*others, "instructors.md"]]
    print(f"site in the browser: {sum(s[0] for s in shown)} figures, {sum(s[1] for s in shown)} formulas typeset")
    assert sum(figures for figures, _, _ in shown[:len(lectures)]) > 0, "no figure on any lecture page"
    assert sum(formulas for _, formulas, _ in shown) > 0, "no formula typeset on any page"
    assert blocked == [], f"the site asked for outside resources (offline they fail): {blocked}"
    alt_problems = [problem for _, _, problems in shown for problem in problems]
    assert not alt_problems, f"{len(alt_problems)} images without a real text alternative: {alt_problems}"


@pytest.mark.browser
def test_the_site_in_the_dark_colour_scheme_has_no_wcag_violation(site_url):
    """The theme follows the reader's colour scheme (default_mode: auto): the dark one is checked too."""
    local_only_browser = browser_or_skip()
    axe = axe_script()
    found = {}
    with local_only_browser(color_scheme="dark") as (context, blocked):
        for path in ["index.md", *(p for paths in site.site_notebooks().values() for p in paths)]:
            page, _ = visit(context, f"{site_url}/{Path(path).with_suffix('.html').as_posix()}")
            assert page.evaluate("() => document.documentElement.dataset.theme") == "dark", path
            page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
            found[path] = axe_violations(page, axe)
            page.close()
    assert blocked == []
    assert not {path: v for path, v in found.items() if v}, found


@pytest.mark.browser
def test_the_search_page_finds_normalize(site_url):
    local_only_browser = browser_or_skip()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with local_only_browser() as (context, _):
        page, errors = visit(context, f"{site_url}/search.html?q=Normalize")
        results = page.locator("#search-results ul.search li")
        results.first.wait_for(timeout=30_000)
        page.screenshot(path=ARTIFACTS / "search-normalize.png")
        hits = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.href)")
        assert not errors, errors
        assert any("03_standardization_math.html" in hit for hit in hits), hits
        assert not [hit for hit in hits if SOLUTION_LINK.search(hit)]


@pytest.mark.browser
def test_the_browser_checks_catch_a_wcag_violation_and_a_formula_left_as_latex():
    """The checks above fail on the bad case: axe-core flags an image without alt text, a page without a language
    and an empty link; a formula MathJax did not typeset is caught as LaTeX source."""
    local_only_browser = browser_or_skip()
    axe = axe_script()
    with local_only_browser() as (context, _):
        page = context.new_page()
        page.set_content('<html><head><title>t</title></head><body><main class="bd-article">'
                         '<img src="data:,"><a href="#"></a><span class="math">\\(x^2\\)</span></main></body></html>')
        found = {violation.split(" ")[0] for violation in axe_violations(page, axe)}
        with pytest.raises(AssertionError, match=r"formulas not typeset by MathJax: \['\\\\\(x\^2\\\\\)'\]"):
            check_formulas(page, "bad.html")
        page.close()
    assert {"image-alt", "html-has-lang", "link-name"} <= found, found
