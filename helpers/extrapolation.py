"""Reading a learning curve beyond its largest size (numpy/scipy only): a power-law fit with a bootstrap band and a
back-test, and the bracket that two assumptions learning curves keep give."""

from __future__ import annotations

import math
import warnings
from dataclasses import replace

import numpy as np
from scipy.optimize import OptimizeWarning, curve_fit

from helpers.curves import (
    Bracket,
    LearningCurve,
    PowerLawFit,
    bootstrap_noise,
    bootstrap_val_acc,
    check_bootstrap,
    check_curve,
    power_law,
)

__all__ = ["extrapolation_bracket", "fit_power_law", "MIN_SIZES"]

MIN_SIZES = 3  # three parameters need at least three sizes


def fit_power_law(curve: LearningCurve, max_size: int | None = None, n_boot: int = 200, level: float = 0.9,
                  seed: int = 0, validation_noise: bool | None = None) -> PowerLawFit:
    """Fit ``err(n) = a·n^(−b) + c`` to the mean validation error of ``curve``, with a bootstrap band.

    ``max_size`` fits only the sizes up to it: a **back-test** predicts the larger sizes left out and compares
    with their measurement. Each of the ``n_boot`` refits draws from ``bootstrap_val_acc``, with the validation
    examples if ``validation_noise`` (default: if the curve records ``val_correct``). The band covers ``level`` of
    how the fit moves with this noise, not a wrong model: a true curve that bends away from a power law beyond the
    measured sizes leaves it too narrow, which is what a back-test can reveal.

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
    check_curve(curve)
    keep = curve.sizes <= (curve.sizes.max() if max_size is None else max_size)
    if keep.sum() < MIN_SIZES:
        raise ValueError(f"max_size={max_size} leaves {int(keep.sum())} sizes of {curve.sizes.tolist()}; "
                         f"a power law needs at least {MIN_SIZES}")
    check_bootstrap(n_boot, level)
    noise = bootstrap_noise(curve, validation_noise)
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


def extrapolation_bracket(curve: LearningCurve, at: int, level: float = 0.9, n_boot: int = 200,
                          seed: int = 0) -> Bracket:
    """Bounds on the mean validation accuracy at a size ``at`` beyond the measured ones, from two assumptions
    that learning curves keep, instead of one curve shape stretched far beyond the data.

    - **Lower end**: more data does not make the model worse: at least the accuracy at the largest measured size.
    - **Upper end**: the gain per doubling does not grow (every power law bends down in ``log n``): at most the
      straight line in ``log n`` through the upper half of the measured sizes, and at most 100 %.

    Each end is its outer ``(1 − level) / 2`` quantile in one bootstrap (``bootstrap_val_acc``): if both
    assumptions hold, the bracket covers the accuracy with probability at least ``level``.

    >>> sizes = np.array([100, 250, 500, 1000, 2000, 3500])
    >>> acc = 1 - power_law(sizes, 1.2, 0.45, 0.075)
    >>> curve = LearningCurve("toy", sizes, np.ones((6, 2)), np.stack([acc, acc], 1), np.zeros((6, 2)), 1)
    >>> bracket = extrapolation_bracket(curve, 60000, n_boot=20)
    >>> truth = 1 - power_law(60000, 1.2, 0.45, 0.075)
    >>> bool(bracket.low < truth < bracket.high), bool(round(bracket.low, 3) == round(acc[-1], 3))
    (True, True)
    """
    check_curve(curve)
    check_bootstrap(n_boot, level)
    if len(curve.sizes) < 4:
        raise ValueError(f"curve has {len(curve.sizes)} sizes; the bracket's straight line needs at least 4")
    if not at > curve.sizes.max():
        raise ValueError(f"at={at!r} must lie beyond the largest measured size {int(curve.sizes.max())}")
    noise = bootstrap_noise(curve, None)
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
