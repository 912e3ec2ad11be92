"""Text alternatives of the course figures (``helpers.plotting.style``): what they say, and that Jupyter saves
them with each displayed figure, in the output metadata the course website reads (``{"image/png": {"alt": ...}}``).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import nbformat
import pytest
from matplotlib.patches import Patch

from helpers.plotting.style import ALT_TEXT_KEY, alt_text, describe_figure, install_alt_text, set_alt_text
from tools.notebooks import run_notebook


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_a_plot_is_described_by_its_title_panels_axis_labels_and_legend():
    fig, (left, right) = plt.subplots(1, 2)
    fig.suptitle("Learning curves")
    left.plot([1, 2], label="train")
    left.plot([2, 1], label="validation")
    left.legend()
    left.set(title="Accuracy", xlabel="training size", ylabel="accuracy")
    image = right.imshow([[0, 1], [2, 3]])
    fig.colorbar(image, ax=right, label="pixel value")
    right.set_title("a digit")
    assert describe_figure(fig) == ("Figure: Learning curves — a plot and an image. Accuracy (x: training size; "
                                    "y: accuracy; legend: train, validation). Images: a digit. "
                                    "Colour scale: pixel value.")


def test_a_panel_without_a_title_is_described_by_its_axis_labels():
    fig, ax = plt.subplots()
    ax.hist([1, 2, 2])
    ax.set(xlabel="angle (degrees)", ylabel="count")
    assert describe_figure(fig) == "Figure: a plot. x: angle (degrees); y: count."


def test_a_panel_that_only_holds_a_legend_is_a_key_not_a_plot():
    """04's explorer: a plot, two rows of digits and, below them in the same grid, a key of the models' colours
    (axis off, only a legend). The key is neither a plot nor a row of images."""
    fig = plt.figure()
    grid = fig.add_gridspec(3, 4)
    fig.add_subplot(grid[:, 0]).set(xlabel="angle (degrees)")
    fig.axes[0].plot([0, 1], [0, 1])
    for i in range(6):
        fig.add_subplot(grid[i // 3, 1 + i % 3]).imshow([[0]])
    key = fig.add_subplot(grid[2, 1:])
    key.axis("off")
    key.legend(handles=[Patch(color="red", label="without augmentation"), Patch(color="blue", label="with")],
               title="below each digit: ✓ right")
    assert describe_figure(fig) == ("Figure: a plot and 6 images in 2 rows × 3 columns. x: angle (degrees). "
                                    "Key (below each digit: ✓ right): without augmentation, with.")


def test_an_image_grid_names_its_shape_and_row_labels_and_long_lists_end_in_an_ellipsis():
    fig, axes = plt.subplots(10, 8)
    for row, line in enumerate(axes):
        for ax in line:
            ax.imshow([[0]])
        line[0].set_ylabel(f"digit\n{row}")
    assert describe_figure(fig) == ("Figure: 80 images in 10 rows × 8 columns. "
                                    "Rows: digit 0, digit 1, digit 2, digit 3, digit 4, digit 5, …")


def test_an_alt_text_set_by_hand_wins_and_bad_arguments_are_refused():
    fig, ax = plt.subplots()
    ax.set_title("Loss")
    assert alt_text(fig) == "Figure: a plot. Loss."
    set_alt_text(fig, "  Loss falls with every epoch. ")
    assert alt_text(fig) == "Loss falls with every epoch."
    with pytest.raises(ValueError, match="text must be a non-empty sentence"):
        set_alt_text(fig, " ")
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure, got Axes"):
        set_alt_text(ax, "Loss")


def test_outside_ipython_nothing_is_installed():
    assert install_alt_text() is False


def test_jupyter_saves_each_figures_alt_text_in_its_output_metadata(tmp_path):
    """A real kernel: figures shown at the end of a cell, by display(), after `%matplotlib inline` re-registers
    the formatters, and in the first cell that draws (the backend registers its formatters only then)."""
    cells = [
        "from helpers.plotting import use_course_style\nimport matplotlib.pyplot as plt\nuse_course_style()",
        "fig, ax = plt.subplots()\nax.plot([1, 2])\nax.set(title='Loss', xlabel='epoch');",
        "%matplotlib inline\nfrom helpers.plotting.style import set_alt_text\n"
        "fig = set_alt_text(plt.figure(), 'A hand-written sentence.')\nfig.add_subplot().plot([1])\ndisplay(fig)\n"
        "plt.close(fig)",
        "fig, ax = plt.subplots()\nax.imshow([[0, 1]]);",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    assert run_notebook(nb, tmp_path, timeout=120, max_output=None, allow_errors=False) == "ran"
    alts = [output["metadata"].get("image/png", {}).get(ALT_TEXT_KEY) for cell in nb.cells
            for output in cell.outputs if "image/png" in output.get("data", {})]
    assert alts == ["Figure: a plot. Loss (x: epoch).", "A hand-written sentence.", "Figure: an image."]
