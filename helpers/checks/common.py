"""What every homework check shares: the ``Hint`` record, the ✅/❌/⏳ report, the registry ``grade_task`` runs,
the answer converters and the hints on learning curves and decisions that tasks 3 and 4 share."""

from __future__ import annotations

import contextlib
import functools
import io
import numbers
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from helpers.curves import LearningCurve
from helpers.training import Engine, Training, learning_curve, plan_learning_curve

__all__ = [
    "CENTRE_TOLERANCE_3", "CENTRE_TOLERANCE_4", "decision_text", "DECISIONS_3", "DECISIONS_4", "ESTIMATE_TOLERANCE_PP",
    "grade_task", "Hint", "LEVEL", "supported_decisions", "WIDTH_RANGE_3", "WIDTH_RANGE_4", "WIDTH_SLACK_4",
]

PASS, HINT, TODO = "✅", "❌", "⏳"
_CHECKS: dict[int, Callable[..., bool]] = {}  # task number → the check, returning whether it passed


@dataclass(frozen=True)
class Hint:
    """One recognised mistake: ``kind`` names it (checks branch on it, never on the wording); ``text`` says it.

    >>> Hint("variance", "your std is the variance — take its square root").kind
    'variance'
    """

    kind: str
    text: str


def _unfinished(*answers: object) -> bool:
    return any(answer is Ellipsis or answer is None for answer in answers)


def _report(task: int, hints: Sequence[Hint], success: str) -> bool:
    if hints:
        print(f"{HINT} Task {task} — not yet: " + "\n   ".join(hint.text for hint in hints))
    else:
        print(f"{PASS} Task {task} passed: {success}")
    return not hints


def _not_done(task: int, what: str = "replace each `...` with your answer, then run the cell again") -> bool:
    print(f"{TODO} Task {task}: not done yet — {what}.")
    return False


def _task(number: int) -> Callable:
    """Register a check as task ``number``'s; the public function prints and returns ``None``."""
    def register(check: Callable[..., bool]) -> Callable[..., None]:
        _CHECKS[number] = check

        @functools.wraps(check)
        def printed_only(*args: object, **kwargs: object) -> None:
            with warnings.catch_warnings():  # the answer runs many times: its warnings would only repeat
                warnings.simplefilter("ignore")
                check(*args, **kwargs)
        return printed_only
    return register


def grade_task(task: int, *args: object, **kwargs: object) -> None:
    """Run task ``task``'s check silently; raise ``AssertionError`` with its message unless it passed.

    The hidden tests of the graded homework call this (after re-importing ``helpers.checks``,
    so a check redefined in an answer cell does not count).

    >>> grade_task(1, ..., ...)
    Traceback (most recent call last):
    ...
    AssertionError: ⏳ Task 1: not done yet — replace each `...` with your answer, then run the cell again.
    """
    if task not in _CHECKS:
        raise ValueError(f"task={task!r} is unknown; allowed values: {sorted(_CHECKS)}")
    with contextlib.redirect_stdout(io.StringIO()) as text, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbgrader counts any output on stderr as a failed test
        passed = _CHECKS[task](*args, **kwargs)
    if not passed:
        raise AssertionError(text.getvalue().strip())


def _close(a: torch.Tensor, b: torch.Tensor, rtol: float = 1e-4) -> bool:
    return a.shape == b.shape and bool(torch.allclose(a, b, rtol=rtol, atol=1e-7))


def _fmt(values: torch.Tensor) -> str:
    return "(" + ", ".join(f"{v:.4f}" for v in values.flatten().tolist()[:6]) + (", …)" if values.numel() > 6 else ")")


def _curve_hint(curve: object, name: str, model: str = "mlp") -> Hint | None:
    if not isinstance(curve, LearningCurve):
        return Hint("not a curve", f"`{name}` must be the LearningCurve that learning_curve(...) returns, got a "
                                   f"{type(curve).__name__}")
    if curve.model != model:
        return Hint("wrong model", f"`{name}` is a learning curve of model={curve.model!r} — the task asks for "
                                   f"model={model!r}")
    return None


def _settings_hint(curve: LearningCurve, name: str, sizes: Sequence[int] | None, epochs: int | None,
                   repeats: int | None, sizes_setting: str = "the settings cell") -> Hint | None:
    """A hint when the curve's recorded sizes, repeats or epochs are not the ones the task asks for."""
    measured = np.asarray(curve.sizes).tolist()
    if sizes is not None and measured != [int(n) for n in sizes]:
        return Hint("wrong sizes", f"`{name}` was measured at sizes {measured}; the task asks for "
                                   f"{[int(n) for n in sizes]} ({sizes_setting})")
    if epochs is not None and curve.epochs != epochs:
        return Hint("wrong epochs", f"the models of `{name}` trained {curve.epochs} epochs; the task asks for "
                                    f"{epochs} (EPOCHS)")
    if repeats is not None and curve.repeats != repeats:
        return Hint("wrong repeats", f"`{name}` has {curve.repeats} repeats per size; the task asks for {repeats} "
                                     "(REPEATS)")
    if sizes is None and (len(curve.sizes) < 3 or curve.repeats < 2):
        return Hint("too few sizes", f"`{name}` has {len(curve.sizes)} sizes and {curve.repeats} repeats — measure "
                                     "at least 3 sizes with at least 2 repeats each, or the last step is mostly noise")
    return None


