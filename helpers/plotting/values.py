"""Pictures of values (notebook 03): value histograms, per-pixel statistics, training runs, loss contours."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import ListedColormap, LogNorm
from matplotlib.contour import QuadContourSet
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from helpers.geometry import LossLandscape
from helpers.plotting.style import COLORS, FIGURE_SIZES, LOSS_COLOUR_MAP, course_figure, log_axis, set_alt_text
from helpers.runs import TrainingRun
from helpers.validation import check_int

__all__ = ["draw_descent_path", "draw_loss_contours", "loss_colour_bar", "loss_levels", "plot_loss_contours",
           "plot_pixel_statistics", "plot_training_runs", "plot_value_histograms"]

LOSS_LABEL = "MSE above its minimum (log scale)"  # the loss minus its lowest value: every panel shares one scale


def _values(values: torch.Tensor | np.ndarray) -> np.ndarray:
    """All values as one flat float64 array (tensors on any device)."""
    if torch.is_tensor(values):
        return values.detach().cpu().as_subclass(torch.Tensor).double().flatten().numpy()
    return np.asarray(values, dtype=np.float64).ravel()


@course_figure
def plot_value_histograms(
    stages: Mapping[str, torch.Tensor | np.ndarray], bins: int = 51, size: tuple[float, float] = (3.3, 3.2)
) -> plt.Figure:
    """One histogram of all values per stage of a pipeline (e.g. uint8 → ToTensor → Normalize), with the mean μ
    (line) and μ ± σ (band) and their values in its legend; a log y axis (MNIST is mostly background).

    >>> x = torch.randint(0, 256, (10, 28, 28), dtype=torch.uint8)
    >>> fig = plot_value_histograms({"uint8": x, "ToTensor": x / 255})
    >>> [t.get_text()[:8] for t in fig.axes[1].get_legend().texts]
    ['mean μ =', 'μ ± σ, σ']
    """
    if not stages:
        raise ValueError("stages is empty; give at least one {name: values}")
    fig, axes = plt.subplots(1, len(stages), figsize=(size[0] * len(stages), size[1]), squeeze=False)
    for ax, (name, values) in zip(axes[0], stages.items(), strict=True):
        v = _values(values)
        mean, std = float(v.mean()), float(v.std())
        ax.hist(v, bins=bins, color=COLORS["reference"])
        ax.axvspan(mean - std, mean + std, color=COLORS["spread"], alpha=0.25, label=f"μ ± σ, σ = {std:.3g}")
        ax.axvline(mean, color=COLORS["mean"], label=f"mean μ = {mean:.3g}")
        ax.set(yscale="log", title=f"{name}\nvalues {v.min():.3g} … {v.max():.3g}", xlabel="pixel value")
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles[::-1], labels[::-1], loc="upper center", bbox_to_anchor=(0.5, -0.3), frameon=False)
    axes[0, 0].set_ylabel("count (log)")
    return fig


@course_figure
def plot_pixel_statistics(mean: torch.Tensor, std: torch.Tensor, unit: str = "pixel value (0…1)") -> plt.Figure:
    """The mean image, the std image (colour bars in ``unit``) and where ``std == 0`` (a yes/no mask with a legend).
    The titles write $\\mu_j$ and $\\sigma_j$ as math; the text alternative says them in words.

    >>> fig = plot_pixel_statistics(torch.rand(28, 28), torch.rand(28, 28))
    >>> [ax.get_label() for ax in fig.axes][-2:]
    ['<colorbar>', '<colorbar>']
    """
    mean, std = (torch.as_tensor(t).detach().cpu().as_subclass(torch.Tensor).double().squeeze() for t in (mean, std))
    if mean.ndim != 2 or mean.shape != std.shape:
        raise ValueError(f"mean and std must be one H×W image each, got {tuple(mean.shape)} and {tuple(std.shape)}")
    fig, axes = plt.subplots(1, 3, figsize=FIGURE_SIZES["three images"])
    for ax, title, image in ((axes[0], r"mean $\mu_j$ of each pixel $j$", mean),
                             (axes[1], r"std $\sigma_j$ of each pixel $j$", std)):
        shown = ax.imshow(image.numpy(), cmap="viridis")
        ax.set_title(title)
        fig.colorbar(shown, ax=ax, label=unit, shrink=0.85)
    zero = (std == 0).numpy()
    axes[2].imshow(zero, cmap=ListedColormap(["white", COLORS["highlight"]]), vmin=0, vmax=1)
    axes[2].set_title(rf"$\sigma_j = 0$: {int(zero.sum())} pixels")
    axes[2].legend(handles=[Patch(color=COLORS["highlight"], label=r"$\sigma_j = 0$"),
                            Patch(facecolor="white", edgecolor="black", label=r"$\sigma_j > 0$")],
                   loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=2, frameon=False)
    for ax in axes:
        ax.set(xticks=[], yticks=[])
        ax.grid(False)
    return set_alt_text(fig, f"Figure: 3 images of per-pixel statistics. The mean μ of each pixel j; the standard "
                             f"deviation σ of each pixel j (colour bars: {unit}); the {int(zero.sum())} pixels "
                             "whose σ is 0, highlighted.")


@course_figure
def plot_training_runs(runs: Mapping[str, TrainingRun], target: float | None = None, smooth: int = 10) -> plt.Figure:
    """Loss curves of ``runs`` (name → ``TrainingRun``) on one plot (log scale, moving average over ``smooth``
    steps; a run that diverged ends early) and their validation accuracy, with ``target`` dashed.

    >>> run = TrainingRun(losses=[2.3, 1.0, 0.5], eval_steps=[0, 3], val_accuracies=[0.1, 0.8])
    >>> fig = plot_training_runs({"standardized": run}, target=0.75, smooth=1)
    >>> fig.axes[1].get_ylabel()
    'validation accuracy (%)'
    """
    if not runs:
        raise ValueError("runs is empty; allowed: a dict name → TrainingRun with at least one run")
    check_int("smooth", smooth)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=FIGURE_SIZES["two plots"])
    for name, run in runs.items():
        losses = np.asarray(run.losses, dtype=float)
        window = min(smooth, len(losses))
        averaged = np.convolve(losses, np.ones(window) / window, mode="valid")
        (line,) = ax_loss.plot(np.arange(window, len(losses) + 1), averaged, label=name)
        ax_acc.plot(run.eval_steps, np.asarray(run.val_accuracies) * 100, marker="o", color=line.get_color())
    if target is not None:
        ax_acc.axhline(target * 100, color=COLORS["reference"], linestyle="--", label=f"target {target:.0%}")
    ax_loss.set(xlabel="training step", ylabel="training loss", title=f"training loss (mean of {smooth} steps)")
    log_axis(ax_loss, "y")
    ax_acc.set(xlabel="training step", ylabel="validation accuracy (%)", ylim=(0, 100), title="validation accuracy")
    fig.legend(loc="outside lower center", ncols=min(len(runs) + (target is not None), 4))
    return fig


def loss_levels(landscapes: Iterable[LossLandscape], decades: int = 5) -> np.ndarray:
    """Contour levels of the loss above its minimum, 1-2-5 steps over ``decades`` decades up to the largest
    value of any of ``landscapes``: one colour scale for every panel (and every explorer view).

    >>> from helpers.geometry import loss_landscape
    >>> x = torch.tensor([[1.0, 0.0], [0.0, 2.0], [-1.0, 0.0], [0.0, -2.0]])
    >>> loss_levels([loss_landscape(x, torch.tensor([1.0, 2.0, -1.0, -2.0]), steps=3, grid=10)])[:4].tolist()
    [0.0001, 0.0002, 0.0005, 0.001]
    """
    landscapes = list(landscapes)
    if not landscapes or not all(isinstance(s, LossLandscape) for s in landscapes):
        raise TypeError("landscapes must be helpers.geometry.loss_landscape(...) results (at least one)")
    check_int("decades", decades)
    top = max(float((s.loss - s.best_loss).max()) for s in landscapes)
    first = int(np.ceil(np.log10(max(top, 1e-300)))) - decades
    levels = np.array([m * 10.0**e for e in range(first, first + decades + 1) for m in (1, 2, 5)])
    return levels[levels <= top * 1.0001] if (levels <= top * 1.0001).sum() >= 2 else levels[:2]


def draw_loss_contours(ax: plt.Axes, landscape: LossLandscape, levels: np.ndarray,
                       norm: LogNorm | None = None) -> tuple[QuadContourSet, Line2D]:
    """The loss surface of ``landscape`` on ``ax``: filled contours of the loss above its minimum at ``levels``
    (``loss_levels``; log colour scale ``norm``, the same for panels that share a colour bar) and the minimum
    (a star), at equal scales on both axes, so a stretched bowl looks stretched. Returns the contours and the
    star. The figure of 03b and 03's explorer both draw with it.

    >>> from helpers.geometry import loss_landscape
    >>> x = torch.tensor([[1.0, 0.0], [0.0, 2.0], [-1.0, 0.0], [0.0, -2.0]])
    >>> landscape = loss_landscape(x, torch.tensor([1.0, 2.0, -1.0, -2.0]), steps=3, grid=10)
    >>> fig, ax = plt.subplots()
    >>> filled, star = draw_loss_contours(ax, landscape, loss_levels([landscape]))
    >>> ax.get_aspect(), star.get_marker()
    (1.0, '*')
    >>> plt.close(fig)
    """
    levels = np.asarray(levels, dtype=float)
    if levels.ndim != 1 or len(levels) < 2 or not (levels > 0).all() or not (np.diff(levels) > 0).all():
        raise ValueError(f"levels must be at least two increasing positive values (loss_levels), got {levels}")
    excess = (landscape.loss - landscape.best_loss).T.numpy().clip(min=levels[0] / 10)  # log scale: no zeros
    norm = LogNorm(levels[0], levels[-1]) if norm is None else norm
    filled = ax.contourf(landscape.w1.numpy(), landscape.w2.numpy(), excess, levels=levels, cmap=LOSS_COLOUR_MAP,
                         norm=norm, extend="both")
    (star,) = ax.plot(*landscape.minimum.tolist(), "*", color=COLORS["highlight"], mec="black", ms=16, lw=0,
                      label="minimum")
    ax.set(xlabel="w1", ylabel="w2", aspect="equal", adjustable="box")
    ax.grid(False)
    return filled, star


def draw_descent_path(ax: plt.Axes, path: torch.Tensor | np.ndarray, label: str | None = None) -> Line2D:
    """The weights gradient descent visits (``K×2``), as a line of dots on a loss surface.

    >>> fig, ax = plt.subplots()
    >>> draw_descent_path(ax, np.zeros((3, 2))).get_xdata().tolist()
    [0.0, 0.0, 0.0]
    >>> plt.close(fig)
    """
    path = np.asarray(path, dtype=float).reshape(-1, 2)
    (line,) = ax.plot(path[:, 0], path[:, 1], ".-", color=COLORS["gradient descent"], mec="black", mew=0.5,
                      lw=1.5, ms=6, label=label)
    return line


def loss_colour_bar(fig: plt.Figure, filled: QuadContourSet, ax: plt.Axes | list[plt.Axes]) -> object:
    """The colour bar of loss contours drawn at ``loss_levels``: labelled at whole decades (0.1, 1, 10 …).

    >>> fig, ax = plt.subplots()
    >>> filled = ax.contourf(np.geomspace(0.05, 50, 25).reshape(5, 5), levels=np.geomspace(0.05, 50, 9))
    >>> [float(t) for t in loss_colour_bar(fig, filled, ax).get_ticks()]
    [0.1, 1.0, 10.0]
    >>> plt.close(fig)
    """
    bar = fig.colorbar(filled, ax=ax, label=LOSS_LABEL, shrink=0.85)
    low, high = filled.levels[0], filled.levels[-1]
    decades = [10.0**e for e in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)]
    bar.set_ticks([d for d in decades if low <= d <= high], labels=None)
    bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:g}"))
    bar.minorticks_off()
    return bar


@course_figure
def plot_loss_contours(landscapes: Mapping[str, LossLandscape]) -> plt.Figure:
    """Contours of the loss landscapes of ``helpers.geometry.loss_landscape``, one panel each (``draw_loss_contours``,
    one colour bar for all) with the path of gradient descent; landscapes over the same window share their axes.

    >>> from helpers.geometry import loss_landscapes
    >>> x, y = torch.randn(50, 2, generator=torch.Generator().manual_seed(0)), torch.ones(50)
    >>> fig = plot_loss_contours(loss_landscapes({"raw": (x * torch.tensor([1.0, 3.0]), y), "round": (x, y)},
    ...                                          steps=5, grid=30))
    >>> fig.axes[0].get_aspect(), fig.axes[0].get_xlim() == fig.axes[1].get_xlim()
    (1.0, True)
    """
    if not landscapes or not all(isinstance(s, LossLandscape) for s in landscapes.values()):
        raise TypeError("landscapes must map names to helpers.geometry.loss_landscape(...) results")
    shared = len({(float(s.w1[0]), float(s.w1[-1]), float(s.w2[0]), float(s.w2[-1]))
                  for s in landscapes.values()}) == 1
    fig, axes = plt.subplots(1, len(landscapes), figsize=(4.4 * len(landscapes) + 1.2, 5.0), squeeze=False,
                             sharex=shared, sharey=shared)  # course_figure shrinks it to fit a slide
    levels = loss_levels(landscapes.values())
    norm = LogNorm(levels[0], levels[-1])  # one colour scale, one colour bar
    for ax, (name, s) in zip(axes[0], landscapes.items(), strict=True):
        filled, _ = draw_loss_contours(ax, s, levels, norm)
        draw_descent_path(ax, s.path)
        ax.set_title(f"{name}\ncondition number {s.condition_number:.1f}")
    loss_colour_bar(fig, filled, axes[0].tolist())
    steps = ", ".join(sorted({str(s.steps) for s in landscapes.values()}))
    fig.legend(handles=[Line2D([], [], color=COLORS["gradient descent"], marker=".", mec="black", lw=1.5,
                               label=f"{steps} steps of gradient descent (step 1/L)"),
                        Line2D([], [], color=COLORS["highlight"], marker="*", mec="black", ms=16, lw=0,
                               label="minimum")],
               loc="outside lower center", ncols=2, facecolor=COLORS["legend on a colour map"])
    return fig
