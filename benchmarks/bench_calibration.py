"""How sure are the lecture notebooks' numbers? Coverage of every printed interval, pass rate of every claim.

For each lecture notebook that prints intervals, a **protocol** repeats the notebook's own helper
calls with the notebook's own Settings (read from its Settings cell, so they cannot drift apart)
at one seed, and returns what that run printed: each interval (name, nominal level, ends) and
each claim (held or not). Run at many seeds it measures

- **coverage**: how often each interval contains a *reference* — a value known from elsewhere
  (softmax on all of MNIST reaches about 92 %) or a much larger pooled run (the same quantity
  averaged over every seed's models and validation digits, which is far less noisy than one run);
- **pass rate**: how often each claim holds.

A nominal 90 % interval should cover its reference in about 90 % of the seeds (≥ 85 % is the
course's bar); a claim should hold in ≥ 95 % of them. One-sided worth ends ("more than 1,000")
count as open: an upper end "more than the largest size" covers any larger reference.

    python benchmarks/bench_calibration.py               # 20 seeds (100–119), every protocol
    python benchmarks/bench_calibration.py --quick       # 5 seeds: a smoke run
    python benchmarks/bench_calibration.py --seeds 100 110 --only 04
    python benchmarks/bench_calibration.py --only homework   # the homework's tasks 3 and 4 only (a few minutes)

To add a protocol: write ``def protocol(seed: int) -> SeedResult`` and
``def reference(results: list[SeedResult]) -> dict[str, float]`` and append a ``Protocol`` to
``PROTOCOLS``; the table picks it up. A claim that needs the reference (is a decision right?) is added
to each seed's ``claims`` by ``reference``; ``notes`` prints more lines under the tables.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpers.validation import check_setting  # noqa: E402

NOTEBOOKS = ROOT / "notebooks"
DEFAULT_SEEDS = list(range(100, 120))  # seeds no notebook was ever tuned on
QUICK_SEEDS = DEFAULT_SEEDS[:5]
COVERAGE_BAR, PASS_BAR = 0.85, 0.95


@dataclass(frozen=True)
class Interval:
    """One interval a notebook printed: ``low … high`` at nominal ``level`` (``±inf`` for an open end)."""

    name: str
    level: float
    low: float
    high: float
    shown: bool = True  # False: no longer printed by the notebook, measured to compare with its first version

    def covers(self, value: float) -> bool:
        """Whether ``value`` lies in the interval, ends included.

        Example:
            >>> Interval("x", 0.9, 1.0, math.inf).covers(5.0), Interval("x", 0.9, 1.0, 2.0).covers(5.0)
            (True, False)
        """
        return self.low <= value <= self.high


@dataclass
class SeedResult:
    """What one run of a protocol printed (intervals, claims) and what it adds to the pooled reference."""

    seed: int
    intervals: list[Interval] = field(default_factory=list)
    claims: dict[str, bool] = field(default_factory=dict)
    pool: dict[str, object] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(frozen=True)
class Protocol:
    """A notebook's protocol: ``run(seed)`` repeats its helper calls; ``reference`` pools every seed's runs."""

    name: str
    run: Callable[[int], SeedResult]
    reference: Callable[[list[SeedResult]], dict[str, float]]
    notes: Callable[[list[SeedResult]], list[str]] | None = None


def settings(notebook: str, seed: int) -> dict[str, object]:
    """The names the notebook's Settings cell defines, executed with ``SEED = seed`` (as the setup cell sets it).

    Example:
        >>> settings("04_augmentation_vs_more_data.ipynb", 7)["SEED"]
        7
    """
    import nbformat

    cells = nbformat.read(NOTEBOOKS / notebook, as_version=4).cells
    source = next(c.source for c in cells if c.cell_type == "markdown" and c.source.startswith("## Settings"))
    index = next(k for k, c in enumerate(cells) if c.source is source)
    code = next(c.source for c in cells[index:] if c.cell_type == "code")
    names: dict[str, object] = {"SEED": seed, "check_setting": check_setting}
    exec(code, names)  # noqa: S102 — our own notebook's Settings cell
    return names


def _ends(low: float, high: float, low_how: str = "interpolated",
          high_how: str = "interpolated") -> tuple[float, float]:
    """Worth ends as numbers: a one-sided end ("more than" above, "fewer than" below) is open."""
    return (-math.inf if low_how == "fewer than" else low), (math.inf if high_how == "more than" else high)


def _worth_key(size: float, how: str) -> float:
    """A reference worth as a number on the same scale: ``±inf`` beyond the measured sizes."""
    return {"more than": math.inf, "fewer than": -math.inf}.get(how, size)


DEEP_DIVE_01A = "deep_dives/01a_extrapolating_learning_curves.ipynb"  # 01's extrapolation, with its own Settings


# --- 01 · learning curves ------------------------------------------------------------------------------------
def lecture_01(seed: int) -> SeedResult:
    """Notebook 01's softmax and MLP curves, its MLP–softmax interval; deep dive 01a's back-test and extrapolation."""
    from helpers.curves import accuracy_difference
    from helpers.data import default_split_sizes, load_mnist, stratified_split
    from helpers.extrapolation import extrapolation_bracket, fit_power_law
    from helpers.training import Engine, Training, learning_curve, plan_learning_curve

    s = {**settings(DEEP_DIVE_01A, seed), **settings("01_learning_curves.ipynb", seed)}  # 01a adds the extrapolation's
    images, labels = load_mnist(s["DATA_SOURCE"])
    splits = stratified_split(labels, default_split_sizes(len(labels)), seed=seed)
    sizes = [n for n in s["SIZES"] if n <= len(splits["train"])]
    plan = plan_learning_curve(labels, splits["train"], splits["val"], sizes, s["REPEATS"], seed=seed)
    training = Training(epochs=s["EPOCHS"], batch_size=s["BATCH_SIZE"], lr=s["LR"])
    engine = Engine(device="cpu", progress=False)
    curve = learning_curve(images, labels, plan, "softmax", training, keep_models=True, engine=engine)
    mlp = learning_curve(images, labels, plan, "mlp", replace(training, momentum=s["MLP_MOMENTUM"]), keep_models=True,
                         engine=engine)
    result = SeedResult(seed)
    train, val = curve.train_acc.mean(1), curve.val_acc.mean(1)
    result.claims["training accuracy falls"] = bool(train[0] > train[-1])
    result.claims["validation accuracy rises"] = bool(val[-1] > val[0])
    result.claims["the gap shrinks"] = bool((train - val)[-1] < (train - val)[0])
    upper = slice(len(sizes) // 2, None)  # the upper half of the sizes (01, section 5)
    result.claims["validation accuracy still climbs at the largest sizes"] = bool(
        np.polyfit(np.log2(sizes[upper]), val[upper], 1)[0] > 0)

    backtest = fit_power_law(curve, max_size=s["BACKTEST_MAX_SIZE"], n_boot=s["BOOTSTRAP"], seed=seed)
    held = int(curve.sizes[curve.sizes > s["BACKTEST_MAX_SIZE"]][0])
    lower, upper = backtest.band([held])
    measured = float(curve.val_acc[list(curve.sizes).index(held)].mean())
    result.intervals.append(Interval(f"01 back-test band at {held}", backtest.level, 1 - upper[0], 1 - lower[0]))
    result.claims["back-test band contains the measured accuracy"] = bool(1 - upper[0] <= measured <= 1 - lower[0])
    result.pool[f"val at {held}"] = measured

    far = s["EXTRAPOLATE_TO"][-1]
    lower, upper = fit_power_law(curve, n_boot=s["BOOTSTRAP"], seed=seed).band([far])
    result.intervals.append(Interval(f"01 power-law band at {far:,} (ref. {s['FULL_MNIST_ACCURACY']:.0%})", 0.9,
                                     1 - upper[0], 1 - lower[0], shown=False))
    bracket = extrapolation_bracket(curve, far, n_boot=s["BOOTSTRAP"], seed=seed)
    result.intervals.append(Interval(f"01 what the data bound at {far:,} (ref. {s['FULL_MNIST_ACCURACY']:.0%})",
                                     bracket.level, bracket.low, bracket.high))
    result.claims["what the data bound at 60,000 contains the known 92 %"] = bool(
        bracket.low <= s["FULL_MNIST_ACCURACY"] <= bracket.high)

    result.claims["the MLP fits its training data at every size"] = bool(mlp.train_acc.min() >= s["MLP_FITS"])
    mlp_gap = (mlp.train_acc - mlp.val_acc).mean(1)
    result.claims["the MLP's gap shrinks"] = bool(mlp_gap[-1] < mlp_gap[0])
    difference = accuracy_difference(mlp, curve, n_boot=s["BOOTSTRAP"], seed=seed)
    result.intervals.append(Interval("01 MLP − softmax at the largest size", difference.level, difference.low,
                                     difference.high))
    result.claims["the MLP beats softmax, beyond the noise"] = bool(difference.low > 0)
    result.pool["MLP − softmax"] = difference.estimate

    best = mlp if mlp.val_acc[-1].mean() > curve.val_acc[-1].mean() else curve
    test_acc = best.models.accuracy(images[splits["test"]], labels[splits["test"]])[-1].mean()
    chosen = best.val_acc[-1].mean()
    se = (chosen * (1 - chosen) * (1 / len(splits["val"]) + 1 / len(splits["test"]))) ** 0.5
    result.claims["the test set confirms the validation estimate"] = bool(abs(test_acc - chosen) < 3 * se)
    return result


def reference_01(results: list[SeedResult]) -> dict[str, float]:
    """The pooled accuracy at the held-back size and difference MLP − softmax; 92 % for full MNIST."""
    held = next(k for k in results[0].pool if k.startswith("val at "))
    s = settings(DEEP_DIVE_01A, 0)
    far = s["EXTRAPOLATE_TO"][-1]
    return {f"01 back-test band at {held[7:]}": statistics.fmean(r.pool[held] for r in results),
            f"01 power-law band at {far:,} (ref. {s['FULL_MNIST_ACCURACY']:.0%})": s["FULL_MNIST_ACCURACY"],
            f"01 what the data bound at {far:,} (ref. {s['FULL_MNIST_ACCURACY']:.0%})": s["FULL_MNIST_ACCURACY"],
            "01 MLP − softmax at the largest size": statistics.fmean(r.pool["MLP − softmax"] for r in results)}


# --- 03 · standardization: steps to the target ---------------------------------------------------------------
def lecture_03(seed: int) -> SeedResult:
    """Notebook 03's section 5: steps to the target with a learning rate tuned per scaling, and its two claims."""
    from helpers.data import load_mnist, stratified_split
    from helpers.runs import tune_learning_rate

    s = settings("03_standardization_math.ipynb", seed)
    seeds = s.get("SEEDS", [seed + k for k in range(3)])
    images, labels = load_mnist()
    splits = stratified_split(labels, seed=seed)
    x_train = images[splits["train"]].unsqueeze(1).float() / 255
    mu, sigma = x_train.mean().item(), x_train.std(correction=0).item()
    scalings = {"ToTensor 0…1": lambda x: x / 255, "Normalize(0.5, 0.5) −1…1": lambda x: (x / 255 - 0.5) / 0.5,
                "std 1, not centred": lambda x: x / 255 / sigma,
                "standardized (μ, σ)": lambda x: (x / 255 - mu) / sigma}
    raw_train, raw_val = (images[splits[k]].unsqueeze(1).float() for k in ("train", "val"))
    y_train, y_val = labels[splits["train"]], labels[splits["val"]]
    result = SeedResult(seed)
    tuned = {name: tune_learning_rate(scale(raw_train), y_train, scale(raw_val), y_val, s["LEARNING_RATES"],
                                      s["TARGET_ACCURACY"], steps=s["TRAIN_STEPS"], seeds=seeds, interpolate=True)
             for name, scale in scalings.items()}
    for name, search in tuned.items():
        low, high = search.best_range()
        result.intervals.append(Interval(f"03 steps to target, tuned lr, {name}", order_level(len(seeds)), low, high))
        result.pool[name] = search.steps[int(np.argmin(search.median_steps))].tolist()
    median = {name: search.best_steps for name, search in tuned.items()}
    lecture = "Normalize(0.5, 0.5) −1…1"
    rates = s["LEARNING_RATES"]
    result.claims["every scaling's best learning rate lies strictly inside the grid"] = all(
        min(rates) < search.best_lr < max(rates) for search in tuned.values())
    result.claims["tuned lr: standardized inputs are fastest (median)"] = bool(
        median["standardized (μ, σ)"] < min(v for k, v in median.items() if k != "standardized (μ, σ)"))
    result.claims["tuned lr: the lecture's Normalize(0.5, 0.5) is slowest (median)"] = bool(
        median[lecture] > max(v for k, v in median.items() if k != lecture))
    return result