def _reproduction_hint(curve: LearningCurve, name: str, reproduce: dict | None) -> Hint | None:
    """Re-measure ``curve`` with the task's settings (``reproduce``: ``learning_curve`` arguments); hint if it differs.

    This catches what the curve does not record: learning rate, momentum, batch size, seed, augmentation and split.
    """
    if reproduce is None:
        return None
    r = reproduce  # the task's settings by name; the curve records sizes, repeats, epochs and model itself
    plan = plan_learning_curve(r["labels"], r["train_pool"], r["val_idx"], curve.sizes.tolist(), curve.repeats,
                               r.get("seed", 0))
    training = Training(curve.epochs, **{k: r[k] for k in ("batch_size", "lr", "momentum") if k in r})
    with torch.random.fork_rng(devices=[]):
        expected = learning_curve(r["images"], r["labels"], plan, curve.model, training, augment=r.get("augment"),
                                  engine=Engine(device=r.get("device"), progress=False))
    if expected.val_acc.shape == curve.val_acc.shape and np.allclose(curve.val_acc, expected.val_acc, atol=1e-3) \
            and np.allclose(curve.train_acc, expected.train_acc, atol=1e-3):
        return None
    hint = _split_hint(curve, name, {"val": reproduce["val_idx"]})
    if hint:
        return hint
    n_val = len(reproduce["val_idx"])
    counts = np.asarray(curve.val_acc, dtype=float) * n_val
    if not np.allclose(counts, np.round(counts), atol=1e-3):
        return Hint("not validation", f"`{name}` was not evaluated on the validation split (its accuracies are not "
                                      f"counts out of its {n_val} digits) — pass splits[\"train\"] and splits[\"val\"]")
    shown = {k: v for k, v in reproduce.items() if isinstance(v, (int, float, str)) and not isinstance(v, bool)}
    if reproduce.get("augment") is not None:
        shown["augment"] = reproduce["augment"]
    return Hint("settings differ", f"`{name}` differs from learning_curve(...) with the task's settings "
                                   f"({', '.join(f'{k}={v!r}' for k, v in shown.items())}, the train pool "
                                   "splits[\"train\"], evaluated on splits[\"val\"]) — check each argument of your "
                                   "call against the task")


def _split_hint(curve: LearningCurve, name: str, splits: dict | None) -> Hint | None:
    """A hint when ``curve`` was not evaluated on the validation split: it records how many digits each model saw."""
    if splits is None or curve.n_val is None or "val" not in splits or curve.n_val == len(splits["val"]):
        return None
    if "test" in splits and curve.n_val == len(splits["test"]):
        return Hint("test split", f"`{name}` was evaluated on {curve.n_val:,} digits — the test split; decisions are "
                                  f"made on the validation split ({len(splits['val']):,} digits): pass "
                                  "splits[\"val\"], and keep the test split for the very end")
    return Hint("not validation", f"`{name}` was evaluated on {curve.n_val:,} digits, but the validation split has "
                                  f"{len(splits['val']):,} — pass splits[\"val\"] as the held-out set")


LEVEL = 0.9  # tasks 3 and 4: the level of the interval the tasks ask for
DECISIONS_3 = ("more data helps", "does not help", "cannot tell yet")  # task 3: the decisions an interval supports
DECISIONS_4 = ("augmentation helps", "does not help", "cannot tell yet")  # task 4: per augmented size
# A student's 90 % interval may be this many times as wide as the reference's (``gain_interval``, seed 0; task 4:
# ``worth_intervals`` in log size, ± WIDTH_SLACK_4). Over seeds 100–119 (``benchmarks/bench_calibration.py --only
# homework``) the reference with other seeds or draws gave 0.81–1.06 (task 4: 0.82–1.25), the repeats alone 0.43–0.65
# (0.33–0.93), ±1 SE 0.27–0.40, a 99 % interval about 1.57 (2.576 ÷ 1.645): the range admits the right method and
# refuses ±1 SE and 99 %.
WIDTH_RANGE_3 = (0.6, 1.5)
WIDTH_RANGE_4 = (0.6, 1.5)
CENTRE_TOLERANCE_3 = 0.15
"""How far (in widths of ``gain_interval``'s interval) a task-3 interval's centre may sit from that interval's centre.
On seeds 100–103 other bootstrap seeds moved it by at most 0.064; sliding an interval to the threshold moved it 0.28.
``bench_calibration.py --only homework`` prints the moves over seeds 100–119: at most 0.05."""
CENTRE_TOLERANCE_4 = 0.3
"""The same for a task-4 interval, in log size, both intervals cut at the measured sizes (± WIDTH_SLACK_4 / 2). On
seeds 100–119 other bootstrap seeds, n_boot 200 or 2,000 moved it by at most 0.20 of the reference's width (95 % of
280 intervals: ≤ 0.10), the repeats alone by at most 0.24 (``bench_calibration.py --only homework``: 0.13 and 0.24)."""
WIDTH_SLACK_4 = 0.1  # log size: rounding, and ends near the edges of the measured sizes
ESTIMATE_TOLERANCE_PP = 0.05  # an interval rounded to 0.1 pp still contains its number


