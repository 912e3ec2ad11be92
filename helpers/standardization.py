"""Standardization: exact dataset statistics, normalize and its exact inverse, and the measurements
of notebook 03 (a small deterministic training loop, colour patches). The 2-feature loss surface is
``helpers.geometry``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from helpers.env import torch_threads
from helpers.validation import check_choice, check_finite_images, check_type, check_uint8_or_float

STAT_LAYOUTS = ("channel", "feature")
"""``"channel"``: one mean/std per channel (RGB: 3). ``"feature"``: one per element of an example
(per pixel for images, per column for a table)."""
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
PLACEHOLDER_MEAN = (0.5, 0.5, 0.5)
PLACEHOLDER_STD = (0.5, 0.5, 0.5)
DATASET_BATCH_SIZE = 256
"""Batch size of the ``DataLoader`` that ``dataset_mean_std`` wraps around a ``Dataset`` it is given."""


# --------------------------------------------------------------------------------------------
# normalize and its exact inverse
# --------------------------------------------------------------------------------------------
def normalize(
    images: torch.Tensor,
    mean: Sequence[float] | torch.Tensor,
    std: Sequence[float] | torch.Tensor,
    eps: float = 0.0,
) -> torch.Tensor:
    """Standardize with the lecture's formula ``(x - mean) / (std + eps)``.

    ``mean``/``std`` hold one value, one value per channel (like ``transforms.Normalize``),
    or one value per feature (a ``C×H×W`` tensor, e.g. the per-pixel statistics). A ``std``
    containing zeros needs ``eps > 0`` (pixels that never change, e.g. MNIST's border).

    Example:
        >>> normalize(torch.tensor([[[0.0, 0.5, 1.0]]]), mean=[0.5], std=[0.5])
        tensor([[[-1.,  0.,  1.]]])
    """
    _check_images(images)
    mean_t, std_t = _broadcastable(mean, "mean", images), _broadcastable(std, "std", images)
    _check_std(std_t, eps)
    return (images - mean_t) / (std_t + eps)


def denormalize(
    images: torch.Tensor,
    mean: Sequence[float] | torch.Tensor,
    std: Sequence[float] | torch.Tensor,
    eps: float = 0.0,
) -> torch.Tensor:
    """Undo ``Normalize(mean, std)`` exactly: ``x * (std + eps) + mean`` per channel (or feature).

    Works on one image ``C×H×W`` or a batch ``N×C×H×W`` of floats.

    Example:
        >>> x = torch.tensor([[[-1.0, 0.0, 1.0]]])
        >>> denormalize(x, mean=[0.5], std=[0.5])
        tensor([[[0.0000, 0.5000, 1.0000]]])
    """
    _check_images(images)
    mean_t, std_t = _broadcastable(mean, "mean", images), _broadcastable(std, "std", images)
    _check_std(std_t, eps)
    return images * (std_t + eps) + mean_t


def _check_images(images: object) -> None:
    check_type("images", images, torch.Tensor, "a float tensor (e.g. the output of ToTensor or Normalize)")
    if not images.is_floating_point():
        raise ValueError(f"images must be a float tensor (e.g. the output of ToTensor or Normalize), "
                         f"got {images.dtype}")
    if images.ndim not in (3, 4):
        raise ValueError(f"images must have shape C×H×W or N×C×H×W, got {tuple(images.shape)}")


def _broadcastable(values, name: str, like: torch.Tensor) -> torch.Tensor:
    """``values`` as ``C×1×1`` (one or C values) or ``C×H×W`` (one per feature)."""
    values = torch.as_tensor(values, dtype=like.dtype, device=like.device)
    channels, feature_shape = like.shape[-3], tuple(like.shape[-3:])
    if tuple(values.shape) == feature_shape:
        return values
    values = values.flatten()
    if len(values) not in (1, channels):
        raise ValueError(f"{name} has {len(values)} values but the images have {channels} channels; "
                         f"allowed: 1 or {channels} values, or a tensor of shape {feature_shape}")
    return values.expand(channels).reshape(channels, 1, 1)


def _check_std(std: torch.Tensor, eps: float) -> None:
    if eps < 0:
        raise ValueError(f"eps={eps} must be >= 0")
    if eps == 0 and bool((std == 0).any()):
        raise ValueError(f"std contains {int((std == 0).sum())} zeros (features that never change); "
                         "pass eps > 0, e.g. eps=1e-8, to divide by std + eps")
    if bool((std + eps <= 0).any()):
        raise ValueError("std must be positive: std + eps has values <= 0")


# --------------------------------------------------------------------------------------------
# exact statistics in one streaming pass
# --------------------------------------------------------------------------------------------
def dataset_mean_std(
    loader: Iterable, per: str = "channel", correction: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Exact mean and std of a whole dataset in one pass over its batches, in float64.

    Each batch contributes its count, mean and sum of squared deviations, merged with the
    parallel algorithm of Chan, Golub & LeVeque (Welford for batches) — so the result equals
    the one-shot ``x.mean()``/``x.std()`` over all the data, whatever the batch size or order.

    This merge is the course's one way to stream exact statistics (the deep dives 03a and 03c use it).
    A running sum and sum of squares, ``std² = Σx²/n − mean²``, subtracts two nearly equal
    numbers whenever the mean is large against the std, and in float32 loses the std's digits
    (values near 100 with a std of 0.09: the shortcut is off by more than 0.1 %, see below);
    the merge only ever adds squared deviations from a mean, so it has no such cancellation.

    Args:
        loader: a ``DataLoader`` (or any iterable) of batches ``N×C×H×W`` / ``N×F``, or of
            ``(batch, labels)`` pairs. ``uint8`` batches count in 0…255; other integer
            dtypes and NaN/inf values are refused. A ``Dataset`` is read through
            ``DataLoader(dataset, batch_size=DATASET_BATCH_SIZE)`` (same statistics).
        per: ``"channel"`` — one value per channel (dims N, H, W reduced); ``"feature"`` — one
            value per pixel / column (only dim N reduced).
        correction: ``0`` population std (like ``numpy.std``), ``1`` sample std (``torch.std``).

    Example:
        >>> batches = [torch.tensor([[1.0], [2.0]]), torch.tensor([[3.0], [4.0]])]
        >>> dataset_mean_std(batches, per="feature")
        (tensor([2.5000], dtype=torch.float64), tensor([1.1180], dtype=torch.float64))
        >>> x = 100 + 0.3 * torch.rand(100_000, 1, generator=torch.Generator().manual_seed(0))  # float32
        >>> exact = x.double().std(correction=0).item()
        >>> shortcut = ((x * x).mean() - x.mean() ** 2).sqrt().item()  # sum of squares, float32
        >>> merged = dataset_mean_std(torch.split(x, 1000), per="feature")[1].item()
        >>> abs(shortcut - exact) / exact > 1e-3, abs(merged - exact) / exact < 1e-9
        (True, True)
    """
    check_choice("per", per, STAT_LAYOUTS)
    if correction not in (0, 1):
        raise ValueError(f"correction={correction!r}; allowed values: 0, 1")
    loader = _batches(loader, wrap_dataset=True)
    count, mean, m2 = 0, torch.zeros((), dtype=torch.float64), torch.zeros((), dtype=torch.float64)
    shape: tuple[int, ...] = ()
    first_shape: tuple[int, ...] | None = None
    for index, batch in enumerate(loader):
        x, shape = _as_rows(batch, per, index)
        if first_shape is None:
            first_shape = shape
        elif shape != first_shape:  # would broadcast silently into a plausible but wrong result
            what = "channels" if per == "channel" else "per-example shape"
            raise ValueError(f"loader gave batch {index} with {what} {shape}, but batch 0 had {first_shape}; "
                             f"allowed: every batch of the loader with the same {what}")
        n_b = x.shape[0]
        if n_b == 0:
            continue
        mean_b = x.mean(0)
        m2_b = ((x - mean_b) ** 2).sum(0)
        delta, total = mean_b - mean, count + n_b
        mean = mean + delta * (n_b / total)
        m2 = m2 + m2_b + delta**2 * (count * n_b / total)
        count = total
    if count <= correction:
        raise ValueError(f"loader gave {count} values per statistic; allowed: a non-empty dataset "
                         f"(more than {correction} values)")
    return mean.reshape(shape), (m2 / (count - correction)).sqrt().reshape(shape)


def mean_of_batch_stds(loader: Iterable, per: str = "channel") -> torch.Tensor:
    """The common *wrong* shortcut: the average of the per-batch stds (do not use it).

    It misses the spread *between* batches (and averages stds instead of variances), so it
    is too small, and it changes with the batch size and the order of the data. Shown next
    to ``dataset_mean_std`` in 03_standardization_math.

    Example:
        >>> batches = [torch.tensor([[1.0], [1.0]]), torch.tensor([[3.0], [3.0]])]
        >>> mean_of_batch_stds(batches, per="feature")  # the true std is 1
        tensor([0.], dtype=torch.float64)
    """
    check_choice("per", per, STAT_LAYOUTS)
    stds = []
    for index, batch in enumerate(_batches(loader, wrap_dataset=False)):
        rows, shape = _as_rows(batch, per, index)
        stds.append(rows.std(0, correction=0).reshape(shape))
    if not stds:
        raise ValueError("loader gave no batches; allowed: a non-empty dataset")
    return torch.stack(stds).mean(0)


def _batches(loader: object, wrap_dataset: bool) -> Iterable:
    """``loader`` as an iterable of batches; a ``Dataset`` (one example per item) becomes a
    ``DataLoader`` when the result does not depend on the batch size (``wrap_dataset``)."""
    if torch.is_tensor(loader) or isinstance(loader, np.ndarray):
        raise TypeError(f"loader must be a DataLoader or an iterable of batches, got one {type(loader).__name__} "
                        f"of shape {tuple(loader.shape)} (iterating it gives single examples); "
                        "pass [x] to use it as one batch")
    if isinstance(loader, torch.utils.data.Dataset):
        if wrap_dataset:
            return torch.utils.data.DataLoader(loader, batch_size=DATASET_BATCH_SIZE)
        raise TypeError(f"loader must be a DataLoader of batches, got the Dataset {type(loader).__name__} "
                        "(single examples); "
                        "wrap it: DataLoader(dataset, batch_size=...) — the result depends on the batch size")
    check_type("loader", loader, Iterable, "a DataLoader or an iterable of batches")
    return loader


def _as_rows(batch, per: str, index: int) -> tuple[torch.Tensor, tuple[int, ...]]:
    """A batch as float64 rows ``values × statistics`` (one column per channel or feature),
    and the shape the statistics take: ``(C,)`` per channel, ``C×H×W`` / ``(F,)`` per feature."""
    if isinstance(batch, (tuple, list)):
        batch = batch[0]
    batch = torch.as_tensor(batch)
    check_uint8_or_float(f"loader batch {index}", batch)
    check_finite_images(f"loader batch {index}", batch)
    x = batch.detach().cpu().double()
    if x.ndim < 2:
        raise ValueError(f"a batch must have shape N×C×H×W or N×F, got {tuple(x.shape)}")
    if per == "feature":
        return x.reshape(x.shape[0], -1), tuple(x.shape[1:])
    return x.transpose(0, 1).reshape(x.shape[1], -1).T, (x.shape[1],)


# --------------------------------------------------------------------------------------------
# a small deterministic training loop: does the input scale change how fast SGD learns?
# --------------------------------------------------------------------------------------------
@dataclass
class TrainingRun:
    """What ``train_small_model`` measured: the loss of every step, the validation accuracy, the model."""

    losses: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    val_accuracies: list[float] = field(default_factory=list)
    diverged: bool = False
    model: torch.nn.Module | None = field(default=None, repr=False)


def train_small_model(
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    x_val: torch.Tensor,
    y_val: torch.Tensor,
    steps: int = 300,
    lr: float = 0.05,
    batch_size: int = 64,
    hidden: int = 32,
    eval_every: int = 10,
    seed: int = 0,
    device: str | torch.device = "cpu",
    stop_at: float | None = None,
) -> TrainingRun:
    """Train a one-hidden-layer MLP with plain SGD; the same seed gives the same run.

    The initial weights and the order of the mini-batches depend only on ``seed``, so two
    inputs that differ only in their scaling start from the same network and see the same
    batches. Training stops early (``diverged=True``) when the loss stops being finite, and —
    with ``stop_at`` — at the first evaluation whose validation accuracy reaches ``stop_at``
    (``steps_to_accuracy`` for that target is the same; later steps are not run).

    Example:
        >>> x, y = torch.randn(100, 1, 4, 4), torch.randint(0, 2, (100,))
        >>> run = train_small_model(x, y, x, y, steps=20, eval_every=10, seed=0)
        >>> len(run.losses), run.eval_steps
        (20, [0, 10, 20])
    """
    _check_examples(x_train, y_train, x_val, y_val)
    if steps < 1 or batch_size < 1 or eval_every < 1 or lr <= 0:
        raise ValueError(f"steps={steps}, batch_size={batch_size}, eval_every={eval_every} must be >= 1 "
                         f"and lr={lr} > 0")
    if stop_at is not None and not 0 < stop_at <= 1:
        raise ValueError(f"stop_at={stop_at!r} must be None or an accuracy in (0, 1]")
    if batch_size > len(x_train):
        raise ValueError(f"batch_size={batch_size} is larger than the {len(x_train)} training examples; "
                         f"allowed: 1 <= batch_size <= {len(x_train)}")
    model = _small_mlp(x_train[0].numel(), hidden, int(max(y_train.max(), y_val.max())) + 1, seed).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    x_val, y_val = x_val.to(device), y_val.to(device)
    run, order = TrainingRun(model=model), torch.empty(0, dtype=torch.long)
    with torch_threads(1):
        for step in range(steps + 1):
            if step % eval_every == 0:
                run.eval_steps.append(step)
                run.val_accuracies.append(_accuracy(model, x_val, y_val))
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


def _small_mlp(inputs: int, hidden: int, classes: int, seed: int) -> torch.nn.Module:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(inputs, hidden), torch.nn.ReLU(),
                                   torch.nn.Linear(hidden, classes))


