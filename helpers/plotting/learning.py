"""Pictures of learning curves (notebooks 01 and 04): curves with bands, power-law fits, what augmentation is
worth, accuracy against rotation. Training sizes are on log axes with ticks at the measured sizes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D

from helpers.curves import BAND_LABEL, Bracket, LearningCurve, PowerLawFit, Worth, mean_band
from helpers.plotting.style import BAND_ALPHA, COLORS, FIGURE_SIZES, color_for, count_label, course_figure, log_axis

__all__ = ["draw_accuracy_vs_angle", "draw_band", "plot_accuracy_vs_angle", "plot_augmentation_curves",
           "plot_learning_curves", "plot_power_law", "plot_worth_examples"]

LEVEL = 0.9  # the level of every learning-curve band
MAX_ANGLE_TICKS = 13  # an accuracy-vs-angle plot labels every angle up to this many


def draw_band(ax: plt.Axes, x: np.ndarray, low: np.ndarray, high: np.ndarray, color: str, label: str | None = None,
              **kwargs: object) -> PolyCollection:
    """An interval ``low … high`` over ``x`` as a shaded band in ``color``: the one look of every band of the course.

    >>> fig, ax = plt.subplots()
    >>> draw_band(ax, [1, 2], [0, 0], [1, 1], COLORS["fit"]).get_alpha()
    0.2
    >>> plt.close(fig)
    """
    return ax.fill_between(x, low, high, color=color, alpha=BAND_ALPHA, linewidth=0, label=label, **kwargs)


def _band_line(ax: plt.Axes, x: np.ndarray, mean: np.ndarray, band: tuple[np.ndarray, np.ndarray], color: str,
               style: str, label: str) -> Line2D:
    """The mean as a line with markers and its interval ``band`` as a shaded area, both fractions drawn in %."""
    (line,) = ax.plot(x, mean * 100, style, color=color, marker="o", label=label)
    draw_band(ax, x, band[0] * 100, band[1] * 100, color)
    return line


def _band_legend(curves: Sequence[LearningCurve]) -> str:
    """The figure's note on what its bands cover: the level, and repeats + validation sample (or repeats only)."""
    noise = "repeats + validation sample" if all(c.val_correct is not None for c in curves) else "repeats only"
    repeats = ", ".join(sorted({str(c.repeats) for c in curves}))
    return f"bands: {LEVEL:.0%} interval of the mean of {repeats} repeats ({noise})"


@course_figure
def plot_learning_curves(curves: LearningCurve | Sequence[LearningCurve]) -> plt.Figure:
    """Learning curves against the training size: train (dashed) and validation (solid) accuracy, and the
    train–validation gap — the lecture's two readings — each with the 90 % interval of its mean (``mean_band``).

    One curve: train and validation in their course colours; several: one course colour per model kind.

    >>> acc = np.array([[0.6, 0.62], [0.8, 0.79]])
    >>> curve = LearningCurve("mlp", np.array([100, 1000]), acc + 0.1, acc, np.ones((2, 2)), epochs=5)
    >>> fig = plot_learning_curves(curve)
    >>> [t.get_text() for t in fig.legends[0].texts]
    ['train', 'validation']
    """
    curves = [curves] if not isinstance(curves, Sequence) else list(curves)
    if not curves:
        raise ValueError("curves is empty; give one LearningCurve or a list of them")
    fig, (acc, gap) = plt.subplots(1, 2, figsize=FIGURE_SIZES["two plots"])
    for k, curve in enumerate(curves):
        if len(curves) == 1:
            train, val, model = COLORS["train"], COLORS["validation"], COLORS["measured"]
            labels = ("train", "validation")
        else:
            train = val = model = color_for(curve.model, f"C{k}")
            labels = (f"{curve.model} · train", f"{curve.model} · validation")
        band = mean_band(curve, level=LEVEL)
        train_mean, val_mean = curve.train_acc.mean(1), curve.val_acc.mean(1)
        _band_line(acc, curve.sizes, train_mean, band["train"], train, "--", labels[0])
        _band_line(acc, curve.sizes, val_mean, band["validation"], val, "-", labels[1])
        _band_line(gap, curve.sizes, train_mean - val_mean, band["gap"], model, "-", "_" + curve.model)
    for ax, title, ylabel in ((acc, "accuracy", "accuracy (%)"),
                              (gap, "train − validation gap", "percentage points")):
        ax.set(title=title, xlabel="training examples", ylabel=ylabel)
        log_axis(ax, "x", np.concatenate([c.sizes for c in curves]))
    fig.suptitle(_band_legend(curves))
    fig.legend(loc="outside lower center", ncols=min(4, 2 * len(curves)))
    return fig


