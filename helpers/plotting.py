"""Plots shared by the notebooks: image grids (more picture kinds are added per notebook).

Used in every notebook, first in 00_start_here.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

from helpers.standardization import denormalize


def to_display(
    image: torch.Tensor | np.ndarray,
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
) -> np.ndarray:
    """Turn one image into an ``H×W`` or ``H×W×3`` float array in ``[0, 1]`` for ``imshow``.

    Accepts ``uint8`` (0…255) or float (0…1) images, channels first (tensor ``C×H×W``)
    or last (array ``H×W×C``), or plain ``H×W``. A normalized image is mapped back
    with the exact inverse of ``Normalize(mean, std)`` — not min–max rescaling, which
    would hide what normalization did.

    Example:
        >>> to_display(torch.zeros(1, 28, 28, dtype=torch.uint8)).shape
        (28, 28)
    """
    x = torch.as_tensor(np.asarray(image)) if not torch.is_tensor(image) else image.detach().cpu()
    if x.ndim == 3 and x.shape[-1] in (1, 3) and x.shape[0] not in (1, 3):
        x = x.permute(2, 0, 1)
    if x.ndim == 2:
        x = x.unsqueeze(0)
    if x.ndim != 3 or x.shape[0] not in (1, 3):
        raise ValueError(f"image must be H×W, 1×H×W, 3×H×W or H×W×3, got shape {tuple(x.shape)}")
    if x.dtype == torch.uint8:
        x = x.float() / 255
    elif mean is not None or std is not None:
        if mean is None or std is None:
            raise ValueError("mean and std must be given together to undo Normalize")
        x = denormalize(x.float(), mean, std)
    elif x.min() < -1e-6 or x.max() > 1 + 1e-6:
        raise ValueError(
            f"float image values lie in [{x.min():.2f}, {x.max():.2f}], outside [0, 1]; "
            "pass the mean and std of its Normalize to show it"
        )
    x = x.float().clamp(0, 1)
    return x[0].numpy() if x.shape[0] == 1 else x.permute(1, 2, 0).numpy()


def show_images(
    images: Sequence | torch.Tensor,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
    size: float = 1.4,
    suptitle: str | None = None,
) -> plt.Figure:
    """Show images in a grid, each with an optional title; returns the figure.

    Handles 1- and 3-channel images, ``uint8`` or float, and normalized tensors
    (give the ``mean`` and ``std`` of their ``Normalize``).

    Example:
        >>> images, labels = load_mnist()
        >>> fig = show_images(images[:8], titles=[str(int(y)) for y in labels[:8]])

    Used in every notebook, first in 00_start_here.
    """
    if len(images) == 0:
        raise ValueError("images is empty; give at least one image")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles has {len(titles)} entries but there are {len(images)} images")
    if ncols < 1:
        raise ValueError(f"ncols={ncols} must be at least 1")
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.3 * bool(suptitle)),
                             squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k >= len(images):
            continue
        shown = to_display(images[k], mean, std)
        ax.imshow(shown, cmap="gray" if shown.ndim == 2 else None, vmin=0, vmax=1)
        if titles is not None:
            ax.set_title(titles[k], fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig
