"""The exercises of notebooks 03 and 04 run as written: with the setting an exercise suggests, the
notebook finishes ("Run all" is not stopped), and ❌ appears only on the claims the exercise says flip.

Each test edits one line of the notebook's Settings cell, executes the whole notebook with
``tools.notebooks.run_notebook`` without strict claims (as in a live lecture: a false claim prints ❌
instead of raising), and reads the ✅/❌ lines the claims printed. The runs are the
``notebook_run`` fixture's (tests/conftest.py): each once, several at a time.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from helpers.transforms import FusedAugment, apply_each, lecture_transform
from tools.notebooks import stream_lines

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def claim_lines(lines: list[str]) -> list[str]:
    """The ✅/❌ lines among the lines a run printed."""
    return [line for line in lines if line.startswith(("✅", "❌"))]


def committed_claim_count(name: str) -> int:
    """How many ✅/❌ lines the committed notebook shows: the count a run that reaches the end prints too."""
    return len(claim_lines(stream_lines(nbformat.read(NOTEBOOKS / name, as_version=4))))


def exercise_text(path: Path) -> str:
    cells = nbformat.read(path, as_version=4).cells
    return next(c.source for c in cells if c.cell_type == "markdown" and c.source.startswith("## Exercises"))


def test_the_exercises_name_the_settings_and_claims_tested_here():
    exercises_04 = exercise_text(NOTEBOOKS / "04_augmentation_vs_more_data.ipynb")
    exercises_03 = exercise_text(NOTEBOOKS / "03_standardization_math.ipynb")
    assert "`DEGREES = 0`" in exercises_04 and "robustness claim of section 4 should turn ❌" in exercises_04
    assert "`LEARNING_RATES = [0.05]`" in exercises_03 and "two claims of section 5 turn ❌" in exercises_03


@pytest.mark.slow
@pytest.mark.notebook_run("04_augmentation_vs_more_data.ipynb", DEGREES="0")
def test_04_without_rotation_runs_through_and_only_the_robustness_claim_flips(notebook_run):
    lines = claim_lines(notebook_run())
    failed = [line for line in lines if line.startswith("❌")]
    # every claim of the notebook was reached: "Run all" went on
    assert len(lines) == committed_claim_count("04_augmentation_vs_more_data.ipynb"), "\n".join(lines)
    assert len(failed) == 1 and "robust to digits turned" in failed[0], "\n".join(lines)


@pytest.mark.slow
@pytest.mark.notebook_run("03_standardization_math.ipynb", LEARNING_RATES="[0.05]")
def test_03_with_one_shared_learning_rate_runs_through_and_only_the_grid_and_slowest_claims_flip(notebook_run):
    lines = claim_lines(notebook_run())
    failed = [line for line in lines if line.startswith("❌")]
    assert len(lines) == committed_claim_count("03_standardization_math.ipynb"), "\n".join(lines)
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
