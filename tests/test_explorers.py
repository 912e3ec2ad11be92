"""The explorers of 01, 03 and 04, driven headless through their widgets: set a value, check the view."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from mlxtend.data import wine_data  # noqa: E402
from PIL import Image  # noqa: E402

from helpers.curves import LearningCurve  # noqa: E402
from helpers.data import stratified_split  # noqa: E402
from helpers.explorers import AngleExplorer, ExtrapolationExplorer, ScalingExplorer  # noqa: E402
from helpers.extrapolation import fit_power_law  # noqa: E402
from helpers.geometry import gradient_descent_path, loss_landscape  # noqa: E402
from helpers.plotting.style import COLORS, FIGURE_SIZES, MIN_FONT_SIZE  # noqa: E402
from helpers.training import Engine, Training, learning_curve, plan_learning_curve  # noqa: E402
from helpers.transforms import FusedAugment  # noqa: E402

SIZES = np.array([100, 250, 500, 1000, 2000, 3500])
N_BOOT = 20
FIGSIZE = FIGURE_SIZES["explorer"]


def wine_scalings(x: torch.Tensor) -> dict:
    """A notebook's scalings of the wine features, with the statistics of ``x`` (the training wines)."""
    low, high, mean, std = x.min(0).values, x.max(0).values, x.mean(0), x.std(0, correction=0)
    return {
        "raw": lambda v: v,
        "[0, 1]": lambda v: (v - low) / (high - low),
        "[−1, 1]": lambda v: 2 * (v - low) / (high - low) - 1,
        "standardized": lambda v: (v - mean) / std,
        "scaled, not centred": lambda v: v / std,
    }


def synthetic_curve(floor_from: int | None = None) -> LearningCurve:
    """Validation error 0.9·n^−0.4 + 0.05 with a little noise per repeat; from ``floor_from`` on it stops falling."""
    noise = np.random.default_rng(0).normal(0, 0.002, (len(SIZES), 3))
    error = 0.9 * SIZES[:, None] ** -0.4 + 0.05 + noise
    if floor_from is not None:
        error[SIZES > floor_from] = error[SIZES == floor_from].mean() + noise[SIZES > floor_from]
    return LearningCurve("softmax", SIZES, np.ones_like(error), 1 - error, np.zeros_like(error), epochs=1)


@pytest.fixture(scope="module")
def extrapolation() -> ExtrapolationExplorer:
    return ExtrapolationExplorer(synthetic_curve(), n_boot=N_BOOT)


@pytest.fixture(scope="module")
def wine() -> tuple[torch.Tensor, torch.Tensor]:
    """03's 2-feature problem: alcohol and alcalinity of ash → colour intensity of 128 training wines."""
    x, y = (torch.as_tensor(a) for a in wine_data())
    train = stratified_split(y, sizes={"train": 128, "test": 50}, seed=0)["train"]
    return x[train][:, [0, 3]], x[train][:, 9]


@pytest.fixture(scope="module")
def scaling(wine) -> ScalingExplorer:
    return ScalingExplorer(*wine, wine_scalings(wine[0]), feature_names=("alcohol", "alcalinity of ash"))


@pytest.fixture(scope="module")
def kept(mnist):
    """Tiny softmax learning curves (kept models) without and with rotation augmentation, and 300 validation digits."""
    images, labels = mnist
    parts = stratified_split(labels, seed=0)
    plan = plan_learning_curve(labels, parts["train"], parts["val"], [50, 200], repeats=2)
    common = dict(training=Training(epochs=2), keep_models=True, engine=Engine(device="cpu", progress=False))
    plain = learning_curve(images, labels, plan, **common)
    augmented = learning_curve(images, labels, plan, augment=FusedAugment(degrees=30), **common)
    val = parts["val"][:300]
    return {"without augmentation": plain.models, "with augmentation": augmented.models}, images[val], labels[val]


@pytest.fixture(scope="module")
def angle(kept) -> AngleExplorer:
    models, images, labels = kept
    pipelines = {"without augmentation": FusedAugment(resize=28), "with augmentation": FusedAugment()}
    return AngleExplorer(models, images, labels, pipelines=pipelines, angles=range(-90, 91, 15), trained_range=30)


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


# ---------------------------------------------------------------- 01: extrapolation
def test_the_slider_offers_every_size_a_power_law_can_be_fitted_to_and_checked(extrapolation):
    options = [value for _, value in extrapolation.controls["measured_up_to"].options]
    assert options == [500, 1000, 2000], "three sizes at least for the fit, one larger size left to check it"


