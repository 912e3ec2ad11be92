"""The intervals of the course cover the truth at their nominal level: checked on simulated learning curves
whose truth is known (a power law, with binomial noise on a shared validation set), and the coverage
arithmetic of ``benchmarks/bench_calibration.py``.

Each simulated draw measures a curve as a notebook does — a few repeats per size, every model scored
on the same validation examples — and computes an interval; over 200 draws a 90 % interval must
contain the true value about 90 % of the time (0.85–0.95 here, for 200 draws ± 2 standard errors).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from helpers.curves import LearningCurve, accuracy_difference, gain_interval, mean_band, power_law
from helpers.extrapolation import extrapolation_bracket
from helpers.worth import pooled_worth, worth_intervals

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from bench_calibration import Interval, SeedResult, coverage_rows, decide, pass_rows  # noqa: E402

SIZES = np.array([100, 250, 500, 1000, 2000, 3500])
TRUTH = (1.2, 0.45, 0.075)  # error = a·n^(−b) + c: about 76 % at 100, 90 % at 3,500, 92 % at 60,000
DRAWS, N_VAL, REPEATS = 200, 500, 3


SPREAD = 2.0  # std of the examples' difficulty on the logit scale: hard digits are hard for every model


POPULATION = np.random.default_rng(12345).normal(0, SPREAD, 20_000)  # the difficulties of all digits there are
SHIFTS = np.linspace(-6, 12, 2001)
ACCURACIES = np.array([np.mean(1 / (1 + np.exp(-(shift + POPULATION)))) for shift in SHIFTS])  # rising in shift


def _shift_for(accuracy: float) -> float:
    """The model logit whose population accuracy is ``accuracy``."""
    return float(np.interp(accuracy, ACCURACIES, SHIFTS))


def true_accuracy(n: np.ndarray | float) -> np.ndarray:
    """The population accuracy a model trained on ``n`` examples reaches: the known power law."""
    return 1 - power_law(n, *TRUTH)


def simulated_curve(rng: np.random.Generator, sizes: np.ndarray = SIZES, lift: float = 0.0) -> LearningCurve:
    """One measured curve on a fresh validation set of ``N_VAL`` examples, each with its own difficulty shared by
    every model: a model of size ``n`` gets it right with probability ``σ(shift(n) + difficulty)``, so that its
    accuracy over the whole population is ``true_accuracy(n) + lift``."""
    return simulated_curve_at(rng, sizes, true_accuracy(sizes) + lift)


def simulated_curve_at(rng: np.random.Generator, sizes: np.ndarray, accuracies: np.ndarray) -> LearningCurve:
    """A simulated curve whose models reach the given population ``accuracies`` at ``sizes``."""
    difficulty = rng.normal(0, SPREAD, N_VAL)
    shifts = np.array([_shift_for(float(a)) for a in np.clip(accuracies, 0, 0.999)])
    p = 1 / (1 + np.exp(-(shifts[:, None] + difficulty[None, :])))
    correct = rng.random((len(sizes), REPEATS, N_VAL)) < p[:, None, :]
    val = correct.mean(axis=2)
    return LearningCurve("sim", sizes, np.ones_like(val), val, np.zeros_like(val), 1, val_correct=correct)


def coverage(hits: list[bool]) -> float:
    return float(np.mean(hits))


def test_the_band_of_the_mean_curve_covers_the_true_accuracy_at_its_level():
    rng = np.random.default_rng(1)
    hits = []
    for k in range(DRAWS):
        low, high = mean_band(simulated_curve(rng), n_boot=100, seed=k)["validation"]
        hits.append((low[-1] <= true_accuracy(SIZES[-1])) & (true_accuracy(SIZES[-1]) <= high[-1]))
    assert 0.85 <= coverage(hits) <= 0.95, coverage(hits)


def test_a_band_over_the_repeats_only_covers_far_less_the_first_version_s_mistake():
    rng = np.random.default_rng(2)
    hits = []
    for k in range(DRAWS // 2):
        curve = simulated_curve(rng)
        repeats_only = LearningCurve(**{**curve.__dict__, "val_correct": None})
        low, high = mean_band(repeats_only, n_boot=100, seed=k)["validation"]
        hits.append(low[-1] <= true_accuracy(SIZES[-1]) <= high[-1])
    assert coverage(hits) < 0.75, coverage(hits)


def test_the_paired_difference_covers_the_true_gain_at_its_level():
    rng = np.random.default_rng(3)
    hits = []
    for k in range(DRAWS):
        plain, lifted = simulated_curve(rng, SIZES[:2]), simulated_curve(rng, SIZES[:2], lift=0.03)
        d = accuracy_difference(lifted, plain, at=[0, 1], n_boot=100, seed=k)
        hits.append(d.low <= 0.03 <= d.high)
    assert 0.85 <= coverage(hits) <= 0.97, coverage(hits)


def test_the_worth_interval_covers_the_true_equivalent_size_or_says_more_than():
    rng = np.random.default_rng(4)
    target = 1000  # augmented 250 digits as good as 1,000 plain ones: worth 4×
    hits = []
    for k in range(DRAWS // 2):
        plain = simulated_curve(rng)
        augmented = simulated_curve(rng, np.array([250]), lift=float(true_accuracy(target) - true_accuracy(250)))
        row = worth_intervals(augmented, plain, n_boot=100, seed=k)[0]
        high = np.inf if row.high_how == "more than" else row.high
        low = -np.inf if row.low_how == "fewer than" else row.low
        hits.append(low <= target <= high)
    assert coverage(hits) >= 0.85, coverage(hits)


def test_the_pooled_worth_lower_end_stays_below_the_true_factor_at_its_level():
    rng = np.random.default_rng(6)
    sizes = np.array([250, 500])
    hits = []
    for k in range(DRAWS // 2):  # augmented n digits as good as 3n plain ones: a true factor of 3 at both sizes
        plain = simulated_curve(rng)
        lifted = np.clip(true_accuracy(3 * sizes), 0, 1)
        augmented = simulated_curve_at(rng, sizes, lifted)
        _, low = pooled_worth(augmented, plain, at=[0, 1], n_boot=100, seed=k)
        hits.append(low <= 3.0)
    assert coverage(hits) >= 0.85, coverage(hits)


TRUE_GAIN = float((true_accuracy(SIZES[-1]) - true_accuracy(SIZES[-2])) * 100 / np.log2(SIZES[-1] / SIZES[-2]))


def test_the_gain_interval_covers_the_true_gain_per_doubling_at_least_at_its_level():
    """The homework's task 3: about 1.1 pp per doubling from 2,000 to 3,500, with 3 repeats and 500 digits.

    Conservative here: the simulated models err independently given an example, so the spread of the repeats
    already holds the noise that resampling the validation digits adds once more (real models share their
    errors far more; ``benchmarks/bench_calibration.py --only homework`` measures the homework's coverage).
    """
    rng = np.random.default_rng(7)
    hits = []
    for k in range(DRAWS):
        low, high = gain_interval(simulated_curve(rng), n_boot=200, seed=k)
        hits.append(low <= TRUE_GAIN <= high)
    assert coverage(hits) >= 0.85, coverage(hits)


@pytest.mark.parametrize("threshold", [-2.5, 4.5], ids=["truth above", "truth below"])
def test_a_decision_from_the_gain_interval_is_right_or_cannot_tell_yet(threshold):
    """The three-way decision the homework asks for: wrong (the other side of the threshold) in at most 5 %."""
    rng = np.random.default_rng(8)
    right = "more data helps" if TRUE_GAIN >= threshold else "does not help"
    said = [decide(*gain_interval(simulated_curve(rng), n_boot=200, seed=k), threshold, "more data helps")
            for k in range(DRAWS // 2)]
    assert np.mean([d in (right, "cannot tell yet") for d in said]) >= 0.95
    assert right in said, "the data can tell, sometimes: the interval is not uselessly wide"


def test_the_gain_interval_checks_its_arguments():
    curve = simulated_curve(np.random.default_rng(9))
    with pytest.raises(TypeError, match="curve must be a LearningCurve"):
        gain_interval([0.8, 0.9])
    with pytest.raises(TypeError, match="n_boot must be an integer ≥ 10, got float"):
        gain_interval(curve, n_boot=200.0)
    with pytest.raises(ValueError, match=r"level=1.5 must lie in \(0, 1\)"):
        gain_interval(curve, level=1.5)
    with pytest.raises(TypeError, match="seed must be a non-negative integer, got str"):
        gain_interval(curve, seed="0")
    with pytest.raises(ValueError, match="curve has 1 repeat per size; an interval needs at least 2"):
        gain_interval(LearningCurve("x", SIZES[:2], np.ones((2, 1)), np.full((2, 1), 0.8), np.zeros((2, 1)), 1))


def test_the_extrapolation_bracket_covers_the_power_law_17_times_beyond_the_data():
    rng = np.random.default_rng(5)
    truth = float(true_accuracy(60_000))
    hits = [b.low <= truth <= b.high for b in
            (extrapolation_bracket(simulated_curve(rng), 60_000, n_boot=100, seed=k) for k in range(DRAWS // 2))]
    assert coverage(hits) >= 0.9, coverage(hits)


def test_the_benchmark_counts_coverage_and_pass_rates():
    results = [SeedResult(seed, [Interval("band", 0.9, seed - 0.5, seed + 0.5)], {"claim": seed % 4 != 0})
               for seed in range(8)]
    (name, level, rate, reference), = coverage_rows(results, {"band": 2.0})
    assert (name, level, rate, reference) == ("band", 0.9, 1 / 8, "2")
    assert pass_rows(results) == [("claim", pytest.approx(6 / 8))]
    assert Interval("open", 0.9, 1000.0, np.inf).covers(5000.0) and not Interval("x", 0.9, 1, 2).covers(3)
