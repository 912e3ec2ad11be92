"""Speed of a softmax learning curve: the usual course loop vs the batched engine.

Both train the same 6 sizes × 5 repeats of softmax regression on the bundled MNIST, on the
same class-balanced subsets from ``plan_learning_curve``, with the same settings as
notebooks/01_learning_curves.ipynb (30 epochs, batch 64, SGD with lr 0.1):

(a) the usual course loop — one model after another, ``torch.manual_seed(seed)`` and a fresh
    ``nn.Module``, ``ImageDataset`` with the lecture's ``ToTensor()`` through a
    ``DataLoader(batch_size=64, shuffle=True)``, ``torch.optim.SGD``, then accuracy on the
    model's own subset and on the validation set;
(b) ``learning_curve(images, labels, plan, "softmax", Training(...))``: all 30 models together, one batched
    step for all of them.

The engine promises the course loop's exact minibatches and initial weights for each model,
so the two curves agree up to floating-point rounding; the script prints the mean validation
and training accuracy per size for both ("max acc diff": the largest difference of these
means). Both run on one CPU thread by default (the engine's default): on a busy 2-core
machine two OpenMP threads make small tensor ops many times slower, which would flatter the
ratio (``--baseline-threads 2`` shows it). The course loop runs once (it is the
slow one); the engine runs ``ENGINE_RUNS`` times and its median time counts. The last line is
``learning-curve speedup: N.Nx (max acc diff P.P pp)``. Takes about a minute on a 2-core CPU
(``--epochs 10``: about 20 s).

    python benchmarks/bench_learning_curve.py [--epochs 30] [--baseline-threads 1]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch
from torchvision import transforms

from helpers.data import ImageDataset, load_mnist, stratified_split
from helpers.loop import accuracy, train_plain
from helpers.training import Engine, Training, learning_curve, plan_learning_curve, softmax_model

SIZES = [100, 250, 500, 1000, 2000, 3500]
REPEATS = 5
EPOCHS = 30  # as in notebooks/01_learning_curves.ipynb
LR = 0.1
BATCH_SIZE = 64
ENGINE_RUNS = 3
SEED = 0


def course_loop(images, labels, subset, val_idx, seed: int, epochs: int) -> tuple[float, float]:
    """One model, trained the way the course notebooks do it; returns (train acc, val acc)."""
    torch.manual_seed(seed)
    to_tensor = transforms.ToTensor()
    train_set = ImageDataset(images, labels, subset, transform=to_tensor)
    model = train_plain(softmax_model(), train_set, epochs, BATCH_SIZE, LR, seed=seed)
    val_set = ImageDataset(images, labels, val_idx, transform=to_tensor)
    return accuracy(model, train_set, batch_size=BATCH_SIZE), accuracy(model, val_set, batch_size=BATCH_SIZE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--baseline-threads", type=int, default=1,
                        help="torch threads for the course loop (default 1, as the engine uses)")
    args = parser.parse_args()
    images, labels = load_mnist("bundled")
    splits = stratified_split(labels, seed=SEED)
    pool, val = splits["train"], splits["val"]
    print(f"softmax, sizes {SIZES}, {REPEATS} repeats, {args.epochs} epochs, batch {BATCH_SIZE}, lr {LR}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads available", flush=True)

    default_threads = torch.get_num_threads()
    baseline_threads = args.baseline_threads
    torch.set_num_threads(baseline_threads)
    start = time.perf_counter()
    plan = plan_learning_curve(labels, pool, val, SIZES, REPEATS, seed=SEED)
    baseline = np.array([[course_loop(images, labels, subset, val, int(seed), args.epochs)
                          for subset, seed in zip(row, seeds, strict=True)]
                         for row, seeds in zip(plan.subsets, plan.seeds, strict=True)])  # size × repeat × (train, val)
    baseline_s = time.perf_counter() - start
    torch.set_num_threads(default_threads)
    print(f"(a) course loop, one model at a time (torch threads: {baseline_threads}): {baseline_s:.1f} s", flush=True)

    engine_times = []
    for _ in range(ENGINE_RUNS):
        start = time.perf_counter()  # the plan is drawn inside the timing, as for the course loop
        plan = plan_learning_curve(labels, pool, val, SIZES, REPEATS, seed=SEED)
        curve = learning_curve(images, labels, plan, "softmax", Training(args.epochs, BATCH_SIZE, LR),
                               engine=Engine(device="cpu", progress=False))
        engine_times.append(time.perf_counter() - start)
    engine_s = statistics.median(engine_times)
    print(f"(b) batched engine, all {len(SIZES) * REPEATS} models at once (torch threads: 1): {engine_s:.2f} s "
          f"(median of {ENGINE_RUNS}: {', '.join(f'{t:.2f}' for t in engine_times)})")

    engine = np.stack([curve.train_acc, curve.val_acc], axis=-1)
    print(f"{'size':>6}  {'val acc %: course loop':>22}  {'engine':>7}  {'train acc %: course loop':>24}  engine")
    for n, (a_train, a_val), (b_train, b_val) in zip(SIZES, baseline.mean(1) * 100, engine.mean(1) * 100, strict=True):
        print(f"{n:>6}  {a_val:>22.2f}  {b_val:>7.2f}  {a_train:>24.2f}  {b_train:>7.2f}")
    per_model = np.abs(baseline - engine).max() * 100
    print(f"largest difference of a single model (train or val): {per_model:.1f} pp")
    max_diff = np.abs(baseline.mean(1) - engine.mean(1)).max() * 100
    print(f"learning-curve speedup: {baseline_s / engine_s:.1f}x (max acc diff {max_diff:.1f} pp)")


if __name__ == "__main__":
    main()
