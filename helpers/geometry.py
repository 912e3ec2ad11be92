"""The geometry of a quadratic loss: the mean squared error of a linear model with two features.

Its surface, curvature, minimum and gradient descent on it; everything is float64 on the CPU (the problems are tiny).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch

from helpers.validation import check_in_range, check_int

__all__ = ["condition_number", "gradient_descent_path", "gradient_descent_steps", "largest_curvature", "least_squares",
           "loss_landscape", "loss_landscapes", "LossLandscape", "mse_surface", "path_losses", "stable_step_limit"]


def mse_surface(x: torch.Tensor, y: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor,
                bias: float = 0.0) -> torch.Tensor:
    """Mean squared error of ``y ≈ w1·x[:, 0] + w2·x[:, 1] + bias`` for every pair of the grid ``w1 × w2``.

    >>> x, y = torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([1.0, 1.0])
    >>> mse_surface(x, y, torch.tensor([1.0]), torch.tensor([1.0, 0.0]))
    tensor([[0.0000, 0.5000]], dtype=torch.float64)
    """
    x, y = _xy(x, y, features=2)
    y = y - bias
    second, g, c = x.T @ x / len(x), x.T @ y / len(x), (y @ y) / len(x)
    a, b = torch.meshgrid(torch.as_tensor(w1).double(), torch.as_tensor(w2).double(), indexing="ij")
    return second[0, 0] * a**2 + 2 * second[0, 1] * a * b + second[1, 1] * b**2 - 2 * (g[0] * a + g[1] * b) + c


def gradient_descent_path(x: torch.Tensor, y: torch.Tensor, steps: int, lr: float | None = None,
                          start: Sequence[float] = (0.0, 0.0), bias: float = 0.0) -> torch.Tensor:
    """The weights ``(steps + 1)×2`` visited by gradient descent on the loss of ``mse_surface``.

    ``lr=None`` takes the usual safe step ``1 / L`` (``L = largest_curvature(x)``): half the stability limit
    ``2 / L`` (``stable_step_limit``), and the same rule for every scaling of the data, so a fair one to compare
    them. The ``bias`` stays fixed (two weights to draw).

    >>> x, y = torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([1.0, 1.0])
    >>> gradient_descent_path(x, y, steps=1)[-1]
    tensor([1., 1.], dtype=torch.float64)
    """
    x, y = _xy(x, y, features=2)
    check_int("steps", steps)
    check_in_range("lr", lr, 0, math.inf, low_closed=False, optional=True)  # None: the step 1/L
    start_t = torch.as_tensor(start, dtype=torch.float64).detach().cpu()
    if tuple(start_t.shape) != (2,):
        raise ValueError(f"start must hold 2 values (w1, w2), got shape {tuple(start_t.shape)}")
    hessian, g = 2 * x.T @ x / len(x), 2 * x.T @ (y - bias) / len(x)
    lr = 1 / largest_curvature(x) if lr is None else lr
    path = [start_t]
    for _ in range(steps):
        path.append(path[-1] - lr * (hessian @ path[-1] - g))
    return torch.stack(path)


def largest_curvature(x: torch.Tensor) -> float:
    """``L``: the largest eigenvalue of the Hessian ``2·XᵀX / n`` of the mean squared error of ``y ≈ X·w``.

    >>> largest_curvature(torch.tensor([[1.0, 0.0], [0.0, 3.0]]))  # 2 · diag(1, 9) / 2
    9.0
    """
    x = _table(x)
    return float(torch.linalg.eigvalsh(2 * x.T @ x / len(x))[-1])


def stable_step_limit(x: torch.Tensor) -> float:
    """``2 / L``: gradient descent on the MSE of ``y ≈ X·w`` converges for every step below it, diverges above.

    Along the steepest direction each step multiplies the error by ``1 − lr·L``, which must stay within −1…1.

    >>> x = torch.tensor([[1.0, 0.0], [0.0, 3.0]])
    >>> stable_step_limit(x), 1 / largest_curvature(x)  # the limit, and the usual safe rule 1/L
    (0.2222222222222222, 0.1111111111111111)
    """
    return 2 / largest_curvature(x)


def condition_number(x: torch.Tensor) -> float:
    """Largest / smallest eigenvalue of ``XᵀX`` — how stretched the MSE loss surface is (1 = round).

    Gradient descent needs about ``condition_number · ln(1/tolerance)`` steps on such a loss.

    >>> condition_number(torch.tensor([[1.0, 0.0], [0.0, 10.0]]))
    100.0
    """
    x = _table(x)
    eigenvalues = torch.linalg.eigvalsh(x.T @ x)
    largest = float(eigenvalues[-1])
    if not float(eigenvalues[0]) > torch.finfo(torch.float64).eps * largest:
        raise ValueError("x: features are collinear or constant: the condition number is infinite; "
                         "allowed: a table whose columns are linearly independent")
    return largest / float(eigenvalues[0])


def least_squares(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, float]:
    """The best weights and bias of ``y ≈ x @ w + b`` (mean squared error), in float64.

    >>> w, b = least_squares(torch.tensor([[0.0], [1.0], [2.0]]), torch.tensor([1.0, 3.0, 5.0]))
    >>> w.tolist(), round(b, 6)
    ([2.0], 1.0)
    """
    x, y = _xy(x, y)
    ones = torch.ones(len(x), 1, dtype=x.dtype, device=x.device)
    solution = torch.linalg.lstsq(torch.cat([x, ones], 1), y[:, None]).solution
    return solution[:-1, 0], float(solution[-1, 0])


def gradient_descent_steps(x: torch.Tensor, y: torch.Tensor, tolerance: float = 0.01,
                           max_steps: int = 10_000) -> int | None:
    """Steps of ``gradient_descent_path`` until the loss is within ``tolerance`` (relative) of its minimum.

    Step ``1/L``, from ``w = 0``, the bias at its best value; ``None`` if not within ``max_steps``.

    >>> x = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])  # round loss surface
    >>> gradient_descent_steps(x, torch.tensor([1.0, 2.0, -1.0, -2.0]))
    1
    """
    check_in_range("tolerance", tolerance, 0, math.inf, low_closed=False)
    check_int("max_steps", max_steps)
    x, y = _xy(x, y, features=2)
    w, b = least_squares(x, y)
    best = float(((x @ w + b - y) ** 2).mean())
    path = gradient_descent_path(x, y, steps=max_steps, bias=b)
    losses = path_losses(x, y, path, bias=b)
    reached = torch.nonzero(losses <= best * (1 + tolerance) + 1e-12).flatten()
    return int(reached[0]) if len(reached) else None


def _table(x: torch.Tensor) -> torch.Tensor:
    """``x`` as a float64 tensor on the CPU, checked to be a non-empty N×F table."""
    x = torch.as_tensor(x).detach().cpu().double()
    if x.ndim != 2 or len(x) == 0:
        raise ValueError(f"x must be a non-empty N×F table, got shape {tuple(x.shape)}")
    return x


def _xy(x: torch.Tensor, y: torch.Tensor, features: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """``x`` (N×F, or N×``features``) and ``y`` (length N) as float64 tensors on the CPU."""
    x, y = torch.as_tensor(x).detach().cpu().double(), torch.as_tensor(y).detach().cpu().double()
    if x.ndim != 2 or len(x) != len(y) or len(x) == 0 or features not in (None, x.shape[1]):
        raise ValueError(f"x must be N×{features or 'F'} and y of length N, got x {tuple(x.shape)} and y "
                         f"{tuple(y.shape)}")
    return x, y


def path_losses(x: torch.Tensor, y: torch.Tensor, path: torch.Tensor, bias: float = 0.0) -> torch.Tensor:
    """The mean squared error of ``y ≈ x @ w + bias`` at each row ``w`` of ``path`` (K×2; may overflow to inf).

    >>> x, y = torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([1.0, 1.0])
    >>> path_losses(x, y, gradient_descent_path(x, y, steps=1))
    tensor([1., 0.], dtype=torch.float64)
    """
    x, y = _xy(x, y, features=2)
    path = torch.as_tensor(path).detach().cpu().double()
    if path.ndim != 2 or path.shape[1] != 2:
        raise ValueError(f"path must be K×2 (one (w1, w2) per row), got shape {tuple(path.shape)}")
    with torch.no_grad():
        return ((x @ path.T + bias - y[:, None]) ** 2).mean(0)


@dataclass(frozen=True)
class LossLandscape:
    """The MSE of ``y ≈ w1·x1 + w2·x2 + b`` on a ``(w1, w2)`` grid, with gradient descent on it.

    ``loss[i, j]`` is the loss at ``(w1[i], w2[j])`` with the bias at its best value; ``path``: gradient descent
    from ``w = 0`` (step 1/L); ``minimum``, ``bias``, ``best_loss``: the best weights, bias and loss;
    ``step_limit``: ``2 / L`` (``stable_step_limit``), above which gradient descent diverges. ``loss_landscape``
    makes one (see its example).
    """

    w1: torch.Tensor
    w2: torch.Tensor
    loss: torch.Tensor
    path: torch.Tensor
    minimum: torch.Tensor
    bias: float
    best_loss: float
    condition_number: float
    step_limit: float

    @property
    def steps(self) -> int:
        return len(self.path) - 1


def loss_landscape(x: torch.Tensor, y: torch.Tensor, steps: int = 30, grid: int = 120,
                   window: tuple[float, float, float, float] | None = None) -> LossLandscape:
    """The loss surface around the minimum and the ``steps`` of gradient descent that cross it.

    The ``grid × grid`` points span the path and the minimum with a 25 % margin, or the ``window =
    (w1 low, w1 high, w2 low, w2 high)`` given; the bias is held at its best value (a slice through the minimum).

    >>> x = torch.tensor([[1.0, 0.0], [0.0, 2.0], [-1.0, 0.0], [0.0, -2.0]])
    >>> landscape = loss_landscape(x, torch.tensor([1.0, 2.0, -1.0, -2.0]), steps=5, grid=20)
    >>> landscape.loss.shape, landscape.steps, landscape.condition_number
    (torch.Size([20, 20]), 5, 4.0)
    """
    check_int("steps", steps)
    check_int("grid", grid, low=2)
    descent = _descent(x, y, steps)
    if window is None:
        window = _window(_points(descent))
    elif len(window) != 4 or not (window[0] < window[1] and window[2] < window[3]):
        raise ValueError(f"window={window!r} must be (w1 low, w1 high, w2 low, w2 high) with low < high")
    return _landscape(descent, grid, window)


def _landscape(descent: tuple, grid: int, window: tuple[float, float, float, float]) -> LossLandscape:
    """The ``LossLandscape`` of one ``_descent`` on a ``grid × grid`` over ``window``."""
    x, y, w, b, path = descent
    w1 = torch.linspace(float(window[0]), float(window[1]), grid, dtype=torch.float64)
    w2 = torch.linspace(float(window[2]), float(window[3]), grid, dtype=torch.float64)
    best = float(mse_surface(x, y, w[:1], w[1:], bias=b)[0, 0])
    return LossLandscape(w1=w1, w2=w2, loss=mse_surface(x, y, w1, w2, bias=b), path=path, minimum=w, bias=b,
                         best_loss=best, condition_number=condition_number(x), step_limit=stable_step_limit(x))


def loss_landscapes(problems: Mapping[str, tuple[torch.Tensor, torch.Tensor]], steps: int = 30,
                    grid: int = 120) -> dict[str, LossLandscape]:
    """``loss_landscape`` of each ``name → (x, y)`` over ONE window that holds every path and minimum.

    Drawn side by side, the panels then share their axes and a bowl can be compared with a valley.

    >>> x = torch.tensor([[1.0, 0.0], [0.0, 2.0], [-1.0, 0.0], [0.0, -2.0]])
    >>> y = torch.tensor([1.0, 2.0, -1.0, -2.0])
    >>> both = loss_landscapes({"as is": (x, y), "halved": (x / 2, y)}, steps=5, grid=20)
    >>> torch.equal(both["as is"].w1, both["halved"].w1)
    True
    """
    if not isinstance(problems, Mapping) or not problems:
        raise TypeError(f"problems must be a non-empty dict name → (x, y), got {type(problems).__name__}")
    check_int("steps", steps)
    check_int("grid", grid, low=2)
    descents = {name: _descent(x, y, steps) for name, (x, y) in problems.items()}
    window = _window(torch.cat([_points(descent) for descent in descents.values()]))
    return {name: _landscape(descent, grid, window) for name, descent in descents.items()}


def _descent(x: object, y: object, steps: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, float, torch.Tensor]:
    """``(x, y, w, b, path)``: the checked two-feature problem, its best weights and bias, gradient descent's path."""
    x, y = _xy(x, y, features=2)
    w, b = least_squares(x, y)
    return x, y, w, b, gradient_descent_path(x, y, steps=steps, bias=b)


def _points(descent: tuple) -> torch.Tensor:
    """The weights a window must hold for one ``_descent``: its path, then its minimum."""
    _, _, w, _, path = descent
    return torch.cat([path, w[None]])


def _window(points: torch.Tensor) -> tuple[float, float, float, float]:
    """``(w1 low, w1 high, w2 low, w2 high)``: the box around ``points`` (``K×2``) with a 25 % margin."""
    low, high = points.min(0).values, points.max(0).values
    pad = 0.25 * (high - low).max().clamp_min(1e-3)
    return float(low[0] - pad), float(high[0] + pad), float(low[1] - pad), float(high[1] + pad)
