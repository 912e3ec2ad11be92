"""Figures as a projector shows them: every public plotting helper drawn on small data and checked
from its matplotlib objects (text ≥ 12 pt, no overlapping tick labels, slide-sized, colour bars where
colour is a value, course colours for named conditions), a test that the check catches each fault,
and the size of every PNG committed in the notebooks."""

from __future__ import annotations

import base64
import itertools
import json
import struct
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap, ListedColormap, to_hex  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402
from matplotlib.text import Annotation, Text  # noqa: E402
from PIL import Image  # noqa: E402
from torchvision.transforms import v2  # noqa: E402

import helpers.plotting  # noqa: E402
import helpers.plotting.style as style  # noqa: E402
from helpers.curves import LearningCurve, Worth  # noqa: E402
from helpers.extrapolation import fit_power_law  # noqa: E402
from helpers.geometry import loss_landscapes  # noqa: E402
from helpers.plotting.style import COLORS, MAX_FIGURE_SIZE, MIN_FONT_SIZE, condition_of  # noqa: E402
from helpers.runs import TrainingRun  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SAVED_DPI = 100
"""Dots per inch of the PNGs in the notebooks: the inline backend saves at the figure's dpi (course style: 100)."""
TIGHT_PAD = 0.1
"""Inches ``bbox_inches="tight"`` adds on every side when the inline backend saves a figure."""
GREY_MAPS = ("gray", "Greys", "binary", "gray_r", "Greys_r")
"""Colour maps that draw pictures (digits), not values."""
SIZES = np.array([50, 100, 200, 500, 1000, 2000, 3500])


def curve(model: str, shift: float = 0.0, seed: int = 0) -> LearningCurve:
    """A learning curve on the course's sizes: error on a power law, three noisy repeats."""
    rng = np.random.default_rng(seed)
    val = np.clip(0.97 - 0.9 * SIZES[:, None] ** -0.4 + shift + rng.normal(0, 0.005, (len(SIZES), 3)), 0, 1)
    return LearningCurve(model, SIZES.copy(), np.clip(val + 0.05, 0, 1), val, SIZES[:, None] / 1e3 * np.ones((1, 3)), 5)


def landscapes() -> dict:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(60, 2, generator=g)
    y = x @ torch.tensor([1.0, -2.0]) + 0.3 * torch.randn(60, generator=g)
    raw = x * torch.tensor([1.0, 5.0]) + torch.tensor([10.0, 20.0])
    return loss_landscapes({"raw features": (raw, y), "standardized features": (x, y)}, steps=10, grid=40)


def digits(n: int) -> torch.Tensor:
    return torch.randint(0, 256, (n, 28, 28), dtype=torch.uint8, generator=torch.Generator().manual_seed(n))


def explorer_preview():
    from helpers.widgets import AugmentationExplorer

    return AugmentationExplorer(digits(3), torch.tensor([3, 1, 4]), choices=[0, 1]).preview()


