"""One image-format converter: any image the course handles (PIL, tensor, array) as a numpy array, channels last;
drawing (``helpers.plotting.to_display``) and the PIL steps of ``helpers.transforms`` start from it."""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image

__all__ = ["as_pil", "image_array"]

CHANNELS = (1, 3)  # grey or RGB


def image_array(image: torch.Tensor | np.ndarray | Image.Image, name: str = "image") -> np.ndarray:
    """``image`` as a numpy array ``H×W`` (grey) or ``H×W×3`` (colour), values and dtype unchanged.

    Accepts a PIL image, a tensor (on any device) or an array, ``H×W``, ``1×H×W``, ``3×H×W``, ``H×W×1`` or
    ``H×W×3``; where both ends could be channels a tensor is read channels first (torch's layout), an array
    channels last (numpy's). The input is never modified.

    >>> image_array(torch.zeros(1, 28, 28, dtype=torch.uint8)).shape, image_array(np.zeros((5, 7, 3))).shape
    ((28, 28), (5, 7, 3))
    """
    if isinstance(image, Image.Image):
        array = np.asarray(image)
    elif torch.is_tensor(image):
        array = image.detach().cpu().as_subclass(torch.Tensor).numpy()
    elif isinstance(image, np.ndarray):
        array = image
    else:
        raise TypeError(f"{name} must be a tensor, a numpy array or a PIL image, got {type(image).__name__}")
    if array.ndim == 3:
        first, last = array.shape[0] in CHANNELS, array.shape[-1] in CHANNELS
        channels_first = first and (not last or torch.is_tensor(image))
        if channels_first:
            array = np.moveaxis(array, 0, -1)
        elif not last:
            array = array[:0]  # neither end holds channels: reported below
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3) or array.size == 0 or (array.ndim == 3 and array.shape[-1] != 3):
        raise ValueError(f"{name} must be an image H×W, 1×H×W, 3×H×W, H×W×1 or H×W×3, "
                         f"got shape {tuple(np.shape(image))}")
    return array


def as_pil(image: torch.Tensor | np.ndarray | Image.Image, name: str = "image") -> Image.Image:
    """``image`` as a PIL image (what torchvision's v1 transforms and ``ImageDataset`` hand out).

    A PIL image is returned as it is; tensors and arrays must hold ``uint8`` values 0…255.

    >>> as_pil(torch.zeros(1, 28, 28, dtype=torch.uint8)).size
    (28, 28)
    """
    if isinstance(image, Image.Image):
        return image
    try:
        array = image_array(image, name)
    except ValueError:
        array = None
    if array is None or array.dtype != np.uint8:
        dtype = str(getattr(image, "dtype", type(image).__name__)).replace("torch.", "")
        raise ValueError(f"{name} must be a uint8 image H×W, 1×H×W, 3×H×W or H×W×3 (or a PIL image), "
                         f"got {dtype} with shape {tuple(np.shape(image))}")
    return Image.fromarray(np.ascontiguousarray(array))
