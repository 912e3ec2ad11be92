"""Lecture mode: every lecture notebook carries the RISE slide metadata that ``tools.slides`` writes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import slides

ROOT = Path(__file__).resolve().parents[1]
LECTURES = slides.lecture_notebooks()


def md(text: str) -> dict:
    return {"cell_type": "markdown", "source": text, "metadata": {}}


def code(text: str, outputs: list | None = None) -> dict:
    return {"cell_type": "code", "source": text, "metadata": {}, "outputs": outputs or []}


def test_there_are_lecture_notebooks_and_homework_is_not_one():
    assert ROOT / "notebooks" / "00_start_here.ipynb" in LECTURES
    assert all(p.parent == ROOT / "notebooks" for p in LECTURES)


@pytest.mark.parametrize("notebook", LECTURES, ids=lambda p: p.name)
def test_every_lecture_notebook_has_its_slide_metadata(notebook):
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    have = [cell["metadata"].get("slideshow", {}).get("slide_type") for cell in nb["cells"]]
    assert have == slides.slide_types(nb["cells"]), f"run `python tasks.py slides` ({notebook.name} changed)"
    assert slides.RISE_SETTINGS.keys() <= nb["metadata"].get("rise", {}).keys(), "no RISE settings in the notebook"
    sections = [c for c in nb["cells"] if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("## ")]
    assert have.count("slide") == 1 + len(sections), "one title slide and one slide per section"


@pytest.mark.parametrize("notebook", LECTURES, ids=lambda p: p.name)
def test_a_widget_is_left_out_of_the_slideshow_after_a_static_preview(notebook):
    """RISE shows ipywidgets 8 as text: its section must show a picture before the (skipped) widget cell."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    section_start = 0
    for i, cell in enumerate(cells):
        if cell["metadata"].get("slideshow", {}).get("slide_type") == "slide":
            section_start = i
        if slides.shows_controls(cell):
            earlier = cells[section_start:i]
            assert any("image/png" in o.get("data", {}) for c in earlier for o in c.get("outputs", [])
                       if c["metadata"].get("slideshow", {}).get("slide_type") != "skip"), \
                f"cell {i} shows a widget, but its section has no static preview image before it"


def test_slide_rules():
    widget = [{"output_type": "display_data", "data": {slides.WIDGET_VIEW: {"model_id": "x"},
                                                        "text/plain": "interactive(children=(IntSlider(value=0),))"}}]
    progress = [{"output_type": "display_data", "data": {slides.WIDGET_VIEW: {"model_id": "y"},
                                                          "text/plain": "3 models: 100%|█████| 9/9 [00:01<00:00]"}}]
    cells = [
        md("# 02 · Title"),
        code("import sys  # setup"),
        md("## 1. A section"),
        code("x = 1"),
        code("print(x)"),
        code("# a comment\nassert x == 1, (\n    'x is one'\n)\nassert x > 0, 'positive'"),
        md("A static preview; the interactive version is in the lab view."),
        code("interact(show, angle=(0, 90))", outputs=widget),
        code("assert_close(x, 1)"),
        code("curve = learning_curve(sizes)", outputs=progress),
        code("claim(x == 1,\n      f'x is one: {x}')\nassert x > 0"),
        code("claims = [x]"),
        code("gain = 2\nclaim(gain > 1, 'a gain')"),
    ]
    assert slides.slide_types(cells) == ["slide", "subslide", "slide", "-", "subslide", "fragment", "subslide",
                                        "skip", "subslide", "subslide", "fragment", "subslide", "subslide"]


def test_slides_command_is_idempotent_and_keeps_a_notebooks_own_rise_settings(tmp_path, capsys):
    copy = tmp_path / "00_start_here.ipynb"
    shutil.copy(ROOT / "notebooks" / "00_start_here.ipynb", copy)
    nb = json.loads(copy.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        cell["metadata"].pop("slideshow", None)
    nb["metadata"]["rise"] = {"theme": "serif", "scroll": False}
    copy.write_text(json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    slides.main([str(copy)])
    once = copy.read_text(encoding="utf-8")
    slides.main([str(copy)])
    assert copy.read_text(encoding="utf-8") == once
    assert capsys.readouterr().out.splitlines()[-1].endswith("(unchanged)")
    rise = json.loads(once)["metadata"]["rise"]
    assert rise["theme"] == "serif" and rise["scroll"] is False and rise["start_slideshow_at"] == "beginning"
    original = json.loads((ROOT / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8"))
    assert without_slides(json.loads(once)) == without_slides(original), "only slide metadata changes"


def without_slides(nb: dict) -> dict:
    nb["metadata"].pop("rise", None)
    for cell in nb["cells"]:
        cell["metadata"].pop("slideshow", None)
    return nb


def test_the_slides_tool_runs_with_the_standard_library_alone(tmp_path):
    copy = tmp_path / "00_start_here.ipynb"
    shutil.copy(ROOT / "notebooks" / "00_start_here.ipynb", copy)
    # -S -I: no site-packages, no PYTHONPATH — only the standard library and the repository itself
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from tools.slides import main; main([{str(copy)!r}])"
    result = subprocess.run([sys.executable, "-S", "-I", "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("slides: 00_start_here.ipynb: ")