HELPERS: dict[str, Callable[[], plt.Figure]] = {
    "show_images": lambda: helpers.plotting.show_images(digits(80), titles=[str(k // 8) for k in range(80)]),
    "show_images/colorbar": lambda: helpers.plotting.show_images(
        torch.rand(3, 28, 28) - 0.5, ncols=3, colorbar="difference (pixel value)", row_labels=["difference"]),
    "show_pipeline_steps": lambda: helpers.plotting.show_pipeline_steps(
        v2.Compose([v2.Resize(32), v2.RandomCrop(28), v2.RandomRotation(30), v2.ToImage(),
                    v2.ToDtype(torch.float32, scale=True), v2.Normalize((0.5,), (0.5,))]),
        Image.fromarray(digits(1)[0].numpy())),
    "show_augmented_pairs": lambda: helpers.plotting.show_augmented_pairs(
        digits(4), digits(24).view(4, 6, 28, 28), titles=[[f"{a:+d}° (+1, -2)" for a in range(-30, 30, 10)]] * 4),
    "show_nearest_vs_bilinear": lambda: helpers.plotting.show_nearest_vs_bilinear(
        *digits(3), box=(5, 5, 14), notes={m: "jaggedness 0.123\nsharpness 0.0456" for m in ("nearest", "bilinear")}),
    "plot_value_histograms": lambda: helpers.plotting.plot_value_histograms(
        {"uint8": digits(20), "ToTensor()": digits(20) / 255, "Normalize((0.5,), (0.5,))": digits(20) / 127.5 - 1}),
    "plot_pixel_statistics": lambda: helpers.plotting.plot_pixel_statistics(
        digits(50).double().mean(0) / 255, (digits(50).double() / 255).std(0) * (torch.rand(28, 28) > 0.2)),
    "plot_training_runs": lambda: helpers.plotting.plot_training_runs(
        {name: TrainingRun(losses=list(2 * np.exp(-np.arange(200) / t) + 0.1), eval_steps=list(range(0, 201, 25)),
                           val_accuracies=list(1 - 0.9 * np.exp(-np.arange(0, 201, 25) / t)))
         for name, t in (("raw 0…255", 300), ("ToTensor 0…1", 80), ("standardized", 20))}, target=0.8),
    "plot_loss_contours": lambda: helpers.plotting.plot_loss_contours(landscapes()),
    "plot_learning_curves": lambda: helpers.plotting.plot_learning_curves(curve("softmax")),
    "plot_learning_curves/models": lambda: helpers.plotting.plot_learning_curves(
        [curve("softmax"), curve("mlp", 0.02, 1), curve("small CNN", 0.03, 2)]),
    "plot_power_law": lambda: helpers.plotting.plot_power_law(
        curve("softmax"), fit_power_law(curve("softmax"), max_size=2000, n_boot=20), predict_at=[3500]),
    "plot_augmentation_curves": lambda: helpers.plotting.plot_augmentation_curves(
        {"small CNN": (curve("cnn"), curve("cnn", 0.03, 1)), "softmax": (curve("softmax"), curve("softmax", 0.01))}),
    "plot_worth_examples": lambda: helpers.plotting.plot_worth_examples(
        [Worth(50, 0.7, 120.0, "interpolated"), Worth(100, 0.75, 260.0, "interpolated"),
         Worth(500, 0.85, 1300.0, "interpolated"), Worth(2000, 0.9, 3500.0, "more than"),
         Worth(3500, 0.95, 3500.0, "more than")]),
    "plot_accuracy_vs_angle": lambda: helpers.plotting.plot_accuracy_vs_angle(
        list(range(-60, 61, 15)),
        {"without augmentation": np.full((9, 2), 0.8), "with augmentation": np.full((9, 2), 0.9)}, trained_range=30),
    "AugmentationExplorer.preview": explorer_preview,
}


# ------------------------------------------------------------------------------------ the check
def _shown(artist) -> bool:
    """Drawn: visible, with visible axes (hidden spare panels of a grid do not count)."""
    return artist.get_visible() and (artist.axes is None or artist.axes.get_visible())


def _tick_labels(ax: plt.Axes, axis) -> list[Text]:
    """The tick labels drawn on one axis: visible, non-empty, inside the view."""
    low, high = sorted(axis.get_view_interval())
    return [label for tick in axis.get_major_ticks() + axis.get_minor_ticks()
            for label in (tick.label1, tick.label2)
            if label.get_visible() and tick.get_visible() and label.get_text().strip()
            and low - 1e-9 <= tick.get_loc() <= high + 1e-9]


def _overlaps(first: Text, second: Text, renderer) -> bool:
    a, b = first.get_window_extent(renderer), second.get_window_extent(renderer)
    return a.overlaps(b) and a.intersection(a, b).width > 0.5 and a.intersection(a, b).height > 0.5


def _is_value_map(mappable) -> bool:
    """Colour that encodes a value: a continuous, non-grey colour map on one value per pixel."""
    cmap = mappable.get_cmap()
    if isinstance(mappable, AxesImage) and np.ndim(mappable.get_array()) == 3:
        return False  # an RGB picture
    if cmap.name in GREY_MAPS or (isinstance(cmap, ListedColormap) and cmap.N <= 8):
        return False  # a picture, or categories (they get a legend)
    return isinstance(cmap, (LinearSegmentedColormap, ListedColormap))


def figure_problems(fig: plt.Figure) -> list[str]:
    """Everything that does not read from the back of a room, as sentences (empty: the figure is fine)."""
    problems = []
    width, height = fig.get_size_inches()
    if width > MAX_FIGURE_SIZE[0] + 1e-6 or height > MAX_FIGURE_SIZE[1] + 1e-6:
        problems.append(f"figure is {width:.2f} × {height:.2f} in, larger than {MAX_FIGURE_SIZE}")
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    box = fig.get_tightbbox(renderer)
    if box.width > MAX_FIGURE_SIZE[0] + 2 * TIGHT_PAD or box.height > MAX_FIGURE_SIZE[1] + 2 * TIGHT_PAD:
        problems.append(f"drawn content is {box.width:.2f} × {box.height:.2f} in, larger than {MAX_FIGURE_SIZE}")
    for text in fig.findobj(Text):
        if _shown(text) and text.get_text().strip() and text.get_fontsize() < MIN_FONT_SIZE:
            problems.append(f"text {text.get_text()!r} is {text.get_fontsize():g} pt, under {MIN_FONT_SIZE:g} pt")
    all_ticks = []
    for ax in [a for a in fig.axes if a.get_visible()]:
        labels = _tick_labels(ax, ax.xaxis) + _tick_labels(ax, ax.yaxis)
        all_ticks += labels
        for first, second in itertools.combinations(labels, 2):
            if _overlaps(first, second, renderer):
                problems.append(f"tick labels {first.get_text()!r} and {second.get_text()!r} overlap")
    titles = [ax.title for ax in fig.axes if ax.get_visible() and ax.get_title().strip()]
    for first, second in itertools.combinations(titles, 2):
        if _overlaps(first, second, renderer):
            problems.append(f"titles {first.get_text()!r} and {second.get_text()!r} overlap")
    annotations = [t for t in fig.findobj(Annotation) if _shown(t) and t.get_text().strip()]
    for note, label in itertools.product(annotations, all_ticks):
        if _overlaps(note, label, renderer):
            problems.append(f"annotation {note.get_text()!r} overlaps tick label {label.get_text()!r}")
    scales = {id(ax._colorbar.mappable.norm) for ax in fig.axes if hasattr(ax, "_colorbar")}
    for ax in [a for a in fig.axes if a.get_visible()]:
        for mappable in [*ax.images, *[c for c in ax.collections if isinstance(c, ContourSet)]]:
            if _is_value_map(mappable) and id(mappable.norm) not in scales:
                problems.append(f"{type(mappable).__name__} in {ax.get_title()!r} encodes values in colour "
                                "without a colour bar")
            if ax.get_aspect() != 1.0:
                problems.append(f"image or contour panel {ax.get_title()!r} has aspect {ax.get_aspect()!r}, not equal")
        for line in ax.get_lines():
            condition = condition_of(line.get_label()) if not line.get_label().startswith("_") else None
            if condition is not None and to_hex(line.get_color()).upper() != COLORS[condition].upper():
                problems.append(f"line {line.get_label()!r} is {to_hex(line.get_color())}, not the course colour "
                                f"{COLORS[condition]} of {condition!r}")
    plots = [ax for ax in fig.axes if ax.get_visible() and not ax.images and not hasattr(ax, "_colorbar")]
    if len(plots) > 3:
        problems.append(f"{len(plots)} plot panels; a lecture figure has at most 3")
    return problems


# ------------------------------------------------------------------------------------ the tests
def test_every_public_helper_is_checked():
    public = {name for name in helpers.plotting.__all__ if name.startswith(("plot_", "show_"))}
    assert public == {name.split("/")[0] for name in HELPERS if not name.startswith("Augmentation")}


@pytest.mark.parametrize("name", list(HELPERS))
def test_helper_figure_reads_on_a_projector(name):
    fig = HELPERS[name]()
    try:
        assert figure_problems(fig) == []
    finally:
        plt.close(fig)


@pytest.mark.parametrize("name", ["plot_learning_curves/models", "show_nearest_vs_bilinear", "plot_value_histograms"])
def test_the_check_fails_on_a_helper_drawn_without_the_course_style(name, monkeypatch):
    monkeypatch.setattr(style, "COURSE_RC", {})
    with matplotlib.rc_context():
        matplotlib.rcdefaults()  # matplotlib's own 10-pt style, as if the course style were switched off
        fig = HELPERS[name]()
    problems = figure_problems(fig)
    plt.close(fig)
    assert any("pt, under 12 pt" in p for p in problems), problems


def _bad_figure(fault: str) -> plt.Figure:
    with style.course_style():
        fig, ax = plt.subplots(figsize=(12, 6) if fault == "too large" else (6, 4))
        ax.plot([1, 2, 3], [1, 4, 9], label="with augmentation",
                color="red" if fault == "wrong colour" else COLORS["with augmentation"])
        if fault == "small font":
            ax.set_title("measured accuracy", fontsize=8)
        if fault == "overlapping ticks":
            ax.set_xticks([1.0, 1.02], labels=["1000", "1001"])
        if fault == "annotation on a tick label":
            ax.set_xticks([1, 2, 3], labels=["one", "two", "three"])
            ax.annotate("×2.4", (2, 0), xycoords=("data", "axes fraction"), xytext=(0, -12),
                        textcoords="offset points", ha="center", va="top", annotation_clip=False)
        if fault == "overlapping titles":
            fig, axes = plt.subplots(1, 4, figsize=(4, 2))
            for ax in axes:
                ax.set_title("immunohistochemistry")
        if fault == "no colour bar":
            fig, ax = plt.subplots(figsize=(6, 4))
            ax.imshow(np.random.default_rng(0).random((5, 5)), cmap="viridis")
        if fault == "stretched image":
            fig, ax = plt.subplots(figsize=(6, 4))
            fig.colorbar(ax.imshow(np.random.default_rng(0).random((5, 5)), cmap="viridis", aspect="auto"))
    return fig


@pytest.mark.parametrize("fault, problem", [
    ("too large", "figure is 12.00 × 6.00 in"),
    ("small font", "'measured accuracy' is 8 pt"),
    ("overlapping ticks", "tick labels '1000' and '1001' overlap"),
    ("annotation on a tick label", "annotation '×2.4' overlaps tick label 'two'"),
    ("overlapping titles", "titles 'immunohistochemistry' and 'immunohistochemistry' overlap"),
    ("no colour bar", "encodes values in colour without a colour bar"),
    ("stretched image", "has aspect 'auto', not equal"),
    ("wrong colour", "is #ff0000, not the course colour"),
])
def test_the_check_catches_each_fault(fault, problem):
    fig = _bad_figure(fault)
    problems = figure_problems(fig)
    plt.close(fig)
    assert any(problem in p for p in problems), problems


def test_a_good_figure_passes_the_check():
    fig = _bad_figure("none")
    assert figure_problems(fig) == []
    plt.close(fig)


# ------------------------------------------------------------------- the notebooks' committed PNGs
def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels, read from a PNG's header (its IHDR chunk)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG: the first bytes are not a PNG signature and IHDR chunk")
    return struct.unpack(">II", data[16:24])


def test_png_size_reads_the_header():
    image = Image.new("RGB", (123, 45))
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="png")
    assert png_size(buffer.getvalue()) == (123, 45)
    with pytest.raises(ValueError, match="not a PNG"):
        png_size(b"GIF89a" + bytes(30))


def notebook_pngs(path: Path) -> list[tuple[int, tuple[int, int]]]:
    """``(cell number, (width, height))`` of every PNG output of a notebook."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(k, png_size(base64.b64decode(output["data"]["image/png"])))
            for k, cell in enumerate(cells) for output in cell.get("outputs", [])
            if "image/png" in output.get("data", {})]


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.rglob("*.ipynb")), ids=lambda p: str(p.relative_to(NOTEBOOKS)))
def test_committed_figures_fit_a_slide(path):
    limit = [round((side + 2 * TIGHT_PAD) * SAVED_DPI) for side in MAX_FIGURE_SIZE]
    too_large = [f"cell {k}: {w}×{h} px" for k, (w, h) in notebook_pngs(path) if w > limit[0] or h > limit[1]]
    assert too_large == [], f"PNGs larger than {limit[0]}×{limit[1]} px (10 × 5.6 in at {SAVED_DPI} dpi)"