@course_figure
def plot_power_law(curve: LearningCurve, fit: PowerLawFit, predict_at: Sequence[int],
                   known: tuple[float, str] | None = None, brackets: Sequence[Bracket] = ()) -> plt.Figure:
    """A power-law fit to validation accuracy with its band, the measured points (filled: used for the fit;
    hollow: held back) and the predictions at ``predict_at`` with error bars, their values in the legend.
    ``known = (accuracy, label)``: a value known from elsewhere (e.g. full MNIST), dashed. With ``brackets``
    (``extrapolation_bracket``) the band stops at the largest measured size — further it would claim more than
    the data bound — and each bracket is a wide bar at its size: what the measured curve really bounds there.

    >>> from helpers.extrapolation import fit_power_law
    >>> sizes = np.array([100, 200, 400, 800, 1600])
    >>> acc = np.stack([1 - 0.5 * sizes**-0.5 - 0.02] * 2, 1)
    >>> curve = LearningCurve("softmax", sizes, acc, acc, np.ones((5, 2)), epochs=5)
    >>> fig = plot_power_law(curve, fit_power_law(curve, max_size=800, n_boot=20), predict_at=[1600])
    >>> fig.axes[0].get_xscale()
    'log'
    """
    predict_at = np.asarray(predict_at, dtype=float)
    if predict_at.size == 0 or (predict_at <= 0).any():
        raise ValueError(f"predict_at={predict_at.tolist()} must hold at least one positive training size")
    if not np.isin(fit.sizes, curve.sizes).all():
        raise ValueError(f"fit was made on sizes {fit.sizes.tolist()}, not all of them in curve.sizes")
    if known is not None and (len(known) != 2 or not 0 <= known[0] <= 1):
        raise ValueError(f"known={known!r} must be (accuracy in 0…1, label), e.g. (0.92, 'softmax, all of MNIST')")
    fig, ax = plt.subplots(figsize=FIGURE_SIZES["power law"])
    grid = np.geomspace(curve.sizes.min(), max(curve.sizes.max(), predict_at.max()) * 1.15, 200)
    shaded = grid[grid <= curve.sizes.max()] if brackets else grid
    lower, upper = fit.band(shaded)
    draw_band(ax, shaded, (1 - upper) * 100, (1 - lower) * 100, COLORS["fit"],
              label=f"{fit.level:.0%} band (bootstrap: {fit.noise})")
    ax.plot(grid, (1 - fit.predict(grid)) * 100, color=COLORS["fit"], label="power law: error = a·n^(−b) + c")
    ax.axhline((1 - fit.c) * 100, color=COLORS["reference"], linestyle=":",
               label=f"limit 1 − c = {(1 - fit.c) * 100:.1f}%")
    used = np.isin(curve.sizes, fit.sizes)
    mean = curve.val_acc.mean(1) * 100
    low, high = (b * 100 for b in mean_band(curve, level=LEVEL)["validation"])
    bars = np.stack([mean - low, high - mean])
    noise = BAND_LABEL.format(level=LEVEL) if curve.val_correct is not None else f"{LEVEL:.0%} interval: repeats"
    ax.errorbar(curve.sizes[used], mean[used], bars[:, used], fmt="o", color=COLORS["measured"], capsize=3,
                label=f"measured, used for the fit ({noise})")
    if (~used).any():
        ax.errorbar(curve.sizes[~used], mean[~used], bars[:, ~used], fmt="o", color=COLORS["measured"], mfc="white",
                    capsize=3, zorder=5, label="measured, held back")
    predicted, (lo, hi) = (1 - fit.predict(predict_at)) * 100, fit.band(predict_at)
    values = ", ".join(f"{count_label(n)}: {p:.1f}%" for n, p in zip(predict_at, predicted, strict=True))
    bars = None if brackets else [predicted - (1 - hi) * 100, (1 - lo) * 100 - predicted]
    ax.errorbar(predict_at, predicted, bars, fmt="D", color=COLORS["prediction"], capsize=5,
                label=f"power-law prediction ({values})")
    for k, b in enumerate(brackets):
        ax.plot([b.at, b.at], [b.low * 100, b.high * 100], color=COLORS["prediction"], lw=7, alpha=0.35,
                solid_capstyle="butt", label=f"what the data bound (≥ {b.level:.0%})" if k == 0 else None)
    if known is not None:
        ax.axhline(known[0] * 100, color=COLORS["measured"], linestyle="--", label=f"known: {known[1]}")
    ax.set(xlabel="training examples", ylabel="validation accuracy (%)",
           title=f"{curve.model}: power law fit on sizes ≤ {int(fit.sizes.max())}")
    log_axis(ax, "x", np.concatenate([curve.sizes, predict_at]))
    ax.legend(loc="lower right")
    return fig


