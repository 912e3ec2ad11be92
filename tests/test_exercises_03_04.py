"""The exercises of notebooks 03 and 04 run as written: with the setting an exercise suggests, the
notebook finishes ("Run all" is not stopped), and ❌ appears only on the claims the exercise says flip.

Each test edits one line of the notebook's Settings cell, executes the whole notebook with
``tools.notebooks.run_notebook`` without strict claims (as in a live lecture: a false claim prints ❌
instead of raising), and reads the ✅/❌ lines the claims printed.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from helpers.transforms import FusedAugment, apply_each, lecture_transform
from tools.notebooks import kernel_env, run_notebook, stream_lines, with_settings

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def claim_lines(path: Path, **settings: str) -> list[str]:
    """Execute ``path`` with the given settings, outside the strict test mode; return its ✅/❌ lines.

    A cell that raises stops the run with nbclient's ``CellExecutionError`` (no notebook here may fail)."""
    notebook = with_settings(nbformat.read(path, as_version=4), **settings)
    status = run_notebook(notebook, path.parent, timeout=600, max_output=None, env=kernel_env(strict_claims=False),
                          allow_errors=False)
    assert status == "ran", f"{path.name}: a cell {status}"
    return [line for line in stream_lines(notebook) if line.startswith(("✅", "❌"))]


def exercise_text(path: Path) -> str:
    cells = nbformat.read(path, as_version=4).cells
    return next(c.source for c in cells if c.cell_type == "markdown" and c.source.startswith("## Exercises"))


def test_the_exercises_name_the_settings_and_claims_tested_here():
    exercises_04 = exercise_text(NOTEBOOKS / "04_augmentation_vs_more_data.ipynb")
    exercises_03 = exercise_text(NOTEBOOKS / "03_standardization_math.ipynb")
    assert "`DEGREES = 0`" in exercises_04 and "robustness claim of section 4 should turn ❌" in exercises_04
    assert "`LEARNING_RATES = [0.05]`" in exercises_03 and "second claim of section 5 turns ❌" in exercises_03


@pytest.mark.slow
def test_04_without_rotation_runs_through_and_only_the_robustness_claim_flips():
    lines = claim_lines(NOTEBOOKS / "04_augmentation_vs_more_data.ipynb", DEGREES="0")
    failed = [line for line in lines if line.startswith("❌")]
    assert len(lines) == 6, "\n".join(lines)  # every claim of the notebook was reached: "Run all" went on
    assert len(failed) == 1 and "robust to digits turned" in failed[0], "\n".join(lines)


@pytest.mark.slow
def test_03_with_one_shared_learning_rate_runs_through_and_only_the_slowest_claim_flips():
    lines = claim_lines(NOTEBOOKS / "03_standardization_math.ipynb", LEARNING_RATES="[0.05]")
    failed = [line for line in lines if line.startswith("❌")]
    assert len(lines) == 6, "\n".join(lines)
    assert len(failed) == 1 and "Normalize(0.5, 0.5), mean far below 0, is the slowest" in failed[0], "\n".join(lines)


def test_fused_test_pipeline_is_torchvisions_resize_then_centre_crop_to_one_grey_level(mnist):
    """Notebook 04 evaluates its augmented models on ``FusedAugment.apply(angle=0)``; this is the
    lecture's test pipeline ``Resize(32) → CenterCrop(28)`` (checked here, no longer in the notebook)."""
    images = mnist[0][:500]
    torchvision_test = apply_each(lecture_transform("test", mean=(0.0,), std=(1.0,)), images)
    fused = FusedAugment(degrees=30).apply(images.unsqueeze(1).float() / 255, angle=0.0)
    assert (torchvision_test - fused).abs().max() <= 1.01 / 255
    assert (torchvision_test - images.unsqueeze(1).float() / 255).abs().max() > 0.5  # the zoom is real
