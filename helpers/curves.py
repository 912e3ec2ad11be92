"""Learning curves as numbers (numpy/scipy only): the ``LearningCurve`` record, the bootstrap every interval shares,
and the records ``helpers.extrapolation`` and ``helpers.worth`` return (here, so figures need not import them)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np

from helpers.validation import check_choice, check_in_range, check_int, check_type

__all__ = [
    "accuracy_difference", "BAND_LABEL", "bootstrap_noise", "bootstrap_val_acc", "bounded_text", "Bracket",
    "check_bootstrap", "check_curve", "gain_interval", "gain_per_doubling", "HOW", "LearningCurve", "mean_band",
    "paired_val_acc", "power_law", "PowerLawFit", "shared_noise", "Worth",
]

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

    ``train_acc``/``val_acc``: accuracy in ``[0, 1]`` on each model's own training subset and on the held-out set;
    ``fit_time``: each model's share (s) of the batched training run; ``models``: kept by ``keep_models=True``;
    ``val_correct`` (``bool`` ``sizes × repeats × n_val``): which validation examples each model got right, for
    bands with the validation set's own noise; ``augment``: the training augmentation's ``repr`` (``None``: none).

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

        For a model trained with augmentation, pass the validation digits through its matching *test* pipeline.
        With ``train_images``/``train_labels`` (the **whole** dataset, indexed as in ``learning_curve``, through the
        same pipeline) each model's training accuracy on its own subset is measured again; else it is kept. A typical
        call (``zoomed``: the validation digits through Resize 32 → CenterCrop 28)::

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


def check_curve(curve: object, name: str = "curve") -> None:
    """Raise ``TypeError`` unless ``curve`` is a ``LearningCurve``; the message names the parameter ``name``.

    >>> check_curve([0.8, 0.9], "aug_curve")
    Traceback (most recent call last):
    TypeError: aug_curve must be a LearningCurve (from learning_curve), got list
    """
    check_type(name, curve, LearningCurve, "a LearningCurve (from learning_curve)")


def gain_per_doubling(curve: LearningCurve, accuracy: str = "val") -> float:
    """Percentage points of mean accuracy (``"val"`` or ``"train"``) gained per doubling of the data between the
    two largest sizes: ``(acc[-1] − acc[-2]) · 100 / log2(n[-1] / n[-2])``.

    >>> curve = LearningCurve("mlp", np.array([1000, 2000]), np.ones((2, 1)), np.array([[0.84], [0.875]]),
    ...                       np.zeros((2, 1)), epochs=1)
    >>> round(gain_per_doubling(curve), 6)  # one doubling: simply the difference
    3.5
    """
    check_choice("accuracy", accuracy, ("val", "train"))
    acc = (curve.val_acc if accuracy == "val" else curve.train_acc).mean(axis=1)
    return float((acc[-1] - acc[-2]) * 100 / math.log2(curve.sizes[-1] / curve.sizes[-2]))


def power_law(n: np.ndarray | float, a: float, b: float, c: float) -> np.ndarray:
    """``a · n^(−b) + c``: the error a power-law learning curve predicts at training size ``n``.

    >>> round(float(power_law(100, a=1.0, b=0.5, c=0.05)), 6)
    0.15
    """
    return a * np.power(np.asarray(n, dtype=float), -b) + c


@dataclass(frozen=True)
class PowerLawFit:
    """A fitted power law ``err(n) = a·n^(−b) + c`` and its bootstrap samples ``(a, b, c)``.

    ``sizes``: the training sizes fitted; ``level``: the coverage of ``band``; ``noise``: what the bootstrap
    resampled, one of ``NOISE`` (with the validation examples, the band holds the validation set's noise too).

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


def bootstrap_noise(curve: LearningCurve, validation_noise: bool | None, name: str = "curve") -> str:
    """What the bootstrap resamples: validation examples too when asked (or, by default, when recorded).

    >>> curve = LearningCurve("toy", np.array([100, 200]), np.ones((2, 2)), np.full((2, 2), 0.8), np.zeros((2, 2)),
    ...                       epochs=1)
    >>> bootstrap_noise(curve, None)  # no per-example correctness recorded: the repeats only
    'repeats'
    >>> bootstrap_noise(curve, True)
    Traceback (most recent call last):
    ValueError: curve has no val_correct (per-example correctness), so validation_noise=True cannot resample the \
validation examples; measure it with learning_curve or evaluated_on
    """
    check_type("validation_noise", validation_noise, (bool, type(None)), "None, True or False")
    if validation_noise and curve.val_correct is None:
        raise ValueError(f"{name} has no val_correct (per-example correctness), so validation_noise=True cannot "
                         "resample the validation examples; measure it with learning_curve or evaluated_on")
    use = curve.val_correct is not None if validation_noise is None else validation_noise
    return NOISE[1] if use else NOISE[0]


def check_bootstrap(n_boot: int, level: float) -> None:
    """The settings every bootstrap here shares: at least 10 draws, a level strictly inside (0, 1).

    >>> check_bootstrap(200, 0.9)
    >>> check_bootstrap(200, 90)
    Traceback (most recent call last):
    ValueError: level=90 must lie in (0, 1)
    """
    check_int("n_boot", n_boot, low=10)
    check_in_range("level", level, 0, 1, low_closed=False, high_closed=False)


def shared_noise(curves: dict[str, LearningCurve], decides: str, validation_noise: bool | None, purpose: str) -> str:
    """``bootstrap_noise`` of ``curves[decides]`` for a bootstrap that draws the same validation examples for both
    curves (named in ``curves``, in the order the error message names them).

    >>> plain = LearningCurve("toy", np.array([100, 200]), np.ones((2, 2)), np.full((2, 2), 0.8), np.zeros((2, 2)),
    ...                       epochs=1)
    >>> shared_noise({"aug_curve": plain, "curve": plain}, "curve", None, "the worth")
    'repeats'
    """
    noise = bootstrap_noise(curves[decides], validation_noise, decides)
    if noise == NOISE[1]:
        (first, one), (second, other) = curves.items()
        bootstrap_noise(other if first == decides else one, True, second if first == decides else first)
        if one.n_val != other.n_val:
            raise ValueError(f"{first} was scored on {one.n_val} validation examples and {second} on "
                             f"{other.n_val}; {purpose} needs the same examples (or validation_noise=False)")
    return noise


def bootstrap_val_acc(curve: LearningCurve, rng: np.random.Generator, noise: str = NOISE[1],
                      example_weights: np.ndarray | None = None) -> np.ndarray:
    """One bootstrap copy of ``curve.val_acc``: the repeats of every size drawn with replacement and, with
    ``noise="repeats and validation examples"``, the validation examples too.

    The validation examples are drawn **once** for all models: all were scored on the same examples, so an easy
    draw lifts the whole curve (with 500 examples about ±1.3 pp at 90 %), which the repeats' spread cannot show.
    ``example_weights`` (counts per example, from ``rng.multinomial``) share one draw between two curves.

    >>> correct = np.tile([True, True, False, False], (1, 2, 1))  # both models get the first 2 of 4 examples right
    >>> curve = LearningCurve("toy", np.array([100]), np.ones((1, 2)), correct.mean(2), np.zeros((1, 2)), 1,
    ...                       val_correct=correct)
    >>> draws = [bootstrap_val_acc(curve, np.random.default_rng(s))[0, 0] for s in range(200)]
    >>> bool(0.2 < np.std(draws) < 0.3)  # about sqrt(0.5 · 0.5 / 4) = 0.25 from 4 examples
    True
    >>> bootstrap_val_acc(curve, np.random.default_rng(0), noise="repeats")  # the repeats only: no change here
    array([[0.5, 0.5]])
    """
    picks, accuracy = _draw(curve, rng, noise, example_weights)
    return np.take_along_axis(accuracy, picks, axis=1)


def paired_val_acc(first: LearningCurve, second: LearningCurve, noise: str, n_boot: int,
                   seed: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``n_boot`` bootstrap copies of both curves' ``val_acc`` (``first`` drawn before ``second``), with one shared
    draw of the validation examples when ``noise`` says so (``shared_noise`` checks both were scored on the same).

    >>> curve = LearningCurve("toy", np.array([100, 200]), np.ones((2, 3)), np.full((2, 3), 0.8), np.zeros((2, 3)), 1)
    >>> [(x.shape, y.shape) for x, y in paired_val_acc(curve, curve, "repeats", n_boot=2, seed=0)]
    [((2, 3), (2, 3)), ((2, 3), (2, 3))]
    """
    rng = np.random.default_rng(seed)
    for _ in range(n_boot):
        weights = rng.multinomial(first.n_val, np.full(first.n_val, 1 / first.n_val)) if noise == NOISE[1] else None
        yield bootstrap_val_acc(first, rng, noise, weights), bootstrap_val_acc(second, rng, noise, weights)


def _draw(curve: LearningCurve, rng: np.random.Generator, noise: str,
          example_weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The drawn repeats (indices into each size's row) and the accuracy of every model on the drawn validation
    examples (``val_acc`` itself when ``noise`` is the repeats only)."""
    check_choice("noise", noise, NOISE)
    sizes, repeats = curve.val_acc.shape
    picks = rng.integers(0, repeats, size=(sizes, repeats))
    if noise == NOISE[0]:
        return picks, curve.val_acc
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
    return picks, accuracy.reshape(sizes, repeats)


BAND_LABEL = "{level:.0%} interval: repeats + validation sample"  # the legend of every learning-curve band


def mean_band(curve: LearningCurve, level: float = 0.9, n_boot: int = 200,
              seed: int = 0) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A ``level`` interval of the **mean** training accuracy, validation accuracy and their gap at every size.

    The bootstrap of ``bootstrap_val_acc`` (with the validation examples when ``val_correct`` is recorded); training
    accuracy is each model's own subset's, so only its repeats are drawn (with the same picks).

    >>> correct = (np.arange(500) < np.array([400, 450])[:, None, None]).repeat(3, axis=1)  # 80 %, 90 %; repeats alike
    >>> curve = LearningCurve("toy", np.array([100, 1000]), np.ones((2, 3)), correct.mean(2), np.zeros((2, 3)), 1,
    ...                       val_correct=correct)
    >>> low, high = mean_band(curve)["validation"]
    >>> bool((high - low)[1] > 0.02)  # the repeats agree exactly, the validation sample still shows ± 1.3 pp
    True
    """
    check_curve(curve)
    check_bootstrap(n_boot, level)
    noise = bootstrap_noise(curve, None)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n_boot):
        picks, val = _draw(curve, rng, noise)
        draws.append([np.take_along_axis(acc, picks, axis=1).mean(1) for acc in (curve.train_acc, val)])
    train, val = np.array(draws).transpose(1, 0, 2)  # each n_boot × sizes
    tail = (1 - level) / 2
    return {name: tuple(np.quantile(values, [tail, 1 - tail], axis=0))
            for name, values in (("train", train), ("validation", val), ("gap", train - val))}


def gain_interval(curve: LearningCurve, level: float = 0.9, n_boot: int = 1000, seed: int = 0,
                  validation_noise: bool | None = None) -> tuple[float, float]:
    """A ``level`` interval ``(low, high)`` of ``gain_per_doubling(curve)``, in percentage points per doubling.

    The central ``level`` of the gains in ``bootstrap_val_acc`` draws, widened around the estimate by
    ``sqrt(r / (r − 1))``: the plug-in bootstrap's spread of a mean of ``r`` repeats is too small by that, and five
    repeats must not read as more certain than they are. A decision against a threshold needs the whole interval
    on one side: above ("more data helps"), below ("does not help"), else "cannot tell yet".

    >>> correct = np.arange(500) < np.array([[440, 445, 435, 442], [450, 460, 455, 452]])[..., None]  # 4 repeats
    >>> curve = LearningCurve("toy", np.array([1000, 2000]), np.ones((2, 4)), correct.mean(2),
    ...                       np.zeros((2, 4)), 1, val_correct=correct)
    >>> round(gain_per_doubling(curve), 2)  # 1000 → 2000: one doubling, 88.1 % → 90.85 %
    2.75
    >>> low, high = gain_interval(curve, n_boot=500)
    >>> bool(low < 2.75 < high), bool(low > 1.0)  # entirely above a 1 pp threshold: more data helps
    (True, True)
    """
    check_curve(curve)
    check_bootstrap(n_boot, level)
    check_int("seed", seed, low=0)
    if len(curve.sizes) < 2:
        raise ValueError(f"curve has {len(curve.sizes)} size; a gain per doubling needs at least 2")
    if curve.repeats < 2:
        raise ValueError(f"curve has {curve.repeats} repeat per size; an interval needs at least 2")
    noise = bootstrap_noise(curve, validation_noise)
    rng = np.random.default_rng(seed)
    gains = [np.diff(bootstrap_val_acc(curve, rng, noise)[-2:].mean(axis=1))[0] for _ in range(n_boot)]
    draws = np.array(gains) * 100 / math.log2(curve.sizes[-1] / curve.sizes[-2])  # per doubling
    estimate = gain_per_doubling(curve)
    widen = math.sqrt(curve.repeats / (curve.repeats - 1))  # the plug-in bootstrap's spread is too small by this
    tail = (1 - level) / 2
    low, high = estimate + (np.quantile(draws, [tail, 1 - tail]) - np.mean(draws)) * widen
    return float(low), float(high)


@dataclass(frozen=True)
class Bracket:
    """What a measured curve bounds at a training size ``at`` beyond it: ``low ≤ accuracy ≤ high``.

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


@dataclass(frozen=True)
class Difference:
    """Mean validation accuracy of curve ``a`` minus that of curve ``b`` at one size, with a bootstrap interval.

    >>> print(Difference(0.034, 0.012, 0.055, 0.9, "repeats and validation examples"))
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

    Several indices ``at`` average over those sizes: one interval for "when data is scarce", narrower than each
    size's own as it pools their models. The bootstrap is paired: one shared draw of the validation examples both
    curves were scored on (``shared_noise``), and both curves' repeats.

    >>> correct = np.tile(np.arange(200) < 180, (1, 2, 1))  # 90 %
    >>> a = LearningCurve("a", np.array([1000]), np.ones((1, 2)), correct.mean(2), np.zeros((1, 2)), 1,
    ...                   val_correct=correct)
    >>> b = replace(a, model="b", val_acc=np.full((1, 2), 0.85), val_correct=correct & (np.arange(200) < 170))
    >>> d = accuracy_difference(a, b, n_boot=200)
    >>> round(d.estimate, 3), bool(0 < d.low < d.estimate < d.high)
    (0.05, True)
    >>> round(accuracy_difference(a, b, at=[0], n_boot=200).estimate, 3)  # a list of sizes: their mean
    0.05
    """
    check_curve(a, "a")
    check_curve(b, "b")
    check_bootstrap(n_boot, level)
    at = [at] if isinstance(at, int | np.integer) else list(at)
    if not at or any(not -len(a.sizes) <= i < len(a.sizes) for i in at):
        raise ValueError(f"at={at} must be one or more size indices of the curves ({len(a.sizes)} sizes)")
    noise = shared_noise({"a": a, "b": b}, "a", validation_noise, "a paired comparison")
    draws = [a_acc[at].mean() - b_acc[at].mean() for a_acc, b_acc in paired_val_acc(a, b, noise, n_boot, seed)]
    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    estimate = float(a.val_acc[at].mean() - b.val_acc[at].mean())  # the mean over sizes and repeats
    return Difference(estimate, float(low), float(high), level, noise)


@dataclass(frozen=True)
class Worth:
    """One row of the "worth N examples" table.

    ``size`` examples with augmentation reach ``accuracy`` (mean over repeats); without, the curve needs
    ``equivalent`` examples, found as ``how`` (one of ``HOW``; ``"more than"``: more than the largest measured
    size). ``low``/``high`` bound the ``level`` interval, found as ``low_how``/``high_how``: a lower end "more than"
    the largest size puts the whole interval beyond the data, an upper end "fewer than" the smallest, below it.

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
        """``(low / size, high / size)``: the factor's interval (``nan`` unmeasured; one-sided ends are bounds)."""
        return self.low / self.size, self.high / self.size

    def factor_text(self) -> str:
        """The factor as printed: ``"2.4×"``, ``"> 2.0×"`` beyond the largest size, ``"< 0.5×"`` below the smallest."""
        return bounded_text(self.factor, self.how, "{:.1f}×")


def bounded_text(value: float, how: str, form: str) -> str:
    """``value`` in ``form``, prefixed by ``>`` / ``<`` when ``how`` says it is only a bound.

    >>> bounded_text(2.04, "interpolated", "{:.1f}×"), bounded_text(2.0, "more than", "{:.1f}×")
    ('2.0×', '> 2.0×')
    """
    prefix = {HOW[0]: "", HOW[1]: "< ", HOW[2]: "> "}[how]
    return prefix + form.format(value)
