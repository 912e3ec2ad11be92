"""The image-grid helper: 1- and 3-channel, uint8, float and normalized images."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from fake_cuda import FakeCuda

from helpers.plotting import show_images, to_display  # noqa: E402


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