def test_moving_the_slider_shows_the_fit_from_the_points_up_to_n_only(extrapolation):
    pictures = set()
    for n in (500, 1000, 2000):
        extrapolation.set(measured_up_to=n)
        pictures.add(extrapolation.png)
        expected = fit_power_law(extrapolation.curve, max_size=n, n_boot=N_BOOT, seed=0)
        assert extrapolation.numbers["predicted"] == pytest.approx(100 * (1 - expected.predict([3500])[0]))
        fit_line = extrapolation._artists["fit"].get_ydata()
        assert np.allclose(fit_line, 100 * (1 - expected.predict(extrapolation.grid)))
        used = extrapolation._artists["used"].get_xdata()
        assert list(used) == [s for s in SIZES if s <= n]
        assert extrapolation.caption.startswith(f"measured up to {n:,}: predicts")
        visible = [size for size, band in extrapolation._artists["bands"].items() if band.get_visible()]
        assert visible == [n], "only the band of the current fit is drawn"
    assert len(pictures) == 3, "every slider position gives a different picture"


def test_points_beyond_n_stay_grey_until_revealed(extrapolation):
    extrapolation.set(measured_up_to=1000, reveal=False)
    beyond = extrapolation._artists["beyond"]
    assert beyond.get_color() == COLORS["not yet revealed"] and "reveal" in extrapolation.caption
    hidden = extrapolation.png
    extrapolation.set(reveal=True)
    assert beyond.get_color() == COLORS["validation"] and extrapolation.png != hidden
    assert "measured" in extrapolation.caption.split("·")[-1]
    assert list(beyond.get_xdata()) == [2000, 3500]
    extrapolation.set(reveal=False)


def test_the_band_holds_a_true_power_law_and_misses_a_curve_that_flattens(extrapolation):
    extrapolation.set(measured_up_to=500, reveal=True)
    assert extrapolation.numbers["inside"], extrapolation.caption
    flat = ExtrapolationExplorer(synthetic_curve(floor_from=500), n_boot=N_BOOT)
    flat.set(measured_up_to=500, reveal=True)
    assert not flat.numbers["inside"] and "OUTSIDE the band" in flat.caption
    assert flat.numbers["measured"] < flat.numbers["lower"], "the flattened curve stays below the prediction"


@pytest.mark.parametrize("make, error, message", [
    (lambda: ExtrapolationExplorer({"sizes": SIZES}), TypeError, r"curve must be a LearningCurve .* got dict"),
    (lambda: ExtrapolationExplorer(LearningCurve("softmax", SIZES[:3], *[np.ones((3, 2))] * 3, epochs=1)),
     ValueError, r"curve has 3 sizes .* needs at least 4"),
])
def test_bad_curves_are_explained(make, error, message):
    with pytest.raises(error, match=message):
        make()


# ---------------------------------------------------------------- 03: scaling and gradient descent
@pytest.mark.parametrize("name, low, high", [("[0, 1]", 0, 1), ("[−1, 1]", -1, 1)])
def test_the_explorer_works_on_the_inputs_the_given_scalings_make(scaling, wine, name, low, high):
    scaled = scaling.inputs[name]
    assert torch.allclose(scaled.min(0).values, torch.full((2,), float(low), dtype=torch.float64))
    assert torch.allclose(scaled.max(0).values, torch.full((2,), float(high), dtype=torch.float64))
    assert list(scaling.controls["scaling"].options) == list(wine_scalings(wine[0])), "the notebook's, in its order"


def test_standardized_is_centred_and_scaled_not_centred_only_scaled(scaling, wine):
    standardized, scaled = scaling.inputs["standardized"], scaling.inputs["scaled, not centred"]
    assert standardized.mean(0).abs().max() < 1e-12 and torch.allclose(standardized.std(0, correction=0),
                                                                        torch.ones(2, dtype=torch.float64))
    assert torch.allclose(scaled.std(0, correction=0), torch.ones(2, dtype=torch.float64))
    assert (scaled.mean(0) > 5).all(), "the offset stays: wine features are far from 0"
    assert torch.equal(scaling.inputs["raw"], wine[0].double())


def test_each_scaling_is_drawn_as_the_one_loss_landscape_of_its_inputs(scaling, wine):
    for name, landscape in scaling.landscapes.items():
        expected = loss_landscape(scaling.inputs[name], wine[1], steps=scaling.steps, grid=80)
        assert torch.allclose(landscape.loss, expected.loss) and landscape.step_limit == expected.step_limit
    scaling.set(scaling="raw", lr=1e-3)
    filled, star = scaling._artists["surfaces"]["raw"]
    assert filled.get_visible() and not scaling._artists["surfaces"]["standardized"][0].get_visible()
    assert list(filled.levels) == list(scaling.levels), "one colour scale for every scaling"


