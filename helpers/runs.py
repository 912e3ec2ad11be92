"""Small deterministic training runs on tensors, and a learning-rate search: does input scale change SGD's speed?"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.utils.data import TensorDataset

from helpers.env import torch_threads
from helpers.loop import accuracy, mlp
from helpers.validation import check_finite_images, check_in_range, check_int, check_type

__all__ = ["LearningRateSearch", "steps_to_accuracy", "train_small_model", "TrainingRun", "tune_learning_rate"]


@dataclass
class TrainingRun:
    """What ``train_small_model`` measured (see its example): the loss of every step, the validation accuracy,
    the model."""

    losses: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    val_accuracies: list[float] = field(default_factory=list)
    diverged: bool = False
    model: torch.nn.Module | None = field(default=None, repr=False)


def train_small_model(x_train: torch.Tensor, y_train: torch.Tensor, x_val: torch.Tensor, y_val: torch.Tensor,
                      steps: int = 300, lr: float = 0.05, batch_size: int = 64, hidden: int = 32, eval_every: int = 10,
                      seed: int = 0, device: str | torch.device = "cpu", stop_at: float | None = None) -> TrainingRun:
    """Train the course's MLP (``helpers.loop.mlp``) with plain SGD; the same seed gives the same run.

    The initial weights and the order of the mini-batches depend only on ``seed``, so two scalings of the
    same inputs start from the same network and see the same batches. Training stops early when the loss
    stops being finite (``diverged=True``) and, with ``stop_at``, at the first evaluation whose validation
    accuracy reaches it (``steps_to_accuracy`` for that target is the same; later steps are not run).

    >>> x, y = torch.randn(100, 1, 4, 4), torch.randint(0, 2, (100,))
    >>> run = train_small_model(x, y, x, y, steps=20, eval_every=10, seed=0)
    >>> len(run.losses), run.eval_steps
    (20, [0, 10, 20])
    """
    _check_examples(x_train, y_train, x_val, y_val)
    for name, value in (("steps", steps), ("batch_size", batch_size), ("hidden", hidden), ("eval_every", eval_every)):
        check_int(name, value)
    check_in_range("lr", lr, 0, math.inf, low_closed=False)
    check_in_range("stop_at", stop_at, 0, 1, low_closed=False, optional=True)
    if batch_size > len(x_train):
        raise ValueError(f"batch_size={batch_size} is larger than the {len(x_train)} training examples; "
                         f"allowed: 1 <= batch_size <= {len(x_train)}")
    generator = torch.Generator().manual_seed(seed)
    val_set = TensorDataset(x_val.to(device), y_val.to(device))
    with torch_threads(1), torch.random.fork_rng(devices=[]):  # the global CPU generator is left as it was
        torch.default_generator.manual_seed(seed)  # = torch.manual_seed(seed) for the CPU, CUDA's generators untouched
        model = mlp(x_train[0].numel(), hidden, int(max(y_train.max(), y_val.max())) + 1).to(device)
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        run, order = TrainingRun(model=model), torch.empty(0, dtype=torch.long)
        for step in range(steps + 1):
            if step % eval_every == 0:
                run.eval_steps.append(step)
                run.val_accuracies.append(accuracy(model, val_set, batch_size=len(val_set)))
                if stop_at is not None and run.val_accuracies[-1] >= stop_at:
                    break
            if step == steps:
                break
            if len(order) < batch_size:
                order = torch.cat([order, torch.randperm(len(x_train), generator=generator)])
            batch, order = order[:batch_size], order[batch_size:]
            loss = torch.nn.functional.cross_entropy(model(x_train[batch].to(device)), y_train[batch].to(device))
            run.losses.append(loss.item())
            if not math.isfinite(run.losses[-1]):
                run.diverged = True
                break
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return run


def _check_examples(x_train, y_train, x_val, y_val) -> None:
    """Float inputs without NaN/inf, integer labels ≥ 0, one label per example."""
    for name, x in (("x_train", x_train), ("x_val", x_val)):
        check_type(name, x, torch.Tensor, "a float torch.Tensor N×…")
        if not x.is_floating_point():
            raise ValueError(f"{name} has dtype {x.dtype}; allowed: a float dtype (scale uint8 pixels with "
                             f"{name}.float() / 255)")
        check_finite_images(name, x)
    for name, y in (("y_train", y_train), ("y_val", y_val)):
        check_type(name, y, torch.Tensor, "an integer torch.Tensor of class labels")
        if y.dtype == torch.bool or y.is_floating_point() or y.is_complex() or y.ndim != 1:
            raise ValueError(f"{name} must be 1-D integer class labels, got {y.dtype} of shape {tuple(y.shape)}")
        if len(y) and int(y.min()) < 0:  # -100 would even be skipped silently (cross_entropy's ignore_index)
            raise ValueError(f"{name} has labels down to {int(y.min())}; allowed: classes 0, 1, 2, …")
    if len(x_train) != len(y_train) or len(x_val) != len(y_val) or len(x_train) == 0 or len(x_val) == 0:
        raise ValueError("x_train/y_train and x_val/y_val must be non-empty and of equal lengths")


def steps_to_accuracy(run: TrainingRun, target: float, interpolate: bool = False) -> float | None:
    """The step at which validation accuracy first reached ``target``; ``None`` if never.

    By default the first **evaluated** step at or above ``target`` (a multiple of ``eval_every``, so two runs
    can look equally fast while one crossed nine steps earlier). ``interpolate=True`` interpolates linearly
    between the last evaluation below ``target`` and the first at or above it, finer than ``eval_every``.

    >>> run = TrainingRun(eval_steps=[0, 10, 20], val_accuracies=[0.1, 0.8, 0.9])
    >>> steps_to_accuracy(run, 0.85), round(steps_to_accuracy(run, 0.85, interpolate=True), 6)
    (20, 15.0)
    >>> steps_to_accuracy(run, 0.95) is None
    True
    """
    check_in_range("target", target, 0, 1, low_closed=False)
    pairs = list(zip(run.eval_steps, run.val_accuracies, strict=True))
    for k, (step, reached) in enumerate(pairs):
        if reached >= target:
            if not interpolate or k == 0:
                return step
            (before, below) = pairs[k - 1]
            return float(before + (step - before) * (target - below) / (reached - below))
    return None


@dataclass(frozen=True)
class LearningRateSearch:
    """Steps to a target validation accuracy for each learning rate of a grid and each seed.

    ``steps[i, s]`` belongs to ``lrs[i]`` and ``seeds[s]``; ``inf``: never reached within ``max_steps`` (or diverged).

    >>> search = LearningRateSearch((0.01, 0.1), (0, 1), np.array([[90.0, 110.0], [30.0, np.inf]]), 0.85, 300)
    >>> search.median_steps.tolist(), search.best_lr, search.best_steps
    ([100.0, inf], 0.01, 100.0)
    """

    lrs: tuple[float, ...]
    seeds: tuple[int, ...]
    steps: np.ndarray
    target: float
    max_steps: int

    @property
    def median_steps(self) -> np.ndarray:
        """The median over seeds of each learning rate's steps (``inf`` counts as infinitely many)."""
        return np.median(self.steps, axis=1)

    @property
    def best_lr(self) -> float:
        """The learning rate with the fewest median steps (the smaller one on a tie)."""
        return self.lrs[int(np.argmin(self.median_steps))]

    @property
    def best_steps(self) -> float:
        """The median steps at ``best_lr``."""
        return float(self.median_steps.min())

    def best_range(self) -> tuple[float, float]:
        """Fewest and most steps over the seeds at ``best_lr``: the spread behind ``best_steps``."""
        row = self.steps[int(np.argmin(self.median_steps))]
        return float(row.min()), float(row.max())


