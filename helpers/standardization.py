"""Standardization: exact dataset statistics, normalize and its exact inverse."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import torch

from helpers.validation import check_choice, check_finite_images, check_in_range, check_type, check_uint8_or_float

__all__ = ["dataset_mean_std", "denormalize", "IMAGENET_MEAN", "IMAGENET_STD", "mean_of_batch_stds", "normalize",
           "PLACEHOLDER_MEAN", "PLACEHOLDER_STD"]

STAT_LAYOUTS = ("channel", "feature")  # one mean/std per channel, or per element of an example (pixel, column)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
PLACEHOLDER_MEAN = (0.5, 0.5, 0.5)
PLACEHOLDER_STD = (0.5, 0.5, 0.5)
DATASET_BATCH_SIZE = 256  # of the DataLoader that dataset_mean_std wraps around a Dataset it is given


def normalize(images: torch.Tensor, mean: Sequence[float] | torch.Tensor, std: Sequence[float] | torch.Tensor,
              eps: float = 0.0) -> torch.Tensor:
    """Standardize with the lecture's formula ``(x - mean) / (std + eps)``.

    ``mean``/``std`` hold one value, one per channel (like ``transforms.Normalize``) or one per feature (a
    ``C×H×W`` tensor, e.g. per-pixel statistics). A ``std`` with zeros (MNIST's border) needs ``eps > 0``.

    >>> normalize(torch.tensor([[[0.0, 0.5, 1.0]]]), mean=[0.5], std=[0.5])
    tensor([[[-1.,  0.,  1.]]])
    """
    mean_t, std_t = _statistics(images, mean, std, eps)
    return (images - mean_t) / (std_t + eps)


def denormalize(images: torch.Tensor, mean: Sequence[float] | torch.Tensor, std: Sequence[float] | torch.Tensor,
                eps: float = 0.0) -> torch.Tensor:
    """Undo ``Normalize(mean, std)`` exactly: ``x * (std + eps) + mean`` per channel (or feature), on floats.

    >>> x = torch.tensor([[[-1.0, 0.0, 1.0]]])
    >>> denormalize(x, mean=[0.5], std=[0.5])
    tensor([[[0.0000, 0.5000, 1.0000]]])
    """
    mean_t, std_t = _statistics(images, mean, std, eps)
    return images * (std_t + eps) + mean_t


def _statistics(images: object, mean, std, eps: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Check ``images`` (float C×H×W or N×C×H×W), ``std`` and ``eps``; ``mean`` and ``std`` shaped to broadcast."""
    check_type("images", images, torch.Tensor, "a float tensor (e.g. the output of ToTensor or Normalize)")
    if not images.is_floating_point():
        raise ValueError(f"images must be a float tensor (e.g. the output of ToTensor or Normalize), "
                         f"got {images.dtype}")
    if images.ndim not in (3, 4):
        raise ValueError(f"images must have shape C×H×W or N×C×H×W, got {tuple(images.shape)}")
    mean_t, std_t = _broadcastable(mean, "mean", images), _broadcastable(std, "std", images)
    check_in_range("eps", eps, 0, math.inf)
    if eps == 0 and bool((std_t == 0).any()):
        raise ValueError(f"std contains {int((std_t == 0).sum())} zeros (features that never change); "
                         "pass eps > 0, e.g. eps=1e-8, to divide by std + eps")
    if bool((std_t + eps <= 0).any()):
        raise ValueError("std must be positive: std + eps has values <= 0")
    return mean_t, std_t


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


def dataset_mean_std(loader: Iterable, per: str = "channel", correction: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Exact mean and std of a whole dataset in one pass over its batches, in float64.

    Each batch's count, mean and sum of squared deviations are merged with the parallel algorithm of Chan, Golub &
    LeVeque (Welford for batches): the result equals the one-shot ``x.mean()``/``x.std()`` whatever the batch size
    or order. A running sum of squares, ``std² = Σx²/n − mean²``, would subtract two nearly equal numbers when the
    mean is large against the std and lose the std's digits in float32 (see below); the merge has no such cancellation.

    ``loader``: batches ``N×C×H×W`` / ``N×F`` or ``(batch, labels)`` pairs (``uint8`` counts in 0…255; other integer
    dtypes and NaN/inf are refused), or a ``Dataset``, read in batches of ``DATASET_BATCH_SIZE``. ``per="channel"``
    reduces dims N, H, W, ``"feature"`` only N. ``correction``: 0 population std (``numpy.std``), 1 sample std.

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
    check_choice("correction", correction, (0, 1))
    loader = _batches(loader, wrap_dataset=True)
    count, mean, m2 = 0, torch.zeros((), dtype=torch.float64), torch.zeros((), dtype=torch.float64)
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
    return mean.reshape(first_shape), (m2 / (count - correction)).sqrt().reshape(first_shape)


def mean_of_batch_stds(loader: Iterable, per: str = "channel") -> torch.Tensor:
    """The common *wrong* shortcut: the average of the per-batch stds (do not use it).

    It misses the spread *between* batches (and averages stds, not variances): too small, and it changes with the
    batch size and the order of the data.

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
    """``loader`` as batches; a ``Dataset`` becomes a ``DataLoader`` if the result does not depend on the batch size."""
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
    """A batch as float64 rows ``values × statistics`` and the statistics' shape (``(C,)``, ``C×H×W`` or ``(F,)``)."""
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
