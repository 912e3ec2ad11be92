"""The one framework of the live explorers (``helpers.widgets``, ``helpers.explorers``): controls on a widget,
one picture and one caption line per view."""

from __future__ import annotations

import io
import time
from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython import get_ipython
from IPython.display import Image, display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from helpers.plotting.style import EXPLORER_DPI, FIGURE_SIZES, MIN_FONT_SIZE, course_style

__all__ = ["Explorer", "FigureExplorer"]

CACHED_VIEWS = 64  # rendered views a figure explorer keeps (about 30 kB each)


class Explorer:
    """What every explorer shares: ``widget`` (an ``ipywidgets.interactive``: the controls, then the picture and
    its caption), ``values``, ``set``, ``show`` and ``time_updates``.

    A subclass sets ``self.controls`` (name → ipywidget), calls ``self._start_widget()`` and defines
    ``render(**values) -> (png, caption)`` and ``preview`` (a static figure for slides, where widgets do not run).
    ``FigureExplorer`` does most of that; its example is the smallest explorer.
    """

    controls: dict[str, widgets.ValueWidget]

    def _start_widget(self) -> None:
        """Create ``widget``: every control change calls ``show`` with all the controls' values."""
        self.png, self.caption = getattr(self, "png", b""), getattr(self, "caption", "")
        # clear_output outside IPython would print terminal escape codes (into doctests, say)
        self.widget = widgets.interactive(self.show, clear_output=get_ipython() is not None, **self.controls)

    def values(self) -> dict[str, object]:
        """The current value of every control."""
        return {name: control.value for name, control in self.controls.items()}

    def _check_names(self, values: Mapping[str, object]) -> None:
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise ValueError(f"unknown control(s) {unknown}; allowed: {sorted(self.controls)}")

    def set(self, **values: object) -> None:
        """Set controls by name, as a user moving them would (the view updates after each one)."""
        self._check_names(values)
        for name, value in values.items():
            self.controls[name].value = value

    def render(self, **values: object) -> tuple[bytes, str]:
        """PNG bytes and the caption of the view for these control values."""
        raise NotImplementedError

    def show(self, **values: object) -> None:
        """The ``interactive`` callback: render, then display the PNG and print the caption."""
        self.png, self.caption = self.render(**values)
        if get_ipython() is not None:  # outside IPython (a script, a doctest) there is nowhere to show it
            display(Image(data=self.png, format="png"))
            print(self.caption)

    def time_updates(self, name: str, values: Sequence[object]) -> list[float]:
        """Milliseconds from setting control ``name`` to each of ``values`` to the new PNG; restores it after.

        Each value must differ from the one before it (the first from the current one), or nothing would redraw.
        """
        if name not in self.controls:
            raise ValueError(f"name={name!r} is not a control; allowed: {sorted(self.controls)}")
        control = self.controls[name]
        before = control.value
        values = list(values)
        if not values or any(a == b for a, b in zip([before, *values][:-1], values, strict=True)):
            raise ValueError(f"values={values}: give at least one, each different from the one before it "
                             f"(the first from the current {name} {before!r})")
        times = []
        for value in values:
            start = time.perf_counter()
            control.value = value
            times.append(1000 * (time.perf_counter() - start))
        control.value = before
        return times


