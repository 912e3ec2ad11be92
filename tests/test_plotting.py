"""The image-grid helper: 1- and 3-channel, uint8, float and normalized images."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from fake_cuda import FakeCuda

from helpers.plotting import show_images, to_display  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    matplotlib.pyplot.close("all")


def test_uint8_and_float_images_show_the_same_pixels(mnist):
    image = mnist[0][0]
    assert np.allclose(to_display(image), image.numpy() / 255)
    assert np.allclose(to_display(image.float()[None] / 255), image.numpy() / 255)


def test_normalized_images_are_undone_exactly_not_min_max_rescaled():
    image = torch.tensor([[[0.2, 0.6]]])  # values 0.2 and 0.6, not spanning 0…1
    normalized = (image - 0.5) / 0.5
    assert np.allclose(to_display(normalized, mean=[0.5], std=[0.5]), [[0.2, 0.6]])


def test_rgb_channels_first_and_last_give_the_same_picture():
    rgb = torch.randint(0, 256, (3, 5, 7), dtype=torch.uint8)
    assert np.array_equal(to_display(rgb), to_display(rgb.permute(1, 2, 0).numpy()))
    assert to_display(rgb).shape == (5, 7, 3)


def test_grid_has_one_titled_panel_per_image(mnist):
    images, labels = mnist
    fig = show_images(images[:10], titles=[str(int(y)) for y in labels[:10]], ncols=4)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(fig.axes) == 12 and len(shown) == 10
    assert [ax.get_title() for ax in shown] == [str(int(y)) for y in labels[:10]]


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match="outside \\[0, 1\\].*mean and std"):
        to_display(torch.full((1, 2, 2), -1.0))
    with pytest.raises(ValueError, match="image must be"):
        to_display(torch.zeros(4, 2, 2))
    with pytest.raises(ValueError, match="titles has 1 entries but there are 2 images"):
        show_images(torch.zeros(2, 1, 2, 2), titles=["a"])
    with pytest.raises(ValueError, match="images is empty"):
        show_images([])


def test_value_histograms_accept_tensors_on_another_device():
    from helpers.plotting import plot_value_histograms

    fig = plot_value_histograms({"ToTensor": torch.rand(2, 1, 4, 4).as_subclass(FakeCuda)})
    assert len(fig.axes) == 1


# ------------------------------------------------------------------ image grids: labels and value scales
def test_titles_that_repeat_along_each_row_become_row_labels(mnist):
    images, _ = mnist
    fig = show_images(images[:6], titles=["zero"] * 3 + ["one"] * 3, ncols=3)
    shown = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in shown] == [""] * 6
    assert [ax.get_ylabel() for ax in shown[::3]] == ["zero", "one"]


def test_a_grid_too_large_for_a_slide_gets_smaller_images_not_a_larger_figure(mnist):
    fig = show_images(mnist[0][:80], ncols=8, size=1.0)  # 8 × 10 images of 1 inch would be 10 inches tall
    width, height = fig.get_size_inches()
    assert width <= 10 and height <= 5.6


def test_long_titles_are_wrapped_to_fit_their_image():
    fig = show_images(torch.zeros(9, 1, 4, 4), titles=[f"+{k}° (+1, -2)" for k in range(9)], ncols=9)
    assert all(ax.get_title().count("\n") == 1 for ax in fig.axes if ax.images)


def test_value_images_share_one_colour_scale_with_a_colour_bar():
    values = torch.tensor([[[-0.5, 0.0]], [[0.0, 2.0]]])  # 2 images of 1×2 pixels
    fig = show_images(values, ncols=2, colorbar="difference")
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert images[0].norm is images[1].norm and images[0].get_cmap().name == "RdBu_r"
    assert (images[0].norm.vmin, images[0].norm.vmax) == (-2.0, 2.0)  # diverging: centred at 0
    assert fig.axes[-1].get_ylabel() == "difference"
    fig = show_images(values.abs(), ncols=2, colorbar="|difference|")
    assert fig.axes[0].images[0].norm.vmin == 0 and fig.axes[0].images[0].get_cmap().name == "magma"
    fig = show_images(values.abs(), ncols=2, colorbar="value", value_range=(-1, 1))
    assert (fig.axes[0].images[0].norm.vmin, fig.axes[0].images[0].norm.vmax) == (-1.0, 1.0)
    with pytest.raises(ValueError, match="value_range=\\(1, 1\\) must be"):
        show_images(values, colorbar="value", value_range=(1, 1))


def test_reference_line_marks_the_same_column_on_every_image():
    fig = show_images(torch.zeros(3, 1, 8, 8), ncols=3, reference_x=3.5)
    assert [ax.lines[0].get_xdata()[0] for ax in fig.axes] == [3.5] * 3


def test_grid_labels_must_match_the_grid():
    with pytest.raises(ValueError, match="row_labels has 3 entries but the grid has 2"):
        show_images(torch.zeros(4, 1, 2, 2), ncols=2, row_labels=["a", "b", "c"])


# ------------------------------------------------------------------ the pipeline inspector
def _pipeline():
    from torchvision.transforms import v2

    return v2.Compose([v2.RandomRotation(30), v2.ToImage(), v2.ToDtype(torch.float32, scale=True),
                       v2.Normalize((0.5,), (0.5,))])


def test_pipeline_inspector_shows_every_step_with_its_type_dtype_and_range(mnist):
    from PIL import Image

    from helpers.plotting import show_pipeline_steps

    digit = Image.fromarray(mnist[0][0].numpy())
    fig = show_pipeline_steps(_pipeline(), digit, seed=3)
    panels = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in panels] == ["input", "RandomRotation", "ToImage", "ToDtype", "Normalize"]
    assert panels[0].get_xlabel().startswith("PIL 28×28\nuint8")
    assert panels[3].get_xlabel().startswith("Image 1×28×28\nfloat32\n0.00…")
    assert panels[4].images[0].get_cmap().name == "RdBu_r"  # normalized: diverging, centred at 0
    assert panels[4].images[0].norm.vmin == -panels[4].images[0].norm.vmax
    assert fig.axes[-1].get_ylabel().startswith("normalized value")  # its colour bar


def test_pipeline_inspector_is_reproducible_and_leaves_the_global_random_state_alone(mnist):
    from PIL import Image

    from helpers.plotting import show_pipeline_steps

    digit = Image.fromarray(mnist[0][0].numpy())
    torch.manual_seed(123)
    before = torch.get_rng_state()
    first = show_pipeline_steps(_pipeline(), digit, seed=3).axes[1].images[0].get_array()
    assert torch.equal(torch.get_rng_state(), before)
    again = show_pipeline_steps(_pipeline(), digit, seed=3).axes[1].images[0].get_array()
    other = show_pipeline_steps(_pipeline(), digit, seed=4).axes[1].images[0].get_array()
    assert np.array_equal(first, again) and not np.array_equal(first, other)
    with pytest.raises(ValueError, match="transform must be a torchvision Compose"):
        show_pipeline_steps(lambda x: x, digit)


# ------------------------------------------------------------------ original / augmented pairs
def test_pairs_put_the_original_first_and_undo_normalize_exactly(mnist):
    from helpers.plotting import show_augmented_pairs

    originals = mnist[0][:2]
    copies = [[(d.float()[None] / 255 - 0.5) / 0.5, (d.flip(-1).float()[None] / 255 - 0.5) / 0.5] for d in originals]
    fig = show_augmented_pairs(originals, copies, mean=(0.5,), std=(0.5,))
    rows = np.array(fig.axes).reshape(2, 3)
    assert [ax.get_title() for ax in rows[0]] == ["original", "copy 1", "copy 2"]
    assert np.allclose(rows[1, 0].images[0].get_array(), originals[1].numpy() / 255)
    assert np.allclose(rows[1, 1].images[0].get_array(), originals[1].numpy() / 255, atol=1e-6)
    assert np.allclose(rows[1, 2].images[0].get_array(), originals[1].flip(-1).numpy() / 255, atol=1e-6)


def test_pairs_reject_ragged_rows():
    from helpers.plotting import show_augmented_pairs

    with pytest.raises(ValueError, match="same, non-zero number of copies, got \\[1, 2\\]"):
        show_augmented_pairs(torch.zeros(2, 4, 4), [[torch.zeros(4, 4)], [torch.zeros(4, 4)] * 2])
    with pytest.raises(ValueError, match="titles must have 1 rows of 1 titles"):
        show_augmented_pairs(torch.zeros(1, 4, 4), [[torch.zeros(4, 4)]], titles=[["a", "b"]])


# ------------------------------------------------------------------ nearest vs bilinear
def test_zoomed_panels_show_exactly_the_boxed_pixels():
    from helpers.plotting import COLORS, show_nearest_vs_bilinear

    images = [torch.rand(1, 12, 12) for _ in range(3)]
    fig = show_nearest_vs_bilinear(*images, box=(2, 3, 5), notes={"bilinear": "smooth"})
    axes = np.array(fig.axes).reshape(2, 3)
    for column, image in enumerate(images):
        assert np.allclose(axes[1, column].images[0].get_array(), image[0, 2:7, 3:8].numpy())
    assert [ax.get_xlabel() for ax in axes[1]] == ["zoomed in", "zoomed in", "smooth"]
    assert axes[0, 1].title.get_color() == COLORS["nearest"] and axes[0, 2].title.get_color() == COLORS["bilinear"]
    with pytest.raises(ValueError, match="box=\\(8, 8, 5\\) must lie inside the 12×12 image"):
        show_nearest_vs_bilinear(*images, box=(8, 8, 5))


# ------------------------------------------------------------------ one image converter, one style
def test_image_array_reads_every_layout_channels_last_and_keeps_the_input():
    from PIL import Image

    from helpers.images import as_pil, image_array

    rgb = torch.randint(0, 256, (3, 5, 7), dtype=torch.uint8)
    kept = rgb.clone()
    assert np.array_equal(image_array(rgb), rgb.permute(1, 2, 0).numpy()) and torch.equal(rgb, kept)
    assert np.array_equal(image_array(Image.fromarray(rgb.permute(1, 2, 0).numpy())), image_array(rgb))
    assert image_array(np.zeros((5, 7, 1))).shape == (5, 7)
    assert image_array(torch.zeros(3, 5, 3)).shape == (5, 3, 3)  # a tensor is read channels first
    assert as_pil(rgb).size == (7, 5)
    with pytest.raises(ValueError, match="must be an image H×W, 1×H×W, 3×H×W, H×W×1 or H×W×3, got shape \\(4, 2, 2\\)"):
        image_array(torch.zeros(4, 2, 2))
    with pytest.raises(TypeError, match="image must be a tensor, a numpy array or a PIL image, got list"):
        image_array([[0, 1]])
    with pytest.raises(ValueError, match="must be a uint8 image.*got float32"):
        as_pil(torch.zeros(1, 2, 2))


def test_course_style_sets_fonts_and_palette_only_inside_its_block():
    import matplotlib.pyplot as plt

    from helpers.plotting import COLORS, course_style, use_course_style

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        with course_style():
            assert matplotlib.rcParams["legend.fontsize"] == 12
        assert matplotlib.rcParams["legend.fontsize"] == "medium"
        use_course_style()
        assert matplotlib.rcParams["xtick.labelsize"] == 12
        cycle = [c.upper() for c in plt.rcParams["axes.prop_cycle"].by_key()["color"]]
        assert COLORS["validation"].upper() in cycle


def test_every_condition_has_one_colour_and_names_are_matched_by_meaning():
    from helpers.plotting import COLORS, color_for

    assert color_for("small CNN") == COLORS["cnn"]
    assert color_for("without augmentation") == COLORS["without augmentation"] != COLORS["with augmentation"]
    assert color_for("something else", default="#123456") == "#123456"
    with pytest.raises(ValueError, match="names no course condition"):
        color_for("something else")


def test_overlapping_tick_labels_are_thinned_and_minor_labels_dropped():
    import matplotlib.pyplot as plt

    from helpers.plotting.style import course_style, finish, log_axis

    with course_style():
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([50, 3500], [0, 1])
        log_axis(ax, "x", [50, 100, 200, 500, 1000, 2000, 3000, 3500])
        finish(fig)
    shown = [t.get_text() for t in ax.get_xticklabels()]
    assert shown[0] == "50" and 3 <= len(shown) < 8  # some dropped, the first kept
    assert all(t.get_text() == "" for t in ax.xaxis.get_minorticklabels())


# ------------------------------------------------------------------ the loss landscape is computed, then drawn
def test_loss_landscape_is_centred_on_the_least_squares_minimum():
    from helpers.geometry import least_squares, loss_landscape, mse_surface

    g = torch.Generator().manual_seed(0)
    x = torch.randn(40, 2, generator=g) * torch.tensor([1.0, 4.0])
    y = x @ torch.tensor([0.5, -1.0]) + 2.0 + 0.1 * torch.randn(40, generator=g)
    landscape = loss_landscape(x, y, steps=7, grid=25)
    w, b = least_squares(x, y)
    assert torch.allclose(landscape.minimum, w) and landscape.steps == 7 and landscape.loss.shape == (25, 25)
    assert landscape.best_loss == pytest.approx(float(((x.double() @ w + b - y.double()) ** 2).mean()))
    assert landscape.best_loss <= float(landscape.loss.min()) + 1e-12  # the grid never goes below the minimum
    assert landscape.w1.min() < landscape.path[:, 0].min() and landscape.w1.max() > w[0]
    assert torch.allclose(landscape.loss, mse_surface(x, y, landscape.w1, landscape.w2, bias=b))
    with pytest.raises(ValueError, match="steps=0 must be >= 1"):
        loss_landscape(x, y, steps=0)


def test_loss_contours_only_draw_landscapes():
    from helpers.plotting import plot_loss_contours

    with pytest.raises(TypeError, match="landscapes must map names to helpers.geometry.loss_landscape"):
        plot_loss_contours({"raw": (torch.zeros(3, 2), torch.zeros(3))})


def test_course_style_leaves_settings_it_does_not_own_as_the_block_left_them():
    from helpers.plotting import course_style

    with matplotlib.rc_context():
        matplotlib.interactive(False)
        with course_style():
            matplotlib.interactive(True)  # what Jupyter's inline backend does when the first figure is drawn
        assert matplotlib.is_interactive()  # else later figures of the notebook are never shown


# ------------------------------------------------------------------ one style: colours, fonts, sizes in style.py only
STYLE_LITERAL = re.compile(
    r"#[0-9A-Fa-f]{6}\b"  # a hex colour
    r"|fontsize\s*=\s*[\d.]+"  # a font size in points
    r"|figsize\s*=\s*\(\s*[\d.]+\s*,\s*[\d.]+\s*\)"  # a figure size in inches
    r"|\b(?:FONT_SIZE|FIGSIZE|DPI|PALETTE)\s*=\s*"  # a module's own style constant
)
HELPERS = Path(__file__).resolve().parent.parent / "helpers"


def style_literals(source: str) -> list[str]:
    """The lines of ``source`` that set a colour, font size or figure size of their own."""
    return [line.strip() for line in source.splitlines() if STYLE_LITERAL.search(line)]


def test_the_style_check_finds_colours_fonts_and_sizes_set_outside_the_style():
    bad = ('PALETTE = {"first feature": "#56B4E9"}\nFONT_SIZE = 12\nfig.suptitle(t, fontsize=12)\n'
           'fig = plt.figure(figsize=(10.0, 4.8))\nax.plot(x, color=COLORS["fit"])\n'
           'fig = plt.figure(figsize=FIGURE_SIZES["explorer"])')
    assert len(style_literals(bad)) == 4, style_literals(bad)


def test_colours_fonts_and_sizes_are_set_only_in_the_style_module():
    found = {str(path.relative_to(HELPERS)): style_literals(path.read_text(encoding="utf-8"))
             for path in sorted(HELPERS.rglob("*.py")) if path != HELPERS / "plotting" / "style.py"}
    found = {name: lines for name, lines in found.items() if lines}
    assert not found, f"set these in helpers/plotting/style.py and use them by name: {found}"


def test_predicted_digits_are_white_on_black_with_a_text_per_model_and_a_legend_of_the_colours():
    from matplotlib.colors import to_hex

    from helpers.plotting import COLORS, draw_predicted_digits

    fig = matplotlib.pyplot.figure(layout="constrained")
    colors = {"without augmentation": COLORS["without augmentation"], "with augmentation": COLORS["with augmentation"]}
    digits = torch.zeros(5, 28, 28)
    digits[:, 10:18, 12:16] = 1  # a stroke
    pictures, texts = draw_predicted_digits(fig, fig.add_gridspec(1, 2)[0, 1], digits, colors, ncols=3)
    assert len(pictures) == len(texts) == 5 and all(len(row) == 2 for row in texts)
    picture = pictures[0]
    assert picture.get_cmap().name == "gray" and picture.get_clim() == (0, 1)  # 0 (background) black, 1 white
    assert [to_hex(t.get_color()) for t in texts[3]] == [to_hex(c) for c in colors.values()]
    legend = fig.axes[-1].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [f"prediction {name}" for name in colors]
    assert [to_hex(h.get_facecolor()) for h in legend.legend_handles] == [to_hex(c) for c in colors.values()]
    assert "✓" in legend.get_title().get_text() and "✗" in legend.get_title().get_text()


def test_predicted_digits_refuse_bad_input():
    from helpers.plotting import draw_predicted_digits

    fig = matplotlib.pyplot.figure()
    region = fig.add_gridspec(1, 1)[0]
    with pytest.raises(ValueError, match=r"digits must be N×H×W with N ≥ 1, got shape \(28, 28\)"):
        draw_predicted_digits(fig, region, torch.zeros(28, 28), {"a": "k"})
    with pytest.raises(ValueError, match="colors must be a non-empty dict"):
        draw_predicted_digits(fig, region, torch.zeros(2, 28, 28), {})
    with pytest.raises(TypeError, match="ncols must be an int, got float"):
        draw_predicted_digits(fig, region, torch.zeros(2, 28, 28), {"a": "k"}, ncols=2.0)
    with pytest.raises(ValueError, match="ncols=0 must be a positive integer"):
        draw_predicted_digits(fig, region, torch.zeros(2, 28, 28), {"a": "k"}, ncols=0)


def test_pixel_statistics_write_subscripts_as_math_and_say_them_in_words():
    import re

    from helpers.plotting import plot_pixel_statistics
    from helpers.plotting.style import alt_text

    fig = plot_pixel_statistics(torch.rand(5, 5), torch.zeros(5, 5))
    texts = [ax.get_title() for ax in fig.axes] + [t.get_text() for t in fig.axes[2].get_legend().get_texts()]
    outside_math = [re.sub(r"\$[^$]*\$", "", text) for text in texts]
    assert all("_" not in text for text in outside_math), texts  # "μ_j" would show its underscore
    assert any(r"$\mu_j$" in text for text in texts) and any(r"$\sigma_j = 0$" in text for text in texts)
    words = alt_text(fig)
    assert "$" not in words and "_" not in words and "25 pixels" in words, words
