"""Learning curves as numbers: the ``LearningCurve`` record and what can be read off it (numpy/scipy only).

A learning curve holds one row per training size and one column per repeat. This module
fits a power law ``err(n) = a·n^(−b) + c`` to its mean validation error (with a bootstrap
band over the repeats and the validation examples, and a back-test when larger sizes are held
back), says how many examples reach a given accuracy ("augmentation is worth N examples", with
an interval: ``worth_intervals``; beyond the measured sizes only a bound, "more than 1,000"),
compares two curves at one size (``accuracy_difference``),
and measures the gain per doubling of the data. It does not train anything:
``helpers.training`` measures curves.

Example:
    >>> curve = LearningCurve("toy", np.array([100, 1000, 10000]), np.ones((3, 2)),
    ...                       np.array([[0.69, 0.71], [0.79, 0.81], [0.89, 0.91]]), np.zeros((3, 2)), epochs=1)
    >>> round(gain_per_doubling(curve), 2)  # 10 pp over log2(10) ≈ 3.3 doublings
    3.01
    >>> size, how = equivalent_size(curve, 0.80)
    >>> round(size), how
    (1000, 'interpolated')
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
from scipy.optimize import OptimizeWarning, curve_fit

from helpers.validation import check_choice, check_in_range, check_int, check_type

MIN_SIZES = 3  # three parameters need at least three sizes
HOW = ("interpolated", "fewer than", "more than")  # how equivalent_size found a size: a value, or a bound


class KeptModels(Protocol):
    """What ``LearningCurve.models`` offers (``helpers.training.TrainedModels`` is one)."""

    def accuracy(self, images: Any, labels: Any) -> np.ndarray:
        """Accuracy in ``[0, 1]`` of every model on the same labelled images, ``sizes × repeats``."""

    def correct(self, images: Any, labels: Any) -> np.ndarray:
        """Whether each model classifies each image correctly: ``bool`` ``sizes × repeats × N``."""

    def train_accuracy(self, images: Any, labels: Any) -> np.ndarray:
        """Accuracy of every model on its own training subset of ``images`` (the whole dataset), ``sizes × repeats``."""


@dataclass(frozen=True)
class LearningCurve:
    """The measured learning curve: one row per training size, one column per repeat.

    ``train_acc``/``val_acc`` are accuracies in ``[0, 1]`` on each model's own training subset
    and on the held-out set; ``fit_time`` is each model's share (s) of the batched training run;
    ``models`` holds the trained models when ``learning_curve(..., keep_models=True)`` asked for them.
    ``val_correct`` (``bool`` ``sizes × repeats × n_val``, recorded by ``learning_curve``) says which
    validation examples each model got right, so that an uncertainty band can include the
    sampling noise of the validation set itself (``fit_power_law``, ``worth_intervals``).
    ``augment`` records the augmentation the models were trained with (its ``repr``; ``None``: none).

    Example:
        >>> curve = LearningCurve("toy", np.array([100, 1000]), np.full((2, 3), 0.9), np.full((2, 3), 0.8),
        ...                       np.zeros((2, 3)), epochs=5)
        >>> curve.repeats
        3
        >>> print(curve.summary())
          size   train acc %     val acc %
           100    90.0 ± 0.0    80.0 ± 0.0
          1000    90.0 ± 0.0    80.0 ± 0.0
    """

    model: str
    sizes: np.ndarray
    train_acc: np.ndarray
    val_acc: np.ndarray
    fit_time: np.ndarray
    epochs: int
    models: KeptModels | None = None
    val_correct: np.ndarray | None = None
    augment: str | None = None

    def __post_init__(self) -> None:
        if self.val_correct is None:
            return
        correct = np.asarray(self.val_correct)
        if correct.ndim != 3 or correct.shape[:2] != self.val_acc.shape or correct.shape[2] == 0:
            raise ValueError(f"val_correct must be sizes × repeats × n_val = {self.val_acc.shape} × n_val, "
                             f"got shape {correct.shape}")
        if not np.allclose(correct.mean(axis=2), self.val_acc, atol=1e-6):
            raise ValueError("val_correct does not match val_acc: its mean over the validation examples "
                             "must equal val_acc for every model")

    @property
    def repeats(self) -> int:
        """Models per training size."""
        return self.val_acc.shape[1]

    @property
    def n_val(self) -> int | None:
        """Validation examples every model was scored on (``None`` if the curve does not record them)."""
        return None if self.val_correct is None else int(np.shape(self.val_correct)[2])

    def evaluated_on(self, images: Any, labels: Any, train_images: Any = None,
                     train_labels: Any = None) -> LearningCurve:
        """The same curve with ``val_acc`` measured on other held-out images (needs ``keep_models=True``).

        For a model trained with augmentation, pass the validation digits through its matching
        *test* pipeline. With ``train_images``/``train_labels`` (the **whole** dataset, indexed as
        in ``learning_curve``, through the same pipeline) the training accuracy is measured again
        too, each model on its own subset; otherwise it is kept, as are fit time and the models.
        A typical call (``zoomed``: the validation digits through Resize 32 → CenterCrop 28)::

            curve = curve.evaluated_on(zoomed, labels[val])
            curve = curve.evaluated_on(zoomed, labels[val], train_images=zoomed_all, train_labels=labels)
        """
        if self.models is None:
            raise ValueError("this curve has no models; train it with learning_curve(..., keep_models=True)")
        if (train_images is None) != (train_labels is None):
            raise ValueError("give train_images and train_labels together (the whole dataset through the pipeline)")
        correct = np.asarray(self.models.correct(images, labels), dtype=bool)
        train_acc = self.train_acc if train_images is None else self.models.train_accuracy(train_images, train_labels)
        return replace(self, val_acc=correct.mean(axis=2), val_correct=correct, train_acc=train_acc)

    def summary(self) -> str:
        """A small table: size, mean ± std train and validation accuracy (%)."""
        rows = [f"{'size':>6}  {'train acc %':>12}  {'val acc %':>12}"]
        for n, tr, va in zip(self.sizes, self.train_acc * 100, self.val_acc * 100, strict=True):
            rows.append(f"{n:>6}  {tr.mean():6.1f} ± {tr.std():3.1f}  {va.mean():6.1f} ± {va.std():3.1f}")
        return "\n".join(rows)


def _check_curve(curve: object, name: str = "curve") -> None:
    check_type(name, curve, LearningCurve, "a LearningCurve (from learning_curve)")


# --- gain per doubling --------------------------------------------------------------------------------------
def gain_per_doubling(curve: LearningCurve, accuracy: str = "val") -> float:
    """Percentage points of mean accuracy gained per doubling of the data between the two largest sizes.

    ``(acc[-1] − acc[-2]) · 100 / log2(n[-1] / n[-2])``: with sizes 1000 and 2000 simply the
    difference. ``accuracy="train"`` reads the training accuracy instead.

    Example:
        >>> curve = LearningCurve("mlp", np.array([1000, 2000]), np.ones((2, 1)), np.array([[0.84], [0.875]]),
        ...                       np.zeros((2, 1)), epochs=1)
        >>> round(gain_per_doubling(curve), 6)
        3.5
    """
    check_choice("accuracy", accuracy, ("val", "train"))
    acc = (curve.val_acc if accuracy == "val" else curve.train_acc).mean(axis=1)
    return float((acc[-1] - acc[-2]) * 100 / math.log2(curve.sizes[-1] / curve.sizes[-2]))


# --- power law: fit, back-test, band ------------------------------------------------------------------------
def power_law(n: np.ndarray | float, a: float, b: float, c: float) -> np.ndarray:
    """``a · n^(−b) + c``: the error a power-law learning curve predicts at training size ``n``.

    Example:
        >>> round(float(power_law(100, a=1.0, b=0.5, c=0.05)), 6)
        0.15
    """
    return a * np.power(np.asarray(n, dtype=float), -b) + c


@dataclass(frozen=True)
class PowerLawFit:
    """A fitted power law ``err(n) = a·n^(−b) + c`` and its bootstrap samples ``(a, b, c)``.

    ``sizes`` are the training sizes the fit used; ``level`` is the coverage of ``band``;
    ``noise`` says what the bootstrap resampled: ``"repeats"``, or ``"repeats and validation
    examples"`` (then the band also holds the sampling noise of the validation set).

    Example:
        >>> fit = PowerLawFit(a=1.0, b=0.5, c=0.02, sizes=np.array([100, 400]), samples=np.ones((4, 3)), level=0.9)
        >>> fit.predict([100, 10000]).round(3)
        array([0.12, 0.03])
    """

    a: float
    b: float
    c: float
    sizes: np.ndarray
    samples: np.ndarray
    level: float
    noise: str = "repeats"

    def predict(self, n: Sequence[float] | np.ndarray | float) -> np.ndarray:
        """Predicted validation **error** at sizes ``n`` (accuracy is ``1 − error``)."""
        return power_law(np.asarray(n, dtype=float), self.a, self.b, self.c)

    def band(self, n: Sequence[float] | np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper error at sizes ``n``: the central ``level`` of the bootstrap predictions."""
        n = np.asarray(n, dtype=float)
        predictions = np.stack([power_law(n, *params) for params in self.samples])
        tail = (1 - self.level) / 2 * 100
        return np.percentile(predictions, tail, axis=0), np.percentile(predictions, 100 - tail, axis=0)


