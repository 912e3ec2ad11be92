"""Standardization: exact dataset statistics, normalize and its exact inverse.

Used in 03_standardization_math; ``denormalize`` is used by ``plotting.show_images``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


def denormalize(
    images: torch.Tensor, mean: Sequence[float] | torch.Tensor, std: Sequence[float] | torch.Tensor
) -> torch.Tensor:
    """Undo ``Normalize(mean, std)`` exactly: ``x * std + mean`` per channel.

    Works on one image ``C×H×W`` or a batch ``N×C×H×W`` of floats.

    Example:
        >>> x = torch.tensor([[[-1.0, 0.0, 1.0]]])
        >>> denormalize(x, mean=[0.5], std=[0.5])
        tensor([[[0.0000, 0.5000, 1.0000]]])

    Used by ``helpers.plotting.show_images``; introduced in 03_standardization_math.
    """
    if not torch.is_tensor(images) or not images.is_floating_point():
        dtype = images.dtype if torch.is_tensor(images) else type(images).__name__
        raise ValueError(f"images must be a float tensor (the output of Normalize), got {dtype}")
    if images.ndim not in (3, 4):
        raise ValueError(f"images must have shape C×H×W or N×C×H×W, got {tuple(images.shape)}")
    channels = images.shape[-3]
    mean_t = _per_channel(mean, "mean", channels, images)
    std_t = _per_channel(std, "std", channels, images)
    return images * std_t + mean_t


def _per_channel(values, name: str, channels: int, like: torch.Tensor) -> torch.Tensor:
    values = torch.as_tensor(values, dtype=like.dtype, device=like.device).flatten()
    if len(values) not in (1, channels):
        raise ValueError(f"{name} has {len(values)} values but the images have {channels} channels")
    return values.expand(channels).reshape(channels, 1, 1)