def test_the_same_learning_rate_diverges_on_raw_inputs_and_converges_on_standardized(scaling):
    scaling.set(scaling="raw", lr=0.1)
    assert scaling.numbers["diverged"] and "DIVERGES" in scaling.caption
    raw_picture = scaling.png
    scaling.set(scaling="standardized")
    assert not scaling.numbers["diverged"] and scaling.numbers["steps"] is not None
    assert f"after {scaling.numbers['steps']} steps" in scaling.caption and scaling.png != raw_picture


@pytest.mark.parametrize("name", ["raw", "[0, 1]", "[−1, 1]", "standardized", "scaled, not centred"])
def test_divergence_sets_in_at_the_limit_the_caption_names(scaling, name):
    scaling.set(scaling=name, lr=1e-5)
    limit = scaling.numbers["lr_limit"]
    below, above = 0.97 * limit, 1.05 * limit
    for lr, diverges in ((below, False), (above, True)):
        scaling.controls["lr"].value = lr
        assert scaling.numbers["diverged"] is diverges, f"{name}: lr {lr:.3g} vs limit {limit:.3g}"


def test_a_larger_stable_learning_rate_needs_fewer_steps(scaling):
    scaling.set(scaling="standardized", lr=0.05)
    slow = scaling.numbers["steps"]
    scaling.set(lr=0.3)
    assert scaling.numbers["steps"] < slow


def test_not_centred_inputs_need_a_far_smaller_learning_rate_than_standardized(scaling):
    limits = {name: scaling.landscapes[name].step_limit for name in ("standardized", "scaled, not centred")}
    assert limits["scaled, not centred"] < limits["standardized"] / 50, limits


def test_the_drawn_path_is_gradient_descent_and_the_histogram_marks_mean_and_std(scaling):
    scaling.set(scaling="standardized", lr=0.2)
    x, bias = scaling.inputs["standardized"], scaling.landscapes["standardized"].bias
    expected = gradient_descent_path(x, scaling.y, scaling.steps, lr=0.2, bias=bias).numpy()
    assert np.allclose(scaling._artists["path"].get_xydata(), expected)
    lines = [line for line in scaling._artists["right"].lines if line.get_visible() and len(line.get_xdata()) == 2]
    marks = sorted(round(float(line.get_xdata()[0]), 6) for line in lines)
    assert marks == [-1, -1, 0, 0, 1, 1], "mean 0 and mean ± std = ±1 for both features"
    scaling.set(scaling="[0, 1]")
    visible = [part for part in scaling._artists["right"].patches if part.get_visible()]
    assert len(visible) == 2 and scaling._artists["right"].get_xlim()[1] < 1.2


RAW = {"raw": lambda v: v}


@pytest.mark.parametrize("make, message", [
    (lambda x, y: ScalingExplorer(x[:, :1], y, RAW), r"x must be N×2 and y of length N"),
    (lambda x, y: ScalingExplorer(torch.cat([x[:, :1], torch.ones(len(x), 1, dtype=x.dtype)], 1), y, RAW),
     r"x has a constant column"),
    (lambda x, y: ScalingExplorer(x, y, RAW, lr=20.0), r"lr=20.0 and lr_range=\(1e-05, 10.0\)"),
    (lambda x, y: ScalingExplorer(x, y, RAW, steps=0), r"steps=0 must be a positive integer"),
    (lambda x, y: ScalingExplorer(x, y, {"first column": lambda v: v[:, :1]}),
     r"scalings\['first column'\] must return finite inputs of shape \(128, 2\), got \(128, 1\)"),
])
def test_bad_problems_are_explained(wine, make, message):
    with pytest.raises(ValueError, match=message):
        make(*wine)


@pytest.mark.parametrize("scalings", [{}, ["raw"], {"raw": "x"}])
def test_scalings_must_be_a_dict_of_functions(wine, scalings):
    with pytest.raises(TypeError, match=r"scalings must be a non-empty dict name → function of x"):
        ScalingExplorer(*wine, scalings)


# ---------------------------------------------------------------- 04: augmentation and rotation
def test_accuracy_at_each_angle_is_that_of_the_largest_models_on_rotated_digits(angle, kept):
    models, images, labels = kept
    angle.set(angle=45)
    rotated = FusedAugment().apply(images[:, None].float() / 255, angle=45.0)
    expected = models["with augmentation"].accuracy(rotated, labels)[-1].mean() * 100
    assert angle.numbers["accuracy"]["with augmentation"] == pytest.approx(expected)
    assert angle.numbers["angle"] == 45 and "rotated by +45°" in angle.caption