NOISE = ("repeats", "repeats and validation examples")


def _noise(curve: LearningCurve, validation_noise: bool | None, name: str = "curve") -> str:
    """What the bootstrap resamples: validation examples too when asked (or, by default, when recorded)."""
    check_type("validation_noise", validation_noise, (bool, type(None)), "None, True or False")
    if validation_noise and curve.val_correct is None:
        raise ValueError(f"{name} has no val_correct (per-example correctness), so validation_noise=True cannot "
                         "resample the validation examples; measure it with learning_curve or evaluated_on")
    use = curve.val_correct is not None if validation_noise is None else validation_noise
    return NOISE[1] if use else NOISE[0]


def _check_bootstrap(n_boot: int, level: float) -> None:
    """The settings every bootstrap here shares: at least 10 draws, a level strictly inside (0, 1)."""
    check_int("n_boot", n_boot, low=10)
    check_in_range("level", level, 0, 1, low_closed=False, high_closed=False)


def _shared_noise(curves: dict[str, LearningCurve], decides: str, validation_noise: bool | None, purpose: str) -> str:
    """``_noise`` of ``curves[decides]`` for a bootstrap that draws the same validation examples for both curves
    (named in ``curves``, in the order the error message names them)."""
    noise = _noise(curves[decides], validation_noise, decides)
    if noise == NOISE[1]:
        (first, one), (second, other) = curves.items()
        _noise(other if first == decides else one, True, second if first == decides else first)
        if one.n_val != other.n_val:
            raise ValueError(f"{first} was scored on {one.n_val} validation examples and {second} on "
                             f"{other.n_val}; {purpose} needs the same examples (or validation_noise=False)")
    return noise

