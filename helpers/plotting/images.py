"""Pictures of images: grids with row and column labels, the pipeline inspector, original/augmented
pairs, nearest vs bilinear interpolation and digits with the predictions of several models."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.gridspec import SubplotSpec
from matplotlib.image import AxesImage
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from PIL import Image

from helpers.images import image_array
from helpers.plotting.style import COLORS, MAX_FIGURE_SIZE, MIN_FONT_SIZE, course_figure
from helpers.standardization import denormalize
from helpers.validation import check_int

__all__ = ["draw_predicted_digits", "show_augmented_pairs", "show_images", "show_nearest_vs_bilinear",
           "show_pipeline_steps", "to_display"]

TITLE_HEIGHT = 0.25  # inches above an image per line of its 12-pt title (line and padding)
CHAR_WIDTH = 0.11  # inches per character of 12-pt text: how wide an image must be for its title to fit


def to_display(image: torch.Tensor | np.ndarray | Image.Image, mean: Sequence[float] | None = None,
               std: Sequence[float] | None = None) -> np.ndarray:
    """Turn one image into an ``H×W`` or ``H×W×3`` float array in ``[0, 1]`` for ``imshow``.

    Takes ``uint8`` (0…255) or float (0…1) images, channels first or last (``helpers.images.image_array``).
    A normalized image is mapped back with the exact inverse of ``Normalize(mean, std)`` — not min–max
    rescaling, which would hide what normalization did.

    >>> to_display(torch.zeros(1, 28, 28, dtype=torch.uint8)).shape
    (28, 28)
    """
    array = image_array(image)
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255
    x = np.asarray(array, dtype=np.float32)
    if mean is not None or std is not None:
        if mean is None or std is None:
            raise ValueError("mean and std must be given together to undo Normalize")
        channels_first = torch.from_numpy(np.ascontiguousarray(np.moveaxis(np.atleast_3d(x), -1, 0)))
        restored = denormalize(channels_first, mean, std).float().numpy()
        x = restored[0] if x.ndim == 2 else np.moveaxis(restored, 0, -1)
    elif x.min() < -1e-6 or x.max() > 1 + 1e-6:
        raise ValueError(f"float image values lie in [{x.min():.2f}, {x.max():.2f}], outside [0, 1]; pass the mean "
                         "and std of its Normalize to show it")
    return np.clip(x, 0, 1)


def _blank(ax: plt.Axes) -> None:
    """No ticks, no frame: an image panel that can still carry a y label (its row label)."""
    ax.set(xticks=[], yticks=[])
    ax.grid(False)
    ax.spines[:].set_visible(False)


def _shared_labels(titles: Sequence[str], nrows: int, ncols: int) -> tuple[list[str] | None, list[str] | None]:
    """Titles that repeat along every row (→ row labels) or every column (→ column labels), else ``None``s."""
    grid = [list(titles[r * ncols:(r + 1) * ncols]) for r in range(nrows)]
    if len(titles) == nrows * ncols and nrows > 1 and all(len(set(row)) == 1 for row in grid):
        return [row[0] for row in grid], None
    if len(titles) == nrows * ncols and nrows > 1 and all(len({row[c] for row in grid}) == 1 for c in range(ncols)):
        return None, grid[0]
    return None, None


def _balanced(text: str, width: int) -> str:
    """``text`` on one line if it fits ``width`` characters, else split at the space that balances two lines."""
    if len(text) <= width or "\n" in text or " " not in text:
        return text
    splits = [text[:i] + "\n" + text[i + 1:] for i, char in enumerate(text) if char == " "]
    return min(splits, key=lambda t: max(len(line) for line in t.split("\n")))


def _wrapped(texts: Sequence[str] | None, side: float) -> tuple[list[str] | None, int]:
    """``texts`` broken to fit ``side`` inches of 12-pt text, and the most lines any of them takes."""
    if not texts:
        return None if texts is None else list(texts), 0
    wrapped = [_balanced(str(t), int(side / CHAR_WIDTH)) for t in texts]
    return wrapped, max(t.count("\n") + 1 for t in wrapped)


def _fitted_titles(texts: Sequence[str] | None, size: float | None, nrows: int, ncols: int,
                   extra_lines: float) -> tuple[float, list[str] | None, int]:
    """Inches per image and the titles wrapped to fit it (titles of two lines take room from the images)."""
    side = _panel_size(size, nrows, ncols, bool(texts) + extra_lines)
    wrapped, lines = _wrapped(texts, side)
    if lines > 1:
        side = _panel_size(size, nrows, ncols, lines + extra_lines)
        wrapped, lines = _wrapped(texts, side)
    return side, wrapped, lines


def _panel_size(size: float | None, nrows: int, ncols: int, text_lines: float) -> float:
    """Inches per image: ``size`` (default 2.5) or less, so that the grid and its text lines fit a slide."""
    fill = min(MAX_FIGURE_SIZE[0] / ncols, (MAX_FIGURE_SIZE[1] - 0.1) / nrows - TITLE_HEIGHT * text_lines)
    return max(0.3, min(fill, 2.5 if size is None else size))


@course_figure
def show_images(images: Sequence | torch.Tensor, titles: Sequence[str] | None = None, ncols: int = 8,
                mean: Sequence[float] | None = None, std: Sequence[float] | None = None, size: float | None = None,
                suptitle: str | None = None, row_labels: Sequence[str] | None = None,
                col_labels: Sequence[str] | None = None, colorbar: str | None = None,
                value_range: tuple[float, float] | None = None, reference_x: float | None = None) -> plt.Figure:
    """Show images in a grid (at most 10 × 5.6 in: large grids get smaller images).

    ``mean``/``std``: those of the images' ``Normalize``, to undo it. ``titles`` (one per image) that merely repeat
    along every row or column become ``row_labels``/``col_labels``. ``size``: inches per image (default: the most
    the slide allows). ``colorbar="|difference| (pixel value)"`` draws grey images as *values*, on one colour
    scale with that label: diverging around 0 when there are negative values, else from 0 up (``value_range``
    fixes it). ``reference_x``: a vertical line at that pixel column on every image (to see a one-pixel shift).

    >>> digits = torch.randint(0, 256, (6, 28, 28), dtype=torch.uint8)
    >>> fig = show_images(digits, ncols=3, row_labels=["first", "second"])
    >>> [ax.get_ylabel() for ax in fig.axes[::3]]
    ['first', 'second']
    """
    if len(images) == 0:
        raise ValueError("images is empty; give at least one image")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles has {len(titles)} entries but there are {len(images)} images")
    check_int("ncols", ncols)
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    for name, labels, count in (("row_labels", row_labels, nrows), ("col_labels", col_labels, ncols)):
        if labels is not None and len(labels) != count:
            raise ValueError(f"{name} has {len(labels)} entries but the grid has {count}")
    if titles is not None and row_labels is None and col_labels is None:
        row_labels, col_labels = _shared_labels(titles, nrows, ncols)
        titles = None if row_labels is not None or col_labels is not None else titles
    label_width = CHAR_WIDTH * max([len(t) for t in row_labels or []] + [0]) + 1.2 * bool(colorbar)
    side, titles, lines = _fitted_titles(titles, size, nrows, ncols, (bool(col_labels) + bool(suptitle)) / nrows)
    side = min(side, (MAX_FIGURE_SIZE[0] - label_width) / ncols)
    col_labels, col_lines = _wrapped(col_labels, side)
    height = nrows * (side + TITLE_HEIGHT * lines) + TITLE_HEIGHT * (col_lines + bool(suptitle))
    fig, axes = plt.subplots(nrows, ncols, squeeze=False, figsize=(side * ncols + label_width, height))
    drawn = [_draw_value(ax, images[k]) if colorbar else _draw_picture(ax, images[k], mean, std)
             for k, ax in zip(range(len(images)), axes.flat, strict=False)]
    for k, ax in enumerate(axes.flat):
        _blank(ax)
        if k >= len(images):
            ax.set_visible(False)
            continue
        if titles is not None:
            ax.set_title(titles[k], fontsize=MIN_FONT_SIZE)
        if reference_x is not None:
            ax.axvline(reference_x, color=COLORS["highlight"], linewidth=1.5)
    for r, label in enumerate(row_labels or []):
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center")
    for c, label in enumerate(col_labels or []):
        axes[0, c].set_title(label, fontsize=MIN_FONT_SIZE, fontweight="bold" if label == "original" else "normal")
    if colorbar:
        _shared_colour_scale(fig, axes, drawn, colorbar, value_range)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def _draw_picture(ax: plt.Axes, image: object, mean: Sequence[float] | None, std: Sequence[float] | None):
    shown = to_display(image, mean, std)
    return ax.imshow(shown, cmap="gray" if shown.ndim == 2 else None, vmin=0, vmax=1)


def _draw_value(ax: plt.Axes, image: object):
    values = image_array(image).astype(np.float64)
    if values.ndim != 2:
        raise ValueError(f"colorbar draws one value per pixel: images must be grey (H×W or 1×H×W), got shape "
                         f"{tuple(np.shape(image))}")
    return ax.imshow(values)


def _shared_colour_scale(fig: plt.Figure, axes: np.ndarray, drawn: list, label: str,
                         value_range: tuple[float, float] | None) -> None:
    """One colour scale for all value images: diverging around 0 if any value (or the range) is negative."""
    if value_range is not None:
        low, high = (float(v) for v in value_range)
        if not low < high:
            raise ValueError(f"value_range={tuple(value_range)} must be (low, high) with low < high")
    else:
        low = min(float(im.get_array().min()) for im in drawn)
        high = max(float(im.get_array().max()) for im in drawn)
    if low < 0:
        reach = max(-low, high, 1e-12)
        cmap, limits = "RdBu_r", (-reach, reach)
    else:
        cmap, limits = "magma", (0.0, max(high, 1e-12))
    drawn[0].set_cmap(cmap)
    drawn[0].set_clim(*limits)
    for im in drawn[1:]:  # one scale: the same colour map and norm as the image the colour bar belongs to
        im.set_cmap(cmap)
        im.set_norm(drawn[0].norm)
    fig.colorbar(drawn[0], ax=axes.ravel().tolist(), label=label, shrink=0.9)


def _pipeline_view(value: object) -> tuple[np.ndarray, str, float, float, str]:
    """What ``show_pipeline_steps`` draws for one intermediate value: array, colour map, range, text."""
    if isinstance(value, Image.Image):
        array = image_array(value)
        return array, "gray", 0, 255, f"PIL {value.width}×{value.height}\nuint8\n{array.min()}…{array.max()}"
    if not torch.is_tensor(value) or value.ndim not in (2, 3):
        raise ValueError(f"a pipeline step returned {type(value).__name__}; show_pipeline_steps shows PIL images "
                         "and image tensors C×H×W only")
    x = value.detach().cpu().as_subclass(torch.Tensor)
    shape = "×".join(str(s) for s in x.shape)
    low, high = float(x.min()), float(x.max())
    array = image_array(x)
    dtype = str(x.dtype).replace("torch.", "")
    if x.dtype == torch.uint8:
        cmap, vmin, vmax, text = "gray", 0, 255, f"{low:.0f}…{high:.0f}"
    elif low < 0:  # normalized: diverging, centred at 0
        reach = max(-low, high)
        cmap, vmin, vmax, text = "RdBu_r", -reach, reach, f"{low:+.2f}…{high:+.2f}"
    else:
        cmap, vmin, vmax, text = "gray", 0.0, max(1.0, high), f"{low:.2f}…{high:.2f}"
    if array.ndim == 3:  # colour: imshow needs values in 0…1
        array, cmap, vmin, vmax = np.clip((array - vmin) / (vmax - vmin), 0, 1), None, 0, 1
    return array, cmap, vmin, vmax, f"{type(value).__name__} {shape}\n{dtype}\n{text}"


@course_figure
def show_pipeline_steps(transform: object, image: object, seed: int = 0, size: float = 2.0) -> plt.Figure:
    """Pipeline inspector: ``image`` after every step of a (v1 or v2) ``Compose``, with type, shape, dtype and range.

    Random steps draw from torch's global generator, seeded with ``seed`` inside ``torch.random.fork_rng``:
    the figure is reproducible and your random state is left as it was. A normalized image is drawn on a
    diverging scale centred at 0, with its colour bar.

    >>> from torchvision.transforms import v2
    >>> fig = show_pipeline_steps(v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)]),
    ...                           Image.new("L", (28, 28)))
    >>> [ax.get_title() for ax in fig.axes]
    ['input', 'ToImage', 'ToDtype']
    """
    steps = getattr(transform, "transforms", None)
    if not isinstance(steps, Sequence) or not steps:
        raise ValueError(f"transform must be a torchvision Compose (v1 or v2) with at least one step, "
                         f"got {type(transform).__name__}")
    values = [("input", image)]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for step in steps:
            values.append((type(step).__name__, step(values[-1][1])))
    nrows = 1 if len(values) <= 4 else 2
    ncols = -(-len(values) // nrows)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols + 1.2, (size + 1.1) * nrows), squeeze=False)
    for ax in axes.flat[len(values):]:
        ax.set_visible(False)
    diverging = None
    for ax, (name, value) in zip(axes.flat, values, strict=False):
        array, cmap, vmin, vmax, text = _pipeline_view(value)
        shown = ax.imshow(array, cmap=cmap, vmin=vmin, vmax=vmax)
        ax.set(title=name, xlabel=text)
        _blank(ax)
        diverging = shown if cmap == "RdBu_r" else diverging
    if diverging is not None:
        fig.colorbar(diverging, ax=axes.ravel().tolist(), label="normalized value (blue < 0 < red)", shrink=0.7)
    return fig


@course_figure
def show_augmented_pairs(originals: Sequence | torch.Tensor, augmented: Sequence[Sequence] | torch.Tensor,
                         titles: Sequence[Sequence[str]] | None = None, mean: Sequence[float] | None = None,
                         std: Sequence[float] | None = None, size: float | None = None) -> plt.Figure:
    """Pairs grid: each original in the first column (labelled "original"), its augmented copies beside it.

    ``augmented[k]`` holds the copies of ``originals[k]`` (``mean``/``std``: their ``Normalize``'s, to undo it).
    ``titles[k][j]`` says what was done to copy ``j`` of row ``k``; without titles the columns read "copy j".
    ``size``: inches per image (default: as large as the slide allows).

    >>> digits = torch.randint(0, 256, (2, 28, 28), dtype=torch.uint8)
    >>> fig = show_augmented_pairs(digits, [[d.flip(-1)] for d in digits], titles=[["flipped"]] * 2)
    >>> [ax.get_title() for ax in fig.axes]
    ['original', 'flipped', '', 'flipped']
    """
    if len(originals) == 0 or len(originals) != len(augmented):
        raise ValueError(f"originals ({len(originals)}) and augmented ({len(augmented)}) need the same, "
                         "non-zero number of rows")
    copies = {len(row) for row in augmented}
    if len(copies) != 1 or 0 in copies:
        raise ValueError(f"every row of augmented needs the same, non-zero number of copies, got {sorted(copies)}")
    ncopies = copies.pop()
    if titles is not None and (len(titles) != len(originals) or any(len(row) != ncopies for row in titles)):
        raise ValueError(f"titles must have {len(originals)} rows of {ncopies} titles, like augmented")
    nrows, ncols = len(originals), ncopies + 1
    flat = [t for row in titles for t in row] if titles is not None else None
    side, flat, lines = _fitted_titles(flat, size, nrows, ncols, 1 / nrows)
    if flat is not None:
        titles = [flat[k * ncopies:(k + 1) * ncopies] for k in range(nrows)]
    fig, axes = plt.subplots(nrows, ncols, squeeze=False,
                             figsize=(side * ncols, nrows * (side + TITLE_HEIGHT * lines) + TITLE_HEIGHT))
    for k, row in enumerate(axes):
        _draw_picture(row[0], originals[k], None, None)
        for j in range(ncopies):
            _draw_picture(row[j + 1], augmented[k][j], mean, std)
            if titles is not None:
                row[j + 1].set_title(titles[k][j], fontsize=MIN_FONT_SIZE)
        for ax in row:
            _blank(ax)
    axes[0, 0].set_title("original", fontsize=MIN_FONT_SIZE, fontweight="bold")
    if titles is None:
        for j in range(ncopies):
            axes[0, j + 1].set_title(f"copy {j + 1}", fontsize=MIN_FONT_SIZE)
    return fig


@course_figure
def show_nearest_vs_bilinear(original: torch.Tensor, nearest: torch.Tensor, bilinear: torch.Tensor,
                             box: tuple[int, int, int] = (4, 4, 12), notes: Mapping[str, str] | None = None,
                             size: float = 2.2, reference: str = "original") -> plt.Figure:
    """The same rotation with nearest-neighbour and bilinear interpolation, whole and zoomed in.

    Top row: the three images with the zoom ``box = (top, left, side)`` marked; bottom row: the box enlarged,
    every pixel a visible square, with ``notes["nearest"]`` etc. (e.g. the measured scores) below.
    ``reference`` names the first panel (and its key in ``notes``), e.g. ``"zoomed, not rotated"``.

    >>> digit = torch.zeros(28, 28)
    >>> fig = show_nearest_vs_bilinear(digit, digit, digit, notes={"nearest": "jagged"})
    >>> fig.axes[4].get_xlabel()
    'jagged'
    """
    panels = {reference: to_display(original), "nearest": to_display(nearest), "bilinear": to_display(bilinear)}
    top, left, side = box
    height, width = panels["nearest"].shape[:2]
    if side < 1 or top < 0 or left < 0 or top + side > height or left + side > width:
        raise ValueError(f"box={tuple(box)} must lie inside the {height}×{width} image (top, left ≥ 0, side ≥ 1)")
    fig, axes = plt.subplots(2, 3, figsize=(3 * size, 2 * size + 1.0))
    for (name, shown), whole, zoomed in zip(panels.items(), axes[0], axes[1], strict=True):
        cmap = "gray" if shown.ndim == 2 else None
        whole.imshow(shown, cmap=cmap, vmin=0, vmax=1)
        whole.add_patch(Rectangle((left - 0.5, top - 0.5), side, side, fill=False, lw=2, color=COLORS["highlight"]))
        whole.set_title(name, color=COLORS.get(name, COLORS["original"]), fontweight="bold")
        zoomed.imshow(shown[top:top + side, left:left + side], cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
        zoomed.set_xlabel((notes or {}).get(name, "zoomed in"))
        _blank(whole)
        _blank(zoomed)
        zoomed.spines[:].set(visible=True, color=COLORS["highlight"], linewidth=2)
    return fig


def draw_predicted_digits(fig: Figure, region: SubplotSpec, digits: np.ndarray | torch.Tensor,
                          colors: Mapping[str, str], ncols: int = 3) -> tuple[list[AxesImage], list[list[Text]]]:
    """Digits in a grid inside ``region`` of ``fig``, a line of text below each per model, and a legend of the models.

    The digits (``N×H×W``, values 0…1) are white on black; below each, one empty text per model of ``colors``
    (name → colour), in its colour, for the caller's prediction: ``texts[i][j]`` (digit ``i``, model ``j``),
    e.g. ``"4 ✓"``. Returns the image artists and the texts, for a live figure to update.

    >>> fig = plt.figure(layout="constrained")
    >>> colors = {name: COLORS[name] for name in ("without augmentation", "with augmentation")}
    >>> pictures, texts = draw_predicted_digits(fig, fig.add_gridspec(1, 1)[0], np.zeros((6, 28, 28)), colors)
    >>> len(pictures), len(texts), texts[0][1].get_color() == COLORS["with augmentation"]
    (6, 6, True)
    >>> [t.get_text() for t in fig.axes[-1].get_legend().get_texts()]
    ['prediction without augmentation', 'prediction with augmentation']
    >>> plt.close(fig)
    """
    digits = np.asarray(torch.as_tensor(digits).detach().cpu(), dtype=np.float64)
    if digits.ndim != 3 or not len(digits):
        raise ValueError(f"digits must be N×H×W with N ≥ 1, got shape {digits.shape}")
    if not isinstance(colors, Mapping) or not colors:
        raise ValueError(f"colors must be a non-empty dict model name → colour, got {colors!r}")
    if not isinstance(ncols, int) or isinstance(ncols, bool):
        raise TypeError(f"ncols must be an int, got {type(ncols).__name__}")
    if ncols < 1:
        raise ValueError(f"ncols={ncols} must be a positive integer (digits per row)")
    nrows = -(-len(digits) // ncols)
    grid = region.subgridspec(nrows + 1, ncols, height_ratios=[1] * nrows + [0.2 * len(colors)])
    pictures, texts = [], []
    for i, digit in enumerate(digits):
        ax = fig.add_subplot(grid[i // ncols, i % ncols])
        pictures.append(ax.imshow(digit, cmap="gray", vmin=0, vmax=1))
        ax.axis("off")
        texts.append([ax.text(0.5, -0.03 - 0.17 * j, "", transform=ax.transAxes, ha="center", va="top", color=color)
                      for j, color in enumerate(colors.values())])
    key = fig.add_subplot(grid[nrows, :])
    key.axis("off")
    key.legend(handles=[Patch(color=color, label=f"prediction {name}") for name, color in colors.items()],
               loc="center", frameon=False, title="below each digit: ✓ right, ✗ wrong", handlelength=1.0)
    return pictures, texts