def order_level(repeats: int) -> float:
    """Coverage of ``[min, max]`` of ``repeats`` runs for their median: ``1 − 2 · 0.5^repeats`` (3 runs: 75 %).

    Example:
        >>> order_level(3), order_level(5)
        (0.75, 0.9375)
    """
    return 1 - 2 * 0.5 ** repeats


def reference_03(results: list[SeedResult]) -> dict[str, float]:
    """The median steps over every seed's runs at each scaling's best learning rate."""
    names = results[0].pool
    return {f"03 steps to target, tuned lr, {name}": float(np.median([v for r in results for v in r.pool[name]]))
            for name in names}


# --- 04 · augmentation vs more data --------------------------------------------------------------------------
def lecture_04(seed: int) -> SeedResult:
    """Notebook 04: the lecture's loop (section 1), the four curves, gains, worth and robustness."""
    import torch
    from torchvision.transforms import v2

    from helpers.data import ImageDataset, default_split_sizes, load_mnist, stratified_split
    from helpers.loop import accuracy, train_plain
    from helpers.training import Engine, Training, learning_curve, plan_learning_curve, small_cnn
    from helpers.transforms import FusedAugment
    from helpers.worth import pooled_worth, worth_intervals

    s = settings("04_augmentation_vs_more_data.ipynb", seed)
    result = SeedResult(seed)
    images, labels = load_mnist(s["DATA_SOURCE"])
    splits = stratified_split(labels, default_split_sizes(len(labels)), seed=seed)
    resize, crop = s["RESIZE"], s["CROP"]
    tail = [v2.ToImage(), v2.ToDtype(torch.float32, scale=True), v2.Normalize((0.5,), (0.5,))]
    train_tf = v2.Compose([v2.Resize((resize, resize)), v2.RandomCrop((crop, crop)),
                           v2.RandomRotation(degrees=s["DEGREES"], interpolation=v2.InterpolationMode.BILINEAR), *tail])
    test_tf = v2.Compose([v2.Resize((resize, resize)), v2.CenterCrop((crop, crop)), *tail])
    subset = splits["train"][stratified_split(labels[splits["train"]], {"train": s["TRAIN_SIZE"]}, seed=seed)["train"]]
    torch.manual_seed(seed)
    model = train_plain(small_cnn(s["CNN_CHANNELS"]), ImageDataset(images, labels, subset, transform=train_tf),
                        s["LOOP_EPOCHS"], s["LOOP_BATCH"], s["LR"], s["MOMENTUM"], seed=seed)
    torch.manual_seed(seed)
    by = [accuracy(model, ImageDataset(images, labels, splits["val"], transform=tf)) for tf in (test_tf, train_tf)]
    result.claims["random test transforms cost accuracy"] = bool(by[0] > by[1])

    images_01 = images.unsqueeze(1).float() / 255
    sizes = [n for n in s["SIZES"] if n <= len(splits["train"])]
    augment = FusedAugment(degrees=s["DEGREES"], resize=resize, crop=crop)
    val_x, val_y = images_01[splits["val"]], labels[splits["val"]]
    zoomed_val, zoomed_all = augment.apply(val_x, angle=0.0), augment.apply(images_01, angle=0.0)

    plan = plan_learning_curve(labels, splits["train"], splits["val"], sizes, s["REPEATS"], seed=seed)
    training = Training(epochs=s["EPOCHS"], batch_size=s["BATCH_SIZE"], lr=s["LR"], momentum=s["MOMENTUM"])

    def curve(model, augmentation):
        c = learning_curve(images, labels, plan, model, training, augment=augmentation, keep_models=True,
                           engine=Engine(device="cpu", progress=False))
        return c if augmentation is None else c.evaluated_on(zoomed_val, val_y, train_images=zoomed_all,
                                                             train_labels=labels)

    def cnn():
        return small_cnn(s["CNN_CHANNELS"])

    cnn_plain, cnn_aug = curve(cnn, None), curve(cnn, augment)
    raw = cnn_aug.models.accuracy(val_x, val_y)
    result.claims["dropping the resize costs accuracy (augmented models)"] = bool(raw.mean() < cnn_aug.val_acc.mean())
    softmax_plain, softmax_aug = curve("softmax", None), curve("softmax", augment)
    pairs = {"CNN": (cnn_plain, cnn_aug), "softmax": (softmax_plain, softmax_aug)}
    result.claims.update(gain_claims(result, pairs, sizes, s, seed))
    result.pool["curves"] = {name: (plain.val_acc.mean(1).tolist(), aug.val_acc.mean(1).tolist())
                             for name, (plain, aug) in pairs.items()}
    result.pool["sizes"] = sizes

    soft_plain, soft_aug, cnn_fit = (c.train_acc[-1].mean() for c in (softmax_plain, softmax_aug, cnn_aug))
    result.claims["augmented softmax no longer fits its training digits"] = bool(soft_aug < soft_plain
                                                                                and soft_aug < cnn_fit)

    worth = worth_intervals(cnn_aug, cnn_plain, n_boot=s["BOOTSTRAP"], seed=seed)
    for n, w in zip(sizes, worth, strict=True):
        low, high = _ends(w.low, w.high, getattr(w, "low_how", "interpolated"), getattr(w, "high_how", "interpolated"))
        result.intervals.append(Interval(f"04 worth of {n} augmented digits", w.level, low, high))
    factor, low = pooled_worth(cnn_aug, cnn_plain, at=range(s["SMALLEST"]), n_boot=s["BOOTSTRAP"], seed=seed)
    result.intervals.append(Interval(f"04 worth, mean factor over {sizes[:s['SMALLEST']]} digits (one-sided)", 0.9,
                                     low, math.inf))
    result.claims["augmented scarce data is worth more raw data"] = bool(low > 1)

    rotate = {"without": FusedAugment(resize=crop, crop=crop), "with": augment}
    models = {"without": cnn_plain, "with": cnn_aug}
    angles = s["ANGLES"]
    robust = {k: np.stack([models[k].models.accuracy(rotate[k].apply(val_x, angle=float(a)), val_y)[-1]
                           for a in angles]) for k in models}
    turned = [a for a in angles if a != 0 and abs(a) <= 30]
    lost = {k: acc[angles.index(0)].mean() - acc[[angles.index(a) for a in turned]].mean() for k, acc in robust.items()}
    result.claims["augmentation makes the CNN robust to turned digits"] = bool(lost["with"] < lost["without"] / 2)
    return result


