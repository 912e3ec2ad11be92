"""The step-size rule of gradient descent and learning-rate tuning per input scaling (issue 12, points 7 and 8)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from helpers.geometry import gradient_descent_path, largest_curvature, stable_step_limit
from helpers.standardization import (
    LearningRateSearch,
    steps_to_accuracy,
    train_small_model,
    tune_learning_rate,
)


def stretched_problem() -> tuple[torch.Tensor, torch.Tensor]:
    """Two correlated features of very different scales: a thin, tilted valley."""
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(200, generator=generator, dtype=torch.float64)
    x = torch.stack([a * 10 + torch.randn(200, generator=generator, dtype=torch.float64), a], 1)
    return x, 3 * x[:, 0] - 2 * x[:, 1]


def distance_to_optimum(x, y, lr, steps=200) -> float:
    w_best = torch.linalg.lstsq(x, y[:, None]).solution[:, 0]
    return float((gradient_descent_path(x, y, steps=steps, lr=lr)[-1] - w_best).norm())


def test_gradient_descent_is_stable_below_two_over_l_and_diverges_above():
    x, y = stretched_problem()
    limit = stable_step_limit(x)
    assert limit == pytest.approx(2 / largest_curvature(x))
    start = float(torch.linalg.lstsq(x, y[:, None]).solution.norm())  # gradient descent starts at w = 0
    assert distance_to_optimum(x, y, lr=0.95 * limit) < start, "just below 2/L: still converging"
    assert distance_to_optimum(x, y, lr=1.05 * limit) > 1e3 * start, "just above 2/L: diverging"
    assert distance_to_optimum(x, y, lr=1.5 / largest_curvature(x)) < start, "1/L is not the largest stable step"


def test_the_default_step_is_one_over_l():
    x, y = stretched_problem()
    default = gradient_descent_path(x, y, steps=5)
    assert torch.allclose(default, gradient_descent_path(x, y, steps=5, lr=1 / largest_curvature(x)))


def digits_problem(scale: float = 1.0):
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(400, 1, 4, 4, generator=generator)
    y = (x.flatten(1)[:, :8].sum(1) > x.flatten(1)[:, 8:].sum(1)).long()
    return x[:300] * scale, y[:300], x[300:] * scale, y[300:]


def test_early_stopping_at_the_target_gives_the_same_step_count():
    x_train, y_train, x_val, y_val = digits_problem()
    full = train_small_model(x_train, y_train, x_val, y_val, steps=200, lr=0.2, seed=0)
    stopped = train_small_model(x_train, y_train, x_val, y_val, steps=200, lr=0.2, seed=0, stop_at=0.8)
    reached = steps_to_accuracy(full, 0.8)
    assert reached is not None and steps_to_accuracy(stopped, 0.8) == reached
    assert stopped.eval_steps[-1] == reached < full.eval_steps[-1], "the stopped run ends at the target"
    with pytest.raises(ValueError, match="stop_at=1.5 must be None or an accuracy"):
        train_small_model(x_train, y_train, x_val, y_val, steps=10, stop_at=1.5)


def test_tuning_finds_a_learning_rate_per_scaling_and_counts_diverged_runs_as_never():
    lrs = [0.001, 0.01, 0.1, 1.0, 1000.0]
    small = tune_learning_rate(*digits_problem(0.1), lrs=lrs, target=0.8, steps=200, seeds=[0, 1])
    large = tune_learning_rate(*digits_problem(10.0), lrs=lrs, target=0.8, steps=200, seeds=[0, 1])
    assert small.steps.shape == (5, 2) and math.isinf(small.median_steps[-1]), "lr 1000 diverges: never"
    assert large.best_lr < small.best_lr, "larger inputs need a smaller learning rate"
    assert np.isfinite(small.best_steps) and np.isfinite(large.best_steps)
    low, high = large.best_range()
    assert low <= large.best_steps <= high


def test_the_search_picks_the_fewest_median_steps_and_checks_its_arguments():
    search = LearningRateSearch((0.01, 0.1, 1.0), (0, 1, 2), np.array([[50.0, 60, 70], [40, 45, np.inf],
                                                                        [np.inf, np.inf, 10]]), 0.85, 300)
    assert search.median_steps.tolist() == [60.0, 45.0, np.inf] and search.best_lr == 0.1
    assert search.best_range() == (40.0, np.inf)
    x_train, y_train, x_val, y_val = digits_problem()
    with pytest.raises(ValueError, match="lrs=\\[\\] must hold at least one learning rate"):
        tune_learning_rate(x_train, y_train, x_val, y_val, lrs=[], target=0.8)
    with pytest.raises(ValueError, match="has duplicates"):
        tune_learning_rate(x_train, y_train, x_val, y_val, lrs=[0.1, 0.1], target=0.8)
    with pytest.raises(ValueError, match="target=0 must be an accuracy"):
        tune_learning_rate(x_train, y_train, x_val, y_val, lrs=[0.1], target=0)
