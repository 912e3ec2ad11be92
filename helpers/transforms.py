"""Augmentation: the lecture's torchvision pipelines, a fused batched version, and image-quality scores."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torchvision import transforms as v1
from torchvision.transforms import InterpolationMode, v2
from torchvision.transforms.v2 import functional as TF

from helpers.images import as_pil
from helpers.validation import check_choice, check_generator, check_in_range, check_int, check_type

__all__ = ["angle_range", "apply_each", "FusedAugment", "INTERPOLATION_NAMES", "jaggedness", "lecture_steps",
           "lecture_transform", "sharpness"]

INTERPOLATION_NAMES = ("nearest", "bilinear", "bicubic")
LECTURE_MEAN, LECTURE_STD = (0.5,), (0.5,)


def angle_range(degrees: float | Sequence[float]) -> tuple[float, float]:
    """``degrees`` as ``RandomRotation`` reads it: ``30`` means ``(-30, 30)``; a pair is ``(min, max)``.

    >>> angle_range(30), angle_range((-10, 20))
    ((-30.0, 30.0), (-10.0, 20.0))
    """
    if isinstance(degrees, numbers.Real) and not isinstance(degrees, bool):
        check_in_range("degrees", degrees, 0, math.inf)  # one number d means (-d, d)
        return -float(degrees), float(degrees)
    check_type("degrees", degrees, (tuple, list), "one number or a (min, max) pair")
    if len(degrees) != 2:
        raise ValueError(f"degrees={degrees!r} has {len(degrees)} values; allowed: one number or a (min, max) pair")
    low, high = float(degrees[0]), float(degrees[1])
    if low > high:
        raise ValueError(f"degrees={degrees!r}: the minimum {low} exceeds the maximum {high}; allowed: min ≤ max")
    return low, high


def _check_sizes(resize: int, crop: int) -> None:
    check_int("resize", resize)
    check_int("crop", crop)
    if crop > resize:
        raise ValueError(f"crop={crop} is larger than the resized image (resize={resize}); allowed: crop ≤ resize")


def _check_mean_std(mean: Sequence[float], std: Sequence[float]) -> None:
    if len(mean) not in (1, 3) or len(std) != len(mean):
        raise ValueError(f"mean={tuple(mean)} and std={tuple(std)} need one value per channel: "
                         "allowed 1 (grey) or 3 (RGB) values each, the same number for both")
    for channel, value in enumerate(std):
        check_in_range(f"std[{channel}]", value, 0, math.inf, low_closed=False)


def lecture_transform(split: str = "train", api: str = "v2", interpolation: str = "bilinear", resize: int = 32,
                      crop: int = 28, degrees: float | Sequence[float] = 30, mean: Sequence[float] = LECTURE_MEAN,
                      std: Sequence[float] = LECTURE_STD, match_v1: bool = False) -> v1.Compose | v2.Compose:
    """The lecture's MNIST pipeline for PIL images: train (random) or test (deterministic).

    train: ``Resize((32, 32))`` → ``RandomCrop((28, 28))`` → ``RandomRotation(30)`` → to float → ``Normalize``;
    test: ``Resize((32, 32))`` → ``CenterCrop((28, 28))`` → to float → ``Normalize`` (same scale, no randomness).

    "To float" is ``ToTensor()`` (``api="v1"``, divides by 255) or ``ToImage()`` + ``ToDtype(torch.float32,
    scale=True)`` (multiplies by ``1/255`` in float32: the last bit differs for 126 of the 256 byte values);
    ``match_v1=True`` converts through float64 (rounding once), which gives exactly ``ToTensor``'s values.

    >>> test = lecture_transform("test")
    >>> test(Image.fromarray(load_mnist()[0][0].numpy())).shape
    torch.Size([1, 28, 28])
    """
    check_choice("split", split, ("train", "test"))
    check_choice("api", api, ("v1", "v2"))
    check_choice("interpolation", interpolation, INTERPOLATION_NAMES)
    low, high = angle_range(degrees)
    _check_sizes(resize, crop)
    _check_mean_std(mean, std)
    T = v2 if api == "v2" else v1
    steps = [T.Resize((resize, resize))]
    if split == "train":
        steps += [T.RandomCrop((crop, crop)),
                  T.RandomRotation((low, high), interpolation=InterpolationMode(interpolation))]
    else:
        steps += [T.CenterCrop((crop, crop))]
    if api == "v1":
        steps += [v1.ToTensor()]
    elif match_v1:
        steps += [v2.ToImage(), v2.ToDtype(torch.float64, scale=True), v2.ToDtype(torch.float32)]
    else:
        steps += [v2.ToImage(), v2.ToDtype(torch.float32, scale=True)]
    return T.Compose([*steps, T.Normalize(tuple(mean), tuple(std))])


def apply_each(transform: Callable, images: torch.Tensor | Sequence) -> torch.Tensor:
    """Run ``transform`` on each uint8 image (as a PIL image, like ``ImageDataset``) and stack the results.

    >>> apply_each(lecture_transform("test"), load_mnist()[0][:10]).shape
    torch.Size([10, 1, 28, 28])
    """
    check_type("transform", transform, Callable, "callable (e.g. lecture_transform('test'))")
    if len(images) == 0:
        raise ValueError("images is empty; give at least one image")
    return torch.stack([transform(as_pil(image, "images[k]")) for image in images])


def lecture_steps(image: torch.Tensor | np.ndarray | Image.Image, angle: float = 0.0,
                  translate: tuple[int, int] = (0, 0), resize: int = 32, crop: int = 28,
                  interpolation: str = "bilinear") -> torch.Tensor:
    """The lecture's train steps with fixed parameters; a float image ``C×crop×crop`` in ``[0, 1]``.

    ``Resize((resize, resize))`` → the crop that moves the content ``translate = (right, down)`` pixels from the
    centre crop (``RandomCrop`` draws whole pixels in ``±(resize - crop) / 2``) → rotate by ``angle`` degrees
    counter-clockwise: each a separate resampling, as in the lecture.

    >>> lecture_steps(load_mnist()[0][0], angle=15, translate=(1, -2)).shape
    torch.Size([1, 28, 28])
    """
    check_choice("interpolation", interpolation, INTERPOLATION_NAMES)
    _check_sizes(resize, crop)
    pil = as_pil(image)
    if len(translate) != 2:
        raise ValueError(f"translate={tuple(translate)} must be a (right, down) pair of whole pixels")
    centre = int(round((resize - crop) / 2))  # where CenterCrop puts the window
    left, top = (centre - int(t) for t in translate)
    if any(t != int(t) for t in translate) or not (0 <= left <= resize - crop and 0 <= top <= resize - crop):
        raise ValueError(f"translate={tuple(translate)} must be whole pixels in {centre - (resize - crop)}…{centre} "
                         f"(the crop window must stay inside the {resize}×{resize} resized image)")
    out = TF.resize(pil, [resize, resize])
    out = TF.crop(out, top, left, crop, crop)
    out = TF.rotate(out, float(angle), interpolation=InterpolationMode(interpolation))
    return TF.to_dtype(TF.to_image(out), torch.float32, scale=True)


class FusedAugment:
    """The lecture's random rotation + translation (+ optional scale) as one resampling of a whole batch.

    Per sample it draws what the lecture pipeline draws (an angle uniform on ``degrees``; whole pixels in
    ``±(resize - crop) / 2`` for ``Resize(resize)`` + ``RandomCrop(crop)``) and a zoom uniform on ``scale``,
    composes them into one affine matrix and resamples the batch once with ``grid_sample`` on its device, so
    each image is interpolated once, not twice. A batch ``N×C×H×W`` (C = 1 or 3; float in ``[0, 1]`` or uint8)
    becomes float ``N×C×crop×crop`` in ``[0, 1]``, normalized when ``mean``/``std`` are given; ``fill`` (on the
    ``[0, 1]`` scale; 0 = black, as the lecture's rotation) fills outside the image.

    >>> augment = FusedAugment(mean=(0.5,), std=(0.5,))
    >>> batch = load_mnist()[0][:64, None].float() / 255
    >>> augment(batch, torch.Generator().manual_seed(0)).shape
    torch.Size([64, 1, 28, 28])
    >>> augment.apply(batch, angle=30.0, translate=(2, 0)).shape  # fixed parameters
    torch.Size([64, 1, 28, 28])
    """

    def __init__(self, degrees: float | Sequence[float] = 30, resize: int = 32, crop: int = 28,
                 scale: Sequence[float] = (1.0, 1.0), interpolation: str = "bilinear", fill: float = 0.0,
                 mean: Sequence[float] | None = None, std: Sequence[float] | None = None) -> None:
        self.degrees = angle_range(degrees)
        _check_sizes(resize, crop)
        if len(scale) != 2 or not 0 < scale[0] <= scale[1]:
            raise ValueError(f"scale={tuple(scale)!r} must be a (min, max) pair with 0 < min ≤ max")
        check_choice("interpolation", interpolation, INTERPOLATION_NAMES)
        if (mean is None) != (std is None):
            raise ValueError("mean and std must be given together (or both left out: no normalization)")
        if mean is not None:
            _check_mean_std(mean, std)
        self.resize, self.crop, self.scale = resize, crop, (float(scale[0]), float(scale[1]))
        self.interpolation, self.fill = interpolation, float(fill)
        self.mean, self.std = (tuple(mean), tuple(std)) if mean is not None else (None, None)
        self._base_grids: dict[tuple, torch.Tensor] = {}

    def __repr__(self) -> str:
        return (f"FusedAugment(degrees={self.degrees}, resize={self.resize}, crop={self.crop}, scale={self.scale}, "
                f"interpolation={self.interpolation!r}, fill={self.fill}, mean={self.mean}, std={self.std})")

    @property
    def centre(self) -> int:
        """Offset of ``CenterCrop``'s window, as torchvision rounds it: 2 for 32 → 28."""
        return int(round((self.resize - self.crop) / 2))

    def sample_params(self, n: int, generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
        """``n`` angles (degrees), whole-pixel translations ``n×2`` (right, down) and scales (generator's device)."""
        check_generator("generator", generator)
        device = generator.device if generator is not None else torch.device("cpu")
        low, high = self.degrees
        angle = low + (high - low) * torch.rand(n, generator=generator, device=device)
        window = torch.randint(0, self.resize - self.crop + 1, (n, 2), generator=generator, device=device)
        translate = (self.centre - window).float()
        scale = torch.full((n,), self.scale[0], device=device)  # a fixed zoom when min == max
        if self.scale[0] != self.scale[1]:
            scale = self.scale[0] + (self.scale[1] - self.scale[0]) * torch.rand(n, generator=generator,
                                                                                  device=device)
        return {"angle": angle, "translate": translate, "scale": scale}

    def matrices(self, angle: torch.Tensor | float, translate: torch.Tensor | Sequence[float] = (0.0, 0.0),
                 scale: torch.Tensor | float = 1.0, n: int = 1) -> torch.Tensor:
        """The ``n×2×3`` matrices (``affine_grid``'s ``theta``) that map output to input coordinates.

        All the lecture's steps: enlarge to ``resize×resize`` (times ``scale``), shift the window ``translate``
        pixels (right, down) from the centre crop, rotate ``angle``° counter-clockwise. Coordinates run −1…1
        across the image, so the input's own size drops out.

        >>> FusedAugment().matrices(angle=0.0)  # no rotation, no shift: a zoom by 32/28
        tensor([[[0.8750, -0.0000, 0.0000],
                 [0.0000, 0.8750, 0.0000]]])
        """
        angle = torch.as_tensor(angle, dtype=torch.float32).reshape(-1).expand(n)
        scale = torch.as_tensor(scale, dtype=torch.float32, device=angle.device).reshape(-1).expand(n)
        translate = torch.as_tensor(translate, dtype=torch.float32, device=angle.device).reshape(-1, 2).expand(n, 2)
        radians = torch.deg2rad(angle)
        cos, sin = torch.cos(radians), torch.sin(radians)
        window = (self.centre - (self.resize - self.crop) / 2) - translate  # window offset from the exact centre
        shift = window * (2 / self.crop)
        theta = torch.stack([cos, -sin, shift[:, 0], sin, cos, shift[:, 1]], -1)
        return (theta * (self.crop / (self.resize * scale)).unsqueeze(1)).view(n, 2, 3)

    def _grid(self, theta: torch.Tensor) -> torch.Tensor:
        """``F.affine_grid(theta, (N, C, crop, crop), align_corners=False)`` as one matrix product (10× faster)."""
        key = (theta.device, theta.dtype)
        if key not in self._base_grids:
            steps = (torch.arange(self.crop, device=theta.device, dtype=theta.dtype) * 2 + 1) / self.crop - 1
            y, x = torch.meshgrid(steps, steps, indexing="ij")
            self._base_grids[key] = torch.stack([x.flatten(), y.flatten(), torch.ones_like(x).flatten()])
        n = len(theta)
        return (theta.reshape(n * 2, 3) @ self._base_grids[key]).reshape(n, 2, self.crop, self.crop).permute(0, 2, 3, 1)

    def _check_batch(self, batch: torch.Tensor) -> None:
        check_type("batch", batch, torch.Tensor, "an image tensor N×C×H×W (e.g. torch.stack(images))")
        if batch.ndim != 4 or not (batch.is_floating_point() or batch.dtype == torch.uint8):
            raise ValueError("batch must be an image tensor N×C×H×W, float with values in [0, 1] or uint8, "
                             f"got {batch.dtype} {tuple(batch.shape)}")
        if batch.shape[1] not in (1, 3):
            raise ValueError(f"batch has {batch.shape[1]} channels; allowed: 1 (grey) or 3 (RGB)")
        if self.mean is not None and len(self.mean) != batch.shape[1]:
            raise ValueError(f"mean has {len(self.mean)} values but batch has {batch.shape[1]} channels")

    def apply(self, batch: torch.Tensor, angle: torch.Tensor | float,
              translate: torch.Tensor | Sequence[float] = (0.0, 0.0), scale: torch.Tensor | float = 1.0,
              interpolation: str | None = None) -> torch.Tensor:
        """Resample ``batch`` once with given parameters (one value for all, or one per sample), as ``matrices``.

        ``translate`` is in pixels of the enlarged image; ``interpolation`` overrides the one of the constructor.
        """
        self._check_batch(batch)
        mode = self.interpolation if interpolation is None else interpolation
        check_choice("interpolation", mode, INTERPOLATION_NAMES)
        n, device = len(batch), batch.device
        theta = self.matrices(torch.as_tensor(angle, device=device), torch.as_tensor(translate, device=device),
                              torch.as_tensor(scale, device=device), n)
        # Normalize is folded around the resampling (which is linear): a scale before, a shift after
        gain, before, after = self._normalize_terms(batch)
        source = batch
        if batch.dtype == torch.uint8 or not _is_value(gain, 1.0):
            source = batch * gain  # uint8 × float gives float: conversion, /255 and /std in one pass
        if not _is_value(before, 0.0):
            source = source + before
        out = F.grid_sample(source, self._grid(theta.to(source.dtype)), mode=mode, padding_mode="zeros",
                            align_corners=False)
        return out if _is_value(after, 0.0) else out.add_(after)

    def _normalize_terms(self, batch: torch.Tensor) -> tuple:
        """Per channel (scalars when all agree): ``((x / unit) - mean) / std = x * gain + before + after``.

        ``gain`` and ``before`` apply to the input, ``after`` to the output: padding lands on ``(fill - mean) / std``.
        """
        channels = batch.shape[1]
        mean, std = (self.mean, self.std) if self.mean is not None else ((0.0,), (1.0,))
        mean, std = (mean * channels, std * channels) if len(mean) == 1 else (mean, std)
        unit = 255.0 if batch.dtype == torch.uint8 else 1.0
        terms = [[1 / (unit * s) for s in std], [-self.fill / s for s in std],
                 [(self.fill - m) / s for m, s in zip(mean, std, strict=True)]]
        return tuple(values[0] if len(set(values)) == 1 else
                     torch.tensor(values, dtype=torch.float32, device=batch.device).view(1, -1, 1, 1)
                     for values in terms)

    def __call__(self, batch: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """Augment ``batch`` (``N×C×H×W``, float in ``[0, 1]`` or uint8) with fresh random parameters per sample."""
        self._check_batch(batch)  # sample_params checks the generator
        return self.apply(batch, **self.sample_params(len(batch), generator))


def _is_value(term: float | torch.Tensor, value: float) -> bool:
    return isinstance(term, float) and term == value


def _gray_batch(images: torch.Tensor, name: str) -> torch.Tensor:
    check_type(name, images, torch.Tensor, "a float tensor H×W, N×H×W or N×C×H×W")
    if not images.is_floating_point() or images.ndim not in (2, 3, 4):
        raise ValueError(f"{name} must be float images H×W, N×H×W or N×C×H×W, got {images.dtype} "
                         f"{tuple(images.shape)}")
    if images.ndim == 4 and images.shape[1] not in (1, 3):
        raise ValueError(f"{name} has {images.shape[1]} channels; allowed: 1 (grey) or 3 (RGB)")
    images = images.reshape(-1, 1, *images.shape[-2:]) if images.ndim < 4 else images
    return images.mean(dim=1, keepdim=True)


_SOBEL = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]) / 8


def _gradients(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    kernel = torch.stack([_SOBEL, _SOBEL.T]).unsqueeze(1).to(images)
    g = F.conv2d(F.pad(images, (1, 1, 1, 1), mode="replicate"), kernel)  # replicate: no edge at the border
    return g[:, 0], g[:, 1]


def sharpness(images: torch.Tensor) -> torch.Tensor:
    """Edge sharpness per image: the mean squared (Sobel) gradient. Blurring lowers it.

    >>> digit = load_mnist()[0][:1].float() / 255
    >>> bool(sharpness(digit) > sharpness(torch.nn.functional.avg_pool2d(digit, 3, 1, 1)))
    True
    """
    gx, gy = _gradients(_gray_batch(images, "images"))
    return (gx**2 + gy**2).mean(dim=(-2, -1))


def jaggedness(images: torch.Tensor, sigma: float = 1.0) -> torch.Tensor:
    """Staircase score per image: how much the intensity changes *along* edges, relative to across them.

    On edge pixels, ``|gradient · edge direction|`` summed over ``|gradient|`` summed, the direction taken from a
    Gaussian-smoothed copy (``sigma`` pixels). A smooth edge's gradient points straight across it; a staircase
    makes it swing from side to side and scores high; blur alone does not change the ratio.

    >>> jaggedness(load_mnist()[0][:1].float() / 255).shape
    torch.Size([1])
    """
    check_in_range("sigma", sigma, 0, math.inf, low_closed=False)
    images = _gray_batch(images, "images")
    radius = max(1, math.ceil(3 * sigma))
    t = torch.arange(-radius, radius + 1, dtype=images.dtype, device=images.device)
    w = torch.exp(-(t**2) / (2 * sigma**2))
    w = w / w.sum()
    padded = F.pad(images, (radius, radius, radius, radius), mode="replicate")
    smooth = F.conv2d(F.conv2d(padded, w.view(1, 1, 1, -1)), w.view(1, 1, -1, 1))
    gx, gy = _gradients(images)
    sx, sy = _gradients(smooth)
    strength = torch.sqrt(sx**2 + sy**2)
    on_edge = strength > 0.1 * strength.amax(dim=(-2, -1), keepdim=True).clamp_min(1e-12)
    along = (gx * -sy + gy * sx).abs() / strength.clamp_min(1e-12)
    across = torch.sqrt(gx**2 + gy**2)
    return (along * on_edge).sum(dim=(-2, -1)) / (across * on_edge).sum(dim=(-2, -1)).clamp_min(1e-12)
