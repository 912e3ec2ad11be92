"""The augmentation explorer, driven headless through its widget objects as a user would."""

from __future__ import annotations

import io
import statistics
import time

import ipywidgets
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from fake_cuda import FakeCuda
from PIL import Image  # noqa: E402

from helpers.widgets import AugmentationExplorer  # noqa: E402

UPDATE_BUDGET_MS = 50


@pytest.fixture
def explorer(mnist) -> AugmentationExplorer:
    images, labels = mnist
    return AugmentationExplorer(images, labels, choices=[0, 500, 1000, 1500])


def test_moving_the_angle_slider_redraws_the_image_within_50_ms(explorer):
    slider = explorer.controls["angle"]
    slider.value = 1  # first update: imports and caches warm up
    times, images = [], {explorer.png}
    for angle in range(-30, 31, 6):
        start = time.perf_counter()
        slider.value = angle
        times.append(1000 * (time.perf_counter() - start))
        images.add(explorer.png)
        assert explorer.caption.startswith(f"angle {angle:+d}°")
    assert len(images) == len(times) + 1, "every move gave a new image"
    assert statistics.median(times) <= UPDATE_BUDGET_MS, f"median update {statistics.median(times):.1f} ms"
    assert statistics.median(explorer.time_updates("angle", [-20, 10, 25])) <= UPDATE_BUDGET_MS


@pytest.mark.parametrize("control, value", [("digit", 500), ("shift_x", 2.0), ("shift_y", -1.5), ("scale", 1.3),
                                            ("interpolation", "nearest"), ("normalize", True)])
def test_every_control_changes_the_image(explorer, control, value):
    explorer.controls["angle"].value = 17  # so that interpolation matters
    before = explorer.png
    explorer.controls[control].value = value
    assert explorer.png != before, f"{control} = {value!r} did not change the image"


def test_the_normalize_toggle_shows_the_values_the_network_sees(explorer):
    assert "values +0.00…+1.00" in explorer.caption
    explorer.controls["normalize"].value = True
    assert "values -1.00…+1.00 (normalized)" in explorer.caption
    background = decode(explorer.png)[2, 2]
    explorer.controls["normalize"].value = False
    assert not np.array_equal(decode(explorer.png)[2, 2], background), "the background colour moves with Normalize"


def test_the_image_is_original_then_augmented_with_visible_pixels(explorer):
    pixels = decode(explorer.png)
    side = 28 * explorer.pixel_size
    assert pixels.shape == (side, 2 * side + explorer.pixel_size, 3)
    left, right = pixels[:, :side], pixels[:, -side:]
    assert not np.array_equal(left, right), "the lecture's zoom by 32/28 already changes the digit"
    explorer.controls["angle"].value = 30
    assert np.array_equal(decode(explorer.png)[:, :side], left), "the original stays the same"


def test_the_widget_is_an_interactive_with_the_angle_slider_first(explorer):
    assert isinstance(explorer.widget, ipywidgets.interactive)
    assert "widget-interact" in explorer.widget._dom_classes
    sliders = [w for w in explorer.widget.children if isinstance(w, ipywidgets.FloatSlider)]
    assert sliders[0].description.startswith("angle"), "the first slider on the page is the angle"
    assert isinstance(explorer.widget.children[-1], ipywidgets.Output), "the image is shown in the output"


def test_static_preview_shows_the_digit_at_a_few_angles(explorer):
    fig = explorer.preview(angles=(-30, 0, 30))
    titles = [ax.get_title() for ax in fig.axes if ax.images]
    assert titles == ["original", "rotated -30°", "rotated +0°", "rotated +30°"]


@pytest.mark.parametrize(("normalize", "scale", "label"), [
    (True, (-1.0, 1.0), "normalized pixel value (−1…+1)"),
    (False, (0.0, 1.0), "pixel value (0…1, not normalized)"),
])
def test_static_preview_draws_values_on_the_scale_its_colour_bar_names(explorer, normalize, scale, label):
    import matplotlib.pyplot as plt

    fig = explorer.preview(angles=(0, 30), normalize=normalize)
    try:
        panels = [ax.images[0] for ax in fig.axes if ax.images]
        background = float(panels[0].get_array()[0, 0])  # the corner of the original digit
        assert background == scale[0], "the background is the low end of the scale: -1 normalized, 0 otherwise"
        assert all(p.get_clim() == scale for p in panels)
        assert fig.axes[-1].get_ylabel() == label
        assert all(float(p.get_array().min()) >= scale[0] for p in panels)
    finally:
        plt.close(fig)


def test_the_image_matches_fused_augment(explorer, mnist):
    image = explorer.image(digit=500, angle=10, shift_x=1, shift_y=0, scale=1.0, interpolation="bilinear")
    expected = explorer.augment.apply(mnist[0][500:501, None].float() / 255, 10.0, (1, 0))[0]
    assert torch.equal(image, expected)


@pytest.mark.parametrize("make, message", [
    (lambda m: AugmentationExplorer(m[0].float()), r"images must be uint8 grey digits N×H×W or N×1×H×W"),
    (lambda m: AugmentationExplorer(m[0][:, None].expand(-1, 3, -1, -1)), r"images must be uint8 grey digits"),
    (lambda m: AugmentationExplorer(m[0], mean=(0.5, 0.5), std=(0.5, 0.5)), r"need exactly one value each"),
    (lambda m: AugmentationExplorer(m[0], choices=[5000]), r"choices must be a non-empty list of indices in 0…4999"),
    (lambda m: AugmentationExplorer(m[0], pixel_size=0), r"pixel_size=0 must be at least 1"),
    (lambda m: AugmentationExplorer(m[0]).time_updates("angle", [0]), r"each different from the one before it"),
])
def test_bad_input_is_explained(mnist, make, message):
    with pytest.raises(ValueError, match=message):
        make(mnist)


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_explorer_keeps_images_from_another_device_on_the_cpu(mnist):
    images, labels = mnist
    explorer = AugmentationExplorer(images[:3].as_subclass(FakeCuda), labels[:3], choices=[0, 1])
    assert type(explorer.images) is torch.Tensor
    explorer.controls["angle"].value = 10
    assert explorer.caption.startswith("angle +10°")


def test_selecting_bicubic_updates_the_image_and_the_preview(explorer):
    import matplotlib.pyplot as plt

    explorer.controls["angle"].value = 17
    before = explorer.png
    explorer.controls["interpolation"].value = "bicubic"  # overshoots [0, 1] a little
    assert explorer.png != before and ", bicubic · values" in explorer.caption
    plt.close(explorer.preview())