def gain_claims(result: SeedResult, pairs: dict, sizes: list[int], s: dict, seed: int) -> dict[str, bool]:
    """Notebook 04's gain intervals (one per size and model) and its two claims about them."""
    from helpers.curves import accuracy_difference

    gain = {name: [accuracy_difference(aug, plain, at=i, n_boot=s["BOOTSTRAP"], seed=seed) for i in range(len(sizes))]
            for name, (plain, aug) in pairs.items()}
    for name, differences in gain.items():
        for n, d in zip(sizes, differences, strict=True):
            result.intervals.append(Interval(f"04 gain by augmentation, {name}, {n} digits", d.level, d.low, d.high))
    mean_gain = {name: np.mean([d.estimate for d in ds]) for name, ds in gain.items()}
    plain, aug = pairs["CNN"]
    scarce = accuracy_difference(aug, plain, at=list(range(s["SMALLEST"])), n_boot=s["BOOTSTRAP"], seed=seed)
    result.intervals.append(Interval(f"04 gain by augmentation, CNN, mean over {sizes[:s['SMALLEST']]} digits",
                                     scarce.level, scarce.low, scarce.high))
    return {"augmentation improves the CNN when data is scarce, beyond the noise": bool(scarce.low > 0),
            "it helps the CNN more than softmax": bool(mean_gain["CNN"] > mean_gain["softmax"] + 0.02)}


