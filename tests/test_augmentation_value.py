"""'Augmentation is worth N examples': interpolation on the plain curve, power-law extrapolation, table, plots."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers.augmentation_value import Worth, augmentation_worth, equivalent_size, worth_table  # noqa: E402
from helpers.curves import LearningCurve  # noqa: E402
from helpers.extrapolation import PowerLawFit, power_law  # noqa: E402
from helpers.plotting import plot_accuracy_vs_angle, plot_augmentation_curves, plot_worth_examples  # noqa: E402

SIZES = np.array([100, 1000, 10000])


def curve(mean_acc, repeats: int = 2, model: str = "cnn") -> LearningCurve:
    """A hand-made curve whose repeats average to ``mean_acc`` (spread ± 0.01)."""
    mean_acc = np.asarray(mean_acc, dtype=float)
    val = mean_acc[:, None] + np.linspace(-0.01, 0.01, repeats)[None]
    return LearningCurve(model, SIZES[:len(mean_acc)], np.ones_like(val), val, np.zeros_like(val), 10)


FIT = PowerLawFit(a=1.0, b=0.5, c=0.02, sizes=SIZES, samples=np.ones((10, 3)), level=0.9)


def test_interpolates_on_a_log_scale_and_hits_measured_points():
    plain = curve([0.70, 0.80, 0.90])
    assert equivalent_size(plain, 0.80) == (pytest.approx(1000), "interpolated")
    assert equivalent_size(plain, 0.75)[0] == pytest.approx(np.sqrt(100 * 1000)), "halfway on log n"
    assert equivalent_size(plain, 0.85)[0] == pytest.approx(np.sqrt(1000 * 10000))


def test_a_noisy_dip_does_not_give_two_answers():
    dip = curve([0.70, 0.90, 0.85])  # the running maximum is used: 0.70, 0.90, 0.90
    size, how = equivalent_size(dip, 0.88)
    assert how == "interpolated" and 100 < size < 1000


def test_outside_the_measured_range_the_power_law_extrapolates_or_says_never():
    plain = curve([0.70, 0.80, 0.90])
    size, how = equivalent_size(plain, 0.95, FIT)
    assert how == "extrapolated" and 1 - power_law(size, FIT.a, FIT.b, FIT.c) == pytest.approx(0.95)
    assert size == pytest.approx((1.0 / (0.05 - 0.02)) ** 2), "n = (a / (error − c))^(1/b)"
    assert equivalent_size(plain, 0.99, FIT) == (float("inf"), "beyond the limit"), "above 1 − c = 98%"
    below, how = equivalent_size(plain, 0.60, FIT)
    assert how == "extrapolated" and below < SIZES[0]
    size, how = equivalent_size(plain, 0.95)
    assert np.isnan(size) and how == "outside the measured sizes"


def test_worth_rows_per_augmented_size_and_their_factor():
    rows = augmentation_worth(curve([0.80, 0.90]), curve([0.70, 0.80, 0.90]), FIT)
    assert [r.size for r in rows] == [100, 1000]
    assert [r.how for r in rows] == ["interpolated", "interpolated"]
    assert rows[0].factor == pytest.approx(10) and rows[1].factor == pytest.approx(10)
    table = worth_table(rows + [Worth(2000, 0.99, float("inf"), "beyond the limit")])
    assert "1,000" in table and "10.0×" in table and "never" in table and table.count("\n") == 3


def test_plots_draw_one_panel_per_model_and_one_line_per_setting():
    plain, aug = curve([0.70, 0.80, 0.90]), curve([0.80, 0.90, 0.95])
    fig = plot_augmentation_curves({"cnn": (plain, aug), "softmax": (plain, plain)})
    assert len(fig.axes) == 2 and len(fig.axes[0].get_lines()) == 2
    rows = augmentation_worth(aug, plain, FIT)
    fig = plot_worth_examples(rows)
    assert [t.get_text() for t in fig.axes[0].texts] == [f"×{r.factor:.1f}" for r in rows]
    fig = plot_accuracy_vs_angle([-30, 0, 30], {"a": np.full((3, 2), 0.8), "b": np.full((3, 2), 0.9)}, 30)
    assert len(fig.axes[0].get_lines()) == 2
    matplotlib.pyplot.close("all")


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: equivalent_size("curve", 0.5), TypeError, "curve must be a LearningCurve"),
    (lambda: equivalent_size(curve([0.7, 0.8]), 1.5), ValueError, "accuracy=1.5 must lie in \\[0, 1\\]"),
    (lambda: equivalent_size(curve([0.7]), 0.7), ValueError, "curve has 1 size; interpolating needs at least 2"),
    (lambda: equivalent_size(curve([0.7, 0.8]), 0.9, fit="power"), TypeError, "fit must be None or a PowerLawFit"),
    (lambda: augmentation_worth([0.9], curve([0.7, 0.8])), TypeError, "augmented must be a LearningCurve"),
    (lambda: worth_table([]), ValueError, "rows is empty"),
    (lambda: worth_table([0.5]), TypeError, "rows must be a list of Worth"),
    (lambda: plot_augmentation_curves({}), ValueError, "pairs must map each model name"),
    (lambda: plot_worth_examples([]), ValueError, "rows is empty"),
    (lambda: plot_accuracy_vs_angle([0, 30], {"a": np.ones((3, 2))}), ValueError,
     "accuracies must map names to arrays of shape"),
])
def test_bad_input_names_the_parameter(call, error, message):
    with pytest.raises(error, match=message):
        call()
