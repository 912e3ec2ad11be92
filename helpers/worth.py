"""What augmentation is worth in examples (numpy only): the size a curve needs for an accuracy, only a bound beyond
the measured sizes (``equivalent_size``), per augmented size with an interval, pooled over sizes, and as a table."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import replace

import numpy as np

from helpers.curves import (
    HOW,
    LearningCurve,
    Worth,
    bounded_text,
    check_bootstrap,
    check_curve,
    paired_val_acc,
    shared_noise,
)
from helpers.validation import check_in_range, check_type

__all__ = ["augmentation_worth", "equivalent_size", "equivalent_sizes", "log_size", "pooled_worth",
           "worth_intervals", "worth_table"]


def equivalent_size(curve: LearningCurve, accuracy: float) -> tuple[float, str]:
    """The training size at which ``curve`` reaches ``accuracy`` (mean validation accuracy), and how it was found.

    The course's one rule for "worth N examples": a size is stated only where the measured curve bounds it. Inside
    the measured mean accuracies it is interpolated linearly in ``log n`` on the running maximum of the mean curve
    (so a noisy dip cannot give two answers); below the smallest size's mean it is that size, "fewer than"; above
    the largest size's, that size, "more than": never a number only a model of the curve beyond the data could give.

    >>> curve = LearningCurve("toy", np.array([100, 10000]), np.ones((2, 1)), np.array([[0.7], [0.9]]),
    ...                       np.zeros((2, 1)), epochs=1)
    >>> size, how = equivalent_size(curve, 0.8)  # halfway on a log scale
    >>> round(size), how
    (1000, 'interpolated')
    >>> equivalent_size(curve, 0.95), equivalent_size(curve, 0.5)
    ((10000.0, 'more than'), (100.0, 'fewer than'))
    """
    check_curve(curve)
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
    """``equivalent_size`` for several accuracies, the sizes only (outside the measured accuracies: a bound).

    >>> curve = LearningCurve("toy", np.array([100, 10000]), np.ones((2, 1)), np.array([[0.7], [0.9]]),
    ...                       np.zeros((2, 1)), epochs=1)
    >>> equivalent_sizes(curve, [0.6, 0.8, 0.95]).round(1)
    array([  100.,  1000., 10000.])
    """
    accuracies = np.asarray(accuracies, dtype=float)
    if accuracies.ndim != 1:
        raise ValueError(f"accuracies must be a 1-D sequence of accuracies, got shape {accuracies.shape}")
    return np.array([equivalent_size(curve, float(a))[0] for a in accuracies])


def augmentation_worth(augmented: LearningCurve, plain: LearningCurve) -> list[Worth]:
    """For each size of ``augmented``: the size ``plain`` (no augmentation) needs for the same mean accuracy, by the
    rule of ``equivalent_size``. Give ``augmented`` evaluated through its matching test pipeline (``evaluated_on``).

    >>> plain = LearningCurve("toy", np.array([100, 10000]), np.ones((2, 1)), np.array([[0.7], [0.9]]),
    ...                       np.zeros((2, 1)), epochs=1)
    >>> augmented = LearningCurve("toy", np.array([100, 1000]), np.ones((2, 1)), np.array([[0.8], [0.95]]),
    ...                           np.zeros((2, 1)), 1)
    >>> [(row.size, round(row.equivalent), row.how) for row in augmentation_worth(augmented, plain)]
    [(100, 1000, 'interpolated'), (1000, 10000, 'more than')]
    """
    check_curve(augmented, "augmented")
    check_curve(plain, "plain")
    rows = []
    for n, acc in zip(augmented.sizes, augmented.val_acc.mean(axis=1), strict=True):
        equivalent, how = equivalent_size(plain, float(acc))
        rows.append(Worth(int(n), float(acc), equivalent, how))
    return rows


def worth_intervals(augmented: LearningCurve, plain: LearningCurve, n_boot: int = 200, level: float = 0.9,
                    seed: int = 0, validation_noise: bool | None = None) -> list[Worth]:
    """``augmentation_worth`` with a bootstrap interval of each equivalent size (``Worth.low``/``high``).

    Each draw resamples both curves' repeats and one shared draw of their validation examples (``shared_noise``),
    then applies ``equivalent_size``; a draw beyond the measured sizes counts at its bound, so an end may be
    one-sided (``Worth.low_how``/``high_how``).

    >>> sizes = np.array([100, 200, 400, 800])
    >>> correct = (np.arange(100) < np.array([70, 80, 85, 88])[:, None, None]).repeat(2, axis=1)  # 2 repeats
    >>> plain = LearningCurve("toy", sizes, np.ones((4, 2)), correct.mean(2), np.zeros((4, 2)), 1, val_correct=correct)
    >>> augmented = replace(plain, sizes=sizes[:1], train_acc=np.ones((1, 2)), val_acc=plain.val_acc[1:2],
    ...                     fit_time=np.zeros((1, 2)), val_correct=correct[1:2])
    >>> row = worth_intervals(augmented, plain, n_boot=50)[0]  # reaches the accuracy of 200 plain examples
    >>> round(row.factor, 2), bool(row.low < row.equivalent < row.high)
    (2.0, True)
    """
    check_curve(augmented, "augmented")
    check_curve(plain, "plain")
    check_bootstrap(n_boot, level)
    noise = shared_noise({"augmented": augmented, "plain": plain}, "plain", validation_noise, "a shared draw")
    rows = augmentation_worth(augmented, plain)
    draws = [[log_size(*equivalent_size(plain_draw, float(np.clip(a, 0, 1)))) for a in augmented_acc]
             for plain_draw, augmented_acc in _paired_draws(augmented, plain, noise, n_boot, seed)]
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

    One statement for "when data is scarce", steadier than any one size's interval, from the bootstrap of
    ``worth_intervals``: a draw beyond the measured sizes counts at its bound, so ``low`` is never extrapolated.

    >>> sizes = np.array([100, 200, 400, 800])
    >>> correct = (np.arange(100) < np.array([70, 80, 85, 88])[:, None, None]).repeat(2, axis=1)  # 2 repeats
    >>> plain = LearningCurve("toy", sizes, np.ones((4, 2)), correct.mean(2), np.zeros((4, 2)), 1, val_correct=correct)
    >>> augmented = replace(plain, sizes=sizes[:2], train_acc=np.ones((2, 2)), val_acc=plain.val_acc[1:3],
    ...                     fit_time=np.zeros((2, 2)), val_correct=correct[1:3])
    >>> factor, low = pooled_worth(augmented, plain, at=[0, 1], n_boot=50)  # worth 2× at both sizes
    >>> round(factor, 2), bool(1 < low < factor)
    (2.0, True)
    """
    check_curve(augmented, "augmented")
    check_curve(plain, "plain")
    check_bootstrap(n_boot, level)
    at = list(at)
    if not at or any(not -len(augmented.sizes) <= i < len(augmented.sizes) for i in at):
        raise ValueError(f"at={at} must be one or more size indices of augmented ({len(augmented.sizes)} sizes)")
    noise = shared_noise({"augmented": augmented, "plain": plain}, "plain", None, "a shared draw")
    sizes = augmented.sizes[at].astype(float)

    def factor(plain_curve: LearningCurve, accuracies: np.ndarray) -> float:
        found = [equivalent_size(plain_curve, float(np.clip(a, 0, 1)))[0] for a in accuracies[at]]
        return float(np.exp(np.mean(np.log(np.array(found) / sizes))))

    draws = [factor(plain_draw, augmented_acc) for plain_draw, augmented_acc in
             _paired_draws(augmented, plain, noise, n_boot, seed)]
    return factor(plain, augmented.val_acc.mean(axis=1)), float(np.quantile(draws, 1 - level))


