"""Bad and corrupt inputs: each is refused with the error type that fits, a message naming the
culprit (parameter or file) and what is allowed, and the input left as it was.

Three classes (issue 15): local MNIST files that are not what they should be, data that would
train silently into nonsense, and things of the wrong kind.
"""

from __future__ import annotations

import math
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from helpers.data import ImageDataset, load_mnist, stratified_split
from helpers.images import image_array
from helpers.runs import train_small_model
from helpers.standardization import dataset_mean_std, mean_of_batch_stds, normalize
from helpers.training import Engine, Training, learning_curve, plan_learning_curve
from helpers.transforms import FusedAugment, apply_each, sharpness
from helpers.validation import (
    check_choice,
    check_finite_images,
    check_generator,
    check_in_range,
    check_int,
    check_type,
    check_uint8_or_float,
)


# --------------------------------------------------------------------------------------------
# local MNIST files
# --------------------------------------------------------------------------------------------
def idx_images(images: torch.Tensor) -> bytes:
    n, rows, cols = images.shape
    return struct.pack(">IIII", 0x0803, n, rows, cols) + images.numpy().tobytes()


def idx_labels(labels: torch.Tensor) -> bytes:
    return struct.pack(">II", 0x0801, len(labels)) + labels.to(torch.uint8).numpy().tobytes()