REFERENCE_SIZES_04 = [2000, 3500]  # plain CNN sizes measured only for the reference worth (the whole train pool)
REFERENCE_SEEDS_04 = 5  # seeds of that larger run


def reference_04(results: list[SeedResult]) -> dict[str, float]:
    """Gains pooled over every seed (mean accuracy per size over all runs); the worth read off a pooled plain
    CNN curve that also measures sizes up to the whole train pool (``REFERENCE_SIZES_04``), so that a
    worth beyond the notebook's largest size has a measured reference too."""
    sizes = results[0].pool["sizes"]
    reference = {}
    for name in results[0].pool["curves"]:
        plain = np.array([r.pool["curves"][name][0] for r in results]).mean(0)
        aug = np.array([r.pool["curves"][name][1] for r in results]).mean(0)
        for i, n in enumerate(sizes):
            reference[f"04 gain by augmentation, {name}, {n} digits"] = float(aug[i] - plain[i])
    plain = np.array([r.pool["curves"]["CNN"][0] for r in results]).mean(0)
    aug = np.array([r.pool["curves"]["CNN"][1] for r in results]).mean(0)
    larger = np.mean([larger_plain_cnn(r.seed) for r in results[:REFERENCE_SEEDS_04]], axis=0)
    all_sizes, all_means = np.array(sizes + REFERENCE_SIZES_04), np.concatenate([plain, larger])
    factors = []
    for i, n in enumerate(sizes):
        size, how = _one_rule(all_sizes, all_means, float(aug[i]))
        reference[f"04 worth of {n} augmented digits"] = _worth_key(size, how)
        factors.append(size / n)
    smallest = settings("04_augmentation_vs_more_data.ipynb", 0)["SMALLEST"]
    reference[f"04 gain by augmentation, CNN, mean over {sizes[:smallest]} digits"] = float(
        np.mean(aug[:smallest] - plain[:smallest]))
    reference[f"04 worth, mean factor over {sizes[:smallest]} digits (one-sided)"] = float(
        np.exp(np.mean(np.log(factors[:smallest]))))
    return reference


