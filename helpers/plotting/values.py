"""Pictures of values (notebook 03): value histograms, per-pixel statistics, training runs, loss contours."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import ListedColormap, LogNorm
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from helpers.plotting.style import COLORS, course_figure, fitted_size, log_axis
from helpers.runs import TrainingRun
from helpers.standardization import LossLandscape


def _values(values: torch.Tensor | np.ndarray) -> np.ndarray:
    """All values as one flat float64 array (tensors on any device)."""
    if torch.is_tensor(values):
        return values.detach().cpu().as_subclass(torch.Tensor).double().flatten().numpy()
    return np.asarray(values, dtype=np.float64).ravel()


@course_figure
def plot_value_histograms(
    stages: Mapping[str, torch.Tensor | np.ndarray], bins: int = 51, size: tuple[float, float] = (3.3, 3.2)
) -> plt.Figure:
    """One histogram of all values per stage of a pipeline (e.g. uint8 → ToTensor → Normalize).

    Each panel marks the mean μ (solid line) and μ ± σ (band), with their values in its legend;
    the y axis is logarithmic (MNIST is mostly background), each title gives the value range.

    Example:
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
        ax.set_yscale("log")
        ax.set_title(f"{name}\nvalues {v.min():.3g} … {v.max():.3g}")
        ax.set_xlabel("pixel value")
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles[::-1], labels[::-1], loc="upper center", bbox_to_anchor=(0.5, -0.3), frameon=False)
    axes[0, 0].set_ylabel("count (log)")
    return fig


@course_figure
def plot_pixel_statistics(mean: torch.Tensor, std: torch.Tensor, unit: str = "pixel value (0…1)") -> plt.Figure:
    """The mean image, the std image (colour bars in ``unit``) and where ``std == 0`` (per-pixel statistics).

    The ``std == 0`` panel is a yes/no mask: two colours and a legend, not a colour bar.

    Example:
        >>> fig = plot_pixel_statistics(torch.rand(28, 28), torch.rand(28, 28))
        >>> [ax.get_label() for ax in fig.axes][-2:]
        ['<colorbar>', '<colorbar>']
    """
    mean, std = (torch.as_tensor(t).detach().cpu().as_subclass(torch.Tensor).double().squeeze() for t in (mean, std))
    if mean.ndim != 2 or mean.shape != std.shape:
        raise ValueError(f"mean and std must be one H×W image each, got {tuple(mean.shape)} and {tuple(std.shape)}")
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
    for ax, title, image in ((axes[0], "mean μ_j of each pixel", mean), (axes[1], "std σ_j of each pixel", std)):
        shown = ax.imshow(image.numpy(), cmap="viridis")
        ax.set_title(title)
        fig.colorbar(shown, ax=ax, label=unit, shrink=0.85)
    zero = (std == 0).numpy()
    axes[2].imshow(zero, cmap=ListedColormap(["white", COLORS["highlight"]]), vmin=0, vmax=1)
    axes[2].set_title(f"σ_j = 0: {int(zero.sum())} pixels")
    axes[2].legend(handles=[Patch(color=COLORS["highlight"], label="σ_j = 0"),
                            Patch(facecolor="white", edgecolor="black", label="σ_j > 0")],
                   loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=2, frameon=False)
    for ax in axes:
        ax.set(xticks=[], yticks=[])
        ax.grid(False)
    return fig


@course_figure
def plot_training_runs(runs: Mapping[str, TrainingRun], target: float | None = None, smooth: int = 10) -> plt.Figure:
    """Loss curves of several runs on one plot (log scale, moving average) and their validation accuracy.

    ``runs`` maps a name to a ``helpers.standardization.TrainingRun``; a run that diverged ends
    early. ``target`` draws the validation accuracy to reach as a dashed line.

    Example:
        >>> run = TrainingRun(losses=[2.3, 1.0, 0.5], eval_steps=[0, 3], val_accuracies=[0.1, 0.8])
        >>> fig = plot_training_runs({"standardized": run}, target=0.75, smooth=1)
        >>> fig.axes[1].get_ylabel()
        'validation accuracy (%)'
    """
    if not runs or smooth < 1:
        raise ValueError(f"runs must be non-empty and smooth={smooth} >= 1")
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4.2))
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


@course_figure
def plot_loss_contours(landscapes: Mapping[str, LossLandscape]) -> plt.Figure:
    """Contours of the loss landscapes of ``helpers.standardization.loss_landscape``, one panel each.

    Each panel shows the MSE over ``(w1, w2)`` on a log colour scale (its colour bar), the path
    of gradient descent (white) and the minimum (star), with equal scales on both axes, so a
    stretched ellipse really is stretched; the title gives the condition number.

    Example:
        >>> from helpers.standardization import loss_landscape
        >>> x, y = torch.randn(50, 2, generator=torch.Generator().manual_seed(0)), torch.ones(50)
        >>> fig = plot_loss_contours({"raw": loss_landscape(x * torch.tensor([1.0, 3.0]), y, steps=5, grid=30)})
        >>> fig.axes[0].get_aspect()
        1.0
    """
    if not landscapes or not all(isinstance(s, LossLandscape) for s in landscapes.values()):
        raise TypeError("landscapes must map names to helpers.standardization.loss_landscape(...) results")
    width, height = fitted_size(4.6 * len(landscapes), 5.0)
    fig, axes = plt.subplots(1, len(landscapes), figsize=(width, height), squeeze=False)
    for ax, (name, s) in zip(axes[0], landscapes.items(), strict=True):
        loss = s.loss.T.numpy()
        levels = s.best_loss + (float(loss.max()) - s.best_loss) * np.geomspace(1e-3, 1, 12)
        filled = ax.contourf(s.w1.numpy(), s.w2.numpy(), loss, levels=levels, cmap="viridis", norm=LogNorm(),
                             extend="min")
        fig.colorbar(filled, ax=ax, label="MSE (log scale)", shrink=0.8, format="%.3g")
        ax.plot(s.path[:, 0], s.path[:, 1], "w.-", lw=1.5, ms=5)
        ax.plot(*s.minimum.tolist(), "*", color=COLORS["highlight"], mec="black", ms=16)
        ax.set(xlabel="w1", ylabel="w2", aspect="equal", title=f"{name}\ncondition number {s.condition_number:.1f}")
        ax.grid(False)
    steps = ", ".join(sorted({str(s.steps) for s in landscapes.values()}))
    fig.legend(handles=[Line2D([], [], color="white", marker=".", mec="black", lw=1.5,
                               label=f"{steps} steps of gradient descent"),
                        Line2D([], [], color=COLORS["highlight"], marker="*", mec="black", ms=16, lw=0,
                               label="minimum")],
               loc="outside lower center", ncols=2, facecolor="#DDDDDD")
    return fig