@pytest.fixture
def raw_mnist(tmp_path, mnist) -> Path:
    """A root folder with all four MNIST idx files (4,000 train + 1,000 test digits), valid."""
    images, labels = mnist
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "train-images-idx3-ubyte").write_bytes(idx_images(images[:4000]))
    (raw / "train-labels-idx1-ubyte").write_bytes(idx_labels(labels[:4000]))
    (raw / "t10k-images-idx3-ubyte").write_bytes(idx_images(images[4000:]))
    (raw / "t10k-labels-idx1-ubyte").write_bytes(idx_labels(labels[4000:]))
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def load_without_fallback_warning(root: Path) -> None:
    """``load_mnist("torchvision", root)`` with the default ``fallback=True``: any fallback warning fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_mnist("torchvision", root=root)


@pytest.mark.parametrize(
    ("damage", "file", "message"),
    [
        (lambda b: b[: len(b) // 2], "train-images-idx3-ubyte",
         r"train-images-idx3-ubyte' is truncated \(half downloaded\?\): 1568008 bytes, expected 3136016 bytes "
         r"for the 4000 items its header announces; delete the file to download it again"),
        (lambda b: b[:10], "t10k-labels-idx1-ubyte",
         r"t10k-labels-idx1-ubyte' is truncated \(half downloaded\?\): 10 bytes, expected 1008 bytes"),
        (lambda b: b"", "t10k-images-idx3-ubyte",
         r"t10k-images-idx3-ubyte' is truncated: 0 bytes, expected a header of 16 bytes; delete the file"),
        (lambda b: b"<!DOCTYPE html><html><body>503 Service Unavailable</body></html>\n" * 20,
         "train-labels-idx1-ubyte",
         r"train-labels-idx1-ubyte' is not an MNIST idx file \(it looks like a web page, not MNIST data\): it "
         r"starts with magic number 0x3c21444f, expected 0x00000801; delete the file to download it again"),
        (lambda b: b + b"\0" * 784, "t10k-images-idx3-ubyte",
         r"t10k-images-idx3-ubyte' is longer than its header says: 784800 bytes, expected 784016"),
    ],
)
def test_a_broken_local_idx_file_is_an_error_naming_it_not_a_fallback(raw_mnist, no_network, damage, file, message):
    path = raw_mnist / "MNIST" / "raw" / file
    path.write_bytes(damage(path.read_bytes()))
    before = snapshot(raw_mnist)
    with pytest.raises(ValueError, match=message):
        load_without_fallback_warning(raw_mnist)
    assert snapshot(raw_mnist) == before  # nothing deleted or rewritten


def test_images_and_labels_that_disagree_in_count_name_both_files(raw_mnist, mnist, no_network):
    labels_path = raw_mnist / "MNIST" / "raw" / "train-labels-idx1-ubyte"
    labels_path.write_bytes(idx_labels(mnist[1][:3999]))
    before = snapshot(raw_mnist)
    with pytest.raises(ValueError, match=r"MNIST files disagree: '.*train-images-idx3-ubyte' holds 4000 images but "
                                         r"'.*train-labels-idx1-ubyte' holds 3999 labels; delete both files"):
        load_without_fallback_warning(raw_mnist)
    assert snapshot(raw_mnist) == before


def test_images_of_another_size_are_refused(raw_mnist, no_network):
    path = raw_mnist / "MNIST" / "raw" / "t10k-images-idx3-ubyte"
    path.write_bytes(idx_images(torch.zeros(1000, 32, 32, dtype=torch.uint8)))
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte' holds items of shape \(32, 32\), "
                                         r"expected \(28, 28\)"):
        load_without_fallback_warning(raw_mnist)


def test_a_root_that_is_a_file_is_an_error_naming_it(tmp_path, no_network):
    root = tmp_path / "data"
    root.write_bytes(b"my notes")
    with pytest.raises(NotADirectoryError, match=r"root: '.*data' is a file, but MNIST needs a folder there; "
                                                 r"pass another root= or move that file away"):
        load_without_fallback_warning(root)
    assert root.read_bytes() == b"my notes"


def test_a_root_that_is_not_a_path_is_a_type_error(no_network):
    with pytest.raises(TypeError, match=r"root must be a folder path \(str or pathlib.Path\), got int"):
        load_without_fallback_warning(3)


def test_an_incomplete_folder_is_downloaded_again_so_only_the_network_failure_falls_back(raw_mnist, no_network):
    """torchvision replaces all four files when one is missing: a broken one is not read, no error."""
    raw = raw_mnist / "MNIST" / "raw"
    (raw / "t10k-labels-idx1-ubyte").unlink()
    (raw / "train-images-idx3-ubyte").write_bytes(b"<html>")
    with pytest.warns(RuntimeWarning, match="bundled"):
        images, _ = load_mnist("torchvision", root=raw_mnist)
    assert len(images) == 5000


# --------------------------------------------------------------------------------------------
# data that would train silently into nonsense
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small(mnist):
    images, labels = mnist
    parts = stratified_split(labels, {"train": 200, "val": 100}, seed=0)
    return images, labels, parts["train"], parts["val"]


def one_model(images, labels, pool, val, augment=None):
    """One model, one epoch, 50 training digits: what learning_curve checks before it trains."""
    plan = plan_learning_curve(labels, pool, val, [50], repeats=1)
    return learning_curve(images, labels, plan, training=Training(epochs=1), augment=augment,
                          engine=Engine(progress=False))


def float_digits_with(images: torch.Tensor, value: float) -> torch.Tensor:
    x = images.float() / 255
    x[7, 3, 4] = value
    return x


@pytest.mark.parametrize(("value", "message"), [
    (float("nan"), r"images has 1 NaN and 0 ±inf values \(the first in images\[7\]\); allowed: finite numbers only"),
    (float("inf"), r"images has 0 NaN and 1 ±inf values \(the first in images\[7\]\)"),
])
def test_training_refuses_nan_and_inf_pixels(small, value, message):
    images, labels, pool, val = small
    x = float_digits_with(images, value)
    before = x.clone()
    with pytest.raises(ValueError, match=message):
        one_model(x, labels, pool, val)
    assert torch.equal(x.nan_to_num(), before.nan_to_num())  # NaN != NaN: compare with NaN replaced


@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.int16])
def test_training_refuses_integer_images_that_are_not_uint8(small, dtype):
    images, labels, pool, val = small
    x = images.to(dtype)  # would be trained on as unscaled 0…255 values
    before = x.clone()
    with pytest.raises(ValueError, match=rf"images has dtype {dtype}; allowed: torch.uint8 \(pixels 0…255\) or a "
                                         r"float dtype — convert pixels 0…255 with images.to\(torch.uint8\)"):
        one_model(x, labels, pool, val)
    assert torch.equal(x, before)


def test_the_small_training_loop_refuses_nan_inputs_and_labels_outside_the_classes(mnist):
    x = mnist[0][:100, None].float() / 255
    y = mnist[1][:100].clone()
    x_nan = x.clone()
    x_nan[3, 0, 0, 0] = float("nan")
    with pytest.raises(ValueError, match=r"x_train has 1 NaN and 0 ±inf values \(the first in x_train\[3\]\)"):
        train_small_model(x_nan, y, x, y, steps=5)
    y_ignored = y.clone()
    y_ignored[0] = -100  # cross_entropy's ignore_index: this example would be skipped without a word
    with pytest.raises(ValueError, match=r"y_train has labels down to -100; allowed: classes 0, 1, 2, …"):
        train_small_model(x, y_ignored, x, y, steps=5)
    with pytest.raises(ValueError, match=r"x_val has dtype torch.uint8; allowed: a float dtype"):
        train_small_model(x, y, mnist[0][:100, None], y, steps=5)
    assert torch.equal(y_ignored[1:], y[1:]) and int(y_ignored[0]) == -100 and torch.isnan(x_nan[3, 0, 0, 0])


@pytest.mark.parametrize(("make", "message"), [
    (lambda x: x.to(torch.int64) * 255, r"loader batch 0 has dtype torch.int64; allowed: torch.uint8 \(pixels "
                                        r"0…255\) or a float dtype — convert pixels 0…255 with .to\(torch.uint8\)"),
    (lambda x: torch.where(x > 0.5, float("inf"), x),
     r"loader batch 0 has 0 NaN and \d+ ±inf values \(the first in example 0\)"),
    (lambda x: torch.where(x > 0.5, float("nan"), x), r"loader batch 0 has \d+ NaN and 0 ±inf values"),
])
@pytest.mark.parametrize("function", [dataset_mean_std, mean_of_batch_stds])
def test_statistics_refuse_nan_inf_and_non_uint8_integers_naming_the_batch(mnist, function, make, message):
    batch = make(mnist[0][:64, None].float() / 255)
    before = batch.clone()
    with pytest.raises(ValueError, match=message):
        function([batch])
    assert torch.equal(batch.nan_to_num(), before.nan_to_num())


# --------------------------------------------------------------------------------------------
# things of the wrong kind
# --------------------------------------------------------------------------------------------
def test_a_dataset_given_to_dataset_mean_std_is_read_in_batches_with_the_same_result(mnist):
    images, labels = mnist
    dataset = ImageDataset(images, labels, torch.arange(1000))
    before = images.clone()
    mean, std = dataset_mean_std(dataset)
    expected = dataset_mean_std(DataLoader(dataset, batch_size=256))
    assert mean.shape == std.shape == (1,)  # one channel, not one "mean" per row of an image
    assert torch.equal(mean, expected[0]) and torch.equal(std, expected[1])
    pixels = images[:1000].double()
    assert torch.allclose(mean, pixels.mean().reshape(1)) and torch.allclose(std, pixels.std(correction=0).reshape(1))
    assert torch.equal(images, before)


def test_a_dataset_given_to_mean_of_batch_stds_is_refused_its_result_depends_on_the_batch_size(mnist):
    dataset = ImageDataset(*mnist, torch.arange(100))
    with pytest.raises(TypeError, match=r"loader must be a DataLoader of batches, got the Dataset ImageDataset "
                                        r"\(single examples\); wrap it: DataLoader\(dataset, batch_size=...\)"):
        mean_of_batch_stds(dataset)


@pytest.mark.parametrize("function", [dataset_mean_std, mean_of_batch_stds])
def test_a_single_tensor_is_not_a_loader(mnist, function):
    x = mnist[0][:10, None].float()
    before = x.clone()
    with pytest.raises(TypeError, match=r"loader must be a DataLoader or an iterable of batches, got one Tensor of "
                                        r"shape \(10, 1, 28, 28\) .*pass \[x\] to use it as one batch"):
        function(x)
    assert torch.equal(x, before)


@pytest.mark.parametrize("call", [
    lambda augment, batch: augment(batch, 0),
    lambda augment, batch: augment(batch, generator=7),
    lambda augment, batch: augment.sample_params(len(batch), 0),
])
def test_a_seed_where_a_generator_is_expected_is_a_type_error(call):
    batch = torch.rand(4, 1, 28, 28)
    before = batch.clone()
    with pytest.raises(TypeError, match=r"generator must be a torch.Generator or None, got int; for a seed s pass "
                                        r"torch.Generator\(\).manual_seed\(s\)"):
        call(FusedAugment(), batch)
    assert torch.equal(batch, before)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: FusedAugment()([[0.0]]), r"batch must be an image tensor N×C×H×W .*got list"),
    (lambda: normalize([[[0.5]]], [0.5], [0.5]), r"images must be a float tensor .*got list"),
    (lambda: sharpness([[0.0, 1.0]]), r"images must be a float tensor H×W, N×H×W or N×C×H×W, got list"),
    (lambda: train_small_model([[0.0]] * 4, torch.zeros(4, dtype=torch.long), torch.zeros(4, 1),
                               torch.zeros(4, dtype=torch.long)),
     r"x_train must be a float torch.Tensor N×…, got list"),
    (lambda: apply_each("resize", torch.zeros(2, 28, 28, dtype=torch.uint8)),
     r"transform must be callable \(e.g. lecture_transform\('test'\)\), got str"),
])
def test_a_list_or_string_where_a_tensor_or_function_is_expected_is_a_type_error(call, message):
    with pytest.raises(TypeError, match=message):
        call()


@pytest.mark.parametrize(("call", "message"), [
    (lambda: Training(epochs=2.5), r"epochs must be a positive integer, got float"),
    (lambda: Training(epochs=True), r"epochs must be a positive integer, got bool"),
    (lambda: Training(batch_size="64"), r"batch_size must be a positive integer, got str"),
    (lambda: Training(lr="0.1"), r"lr must be a number in \(0, ∞\), got str"),
    (lambda: Training(momentum=torch.tensor(0.9)), r"momentum must be a number in \[0, 1\), got Tensor"),
    (lambda: Engine(device=0), r"device must be a device name such as 'cpu' or 'cuda', a torch.device, or None"),
    (lambda: Engine(progress="no"), r"progress must be True or False, got str"),
    (lambda: Engine(cpu_threads=1.0), r"cpu_threads must be None or a positive integer, got float"),
])
def test_a_training_or_engine_setting_of_the_wrong_kind_is_a_type_error(call, message):
    with pytest.raises(TypeError, match=message):
        call()


@pytest.mark.parametrize(("change", "message"), [
    ("sizes", r"sizes=\[50.0\] must contain integers only, got float 50.0"),
    ("sizes_string", r"sizes must be a list of training sizes, e.g. \[100, 500, 1000\], got str"),
    ("repeats", r"repeats must be a positive integer, got float"),
    ("seed", r"seed must be a non-negative integer, got str"),
])
def test_a_plan_argument_of_the_wrong_kind_is_a_type_error(small, change, message):
    _, labels, pool, val = small
    args = {"sizes": [50], "repeats": 1, "seed": 0}
    args[change.split("_")[0]] = {"sizes": [50.0], "sizes_string": "50", "repeats": 1.0, "seed": "0"}[change]
    with pytest.raises(TypeError, match=message):
        plan_learning_curve(labels, pool, val, **args)


@pytest.mark.parametrize(("change", "message"), [
    ("old_call", r"plan must be a CurvePlan from plan_learning_curve\(labels, train_pool, val_idx, sizes, repeats, "
                 r"seed\), got Tensor"),
    ("training", r"training must be a Training record, e.g. Training\(epochs=10, lr=0.1\), got dict"),
    ("engine", r"engine must be an Engine record, e.g. Engine\(device='cpu', progress=False\), got str"),
    ("keep_models", r"keep_models must be True or False, got str"),
])
def test_learning_curve_arguments_of_the_wrong_kind_are_type_errors(small, change, message):
    images, labels, pool, val = small
    plan = plan_learning_curve(labels, pool, val, [50], repeats=1)
    with pytest.raises(TypeError, match=message):
        if change == "old_call":  # the call before plans and records: learning_curve(images, labels, pool, val, sizes)
            learning_curve(images, labels, pool, val, [50])
        elif change == "training":
            learning_curve(images, labels, plan, "softmax", {"epochs": 1})
        elif change == "engine":
            learning_curve(images, labels, plan, engine="cpu")
        else:
            learning_curve(images, labels, plan, keep_models="yes")


def test_an_augment_that_is_not_callable_is_a_type_error(small):
    images, labels, pool, val = small
    with pytest.raises(TypeError, match=r"augment='flip' must be None or a callable "
                                        r"augment\(images_batch, generator\)"):
        one_model(images, labels, pool, val, augment="flip")


# --------------------------------------------------------------------------------------------
# the shared checks themselves
# --------------------------------------------------------------------------------------------
def test_check_choice_lists_the_allowed_values_and_appends_a_hint():
    check_choice("per", "channel", ("channel", "feature"))
    with pytest.raises(ValueError, match=r"^per='pixel' is unknown; allowed values: channel, feature$"):
        check_choice("per", "pixel", ("channel", "feature"))
    with pytest.raises(ValueError, match=r"^model='cnn' is unknown; allowed values: softmax \(or register one\)$"):
        check_choice("model", "cnn", ["softmax"], hint="(or register one)")


def test_check_type_names_the_parameter_the_accepted_kind_and_the_kind_found():
    check_type("x", 1, (int, float), "a number")
    with pytest.raises(TypeError, match=r"^x must be a number, got str$"):
        check_type("x", "1", (int, float), "a number")


def test_check_int_refuses_other_kinds_with_a_type_error_and_small_values_with_a_value_error():
    check_int("steps", 3)
    check_int("steps", np.int64(3))  # numpy integers are whole numbers
    check_int("size", 0, low=0)
    check_int("cpu_threads", None, optional=True)
    with pytest.raises(ValueError, match=r"^steps=0 must be a positive integer$"):
        check_int("steps", 0)
    with pytest.raises(ValueError, match=r"^sizes\['val'\]=-1 must be a non-negative integer$"):
        check_int("sizes['val']", -1, low=0)
    with pytest.raises(ValueError, match=r"^n_boot=9 must be an integer ≥ 10$"):
        check_int("n_boot", 9, low=10)
    with pytest.raises(ValueError, match=r"^cpu_threads=0 must be None or a positive integer$"):
        check_int("cpu_threads", 0, optional=True)
    for wrong in (2.0, "3", True, None):
        with pytest.raises(TypeError, match=rf"^steps must be a positive integer, got {type(wrong).__name__}$"):
            check_int("steps", wrong)


def test_check_in_range_writes_the_interval_and_refuses_nan_and_other_kinds():
    check_in_range("momentum", 0.0, 0, 1, high_closed=False)
    check_in_range("lr", np.float32(0.1), 0, math.inf, low_closed=False)
    check_in_range("stop_at", None, 0, 1, low_closed=False, optional=True)
    with pytest.raises(ValueError, match=r"^momentum=1.0 must lie in \[0, 1\)$"):
        check_in_range("momentum", 1.0, 0, 1, high_closed=False)
    with pytest.raises(ValueError, match=r"^target=0 must lie in \(0, 1\]$"):
        check_in_range("target", 0, 0, 1, low_closed=False)
    with pytest.raises(ValueError, match=r"^lr=nan must lie in \(0, ∞\)$"):
        check_in_range("lr", math.nan, 0, math.inf, low_closed=False)
    with pytest.raises(ValueError, match=r"^stop_at=1.5 must be None or lie in \(0, 1\]$"):
        check_in_range("stop_at", 1.5, 0, 1, low_closed=False, optional=True)
    for wrong in ("0.5", True, torch.tensor(0.5), None):
        with pytest.raises(TypeError, match=rf"^level must be a number in \[0, 1\], got {type(wrong).__name__}$"):
            check_in_range("level", wrong, 0, 1)


def test_the_helpers_use_the_shared_wordings():
    with pytest.raises(TypeError, match=r"^sizes\['train'\] must be a non-negative integer, got float$"):
        stratified_split(torch.zeros(10, dtype=torch.long), sizes={"train": 5.0})
    with pytest.raises(TypeError, match=r"^degrees must be one number or a \(min, max\) pair, got str$"):
        FusedAugment(degrees="30")
    with pytest.raises(TypeError, match=r"^crop must be a positive integer, got float$"):
        FusedAugment(crop=28.0)
    with pytest.raises(ValueError, match=r"^std\[0\]=0.0 must lie in \(0, ∞\)$"):
        FusedAugment(mean=(0.5,), std=(0.0,))
    with pytest.raises(ValueError, match=r"^eps=-1.0 must lie in \[0, ∞\)$"):
        normalize(torch.zeros(1, 2, 2), [0.0], [1.0], eps=-1.0)
    with pytest.raises(TypeError, match=r"^image must be a tensor, a numpy array or a PIL image, got list$"):
        image_array([[0, 1]])


def test_check_generator_accepts_none_and_generators_only():
    check_generator("generator", None)
    check_generator("generator", torch.Generator())
    with pytest.raises(TypeError, match="generator must be a torch.Generator or None, got float"):
        check_generator("generator", 0.0)


def test_check_uint8_or_float_refuses_other_integers_and_bools_and_non_tensors():
    check_uint8_or_float("images", torch.zeros(2, dtype=torch.uint8))
    check_uint8_or_float("images", torch.zeros(2, dtype=torch.float16))
    with pytest.raises(ValueError, match=r"images has dtype torch.bool"):
        check_uint8_or_float("images", torch.zeros(2, dtype=torch.bool))
    with pytest.raises(TypeError, match=r"images must be a torch.Tensor, got list"):
        check_uint8_or_float("images", [0, 1])


def test_check_finite_images_counts_nan_and_inf_and_passes_integers():
    check_finite_images("x", torch.full((2, 2), 255, dtype=torch.uint8))
    x = torch.zeros(4, 3)
    x[2, 1], x[3, 0], x[3, 2] = float("nan"), float("-inf"), float("inf")
    with pytest.raises(ValueError, match=r"^x has 1 NaN and 2 ±inf values \(the first in x\[2\]\)"):
        check_finite_images("x", x)
    with pytest.raises(ValueError, match=r"^loader batch 3 has 1 NaN and 2 ±inf values \(the first in example 2\)"):
        check_finite_images("loader batch 3", x)


def test_dataset_mean_std_names_the_batch_that_has_nan(mnist):
    batches = list((mnist[0][:96, None].float() / 255).split(32))
    batches[2][5, 0, 0, 0] = float("nan")
    with pytest.raises(ValueError, match=r"^loader batch 2 has 1 NaN and 0 ±inf values \(the first in example 5\)"):
        dataset_mean_std(batches)
