"""Task 4: what augmentation is worth in examples, with an interval and a decision per augmented size."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import torch

from helpers.checks.common import (
    CENTRE_TOLERANCE_4,
    DECISIONS_4,
    LEVEL,
    WIDTH_RANGE_4,
    WIDTH_SLACK_4,
    Hint,
    _check_level,
    _curve_hint,
    _decision_hint,
    _not_done,
    _report,
    _reproduction_hint,
    _scalar,
    _settings_hint,
    _task,
    _unfinished,
    decision_text,
)
from helpers.curves import HOW, LearningCurve
from helpers.worth import equivalent_size, log_size, worth_intervals

__all__ = ["check_task_4"]

BOUND = re.compile(r"^\s*(fewer than|less than|<|more than|>)\s*([0-9][0-9,_]*(?:\.[0-9]+)?)\s*$")
BOUND_WORDS = {"fewer than": "fewer than", "less than": "fewer than", "<": "fewer than", "more than": "more than",
               ">": "more than"}


def worth_entry(item: object) -> tuple[float, str | None] | None:
    """One entry of a task-4 ``worth`` answer as ``(size, how)``; ``how`` is ``None`` for a plain number.

    Accepted: a number; the pair ``(size, how)`` that ``helpers.worth.equivalent_size`` returns; a text
    bound such as ``"fewer than 125"``, ``"< 125"`` or ``"more than 1,500"``. ``None`` for anything else.

    >>> worth_entry(180.4), worth_entry((125.0, "fewer than")), worth_entry("> 1,500")
    ((180.4, None), (125.0, 'fewer than'), (1500.0, 'more than'))
    """
    if isinstance(item, str):
        found = BOUND.match(item.lower())
        return (float(found.group(2).replace(",", "").replace("_", "")), BOUND_WORDS[found.group(1)]) if found else None
    if isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[1], str) and item[1] in HOW:
        size = _scalar(item[0])
        return None if size is None else (size, item[1])
    size = _scalar(item)
    return None if size is None else (size, None)


def _worth_entries(worth: object, count: int) -> tuple[list[tuple[float, str | None]] | None, Hint | None]:
    """The entries of ``worth`` (one per augmented size), or a hint when it is not that."""
    if count == 1 and worth_entry(worth) is not None:
        worth = [worth]
    items = worth.detach().cpu().flatten().tolist() if torch.is_tensor(worth) else (
        np.asarray(worth).ravel().tolist() if isinstance(worth, np.ndarray) else worth)
    if not isinstance(items, (list, tuple)):
        return None, Hint("not a list", f"`worth` must be a list with one entry per augmented size, got a "
                                        f"{type(worth).__name__}")
    entries = [worth_entry(item) for item in items]
    if len(entries) != count or None in entries:
        return None, Hint("worth length", f"`worth` needs one entry per size of aug_curve ({count}): a number of "
                                          "examples, or a bound such as (125, 'fewer than') where the curve has no "
                                          f"number — got {str(worth)[:80]}")
    return entries, None


def _bound_hint(value: float, how: str | None, size: int, bound: float, rule: str) -> Hint:
    """The hint for an entry where the curve gives only a bound (``rule``: "fewer than" or "more than")."""
    says = f"{rule} {bound:,.0f}"
    where = "below the whole" if rule == "fewer than" else "above the whole"
    if how is not None:
        return Hint("wrong bound", f"for {size} augmented examples the un-augmented curve says '{says}', not "
                                   f"'{how} {value:,.0f}'")
    if not math.isfinite(value):
        return Hint("unbounded", f"for {size} augmented examples your worth is {value} — the augmented accuracy lies "
                                 f"{where} un-augmented curve, so the data bound it on one side only, '{says}': "
                                 f"give ({bound:.0f}, '{rule}') (what equivalent_size returns)")
    if math.isclose(value, bound, rel_tol=5e-3, abs_tol=1.0):
        return Hint("clipped", f"for {size} augmented examples your worth is {value:,.0f}, the edge of the measured "
                               f"sizes — but the augmented accuracy lies {where} un-augmented curve: the data only say "
                               f"'{says}'. Give ({bound:.0f}, '{rule}') (what equivalent_size returns), not a clipped "
                               "size (np.interp clips)")
    return Hint("extrapolated", f"for {size} augmented examples your worth {value:,.0f} lies outside the measured "
                                f"sizes, where the curve says nothing — the data only say '{says}': give "
                                f"({bound:.0f}, '{rule}')")


def _worth_hint(entries: list[tuple[float, str | None]], aug_curve: LearningCurve, curve: LearningCurve,
                expected: list[tuple[float, str]]) -> Hint | None:
    """``None`` when ``worth`` is ``expected``, what the un-augmented curve says (the one rule: ``equivalent_size``),
    else a hint."""
    acc, n = aug_curve.val_acc.mean(axis=1), aug_curve.sizes.astype(float)
    for (value, how), (bound, rule), size in zip(entries, expected, aug_curve.sizes, strict=True):
        if rule != "interpolated" and not (how == rule and math.isclose(value, bound, rel_tol=5e-3, abs_tol=1.0)):
            return _bound_hint(value, how, int(size), bound, rule)
    inside = [i for i, (_, rule) in enumerate(expected) if rule == "interpolated"]
    values = np.array([entries[i][0] for i in inside])
    ref = np.array([expected[i][0] for i in inside])
    bounded = [i for i in inside if entries[i][1] not in (None, "interpolated")]
    if bounded:
        return Hint("wrong bound", f"for {aug_curve.sizes[bounded[0]]} augmented examples the curve has a number, "
                                   f"{expected[bounded[0]][0]:,.0f} examples, not a bound ('{entries[bounded[0]][1]}')")
    if np.allclose(values, ref, rtol=5e-3, atol=1.0):
        return None
    plain, sizes = curve.val_acc.mean(axis=1), curve.sizes.astype(float)
    guesses = {
        Hint("linear size", "you interpolated in the size itself — interpolate in log(size) (learning curves are "
                            "close to straight lines against log size), or use equivalent_size"):
            np.interp(acc, plain, sizes),
        Hint("extra examples", "your numbers are the *extra* examples augmentation is worth — the question asks "
                               "for the total number of un-augmented examples that reach the same accuracy"): ref - n,
        Hint("factors", "your numbers are factors — the question asks for numbers of examples (factor × size)"):
            ref / n,
        Hint("training accuracy", "your numbers come from training accuracy — use the validation accuracy of both "
                                  "curves"): np.exp(np.interp(aug_curve.train_acc.mean(1), curve.train_acc.mean(1),
                                                              np.log(sizes))),
        Hint("accuracy differences", "your numbers are accuracy differences — convert them into examples: which "
                                     "size of the un-augmented curve reaches the augmented accuracy?"):
            (acc - np.interp(n, sizes, plain)) * 100,
    }
    return next((hint for hint, wrong in guesses.items()
                 if np.allclose(values, np.asarray(wrong)[inside], rtol=5e-3, atol=1e-3)),
                Hint("worth wrong", f"your numbers {np.round(values).tolist()} are not what the un-augmented curve "
                                    "says: it reaches the augmented accuracies "
                                    f"{np.round(acc[inside] * 100, 1).tolist()} % at about {np.round(ref).tolist()} "
                                    "examples (interpolate its mean val_acc in log size: equivalent_size)"))


def _aug_curve_hint(aug_curve: LearningCurve, curve: LearningCurve, sizes: Sequence[int] | None,
                    augment: object = None) -> Hint | None:
    if aug_curve.epochs != curve.epochs:
        return Hint("epochs differ", f"compare like with like: the augmented models trained {aug_curve.epochs} "
                                     f"epochs, the un-augmented ones {curve.epochs}")
    if aug_curve.repeats != curve.repeats:
        return Hint("repeats differ", f"compare like with like: `aug_curve` has {aug_curve.repeats} repeats per "
                                      f"size, `curve` {curve.repeats}")
    if None not in (curve.n_val, aug_curve.n_val) and curve.n_val != aug_curve.n_val:
        return Hint("other digits", f"compare like with like: `curve` was scored on {curve.n_val:,} digits and "
                                    f"`aug_curve` on {aug_curve.n_val:,} — evaluate both on splits[\"val\"], so that "
                                    "the intervals can draw the same validation digits for both")
    if sizes is not None and (settings := _settings_hint(aug_curve, "aug_curve", sizes, None, None, "AUG_SIZES")):
        return settings
    k = len(aug_curve.sizes)
    if aug_curve.augment is None or (
            np.array_equal(aug_curve.sizes, curve.sizes[:k]) and np.array_equal(aug_curve.val_acc, curve.val_acc[:k])):
        return Hint("no augmentation", "your augmented curve was trained without augmentation — pass "
                                       "augment=FusedAugment(...) to learning_curve")
    if augment is not None and aug_curve.augment != repr(augment):
        return Hint("other augmentation", f"`aug_curve` was trained with {aug_curve.augment}; the task asks for "
                                          f"{augment!r} — keep resize=28, crop=28 (no zoom): learning_curve evaluates "
                                          "on the plain 28×28 digits, so training digits must keep that scale")
    return None


def _end(item: object, side: str) -> tuple[float, str] | None:
    """One end of a task-4 interval as ``(log size, how)``: ``how`` is "interpolated" for a number, or the bound;
    an open end (``inf`` above, ``0`` below, or a bound) has the log size ``±inf``."""
    entry = worth_entry(item)
    if entry is None:
        return None
    value, how = entry[0], entry[1] or HOW[0]
    if how == HOW[0] and (math.isnan(value) or value < 0 or (side == "low" and value == math.inf)):
        return None
    return log_size(value, how), how


def _end_text(key: float, how: str, sizes: np.ndarray) -> str:
    if how == HOW[1] or key == -math.inf:
        return f"fewer than {sizes[0]:,.0f}"
    if how == HOW[2] or key == math.inf:
        return f"more than {sizes[-1]:,.0f}"
    return f"{math.exp(key):,.0f}"


def _worth_ranges(worth_ranges: object, count: int, level: float = LEVEL) -> tuple[list | None, Hint | None]:
    """The ends of ``worth_ranges`` (one ``(low, high)`` per augmented size) as ``(key, how)`` pairs, or a hint."""
    items = worth_ranges.tolist() if isinstance(worth_ranges, np.ndarray) else (
        worth_ranges.detach().cpu().tolist() if torch.is_tensor(worth_ranges) else worth_ranges)
    if count == 1 and isinstance(items, (list, tuple)) and len(items) == 2 and _end(items[0], "low") is not None:
        items = [items]
    wanted = (f"`worth_ranges` needs one {level * 100:g} % interval (low, high) per size of aug_curve "
              f"({count}), each end a number of examples or, where the curve cannot bound it, a bound such as "
              "(1500, 'more than') — got ")
    if not isinstance(items, (list, tuple)) or len(items) != count:
        return None, Hint("ranges length", wanted + f"{str(worth_ranges)[:80]}")
    ends = []
    for item in items:
        if isinstance(item, np.ndarray) or torch.is_tensor(item):
            item = item.tolist()
        pair = list(item) if isinstance(item, (list, tuple)) and len(item) == 2 else None
        low, high = (_end(pair[0], "low"), _end(pair[1], "high")) if pair else (None, None)
        if low is None or high is None:
            return None, Hint("ranges length", wanted + f"{str(item)[:80]}")
        ends.append((low, high))
    return ends, None


def _ranges_hint(ends: list, aug_curve: LearningCurve, curve: LearningCurve, level: float = LEVEL) -> Hint | None:
    """``None`` when every interval is a reasonable 90 % interval of its worth (the one rule's), else a hint."""
    sizes = curve.sizes.astype(float)
    edges = math.log(sizes[0]), math.log(sizes[-1])
    shared = None not in (curve.n_val, aug_curve.n_val)  # both record the same digits (checked before): resample them
    reference = worth_intervals(aug_curve, curve, level=level, seed=0, validation_noise=None if shared else False)
    for ((low, low_how), (high, high_how)), row, n in zip(ends, reference, aug_curve.sizes, strict=True):
        shown = f"{_end_text(low, low_how, sizes)} … {_end_text(high, high_how, sizes)}"
        estimate = log_size(row.equivalent, row.how)
        ref_low, ref_high = log_size(row.low, row.low_how), log_size(row.high, row.high_how)
        if low > high:
            return Hint("interval reversed", f"for {n} augmented examples your interval is {shown}: give the low end "
                                             "first")
        for key, how, ref, side in ((low, low_how, ref_low, "low"), (high, high_how, ref_high, "high")):
            if how != HOW[0] or not math.isfinite(key):
                continue
            if key < edges[0] - 0.005 or key > edges[1] + 0.005:
                size, rule = (sizes[0], HOW[1]) if key < edges[0] else (sizes[-1], HOW[2])
                return Hint("extrapolated end", f"for {n} augmented examples the {side} end {math.exp(key):,.0f} lies "
                                                "outside the measured sizes, where the curve says nothing — give the "
                                                f"bound there, e.g. ({size:.0f}, '{rule}')")
            if not math.isfinite(ref) and min(abs(key - edges[0]), abs(key - edges[1])) < 0.005:
                size, rule = (sizes[0], HOW[1]) if ref < 0 else (sizes[-1], HOW[2])
                return Hint("clipped end", f"for {n} augmented examples your {side} end {math.exp(key):,.0f} is the "
                                           "edge of the measured sizes, but there the curve only bounds it: say "
                                           f"({size:.0f}, '{rule}') — the interval is open on that side")
        if not low - 0.01 <= estimate <= high + 0.01:
            return Hint("interval misses the estimate",
                        f"for {n} augmented examples your interval {shown} does not contain the worth "
                        f"{_end_text(estimate, row.how, sizes)} — bootstrap both curves and read each draw off "
                        "with the same rule (worth_intervals does it)")
        lo, hi = max(low, edges[0]), min(high, edges[1])  # both intervals cut at the measured sizes
        ref_lo, ref_hi = max(ref_low, edges[0]), min(ref_high, edges[1])
        width, ref_width = hi - lo, ref_hi - ref_lo
        reference = f"{_end_text(ref_low, row.low_how, sizes)} … {_end_text(ref_high, row.high_how, sizes)}"
        if not WIDTH_RANGE_4[0] * ref_width - WIDTH_SLACK_4 <= width <= WIDTH_RANGE_4[1] * ref_width + WIDTH_SLACK_4:
            which = "narrow" if width < ref_width else "wide"
            return Hint(f"interval too {which}",
                        f"for {n} augmented examples your interval {shown} is too {which} for {level:.0%}: a "
                        f"{level:.0%} interval of this worth is about {reference} (worth_intervals: the repeats and "
                        "the validation digits of both curves)")
        shift = (lo + hi - ref_lo - ref_hi) / 2
        if abs(shift) > CENTRE_TOLERANCE_4 * ref_width + WIDTH_SLACK_4 / 2:
            return Hint("interval shifted",
                        f"for {n} augmented examples your interval {shown} sits {'above' if shift > 0 else 'below'} "
                        f"a {level:.0%} interval of this worth, about {reference} (worth_intervals); another "
                        "bootstrap seed moves it far less — compute the interval from the data, don't move it")
    return None


def _aug_decisions_hint(aug_decision: object, ends: list, aug_curve: LearningCurve, curve: LearningCurve,
                        worth: list) -> Hint | None:
    """``None`` when each size's decision is one its interval supports (against the size itself), else a hint."""
    count = len(aug_curve.sizes)
    decisions = [aug_decision] if count == 1 and isinstance(aug_decision, str) else aug_decision
    if not isinstance(decisions, (list, tuple)) or len(decisions) != count:
        return Hint("decisions length", f"`aug_decision` needs one decision per size of aug_curve ({count}), each one "
                                        f"of {', '.join(repr(d) for d in DECISIONS_4)} — got {str(aug_decision)[:80]}")
    sizes = curve.sizes.astype(float)
    for answer, ((low, low_how), (high, high_how)), n, (value, how) in zip(decisions, ends, aug_curve.sizes, worth,
                                                                          strict=True):
        estimate = log_size(value, how)
        hint = _decision_hint(answer, low, high, math.log(n), DECISIONS_4, "aug_decision",
                              f"{n:,} — the examples the augmented models trained on", estimate,
                              f"{_end_text(low, low_how, sizes)} … {_end_text(high, high_how, sizes)} examples")
        if hint:
            return Hint(hint.kind, f"for {n} augmented examples: {hint.text}")
    return None


@_task(4)
def check_task_4(aug_curve: object, worth: object, worth_ranges: object, aug_decision: object, curve: object,
                 sizes: Sequence[int] | None = None, augment: object = None, reproduce: dict | None = None,
                 level: float = LEVEL) -> bool:
    """Task 4: an augmented MLP curve at small sizes, how many un-augmented examples each size is worth, the
    90 % interval of each worth, and whether each interval says that augmentation helps.

    Per size of ``aug_curve``, ``worth`` is what ``helpers.worth.equivalent_size`` reads off ``curve`` (task 3's)
    at the augmented mean validation accuracy: a number inside the measured accuracies, only a bound outside them
    (``(125, "fewer than")`` or ``"fewer than 125"``). ``worth_ranges`` holds one 90 % interval ``(low, high)`` per
    size, each end a number or a bound (``inf`` above or ``0`` below also say "open"), that contains the worth and
    is ``WIDTH_RANGE_4`` times as wide as ``helpers.worth.worth_intervals``' in log size; ``aug_decision`` holds per
    size one of ``DECISIONS_4`` that its interval supports against the size itself. ``sizes`` and ``augment`` are
    compared with what ``aug_curve`` records; ``reproduce`` (the grader's hidden test) holds task 3's keys and
    ``augment``, and ``aug_curve`` is measured again. Typical mistakes (a clipped size where the curve gives a
    bound, the lecture's zoom, interpolation in linear size, factors, …) get their own hint.

    Example (in the homework)::

        check_task_4(aug_curve, worth, worth_ranges, aug_decision, curve, sizes=AUG_SIZES,
                     augment=FusedAugment(degrees=AUG_DEGREES, resize=28, crop=28))
    """
    _check_level(level)
    if _unfinished(curve):
        return _not_done(4, "it needs `curve`, the un-augmented MLP learning curve of task 3, first")
    if _unfinished(aug_curve, worth, worth_ranges, aug_decision):
        return _not_done(4)
    hint = _curve_hint(curve, "curve") or _curve_hint(aug_curve, "aug_curve")
    hint = hint or _aug_curve_hint(aug_curve, curve, sizes, augment)
    expected = [] if hint else [equivalent_size(curve, float(a)) for a in aug_curve.val_acc.mean(axis=1)]
    entries, error = _worth_entries(worth, len(aug_curve.sizes)) if hint is None else (None, None)
    hint = hint or error or _worth_hint(entries, aug_curve, curve, expected)
    ends, error = _worth_ranges(worth_ranges, len(aug_curve.sizes), level) if hint is None else (None, None)
    hint = hint or error or _ranges_hint(ends, aug_curve, curve, level)
    hint = hint or _aug_decisions_hint(aug_decision, ends, aug_curve, curve, expected)
    hint = hint or _reproduction_hint(aug_curve, "aug_curve", reproduce)
    if hint:
        return _report(4, [hint], "")
    bounds = [how for _, how in expected if how != "interpolated"]
    note = f" — and only a bound where the augmented accuracy lies outside the measured curve ({bounds[0]})" \
        if bounds else ""
    decisions = [aug_decision] if isinstance(aug_decision, str) else list(aug_decision)
    said = ", ".join(f"{n}: {decision_text(d, DECISIONS_4)!r}" for n, d in zip(aug_curve.sizes, decisions,
                                                                             strict=True))
    return _report(4, [], "`worth` holds, per augmented size, how many un-augmented examples reach the same "
                          f"validation accuracy (interpolated in log size){note}; each interval contains it, and "
                          f"your decisions are the ones the intervals support ({said}).")