def larger_plain_cnn(seed: int) -> np.ndarray:
    """Mean validation accuracy of notebook 04's plain CNN at ``REFERENCE_SIZES_04`` (its settings, ``seed``)."""
    from helpers.data import default_split_sizes, load_mnist, stratified_split
    from helpers.training import Engine, Training, learning_curve, plan_learning_curve, small_cnn

    s = settings("04_augmentation_vs_more_data.ipynb", seed)
    images, labels = load_mnist(s["DATA_SOURCE"])
    splits = stratified_split(labels, default_split_sizes(len(labels)), seed=seed)
    plan = plan_learning_curve(labels, splits["train"], splits["val"], REFERENCE_SIZES_04, s["REPEATS"], seed=seed)
    training = Training(epochs=s["EPOCHS"], batch_size=s["BATCH_SIZE"], lr=s["LR"], momentum=s["MOMENTUM"])
    curve = learning_curve(images, labels, plan, lambda: small_cnn(s["CNN_CHANNELS"]), training,
                           engine=Engine(device="cpu", progress=False))
    return curve.val_acc.mean(1)


def _one_rule(sizes: np.ndarray, means: np.ndarray, accuracy: float) -> tuple[float, str]:
    """The course's worth rule (``helpers.worth.equivalent_size``), written out so that the reference does not
    depend on the helpers' version under test.

    Example:
        >>> sizes, means = np.array([100, 10000]), np.array([0.7, 0.9])
        >>> _one_rule(sizes, means, 0.8)[1], _one_rule(sizes, means, 0.95)
        ('interpolated', (10000.0, 'more than'))
    """
    running = np.maximum.accumulate(means)
    if accuracy < running[0]:
        return float(sizes[0]), "fewer than"
    if accuracy > running[-1]:
        return float(sizes[-1]), "more than"
    rising = running + np.arange(len(running)) * 1e-12
    return float(np.exp(np.interp(accuracy, rising, np.log(sizes.astype(float))))), "interpolated"


