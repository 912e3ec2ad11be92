"""The course figure style: one colour per meaning, fonts that read on a projector, slide-sized figures, and
each figure's text alternative (what it shows, for readers who cannot see it), saved with it in Jupyter."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

import matplotlib as mpl
import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib.legend import Legend
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter

__all__ = ["alt_text", "ALT_TEXT_KEY", "BAND_ALPHA", "color_for", "COLORS", "condition_of", "count_label",
           "course_figure", "course_style", "describe_figure", "EXPLORER_DPI", "FIGURE_SIZES", "finish",
           "install_alt_text", "log_axis", "LOSS_COLOUR_MAP", "MAX_FIGURE_SIZE", "MIN_FONT_SIZE", "set_alt_text",
           "use_course_style"]

OKABE_ITO = {  # the colour-blind-safe palette of Okabe and Ito (2008)
    "black": "#000000", "orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish purple": "#CC79A7",
}

COLORS = {
    "train": OKABE_ITO["orange"], "validation": OKABE_ITO["blue"],
    "without augmentation": "#7F7F7F", "with augmentation": OKABE_ITO["bluish green"],
    "original": OKABE_ITO["black"], "augmented": OKABE_ITO["bluish green"],
    "softmax": OKABE_ITO["sky blue"], "mlp": OKABE_ITO["reddish purple"], "cnn": OKABE_ITO["vermillion"],
    "nearest": OKABE_ITO["vermillion"], "bilinear": OKABE_ITO["blue"],
    "measured": OKABE_ITO["black"], "fit": OKABE_ITO["blue"], "prediction": OKABE_ITO["vermillion"],
    "mean": OKABE_ITO["vermillion"], "spread": OKABE_ITO["orange"],
    "reference": "#7F7F7F", "highlight": OKABE_ITO["orange"],
    "first feature": OKABE_ITO["sky blue"], "second feature": OKABE_ITO["reddish purple"],
    "gradient descent": "#FFFFFF",  # white: drawn on the loss colour map
    "not yet revealed": "#999999", "legend on a colour map": "#DDDDDD",
}
"""One colour per meaning, the same in every notebook. Meanings that share a colour never share a figure
(a model kind is never drawn beside an interpolation)."""

# the conditions ``condition_of`` finds in a legend label, in the order it looks for them
CONDITIONS = ("without augmentation", "with augmentation", "softmax", "mlp", "cnn", "nearest", "bilinear",
              "validation", "train")
MAX_FIGURE_SIZE = (10.0, 5.6)  # inches: a 16:9 slide; every course figure fits inside
MIN_FONT_SIZE = 12.0  # points at the figure's own size: the smallest text of a course figure
# inches of the course's figures of a fixed size (the others are sized by their panels)
FIGURE_SIZES = {"one plot": (8.0, 4.8), "power law": (9.0, 5.0), "worth": (8.0, 5.2), "two plots": (10.0, 4.2),
                "three images": (10.0, 3.6), "explorer": (10.0, 4.8)}
EXPLORER_DPI = 80  # dots per inch of the PNG a live explorer shows: 800 × 384 pixels
BAND_ALPHA = 0.2  # opacity of every shaded band (an interval around a line, in the line's colour)
LOSS_COLOUR_MAP = "viridis"  # the colour map of a loss surface (dark: low loss)

COURSE_RC = {  # the course style (matplotlib's defaults for everything else)
    "font.size": 12, "axes.titlesize": 13, "axes.labelsize": 12, "xtick.labelsize": 12, "ytick.labelsize": 12,
    "legend.fontsize": 12, "legend.title_fontsize": 12, "figure.titlesize": 14, "figure.labelsize": 12,
    "lines.linewidth": 2.2, "lines.markersize": 7, "axes.linewidth": 1.0, "axes.grid": True, "grid.alpha": 0.3,
    "axes.spines.top": False, "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=[OKABE_ITO[c] for c in ("blue", "orange", "bluish green", "vermillion",
                                                              "reddish purple", "sky blue", "black")]),
    "image.cmap": "viridis", "figure.figsize": (8.0, 4.5), "figure.dpi": 100, "savefig.dpi": 100,
    "legend.framealpha": 0.9,
}
# what the plotting helpers add: constrained layout (a notebook's own figures keep tight_layout, which warns under it)
HELPER_RC = {"figure.constrained_layout.use": True}
F = TypeVar("F", bound=Callable)

ALT_TEXT_KEY = "alt"  # the key of a figure's text alternative in its output metadata: {"image/png": {"alt": ...}}
ALT_TEXT_MIMES = ("image/png", "image/jpeg", "image/svg+xml")  # the displayed formats that carry it
MAX_ALT_ITEMS = 6  # at most this many titles or labels of one kind are listed in a described text alternative


def use_course_style() -> None:
    """Set the course style for every figure from now on (call it once, in a notebook's setup cell).

    >>> use_course_style()
    >>> plt.rcParams["legend.fontsize"]
    12.0
    >>> mpl.rcdefaults()  # back to matplotlib's own style
    """
    mpl.rcParams.update(COURSE_RC)
    install_alt_text()


# ---------------------------------------------------------------- text alternatives of figures
def set_alt_text(fig: plt.Figure, text: str) -> plt.Figure:
    """Give ``fig`` the text alternative ``text`` (what it shows, in a sentence); return ``fig``.

    >>> fig = set_alt_text(plt.figure(), "Training loss falls with each epoch.")
    >>> alt_text(fig)
    'Training loss falls with each epoch.'
    >>> plt.close(fig)
    """
    if not isinstance(fig, mpl.figure.Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"text must be a non-empty sentence saying what the figure shows, got {text!r}")
    fig._course_alt_text = text.strip()  # type: ignore[attr-defined]
    return fig


def alt_text(fig: plt.Figure) -> str:
    """The text alternative of ``fig``: the one set with ``set_alt_text``, else ``describe_figure(fig)``.

    >>> fig, ax = plt.subplots()
    >>> _ = ax.set(title="Loss", xlabel="epoch", ylabel="loss")
    >>> alt_text(fig)
    'Figure: a plot. Loss (x: epoch; y: loss).'
    >>> plt.close(fig)
    """
    return getattr(fig, "_course_alt_text", None) or describe_figure(fig)


def _texts(items: Iterable[str]) -> list[str]:
    """The non-empty texts of ``items``, stripped, each once, in order, at most ``MAX_ALT_ITEMS`` (then "…")."""
    unique = list(dict.fromkeys(" ".join(text.split()) for text in items if text and text.strip()))
    return unique[:MAX_ALT_ITEMS] + (["…"] if len(unique) > MAX_ALT_ITEMS else [])


def _sentence(text: str) -> str:
    """``text`` ended with one full stop (none after an ellipsis)."""
    return text if text.endswith(("…", ".")) else text + "."


def _grid(axes: Sequence[plt.Axes]) -> str:
    """" in R rows × C columns" when ``axes`` fill more than one row and column of one grid of subplots, else ""."""
    specs = [ax.get_subplotspec() for ax in axes]
    if len(axes) < 2 or None in specs or len({id(spec.get_gridspec()) for spec in specs}) != 1:
        return ""
    rows, columns = (len({i for spec in specs for i in getattr(spec, span)}) for span in ("rowspan", "colspan"))
    return f" in {rows} rows × {columns} columns" if rows > 1 and columns > 1 else ""


def _describe_axes(ax: plt.Axes) -> str:
    """One plot panel in words: its title, its axis labels and its legend's entries."""
    details = [f"{name}: {label}" for name, label in (("x", ax.get_xlabel()), ("y", ax.get_ylabel())) if label]
    entries = _legend_entries(ax.get_legend())
    if entries:
        details.append("legend: " + ", ".join(entries))
    title = " ".join(_texts(ax.get_title(loc) for loc in ("left", "center", "right")))
    if not title:
        return "; ".join(details)
    return f"{title} ({'; '.join(details)})" if details else title


def _legend_entries(legend: Legend | None) -> list[str]:
    """The non-empty texts of ``legend``'s entries (none without a legend)."""
    return [] if legend is None else _texts(text.get_text() for text in legend.get_texts())


def _legend_only(ax: plt.Axes) -> bool:
    """Whether ``ax`` is a key: axis switched off, nothing drawn, only a legend."""
    return (not ax.axison and ax.get_legend() is not None
            and not (ax.images or ax.lines or ax.collections or ax.patches or ax.texts))


def describe_figure(fig: plt.Figure) -> str:
    """A short text alternative of ``fig``: its title, how many plots and images it holds, the panels' titles
    and axis labels, the images' row and column labels, legends, colour bars.

    >>> fig, axes = plt.subplots(1, 2)
    >>> _ = fig.suptitle("Original and augmented")
    >>> for ax, name in zip(axes, ["original", "augmented"]):
    ...     _ = ax.imshow([[0, 1]]); _ = ax.set_title(name)
    >>> describe_figure(fig)
    'Figure: Original and augmented — 2 images. Images: original, augmented.'
    >>> plt.close(fig)
    """
    axes = [ax for ax in fig.axes if ax.get_visible() and getattr(ax, "_colorbar", None) is None]
    images = [ax for ax in axes if ax.images]
    keys = [ax for ax in axes if _legend_only(ax)]  # a panel that only holds a legend (a key) is no plot
    plots = [ax for ax in axes if not ax.images and ax not in keys]
    title = fig._suptitle.get_text().strip() if fig._suptitle is not None else ""
    counts = [f"{len(group)} {noun}s" if len(group) > 1 else f"{article} {noun}"
              for group, noun, article in ((plots, "plot", "a"), (images, "image", "an")) if group]
    if images:
        counts[-1] += _grid(images)
    sentences = ["Figure: " + (f"{title} — " if title else "") + (" and ".join(counts) or "empty") + "."]
    panels = _texts(_describe_axes(ax) for ax in plots)
    if panels:
        sentences.append(_sentence("; ".join(panels)))
    for name, labels in (("Images", [ax.get_title() for ax in images]), ("Rows", [ax.get_ylabel() for ax in images]),
                         ("Columns", [ax.get_xlabel() for ax in images])):
        shown = _texts(labels)
        if shown:
            sentences.append(_sentence(f"{name}: " + ", ".join(shown)))
    for key in keys:
        entries, key_title = _legend_entries(key.get_legend()), key.get_legend().get_title().get_text().strip()
        if entries:
            sentences.append(_sentence("Key" + (f" ({key_title})" if key_title else "") + ": " + ", ".join(entries)))
    scales = _texts(ax.get_ylabel() or ax.get_xlabel() for ax in fig.axes if getattr(ax, "_colorbar", None))
    if scales:
        sentences.append(_sentence("Colour scale: " + ", ".join(scales)))
    for name, label in (("x", fig._supxlabel), ("y", fig._supylabel)):
        if label is not None and label.get_text().strip():
            sentences.append(_sentence(f"Shared {name} axis: " + " ".join(label.get_text().split())))
    return " ".join(sentences)


def _with_alt_text(printer: Callable) -> Callable:
    """``printer`` (IPython's formatter of a figure) returning ``(data, {"alt": alt_text(fig)})`` instead of data."""

    def print_with_alt(fig: plt.Figure):
        data = printer(fig)
        return None if data is None else (data, {ALT_TEXT_KEY: alt_text(fig)})

    print_with_alt.course_alt_text = True  # type: ignore[attr-defined]
    return print_with_alt


def _wrap_figure_printers(shell: object, *_event: object) -> None:
    """Make the shell's figure formatters (those not wrapped yet) save each figure's text alternative; also an
    IPython event callback (its arguments are ignored)."""
    for mime in ALT_TEXT_MIMES:
        formatter = shell.display_formatter.formatters.get(mime)  # type: ignore[attr-defined]
        try:
            printer = formatter.lookup_by_type(mpl.figure.Figure) if formatter is not None else None
        except KeyError:
            printer = None
        if printer is not None and not getattr(printer, "course_alt_text", False):
            formatter.for_type(mpl.figure.Figure, _with_alt_text(printer))


def install_alt_text(shell: object | None = None) -> bool:
    """In IPython/Jupyter: from now on every figure displayed carries ``alt_text(fig)`` in its output's
    metadata (``{"image/png": {"alt": ...}}``, where the course website reads it); ``False`` outside IPython.

    >>> install_alt_text()  # a plain Python session: nothing to do
    False
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    _wrap_figure_printers(shell)
    # The inline backend registers its formatters when a cell first draws, `%matplotlib inline` replaces them: wrap
    # again before each cell, and after it (our post_execute runs before the backend's, which shows the figures).
    for event in ("pre_run_cell", "post_execute"):
        callbacks = shell.events.callbacks.get(event, [])  # type: ignore[attr-defined]
        if not any(getattr(callback, "course_alt_text", False) for callback in callbacks):
            rewrap = functools.partial(_wrap_figure_printers, shell)
            rewrap.course_alt_text = True  # type: ignore[attr-defined]
            shell.events.register(event, rewrap)  # type: ignore[attr-defined]
    return True


@contextmanager
def course_style() -> Iterator[None]:
    """The course style (and constrained layout) inside a ``with`` block only; its rcParams are restored after it.

    >>> with course_style():
    ...     fig, ax = plt.subplots()
    >>> ax.xaxis.get_ticklabels()[0].get_fontsize()
    12.0
    >>> plt.close(fig)
    """
    settings = {**COURSE_RC, **HELPER_RC}
    before = {key: mpl.rcParams[key] for key in settings}
    mpl.rcParams.update(settings)
    try:
        yield
    finally:  # only these keys: a backend set up inside the block (Jupyter's inline one) stays as it is
        mpl.rcParams.update(before)


def course_figure(draw: F) -> F:
    """Decorator: ``draw`` makes its figure inside ``course_style()`` and hands it back laid out and fitted."""

    @functools.wraps(draw)
    def styled(*args, **kwargs):
        with course_style():
            fig = draw(*args, **kwargs)
            finish(fig)
        return fig

    return styled  # type: ignore[return-value]


def condition_of(label: str) -> str | None:
    """The course condition a legend label names (a key of ``COLORS``), or ``None``.

    >>> condition_of("small CNN · train"), condition_of("without augmentation"), condition_of("limit")
    ('cnn', 'without augmentation', None)
    """
    return next((name for name in CONDITIONS if name in label.lower()), None)


def color_for(name: str, default: str | None = None) -> str:
    """The course colour of the condition ``name`` names (see ``condition_of``), else ``default``.

    >>> color_for("small CNN") == COLORS["cnn"]
    True
    """
    condition = condition_of(name)
    if condition is None and default is None:
        raise ValueError(f"name={name!r} names no course condition; allowed: names containing one of {CONDITIONS}")
    return default if condition is None else COLORS[condition]


def count_label(value: float, _position: object = None) -> str:
    """A training size as a short tick label: ``3500 → "3.5k"``, ``500 → "500"``.

    >>> [count_label(v) for v in (50, 1000, 3500, 20000)]
    ['50', '1k', '3.5k', '20k']
    """
    return f"{value / 1000:.3g}k" if value >= 1000 else f"{value:.3g}"


def log_axis(ax: plt.Axes, which: str, at: Sequence[float] | None = None) -> None:
    """A log scale on ``ax``'s ``which`` axis ("x" or "y") with labelled ticks at the values ``at``
    (e.g. the measured training sizes; 1-2-5 ticks if none or more than 8) and no minor-tick labels.

    >>> fig, ax = plt.subplots()
    >>> log_axis(ax, "x", at=[125, 1000, 3500])
    >>> ax.get_xscale(), [float(t) for t in ax.get_xticks()], ax.xaxis.get_major_formatter()(3500, 0)
    ('log', [125.0, 1000.0, 3500.0], '3.5k')
    >>> plt.close(fig)
    """
    axis = {"x": ax.xaxis, "y": ax.yaxis}[which]
    (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    values = sorted({float(v) for v in at}) if at is not None else []
    axis.set_major_locator(FixedLocator(values) if 0 < len(values) <= 8 else LogLocator(subs=(1, 2, 5)))
    axis.set_major_formatter(FuncFormatter(count_label))
    axis.set_minor_formatter(NullFormatter())


def finish(fig: plt.Figure) -> None:
    """Lay ``fig`` out, shrink it (same shape) to fit ``MAX_FIGURE_SIZE`` and drop tick labels that would
    overlap their neighbours.

    >>> fig = plt.figure(figsize=(2 * MAX_FIGURE_SIZE[0], MAX_FIGURE_SIZE[1]))
    >>> finish(fig)
    >>> tuple(float(v) for v in fig.get_size_inches()) == (MAX_FIGURE_SIZE[0], MAX_FIGURE_SIZE[1] / 2)
    True
    >>> plt.close(fig)
    """
    width, height = fig.get_size_inches()
    if not (width > 0 and height > 0):  # matplotlib takes a zero size
        raise ValueError(f"figure size {width}×{height} in must be positive")
    shrink = min(1.0, MAX_FIGURE_SIZE[0] / width, MAX_FIGURE_SIZE[1] / height)
    fig.set_size_inches(round(width * shrink, 3), round(height * shrink, 3))
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            _thin_tick_labels(axis, renderer)


def _thin_tick_labels(axis: mpl.axis.Axis, renderer: object) -> None:
    """Keep the tick labels of ``axis`` that do not overlap the label kept before them (the first stays)."""
    low, high = sorted(axis.get_view_interval())
    shown = [(tick.get_loc(), label) for tick in axis.get_major_ticks() for label in (tick.label1, tick.label2)
             if label.get_visible() and label.get_text() and low - 1e-9 <= tick.get_loc() <= high + 1e-9]
    if len(shown) < 2:
        return
    margin = (1.15, 1.0 if axis.axis_name == "x" else 1.3)
    kept, last = [shown[0]], shown[0][1].get_window_extent(renderer).expanded(*margin)
    for loc, label in shown[1:]:
        box = label.get_window_extent(renderer)
        if not box.overlaps(last):
            kept.append((loc, label))
            last = box.expanded(*margin)
    if len(kept) == len(shown):
        return
    locations, labels = [loc for loc, _ in kept], [label.get_text() for _, label in kept]
    colorbar = getattr(axis.axes, "_colorbar", None)
    if colorbar is not None:
        colorbar.set_ticks(locations, labels=labels)
        colorbar.minorticks_off()
    else:
        axis.set_ticks(locations, labels=labels)
        axis.set_minor_formatter(NullFormatter())