def bootstrap_val_acc(curve: LearningCurve, rng: np.random.Generator, noise: str = NOISE[1],
                      example_weights: np.ndarray | None = None) -> np.ndarray:
    """One bootstrap copy of ``curve.val_acc``: the repeats of every size drawn with replacement and,
    with ``noise="repeats and validation examples"``, the validation examples too.

    The validation examples are drawn **once** for all models (every model was scored on the
    same examples, so their noise is shared: an easy draw of the validation set lifts the whole
    curve). Pass ``example_weights`` (how often each example was drawn, from
    ``rng.multinomial``) to share one draw between two curves scored on the same examples.

    Example:
        >>> correct = np.zeros((1, 2, 4), dtype=bool)
        >>> correct[0, :, :2] = True  # both models get the first 2 of 4 examples right
        >>> curve = LearningCurve("toy", np.array([100]), np.ones((1, 2)), correct.mean(2), np.zeros((1, 2)), 1,
        ...                       val_correct=correct)
        >>> draws = [bootstrap_val_acc(curve, np.random.default_rng(s))[0, 0] for s in range(200)]
        >>> bool(0.2 < np.std(draws) < 0.3)  # about sqrt(0.5 · 0.5 / 4) = 0.25 from 4 examples
        True
        >>> bootstrap_val_acc(curve, np.random.default_rng(0), noise="repeats")  # the repeats only: no change here
        array([[0.5, 0.5]])
    """
    check_choice("noise", noise, NOISE)
    sizes, repeats = curve.val_acc.shape
    picks = rng.integers(0, repeats, size=(sizes, repeats))
    if noise == NOISE[0]:
        return np.take_along_axis(curve.val_acc, picks, axis=1)
    if curve.val_correct is None:
        raise ValueError("curve has no val_correct; noise='repeats and validation examples' needs it")
    correct = np.asarray(curve.val_correct)
    n_val = correct.shape[2]
    if example_weights is None:
        example_weights = rng.multinomial(n_val, np.full(n_val, 1 / n_val))
    elif np.shape(example_weights) != (n_val,):
        raise ValueError(f"example_weights must hold one count per validation example ({n_val}), "
                         f"got shape {np.shape(example_weights)}")
    accuracy = correct.reshape(-1, n_val).astype(float) @ example_weights / n_val
    return np.take_along_axis(accuracy.reshape(sizes, repeats), picks, axis=1)


BAND_LABEL = "{level:.0%} interval: repeats + validation sample"  # the legend of every learning-curve band


