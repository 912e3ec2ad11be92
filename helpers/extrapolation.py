"""Would more data help? Fit a power law to a learning curve, back-test it, extrapolate with a band.

Validation error often falls with the training size ``n`` roughly like ``err(n) = a·n^(−b) + c``:
a term that shrinks with more data plus a floor ``c`` that more data cannot remove (the model's
own limit, label noise). ``fit_power_law`` fits this with ``scipy.optimize.curve_fit`` to the
mean validation error of a ``LearningCurve`` and bootstraps over its repeats for a band.

Used in 01_learning_curves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import curve_fit

from helpers.training import LearningCurve

MIN_SIZES = 3  # three parameters need at least three sizes


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

    ``sizes`` are the training sizes the fit used; ``level`` is the coverage of ``band``.
    """

    a: float
    b: float
    c: float
    sizes: np.ndarray
    samples: np.ndarray
    level: float

    def predict(self, n: Sequence[float] | np.ndarray | float) -> np.ndarray:
        """Predicted validation **error** at sizes ``n`` (accuracy is ``1 − error``)."""
        return power_law(np.asarray(n, dtype=float), self.a, self.b, self.c)

    def band(self, n: Sequence[float] | np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper error at sizes ``n``: the central ``level`` of the bootstrap predictions."""
        n = np.asarray(n, dtype=float)
        predictions = np.stack([power_law(n, *params) for params in self.samples])
        tail = (1 - self.level) / 2 * 100
        return np.percentile(predictions, tail, axis=0), np.percentile(predictions, 100 - tail, axis=0)


def fit_power_law(
    curve: LearningCurve,
    max_size: int | None = None,
    n_boot: int = 200,
    level: float = 0.9,
    seed: int = 0,
) -> PowerLawFit:
    """Fit ``err(n) = a·n^(−b) + c`` to the mean validation error of ``curve``, with a bootstrap band.

    Args:
        curve: a measured ``LearningCurve`` (from ``learning_curve``).
        max_size: fit only sizes up to this one — a **back-test** predicts the larger sizes
            that were left out and compares with their measurement. Default: all sizes.
        n_boot: bootstrap refits; each resamples the repeats of every size with replacement.
        level: coverage of the band, e.g. 0.9 for the 5th to 95th percentile.
        seed: seed of the bootstrap's random generator.

    The band shows how much the fit moves with the measurement noise of the repeats. It does
    not cover a wrong model: if the true curve bends away from a power law beyond the measured
    sizes, the band is too narrow — that is what a back-test can reveal.

    Example:
        >>> fit = fit_power_law(curve, max_size=2000)
        >>> lower, upper = fit.band([3500])

    Used in 01_learning_curves.
    """
    if not isinstance(curve, LearningCurve):
        raise ValueError(f"curve must be a LearningCurve (from learning_curve), got {type(curve).__name__}")
    keep = curve.sizes <= (curve.sizes.max() if max_size is None else max_size)
    if keep.sum() < MIN_SIZES:
        raise ValueError(f"max_size={max_size} leaves {int(keep.sum())} sizes of {curve.sizes.tolist()}; "
                         f"a power law needs at least {MIN_SIZES}")
    if not isinstance(n_boot, int) or n_boot < 10:
        raise ValueError(f"n_boot={n_boot!r} must be an integer ≥ 10")
    if not 0 < level < 1:
        raise ValueError(f"level={level!r} must lie strictly between 0 and 1")
    sizes, errors = curve.sizes[keep].astype(float), 1 - curve.val_acc[keep]
    best = _fit(sizes, errors.mean(1))
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(n_boot):
        picks = rng.integers(0, errors.shape[1], size=errors.shape)
        params = _fit(sizes, np.take_along_axis(errors, picks, axis=1).mean(1))
        if params is not None:
            samples.append(params)
    if best is None or len(samples) < n_boot // 2:
        raise RuntimeError("the power law did not converge on this curve; measure more sizes or repeats")
    return PowerLawFit(*best, sizes=curve.sizes[keep], samples=np.array(samples), level=level)


def _fit(sizes: np.ndarray, errors: np.ndarray) -> tuple[float, float, float] | None:
    """Least-squares ``(a, b, c)`` with ``a ≥ 0``, ``0 < b ≤ 3``, ``0 ≤ c ≤ min(errors)``; ``None`` if it fails."""
    floor = float(errors.min())
    start = (max(errors[0] - floor / 2, 1e-3) * sizes[0] ** 0.5, 0.5, floor / 2)
    try:
        params, _ = curve_fit(power_law, sizes, errors, p0=start, bounds=([0, 1e-3, 0], [np.inf, 3, floor + 1e-9]),
                              maxfev=5000)
    except (RuntimeError, ValueError):
        return None
    return tuple(float(p) for p in params)