# --- the homework · tasks 3 and 4 ------------------------------------------------------------------------------
HOMEWORK = "homework/hw1_data_solution.ipynb"
REFERENCE_SEEDS_HW = list(range(200, 220))  # more runs of the homework's curves, pooled with the bench's seeds


def homework_curves(seed: int) -> tuple:
    """The homework's un-augmented MLP curve (task 3) and augmented one (task 4), its settings, ``SEED = seed``."""
    from helpers.data import load_mnist, stratified_split
    from helpers.training import Engine, Training, learning_curve, plan_learning_curve
    from helpers.transforms import FusedAugment

    s = settings(HOMEWORK, seed)
    images, labels = load_mnist()
    splits = stratified_split(labels, seed=seed)
    training = Training(epochs=s["EPOCHS"], batch_size=s["BATCH_SIZE"], lr=s["LR"], momentum=s["MOMENTUM"])
    engine = Engine(device="cpu", progress=False)

    def plan(sizes: list[int]):
        return plan_learning_curve(labels, splits["train"], splits["val"], sizes, s["REPEATS"], seed=seed)

    curve = learning_curve(images, labels, plan(s["SIZES"]), "mlp", training, engine=engine)
    aug = learning_curve(images, labels, plan(s["AUG_SIZES"]), "mlp", training, engine=engine,
                         augment=FusedAugment(degrees=s["AUG_DEGREES"], resize=28, crop=28))
    return curve, aug, s


def decide(low: float, high: float, threshold: float, helps: str) -> str:
    """The homework's three-way decision, written out as its solution does: ``helps`` when the interval lies
    entirely above ``threshold``, "does not help" entirely below, else "cannot tell yet".

    Example:
        >>> decide(1.2, 3.0, 1.0, "more data helps"), decide(-0.5, 3.0, 1.0, "more data helps")
        ('more data helps', 'cannot tell yet')
    """
    return helps if low >= threshold else "does not help" if high <= threshold else "cannot tell yet"


def homework(seed: int) -> SeedResult:
    """The homework's tasks 3 and 4 as its solution computes them: the gain per doubling with its interval and
    decision, the worth of each augmented size with its interval and decision; and, per seed, how wide the
    other ways of computing the interval are (the widths the checks accept, ``helpers.checks.common.WIDTH_RANGE_3``)."""
    from helpers.curves import gain_interval
    from helpers.worth import worth_intervals

    curve, aug, s = homework_curves(seed)
    result = SeedResult(seed)
    level = s["LEVEL"]
    low, high = gain_interval(curve, level=level, seed=seed)
    result.intervals.append(Interval("HW task 3 gain per doubling (pp)", level, low, high))
    result.pool["task 3 decision"] = decide(low, high, s["MIN_GAIN_PP"], "more data helps")
    rows = worth_intervals(aug, curve, level=level, seed=seed)
    result.pool["task 4 decisions"] = {}
    for n, row in zip(s["AUG_SIZES"], rows, strict=True):
        ends = _ends(row.low, row.high, row.low_how, row.high_how)
        result.intervals.append(Interval(f"HW task 4 worth of {n} augmented digits", level, *ends))
        result.pool["task 4 decisions"][n] = decide(*ends, n, "augmentation helps")
    result.pool["plain"] = curve.val_acc.mean(1).tolist()
    result.pool["aug"] = aug.val_acc.mean(1).tolist()
    result.pool["sizes"], result.pool["aug sizes"], result.pool["settings"] = list(curve.sizes), s["AUG_SIZES"], s
    result.pool["widths"] = interval_widths(curve, aug, level, seed, (low, high), rows)
    return result


