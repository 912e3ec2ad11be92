"""Live explorers for notebooks 01, 03 and 04: one "what happens if…" question each, on a slider.

Each is a ``helpers.explorer_base.FigureExplorer``: everything expensive happens once, when it is built (the fits,
the loss landscapes, the models' predictions at every angle); a slider, updated when released, only looks up
(03's learning rate runs its gradient-descent steps the first time a rate is chosen, then looks them up).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from helpers.batched import as_float_images
from helpers.curves import LearningCurve, PowerLawFit, check_curve
from helpers.explorer_base import FigureExplorer
from helpers.extrapolation import MIN_SIZES, fit_power_law
from helpers.geometry import LossLandscape, gradient_descent_path, loss_landscape, path_losses
from helpers.plotting.images import draw_predicted_digits
from helpers.plotting.learning import draw_accuracy_vs_angle, draw_band
from helpers.plotting.style import COLORS
from helpers.plotting.values import draw_descent_path, draw_loss_contours, loss_colour_bar, loss_levels
from helpers.training import TrainedModels  # the 04 explorer evaluates kept models on rotated digits
from helpers.transforms import FusedAugment
from helpers.validation import check_in_range, check_int

__all__ = ["AngleExplorer", "ExtrapolationExplorer", "ScalingExplorer"]


# 01: how far can I extrapolate a learning curve?
class ExtrapolationExplorer(FigureExplorer):
    """A slider "measured up to N examples": the power law fitted to those sizes only, and its band.

    Shows the mean validation accuracy (and every repeat) up to ``N``, the power law ``err = a·n^(−b) + c`` fitted
    to them (``fit_power_law(curve, max_size=N)``) with its bootstrap band, and the sizes beyond ``N`` greyed out
    until the "reveal" box is ticked.

    >>> curve = LearningCurve("softmax", np.array([100, 200, 400, 800, 1600]), np.ones((5, 3)),
    ...                       1 - (0.5 * np.array([100, 200, 400, 800, 1600])[:, None] ** -0.5 + 0.05
    ...                            + np.linspace(-0.004, 0.004, 3)), np.zeros((5, 3)), epochs=1)
    >>> explorer = ExtrapolationExplorer(curve, n_boot=20)
    >>> explorer.set(measured_up_to=400, reveal=True)
    >>> explorer.numbers["inside"]  # the measurement at 1,600 lies in the band predicted from ≤ 400
    True
    """

    def __init__(self, curve: LearningCurve, n_boot: int = 200, level: float = 0.9, seed: int = 0) -> None:
        check_curve(curve)
        if len(curve.sizes) < MIN_SIZES + 1:
            raise ValueError(f"curve has {len(curve.sizes)} sizes ({curve.sizes.tolist()}); the explorer needs at "
                             f"least {MIN_SIZES + 1}: {MIN_SIZES} to fit a power law and one beyond to check it")
        self.curve, self.sizes, self.level = curve, [int(n) for n in curve.sizes], level
        self.grid = np.geomspace(self.sizes[0] / 1.2, self.sizes[-1] * 1.2, 150)
        self.fits: dict[int, PowerLawFit | None] = {}
        self._bands: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        positions = self.sizes[MIN_SIZES - 1:-1]  # of the slider (the largest size leaves nothing to check)
        for n in positions:
            try:
                fit = fit_power_law(curve, max_size=n, n_boot=n_boot, level=level, seed=seed)
            except RuntimeError:  # the power law did not converge on these few points
                fit = None
            self.fits[n] = fit
            if fit is not None:
                lower, upper = fit.band(self.grid)
                self._bands[n] = (100 * (1 - fit.predict(self.grid)), 100 * (1 - upper), 100 * (1 - lower))
        self.mean = 100 * curve.val_acc.mean(axis=1)
        options = [(f"{n:,}", n) for n in positions]
        self.controls = {
            "measured_up_to": widgets.SelectionSlider(options=options, value=options[len(options) // 2][1],
                                                      description="measured up to N =", continuous_update=False,
                                                      style={"description_width": "initial"}),
            "reveal": widgets.Checkbox(value=False, description="reveal the points measured beyond N", indent=False,
                                      layout=widgets.Layout(width="auto")),
        }
        self._start()

    def _dynamic(self, artists: dict[str, object]) -> list:
        names = ("fit", "used", "used_repeats", "beyond", "beyond_repeats", "cut")
        return [*artists["bands"].values(), *(artists[name] for name in names), artists["ax"].title]

    def _numbers(self, values: Mapping[str, object]) -> dict[str, object]:
        n, largest = int(values["measured_up_to"]), self.sizes[-1]
        fit, measured = self.fits.get(n), float(self.mean[-1])
        numbers = {"measured_up_to": n, "largest": largest, "measured": measured, "predicted": None, "lower": None,
                   "upper": None, "inside": None}
        if fit is None:
            return numbers
        lower, upper = (100 * (1 - float(e[0])) for e in reversed(fit.band([largest])))
        predicted = 100 * (1 - float(fit.predict([largest])[0]))
        return {**numbers, "predicted": predicted, "lower": lower, "upper": upper, "inside": lower <= measured <= upper}

    def _build(self, fig: Figure) -> dict[str, object]:
        ax = fig.add_subplot()
        colour, grey = COLORS["validation"], COLORS["not yet revealed"]
        bands = {n: draw_band(ax, self.grid, low, high, colour, visible=False)
                 for n, (_, low, high) in self._bands.items()}
        sizes = np.asarray(self.sizes, dtype=float)
        repeats = np.repeat(sizes, self.curve.repeats)
        artists = {
            "ax": ax, "bands": bands,
            "fit": ax.plot([], [], color=colour, linewidth=2, label="power law fitted to the points up to N")[0],
            "used": ax.plot([], [], "o", color=colour, markersize=8, label="measured up to N (mean)")[0],
            "used_repeats": ax.plot([], [], ".", color=colour, alpha=0.4, markersize=5)[0],
            "beyond": ax.plot([], [], "o", markersize=8, markerfacecolor="white", markeredgewidth=2,
                              color=grey, label="measured beyond N")[0],
            "beyond_repeats": ax.plot([], [], ".", color=grey, alpha=0.4, markersize=5)[0],
            "cut": ax.axvline(self.sizes[0], color="k", linestyle=":", linewidth=1.5),
            "sizes": sizes, "repeats": repeats, "values": 100 * self.curve.val_acc.reshape(-1),
        }
        draw_band(ax, [], [], [], colour, label=f"{self.level:.0%} bootstrap band")
        low = min(float(self.mean.min()), float(np.percentile(artists["values"], 2))) - 3
        ax.set(xscale="log", xlim=(self.grid[0], self.grid[-1]), ylim=(low, min(100.5, self.mean.max() + 4)),
               xlabel="training examples", ylabel="validation accuracy (%)")
        ax.legend(loc="lower right")
        return artists

    def _draw(self, artists: dict[str, object], values: Mapping[str, object], numbers: dict[str, object]) -> str:
        n, reveal = numbers["measured_up_to"], bool(values["reveal"])
        sizes, repeats, points = artists["sizes"], artists["repeats"], artists["values"]
        used = sizes <= n
        artists["used"].set_data(sizes[used], self.mean[used])
        artists["used_repeats"].set_data(repeats[repeats <= n], points[repeats <= n])
        artists["beyond"].set_data(sizes[~used], self.mean[~used])
        artists["beyond_repeats"].set_data(repeats[repeats > n], points[repeats > n])
        colour = COLORS["validation"] if reveal else COLORS["not yet revealed"]
        for name in ("beyond", "beyond_repeats"):
            artists[name].set(color=colour, alpha=1.0 if reveal else 0.5)
        artists["beyond"].set_markerfacecolor("white")
        artists["cut"].set_xdata([n, n])
        for size, band in artists["bands"].items():
            band.set_visible(size == n)
        if n in self._bands:
            artists["fit"].set_data(self.grid, self._bands[n][0])
        else:
            artists["fit"].set_data([], [])
        artists["ax"].set_title(f"{self.curve.model}: power law fitted to the {int(used.sum())} sizes ≤ {n:,}")
        return self._caption(numbers, reveal)

    def _caption(self, numbers: dict[str, object], reveal: bool) -> str:
        n, largest = numbers["measured_up_to"], numbers["largest"]
        if numbers["predicted"] is None:
            return f"measured up to {n:,}: the power law did not converge on these points"
        text = (f"measured up to {n:,}: predicts {numbers['predicted']:.1f}% at {largest:,} examples "
                f"({self.level:.0%} band {numbers['lower']:.1f} … {numbers['upper']:.1f}%)")
        if not reveal:
            return text + " · tick 'reveal' to compare with the measurement"
        verdict = "inside" if numbers["inside"] else "OUTSIDE"
        return text + f" · measured {numbers['measured']:.1f}%: {verdict} the band"


# 03: why does the scaling of the inputs matter for gradient descent?
class ScalingExplorer(FigureExplorer):
    """Gradient descent on the loss of ``y ≈ w1·x1 + w2·x2 + b`` for each of the notebook's input scalings.

    ``scalings`` maps a name to a function of the inputs ``x`` (N×2) that returns them scaled (the first is shown
    first). Left: the loss landscape of the scaled problem (one colour scale for every scaling, the bias at its best
    value) and ``steps`` gradient-descent steps from ``w = 0``; the caption says after how many steps the weights
    are within ``tolerance`` (relative) of the best ones — the loss alone would hide a slow direction, as most of it
    goes in a few steps down a valley's steep side — or that it diverged (the loss grew), above ``step_limit`` 2/L.
    Right: histograms of the two scaled features with their mean (solid) and mean ± std (dashed).

    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.randn(100, 2, generator=g, dtype=torch.float64) * torch.tensor([1.0, 5.0]) + 10
    >>> scalings = {"raw": lambda x: x, "standardized": lambda x: (x - x.mean(0)) / x.std(0)}
    >>> explorer = ScalingExplorer(x, x @ torch.tensor([1.0, -0.5], dtype=torch.float64) + 2, scalings)
    >>> explorer.set(scaling="standardized", lr=0.3)
    >>> explorer.numbers["steps"] is not None and not explorer.numbers["diverged"]
    True
    """

    def __init__(self, x: torch.Tensor, y: torch.Tensor,
                 scalings: Mapping[str, Callable[[torch.Tensor], torch.Tensor]], steps: int = 300,
                 tolerance: float = 0.01, lr: float = 0.01, lr_range: tuple[float, float] = (1e-5, 10.0),
                 feature_names: Sequence[str] = ("feature 1", "feature 2"), bins: int = 30) -> None:
        x, y = torch.as_tensor(x).detach().cpu().double(), torch.as_tensor(y).detach().cpu().double()
        if x.ndim != 2 or x.shape[1] != 2 or y.shape != (len(x),) or len(x) < 3:
            raise ValueError(f"x must be N×2 and y of length N (N ≥ 3), got x {tuple(x.shape)} and y {tuple(y.shape)}")
        if not (torch.isfinite(x).all() and torch.isfinite(y).all()):
            raise ValueError("x and y must hold finite numbers only (found NaN or inf)")
        if (x.std(0) == 0).any():
            raise ValueError("x has a constant column; allowed: two features that vary")
        if not isinstance(scalings, Mapping) or not scalings or not all(map(callable, scalings.values())):
            raise TypeError(f"scalings must be a non-empty dict name → function of x returning x scaled, "
                            f"got {type(scalings).__name__}")
        check_int("steps", steps)
        check_in_range("tolerance", tolerance, 0, 1, low_closed=False, high_closed=False)
        if not 0 < lr_range[0] < lr_range[1] or not lr_range[0] <= lr <= lr_range[1]:
            raise ValueError(f"lr={lr!r} and lr_range={lr_range!r}: need 0 < low < high and low ≤ lr ≤ high")
        if len(feature_names) != 2:
            raise ValueError(f"feature_names={list(feature_names)} must hold two names")
        self.y, self.steps, self.tolerance, self.bins = y, steps, tolerance, bins
        self.feature_names = [str(name) for name in feature_names]
        self.inputs: dict[str, torch.Tensor] = {}
        for name, scale in scalings.items():
            scaled = torch.as_tensor(scale(x)).detach().cpu().double()
            if scaled.shape != x.shape or not torch.isfinite(scaled).all():
                raise ValueError(f"scalings[{name!r}] must return finite inputs of shape {tuple(x.shape)}, got "
                                 f"{tuple(scaled.shape)}")
            self.inputs[str(name)] = scaled
        self.landscapes: dict[str, LossLandscape] = {name: loss_landscape(scaled, y, steps=steps, grid=80)
                                                     for name, scaled in self.inputs.items()}
        self.levels = loss_levels(self.landscapes.values())
        self._paths: dict[tuple[str, float], tuple[np.ndarray, np.ndarray]] = {}
        low, high = math.log10(lr_range[0]), math.log10(lr_range[1])
        self.controls = {
            "scaling": widgets.ToggleButtons(options=list(self.inputs), value=next(iter(self.inputs)),
                                             description="inputs"),
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=low, max=high, step=(high - low) / 50,
                                         description="learning rate", readout_format=".1e",
                                         continuous_update=False, style={"description_width": "initial"}),
        }
        self._start()

    def path_losses(self, scaling: str, lr: float) -> tuple[np.ndarray, np.ndarray]:
        """The weights ``(steps + 1)×2`` gradient descent visits and the loss at each (may overflow to inf)."""
        key = (scaling, float(lr))
        if key not in self._paths:
            x, bias = self.inputs[scaling], self.landscapes[scaling].bias
            path = gradient_descent_path(x, self.y, self.steps, lr=float(lr), bias=bias)
            with np.errstate(invalid="ignore", over="ignore"):
                losses = path_losses(x, self.y, path, bias=bias)
            if len(self._paths) > 100:
                self._paths.clear()
            self._paths[key] = (path.numpy(), losses.numpy())
        return self._paths[key]

    def _background_values(self) -> dict[object, dict[str, object]]:
        return {scaling: {**self.values(), "scaling": scaling} for scaling in self.inputs}

    def _background_key(self, values: Mapping[str, object]) -> object:
        return values["scaling"]

    def _dynamic(self, artists: dict[str, object]) -> list:
        return [artists["path"]]

    def _numbers(self, values: Mapping[str, object]) -> dict[str, object]:
        scaling, lr = str(values["scaling"]), float(values["lr"])
        landscape = self.landscapes[scaling]
        best = landscape.minimum.numpy()
        path, losses = self.path_losses(scaling, lr)
        with np.errstate(invalid="ignore", over="ignore"):  # a diverging path overflows to inf
            distance = np.linalg.norm(path - best, axis=1) / np.linalg.norm(best)
        reached = np.flatnonzero(distance <= self.tolerance)
        final = float(losses[-1])
        return {"scaling": scaling, "lr": lr, "lr_limit": landscape.step_limit,
                "steps": int(reached[0]) if len(reached) else None,
                "diverged": bool(not math.isfinite(final) or final > losses[0]),
                "start_loss": float(losses[0]), "final_loss": final, "best_loss": landscape.best_loss}

    def _build(self, fig: Figure) -> dict[str, object]:
        left, right = fig.subplots(1, 2, width_ratios=[1.25, 1])
        surfaces, histograms = {}, {}
        norm = LogNorm(self.levels[0], self.levels[-1])  # one colour scale (and colour bar) for every scaling
        feature_colours = (COLORS["first feature"], COLORS["second feature"])
        for name, landscape in self.landscapes.items():
            surfaces[name] = draw_loss_contours(left, landscape, self.levels, norm)
            x = self.inputs[name].numpy()
            edges = np.histogram_bin_edges(x, bins=self.bins)
            parts = []
            for j, colour in enumerate(feature_colours):
                counts, _ = np.histogram(x[:, j], bins=edges)
                mean, std = x[:, j].mean(), x[:, j].std()
                parts += [right.stairs(counts, edges, fill=True, color=colour, alpha=0.55),
                          right.axvline(mean, color=colour, linewidth=2.5)]
                parts += [right.axvline(mean + s, color=colour, linewidth=1.5, linestyle="--") for s in (-std, std)]
            histograms[name] = (parts, (edges[0], edges[-1]))
        loss_colour_bar(fig, surfaces[next(iter(surfaces))][0], left)
        artists = {"left": left, "right": right, "surfaces": surfaces, "histograms": histograms,
                   "path": draw_descent_path(left, np.zeros((0, 2)), label="gradient descent from w = 0")}
        left.legend(handles=[artists["path"], surfaces[next(iter(surfaces))][1]], loc="upper left",
                    facecolor=COLORS["legend on a colour map"])
        right.set(xlabel="scaled input value", ylabel="examples")
        for name, colour in zip(self.feature_names, feature_colours, strict=True):  # legend entries of the features
            right.plot([], [], color=colour, linewidth=6, alpha=0.55, label=name)
        right.plot([], [], color=COLORS["measured"], linewidth=2.5, label="mean")
        right.plot([], [], color=COLORS["measured"], linewidth=1.5, linestyle="--", label="mean ± std")
        right.legend(loc="best")
        return artists

    def _draw(self, artists: dict[str, object], values: Mapping[str, object], numbers: dict[str, object]) -> str:
        scaling, lr = numbers["scaling"], numbers["lr"]
        landscape = self.landscapes[scaling]
        for name in self.inputs:
            for part in [*artists["surfaces"][name], *artists["histograms"][name][0]]:
                part.set_visible(name == scaling)
        left, right = artists["left"], artists["right"]
        path, _ = self.path_losses(scaling, lr)
        w1, w2 = landscape.w1.numpy(), landscape.w2.numpy()
        span = 4 * (w1[-1] - w1[0])  # drop what flew far off the picture (or overflowed)
        keep = np.isfinite(path).all(1) & (np.abs(path - landscape.minimum.numpy()).max(1) < span)
        last = len(path) if keep.all() else int(np.argmin(keep)) + 1  # up to the first point far away
        artists["path"].set_data(path[:last, 0], path[:last, 1])
        left.set(xlim=(w1[0], w1[-1]), ylim=(w2[0], w2[-1]), title=f"loss over (w1, w2) · {scaling}")
        low, high = artists["histograms"][scaling][1]
        pad = 0.05 * (high - low)
        right.set(xlim=(low - pad, high + pad), title=f"inputs: {scaling}")
        right.relim(visible_only=True)
        right.autoscale(axis="y")
        right.set_ylim(0, None)
        return self._caption(numbers)

    def _caption(self, numbers: dict[str, object]) -> str:
        text = (f"{numbers['scaling']}, learning rate {numbers['lr']:.1e} "
                f"(diverges above 2/L = {numbers['lr_limit']:.1e})")
        if numbers["diverged"]:
            return text + (f": DIVERGES — the loss grew from {numbers['start_loss']:.3g} to "
                           f"{numbers['final_loss']:.3g} in {self.steps} steps")
        if numbers["steps"] is None:
            ratio = numbers["final_loss"] / numbers["best_loss"]
            return text + (f": not within {self.tolerance:.0%} of the best weights after {self.steps} steps "
                           f"(loss {ratio:.4f}× the lowest)")
        return text + f": within {self.tolerance:.0%} of the best weights after {numbers['steps']} steps"


# 04: where does augmentation pay off?
class AngleExplorer(FigureExplorer):
    """An angle slider rotates the validation digits; accuracy and predictions of kept models at that angle.

    ``models`` maps a name to the ``TrainedModels`` of a learning curve (``learning_curve(..., keep_models=True)
    .models``), of which those of training size ``sizes[size_index]`` (all repeats) are used; ``pipelines`` maps the
    same names to each one's test pipeline (a ``FusedAugment``, whose ``apply(images, angle=…)`` rotates; default a
    plain rotation). Left: the validation accuracy against the angle (mean over repeats, band mean ± std), the angle
    marked. Right: the ``digits`` rotated, with each model's prediction (repeat 0) in its colour.

    In 04, with its kept models and validation digits::

        explorer = AngleExplorer({"without augmentation": cnn_plain.models, "with augmentation": cnn_aug.models},
                                 val_images, val_labels, pipelines=rotate, trained_range=DEGREES)
        explorer.set(angle=45)
        explorer.numbers["accuracy"]  # {'without augmentation': …, 'with augmentation': …}
    """

    def __init__(self, models: Mapping[str, TrainedModels], images: torch.Tensor, labels: torch.Tensor,
                 pipelines: Mapping[str, Callable] | None = None, angles: Sequence[float] = tuple(range(-90, 91, 5)),
                 size_index: int = -1, digits: Sequence[int] = tuple(range(6)), trained_range: float | None = None,
                 angle: float = 0) -> None:
        if not isinstance(models, Mapping) or not models:
            raise TypeError(f"models must be a non-empty dict name → TrainedModels, got {type(models).__name__}")
        for name, kept in models.items():
            if not isinstance(kept, TrainedModels):
                raise TypeError(f"models[{name!r}] must be TrainedModels (learning_curve(..., keep_models=True)"
                                f".models), got {type(kept).__name__}")
        pipelines = {name: FusedAugment(resize=28) for name in models} if pipelines is None else dict(pipelines)
        if set(pipelines) != set(models):
            raise ValueError(f"pipelines has names {sorted(pipelines)} but models has {sorted(models)}; "
                             "allowed: the same names")
        images = as_float_images(torch.as_tensor(images).detach().cpu())
        labels = torch.as_tensor(labels).detach().cpu()
        if images.ndim != 4 or labels.shape != (len(images),) or len(images) == 0:
            raise ValueError(f"images must be N×1×H×W (or N×H×W) and labels of length N, got images "
                             f"{tuple(images.shape)} and labels {tuple(labels.shape)}")
        self.angles = [float(a) for a in angles]
        if len(self.angles) < 2 or sorted(set(self.angles)) != self.angles:
            raise ValueError(f"angles={list(angles)} must be at least two increasing, distinct angles")
        if angle not in self.angles:
            raise ValueError(f"angle={angle!r} must be one of angles ({self.angles[0]:g} … {self.angles[-1]:g})")
        self.digits = [int(d) for d in digits]
        if not self.digits or len(self.digits) > 8 or min(self.digits) < 0 or max(self.digits) >= len(images):
            raise ValueError(f"digits={list(digits)} must be 1 to 8 indices in 0…{len(images) - 1}")
        self.names, self.trained_range = list(models), trained_range
        self.accuracy, self.predictions, shown = {}, {}, []  # name → angles × repeats, name → angles × digits
        for name, kept in models.items():
            one_size = _one_size(kept, size_index)
            acc, pred = [], []
            for a in self.angles:
                rotated = pipelines[name].apply(images, angle=a)
                guess = one_size.predict(rotated)[0]  # repeats × N
                acc.append((guess == labels).double().mean(-1).numpy())
                pred.append(guess[0, self.digits].numpy())
                if name == self.names[0]:
                    shown.append(rotated[self.digits, 0].numpy())
            self.accuracy[name], self.predictions[name] = 100 * np.stack(acc), np.stack(pred)
        self.shown, self.labels = np.stack(shown), labels[self.digits].numpy()
        step = min(b - a for a, b in zip(self.angles, self.angles[1:], strict=False))
        self.controls = {"angle": widgets.FloatSlider(value=float(angle), min=self.angles[0], max=self.angles[-1],
                                                      step=step, description="rotation (°)", readout_format=".0f",
                                                      continuous_update=False)}
        self._start()

    def _dynamic(self, artists: dict[str, object]) -> list:
        texts = [text for row in artists["texts"] for text in row]
        return [*artists["markers"].values(), artists["cursor"], *artists["pictures"], *texts]

    def _index(self, angle: float) -> int:
        return int(np.argmin(np.abs(np.asarray(self.angles) - float(angle))))

    def _numbers(self, values: Mapping[str, object]) -> dict[str, object]:
        k = self._index(values["angle"])
        return {"angle": self.angles[k],
                "accuracy": {name: float(acc[k].mean()) for name, acc in self.accuracy.items()},
                "predictions": {name: pred[k].tolist() for name, pred in self.predictions.items()},
                "labels": self.labels.tolist()}

    def _build(self, fig: Figure) -> dict[str, object]:
        cols = math.ceil(len(self.digits) / 2)  # two rows of digits
        grid = fig.add_gridspec(1, 2, width_ratios=[1.6 * cols, cols])
        ax = fig.add_subplot(grid[0, 0])
        lines = draw_accuracy_vs_angle(ax, self.angles, {name: acc / 100 for name, acc in self.accuracy.items()},
                                       self.trained_range)  # the same drawing as 04's plot_accuracy_vs_angle
        colours = {name: line.get_color() for name, line in lines.items()}
        markers = {name: ax.plot([], [], "o", color=colours[name], markersize=10, markeredgecolor="black")[0]
                   for name in self.names}
        cursor = ax.axvline(0, color=COLORS["measured"], linestyle=":", linewidth=1.5)
        ax.set(ylabel="validation accuracy (%)", ylim=(0, 100), xlim=(self.angles[0], self.angles[-1]))
        ax.legend(loc="lower center")
        pictures, texts = draw_predicted_digits(fig, grid[0, 1], self.shown[0], colours, ncols=cols)
        return {"ax": ax, "markers": markers, "cursor": cursor, "pictures": pictures, "texts": texts}

    def _draw(self, artists: dict[str, object], values: Mapping[str, object], numbers: dict[str, object]) -> str:
        k, angle = self._index(values["angle"]), numbers["angle"]
        artists["cursor"].set_xdata([angle, angle])
        for name, marker in artists["markers"].items():
            marker.set_data([angle], [numbers["accuracy"][name]])
        for i, (picture, texts) in enumerate(zip(artists["pictures"], artists["texts"], strict=True)):
            picture.set_data(self.shown[k, i])
            for name, text in zip(self.names, texts, strict=True):
                guess = int(self.predictions[name][k, i])
                text.set_text(f"{guess} {'✓' if guess == self.labels[i] else '✗'}")
        return f"rotated by {angle:+.0f}°: validation accuracy " + " · ".join(
            f"{name} {acc:.1f}%" for name, acc in numbers["accuracy"].items())


def _one_size(models: TrainedModels, size_index: int) -> TrainedModels:
    """The models of one training size (all its repeats) out of a learning curve's ``TrainedModels``."""
    sizes, repeats = models.shape
    if not -sizes <= size_index < sizes:
        raise ValueError(f"size_index={size_index} is out of range for {sizes} training sizes")
    start = (size_index % sizes) * repeats
    params = {name: p[start:start + repeats] for name, p in models.params.items()}
    return TrainedModels(models.model, models.template, params, (1, repeats))