@torch.no_grad()
def _accuracy(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    return (model(x).argmax(1) == y).float().mean().item()


def steps_to_accuracy(run: TrainingRun, target: float, interpolate: bool = False) -> float | None:
    """The step at which validation accuracy first reached ``target``; ``None`` if never.

    By default the first **evaluated** step at or above ``target`` (a multiple of ``eval_every``,
    so two runs can look equally fast while one crossed nine steps earlier). With
    ``interpolate=True`` the crossing is interpolated linearly between the last evaluation below
    ``target`` and the first at or above it: a comparison's margin is then not one evaluation interval.

    Example:
        >>> run = TrainingRun(eval_steps=[0, 10, 20], val_accuracies=[0.1, 0.8, 0.9])
        >>> steps_to_accuracy(run, 0.85), round(steps_to_accuracy(run, 0.85, interpolate=True), 6)
        (20, 15.0)
        >>> steps_to_accuracy(run, 0.95) is None
        True
    """
    if not 0 < target <= 1:
        raise ValueError(f"target={target} must lie in (0, 1]")
    pairs = list(zip(run.eval_steps, run.val_accuracies, strict=True))
    for k, (step, accuracy) in enumerate(pairs):
        if accuracy >= target:
            if not interpolate or k == 0:
                return step
            (before, below) = pairs[k - 1]
            return float(before + (step - before) * (target - below) / (accuracy - below))
    return None


@dataclass(frozen=True)
class LearningRateSearch:
    """Steps to a target validation accuracy for each learning rate of a grid and each seed.

    ``steps[i, s]`` belongs to ``lrs[i]`` and ``seeds[s]``; ``inf`` means the run never reached
    ``target`` within ``max_steps`` (or diverged).

    Example:
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


def tune_learning_rate(
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    x_val: torch.Tensor,
    y_val: torch.Tensor,
    lrs: Sequence[float],
    target: float,
    steps: int = 300,
    seeds: Sequence[int] = (0,),
    interpolate: bool = False,
    **train_options,
) -> LearningRateSearch:
    """Train ``train_small_model`` for every learning rate of a small grid and every seed; count the steps
    each run needs to reach ``target`` validation accuracy (each run stops there).

    Comparing input scalings at **one** learning rate mixes two effects: a larger input scale
    acts like a larger step. Tuning the learning rate per scaling and comparing the best of
    each separates them. ``interpolate`` counts the steps as ``steps_to_accuracy`` does;
    ``train_options`` go to ``train_small_model`` (``batch_size``, ``hidden``, ``eval_every``, ``device``).

    Example:
        >>> x = torch.randn(200, 1, 2, 2)
        >>> y = (x.flatten(1).sum(1) > 0).long()
        >>> search = tune_learning_rate(x, y, x, y, lrs=[0.001, 0.3], target=0.9, steps=100, seeds=[0, 1])
        >>> search.steps.shape, search.best_lr
        ((2, 2), 0.3)
    """
    lrs = tuple(float(lr) for lr in lrs)
    if not lrs or any(not lr > 0 for lr in lrs):
        raise ValueError(f"lrs={list(lrs)} must hold at least one learning rate, all > 0")
    if len(set(lrs)) != len(lrs):
        raise ValueError(f"lrs={list(lrs)} has duplicates; each learning rate may appear once")
    seeds = tuple(int(s) for s in seeds)
    if not seeds:
        raise ValueError("seeds is empty; give at least one seed, e.g. (0,)")
    if not 0 < target <= 1:
        raise ValueError(f"target={target!r} must be an accuracy in (0, 1]")
    table = np.full((len(lrs), len(seeds)), np.inf)
    for i, lr in enumerate(lrs):
        for j, seed in enumerate(seeds):
            run = train_small_model(x_train, y_train, x_val, y_val, steps=steps, lr=lr, seed=seed, stop_at=target,
                                    **train_options)
            reached = steps_to_accuracy(run, target, interpolate)
            table[i, j] = np.inf if reached is None else reached
    return LearningRateSearch(lrs, seeds, table, float(target), int(steps))


# --------------------------------------------------------------------------------------------
# colour: a patch dataset cut from the bundled photos
# --------------------------------------------------------------------------------------------
def photo_patches(
    photos: Mapping[str, np.ndarray], size: int = 16, per_photo: int = 300, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Non-overlapping ``size×size`` patches, ``per_photo`` from each photo, labelled by photo.

    Patches come from a grid, so no pixel is in two patches (a train and a validation patch
    never share pixels); which grid cells are taken depends only on ``seed``.
    Returns ``uint8`` patches ``N×size×size×3`` and ``int64`` labels (the photo's position).

    Example:
        >>> from helpers.data import rgb_photos
        >>> patches, labels = photo_patches(rgb_photos(["chelsea", "coffee"]), size=16, per_photo=5)
        >>> patches.shape, labels.tolist()
        (torch.Size([10, 16, 16, 3]), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    """
    if size < 1 or per_photo < 1 or not photos:
        raise ValueError(f"photos must be non-empty and size={size}, per_photo={per_photo} must be >= 1")
    generator = torch.Generator().manual_seed(seed)
    patches, labels = [], []
    for label, (name, photo) in enumerate(photos.items()):
        rows, cols = photo.shape[0] // size, photo.shape[1] // size
        if rows * cols < per_photo:
            raise ValueError(f"photo {name!r} has only {rows * cols} patches of {size}×{size}; "
                             f"allowed: per_photo <= {rows * cols}")
        grid = torch.as_tensor(photo[: rows * size, : cols * size]).reshape(rows, size, cols, size, 3)
        grid = grid.permute(0, 2, 1, 3, 4).reshape(rows * cols, size, size, 3)
        patches.append(grid[torch.randperm(rows * cols, generator=generator)[:per_photo]])
        labels.append(torch.full((per_photo,), label, dtype=torch.int64))
    return torch.cat(patches), torch.cat(labels)
