"""Update latency of the live explorers of 01, 02, 03 and 04: from setting a control to the new picture.

Each explorer is built once (its build time is printed too), then one control is moved through
``ROUNDS`` values, as the widget does when a slider is released. Two numbers per explorer:
- **drawn**: the view is drawn and encoded (its cache of rendered views is emptied before each
  move), the cost of a view seen for the first time;
- **cached**: going back to views already seen.
The data are small stand-ins (a synthetic power-law curve, 02's digits, 03's 128 training wines, softmax models
trained for 2 epochs): an update only redraws a picture, so its cost does not depend on how good
the models are. The target is a median ≤ 150 ms per explorer; on a shared machine timings are noisy
(run it twice, report the load: ``uptime``).

    python benchmarks/bench_explorers.py
"""

from __future__ import annotations

import statistics
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from mlxtend.data import wine_data  # noqa: E402

from helpers.curves import LearningCurve  # noqa: E402
from helpers.data import load_mnist, stratified_split  # noqa: E402
from helpers.explorers import AngleExplorer, ExtrapolationExplorer, ScalingExplorer  # noqa: E402
from helpers.training import Engine, Training, learning_curve, plan_learning_curve  # noqa: E402
from helpers.transforms import FusedAugment  # noqa: E402
from helpers.widgets import AugmentationExplorer  # noqa: E402

ROUNDS = 12  # control moves per explorer and kind
TARGET_MS = 150


def extrapolation_explorer() -> tuple[ExtrapolationExplorer, str, list]:
    sizes = np.array([100, 250, 500, 1000, 2000, 3500, 10_000])
    noise = np.random.default_rng(0).normal(0, 0.003, (len(sizes), 5))
    error = 0.9 * sizes[:, None] ** -0.4 + 0.05 + noise
    curve = LearningCurve("softmax", sizes, np.ones_like(error), 1 - error, np.zeros_like(error), epochs=1)
    explorer = ExtrapolationExplorer(curve)
    options = [value for _, value in explorer.controls["measured_up_to"].options]
    return explorer, "measured_up_to", options


def scaling_explorer() -> tuple[ScalingExplorer, str, list]:
    """03, moving the learning rate (a change of scaling costs the same: one path, on another background)."""
    x, y = (torch.as_tensor(a) for a in wine_data())
    train = stratified_split(y, sizes={"train": 128, "test": 50}, seed=0)["train"]
    scalings = {  # 03's explorer cell
        "raw": lambda v: v,
        "0…1": lambda v: (v - v.min(0).values) / (v.max(0).values - v.min(0).values),
        "−1…1": lambda v: 2 * (v - v.min(0).values) / (v.max(0).values - v.min(0).values) - 1,
        "std 1, not centred": lambda v: v / v.std(0, correction=0),
        "standardized (μ, σ)": lambda v: (v - v.mean(0)) / v.std(0, correction=0),
    }
    explorer = ScalingExplorer(x[train][:, [0, 3]], x[train][:, 9], scalings)
    return explorer, "lr", list(np.geomspace(1e-4, 5, 40))


def augmentation_explorer() -> tuple[AugmentationExplorer, str, list]:
    """02 (no figure: its picture is drawn from the pixels, so it keeps no cache and "cached" redraws too)."""
    images, labels = load_mnist()
    explorer = AugmentationExplorer(images, labels, choices=list(range(10)))
    return explorer, "angle", list(np.arange(-45, 46, 5, dtype=float))


def angle_explorer() -> tuple[AngleExplorer, str, list]:
    images, labels = load_mnist()
    parts = stratified_split(labels, seed=0)
    plan = plan_learning_curve(labels, parts["train"], parts["val"], [100, 500], repeats=3)
    common = dict(training=Training(epochs=2), keep_models=True, engine=Engine(device="cpu", progress=False))
    plain = learning_curve(images, labels, plan, **common)
    augmented = learning_curve(images, labels, plan, augment=FusedAugment(degrees=30), **common)
    models = {"without augmentation": plain.models, "with augmentation": augmented.models}
    pipelines = {"without augmentation": FusedAugment(resize=28), "with augmentation": FusedAugment()}
    start = time.perf_counter()
    explorer = AngleExplorer(models, images[parts["val"]], labels[parts["val"]], pipelines=pipelines,
                             trained_range=30)
    print(f"  (04: the explorer itself, without training its stand-in models: {time.perf_counter() - start:.1f} s)")
    return explorer, "angle", list(np.arange(-90, 91, 5, dtype=float))


def moves(current: object, values: list, rounds: int) -> list:
    """``rounds`` values out of ``values``, spread over them, each different from the one before."""
    picked, last = [], current
    for value in values[:: max(1, len(values) // rounds)] + values:
        if value != last:
            picked.append(value)
            last = value
        if len(picked) == rounds:
            break
    return picked


def time_drawn(explorer, name: str, values: list) -> list[float]:
    """Milliseconds per move with the cache of rendered views emptied before each one."""
    times = []
    control = explorer.controls[name]
    for value in moves(control.value, values, ROUNDS):
        getattr(explorer, "_views", {}).clear()
        start = time.perf_counter()
        control.value = value
        times.append(1000 * (time.perf_counter() - start))
    return times


def main() -> None:
    print(f"update latency of the explorers (median / worst of {ROUNDS} moves; target median ≤ {TARGET_MS} ms)")
    verdicts = []
    for label, make in (("01 ExtrapolationExplorer", extrapolation_explorer),
                        ("02 AugmentationExplorer", augmentation_explorer),
                        ("03 ScalingExplorer", scaling_explorer), ("04 AngleExplorer", angle_explorer)):
        start = time.perf_counter()
        explorer, name, values = make()
        built = time.perf_counter() - start
        drawn = time_drawn(explorer, name, values)
        seen = moves(explorer.controls[name].value, values, ROUNDS)
        explorer.time_updates(name, seen)  # every view seen once
        cached = explorer.time_updates(name, seen)
        median = statistics.median(drawn)
        verdicts.append(median <= TARGET_MS)
        print(f"{label:>25} ({name}): drawn {median:6.1f} / {max(drawn):6.1f} ms · "
              f"cached {statistics.median(cached):5.1f} / {max(cached):5.1f} ms · built in {built:.1f} s")
    print(f"every median ≤ {TARGET_MS} ms: {all(verdicts)}")


if __name__ == "__main__":
    main()