@course_figure
def plot_augmentation_curves(pairs: Mapping[str, tuple[LearningCurve, LearningCurve]]) -> plt.Figure:
    """One panel per model kind: validation accuracy without and with augmentation, the mean with its 90 %
    interval (``mean_band``). ``pairs[name] = (plain_curve, augmented_curve)``, each evaluated through its
    own matching test pipeline.

    >>> acc = np.array([[0.6, 0.62], [0.8, 0.79]])
    >>> plain = LearningCurve("cnn", np.array([100, 1000]), acc, acc, np.ones((2, 2)), epochs=5)
    >>> fig = plot_augmentation_curves({"small CNN": (plain, plain)})
    >>> [t.get_text() for t in fig.legends[0].texts]
    ['without augmentation', 'with augmentation']
    """
    if not pairs or any(len(pair) != 2 for pair in pairs.values()):
        raise ValueError("pairs must map each model name to a (without augmentation, with augmentation) pair of curves")
    if len(pairs) > 3:
        raise ValueError(f"pairs has {len(pairs)} model kinds; a figure shows at most 3 panels")
    fig, axes = plt.subplots(1, len(pairs), figsize=(4.4 * len(pairs) + 0.6, 4.4), squeeze=False, sharey=True)
    for k, (ax, (name, (plain, augmented))) in enumerate(zip(axes[0], pairs.items(), strict=True)):
        first = "" if k == 0 else "_"
        for c, color, style, label in ((plain, COLORS["without augmentation"], "--", "without augmentation"),
                                       (augmented, COLORS["with augmentation"], "-", "with augmentation")):
            _band_line(ax, c.sizes, c.val_acc.mean(1), mean_band(c, level=LEVEL)["validation"], color, style,
                       first + label)
        ax.set(xlabel="training examples", title=name)
        log_axis(ax, "x", np.concatenate([plain.sizes, augmented.sizes]))
    axes[0, 0].set_ylabel("validation accuracy (%)")
    fig.suptitle(_band_legend([c for pair in pairs.values() for c in pair]))
    fig.legend(loc="outside lower center", ncols=2)
    return fig


@course_figure
def plot_worth_examples(rows: Sequence[Worth]) -> plt.Figure:
    """"Augmentation is worth N examples": for each size trained with augmentation, the size the un-augmented
    curve needs for the same accuracy (log–log), with the line "worth nothing" (y = x).

    Filled circles are interpolated between measured sizes; beyond them a size is only a bound
    (``helpers.worth.equivalent_size``): a triangle pointing up ("more than") or down ("fewer than"). A row's
    bootstrap interval (``worth_intervals``) is a vertical bar, with a small triangle at a one-sided end.

    >>> from helpers.curves import Worth
    >>> fig = plot_worth_examples([Worth(100, 0.8, 250.0, "interpolated", 150.0, 400.0, 0.9),
    ...                            Worth(400, 0.9, 1000.0, "more than", 500.0, 1000.0, 0.9, high_how="more than")])
    >>> fig.axes[0].get_yscale(), [t.get_text() for t in fig.axes[0].get_legend().get_texts()][1]
    ('log', '90% interval')
    """
    if not rows:
        raise ValueError("rows is empty; give the list from augmentation_worth")
    fig, ax = plt.subplots(figsize=FIGURE_SIZES["worth"])
    n = np.array([r.size for r in rows], dtype=float)
    values = [r.equivalent for r in rows] + [r.high for r in rows if np.isfinite(r.high)]
    top = max(values + [n.max()]) * 2
    ax.plot([n.min() / 1.5, top], [n.min() / 1.5, top], ":", color=COLORS["reference"], label="worth nothing (y = x)")
    color = COLORS["with augmentation"]
    with_interval = [r for r in rows if not np.isnan(r.level)]
    for r in with_interval:
        ax.plot([r.size, r.size], [r.low, r.high], color=color, lw=2, alpha=0.6,
                label=f"{r.level:.0%} interval" if r is with_interval[0] else None)
        for end, how in ((r.low, r.low_how), (r.high, r.high_how)):
            if how != "interpolated":
                ax.plot([r.size], [end], "^" if how == "more than" else "v", color=color, ms=7, alpha=0.6)
    marks = {"interpolated": ("o", "interpolated between measured sizes"),
             "more than": ("^", "more than the largest measured size (a bound)"),
             "fewer than": ("v", "fewer than the smallest measured size (a bound)")}
    for how, (marker, label) in marks.items():
        chosen = [r for r in rows if r.how == how]
        if chosen:
            ax.plot([r.size for r in chosen], [r.equivalent for r in chosen], marker, color=color,
                    mfc=color if how == "interpolated" else "white", ms=9, label=label)
    for r in rows:
        ax.annotate(r.factor_text(), (r.size, r.equivalent), textcoords="offset points",
                    xytext=(-10, 0), ha="right", va="center")
    ax.set(xlabel="training examples, with augmentation", ylabel="examples needed without augmentation",
           title="augmentation is worth N examples", xlim=(n.min() / 2.5, n.max() * 1.6),
           ylim=(min(values + [r.low for r in rows if np.isfinite(r.low)] + [n.min()]) / 2, top * 1.5))
    log_axis(ax, "x", n)
    log_axis(ax, "y")
    ax.legend(loc="upper left")
    return fig


