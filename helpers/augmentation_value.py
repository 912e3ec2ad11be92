"""How many training examples is augmentation worth? Read it off the learning curve without augmentation.

A model trained on ``n`` examples *with* augmentation reaches some validation accuracy. The
learning curve of the same model *without* augmentation says how many (un-augmented)
examples it would need for that accuracy: interpolated between the measured sizes (on a log
scale of ``n``), or — when the accuracy lies outside the measured range — read from a fitted
power law ``err(n) = a·n^(−b) + c`` and marked as extrapolated. If the accuracy lies above the
power law's limit ``1 − c``, no amount of un-augmented data is predicted to reach it.

Used in 04_augmentation_vs_more_data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.extrapolation import PowerLawFit
from helpers.training import LearningCurve

HOW = ("interpolated", "extrapolated", "beyond the limit", "outside the measured sizes")


@dataclass(frozen=True)
class Worth:
    """One row of the "worth N examples" table.

    ``size`` examples with augmentation reach ``accuracy`` (mean over repeats); without
    augmentation the curve needs ``equivalent`` examples for it (``inf``: never, by the power
    law; ``nan``: outside the measured sizes and no power law given). ``how`` is one of ``HOW``.
    """

    size: int
    accuracy: float
    equivalent: float
    how: str

    @property
    def factor(self) -> float:
        """``equivalent / size``: augmentation multiplies the data by this much."""
        return self.equivalent / self.size


def equivalent_size(curve: LearningCurve, accuracy: float, fit: PowerLawFit | None = None) -> tuple[float, str]:
    """The training size at which ``curve`` reaches ``accuracy`` (mean validation accuracy), and how it was found.

    Inside the measured accuracies: linear interpolation in ``log n`` on the running maximum of
    the mean curve (so a noisy dip cannot give two answers) — ``"interpolated"``. Outside: the
    size where ``fit`` predicts that accuracy — ``"extrapolated"``, or ``(inf, "beyond the
    limit")`` when it lies at or above the fit's limit ``1 − c``; without ``fit``
    ``(nan, "outside the measured sizes")``.

    Example:
        >>> equivalent_size(plain_curve, 0.9)  # e.g. (742.3, 'interpolated')

    Used in 04_augmentation_vs_more_data.
    """
    if not isinstance(curve, LearningCurve):
        raise ValueError(f"curve must be a LearningCurve (from learning_curve), got {type(curve).__name__}")
    if not 0 <= accuracy <= 1:
        raise ValueError(f"accuracy={accuracy!r} must lie in [0, 1]")
    if len(curve.sizes) < 2:
        raise ValueError(f"curve has {len(curve.sizes)} size; interpolating needs at least 2")
    if fit is not None and not isinstance(fit, PowerLawFit):
        raise ValueError(f"fit must be None or a PowerLawFit (from fit_power_law), got {type(fit).__name__}")
    means = np.maximum.accumulate(curve.val_acc.mean(axis=1))
    if means[0] <= accuracy <= means[-1]:
        rising = means + np.arange(len(means)) * 1e-12  # np.interp needs increasing x values
        return float(np.exp(np.interp(accuracy, rising, np.log(curve.sizes.astype(float))))), "interpolated"
    if fit is None:
        return float("nan"), "outside the measured sizes"
    error = 1 - accuracy
    if error <= fit.c:
        return float("inf"), "beyond the limit"
    return float((fit.a / (error - fit.c)) ** (1 / fit.b)), "extrapolated"


def augmentation_worth(augmented: LearningCurve, plain: LearningCurve, fit: PowerLawFit | None = None) -> list[Worth]:
    """For each size of ``augmented``: the size ``plain`` (no augmentation) needs for the same mean accuracy.

    Give ``augmented`` evaluated through its matching test pipeline (``curve.evaluated_on``)
    and ``fit = fit_power_law(plain)`` to extrapolate beyond the measured sizes.

    Example:
        >>> for row in augmentation_worth(augmented_curve, plain_curve, fit_power_law(plain_curve)):
        ...     print(row.size, round(row.equivalent), row.how)

    Used in 04_augmentation_vs_more_data.
    """
    if not isinstance(augmented, LearningCurve):
        raise ValueError(f"augmented must be a LearningCurve, got {type(augmented).__name__}")
    rows = []
    for n, acc in zip(augmented.sizes, augmented.val_acc.mean(axis=1), strict=True):
        equivalent, how = equivalent_size(plain, float(acc), fit)
        rows.append(Worth(int(n), float(acc), equivalent, how))
    return rows


def worth_table(rows: list[Worth]) -> str:
    """The rows as a text table: size, accuracy with augmentation, equivalent size, factor, how found.

    Example:
        >>> print(worth_table([Worth(100, 0.85, 240.0, "interpolated")]))  # doctest: +NORMALIZE_WHITESPACE
        size with aug.  val acc %  worth (no aug.)  factor  how
                   100       85.0              240    2.4×  interpolated

    Used in 04_augmentation_vs_more_data.
    """
    if not rows or not all(isinstance(r, Worth) for r in rows):
        raise ValueError("rows must be a non-empty list of Worth (from augmentation_worth)")
    lines = [f"{'size with aug.':>14}  {'val acc %':>9}  {'worth (no aug.)':>15}  {'factor':>6}  how"]
    for r in rows:
        worth = "never" if np.isinf(r.equivalent) else "?" if np.isnan(r.equivalent) else f"{r.equivalent:,.0f}"
        factor = "—" if not np.isfinite(r.equivalent) else f"{r.factor:.1f}×"
        lines.append(f"{r.size:>14}  {r.accuracy * 100:>9.1f}  {worth:>15}  {factor:>6}  {r.how}")
    return "\n".join(lines)