def interval_widths(curve, aug, level: float, seed: int, reference: tuple, rows: list) -> dict:
    """Width of other ways to compute the tasks' intervals, as a multiple of the solution's (task 4: in log size,
    cut at the measured sizes), and how far the bootstrap variants move the centre, in the solution's widths (the
    checks accept up to ``CENTRE_TOLERANCE_3`` and ``CENTRE_TOLERANCE_4``)."""
    from helpers.curves import gain_interval
    from helpers.worth import worth_intervals

    r, doublings = curve.repeats, math.log2(curve.sizes[-1] / curve.sizes[-2])
    width = reference[1] - reference[0]
    se = math.sqrt(curve.val_acc[-1].var(ddof=1) / r + curve.val_acc[-2].var(ddof=1) / r) * 100 / doublings
    z = statistics.NormalDist().inv_cdf(0.5 + level / 2)
    found = {"3 · other bootstrap seed and draws": [gain_interval(curve, level=level, n_boot=200, seed=seed + 1)],
             "3 · repeats only (no validation noise)": [gain_interval(curve, level=level, seed=seed,
                                                                      validation_noise=False)]}
    ratios = {name: [(h - lo) / width for lo, h in pairs] for name, pairs in found.items()}
    ratios["3 · ±z SE of the repeats"] = [2 * z * se / width]
    ratios["3 · ±1 SE of the repeats (68 %)"] = [2 * se / width]
    shifts = {name + " (centre)": [abs(lo + h - sum(reference)) / 2 / width for lo, h in pairs]
              for name, pairs in found.items()}
    edges = math.log(curve.sizes[0]), math.log(curve.sizes[-1])

    def log_ends(row) -> tuple[float, float]:
        low, high = _ends(row.low, row.high, row.low_how, row.high_how)
        return (max(math.log(low) if low > 0 else -math.inf, edges[0]),
                min(math.log(high) if high > 0 else -math.inf, edges[1]))

    for name, other in (("4 · other bootstrap seed and draws", worth_intervals(aug, curve, level=level,
                                                                               n_boot=1000, seed=seed + 1)),
                        ("4 · repeats only (no validation noise)", worth_intervals(aug, curve, level=level, seed=seed,
                                                                                   validation_noise=False))):
        pairs = [(log_ends(o), log_ends(w)) for o, w in zip(other, rows, strict=True)]
        ratios[name] = [(o[1] - o[0]) / max(w[1] - w[0], 1e-9) for o, w in pairs]
        shifts[name + " (centre)"] = [abs(sum(o) - sum(w)) / 2 / max(w[1] - w[0], 1e-9) for o, w in pairs]
    return {**ratios, **shifts}


def reference_homework(results: list[SeedResult]) -> dict[str, float]:
    """The gain and the worth read off curves pooled over every seed's models and ``REFERENCE_SEEDS_HW`` more runs;
    each seed's decisions are then marked right (consistent with that reference, or "cannot tell yet") or wrong."""
    more = [homework_curves(seed) for seed in REFERENCE_SEEDS_HW]
    plain = np.mean([r.pool["plain"] for r in results] + [c.val_acc.mean(1) for c, _, _ in more], axis=0)
    aug = np.mean([r.pool["aug"] for r in results] + [a.val_acc.mean(1) for _, a, _ in more], axis=0)
    sizes, aug_sizes, s = results[0].pool["sizes"], results[0].pool["aug sizes"], results[0].pool["settings"]
    gain = float((plain[-1] - plain[-2]) * 100 / math.log2(sizes[-1] / sizes[-2]))
    reference = {"HW task 3 gain per doubling (pp)": gain}
    truth_3 = "more data helps" if gain >= s["MIN_GAIN_PP"] else "does not help"
    truth_4 = {}
    for i, n in enumerate(aug_sizes):
        size, how = _one_rule(np.array(sizes), plain, float(aug[i]))
        reference[f"HW task 4 worth of {n} augmented digits"] = _worth_key(size, how)
        truth_4[n] = "augmentation helps" if _worth_key(size, how) > n else "does not help"
    for r in results:
        r.claims["HW task 3: the decision is right or 'cannot tell yet'"] = (
            r.pool["task 3 decision"] in (truth_3, "cannot tell yet"))
        for n, said in r.pool["task 4 decisions"].items():
            r.claims[f"HW task 4: the decision at {n} digits is right or 'cannot tell yet'"] = (
                said in (truth_4[n], "cannot tell yet"))
    return reference


