"""Plots shared by the notebooks: image grids (more picture kinds are added per notebook).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

from helpers.standardization import denormalize


def to_display(
    image: torch.Tensor | np.ndarray,
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
) -> np.ndarray:
    """Turn one image into an ``H×W`` or ``H×W×3`` float array in ``[0, 1]`` for ``imshow``.

    Accepts ``uint8`` (0…255) or float (0…1) images, channels first (tensor ``C×H×W``)
    or last (array ``H×W×C``), or plain ``H×W``. A normalized image is mapped back
    with the exact inverse of ``Normalize(mean, std)`` — not min–max rescaling, which
    would hide what normalization did.

    Example:
        >>> to_display(torch.zeros(1, 28, 28, dtype=torch.uint8)).shape
        (28, 28)
    """
    x = torch.as_tensor(np.asarray(image)) if not torch.is_tensor(image) else image.detach().cpu()
    if x.ndim == 3 and x.shape[-1] in (1, 3) and x.shape[0] not in (1, 3):
        x = x.permute(2, 0, 1)
    if x.ndim == 2:
        x = x.unsqueeze(0)
    if x.ndim != 3 or x.shape[0] not in (1, 3):
        raise ValueError(f"image must be H×W, 1×H×W, 3×H×W or H×W×3, got shape {tuple(x.shape)}")
    if x.dtype == torch.uint8:
        x = x.float() / 255
    elif mean is not None or std is not None:
        if mean is None or std is None:
            raise ValueError("mean and std must be given together to undo Normalize")
        x = denormalize(x.float(), mean, std)
    elif x.min() < -1e-6 or x.max() > 1 + 1e-6:
        raise ValueError(
            f"float image values lie in [{x.min():.2f}, {x.max():.2f}], outside [0, 1]; "
            "pass the mean and std of its Normalize to show it"
        )
    x = x.float().clamp(0, 1)
    return x[0].numpy() if x.shape[0] == 1 else x.permute(1, 2, 0).numpy()


def show_images(
    images: Sequence | torch.Tensor,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
    size: float = 1.4,
    suptitle: str | None = None,
) -> plt.Figure:
    """Show images in a grid, each with an optional title; returns the figure.

    Handles 1- and 3-channel images, ``uint8`` or float, and normalized tensors
    (give the ``mean`` and ``std`` of their ``Normalize``).

    Example:
        >>> images, labels = load_mnist()
        >>> fig = show_images(images[:8], titles=[str(int(y)) for y in labels[:8]])
    """
    if len(images) == 0:
        raise ValueError("images is empty; give at least one image")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles has {len(titles)} entries but there are {len(images)} images")
    if ncols < 1:
        raise ValueError(f"ncols={ncols} must be at least 1")
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.3 * bool(suptitle)),
                             squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k >= len(images):
            continue
        shown = to_display(images[k], mean, std)
        ax.imshow(shown, cmap="gray" if shown.ndim == 2 else None, vmin=0, vmax=1)
        if titles is not None:
            ax.set_title(titles[k], fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------
# 03_standardization_math: value histograms, per-pixel statistics, training runs, loss contours
# --------------------------------------------------------------------------------------------
def plot_value_histograms(
    stages: Mapping[str, torch.Tensor | np.ndarray], bins: int = 51, size: tuple[float, float] = (3.2, 2.4)
) -> plt.Figure:
    """One histogram of all values per stage of a pipeline (e.g. uint8 → ToTensor → Normalize).

    The y axis is logarithmic (MNIST is mostly background), each title gives the value range.

    Example:
        >>> x = torch.randint(0, 256, (10, 28, 28), dtype=torch.uint8)
        >>> fig = plot_value_histograms({"uint8": x, "ToTensor": x / 255})
    """
    if not stages:
        raise ValueError("stages is empty; give at least one {name: values}")
    fig, axes = plt.subplots(1, len(stages), figsize=(size[0] * len(stages), size[1]), squeeze=False)
    for ax, (name, values) in zip(axes[0], stages.items(), strict=True):
        v = torch.as_tensor(np.asarray(values) if not torch.is_tensor(values) else values).flatten().double()
        ax.hist(v.detach().cpu().numpy(), bins=bins, color="tab:blue")
        ax.set_yscale("log")
        ax.set_title(f"{name}\nvalues {float(v.min()):.3g} … {float(v.max()):.3g}", fontsize=9)
        ax.set_xlabel("pixel value")
    axes[0, 0].set_ylabel("count (log)")
    fig.tight_layout()
    return fig


def plot_pixel_statistics(mean: torch.Tensor, std: torch.Tensor) -> plt.Figure:
    """The mean image, the std image and where ``std == 0`` (per-pixel statistics), with colour bars.

    Example:
        >>> fig = plot_pixel_statistics(torch.rand(28, 28), torch.rand(28, 28))
    """
    mean, std = (torch.as_tensor(t).detach().cpu().double().squeeze() for t in (mean, std))
    if mean.ndim != 2 or mean.shape != std.shape:
        raise ValueError(f"mean and std must be one H×W image each, got {tuple(mean.shape)} and {tuple(std.shape)}")
    panels = [("mean μ_j of each pixel", mean, "viridis"), ("std σ_j of each pixel", std, "viridis"),
              (f"σ_j = 0: {int((std == 0).sum())} pixels", (std == 0).double(), "Reds")]
    fig, axes = plt.subplots(1, 3, figsize=(9.6, 3.0))
    for ax, (title, image, cmap) in zip(axes, panels, strict=True):
        shown = ax.imshow(image.numpy(), cmap=cmap)
        ax.set_title(title, fontsize=9)
        ax.axis("off")
        fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    return fig


def plot_training_runs(runs: Mapping[str, object], target: float | None = None, smooth: int = 10) -> plt.Figure:
    """Loss curves of several runs on one plot (log scale, moving average) and their validation accuracy.

    ``runs`` maps a name to a ``helpers.standardization.TrainingRun``; a run that diverged ends
    early. ``target`` draws the validation accuracy to reach as a dashed line.

    Example:
        >>> from helpers.standardization import TrainingRun
        >>> run = TrainingRun(losses=[2.3, 1.0, 0.5], eval_steps=[0, 3], val_accuracies=[0.1, 0.8])
        >>> fig = plot_training_runs({"standardized": run}, target=0.75, smooth=1)
    """
    if not runs or smooth < 1:
        raise ValueError(f"runs must be non-empty and smooth={smooth} >= 1")
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.4))
    for name, run in runs.items():
        losses = np.asarray(run.losses, dtype=float)
        window = min(smooth, len(losses))
        averaged = np.convolve(losses, np.ones(window) / window, mode="valid")
        ax_loss.plot(np.arange(window, len(losses) + 1), averaged, label=name)
        ax_acc.plot(run.eval_steps, run.val_accuracies, marker=".", label=name)
    if target is not None:
        ax_acc.axhline(target, color="gray", linestyle="--", label=f"target {target:.0%}")
    ax_loss.set(yscale="log", xlabel="training step", ylabel=f"training loss (mean of {smooth} steps)")
    ax_acc.set(xlabel="training step", ylabel="validation accuracy", ylim=(0, 1))
    ax_loss.legend(fontsize=8)
    ax_acc.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_loss_contours(
    problems: Mapping[str, tuple[torch.Tensor, torch.Tensor]], steps: int = 30, grid: int = 120
) -> plt.Figure:
    """Contours of the MSE of ``y ≈ w1·x1 + w2·x2 + b`` over ``(w1, w2)`` — one panel per scaling of ``x``.

    The bias is held at its best value, so each panel is a slice through the same minimum
    (the star). The white path is ``steps`` of gradient descent from ``w = 0`` with the largest
    stable step size, the same rule for every panel. Axes have equal scales, so a stretched
    ellipse really is stretched.

    Example:
        >>> x, y = torch.randn(50, 2), torch.randn(50)
        >>> fig = plot_loss_contours({"raw": (x * torch.tensor([1.0, 5.0]), y), "standardized": (x, y)})
    """
    from matplotlib.colors import LogNorm

    from helpers.standardization import condition_number, gradient_descent_path, least_squares, mse_surface

    if not problems or steps < 1:
        raise ValueError(f"problems must be non-empty and steps={steps} >= 1")
    fig, axes = plt.subplots(1, len(problems), figsize=(4.4 * len(problems), 4.0), squeeze=False)
    for ax, (name, (x, y)) in zip(axes[0], problems.items(), strict=True):
        w, b = least_squares(x, y)
        path = gradient_descent_path(x, y, steps=steps, bias=b)
        corners = torch.cat([path, w[None]])
        low, high = corners.min(0).values, corners.max(0).values
        pad = 0.25 * (high - low).max().clamp_min(1e-3)
        w1, w2 = torch.linspace(low[0] - pad, high[0] + pad, grid), torch.linspace(low[1] - pad, high[1] + pad, grid)
        loss = mse_surface(x, y, w1, w2, bias=b)
        best = float(mse_surface(x, y, w[:1], w[1:], bias=b)[0, 0])
        levels = best + (float(loss.max()) - best) * np.geomspace(1e-3, 1, 12)
        ax.contourf(w1.numpy(), w2.numpy(), loss.T.numpy(), levels=levels, cmap="viridis", norm=LogNorm(),
                    extend="min")
        ax.plot(path[:, 0], path[:, 1], "w.-", lw=1, ms=3, label=f"{steps} steps of gradient descent")
        ax.plot(*w.tolist(), "r*", ms=12, label="minimum")
        ax.set(xlabel="w1", ylabel="w2", aspect="equal")
        ax.set_title(f"{name}\ncondition number {condition_number(x):.1f}", fontsize=9)
        ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    return fig


def _pipeline_view(value: object) -> tuple[np.ndarray, float, float, str]:
    """What ``show_pipeline_steps`` draws for one intermediate value, and the text under it."""
    from PIL import Image

    if isinstance(value, Image.Image):
        array = np.asarray(value)
        text = f"PIL image {value.width}×{value.height}\nuint8 (mode {value.mode})\n{array.min()}…{array.max()}"
        return array, 0, 255, text
    if not torch.is_tensor(value) or value.ndim not in (2, 3):
        raise ValueError(f"a pipeline step returned {type(value).__name__}; show_pipeline_steps shows PIL images "
                         "and image tensors C×H×W only")
    x = value.detach().cpu().as_subclass(torch.Tensor)
    shape = "×".join(str(s) for s in x.shape)
    low, high = float(x.min()), float(x.max())
    if x.dtype == torch.uint8:
        text, vmin, vmax = f"{low:.0f}…{high:.0f}", 0, 255
    else:
        text, vmin, vmax = f"{low:.2f}…{high:.2f}", min(0.0, low), max(1.0, high)
    array = x.float().numpy()
    if array.ndim == 3:
        array = array[0] if array.shape[0] == 1 else np.moveaxis(array, 0, -1)
    if array.ndim == 3:  # colour: imshow needs values in 0…1
        array, vmin, vmax = np.clip((array - vmin) / (vmax - vmin), 0, 1), 0, 1
    return array, vmin, vmax, f"{type(value).__name__} {shape}\n{str(x.dtype).replace('torch.', '')}\n{text}"


def show_pipeline_steps(transform: object, image: object, seed: int = 0, size: float = 1.7) -> plt.Figure:
    """Pipeline inspector: ``image`` after every step of a ``Compose``, with type, shape, dtype and value range.

    Works for torchvision v1 and v2 ``Compose``. Random steps draw from torch's global
    generator: the inspector seeds it with ``seed`` inside ``torch.random.fork_rng``, so the
    figure is reproducible and your own random state is left as it was.

    Example:
        >>> fig = show_pipeline_steps(lecture_transform("train"), Image.fromarray(load_mnist()[0][0].numpy()))
    """
    steps = getattr(transform, "transforms", None)
    if not isinstance(steps, Sequence) or not steps:
        raise ValueError(f"transform must be a torchvision Compose (v1 or v2) with at least one step, "
                         f"got {type(transform).__name__}")
    values = [("input", image)]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for step in steps:
            values.append((type(step).__name__, step(values[-1][1])))
    fig, axes = plt.subplots(1, len(values), figsize=(size * len(values), size + 0.9), squeeze=False)
    for ax, (name, value) in zip(axes[0], values, strict=True):
        array, vmin, vmax, text = _pipeline_view(value)
        ax.imshow(array, cmap="gray" if array.ndim == 2 else None, vmin=vmin, vmax=vmax)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel(text, fontsize=7)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig


def show_augmented_pairs(
    originals: Sequence | torch.Tensor,
    augmented: Sequence[Sequence] | torch.Tensor,
    titles: Sequence[Sequence[str]] | None = None,
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
    size: float = 1.3,
) -> plt.Figure:
    """Pairs grid: each original in the first column, its augmented copies beside it.

    ``augmented[k]`` holds the copies of ``originals[k]``; give the ``mean``/``std`` of
    their ``Normalize`` (if any) to show them undone exactly. ``titles[k][j]`` says what
    was done to copy ``j`` of row ``k`` (default "copy j").

    Example:
        >>> digits = load_mnist()[0][:2]
        >>> fig = show_augmented_pairs(digits, [[d.flip(-1)] for d in digits], titles=[["flipped"]] * 2)
    """
    if len(originals) == 0 or len(originals) != len(augmented):
        raise ValueError(f"originals ({len(originals)}) and augmented ({len(augmented)}) need the same, "
                         "non-zero number of rows")
    copies = {len(row) for row in augmented}
    if len(copies) != 1 or 0 in copies:
        raise ValueError(f"every row of augmented needs the same, non-zero number of copies, got {sorted(copies)}")
    ncopies = copies.pop()
    if titles is not None and (len(titles) != len(originals) or any(len(row) != ncopies for row in titles)):
        raise ValueError(f"titles must have {len(originals)} rows of {ncopies} titles, like augmented")
    fig, axes = plt.subplots(len(originals), ncopies + 1, figsize=(size * (ncopies + 1), size * len(originals)),
                             squeeze=False)
    for k, row in enumerate(axes):
        panels = [(originals[k], "original", None, None)]
        panels += [(augmented[k][j], titles[k][j] if titles is not None else f"copy {j + 1}", mean, std)
                   for j in range(ncopies)]
        for ax, (image, title, m, s) in zip(row, panels, strict=True):
            shown = to_display(image, m, s)
            ax.imshow(shown, cmap="gray" if shown.ndim == 2 else None, vmin=0, vmax=1)
            ax.set_title(title, fontsize=8, fontweight="bold" if title == "original" else "normal")
            ax.axis("off")
    fig.tight_layout()
    return fig


def show_nearest_vs_bilinear(
    original: torch.Tensor,
    nearest: torch.Tensor,
    bilinear: torch.Tensor,
    box: tuple[int, int, int] = (4, 4, 12),
    notes: Mapping[str, str] | None = None,
    size: float = 2.0,
) -> plt.Figure:
    """The same rotation with nearest-neighbour and bilinear interpolation, whole and zoomed in.

    Top row: the three images with the zoom ``box = (top, left, side)`` marked; bottom row:
    the box enlarged, every pixel a visible square. ``notes["nearest"]`` etc. are written
    under the zoomed panels (e.g. the measured scores).

    Example:
        >>> digit = load_mnist()[0][0]
        >>> fig = show_nearest_vs_bilinear(digit, lecture_steps(digit, 20, interpolation="nearest"),
        ...                                lecture_steps(digit, 20))
    """
    from matplotlib.patches import Rectangle

    panels = {"original": to_display(original), "nearest": to_display(nearest), "bilinear": to_display(bilinear)}
    top, left, side = box
    height, width = panels["nearest"].shape[:2]
    if side < 1 or top < 0 or left < 0 or top + side > height or left + side > width:
        raise ValueError(f"box={tuple(box)} must lie inside the {height}×{width} image (top, left ≥ 0, side ≥ 1)")
    fig, axes = plt.subplots(2, 3, figsize=(3 * size, 2 * size + 0.4))
    for column, (name, shown) in enumerate(panels.items()):
        cmap = "gray" if shown.ndim == 2 else None
        axes[0, column].imshow(shown, cmap=cmap, vmin=0, vmax=1)
        axes[0, column].add_patch(Rectangle((left - 0.5, top - 0.5), side, side, fill=False, color="tab:orange"))
        axes[0, column].set_title(name, fontsize=10)
        axes[1, column].imshow(shown[top:top + side, left:left + side], cmap=cmap, vmin=0, vmax=1,
                               interpolation="nearest")
        axes[1, column].set_xlabel((notes or {}).get(name, "zoomed in"), fontsize=8)
        for ax in axes[:, column]:
            ax.set_xticks([])
            ax.set_yticks([])
    fig.tight_layout()
    return fig


# --- learning curves (01_learning_curves) -------------------------------------------------

from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:  # type hints only: importing helpers.plotting never imports the training engine
    from helpers.curves import LearningCurve, PowerLawFit


def _mean_std_line(ax: plt.Axes, x: np.ndarray, values: np.ndarray, color: str, style: str, label: str) -> None:
    """Mean over repeats (axis 1) as a line with markers, ± one std as a shaded band."""
    mean, std = values.mean(1), values.std(1)
    ax.plot(x, mean, style, color=color, marker="o", markersize=3, label=label)
    ax.fill_between(x, mean - std, mean + std, color=color, alpha=0.15, linewidth=0)


def plot_learning_curves(curves: LearningCurve | Sequence[LearningCurve], size: float = 3.4) -> plt.Figure:
    """Learning curves in three panels against the training size (log scale), mean ± std over repeats:
    train (dashed) and validation (solid) accuracy, the train–validation gap, and fit time per model.

    Several curves (e.g. softmax and an MLP) share the panels, one colour each.

    Example (illustrative, not run)::

            fig = plot_learning_curves([softmax_curve, mlp_curve])
    """
    curves = [curves] if not isinstance(curves, Sequence) else list(curves)
    if not curves:
        raise ValueError("curves is empty; give one LearningCurve or a list of them")
    fig, (acc, gap, fit) = plt.subplots(1, 3, figsize=(3.6 * size, size))
    for k, curve in enumerate(curves):
        color, n = f"C{k}", curve.sizes
        _mean_std_line(acc, n, curve.train_acc * 100, color, "--", f"{curve.model} · train")
        _mean_std_line(acc, n, curve.val_acc * 100, color, "-", f"{curve.model} · validation")
        _mean_std_line(gap, n, (curve.train_acc - curve.val_acc) * 100, color, "-", curve.model)
        _mean_std_line(fit, n, curve.fit_time, color, "-", curve.model)
    repeats = ", ".join(sorted({str(c.repeats) for c in curves}))
    for ax, title, ylabel in ((acc, f"accuracy (mean ± std of {repeats} repeats)", "accuracy (%)"),
                              (gap, "train − validation gap", "percentage points"),
                              (fit, "fit time per model", "seconds (share of the batched run)")):
        ax.set(xscale="log", title=title, xlabel="training examples", ylabel=ylabel)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_power_law(curve: LearningCurve, fit: PowerLawFit, predict_at: Sequence[int], size: float = 3.6) -> plt.Figure:
    """A power-law fit to validation accuracy with its band, the measured points (filled: used for
    the fit; hollow: held back) and the predictions at ``predict_at`` with their band as error bars.

    Example (illustrative, not run)::

            backtest = fit_power_law(curve, max_size=2000)
            fig = plot_power_law(curve, backtest, predict_at=[3500])
    """
    predict_at = np.asarray(predict_at, dtype=float)
    if predict_at.size == 0 or (predict_at <= 0).any():
        raise ValueError(f"predict_at={predict_at.tolist()} must hold at least one positive training size")
    if not np.isin(fit.sizes, curve.sizes).all():
        raise ValueError(f"fit was made on sizes {fit.sizes.tolist()}, not all of them in curve.sizes")
    fig, ax = plt.subplots(figsize=(1.7 * size, size))
    grid = np.geomspace(curve.sizes.min(), max(curve.sizes.max(), predict_at.max()) * 1.15, 200)
    lower, upper = fit.band(grid)
    ax.fill_between(grid, (1 - upper) * 100, (1 - lower) * 100, color="C0", alpha=0.2,
                    label=f"{fit.level:.0%} bootstrap band")
    ax.plot(grid, (1 - fit.predict(grid)) * 100, color="C0", label="power law: error = a·n^(−b) + c")
    ax.axhline((1 - fit.c) * 100, color="gray", linestyle=":", label=f"limit 1 − c = {(1 - fit.c) * 100:.1f}%")
    used = np.isin(curve.sizes, fit.sizes)
    mean, std = curve.val_acc.mean(1) * 100, curve.val_acc.std(1) * 100
    ax.errorbar(curve.sizes[used], mean[used], std[used], fmt="o", color="k", label="measured, used for the fit")
    if (~used).any():
        ax.errorbar(curve.sizes[~used], mean[~used], std[~used], fmt="o", color="k", mfc="white", zorder=5,
                    label="measured, held back")
    predicted, (lo, hi) = (1 - fit.predict(predict_at)) * 100, fit.band(predict_at)
    ax.errorbar(predict_at, predicted, [predicted - (1 - hi) * 100, (1 - lo) * 100 - predicted], fmt="D",
                color="C3", capsize=4, label="prediction")
    for n, p in zip(predict_at, predicted, strict=True):
        ax.annotate(f"{p:.1f}%", (n, p), textcoords="offset points", xytext=(6, -12), color="C3", fontsize=9)
    ax.set(xscale="log", xlabel="training examples", ylabel="validation accuracy (%)",
           title=f"{curve.model}: power law fit on sizes ≤ {int(fit.sizes.max())}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


# --- augmentation vs more data (04_augmentation_vs_more_data) ------------------------------

if TYPE_CHECKING:
    from helpers.curves import Worth


def plot_augmentation_curves(pairs: Mapping[str, tuple[LearningCurve, LearningCurve]],
                             size: float = 3.4) -> plt.Figure:
    """One panel per model kind: validation accuracy without (grey) and with augmentation (colour),
    mean ± std over repeats, against the training size (log scale).

    ``pairs[name] = (plain_curve, augmented_curve)``; give each curve evaluated through its own
    matching test pipeline.

    Example (illustrative, not run)::

            fig = plot_augmentation_curves({"small CNN": (cnn_plain, cnn_aug), "softmax": (sm_plain, sm_aug)})
    """
    if not pairs or any(len(pair) != 2 for pair in pairs.values()):
        raise ValueError("pairs must map each model name to a (without augmentation, with augmentation) pair of curves")
    fig, axes = plt.subplots(1, len(pairs), figsize=(1.3 * size * len(pairs), size), squeeze=False, sharey=True)
    for k, (ax, (name, (plain, augmented))) in enumerate(zip(axes[0], pairs.items(), strict=True)):
        _mean_std_line(ax, plain.sizes, plain.val_acc * 100, "gray", "--", "without augmentation")
        _mean_std_line(ax, augmented.sizes, augmented.val_acc * 100, f"C{k}", "-", "with augmentation")
        ax.set(xscale="log", xlabel="training examples", title=f"{name} (mean ± std of {plain.repeats} repeats)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    axes[0, 0].set_ylabel("validation accuracy (%)")
    fig.tight_layout()
    return fig


def plot_worth_examples(rows: Sequence[Worth], size: float = 3.6) -> plt.Figure:
    """"Augmentation is worth N examples": for each size trained with augmentation, the size the
    un-augmented curve needs for the same accuracy (log–log), with the line "worth nothing" (y = x).

    Filled markers are interpolated between measured sizes, hollow ones extrapolated with a power
    law; each point is labelled with its factor; sizes the power law says are never reached sit at
    the top edge as triangles.

    Example (illustrative, not run)::

            fig = plot_worth_examples(augmentation_worth(aug_curve, plain_curve, fit))
    """
    if not rows:
        raise ValueError("rows is empty; give the list from augmentation_worth")
    fig, ax = plt.subplots(figsize=(1.5 * size, size))
    n = np.array([r.size for r in rows], dtype=float)
    finite = [r for r in rows if np.isfinite(r.equivalent)]
    top = max([r.equivalent for r in finite] + [n.max()]) * 2
    ax.plot([n.min() / 1.5, top], [n.min() / 1.5, top], ":", color="gray", label="worth nothing (y = x)")
    for how, fill in (("interpolated", "C0"), ("extrapolated", "white")):
        chosen = [r for r in finite if r.how == how]
        if chosen:
            ax.plot([r.size for r in chosen], [r.equivalent for r in chosen], "o", color="C0", mfc=fill, ms=7,
                    label=f"{how} on the curve without augmentation" if how == "interpolated"
                    else "extrapolated with the power law")
    never = [r for r in rows if np.isinf(r.equivalent)]
    if never:
        ax.plot([r.size for r in never], [top] * len(never), "^", color="C3", label="never, by the power law")
    for r in finite:
        ax.annotate(f"×{r.factor:.1f}", (r.size, r.equivalent), textcoords="offset points", xytext=(6, -3), fontsize=9)
    ax.set(xscale="log", yscale="log", xlabel="training examples, with augmentation",
           ylabel="examples needed without augmentation", title="augmentation is worth N examples")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def plot_accuracy_vs_angle(angles: Sequence[float], accuracies: Mapping[str, np.ndarray],
                           trained_range: float | None = None, size: float = 3.4) -> plt.Figure:
    """Accuracy on digits rotated by fixed angles, one line (mean ± std over repeats) per model.

    ``accuracies[name]`` has one row per angle and one column per repeat; ``trained_range``
    shades the angles the augmentation drew from (e.g. 30 for ±30°).

    Example:
        >>> fig = plot_accuracy_vs_angle([-30, 0, 30], {"no aug.": np.full((3, 2), 0.8)}, trained_range=30)
    """
    angles = np.asarray(angles, dtype=float)
    if not accuracies or any(np.shape(a)[0] != len(angles) or np.ndim(a) != 2 for a in accuracies.values()):
        raise ValueError(f"accuracies must map names to arrays of shape ({len(angles)} angles, repeats)")
    fig, ax = plt.subplots(figsize=(1.5 * size, size))
    if trained_range is not None:
        ax.axvspan(-trained_range, trained_range, color="C2", alpha=0.08,
                   label=f"angles seen in training (±{trained_range:g}°)")
    for k, (name, values) in enumerate(accuracies.items()):
        _mean_std_line(ax, angles, np.asarray(values) * 100, f"C{k}", "-", name)
    ax.set(xlabel="rotation of the validation digits (degrees)", ylabel="accuracy (%)",
           title="robustness to rotation")
    ax.set_xticks(angles)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