def test_moving_the_angle_slider_rotates_the_digits_and_moves_the_marker(angle):
    angle.set(angle=0)
    upright, digit = angle.png, angle._artists["pictures"][0].get_array().copy()
    angle.set(angle=60)
    assert angle.png != upright
    assert not np.array_equal(angle._artists["pictures"][0].get_array(), digit), "the shown digit is rotated"
    marker = angle._artists["markers"]["without augmentation"]
    assert list(marker.get_xdata()) == [60]
    assert marker.get_ydata()[0] == angle.numbers["accuracy"]["without augmentation"]


def test_upright_digits_are_recognised_better_than_upside_down_ones(angle):
    accuracy = {a: angle.accuracy["without augmentation"][angle.angles.index(a)].mean() for a in (0.0, 90.0)}
    assert accuracy[0.0] > accuracy[90.0] + 20, accuracy


def test_each_shown_prediction_is_marked_right_or_wrong(angle):
    angle.set(angle=30)
    texts = angle._artists["texts"]
    for i, (label, row) in enumerate(zip(angle.numbers["labels"], texts, strict=True)):
        for name, text in zip(angle.names, row, strict=True):
            guess = angle.numbers["predictions"][name][i]
            assert text.get_text() == f"{guess} {'✓' if guess == label else '✗'}"


@pytest.mark.parametrize("change, error, message", [
    (lambda m, i, lab: AngleExplorer({}, i, lab), TypeError, r"models must be a non-empty dict"),
    (lambda m, i, lab: AngleExplorer({"a": "model"}, i, lab), TypeError, r"models\['a'\] must be TrainedModels"),
    (lambda m, i, lab: AngleExplorer(m, i, lab, pipelines={"x": FusedAugment()}), ValueError,
     r"pipelines has names \['x'\] but models has"),
    (lambda m, i, lab: AngleExplorer(m, i, lab, angle=7), ValueError, r"angle=7 must be one of angles"),
    (lambda m, i, lab: AngleExplorer(m, i, lab, digits=[300]), ValueError, r"digits=\[300\] must be 1 to 8 indices"),
    (lambda m, i, lab: AngleExplorer(m, i, lab[:5]), ValueError, r"labels of length N"),
])
def test_bad_arguments_are_explained(kept, change, error, message):
    with pytest.raises(error, match=message):
        change(*kept)


# ---------------------------------------------------------------- all three
@pytest.fixture(params=["extrapolation", "scaling", "angle"])
def explorer(request):
    return request.getfixturevalue(request.param)


def test_the_widget_is_an_interactive_updated_on_release(explorer):
    assert isinstance(explorer.widget, ipywidgets.interactive)
    assert isinstance(explorer.widget.children[-1], ipywidgets.Output), "the picture is shown in the output"
    sliders = [c for c in explorer.controls.values() if hasattr(c, "continuous_update")]
    assert sliders and all(not s.continuous_update for s in sliders), "nothing recomputed while dragging"


def test_the_picture_fits_the_slide_size(explorer):
    pixels = decode(explorer.png)
    assert pixels.shape[1] / pixels.shape[0] == pytest.approx(FIGSIZE[0] / FIGSIZE[1], rel=0.01)
    assert FIGSIZE[0] <= 10 and FIGSIZE[1] <= 5.6


def test_the_static_preview_has_the_view_and_readable_text(explorer):
    fig = explorer.preview()
    try:
        width, height = fig.get_size_inches()
        assert width <= 10 and height <= 5.6
        sizes = [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text) if t.get_text() and t.get_visible()]
        assert sizes and min(sizes) >= MIN_FONT_SIZE, f"text smaller than {MIN_FONT_SIZE} pt: {min(sizes)}"
        assert fig.get_suptitle() == explorer.caption, "the preview states the caption of the same view"
    finally:
        plt.close(fig)


def test_set_refuses_an_unknown_control_and_time_updates_needs_moves(explorer):
    with pytest.raises(ValueError, match=r"unknown control\(s\) \['nope'\]; allowed"):
        explorer.set(nope=1)
    name, control = next(iter(explorer.controls.items()))
    with pytest.raises(ValueError, match=r"each different from the one before it"):
        explorer.time_updates(name, [control.value])


def test_going_back_to_a_view_gives_the_same_picture(explorer):
    name, control = next(iter(explorer.controls.items()))
    if hasattr(control, "options"):
        options = [option[1] if isinstance(option, tuple) else option for option in control.options]
    else:
        options = [control.min, control.max]
    first = control.value
    other = next(v for v in options if v != first)
    before = explorer.png
    control.value = other
    assert explorer.png != before
    control.value = first
    assert explorer.png == before