def draw_accuracy_vs_angle(ax: plt.Axes, angles: Sequence[float], accuracies: Mapping[str, np.ndarray],
                           trained_range: float | None = None) -> dict[str, Line2D]:
    """Accuracy (in %) on digits rotated by fixed angles on ``ax``: one line (mean ± std over repeats) per model,
    the angles the augmentation drew from shaded; returns each model's line. 04's explorer draws with it too.

    ``accuracies[name]``: one row per angle, one column per repeat (fractions); a name that names a course
    condition ("with augmentation", "softmax", …) gets its course colour.

    >>> fig, ax = plt.subplots()
    >>> lines = draw_accuracy_vs_angle(ax, [-30, 0, 30], {"with augmentation": np.full((3, 2), 0.8)})
    >>> lines["with augmentation"].get_ydata().tolist()
    [80.0, 80.0, 80.0]
    >>> plt.close(fig)
    """
    angles = np.asarray(angles, dtype=float)
    if not accuracies or any(np.ndim(a) != 2 or np.shape(a)[0] != len(angles) for a in accuracies.values()):
        raise ValueError(f"accuracies must map names to arrays of shape ({len(angles)} angles, repeats)")
    if trained_range is not None:
        ax.axvspan(-trained_range, trained_range, color=COLORS["with augmentation"], alpha=BAND_ALPHA / 2,
                   label=f"angles seen in training (±{trained_range:g}°)")
    lines = {}
    for k, (name, values) in enumerate(accuracies.items()):
        mean, std = np.mean(values, 1), np.std(values, 1)
        lines[name] = _band_line(ax, angles, mean, (mean - std, mean + std), color_for(name, f"C{k}"), "-", name)
    ax.set(xlabel="rotation of the validation digits (degrees)", ylabel="accuracy (%)")
    if len(angles) <= MAX_ANGLE_TICKS:
        ax.set_xticks(angles, labels=[f"{a:g}°" for a in angles])
    return lines


@course_figure
def plot_accuracy_vs_angle(angles: Sequence[float], accuracies: Mapping[str, np.ndarray],
                           trained_range: float | None = None) -> plt.Figure:
    """Accuracy on digits rotated by fixed angles (``draw_accuracy_vs_angle``), with the legend below the plot.
    ``trained_range`` shades the angles the augmentation drew from (e.g. 30 for ±30°).

    >>> fig = plot_accuracy_vs_angle([-30, 0, 30], {"without augmentation": np.full((3, 2), 0.8)}, 30)
    >>> fig.axes[0].get_lines()[0].get_color() == COLORS["without augmentation"]
    True
    """
    fig, ax = plt.subplots(figsize=FIGURE_SIZES["one plot"])
    draw_accuracy_vs_angle(ax, angles, accuracies, trained_range)
    ax.set_title("robustness to rotation")
    fig.legend(loc="outside lower center", ncols=min(3, len(accuracies) + (trained_range is not None)))
    return fig
