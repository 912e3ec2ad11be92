"""The exercises of notebooks 03 and 04 run as written: with the setting an exercise suggests, the
notebook finishes ("Run all" is not stopped), and ❌ appears only on the claims the exercise says flip.

Each test edits one line of the notebook's Settings cell, executes the whole notebook with nbclient
with ``COURSE_STRICT_CLAIMS`` unset (as in a live lecture: a false claim prints ❌ instead of
raising), and reads the ✅/❌ lines the claims printed.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from helpers.claims import STRICT_ENV
from helpers.transforms import FusedAugment, apply_each, lecture_transform

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def with_setting(notebook: nbformat.NotebookNode, name: str, value: str) -> nbformat.NotebookNode:
    """The notebook with ``NAME = ...`` in its Settings cell replaced by ``NAME = value``."""
    pattern = re.compile(rf"^{re.escape(name)} = [^#\n]*", re.MULTILINE)
    settings = [cell for cell in notebook.cells if cell.cell_type == "code" and pattern.search(cell.source)]
    assert len(settings) == 1, f"{name} is set in {len(settings)} code cells, expected exactly one (the Settings cell)"
    settings[0].source = pattern.sub(f"{name} = {value}  ", settings[0].source, count=1)
    return notebook


def claim_lines(path: Path, monkeypatch: pytest.MonkeyPatch, **settings: str) -> list[str]:
    """Execute ``path`` with the given settings, outside the strict test mode; return its ✅/❌ lines."""
    notebook = nbformat.read(path, as_version=4)
    for name, value in settings.items():
        notebook = with_setting(notebook, name, value)
    monkeypatch.delenv(STRICT_ENV, raising=False)  # the kernel inherits this process's environment
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    text = "".join(output.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                   for output in cell.get("outputs", []) if output.get("output_type") == "stream")
    return [line for line in text.splitlines() if line.startswith(("✅", "❌"))]


def exercise_text(path: Path) -> str:
    cells = nbformat.read(path, as_version=4).cells
    return next(c.source for c in cells if c.cell_type == "markdown" and c.source.startswith("## Exercises"))


def test_with_setting_replaces_one_settings_line_and_refuses_an_unknown_name():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("DEGREES = 30  # angle\nEPOCHS = 40")])
    assert with_setting(notebook, "DEGREES", "0").cells[0].source == "DEGREES = 0  # angle\nEPOCHS = 40"
    with pytest.raises(AssertionError, match="NOPE is set in 0 code cells"):
        with_setting(notebook, "NOPE", "1")


def test_the_exercises_name_the_settings_and_claims_tested_here():
    exercises_04 = exercise_text(NOTEBOOKS / "04_augmentation_vs_more_data.ipynb")
    exercises_03 = exercise_text(NOTEBOOKS / "03_standardization_math.ipynb")
    assert "`DEGREES = 0`" in exercises_04 and "robustness claim of section 4 should turn ❌" in exercises_04
    assert "`LEARNING_RATES = [0.05]`" in exercises_03 and "two claims of section 5 turn ❌" in exercises_03


@pytest.mark.slow
def test_04_without_rotation_runs_through_and_only_the_robustness_claim_flips(monkeypatch):
    lines = claim_lines(NOTEBOOKS / "04_augmentation_vs_more_data.ipynb", monkeypatch, DEGREES="0")
    failed = [line for line in lines if line.startswith("❌")]
    assert len(lines) == 6, "\n".join(lines)  # every claim of the notebook was reached: "Run all" went on
    assert len(failed) == 1 and "robust to digits turned" in failed[0], "\n".join(lines)


@pytest.mark.slow
def test_03_with_one_shared_learning_rate_runs_through_and_only_the_grid_and_slowest_claims_flip(monkeypatch):
    lines = claim_lines(NOTEBOOKS / "03_standardization_math.ipynb", monkeypatch, LEARNING_RATES="[0.05]")
    failed = [line for line in lines if line.startswith("❌")]
    assert len(lines) == 7, "\n".join(lines)
    assert len(failed) == 2, "\n".join(lines)  # one rate brackets nothing; at one rate 0…1 looks slowest
    assert "strictly inside the grid" in failed[0], "\n".join(lines)
    assert "Normalize(0.5, 0.5), mean far below 0, is the slowest" in failed[1], "\n".join(lines)


def test_fused_test_pipeline_is_torchvisions_resize_then_centre_crop_to_one_grey_level(mnist):
    """Notebook 04 evaluates its augmented models on ``FusedAugment.apply(angle=0)``; this is the
    lecture's test pipeline ``Resize(32) → CenterCrop(28)`` (checked here, no longer in the notebook)."""
    images = mnist[0][:500]
    torchvision_test = apply_each(lecture_transform("test", mean=(0.0,), std=(1.0,)), images)
    fused = FusedAugment(degrees=30).apply(images.unsqueeze(1).float() / 255, angle=0.0)
    assert (torchvision_test - fused).abs().max() <= 1.01 / 255
    assert (torchvision_test - images.unsqueeze(1).float() / 255).abs().max() > 0.5  # the zoom is real