def notes_homework(results: list[SeedResult]) -> list[str]:
    """How often each decision was made, and the width ratios of other interval methods (min–max over seeds)."""
    lines = ["", f"Reference pooled over {len(results)} seeds + {len(REFERENCE_SEEDS_HW)} more runs "
             f"({REFERENCE_SEEDS_HW[0]}–{REFERENCE_SEEDS_HW[-1]}).", "", "| decision | seeds |", "|---|---|"]
    made = [("task 3", r.pool["task 3 decision"]) for r in results]
    made += [(f"task 4 at {n}", d) for r in results for n, d in r.pool["task 4 decisions"].items()]
    for (task, decision), count in sorted({k: made.count(k) for k in made}.items()):
        lines.append(f"| {task}: {decision} | {count} of {len(results)} |")
    lines += ["", "| other interval method (width, or the centre's move, ÷ the solution's width) | min | max |",
              "|---|---|---|"]
    for name in results[0].pool["widths"]:
        values = [v for r in results for v in r.pool["widths"][name]]
        lines.append(f"| {name} | {min(values):.2f} | {max(values):.2f} |")
    return lines


PROTOCOLS = [Protocol("01", lecture_01, reference_01), Protocol("03", lecture_03, reference_03),
             Protocol("04", lecture_04, reference_04),
             Protocol("homework", homework, reference_homework, notes_homework)]


# --- the table -----------------------------------------------------------------------------------------------
def coverage_rows(results: list[SeedResult], reference: dict[str, float]) -> list[tuple[str, float, float, str]]:
    """``(interval, nominal level, empirical coverage, reference)`` for every interval the protocol printed.

    Example:
        >>> runs = [SeedResult(s, [Interval("x", 0.9, s - 1.0, s + 1.0)]) for s in range(4)]
        >>> coverage_rows(runs, {"x": 0.5})
        [('x', 0.9, 0.5, '0.5')]
    """
    names = list(dict.fromkeys(i.name for r in results for i in r.intervals))
    rows = []
    for name in names:
        found = [i for r in results for i in r.intervals if i.name == name]
        ref = reference[name]
        rows.append((name, found[0].level, sum(i.covers(ref) for i in found) / len(found), _reference_text(ref)))
    return rows


def _reference_text(value: float) -> str:
    if math.isinf(value):
        return "beyond the sizes" if value > 0 else "below the sizes"
    return f"{value:.4g}"


def pass_rows(results: list[SeedResult]) -> list[tuple[str, float]]:
    """``(claim, pass rate)`` for every claim the protocol checked.

    Example:
        >>> pass_rows([SeedResult(0, claims={"a": True}), SeedResult(1, claims={"a": False})])
        [('a', 0.5)]
    """
    names = list(dict.fromkeys(c for r in results for c in r.claims))
    return [(c, sum(r.claims[c] for r in results) / len(results)) for c in names]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", help=f"default: {DEFAULT_SEEDS[0]}–{DEFAULT_SEEDS[-1]}")
    parser.add_argument("--quick", action="store_true", help=f"{len(QUICK_SEEDS)} seeds only")
    parser.add_argument("--only", nargs="+", help="protocol names, e.g. 01 04 homework")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()
    seeds = args.seeds or (QUICK_SEEDS if args.quick else DEFAULT_SEEDS)
    ok, dump = True, {}
    start = time.perf_counter()
    for protocol in PROTOCOLS:
        if args.only and protocol.name not in args.only:
            continue
        results = []
        for seed in seeds:
            t = time.perf_counter()
            results.append(replace(protocol.run(seed), seconds=time.perf_counter() - t))
            print(f"  {protocol.name} seed {seed}: {results[-1].seconds:.1f} s", file=sys.stderr, flush=True)
        reference = protocol.reference(results)
        print(f"\n### {protocol.name} · {len(seeds)} seeds ({seeds[0]}–{seeds[-1]}), "
              f"{sum(r.seconds for r in results):.0f} s\n")
        print("| interval | nominal | coverage | reference |\n|---|---|---|---|")
        shown = {i.name: i.shown for r in results for i in r.intervals}
        for name, level, coverage, ref in coverage_rows(results, reference):
            ok &= coverage >= COVERAGE_BAR or level < 0.85 or not shown[name]
            print(f"| {name}{'' if shown[name] else ' — not shown any more'} | {level:.0%} | {coverage:.0%} | {ref} |")
        print("\n| claim | pass rate |\n|---|---|")
        for name, rate in pass_rows(results):
            ok &= rate >= PASS_BAR
            print(f"| {name} | {rate:.0%} |")
        for line in protocol.notes(results) if protocol.notes else []:
            print(line)
        dump[protocol.name] = [{"seed": r.seed, "claims": r.claims,
                                "intervals": [(i.name, i.low, i.high) for i in r.intervals]} for r in results]
    print(f"\n{time.perf_counter() - start:.0f} s in all; bars (coverage ≥ {COVERAGE_BAR:.0%} for every nominal "
          f"90 % interval, pass rate ≥ {PASS_BAR:.0%} for every claim): {'met' if ok else 'MISSED'}")
    if args.json:
        args.json.write_text(json.dumps(dump, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
