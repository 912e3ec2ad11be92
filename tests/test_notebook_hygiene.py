"""Every committed notebook: executed in order, clean outputs, small, and the course skeleton."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from tools.course import colab_url, pip_install_url

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
LOCAL_PATH = re.compile(r"(/(root|work|home|Users|tmp)/|[A-Za-z]:\\\\(Users|Documents))")
MAX_BYTES = 1_500_000


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    return "".join(cell["source"])


def code_cells(path: Path) -> list[dict]:
    return [c for c in load(path)["cells"] if c["cell_type"] == "code"]


def test_there_are_notebooks():
    assert (ROOT / "notebooks" / "00_start_here.ipynb") in NOTEBOOKS


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def notebook(request) -> Path:
    return request.param


def test_executed_top_to_bottom(notebook):
    counts = [c["execution_count"] for c in code_cells(notebook)]
    assert counts == list(range(1, len(counts) + 1)), f"execution counts are {counts}"


def test_no_error_outputs_and_no_local_paths(notebook):
    for cell in code_cells(notebook):
        for output in cell["outputs"]:
            assert output["output_type"] != "error", f"error output: {output.get('ename')}"
            text = json.dumps(output.get("text", "")) + json.dumps(output.get("data", {}).get("text/plain", ""))
            assert not LOCAL_PATH.search(text), f"a local path in an output: {LOCAL_PATH.search(text).group(0)}"


def test_small_enough(notebook):
    assert notebook.stat().st_size < MAX_BYTES, f"{notebook.stat().st_size / 1e6:.2f} MB"


def test_title_and_badge_to_its_own_path(notebook):
    first = load(notebook)["cells"][0]
    assert first["cell_type"] == "markdown" and source(first).startswith("# "), "the first cell is a markdown title"
    relative = notebook.relative_to(ROOT).as_posix()
    assert f"]({colab_url(relative)})" in source(first), "the title cell has a Colab badge to this notebook"


def test_setup_cell_installs_on_colab_only_and_keeps_torch(notebook):
    setup = source(code_cells(notebook)[0])
    assert '"google.colab" in sys.modules' in setup
    install_lines = [line for line in setup.splitlines() if "pip install" in line]
    assert install_lines == [f'    %pip install -q "{pip_install_url()}"'], install_lines
    assert "from helpers" in setup and "DEVICE" in setup and "SEED" in setup


def test_summary_and_exercises(notebook):
    headings = [line for c in load(notebook)["cells"] if c["cell_type"] == "markdown"
                for line in source(c).splitlines() if line.startswith("## ")]
    assert "## Summary" in headings and "## Exercises" in headings, headings


LECTURE_NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
DEEP_DIVES = sorted((ROOT / "notebooks" / "deep_dives").glob("*.ipynb"))
MAX_LECTURE_CELLS = 30
LECTURE_CODE = ("github.com/rasbt/stat453-deep-learning-ss21", "L10/code/data-augmentation.ipynb")
MARKER_COMMENT = re.compile(r"#\s*(NBVAL_[A-Z_]+|noqa\b)")
PROGRESS_AT_ZERO = re.compile(r"\b0%\|")


def python_of(cell: dict) -> str:
    """The cell's source without IPython magics and shell lines, so that ``ast`` can parse it."""
    lines = source(cell).splitlines()
    return "\n".join(line[: len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!")) else line
                     for line in lines)


def asserts_in(text: str) -> list[int]:
    return [node.lineno for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Assert)]


def output_texts(cell: dict) -> list[str]:
    texts = []
    for output in cell.get("outputs", []):
        texts.append("".join(output.get("text", "")))
        texts.append("".join(output.get("data", {}).get("text/plain", "")))
    return texts


@pytest.fixture(params=LECTURE_NOTEBOOKS, ids=lambda p: p.name)
def lecture_notebook(request) -> Path:
    return request.param


def test_lecture_and_deep_dive_notebooks_exist():
    assert len(LECTURE_NOTEBOOKS) >= 5 and DEEP_DIVES, (LECTURE_NOTEBOOKS, DEEP_DIVES)


def test_a_lecture_notebook_is_one_lecture_long(lecture_notebook):
    cells = load(lecture_notebook)["cells"]
    assert len(cells) <= MAX_LECTURE_CELLS, f"{len(cells)} cells; move what is not the lecture to notebooks/deep_dives/"


def test_a_lecture_notebook_states_claims_not_asserts(lecture_notebook):
    cells = load(lecture_notebook)["cells"]
    found = {i: asserts_in(python_of(c)) for i, c in enumerate(cells) if c["cell_type"] == "code"}
    found = {i: lines for i, lines in found.items() if lines}
    assert not found, f"plain assert in cells {found}: print the claim with helpers.claims.claim, or test it in tests/"


def test_a_lecture_notebook_links_the_lectures_own_code(lecture_notebook):
    text = "".join(source(c) for c in load(lecture_notebook)["cells"] if c["cell_type"] == "markdown")
    assert all(part in text for part in LECTURE_CODE), "link the stat453 L10 data-augmentation.ipynb notebook"


def test_every_deep_dive_is_linked_from_a_lecture_notebook():
    cells = [c for path in LECTURE_NOTEBOOKS for c in load(path)["cells"]]
    linked = "".join(source(c) for c in cells if c["cell_type"] == "markdown")
    unlinked = [p.name for p in DEEP_DIVES if f"deep_dives/{p.name}" not in linked]
    assert not unlinked, f"deep dives no lecture notebook links to: {unlinked}"


def test_test_markers_are_tags_not_comments(notebook):
    for i, cell in enumerate(load(notebook)["cells"]):
        if cell["cell_type"] == "code":
            match = MARKER_COMMENT.search(source(cell))
            assert not match, f"cell {i}: {match.group(0)!r} is a comment students read; use a cell tag or ruff config"


def test_no_progress_bar_left_at_zero(notebook):
    for i, cell in enumerate(load(notebook)["cells"]):
        for text in output_texts(cell):
            assert not PROGRESS_AT_ZERO.search(text), f"cell {i} shows a progress bar at 0%: {text[:80]!r}"


@pytest.mark.parametrize(("text", "found"), [("assert x > 0", [1]), ("x = 1\nif x:\n    assert x", [3]),
                                             ("claim(x > 0, 'x is positive')", [])])
def test_asserts_in_finds_plain_asserts_only(text, found):
    assert asserts_in(text) == found


@pytest.mark.parametrize(("text", "bad"), [("# NBVAL_CHECK_OUTPUT\nprint(1)", True), ("x = 1  # noqa: F401", True),
                                           ("print('no marker')", False)])
def test_marker_comments_are_found(text, bad):
    assert bool(MARKER_COMMENT.search(text)) is bad


@pytest.mark.parametrize(("text", "bad"), [("30 softmax models:   0%|          | 0/1650", True),
                                           ("30 softmax models: 100%|██████████| 1650/1650", False)])
def test_progress_at_zero_is_found(text, bad):
    assert bool(PROGRESS_AT_ZERO.search(text)) is bad