class FigureExplorer(Explorer):
    """An explorer whose picture is one matplotlib figure (``FIGURE_SIZES["explorer"]``, course style).

    A subclass defines ``controls``, ``_numbers(values) -> dict`` (the numbers of a view, cheap),
    ``_build(fig) -> artists`` (with the drawing functions of ``helpers.plotting``), ``_draw(artists, values,
    numbers) -> caption`` (updates them) and ``_dynamic(artists)`` (those a control move changes), then calls
    ``_start()``. ``numbers`` holds the numbers of the current view.

    >>> class SlopeExplorer(FigureExplorer):  # the smallest explorer: one line, its slope on a slider
    ...     def __init__(self):
    ...         self.controls = {"slope": widgets.FloatSlider(value=1.0, min=0.0, max=2.0)}
    ...         self._start()
    ...     def _numbers(self, values):
    ...         return {"slope": float(values["slope"])}
    ...     def _build(self, fig):
    ...         return {"line": fig.add_subplot().plot([0, 1], [0, 1])[0]}
    ...     def _draw(self, artists, values, numbers):
    ...         artists["line"].set_ydata([0, numbers["slope"]])
    ...         return f"slope {numbers['slope']:.1f}"
    ...     def _dynamic(self, artists):
    ...         return [artists["line"]]
    >>> explorer = SlopeExplorer()
    >>> explorer.set(slope=2.0)
    >>> explorer.caption, explorer.numbers, explorer.png[1:4]
    ('slope 2.0', {'slope': 2.0}, b'PNG')
    """

    def _start(self) -> None:
        """Build the live figure, lay it out once, draw its static backgrounds, and create the widget.

        Everything but the ``_dynamic`` artists (axes, legend, contours…) is drawn once per ``_background_key`` and
        copied back on every update, which draws only those artists and encodes one PNG (matplotlib's "blitting").
        """
        self.png, self.caption, self.numbers = b"", "", {}
        self._views: dict[tuple, tuple[bytes, str]] = {}
        with course_style():
            self._figure = Figure(figsize=FIGURE_SIZES["explorer"], dpi=EXPLORER_DPI, layout="constrained")
            self._canvas = FigureCanvasAgg(self._figure)
            self._artists = self._build(self._figure)
            values = self.values()
            self._draw(self._artists, values, self._numbers(values))
            self._figure.get_layout_engine().execute(self._figure)
            self._figure.set_layout_engine("none")  # the layout is fixed: no layout pass on every update
            self._dynamic_artists = sorted(self._dynamic(self._artists), key=lambda artist: artist.get_zorder())
            for artist in self._dynamic_artists:
                artist.set_animated(True)  # left out of a full draw: the backgrounds are without them
            self._backgrounds = {}
            for key, key_values in self._background_values().items():
                self._draw(self._artists, key_values, self._numbers(key_values))
                self._canvas.draw()
                self._backgrounds[key] = self._canvas.copy_from_bbox(self._figure.bbox)
        self._start_widget()

    def render(self, **values: object) -> tuple[bytes, str]:
        """PNG bytes and the caption of the view for these control values (also sets ``numbers``; keeps the pictures
        of the last ``CACHED_VIEWS`` views)."""
        self.numbers = self._numbers(values)
        key = tuple(sorted(values.items()))
        with course_style():
            caption = self._draw(self._artists, values, self.numbers)  # cheap: the artists follow the view
            if key in self._views:
                return self._views[key]
            self._canvas.restore_region(self._backgrounds[self._background_key(values)])
            for artist in self._dynamic_artists:
                self._figure.draw_artist(artist)
        rgb = np.asarray(self._canvas.buffer_rgba())[:, :, :3]
        buffer = io.BytesIO()
        PILImage.fromarray(rgb).save(buffer, format="png", compress_level=1)
        if len(self._views) >= CACHED_VIEWS:
            self._views.pop(next(iter(self._views)))  # the oldest
        self._views[key] = (buffer.getvalue(), caption)
        return self._views[key]

    def preview(self, **values: object) -> plt.Figure:
        """A static figure of the view for these control values (default: the current ones), for slides."""
        self._check_names(values)
        values = {**self.values(), **values}
        with course_style():
            fig = plt.figure(figsize=FIGURE_SIZES["explorer"], layout="constrained")
            caption = self._draw(self._build(fig), values, self._numbers(values))
            fig.suptitle(caption, fontsize=MIN_FONT_SIZE, wrap=True)
        return fig

    def _background_values(self) -> dict[object, dict[str, object]]:
        """Control values that draw each static background (one, unless a control changes the axes)."""
        return {None: self.values()}

    def _background_key(self, values: Mapping[str, object]) -> object:
        """Which background the view for ``values`` is drawn on."""
        return None