def mean_band(curve: LearningCurve, level: float = 0.9, n_boot: int = 200,
              seed: int = 0) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A ``level`` interval of the **mean** training accuracy, validation accuracy and their gap at every size.

    A bootstrap over the repeats and — when the curve records ``val_correct`` — the validation
    examples, drawn once for all sizes (``bootstrap_val_acc``): the band then holds the noise of
    the finite validation set that every model shares, which the spread of the repeats alone
    cannot show (with 500 validation digits about ±1.3 pp at 90 %). Training accuracy is each
    model's own subset's, so only its repeats are resampled (with the same draws).

    Example:
        >>> correct = np.zeros((2, 3, 500), dtype=bool)
        >>> correct[0, :, :400], correct[1, :, :450] = True, True  # 80 % and 90 %, the same for every repeat
        >>> curve = LearningCurve("toy", np.array([100, 1000]), np.ones((2, 3)), correct.mean(2), np.zeros((2, 3)), 1,
        ...                       val_correct=correct)
        >>> low, high = mean_band(curve)["validation"]
        >>> bool((high - low)[1] > 0.02)  # the repeats agree exactly, the validation sample still shows ± 1.3 pp
        True
    """
    _check_curve(curve)
    _check_bootstrap(n_boot, level)
    rng = np.random.default_rng(seed)
    sizes, repeats = curve.val_acc.shape
    draws: dict[str, list[np.ndarray]] = {"train": [], "validation": [], "gap": []}
    correct = None if curve.val_correct is None else np.asarray(curve.val_correct, dtype=float).reshape(-1, curve.n_val)
    for _ in range(n_boot):
        picks = rng.integers(0, repeats, size=(sizes, repeats))
        val = curve.val_acc
        if correct is not None:
            weights = rng.multinomial(curve.n_val, np.full(curve.n_val, 1 / curve.n_val))
            val = (correct @ weights / curve.n_val).reshape(sizes, repeats)
        train = np.take_along_axis(curve.train_acc, picks, axis=1).mean(1)
        val = np.take_along_axis(val, picks, axis=1).mean(1)
        for name, value in (("train", train), ("validation", val), ("gap", train - val)):
            draws[name].append(value)
    tail = (1 - level) / 2
    return {name: tuple(np.quantile(np.array(values), [tail, 1 - tail], axis=0)) for name, values in draws.items()}


def gain_interval(curve: LearningCurve, level: float = 0.9, n_boot: int = 1000, seed: int = 0,
                  validation_noise: bool | None = None) -> tuple[float, float]:
    """A ``level`` interval ``(low, high)`` of ``gain_per_doubling(curve)``, in percentage points per doubling.

    A bootstrap over the repeats of each size and — when the curve records ``val_correct`` — one
    shared draw of the validation examples (``bootstrap_val_acc``): each draw's gain per doubling
    between the two largest sizes, and the central ``level`` of those draws. With few repeats the
    bootstrap's spread is that of a sample of ``repeats`` models, which is ``sqrt((r − 1) / r)`` of
    the mean's true spread (the plug-in variance divides by ``r``); the draws are widened by that
    factor around the estimate, so that five repeats are not read as more certain than they are.

    The interval supports a decision against a threshold only when it lies on one side of it:
    entirely above ("more data helps"), entirely below ("does not help"), else "cannot tell yet".

    Example:
        >>> correct = np.zeros((2, 4, 500), dtype=bool)
        >>> for r, (small, large) in enumerate([(440, 450), (445, 460), (435, 455), (442, 452)]):
        ...     correct[0, r, :small], correct[1, r, :large] = True, True
        >>> curve = LearningCurve("toy", np.array([1000, 2000]), np.ones((2, 4)), correct.mean(2),
        ...                       np.zeros((2, 4)), 1, val_correct=correct)
        >>> round(gain_per_doubling(curve), 2)  # 1000 → 2000: one doubling, 88.1 % → 90.85 %
        2.75
        >>> low, high = gain_interval(curve, n_boot=500)
        >>> bool(low < 2.75 < high), bool(low > 1.0)  # entirely above a 1 pp threshold: more data helps
        (True, True)
    """
    _check_curve(curve)
    if isinstance(n_boot, bool) or not isinstance(n_boot, int):
        raise TypeError(f"n_boot={n_boot!r} must be an int (the number of bootstrap draws), "
                        f"got {type(n_boot).__name__}")
    if isinstance(level, bool) or not isinstance(level, (int, float)):
        raise TypeError(f"level={level!r} must be a number strictly between 0 and 1, got {type(level).__name__}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed={seed!r} must be an int, got {type(seed).__name__}")
    _check_bootstrap(n_boot, level)
    if len(curve.sizes) < 2:
        raise ValueError(f"curve has {len(curve.sizes)} size; a gain per doubling needs at least 2")
    if curve.repeats < 2:
        raise ValueError(f"curve has {curve.repeats} repeat per size; an interval needs at least 2")
    noise = _noise(curve, validation_noise)
    doublings = math.log2(curve.sizes[-1] / curve.sizes[-2])
    rng = np.random.default_rng(seed)
    draws = np.array([np.diff(bootstrap_val_acc(curve, rng, noise)[-2:].mean(axis=1))[0] for _ in range(n_boot)])
    draws = draws * 100 / doublings
    estimate = gain_per_doubling(curve)
    widen = math.sqrt(curve.repeats / (curve.repeats - 1))  # the plug-in bootstrap's spread is too small by this
    tail = (1 - level) / 2
    low, high = estimate + (np.quantile(draws, [tail, 1 - tail]) - np.mean(draws)) * widen
    return float(low), float(high)


def fit_power_law(
    curve: LearningCurve,
    max_size: int | None = None,
    n_boot: int = 200,
    level: float = 0.9,
    seed: int = 0,
    validation_noise: bool | None = None,
) -> PowerLawFit:
    """Fit ``err(n) = a·n^(−b) + c`` to the mean validation error of ``curve``, with a bootstrap band.

    Args:
        curve: a measured ``LearningCurve`` (from ``learning_curve``).
        max_size: fit only sizes up to this one — a **back-test** predicts the larger sizes
            that were left out and compares with their measurement. Default: all sizes.
        n_boot: bootstrap refits; each resamples the repeats of every size with replacement
            and (see ``validation_noise``) the validation examples.
        level: coverage of the band, e.g. 0.9 for the 5th to 95th percentile.
        seed: seed of the bootstrap's random generator.
        validation_noise: resample the validation examples too (``bootstrap_val_acc``), so the
            band includes the noise of a finite validation set — every model is scored on the
            same examples, and with 500 of them that alone is about ±1.3 pp at 90 % accuracy.
            ``None`` (default): whenever the curve records ``val_correct``; ``False``: the repeats only.

    The band shows how much the fit moves with the measurement noise. It does not cover a
    wrong model: if the true curve bends away from a power law beyond the measured sizes,
    the band is too narrow — that is what a back-test can reveal.

    Example:
        >>> sizes = np.array([100, 250, 500, 1000, 2000])
        >>> error = power_law(sizes, 2.0, 0.5, 0.05)[:, None] + np.array([[-0.002, 0.0, 0.002]])
        >>> curve = LearningCurve("toy", sizes, 1 - error / 3, 1 - error, np.zeros_like(error), epochs=1)
        >>> fit = fit_power_law(curve, max_size=1000, n_boot=20)  # a back-test: 2000 is held back
        >>> fit.sizes.tolist(), fit.noise
        ([100, 250, 500, 1000], 'repeats')
        >>> lower, upper = fit.band([2000])
        >>> bool(lower[0] <= fit.predict([2000])[0] <= upper[0])
        True
    """
    _check_curve(curve)
    keep = curve.sizes <= (curve.sizes.max() if max_size is None else max_size)
    if keep.sum() < MIN_SIZES:
        raise ValueError(f"max_size={max_size} leaves {int(keep.sum())} sizes of {curve.sizes.tolist()}; "
                         f"a power law needs at least {MIN_SIZES}")
    _check_bootstrap(n_boot, level)
    noise = _noise(curve, validation_noise)
    kept = _take_sizes(curve, keep)
    sizes = kept.sizes.astype(float)
    best = _fit(sizes, 1 - kept.val_acc.mean(1))
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(n_boot):
        params = _fit(sizes, 1 - bootstrap_val_acc(kept, rng, noise).mean(1))
        if params is not None:
            samples.append(params)
    if best is None or len(samples) < n_boot // 2:
        raise RuntimeError("the power law did not converge on this curve; measure more sizes or repeats")
    return PowerLawFit(*best, sizes=curve.sizes[keep], samples=np.array(samples), level=level, noise=noise)


@dataclass(frozen=True)
class Bracket:
    """What a measured curve bounds at a training size ``at`` beyond it: ``low ≤ accuracy ≤ high``.

    Example:
        >>> print(Bracket(60000, 0.885, 0.975, 0.9))
        at 60,000: 88.5% … 97.5% (at least 90%: not below the largest size, not above the straight line in log n)
    """

    at: int
    low: float
    high: float
    level: float

    def __str__(self) -> str:
        return (f"at {self.at:,}: {self.low:.1%} … {self.high:.1%} (at least {self.level:.0%}: not below the largest "
                "size, not above the straight line in log n)")


def extrapolation_bracket(curve: LearningCurve, at: int, level: float = 0.9, n_boot: int = 200,
                          seed: int = 0) -> Bracket:
    """Bounds on the mean validation accuracy at a size ``at`` beyond the measured ones, from two assumptions
    that learning curves keep, instead of one curve shape stretched far beyond the data.

    - **Lower end**: more data does not make the model worse — the accuracy at ``at`` is at least
      the accuracy at the largest measured size (its lower ``(1 − level) / 2`` bootstrap quantile).
    - **Upper end**: the gain per doubling of the data does not grow (every power law
      ``a·n^(−b) + c`` bends down in ``log n``) — the accuracy is at most the straight line in
      ``log n`` through the upper half of the measured sizes (its upper quantile), and at most 100 %.

    Both quantiles come from one bootstrap over the repeats and — when recorded — the validation
    examples (``bootstrap_val_acc``); if both assumptions hold, the bracket covers the accuracy
    with probability at least ``level``.

    Example:
        >>> sizes = np.array([100, 250, 500, 1000, 2000, 3500])
        >>> acc = 1 - power_law(sizes, 1.2, 0.45, 0.075)
        >>> curve = LearningCurve("toy", sizes, np.ones((6, 2)), np.stack([acc, acc], 1), np.zeros((6, 2)), 1)
        >>> bracket = extrapolation_bracket(curve, 60000, n_boot=20)
        >>> truth = 1 - power_law(60000, 1.2, 0.45, 0.075)
        >>> bool(bracket.low < truth < bracket.high), bool(round(bracket.low, 3) == round(acc[-1], 3))
        (True, True)
    """
    _check_curve(curve)
    _check_bootstrap(n_boot, level)
    if len(curve.sizes) < 4:
        raise ValueError(f"curve has {len(curve.sizes)} sizes; the bracket's straight line needs at least 4")
    if not at > curve.sizes.max():
        raise ValueError(f"at={at!r} must lie beyond the largest measured size {int(curve.sizes.max())}")
    noise = _noise(curve, None)
    upper_half = np.log2(curve.sizes[len(curve.sizes) // 2:].astype(float))
    rng = np.random.default_rng(seed)
    lows, highs = [], []
    for _ in range(n_boot):
        mean = bootstrap_val_acc(curve, rng, noise).mean(1)
        slope, intercept = np.polyfit(upper_half, mean[len(curve.sizes) // 2:], 1)
        lows.append(mean[-1])
        highs.append(min(1.0, max(mean[-1], intercept + slope * math.log2(at))))
    tail = (1 - level) / 2
    return Bracket(int(at), float(np.quantile(lows, tail)), float(np.quantile(highs, 1 - tail)), level)


def _take_sizes(curve: LearningCurve, keep: np.ndarray) -> LearningCurve:
    """The curve restricted to the sizes where ``keep`` is true (the models are dropped)."""
    correct = None if curve.val_correct is None else np.asarray(curve.val_correct)[keep]
    return replace(curve, sizes=curve.sizes[keep], train_acc=curve.train_acc[keep], val_acc=curve.val_acc[keep],
                   fit_time=curve.fit_time[keep], models=None, val_correct=correct)


def _fit(sizes: np.ndarray, errors: np.ndarray) -> tuple[float, float, float] | None:
    """Least-squares ``(a, b, c)`` with ``a ≥ 0``, ``0 < b ≤ 3``, ``0 ≤ c ≤ min(errors)``; ``None`` if it fails."""
    floor = float(errors.min())
    start = (max(errors[0] - floor / 2, 1e-3) * sizes[0] ** 0.5, 0.5, floor / 2)
    try:
        with warnings.catch_warnings():  # as many sizes as parameters: no covariance, which is not used here
            warnings.simplefilter("ignore", OptimizeWarning)
            params, _ = curve_fit(power_law, sizes, errors, p0=start,
                                  bounds=([0, 1e-3, 0], [np.inf, 3, floor + 1e-9]), maxfev=5000)
    except (RuntimeError, ValueError):
        return None
    return tuple(float(p) for p in params)


@dataclass(frozen=True)
class Difference:
    """Mean validation accuracy of curve ``a`` minus that of curve ``b`` at one size, with a bootstrap interval.

    Example:
        >>> d = Difference(0.034, 0.012, 0.055, 0.9, "repeats and validation examples")
        >>> print(d)
        +3.4 pp (90% interval +1.2 … +5.5 pp)
    """

    estimate: float
    low: float
    high: float
    level: float
    noise: str

    def __str__(self) -> str:
        return (f"{self.estimate * 100:+.1f} pp ({self.level:.0%} interval "
                f"{self.low * 100:+.1f} … {self.high * 100:+.1f} pp)")


def accuracy_difference(a: LearningCurve, b: LearningCurve, at: int | Sequence[int] = -1, n_boot: int = 1000,
                        level: float = 0.9, seed: int = 0, validation_noise: bool | None = None) -> Difference:
    """How much higher ``a``'s mean validation accuracy is than ``b``'s at size index ``at``, with an interval.

    ``at`` may list several size indices: the difference is then averaged over those sizes (one
    interval for "when data is scarce", narrower than each size's own, because it pools their models).

    The bootstrap resamples the repeats of both curves and — when both record ``val_correct``
    for the same validation examples — one shared draw of those examples (the comparison is
    paired: both models were scored on the same digits, so an easy draw helps both).

    Example:
        >>> correct = np.zeros((1, 2, 200), dtype=bool)
        >>> correct[..., :180] = True  # 90 %
        >>> a = LearningCurve("a", np.array([1000]), np.ones((1, 2)), correct.mean(2), np.zeros((1, 2)), 1,
        ...                   val_correct=correct)
        >>> b = replace(a, model="b", val_acc=np.full((1, 2), 0.85), val_correct=correct & (np.arange(200) < 170))
        >>> d = accuracy_difference(a, b, n_boot=200)
        >>> round(d.estimate, 3), bool(0 < d.low < d.estimate < d.high)
        (0.05, True)
        >>> round(accuracy_difference(a, b, at=[0], n_boot=200).estimate, 3)  # a list of sizes: their mean
        0.05
    """
    _check_curve(a, "a")
    _check_curve(b, "b")
    _check_bootstrap(n_boot, level)
    at = [at] if isinstance(at, int | np.integer) else list(at)
    if not at or any(not -len(a.sizes) <= i < len(a.sizes) for i in at):
        raise ValueError(f"at={at} must be one or more size indices of the curves ({len(a.sizes)} sizes)")
    noise = _shared_noise({"a": a, "b": b}, "a", validation_noise, "a paired comparison")
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n_boot):
        weights = rng.multinomial(a.n_val, np.full(a.n_val, 1 / a.n_val)) if noise == NOISE[1] else None
        a_acc, b_acc = bootstrap_val_acc(a, rng, noise, weights), bootstrap_val_acc(b, rng, noise, weights)
        draws.append(a_acc[at].mean() - b_acc[at].mean())
    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    estimate = float(a.val_acc[at].mean() - b.val_acc[at].mean())  # the mean over sizes and repeats
    return Difference(estimate, float(low), float(high), level, noise)


# --- worth N examples: the size a curve needs for an accuracy -----------------------------------------------
def equivalent_size(curve: LearningCurve, accuracy: float) -> tuple[float, str]:
    """The training size at which ``curve`` reaches ``accuracy`` (mean validation accuracy), and how it was found.

    The one rule of the course for "worth N examples" (the homework calls it; ``pooled_worth`` and
    ``worth_intervals`` build on it): a size is stated only where the measured curve bounds it.

    - **inside** the measured mean accuracies: linear interpolation in ``log n`` on the running
      maximum of the mean curve (so a noisy dip cannot give two answers) — ``(size, "interpolated")``;
    - **below** the smallest size's mean accuracy: ``(smallest size, "fewer than")``;
    - **above** the largest size's: ``(largest size, "more than")`` — never a number that only a
      model of the curve beyond the data could give.

    Example:
        >>> curve = LearningCurve("toy", np.array([100, 10000]), np.ones((2, 1)), np.array([[0.7], [0.9]]),
        ...                       np.zeros((2, 1)), epochs=1)
        >>> size, how = equivalent_size(curve, 0.8)  # halfway on a log scale
        >>> round(size), how
        (1000, 'interpolated')
        >>> equivalent_size(curve, 0.95)
        (10000.0, 'more than')
        >>> equivalent_size(curve, 0.5)
        (100.0, 'fewer than')
    """
    _check_curve(curve)
    check_in_range("accuracy", accuracy, 0, 1)
    if len(curve.sizes) < 2:
        raise ValueError(f"curve has {len(curve.sizes)} size; interpolating needs at least 2")
    means = np.maximum.accumulate(curve.val_acc.mean(axis=1))
    sizes = curve.sizes.astype(float)
    if accuracy < means[0]:
        return float(sizes[0]), HOW[1]
    if accuracy > means[-1]:
        return float(sizes[-1]), HOW[2]
    rising = means + np.arange(len(means)) * 1e-12  # np.interp needs increasing x values
    return float(np.exp(np.interp(accuracy, rising, np.log(sizes)))), HOW[0]


def equivalent_sizes(curve: LearningCurve, accuracies: Sequence[float] | np.ndarray) -> np.ndarray:
    """``equivalent_size`` for several accuracies at once: the sizes only, by the same rule (outside the
    measured accuracies the smallest or the largest size, which is then a bound, not a value).

    Example:
        >>> curve = LearningCurve("toy", np.array([100, 10000]), np.ones((2, 1)), np.array([[0.7], [0.9]]),
        ...                       np.zeros((2, 1)), epochs=1)
        >>> equivalent_sizes(curve, [0.6, 0.8, 0.95]).round(1)
        array([  100.,  1000., 10000.])
    """
    accuracies = np.asarray(accuracies, dtype=float)
    if accuracies.ndim != 1:
        raise ValueError(f"accuracies must be a 1-D sequence of accuracies, got shape {accuracies.shape}")
    return np.array([equivalent_size(curve, float(a))[0] for a in accuracies])


@dataclass(frozen=True)
class Worth:
    """One row of the "worth N examples" table.

    ``size`` examples with augmentation reach ``accuracy`` (mean over repeats); without
    augmentation the curve needs ``equivalent`` examples for it, found as ``how`` (one of
    ``HOW``: ``"more than"`` means more than ``equivalent``, the largest measured size).
    ``low``/``high`` bound the ``level`` interval, each found as ``low_how``/``high_how``: a
    lower end ``"more than"`` the largest size says the whole interval lies beyond the data; an
    upper end ``"fewer than"`` the smallest size, that it lies below.

    Example:
        >>> Worth(100, 0.85, 240.0, "interpolated").factor
        2.4
        >>> print(Worth(500, 0.95, 1000.0, "more than").factor_text())
        > 2.0×
    """

    size: int
    accuracy: float
    equivalent: float
    how: str
    low: float = float("nan")
    high: float = float("nan")
    level: float = float("nan")
    low_how: str = HOW[0]
    high_how: str = HOW[0]

    def __post_init__(self) -> None:
        for name in ("how", "low_how", "high_how"):
            check_choice(name, getattr(self, name), HOW)

    @property
    def factor(self) -> float:
        """``equivalent / size``: augmentation multiplies the data by this much (a bound unless interpolated)."""
        return self.equivalent / self.size

    @property
    def factor_interval(self) -> tuple[float, float]:
        """``(low / size, high / size)``: the bootstrap interval of the factor (``nan`` when not measured;
        one-sided ends are bounds, see ``low_how``/``high_how``)."""
        return self.low / self.size, self.high / self.size

    def factor_text(self) -> str:
        """The factor as printed: ``"2.4×"``, ``"> 2.0×"`` beyond the largest size, ``"< 0.5×"`` below the smallest."""
        return _bounded(self.factor, self.how, "{:.1f}×")


def _bounded(value: float, how: str, form: str) -> str:
    """``value`` in ``form``, prefixed by ``>`` / ``<`` when ``how`` says it is only a bound."""
    prefix = {HOW[0]: "", HOW[1]: "< ", HOW[2]: "> "}[how]
    return prefix + form.format(value)


def augmentation_worth(augmented: LearningCurve, plain: LearningCurve) -> list[Worth]:
    """For each size of ``augmented``: the size ``plain`` (no augmentation) needs for the same mean accuracy.

    Give ``augmented`` evaluated through its matching test pipeline (``curve.evaluated_on``).
    The rule is ``equivalent_size``: beyond the sizes of ``plain`` only a bound.

    Example:
        >>> plain = LearningCurve("toy", np.array([100, 10000]), np.ones((2, 1)), np.array([[0.7], [0.9]]),
        ...                       np.zeros((2, 1)), epochs=1)
        >>> augmented = LearningCurve("toy", np.array([100, 1000]), np.ones((2, 1)), np.array([[0.8], [0.95]]),
        ...                           np.zeros((2, 1)), 1)
        >>> [(row.size, round(row.equivalent), row.how) for row in augmentation_worth(augmented, plain)]
        [(100, 1000, 'interpolated'), (1000, 10000, 'more than')]
    """
    _check_curve(augmented, "augmented")
    _check_curve(plain, "plain")
    rows = []
    for n, acc in zip(augmented.sizes, augmented.val_acc.mean(axis=1), strict=True):
        equivalent, how = equivalent_size(plain, float(acc))
        rows.append(Worth(int(n), float(acc), equivalent, how))
    return rows


def worth_intervals(augmented: LearningCurve, plain: LearningCurve, n_boot: int = 200, level: float = 0.9,
                    seed: int = 0, validation_noise: bool | None = None) -> list[Worth]:
    """``augmentation_worth`` with a bootstrap interval of each equivalent size (``Worth.low``/``high``).

    Each bootstrap draw resamples the repeats of both curves and — when both record
    ``val_correct`` for the same validation examples — one shared draw of those examples
    (``bootstrap_val_acc``); it then finds the equivalent size by the rule of
    ``equivalent_size``. A draw beyond the measured sizes counts as "more than the largest"
    (below them: "fewer than the smallest"); when such draws reach an end of the interval, that
    end is one-sided: an upper end ``high_how == "more than"`` is open above the largest size, a
    lower end ``low_how == "more than"`` says the whole interval lies beyond it.

    Example:
        >>> sizes = np.array([100, 200, 400, 800])
        >>> correct = np.zeros((4, 2, 100), dtype=bool)
        >>> for i, k in enumerate([70, 80, 85, 88]):
        ...     correct[i, :, :k] = True
        >>> plain = LearningCurve("toy", sizes, np.ones((4, 2)), correct.mean(2), np.zeros((4, 2)), 1,
        ...                       val_correct=correct)
        >>> augmented = replace(plain, sizes=sizes[:1], train_acc=np.ones((1, 2)), val_acc=plain.val_acc[1:2],
        ...                     fit_time=np.zeros((1, 2)), val_correct=correct[1:2])
        >>> row = worth_intervals(augmented, plain, n_boot=50)[0]  # reaches the accuracy of 200 plain examples
        >>> round(row.factor, 2), bool(row.low < row.equivalent < row.high)
        (2.0, True)
    """
    _check_curve(augmented, "augmented")
    _check_curve(plain, "plain")
    _check_bootstrap(n_boot, level)
    noise = _shared_noise({"augmented": augmented, "plain": plain}, "plain", validation_noise, "a shared draw")
    rows = augmentation_worth(augmented, plain)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n_boot):
        weights = rng.multinomial(plain.n_val, np.full(plain.n_val, 1 / plain.n_val)) if noise == NOISE[1] else None
        plain_acc = bootstrap_val_acc(plain, rng, noise, weights)
        plain_draw = replace(plain, val_acc=plain_acc, models=None, val_correct=None)
        augmented_acc = bootstrap_val_acc(augmented, rng, noise, weights).mean(axis=1)
        draws.append([_log_size(*equivalent_size(plain_draw, float(np.clip(a, 0, 1)))) for a in augmented_acc])
    tail = (1 - level) / 2
    intervals = []
    for row, logs in zip(rows, np.array(draws).T, strict=True):
        (low, low_how), (high, high_how) = (_size_of_log(q, plain.sizes)
                                            for q in np.quantile(logs, [tail, 1 - tail], method="inverted_cdf"))
        intervals.append(replace(row, low=low, high=high, level=level, low_how=low_how, high_how=high_how))
    return intervals


def pooled_worth(augmented: LearningCurve, plain: LearningCurve, at: Sequence[int], n_boot: int = 200,
                 level: float = 0.9, seed: int = 0) -> tuple[float, float]:
    """The geometric mean of the worth factors at the size indices ``at`` of ``augmented``, and a one-sided
    lower end at ``level``: "over these sizes, augmentation multiplies the data by at least ``low``".

    One statement for "when data is scarce", from the same bootstrap as ``worth_intervals`` (repeats
    and, when recorded, one shared draw of the validation examples); pooling several sizes makes it
    steadier than any one size's interval. A draw beyond the measured sizes counts at its bound (the
    largest size, or the smallest), so the lower end stays a lower end and is never extrapolated.

    Example:
        >>> sizes = np.array([100, 200, 400, 800])
        >>> correct = np.zeros((4, 2, 100), dtype=bool)
        >>> for i, k in enumerate([70, 80, 85, 88]):
        ...     correct[i, :, :k] = True
        >>> plain = LearningCurve("toy", sizes, np.ones((4, 2)), correct.mean(2), np.zeros((4, 2)), 1,
        ...                       val_correct=correct)
        >>> augmented = replace(plain, sizes=sizes[:2], train_acc=np.ones((2, 2)), val_acc=plain.val_acc[1:3],
        ...                     fit_time=np.zeros((2, 2)), val_correct=correct[1:3])
        >>> factor, low = pooled_worth(augmented, plain, at=[0, 1], n_boot=50)  # worth 2× at both sizes
        >>> round(factor, 2), bool(1 < low < factor)
        (2.0, True)
    """
    _check_curve(augmented, "augmented")
    _check_curve(plain, "plain")
    _check_bootstrap(n_boot, level)
    at = list(at)
    if not at or any(not -len(augmented.sizes) <= i < len(augmented.sizes) for i in at):
        raise ValueError(f"at={at} must be one or more size indices of augmented ({len(augmented.sizes)} sizes)")
    noise = _shared_noise({"augmented": augmented, "plain": plain}, "plain", None, "a shared draw")
    sizes = augmented.sizes[at].astype(float)

    def factor(plain_curve: LearningCurve, accuracies: np.ndarray) -> float:
        found = [equivalent_size(plain_curve, float(np.clip(a, 0, 1)))[0] for a in accuracies[at]]
        return float(np.exp(np.mean(np.log(np.array(found) / sizes))))

    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n_boot):
        weights = rng.multinomial(plain.n_val, np.full(plain.n_val, 1 / plain.n_val)) if noise == NOISE[1] else None
        plain_acc = bootstrap_val_acc(plain, rng, noise, weights)
        plain_draw = replace(plain, val_acc=plain_acc, models=None, val_correct=None)
        draws.append(factor(plain_draw, bootstrap_val_acc(augmented, rng, noise, weights).mean(axis=1)))
    return factor(plain, augmented.val_acc.mean(axis=1)), float(np.quantile(draws, 1 - level))


def _log_size(size: float, how: str) -> float:
    """A sortable key of an equivalent size: ``log size``, ``−inf`` for "fewer than", ``+inf`` for "more than"."""
    return {HOW[0]: math.log(size), HOW[1]: -math.inf, HOW[2]: math.inf}[how]


def _size_of_log(key: float, sizes: np.ndarray) -> tuple[float, str]:
    """Back from ``_log_size``: ``(size, how)``, the bound at the smallest or largest of ``sizes`` for ``∓inf``."""
    if key == -math.inf:
        return float(sizes[0]), HOW[1]
    if key == math.inf:
        return float(sizes[-1]), HOW[2]
    return float(math.exp(key)), HOW[0]


def worth_table(rows: list[Worth]) -> str:
    """The rows as a text table: size, accuracy with augmentation, equivalent size, factor, how found —
    and the factor's interval when the rows carry one (``worth_intervals``). Beyond the measured sizes
    the table states a bound ("more than 1,000", "> 2.0×"), never a number.

    Example:
        >>> print(worth_table([Worth(100, 0.85, 240.0, "interpolated"), Worth(500, 0.95, 1000.0, "more than")]))
        ... # doctest: +NORMALIZE_WHITESPACE
        size with aug.  val acc %  worth (no aug.)  factor  how
                   100       85.0              240    2.4×  interpolated
                   500       95.0  more than 1,000  > 2.0×  more than
        >>> print(worth_table([Worth(100, 0.85, 240.0, "interpolated", 130.0, 1000.0, 0.9, high_how="more than")]))
        ... # doctest: +NORMALIZE_WHITESPACE
        size with aug.  val acc %  worth (no aug.)  factor  90% interval  how
                   100       85.0              240    2.4×  1.3× – > 10.0×  interpolated
    """
    if not rows:
        raise ValueError("rows is empty; give the list of Worth from augmentation_worth")
    for row in rows:
        check_type("rows", row, Worth, "a list of Worth (from augmentation_worth)")
    with_interval = any(not np.isnan(r.level) for r in rows)
    interval_head = f"  {f'{rows[0].level:.0%} interval':>14}" if with_interval else ""
    lines = [f"{'size with aug.':>14}  {'val acc %':>9}  {'worth (no aug.)':>15}  {'factor':>6}{interval_head}  how"]
    for r in rows:
        worth = {HOW[0]: "", HOW[1]: "fewer than ", HOW[2]: "more than "}[r.how] + f"{r.equivalent:,.0f}"
        interval = f"  {_interval_text(r):>14}" if with_interval else ""
        lines.append(f"{r.size:>14}  {r.accuracy * 100:>9.1f}  {worth:>15}  {r.factor_text():>6}{interval}  {r.how}")
    return "\n".join(lines)


def _interval_text(row: Worth) -> str:
    """``"1.3× – 4.1×"``, with ``> ``/``< `` for a one-sided end, ``"> 2.0×"`` alone when both ends are the
    same bound, and ``?`` for an unmeasured end."""
    def one(x: float, how: str) -> str:
        return "?" if np.isnan(x) else _bounded(x / row.size, how, "{:.1f}×")
    if row.low_how == row.high_how != HOW[0]:  # every draw beyond the same end of the sizes: one bound
        return one(row.low, row.low_how)
    return f"{one(row.low, row.low_how)} – {one(row.high, row.high_how)}"
