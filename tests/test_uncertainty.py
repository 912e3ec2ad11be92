"""Uncertainty that includes the validation set's own noise (issue 12, points 2 and 10)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from helpers.curves import LearningCurve, accuracy_difference, bootstrap_val_acc, power_law
from helpers.extrapolation import fit_power_law
from helpers.worth import worth_intervals, worth_table

SIZES = np.array([100, 250, 500, 1000, 2000])
N_VAL = 500


def correct_for(accuracies: np.ndarray, n_val: int = N_VAL, seed: int = 0) -> np.ndarray:
    """``sizes × repeats × n_val`` correctness with exactly ``round(acc · n_val)`` right answers per model;
    a model with a higher accuracy gets a superset of the examples right (as on a real validation set,
    where the hard digits stay hard for every model)."""
    accuracies = np.asarray(accuracies, dtype=float)
    order = np.random.default_rng(seed).permutation(n_val)  # which examples are the easy ones
    correct = np.zeros((*accuracies.shape, n_val), dtype=bool)
    for index in np.ndindex(accuracies.shape):
        correct[index][order[:round(accuracies[index] * n_val)]] = True
    return correct


def curve_from(accuracies: np.ndarray, sizes: np.ndarray = SIZES, with_correct: bool = True) -> LearningCurve:
    correct = correct_for(accuracies)
    val = correct.mean(axis=2)
    return LearningCurve("toy", sizes, np.ones_like(val), val, np.zeros_like(val), epochs=1,
                         val_correct=correct if with_correct else None)


def identical_repeats() -> np.ndarray:
    """A power-law curve whose 3 repeats agree exactly: the repeats alone show no noise at all."""
    return np.repeat((1 - power_law(SIZES, 2.0, 0.5, 0.05))[:, None], 3, axis=1)


def test_the_band_includes_the_noise_of_the_validation_examples():
    curve = curve_from(identical_repeats())
    repeats_only = fit_power_law(curve, n_boot=100, validation_noise=False)
    both = fit_power_law(curve, n_boot=100)
    assert both.noise == "repeats and validation examples" and repeats_only.noise == "repeats"
    low, high = repeats_only.band([2000])
    assert high[0] - low[0] < 1e-3, "identical repeats: a bootstrap over repeats alone sees no noise"
    low, high = both.band([2000])
    accuracy = curve.val_acc[-1, 0]
    binomial_90 = 2 * 1.645 * np.sqrt(accuracy * (1 - accuracy) / N_VAL)  # width of a 90 % binomial interval
    assert 0.5 * binomial_90 < high[0] - low[0] < 2 * binomial_90


def test_one_draw_of_the_validation_examples_is_shared_by_all_models():
    curve = curve_from(np.full((3, 2), 0.8))  # every model gets the same 400 of 500 examples right
    draw = bootstrap_val_acc(curve, np.random.default_rng(1))
    assert np.unique(draw).size == 1 and draw[0, 0] != 0.8, "one draw moves every model by the same amount"
    weights = np.random.default_rng(2).multinomial(N_VAL, np.full(N_VAL, 1 / N_VAL))
    other = curve_from(np.full((1, 2), 0.8), sizes=SIZES[:1])
    a = bootstrap_val_acc(curve, np.random.default_rng(3), example_weights=weights)
    b = bootstrap_val_acc(other, np.random.default_rng(4), example_weights=weights)
    assert a[0, 0] == b[0, 0], "two curves scored on the same examples can share one draw"
    with pytest.raises(ValueError, match="example_weights must hold one count per validation example"):
        bootstrap_val_acc(curve, np.random.default_rng(0), example_weights=weights[:10])


def test_validation_noise_needs_per_example_correctness_and_checks_its_argument():
    without = curve_from(identical_repeats(), with_correct=False)
    assert fit_power_law(without, n_boot=20).noise == "repeats", "default: what the curve records"
    with pytest.raises(ValueError, match="has no val_correct"):
        fit_power_law(without, n_boot=20, validation_noise=True)
    with pytest.raises(TypeError, match="validation_noise must be None, True or False, got str"):
        fit_power_law(without, n_boot=20, validation_noise="yes")
    with pytest.raises(ValueError, match="noise='examples' is unknown"):
        bootstrap_val_acc(without, np.random.default_rng(0), noise="examples")


def test_the_record_refuses_correctness_that_does_not_match_its_accuracy():
    curve = curve_from(np.full((2, 2), 0.8), sizes=SIZES[:2])
    with pytest.raises(ValueError, match="val_correct does not match val_acc"):
        replace(curve, val_acc=np.full((2, 2), 0.7))
    with pytest.raises(ValueError, match=r"val_correct must be sizes × repeats × n_val"):
        replace(curve, val_correct=curve.val_correct[:, :1])
    assert curve.n_val == N_VAL and replace(curve, val_correct=None).n_val is None


class FakeModels:
    """Stands in for ``TrainedModels``: every model gets the first ``k`` images right."""

    def __init__(self, right: np.ndarray) -> None:
        self.right = right

    def correct(self, images, labels) -> np.ndarray:
        return np.arange(len(labels))[None, None, :] < self.right[..., None]

    def accuracy(self, images, labels) -> np.ndarray:
        return self.correct(images, labels).mean(-1)


def test_evaluated_on_records_which_examples_each_model_got_right():
    curve = replace(curve_from(np.full((2, 2), 0.8), sizes=SIZES[:2]), models=FakeModels(np.array([[1, 2], [3, 4]])))
    moved = curve.evaluated_on(np.zeros((4, 28, 28)), np.zeros(4))
    np.testing.assert_allclose(moved.val_acc, [[0.25, 0.5], [0.75, 1.0]])
    assert moved.val_correct.shape == (2, 2, 4) and moved.n_val == 4


def test_worth_intervals_cover_the_estimate_and_widen_with_validation_noise():
    plain = curve_from(np.array([[0.70, 0.71], [0.78, 0.79], [0.84, 0.85], [0.87, 0.88], [0.89, 0.90]]))
    augmented = curve_from(np.array([[0.785, 0.785], [0.85, 0.85]]), sizes=SIZES[:2])
    both = worth_intervals(augmented, plain, n_boot=100)
    repeats_only = worth_intervals(augmented, plain, n_boot=100, validation_noise=False)
    for row, narrow in zip(both, repeats_only, strict=True):
        assert row.low <= row.equivalent <= row.high and row.level == 0.9
        assert row.high / row.low > narrow.high / narrow.low, "the validation noise makes the interval wider"
    first = both[0]
    assert first.factor == pytest.approx(2.5, rel=0.05), "78.5 % is the accuracy of 250 plain examples"
    assert first.factor_interval == (first.low / 100, first.high / 100)
    table = worth_table(both)
    assert "90% interval" in table and f"{first.low / 100:.1f}× – {first.high / 100:.1f}×" in table


def test_worth_intervals_are_one_sided_where_draws_leave_the_measured_sizes():
    plain = curve_from(np.array([[0.70, 0.71], [0.78, 0.79], [0.84, 0.85], [0.87, 0.88], [0.89, 0.90]]))
    augmented = curve_from(np.array([[0.894, 0.894], [0.97, 0.97]]), sizes=SIZES[:2])
    near_top, far_above = worth_intervals(augmented, plain, n_boot=100)
    assert near_top.how == "interpolated" and near_top.high_how == "more than", "some draws leave the curve"
    assert near_top.high == SIZES[-1], "the open upper end is the largest measured size, not a guess beyond it"
    assert far_above.how == far_above.low_how == far_above.high_how == "more than"
    assert far_above.low == far_above.high == far_above.equivalent == SIZES[-1]
    table = worth_table([near_top, far_above])
    assert f"more than {SIZES[-1]:,}" in table and f"> {SIZES[-1] / SIZES[1]:.1f}×" in table
    last = table.splitlines()[-1]
    assert last.count(f"> {SIZES[-1] / SIZES[1]:.1f}×") == 2 and "–" not in last, "one bound, not '> x – > x'"


def test_worth_intervals_refuse_curves_scored_on_different_examples():
    plain = curve_from(np.array([[0.70], [0.78], [0.84], [0.87], [0.89]]))
    correct = correct_for(np.array([[0.8]]), n_val=100)
    augmented = LearningCurve("toy", SIZES[:1], np.ones((1, 1)), correct.mean(2), np.zeros((1, 1)), 1,
                              val_correct=correct)
    with pytest.raises(ValueError, match="scored on 100 validation examples and plain on 500"):
        worth_intervals(augmented, plain, n_boot=20)
    assert np.isfinite(worth_intervals(augmented, plain, n_boot=20, validation_noise=False)[0].low)


def test_the_engine_records_per_example_correctness():
    from helpers.data import load_mnist, stratified_split
    from helpers.training import Engine, Training, learning_curve, plan_learning_curve

    images, labels = load_mnist()
    parts = stratified_split(labels, seed=0)
    plan = plan_learning_curve(labels, parts["train"], parts["val"], [50, 100], repeats=2)
    curve = learning_curve(images, labels, plan, training=Training(epochs=1), keep_models=True,
                           engine=Engine(device="cpu", progress=False))
    assert curve.val_correct.shape == (2, 2, len(parts["val"])) and curve.val_correct.dtype == bool
    np.testing.assert_array_equal(curve.val_correct,
                                  curve.models.correct(images[parts["val"]], labels[parts["val"]]))


def test_a_difference_between_two_curves_is_paired_over_the_same_validation_examples():
    a = curve_from(np.full((2, 3), 0.9), sizes=SIZES[:2])
    same = accuracy_difference(a, replace(a, model="copy"), n_boot=200)
    assert same.estimate == same.low == same.high == 0, "the same answers on the same draw: no difference at all"
    b = curve_from(np.full((2, 3), 0.86), sizes=SIZES[:2])  # right on a subset of a's examples
    paired = accuracy_difference(a, b, n_boot=400)
    unpaired = accuracy_difference(a, b, n_boot=400, validation_noise=False)
    assert paired.estimate == pytest.approx(0.04) and 0 < paired.low < 0.04 < paired.high
    assert unpaired.low == unpaired.high == pytest.approx(0.04), "identical repeats: no noise without the examples"
    assert str(paired).startswith("+4.0 pp (90% interval +")
    other = curve_from(np.full((2, 3), 0.86), sizes=SIZES[:2])
    with pytest.raises(ValueError, match="a paired comparison needs the same examples"):
        accuracy_difference(a, replace(other, val_correct=other.val_correct[..., :100],
                                       val_acc=other.val_correct[..., :100].mean(2)))


def test_training_accuracy_can_be_measured_again_through_a_test_pipeline():
    from helpers.data import load_mnist, stratified_split
    from helpers.training import Engine, Training, learning_curve, plan_learning_curve

    images, labels = load_mnist()
    parts = stratified_split(labels, seed=0)
    plan = plan_learning_curve(labels, parts["train"], parts["val"], [50, 100], repeats=2)
    curve = learning_curve(images, labels, plan, training=Training(epochs=3), keep_models=True,
                           engine=Engine(device="cpu", progress=False))
    np.testing.assert_allclose(curve.models.train_accuracy(images, labels), curve.train_acc)
    val = parts["val"]
    inverted = 255 - images  # a "pipeline" that changes every digit: the accuracies must change with it
    moved = curve.evaluated_on(inverted[val], labels[val], train_images=inverted, train_labels=labels)
    np.testing.assert_allclose(moved.train_acc, curve.models.train_accuracy(inverted, labels))
    assert (moved.train_acc < curve.train_acc).all(), "inverted digits: the models fit them worse"
    kept = curve.evaluated_on(inverted[val], labels[val])
    np.testing.assert_array_equal(kept.train_acc, curve.train_acc)
    with pytest.raises(ValueError, match="give train_images and train_labels together"):
        curve.evaluated_on(inverted[val], labels[val], train_images=inverted)


def test_figures_show_the_intervals_what_the_band_covers_and_a_known_value():
    import matplotlib.pyplot as plt

    from helpers.curves import Worth
    from helpers.plotting import plot_power_law, plot_worth_examples, show_nearest_vs_bilinear

    rows = [Worth(100, 0.8, 250.0, "interpolated", 150.0, 400.0, 0.9),
            Worth(400, 0.9, 1000.0, "more than", 500.0, 1000.0, 0.9, high_how="more than")]
    ax = plot_worth_examples(rows).axes[0]
    bars = [line for line in ax.get_lines()
            if len(line.get_xdata()) == 2 and line.get_xdata()[0] == line.get_xdata()[1]]
    assert sorted(tuple(line.get_ydata()) for line in bars)[0] == (150.0, 400.0), "the interval of the first row"
    curve = curve_from(identical_repeats())
    fig = plot_power_law(curve, fit_power_law(curve, n_boot=20), predict_at=[4000], known=(0.95, "the literature"))
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "90% band (bootstrap: repeats and validation examples)" in legend and "known: the literature" in legend
    with pytest.raises(ValueError, match="known=\\(95, 'x'\\) must be \\(accuracy in 0…1, label\\)"):
        plot_power_law(curve, fit_power_law(curve, n_boot=20), predict_at=[4000], known=(95, "x"))
    digit = torch.zeros(28, 28)
    fig = show_nearest_vs_bilinear(digit, digit, digit, notes={"zoomed, not rotated": "ref"},
                                   reference="zoomed, not rotated")
    assert fig.axes[0].get_title() == "zoomed, not rotated" and fig.axes[3].get_xlabel() == "ref"
    plt.close("all")


def test_learning_curve_bands_include_the_validation_sample_and_say_so():
    import matplotlib.pyplot as plt

    from helpers.curves import mean_band
    from helpers.plotting import plot_augmentation_curves, plot_learning_curves

    curve = curve_from(identical_repeats())  # the repeats agree exactly: a mean ± std band would be 0 wide
    low, high = mean_band(curve)["validation"]
    binomial = np.sqrt(curve.val_acc[:, 0] * (1 - curve.val_acc[:, 0]) / curve.n_val)
    np.testing.assert_allclose(high - low, 2 * 1.645 * binomial, rtol=0.35)  # ≈ the binomial 90 % interval
    repeats_only = mean_band(replace(curve, val_correct=None))["validation"]
    np.testing.assert_allclose(repeats_only[1] - repeats_only[0], 0)
    fig = plot_learning_curves(curve)
    assert fig._suptitle.get_text() == "bands: 90% interval of the mean of 3 repeats (repeats + validation sample)"
    train_band, val_band = (poly.get_paths()[0].vertices for poly in fig.axes[0].collections)
    at_largest = val_band[np.isclose(val_band[:, 0], SIZES[-1]), 1]
    assert np.ptp(at_largest) > 1.0, "the validation band at the largest size is wider than 1 pp"
    assert np.ptp(train_band[:, 1]) == 0, "training accuracy has no validation sample: identical repeats, no band"
    fig = plot_augmentation_curves({"toy": (curve, curve)})
    assert "repeats + validation sample" in fig._suptitle.get_text()
    plt.close("all")


def test_a_difference_over_several_sizes_pools_their_models_into_one_narrower_interval():
    a = curve_from(np.array([[0.80, 0.82], [0.85, 0.86], [0.88, 0.88], [0.90, 0.90], [0.91, 0.91]]))
    b = curve_from(np.array([[0.76, 0.79], [0.82, 0.82], [0.86, 0.86], [0.89, 0.89], [0.90, 0.91]]))
    each = [accuracy_difference(a, b, at=i, n_boot=300) for i in (0, 1)]
    pooled = accuracy_difference(a, b, at=[0, 1], n_boot=300)
    assert pooled.estimate == pytest.approx(np.mean([d.estimate for d in each]))
    assert pooled.high - pooled.low < np.mean([d.high - d.low for d in each]), "narrower than one size's"
    with pytest.raises(ValueError, match="at=\\[7\\] must be one or more size indices"):
        accuracy_difference(a, b, at=[7])