def _check_level(level: object) -> None:
    words = "the intervals' level, a number strictly between 0 and 1 (LEVEL)"
    if isinstance(level, bool) or not isinstance(level, numbers.Real):
        raise TypeError(f"level must be {words}, got {type(level).__name__}")
    if not 0 < level < 1:
        raise ValueError(f"level={level!r} must be {words}")


def decision_text(answer: object, allowed: Sequence[str]) -> str | None:
    """``answer`` as one of ``allowed`` (any case, spaces or a final full stop), else ``None``.

    >>> decision_text(" Cannot tell yet. ", DECISIONS_3), decision_text(True, DECISIONS_3)
    ('cannot tell yet', None)
    """
    if not isinstance(answer, str):
        return None
    text = " ".join(answer.lower().replace("’", "'").split()).rstrip(".!").replace("doesn't", "does not")
    return text if text in allowed else None


def supported_decisions(low: float, high: float, threshold: float, allowed: Sequence[str]) -> set[str]:
    """The decisions an interval ``low … high`` supports against ``threshold``: ``allowed[0]`` entirely above,
    ``allowed[1]`` entirely below, ``allowed[2]`` when it straddles it (an end on the threshold admits both).

    >>> supported_decisions(1.2, 4.0, 1.0, DECISIONS_3), supported_decisions(-0.4, 5.1, 1.0, DECISIONS_3)
    ({'more data helps'}, {'cannot tell yet'})
    """
    found = set()
    if low >= threshold:
        found.add(allowed[0])
    if high <= threshold:
        found.add(allowed[1])
    if low <= threshold <= high and not (low == high == threshold):
        found.add(allowed[2])
    return found or {allowed[2]}


def _floats(answer: object) -> np.ndarray | None:
    """``answer`` (a number, tuple, list, array or tensor) as a flat float array; ``None`` when it is no numbers
    (text, a bool, a dict, anything NumPy cannot read as floats)."""
    if isinstance(answer, (bool, str, bytes, dict)):
        return None
    try:
        return np.asarray(answer.detach().cpu() if torch.is_tensor(answer) else answer, dtype=float).ravel()
    except (TypeError, ValueError):
        return None


def _pair(answer: object) -> tuple[float, float] | None:
    """``answer`` as ``(low, high)`` if it is two numbers (tuple, list, array or tensor), else ``None``."""
    values = _floats(answer)
    return (float(values[0]), float(values[1])) if values is not None and values.size == 2 else None


def _decision_hint(answer: object, low: float, high: float, threshold: float, allowed: Sequence[str], name: str,
                   what: str, estimate: float | None = None, shown: str | None = None) -> Hint | None:
    """``None`` when the decision ``answer`` is one that the interval ``low … high`` supports, else a hint
    (``shown``: the interval as the hint prints it; ``estimate``: the number, to spot a decision read off it)."""
    text = decision_text(answer, allowed)
    if text is None:
        return Hint("decision unknown", f"`{name}` must be one of {', '.join(map(repr, allowed))} — got {answer!r:.60}")
    supported = supported_decisions(low, high, threshold, allowed)
    if text in supported:
        return None
    right = sorted(supported)[0]
    if right == allowed[2]:
        why = f"it contains {what}, so the data cannot tell yet which side the truth is on: {right!r}"
    else:
        side = "above" if right == allowed[0] else "below"
        why = f"it lies entirely {side} {what}, so the data can tell: {right!r}"
    kind = "decision contradicts the interval"
    if estimate is not None and text == (allowed[0] if estimate >= threshold else allowed[1]):
        kind, why = "decision from the number", f"your decision follows from the number alone — decide from the " \
                                                f"interval: {why}"
    return Hint(kind, f"your interval {shown or f'{low:.2f} … {high:.2f}'} does not support {text!r}: {why}")


def _scalar(value: object) -> float | None:
    """``value`` as a float if it is one number (Python, NumPy or a one-element tensor), else ``None``."""
    values = _floats(value)
    return float(values[0]) if values is not None and values.size == 1 else None

