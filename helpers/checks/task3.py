"""Task 3: a learning curve for an MLP, its last gain per doubling, its interval and the decision it supports."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

from helpers.checks.common import (
    CENTRE_TOLERANCE_3,
    DECISIONS_3,
    ESTIMATE_TOLERANCE_PP,
    LEVEL,
    WIDTH_RANGE_3,
    Hint,
    _check_level,
    _curve_hint,
    _decision_hint,
    _not_done,
    _pair,
    _report,
    _reproduction_hint,
    _scalar,
    _settings_hint,
    _split_hint,
    _task,
    _unfinished,
    decision_text,
)
from helpers.curves import LearningCurve, gain_interval, gain_per_doubling

__all__ = ["check_task_3"]


def _gain_hint(gain: float, curve: LearningCurve) -> Hint:
    ref = gain_per_doubling(curve)
    val = curve.val_acc.mean(axis=1)
    doublings = math.log2(curve.sizes[-1] / curve.sizes[-2])
    guesses = {
        Hint("fraction", "your number is a fraction — give percentage points (multiply by 100)"): ref / 100,
        Hint("training accuracy", "your number comes from the training accuracy — the question is about new data: "
             "use val_acc"): gain_per_doubling(curve, "train"),
        Hint("wrong sign", "your number has the wrong sign — largest size minus second largest"): -ref,
        Hint("whole curve", "your number is the gain over the whole curve — the question is about the last step "
        "(the two largest sizes)"): (val[-1] - val[0]) * 100,
        Hint("one repeat", "your number comes from one repeat — average over the repeats first (val_acc.mean(axis=1))"):
            (curve.val_acc[-1, 0] - curve.val_acc[-2, 0]) * 100 / doublings,
        Hint("not per doubling", "your number is the gain between the two largest sizes, not per doubling — divide by "
        "log2(n_largest / n_second)"): (val[-1] - val[-2]) * 100,
    }
    return next((hint for hint, wrong in guesses.items() if math.isclose(gain, wrong, rel_tol=1e-3, abs_tol=1e-4)),
                Hint("gain wrong", f"your gain {gain:.2f} pp is not the validation-accuracy gain per doubling of the "
                                   "two largest sizes"))


def _interval_hint(interval: object, gain: float, curve: LearningCurve, level: float = LEVEL) -> Hint | None:
    """``None`` when ``interval`` is a reasonable 90 % interval of the gain ``gain``, else what is wrong with it."""
    pair = _pair(interval)
    if pair is None:
        return Hint("interval not a pair", "`gain_range` must be two numbers, (low, high) in percentage points — got "
                                           f"{str(interval)[:60]}")
    low, high = pair
    if not (math.isfinite(low) and math.isfinite(high)):
        return Hint("interval not finite", f"`gain_range` must be two finite numbers, got ({low}, {high})")
    if low > high:
        return Hint("interval reversed", f"`gain_range` is ({low:.2f}, {high:.2f}): give the low end first")
    if not low - ESTIMATE_TOLERANCE_PP <= gain <= high + ESTIMATE_TOLERANCE_PP:
        fraction = low * 100 - ESTIMATE_TOLERANCE_PP <= gain <= high * 100 + ESTIMATE_TOLERANCE_PP
        return Hint("interval misses the estimate",
                    f"your interval {low:.2f} … {high:.2f} does not contain your number {gain:.2f} pp" +
                    (" — it looks like a fraction: give percentage points (multiply by 100)" if fraction else
                     " — an interval of the gain per doubling is centred near it (bootstrap the repeats and the "
                     "validation digits, or use gain_interval)"))
    ref_low, ref_high = gain_interval(curve, level=level, seed=0)
    ratio = (high - low) / (ref_high - ref_low)
    yours = f"your interval {low:.2f} … {high:.2f} pp"
    reference = f"a {level:.0%} interval of this curve ({ref_low:.1f} … {ref_high:.1f} pp from gain_interval)"
    if ratio < WIDTH_RANGE_3[0]:
        return Hint("interval too narrow",
                    f"{yours} is {ratio:.2f}× as wide as {reference} — too narrow for {level:.0%}: does it hold both "
                    "sources of noise, the repeats *and* the validation digits every model was scored on (the "
                    "repeats alone give about half the width)? ±1 standard error is only a 68 % interval (use ±1.645)")
    if ratio > WIDTH_RANGE_3[1]:
        return Hint("interval too wide",
                    f"{yours} is {ratio:.1f}× as wide as {reference} — too wide for {level:.0%}: the range of the "
                    "per-repeat gains or a 99 % interval says less than the data know")
    shift = (low + high) / 2 - (ref_low + ref_high) / 2
    if abs(shift) > CENTRE_TOLERANCE_3 * (ref_high - ref_low):
        return Hint("interval shifted",
                    f"{yours} sits {abs(shift):.2f} pp {'above' if shift > 0 else 'below'} {reference}; another "
                    "bootstrap seed moves it far less — compute the interval from the data, don't move it")
    return None


@_task(3)
def check_task_3(curve: object, gain_pp: object, gain_range: object, decision: object, min_gain_pp: float = 1.0,
                 sizes: Sequence[int] | None = None, epochs: int | None = None, repeats: int | None = None,
                 splits: dict | None = None, reproduce: dict | None = None, level: float = LEVEL) -> bool:
    """Task 3: an MLP learning curve, its last gain per doubling (pp of validation accuracy), its 90 % interval
    and the decision that interval supports.

    ``gain_range`` ``(low, high)`` in pp must contain ``gain_pp``, be ``WIDTH_RANGE_3`` times as wide as
    ``helpers.curves.gain_interval``'s at ``level`` and centred within ``CENTRE_TOLERANCE_3`` of its width;
    ``decision`` (one of ``DECISIONS_3``) must be one that interval supports against ``min_gain_pp``. ``sizes``,
    ``epochs``, ``repeats`` and ``splits["val"]`` are compared with what the curve records (without ``sizes``: at
    least 3 sizes and 2 repeats); ``reproduce`` (the grader's hidden test) holds the other ``learning_curve``
    arguments (``images``, ``labels``, ``train_pool``, ``val_idx``; optional ``batch_size``, ``lr``, ``momentum``,
    ``seed``, ``device``), and the curve is measured again. Typical mistakes (the test split, the gain as a
    fraction or from one repeat, ±1 standard error, a decision read off the number alone, …) get their own hint.

    Example (in the homework)::

        check_task_3(curve, gain_pp, gain_range, decision, min_gain_pp=MIN_GAIN_PP, sizes=SIZES, epochs=EPOCHS,
                     repeats=REPEATS, splits=splits)
    """
    if isinstance(min_gain_pp, bool) or not isinstance(min_gain_pp, numbers.Real):
        raise TypeError(f"min_gain_pp must be a finite number of percentage points, got {type(min_gain_pp).__name__}")
    if not math.isfinite(min_gain_pp):
        raise ValueError(f"min_gain_pp={min_gain_pp!r} must be a finite number of percentage points")
    _check_level(level)
    if _unfinished(curve, gain_pp, gain_range, decision):
        return _not_done(3)
    hint = _curve_hint(curve, "curve") or _settings_hint(curve, "curve", sizes, epochs, repeats)
    hint = hint or _split_hint(curve, "curve", splits)
    gain = _scalar(gain_pp)
    if hint is None and (gain is None or not math.isfinite(gain)):
        hint = Hint("gain not a number",
                    f"`gain_pp` must be one number (finite, in percentage points), got {gain_pp!r:.40}")
    if hint is None and not math.isclose(gain, gain_per_doubling(curve), rel_tol=1e-3, abs_tol=1e-4):
        hint = _gain_hint(gain, curve)
    hint = hint or _interval_hint(gain_range, gain, curve, level)
    if hint is None:
        low, high = _pair(gain_range)
        hint = _decision_hint(decision, low, high, min_gain_pp, DECISIONS_3, "decision",
                              f"the {min_gain_pp:g} pp per doubling that make more data worth collecting", gain)
    hint = hint or _reproduction_hint(curve, "curve", reproduce)
    if hint:
        return _report(3, [hint], "")
    return _report(3, [], f"your number ({gain:.1f} pp per doubling between the two largest sizes), its interval "
                          f"({low:.1f} … {high:.1f} pp) and your decision agree: "
                          f"{decision_text(decision, DECISIONS_3)!r} (threshold {min_gain_pp:g} pp).")