def tune_learning_rate(x_train: torch.Tensor, y_train: torch.Tensor, x_val: torch.Tensor, y_val: torch.Tensor,
                       lrs: Sequence[float], target: float, steps: int = 300, seeds: Sequence[int] = (0,),
                       interpolate: bool = False, **train_options) -> LearningRateSearch:
    """Count the steps ``train_small_model`` needs to reach ``target`` validation accuracy for each lr and seed.

    Comparing input scalings at **one** learning rate mixes two effects: a larger input scale acts like
    a larger step. Tuning the learning rate per scaling and comparing the best of each separates them.
    ``interpolate`` counts the steps as ``steps_to_accuracy`` does; ``train_options`` go to
    ``train_small_model`` (``batch_size``, ``hidden``, ``eval_every``, ``device``).

    >>> x = torch.randn(200, 1, 2, 2)
    >>> y = (x.flatten(1).sum(1) > 0).long()
    >>> search = tune_learning_rate(x, y, x, y, lrs=[0.001, 0.3], target=0.9, steps=100, seeds=[0, 1])
    >>> search.steps.shape, search.best_lr
    ((2, 2), 0.3)
    """
    for i, lr in enumerate(lrs):
        check_in_range(f"lrs[{i}]", lr, 0, math.inf, low_closed=False)
    lrs = tuple(float(lr) for lr in lrs)
    if not lrs:
        raise ValueError("lrs is empty; give at least one learning rate, e.g. [0.05, 0.1, 0.2]")
    if len(set(lrs)) != len(lrs):
        raise ValueError(f"lrs={list(lrs)} has duplicates; each learning rate may appear once")
    seeds = tuple(int(s) for s in seeds)
    if not seeds:
        raise ValueError("seeds is empty; give at least one seed, e.g. (0,)")
    check_in_range("target", target, 0, 1, low_closed=False)
    table = np.full((len(lrs), len(seeds)), np.inf)
    for i, lr in enumerate(lrs):
        for j, seed in enumerate(seeds):
            run = train_small_model(x_train, y_train, x_val, y_val, steps=steps, lr=lr, seed=seed, stop_at=target,
                                    **train_options)
            reached = steps_to_accuracy(run, target, interpolate)
            table[i, j] = np.inf if reached is None else reached
    return LearningRateSearch(lrs, seeds, table, float(target), int(steps))
