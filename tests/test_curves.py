"""helpers.curves: the record, the one worth-N rule for outside the measured sizes, gain per doubling."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.curves import LearningCurve, gain_per_doubling
from helpers.worth import equivalent_size, equivalent_sizes

SIZES = np.array([125, 250, 500, 1000, 2000])


def make_curve(val, sizes=SIZES, train=None) -> LearningCurve:
    val = np.asarray(val, dtype=float)
    val = val[:, None] if val.ndim == 1 else val
    train = np.ones_like(val) if train is None else np.asarray(train, dtype=float)
    return LearningCurve("mlp", np.asarray(sizes), train, val, np.zeros_like(val), epochs=30)


def test_gain_per_doubling_divides_by_the_number_of_doublings():
    curve = make_curve([[0.70, 0.72], [0.78, 0.80], [0.84, 0.86], [0.86, 0.88], [0.89, 0.89]])
    assert gain_per_doubling(curve) == pytest.approx(2.0)  # 87 % → 89 %, one doubling
    four_times = make_curve([0.80, 0.85], sizes=[500, 2000])
    assert gain_per_doubling(four_times) == pytest.approx(2.5), "5 pp over two doublings"
    falling_train = make_curve([0.80, 0.85], sizes=[500, 1000], train=[[1.0], [0.99]])
    assert gain_per_doubling(falling_train, "train") == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="accuracy='test' is unknown; allowed values: val, train"):
        gain_per_doubling(curve, "test")


def test_one_rule_inside_and_outside_the_measured_sizes():
    curve = make_curve([0.70, 0.80, 0.85, 0.88, 0.90])
    inside = equivalent_sizes(curve, [0.70, 0.75, 0.90])
    np.testing.assert_allclose(inside, [125, np.sqrt(125 * 250), 2000])
    np.testing.assert_allclose(equivalent_sizes(curve, [0.95, 0.60]), [2000, 125])  # the bounds: measured sizes
    assert equivalent_size(curve, 0.95) == (2000.0, "more than")
    assert equivalent_size(curve, 0.60) == (125.0, "fewer than")
    with pytest.raises(ValueError, match="accuracies must be a 1-D sequence"):
        equivalent_sizes(curve, [[0.8]])


def test_the_record_needs_no_engine_and_refuses_to_re_evaluate_without_models():
    curve = make_curve([0.7, 0.8])
    assert curve.repeats == 1 and curve.models is None
    with pytest.raises(ValueError, match="keep_models=True"):
        curve.evaluated_on(None, None)


def test_three_sizes_fit_three_parameters_without_a_warning():
    """A power law through exactly three sizes has no covariance; the fits do not use it, so no
    OptimizeWarning (with a local path in it) may reach a notebook's output."""
    import warnings

    from helpers.extrapolation import fit_power_law
    from helpers.worth import worth_intervals

    correct = np.zeros((3, 2, 200), dtype=bool)
    for i, k in enumerate([160, 176, 186]):
        correct[i, 0, :k] = correct[i, 1, :k - 4] = True
    plain = LearningCurve("cnn", np.array([250, 500, 1000]), np.ones((3, 2)), correct.mean(2), np.zeros((3, 2)),
                          32, val_correct=correct)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fit_power_law(plain, n_boot=20)
        rows = worth_intervals(plain, plain, n_boot=20)
    assert 0 < fit.predict(np.array([2000.0]))[0] < 1 - 0.93 and [round(r.factor, 6) for r in rows] == [1.0, 1.0, 1.0]
