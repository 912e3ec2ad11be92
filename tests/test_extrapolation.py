"""The power-law helper and the learning-curve figures, on curves with a known answer."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers.curves import LearningCurve, power_law
from helpers.extrapolation import fit_power_law
from helpers.plotting import plot_learning_curves, plot_power_law  # noqa: E402

SIZES = np.array([100, 250, 500, 1000, 2000, 3500])
TRUE = {"a": 2.0, "b": 0.5, "c": 0.05}


def synthetic_curve(noise: float = 0.003, repeats: int = 5, seed: int = 0, model: str = "toy") -> LearningCurve:
    """Validation error exactly on a known power law, plus Gaussian noise per repeat."""
    rng = np.random.default_rng(seed)
    error = power_law(SIZES, **TRUE)[:, None] + rng.normal(0, noise, (len(SIZES), repeats))
    train = np.clip(1 - error / 3, 0, 1)
    fit_time = SIZES[:, None] / 1000 * np.ones((1, repeats))
    return LearningCurve(model, SIZES.copy(), train, 1 - error, fit_time, epochs=1)


def test_power_law_formula():
    assert power_law(100, 1.0, 0.5, 0.05) == pytest.approx(0.15)
    assert power_law(np.array([1, 4]), 2.0, 0.5, 0.0).tolist() == [2.0, 1.0]


def test_fit_recovers_a_known_power_law():
    fit = fit_power_law(synthetic_curve(noise=0.0005))
    assert fit.b == pytest.approx(TRUE["b"], abs=0.05) and fit.c == pytest.approx(TRUE["c"], abs=0.005)
    assert fit.predict([60_000])[0] == pytest.approx(power_law(60_000, **TRUE), abs=0.005)


def test_backtest_uses_only_small_sizes_and_its_band_covers_the_truth():
    fit = fit_power_law(synthetic_curve(), max_size=2000, n_boot=100)
    assert fit.sizes.tolist() == [100, 250, 500, 1000, 2000]
    lower, upper = fit.band([3500])
    assert lower[0] <= fit.predict([3500])[0] <= upper[0]
    assert lower[0] <= power_law(3500, **TRUE) <= upper[0]


def test_band_widens_with_distance_and_with_noise():
    fit = fit_power_law(synthetic_curve(), n_boot=100)
    lower, upper = fit.band([3500, 10_000, 60_000])
    assert np.all(np.diff(upper - lower) > 0), "further out, the band is wider"
    noisy = fit_power_law(synthetic_curve(noise=0.02), n_boot=100)
    assert np.subtract(*noisy.band([60_000])[::-1])[0] > (upper - lower)[-1], "noisier repeats, wider band"


def test_reproducible_for_a_seed():
    curve = synthetic_curve()
    first, second = (fit_power_law(curve, n_boot=50, seed=3) for _ in range(2))
    assert np.array_equal(first.samples, second.samples)
    assert not np.array_equal(first.samples, fit_power_law(curve, n_boot=50, seed=4).samples)


def test_bad_input_names_the_parameter():
    curve = synthetic_curve()
    with pytest.raises(ValueError, match="max_size=250 leaves 2 sizes.*at least 3"):
        fit_power_law(curve, max_size=250)
    with pytest.raises(ValueError, match="n_boot=5 must be an integer ≥ 10"):
        fit_power_law(curve, n_boot=5)
    with pytest.raises(ValueError, match=r"level=1.0 must lie in \(0, 1\)"):
        fit_power_law(curve, level=1.0)
    with pytest.raises(TypeError, match="curve must be a LearningCurve"):
        fit_power_law({"sizes": SIZES})


def test_learning_curve_figure_has_accuracy_and_gap_per_curve():
    fig = plot_learning_curves([synthetic_curve(model="softmax"), synthetic_curve(seed=1, model="mlp")])
    accuracy, gap = fig.axes  # fit time is no lecture topic: no third panel
    assert [line.get_label() for line in accuracy.lines] == ["softmax · train", "softmax · validation",
                                                              "mlp · train", "mlp · validation"]
    curve = synthetic_curve(model="softmax")
    assert np.allclose(gap.lines[0].get_ydata(), (curve.train_acc - curve.val_acc).mean(1) * 100)
    assert all(ax.get_xscale() == "log" for ax in fig.axes)
    with pytest.raises(ValueError, match="curves is empty"):
        plot_learning_curves([])


def test_power_law_figure_marks_held_back_points_and_labels_predictions():
    curve = synthetic_curve()
    fit = fit_power_law(curve, max_size=2000, n_boot=50)
    fig = plot_power_law(curve, fit, predict_at=[3500])
    ax = fig.axes[0]
    labels = ax.get_legend_handles_labels()[1]
    assert "measured, held back" in labels and "measured, used for the fit (90% interval: repeats)" in labels
    assert f"power-law prediction (3.5k: {(1 - fit.predict([3500])[0]) * 100:.1f}%)" in labels  # legend
    with pytest.raises(ValueError, match="predict_at=\\[\\] must hold at least one positive"):
        plot_power_law(curve, fit, predict_at=[])
    other = LearningCurve("toy", SIZES[:3] * 7, curve.train_acc[:3], curve.val_acc[:3], curve.fit_time[:3], 1)
    with pytest.raises(ValueError, match="fit was made on sizes"):
        plot_power_law(other, fit, predict_at=[3500])
