"""Every committed notebook: executed in order, clean outputs, small, and the course skeleton."""

from __future__ import annotations

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
