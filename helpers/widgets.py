"""02's live explorer: sliders that show what an augmentation does to a digit, redrawn in a few milliseconds."""

from __future__ import annotations

import io
from collections.abc import Sequence

import ipywidgets as widgets
import matplotlib
import numpy as np
import torch
from PIL import Image as PILImage

from helpers.explorer_base import Explorer
from helpers.plotting.images import show_images
from helpers.transforms import INTERPOLATION_NAMES, FusedAugment
from helpers.validation import check_int

__all__ = ["AugmentationExplorer"]

COLOUR_MAP = "RdBu_r"  # −1 … 0 … +1 drawn blue … white … red: Normalize's shift of the background shows
COLOUR_SCALE = "pixel value: −1 blue · 0 white · +1 red"  # the colour scale in words, at the end of each caption


class AugmentationExplorer(Explorer):
    """Sliders for the lecture's augmentation of one digit (``FusedAugment.apply``), redrawn on every change.

    The controls: a digit dropdown, the angle (degrees), the translation (pixels right/down, the lecture's crop
    offset), an extra scale on top of the lecture's 32/28 zoom, the interpolation and a ``Normalize`` toggle. The
    picture: original | augmented, on a fixed −1…+1 colour scale, drawn straight from the pixels.

    >>> images, labels = load_mnist()
    >>> explorer = AugmentationExplorer(images, labels, choices=[0, 500, 1000])
    >>> explorer.set(angle=20)  # what moving the slider does
    >>> explorer.caption.startswith("angle +20°")
    True
    """

    def __init__(self, images: torch.Tensor, labels: torch.Tensor | Sequence[int] | None = None,
                 choices: Sequence[int] | None = None, mean: Sequence[float] = (0.5,), std: Sequence[float] = (0.5,),
                 resize: int = 32, crop: int = 28, pixel_size: int = 6) -> None:
        images = torch.as_tensor(images).detach().cpu()  # the explorer draws on the CPU
        if images.dtype != torch.uint8 or images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[1] != 1):
            raise ValueError(f"images must be uint8 grey digits N×H×W or N×1×H×W, got {images.dtype} "
                             f"{tuple(images.shape)}")
        if len(mean) != 1 or len(std) != 1:
            raise ValueError(f"mean={tuple(mean)} and std={tuple(std)} need exactly one value each (grey images)")
        check_int("pixel_size", pixel_size)
        self.images = images.reshape(len(images), 1, *images.shape[-2:])
        choices = list(range(min(10, len(images)))) if choices is None else [int(c) for c in choices]
        if not choices or min(choices) < 0 or max(choices) >= len(images):
            raise ValueError(f"choices must be a non-empty list of indices in 0…{len(images) - 1}")
        self.augment = FusedAugment(degrees=0, resize=resize, crop=crop)
        self.mean, self.std, self.pixel_size = float(mean[0]), float(std[0]), pixel_size
        names = [f"#{i}" if labels is None else f"digit {int(labels[i])} (#{i})" for i in choices]
        shift = self.augment.resize - self.augment.crop
        self.controls = {
            "digit": widgets.Dropdown(options=list(zip(names, choices, strict=True)), value=choices[0],
                                      description="digit"),
            "angle": widgets.FloatSlider(value=0, min=-45, max=45, step=1, description="angle (°)"),
            "shift_x": widgets.FloatSlider(value=0, min=-shift, max=shift, step=0.5, description="shift x (px)"),
            "shift_y": widgets.FloatSlider(value=0, min=-shift, max=shift, step=0.5, description="shift y (px)"),
            "scale": widgets.FloatSlider(value=1.0, min=0.6, max=1.6, step=0.05, description="scale ×"),
            "interpolation": widgets.Dropdown(options=INTERPOLATION_NAMES, value="bilinear",
                                              description="interpolation"),
            "normalize": widgets.Checkbox(value=False, description=f"Normalize({self.mean:g}, {self.std:g})"),
        }
        self._start_widget()

    def image(self, digit: int, angle: float = 0.0, shift_x: float = 0.0, shift_y: float = 0.0,
              scale: float = 1.0, interpolation: str = "bilinear", normalize: bool = False) -> torch.Tensor:
        """The augmented digit ``1×crop×crop`` for these slider values (normalized if asked)."""
        batch = self.images[digit: digit + 1].float().div_(255)
        out = self.augment.apply(batch, angle, (shift_x, shift_y), scale, interpolation=interpolation)[0]
        return (out - self.mean) / self.std if normalize else out

    def render(self, **values: object) -> tuple[bytes, str]:
        """PNG bytes (original | augmented) and a caption line for these slider values."""
        augmented = self.image(**values)
        original = self._original(values["digit"], values.get("normalize"))
        png = _png([original[0].detach().cpu().numpy(), augmented[0].detach().cpu().numpy()], self.pixel_size)
        caption = (f"angle {values.get('angle', 0):+.0f}°, shift ({values.get('shift_x', 0):+.1f}, "
                   f"{values.get('shift_y', 0):+.1f}) px, scale {values.get('scale', 1):.2f} × "
                   f"{self.augment.resize}/{self.augment.crop}, {values.get('interpolation', 'bilinear')}"
                   f" · values {float(augmented.min()):+.2f}…{float(augmented.max()):+.2f}"
                   f"{' (normalized)' if values.get('normalize') else ''} · {COLOUR_SCALE}")
        return png, caption

    def preview(self, angles: Sequence[float] = (-30, -15, 0, 15, 30), size: float | None = None,
                normalize: bool | None = None):
        """A static picture of the explorer (the digit at a few angles), for slides where widgets do not run.

        Drawn with the current slider values; ``normalize`` overrides the ``Normalize`` toggle (``None`` keeps it).
        Normalized values are drawn on a −1…+1 scale, others on 0…1 — the colour bar states which.

        >>> import matplotlib.pyplot as plt
        >>> images, labels = load_mnist()
        >>> explorer = AugmentationExplorer(images, labels, choices=[0, 500])  # outside a notebook: nothing shown
        >>> fig = explorer.preview(angles=(0, 30), normalize=True)
        >>> fig.axes[0].images[0].get_clim(), fig.axes[-1].get_ylabel()
        ((-1.0, 1.0), 'normalized pixel value (−1…+1)')
        >>> plt.close(fig)
        """
        values = self.values()
        if normalize is not None:
            values["normalize"] = bool(normalize)
        original = self._original(values["digit"], values["normalize"])
        shown = [original] + [self.image(**{**values, "angle": angle}) for angle in angles]
        titles = ["original"] + [f"rotated {angle:+.0f}°" for angle in angles]
        scale, label = ((-1, 1), "normalized pixel value (−1…+1)") if values["normalize"] else \
            ((0, 1), "pixel value (0…1, not normalized)")
        return show_images(shown, titles=titles, ncols=len(shown), size=size, colorbar=label,
                           value_range=scale, suptitle="the explorer at a few angles (interactive in the lab view)")

    def _original(self, digit: int, normalize: bool) -> torch.Tensor:
        """The digit ``1×H×W`` as it is, in 0…1 (normalized if asked)."""
        original = self.images[digit].float().div(255)
        return (original - self.mean) / self.std if normalize else original


def _png(panels: Sequence[np.ndarray], pixel_size: int) -> bytes:
    """Panels with values in −1…1 drawn side by side with ``COLOUR_MAP``, each pixel a square, as PNG bytes."""
    colour = matplotlib.colormaps[COLOUR_MAP]
    gap = np.ones((panels[0].shape[0], 1, 4))
    row = [np.concatenate([colour((np.clip(p, -1, 1) + 1) / 2), gap], axis=1) for p in panels]
    rgb = (np.concatenate(row, axis=1)[:, :-1, :3] * 255).astype(np.uint8)
    rgb = rgb.repeat(pixel_size, axis=0).repeat(pixel_size, axis=1)
    buffer = io.BytesIO()
    PILImage.fromarray(rgb).save(buffer, format="png")
    return buffer.getvalue()
