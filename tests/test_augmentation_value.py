"""'Augmentation is worth N examples': interpolation on the plain curve, one-sided bounds beyond it, table, plots."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers.curves import HOW, LearningCurve, Worth
from helpers.plotting import plot_accuracy_vs_angle, plot_augmentation_curves, plot_worth_examples  # noqa: E402
from helpers.worth import augmentation_worth, equivalent_size, worth_table

SIZES = np.array([100, 1000, 10000])


def curve(mean_acc, repeats: int = 2, model: str = "cnn") -> LearningCurve:
    """A hand-made curve whose repeats average to ``mean_acc`` (spread ± 0.01)."""
    mean_acc = np.asarray(mean_acc, dtype=float)
    val = mean_acc[:, None] + np.linspace(-0.01, 0.01, repeats)[None]
    return LearningCurve(model, SIZES[:len(mean_acc)], np.ones_like(val), val, np.zeros_like(val), 10)


def test_interpolates_on_a_log_scale_and_hits_measured_points():
    plain = curve([0.70, 0.80, 0.90])
    assert equivalent_size(plain, 0.80) == (pytest.approx(1000), "interpolated")
    assert equivalent_size(plain, 0.75)[0] == pytest.approx(np.sqrt(100 * 1000)), "halfway on log n"
    assert equivalent_size(plain, 0.85)[0] == pytest.approx(np.sqrt(1000 * 10000))


def test_a_noisy_dip_does_not_give_two_answers():
    dip = curve([0.70, 0.90, 0.85])  # the running maximum is used: 0.70, 0.90, 0.90
    size, how = equivalent_size(dip, 0.88)
    assert how == "interpolated" and 100 < size < 1000


def test_outside_the_measured_range_only_a_bound_never_a_number():
    plain = curve([0.70, 0.80, 0.90])
    assert HOW == ("interpolated", "fewer than", "more than")
    assert equivalent_size(plain, 0.95) == (10000.0, "more than"), "above the largest size: more than it"
    assert equivalent_size(plain, 0.999) == (10000.0, "more than"), "however far above: the same bound"
    assert equivalent_size(plain, 0.60) == (100.0, "fewer than"), "below the smallest size: fewer than it"
    assert equivalent_size(plain, 0.90) == (pytest.approx(10000), "interpolated"), "the largest mean itself is measured"
    with pytest.raises(TypeError):
        equivalent_size(plain, 0.95, None)  # no power-law argument any more


def test_worth_rows_per_augmented_size_and_their_factor():
    rows = augmentation_worth(curve([0.80, 0.90, 0.95]), curve([0.70, 0.80, 0.90]))
    assert [r.size for r in rows] == [100, 1000, 10000]
    assert [r.how for r in rows] == ["interpolated", "interpolated", "more than"]
    assert rows[0].factor == pytest.approx(10) and rows[1].factor == pytest.approx(10)
    assert rows[2].equivalent == 10000 and rows[2].factor_text() == "> 1.0×"
    table = worth_table(rows + [Worth(2000, 0.5, 100.0, "fewer than")])
    assert "1,000" in table and "10.0×" in table and table.count("\n") == 4
    assert "more than 10,000" in table and "> 1.0×" in table and "fewer than 100" in table and "< 0.1×" in table
    with pytest.raises(ValueError, match="how='extrapolated' is unknown"):
        Worth(100, 0.9, 300.0, "extrapolated")


def test_plots_draw_one_panel_per_model_and_one_line_per_setting():
    plain, aug = curve([0.70, 0.80, 0.90]), curve([0.80, 0.90, 0.95])
    fig = plot_augmentation_curves({"cnn": (plain, aug), "softmax": (plain, plain)})
    assert len(fig.axes) == 2 and len(fig.axes[0].get_lines()) == 2
    rows = augmentation_worth(aug, plain)
    fig = plot_worth_examples(rows)
    assert [t.get_text() for t in fig.axes[0].texts] == ["10.0×", "10.0×", "> 1.0×"]
    fig = plot_accuracy_vs_angle([-30, 0, 30], {"a": np.full((3, 2), 0.8), "b": np.full((3, 2), 0.9)}, 30)
    assert len(fig.axes[0].get_lines()) == 2
    matplotlib.pyplot.close("all")


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: equivalent_size("curve", 0.5), TypeError, "curve must be a LearningCurve"),
    (lambda: equivalent_size(curve([0.7, 0.8]), 1.5), ValueError, "accuracy=1.5 must lie in \\[0, 1\\]"),
    (lambda: equivalent_size(curve([0.7]), 0.7), ValueError, "curve has 1 size; interpolating needs at least 2"),
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