def _paired_draws(augmented: LearningCurve, plain: LearningCurve, noise: str, n_boot: int,
                  seed: int) -> Iterator[tuple[LearningCurve, np.ndarray]]:
    """``n_boot`` bootstrap draws of both curves (one shared draw of the validation examples when ``noise`` says
    so): ``plain`` with its drawn ``val_acc``, and the drawn mean accuracy of ``augmented`` at each size."""
    for plain_acc, augmented_acc in paired_val_acc(plain, augmented, noise, n_boot, seed):
        yield replace(plain, val_acc=plain_acc, models=None, val_correct=None), augmented_acc.mean(axis=1)


def log_size(size: float, how: str) -> float:
    """A sortable key of an equivalent size: ``log size`` (``−inf`` for size 0), ``−inf`` for "fewer than", ``+inf``
    for "more than".

    >>> log_size(1.0, "interpolated"), log_size(125.0, "fewer than"), log_size(1500.0, "more than")
    (0.0, -inf, inf)
    """
    return {HOW[0]: math.log(size) if size > 0 else -math.inf, HOW[1]: -math.inf, HOW[2]: math.inf}[how]


def _size_of_log(key: float, sizes: np.ndarray) -> tuple[float, str]:
    """Back from ``log_size``: ``(size, how)``, the bound at the smallest or largest of ``sizes`` for ``∓inf``."""
    if key == -math.inf:
        return float(sizes[0]), HOW[1]
    if key == math.inf:
        return float(sizes[-1]), HOW[2]
    return float(math.exp(key)), HOW[0]


def worth_table(rows: list[Worth]) -> str:
    """The rows as a text table: size, accuracy with augmentation, equivalent size, factor, how found, and the
    factor's interval when the rows carry one. Beyond the measured sizes it states a bound, never a number.

    >>> print(worth_table([Worth(100, 0.85, 240.0, "interpolated"), Worth(500, 0.95, 1000.0, "more than")]))
    size with aug.  val acc %  worth (no aug.)  factor  how
               100       85.0              240    2.4×  interpolated
               500       95.0  more than 1,000  > 2.0×  more than
    >>> print(worth_table([Worth(100, 0.85, 240.0, "interpolated", 130.0, 1000.0, 0.9, high_how="more than")]))
    size with aug.  val acc %  worth (no aug.)  factor    90% interval  how
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
    """``"1.3× – 4.1×"``; ``> ``/``< `` on a one-sided end, one bound alone if both ends are it, ``?`` unmeasured."""
    def one(x: float, how: str) -> str:
        return "?" if np.isnan(x) else bounded_text(x / row.size, how, "{:.1f}×")
    if row.low_how == row.high_how != HOW[0]:  # every draw beyond the same end of the sizes: one bound
        return one(row.low, row.low_how)
    return f"{one(row.low, row.low_how)} – {one(row.high, row.high_how)}"
