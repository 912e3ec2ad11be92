"""Notebook 01, exercise 1: without momentum the MLP is under-trained at the smallest size (issue 12 point 1).

With ``MLP_MOMENTUM = 0.0`` the notebook must run through and flip exactly the claim that the MLP
fits its training data at every size — the confound the momentum removes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_exercises_03_04 import claim_lines, exercise_text

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01_learning_curves.ipynb"


def test_the_exercise_names_the_setting_tested_here():
    assert "`MLP_MOMENTUM = 0.0`" in exercise_text(NOTEBOOK).split("\n2.")[0]


@pytest.mark.slow
@pytest.mark.notebook_run(NOTEBOOK.name, MLP_MOMENTUM="0.0")
def test_01_without_momentum_flips_only_the_claim_that_the_mlp_fits_its_training_data(notebook_run):
    lines = claim_lines(notebook_run())
    failed = [line for line in lines if line.startswith("❌")]
    assert len(failed) == 1 and "the MLP fits its training data at every size" in failed[0], "\n".join(lines)
