"""Every lecture notebook finishes at a seed it was never tuned on, and every claim holds there.

A claim that holds only at the committed ``SEED = 0`` is a claim about one draw, not about
data and models: each test changes ``SEED`` in the setup cell, runs the whole notebook outside
the strict mode (as in a live lecture, a false claim prints ❌ and "Run all" goes on; the runs are
the ``notebook_run`` fixture's, tests/conftest.py: each once, several at a time) and
asserts that it reached the end with no ❌ line. A deep dive that took over claims of a lecture
notebook (``MOVED_FROM_A_LECTURE``) keeps that guarantee. ``benchmarks/bench_calibration.py`` measures
the pass rate of each claim over 20 seeds; this is the cheap guard in the suite.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_exercises_03_04 import claim_lines, committed_claim_count

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
OTHER_SEED = "101"  # not 0, the committed seed, nor one any claim was tuned on
LECTURES = sorted(path.name for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
MOVED_FROM_A_LECTURE = ["deep_dives/01a_extrapolating_learning_curves.ipynb"]  # deep dives whose claims were 01's


@pytest.mark.slow
@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.notebook_run(name, SEED=OTHER_SEED))
                                  for name in LECTURES + MOVED_FROM_A_LECTURE])
def test_every_claim_holds_at_a_seed_the_notebook_was_not_tuned_on(name, notebook_run):
    lines = claim_lines(notebook_run())
    failed = [line for line in lines if line.startswith("❌")]
    assert len(lines) == committed_claim_count(name), "the run did not reach every claim:\n" + "\n".join(lines)
    assert not failed, f"at SEED = {OTHER_SEED}:\n" + "\n".join(failed)


BAD_SETTINGS = [
    ("03_standardization_math.ipynb", "SEED", "-1", "SEED = -1 is outside its range"),
    ("04_augmentation_vs_more_data.ipynb", "SMALLEST", "9", "SMALLEST = 9 is outside its range; allowed: an integer "
                                                            "from 1 to 3"),
    ("01_learning_curves.ipynb", "PLAIN_SIZE", "300", "PLAIN_SIZE = 300 must be one of SIZES"),
    ("00_start_here.ipynb", "DIGITS_PER_CLASS", "0", "DIGITS_PER_CLASS = 0 is outside its range; allowed: an integer "
                                                     "from 1 to 20"),
    ("02_augmentation_preview.ipynb", "DEGREES", "200", "DEGREES = 200 is outside its range; allowed: an integer "
                                                        "from 0 to 180"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "setting", "value", "message"), [
    pytest.param(*case, marks=pytest.mark.notebook_run(case[0], **{case[1]: case[2]})) for case in BAD_SETTINGS])
def test_a_bad_setting_stops_the_run_at_the_settings_cell_naming_it(name, setting, value, message, notebook_run):
    from nbclient.exceptions import CellExecutionError

    with pytest.raises(CellExecutionError, match="ValueError") as error:
        notebook_run()
    assert message in str(error.value)
