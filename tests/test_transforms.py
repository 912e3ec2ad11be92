"""The lecture's pipelines (v1 vs v2), the fused batched augmentation and the image-quality scores."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
import torchvision.transforms as v1
from PIL import Image
from scipy import stats
from torchvision.transforms import v2

from helpers.transforms import (
    FusedAugment,
    angle_range,
    apply_each,
    jaggedness,
    lecture_steps,
    lecture_transform,
    sharpness,
)

INNER = (..., slice(4, 24), slice(4, 24))  # away from the borders of a 28×28 image


@pytest.fixture(scope="module")
def digits(mnist) -> list[Image.Image]:
    return [Image.fromarray(image.numpy()) for image in mnist[0]]


def run(transform, images) -> torch.Tensor:
    return torch.stack([transform(image) for image in images])


# --- the lecture's pipelines, v1 and v2 -------------------------------------------------------------


def test_v2_test_pipeline_gives_exactly_the_v1_tensors(digits):
    v1_out = run(lecture_transform("test", api="v1"), digits)
    v2_out = run(lecture_transform("test", api="v2", match_v1=True), digits)
    assert v1_out.dtype == v2_out.dtype == torch.float32
    assert torch.equal(v2_out, v1_out), "bit-identical on all 5,000 digits"


def test_plain_v2_differs_from_v1_only_in_how_it_scales_to_0_1(digits):
    """ToTensor divides by 255; ToDtype(float32, scale=True) multiplies by float32(1/255): nothing else differs."""
    images = digits[:500]
    crops = run(v1.Compose([v1.Resize((32, 32)), v1.CenterCrop((28, 28)), v1.PILToTensor()]), images)
    v2_crops = run(v2.Compose([v2.Resize((32, 32)), v2.CenterCrop((28, 28)), v2.ToImage()]), images)
    assert torch.equal(v2_crops, crops), "the same uint8 pixels before the float conversion"
    inverse = torch.tensor(1 / 255, dtype=torch.float32)
    assert torch.equal(run(lecture_transform("test", api="v1"), images), (crops.float() / 255 - 0.5) / 0.5)
    assert torch.equal(run(lecture_transform("test", api="v2"), images), (crops.float() * inverse - 0.5) / 0.5)
    byte_values = torch.arange(256, dtype=torch.uint8).float()
    differ = byte_values / 255 != byte_values * inverse
    assert 0 < int(differ.sum()) < 256, "some byte values round differently, not all"


def test_train_pipelines_of_v1_and_v2_draw_the_same_with_the_same_seed(digits):
    torch.manual_seed(3)
    v1_out = run(lecture_transform("train", api="v1"), digits[:200])
    torch.manual_seed(3)
    v2_out = run(lecture_transform("train", api="v2", match_v1=True), digits[:200])
    assert torch.equal(v1_out, v2_out)


def test_the_pipelines_have_the_lecture_steps():
    train, test = lecture_transform("train"), lecture_transform("test")
    assert [type(s).__name__ for s in train.transforms] == ["Resize", "RandomCrop", "RandomRotation", "ToImage",
                                                            "ToDtype", "Normalize"]
    assert [type(s).__name__ for s in test.transforms] == ["Resize", "CenterCrop", "ToImage", "ToDtype", "Normalize"]
    assert train.transforms[0].size == test.transforms[0].size == [32, 32], "the same scale at test time"
    assert list(train.transforms[2].degrees) == [-30.0, 30.0]
    assert train.transforms[2].interpolation == v2.InterpolationMode.BILINEAR
    assert lecture_transform("train", interpolation="nearest").transforms[2].interpolation.value == "nearest"


def test_test_transform_is_deterministic_and_train_transform_is_not(digits):
    test, train = lecture_transform("test"), lecture_transform("train")
    assert torch.equal(run(test, digits[:100]), run(test, digits[:100]))
    assert not torch.equal(run(train, digits[:100]), run(train, digits[:100]))


def test_output_range_is_minus_one_to_one(mnist):
    out = apply_each(lecture_transform("test"), mnist[0][:100])
    assert out.shape == (100, 1, 28, 28) and float(out.min()) == -1.0 and float(out.max()) == 1.0


# --- lecture_steps: the train steps with fixed parameters -------------------------------------------


def test_lecture_steps_without_rotation_is_a_whole_pixel_translation(mnist):
    digit = mnist[0][7]
    centre = lecture_steps(digit)
    for shift in (1, 2):
        moved = lecture_steps(digit, translate=(shift, 0))
        assert torch.equal(moved[..., shift:], centre[..., :-shift]), f"content moved right by {shift} px"
        moved = lecture_steps(digit, translate=(0, -shift))
        assert torch.equal(moved[..., :-shift, :], centre[..., shift:, :]), f"content moved up by {shift} px"


def test_lecture_steps_equals_the_lecture_test_pipeline_at_zero(mnist, digits):
    expected = lecture_transform("test", mean=(0.0,), std=(1.0,))(digits[3])
    assert torch.equal(lecture_steps(mnist[0][3]), expected)


def test_lecture_steps_rotates_counter_clockwise():
    image = torch.zeros(28, 28, dtype=torch.uint8)
    image[13:15, 16:24] = 255  # a bar to the right of the centre
    rotated = lecture_steps(image, angle=90, resize=28, crop=28)[0]
    assert rotated[5:12, 13:15].mean() > 0.9 and rotated[16:24, 12:16].mean() < 0.1, "the bar now points up"


# --- FusedAugment -------------------------------------------------------------------------------------


@pytest.mark.parametrize("angle, translate", [(0.0, (0, 0)), (0.0, (2, -1)), (20.0, (0, 0)), (-25.0, (1, -2)),
                                              (30.0, (-2, 2))])
def test_fused_matches_the_sequential_pipeline_away_from_the_borders(mnist, angle, translate):
    images = mnist[0][:200]
    sequential = torch.stack([lecture_steps(image, angle, translate) for image in images])
    fused = FusedAugment().apply(images[:, None].float() / 255, angle, translate)
    error = (fused - sequential)[INNER].abs().mean()
    one_pixel_off = (FusedAugment().apply(images[:, None].float() / 255, angle, (translate[0] + 1, translate[1]))
                     - sequential)[INNER].abs().mean()
    assert error < 0.03 and error < one_pixel_off / 4, f"mean |difference| {error:.4f} (1 px off: {one_pixel_off:.4f})"
    if angle == 0:  # one bilinear zoom each: equal up to PIL's rounding to uint8
        assert (fused - sequential).abs().max() <= 1 / 255 + 1e-6


def test_one_resample_is_measurably_sharper_than_two(mnist):
    images = mnist[0][:300]
    augment = FusedAugment()
    params = augment.sample_params(len(images), torch.Generator().manual_seed(0))
    sequential = torch.stack([lecture_steps(image, float(a), t.int().tolist())
                              for image, a, t in zip(images, params["angle"], params["translate"], strict=True)])
    fused = augment.apply(images[:, None].float() / 255, **params)
    ratio = sharpness(fused).mean() / sharpness(sequential).mean()
    assert ratio > 1.05, f"fused / sequential sharpness {ratio:.3f}"
    assert (sharpness(fused) > sharpness(sequential)).float().mean() > 0.9, "sharper for almost every digit"


def test_fused_parameters_are_drawn_like_the_lecture_pipeline():
    n = 20_000
    params = FusedAugment().sample_params(n, torch.Generator().manual_seed(1))
    torch.manual_seed(0)  # another seed than the fused draws: with the same seed both give the very same angles
    rotation = v2.RandomRotation(30)
    lecture_angles = torch.tensor([rotation.make_params([])["angle"] for _ in range(n)])
    assert stats.kstest(params["angle"].numpy(), "uniform", args=(-30, 60)).pvalue > 0.01
    assert stats.ks_2samp(params["angle"].numpy(), lecture_angles.numpy()).pvalue > 0.01
    crop, resized = v2.RandomCrop(28), torch.zeros(1, 32, 32)
    lecture_shift = torch.tensor([2 - crop.make_params([resized])["left"] for _ in range(5000)])
    for shifts in (params["translate"][:, 0], params["translate"][:, 1], lecture_shift):
        values, counts = torch.unique(shifts, return_counts=True)
        assert values.tolist() == [-2, -1, 0, 1, 2], "whole pixels in ±2, as Resize(32) + RandomCrop(28)"
        assert stats.chisquare(counts.numpy()).pvalue > 0.01, "each shift equally likely"
    assert torch.equal(params["scale"], torch.ones(n)), "no extra scale unless asked"
    wide = FusedAugment(scale=(0.8, 1.2)).sample_params(n, torch.Generator().manual_seed(0))["scale"]
    assert stats.kstest(wide.numpy(), "uniform", args=(0.8, 0.4)).pvalue > 0.01


def test_fused_is_reproducible_with_a_generator_and_differs_for_another_seed(mnist):
    batch = mnist[0][:64, None].float() / 255
    augment = FusedAugment(mean=(0.5,), std=(0.5,))
    first = augment(batch, torch.Generator().manual_seed(1))
    assert torch.equal(first, augment(batch, torch.Generator().manual_seed(1)))
    assert not torch.equal(first, augment(batch, torch.Generator().manual_seed(2)))
    assert first.shape == (64, 1, 28, 28) and float(first.min()) == -1.0, "normalized, the fill becomes -1"


def test_fused_accepts_uint8_and_gives_the_same_as_float(mnist):
    images = mnist[0][:32, None]
    augment = FusedAugment(mean=(0.1307,), std=(0.3081,))
    params = augment.sample_params(32, torch.Generator().manual_seed(0))
    assert torch.allclose(augment.apply(images, **params), augment.apply(images.float() / 255, **params), atol=1e-5)


def test_fused_grid_is_affine_grid():
    augment = FusedAugment(scale=(0.7, 1.3))
    params = augment.sample_params(50, torch.Generator().manual_seed(0))
    theta = augment.matrices(params["angle"], params["translate"], params["scale"], n=50)
    expected = F.affine_grid(theta, [50, 1, 28, 28], align_corners=False)
    assert torch.allclose(augment._grid(theta), expected, atol=1e-6)


def test_fused_identity_and_fill():
    batch = torch.rand(4, 3, 28, 28)
    same = FusedAugment(resize=28, crop=28).apply(batch, 0.0)
    assert torch.allclose(same, batch, atol=1e-6), "no rotation, shift or zoom: the image itself"
    corners = FusedAugment(resize=28, crop=28, fill=0.25).apply(batch, 45.0)
    assert torch.allclose(corners[..., 0, 0], torch.full((4, 3), 0.25)), "outside the image: the fill value"
    normalized = FusedAugment(resize=28, crop=28, fill=0.25, mean=(0.5, 0.25, 0.0), std=(0.5, 0.25, 0.5))
    corners = normalized.apply((batch * 255).round().to(torch.uint8), 45.0)
    assert torch.allclose(corners[..., 0, 0], torch.tensor([-0.5, 0.0, 0.5]).expand(4, 3)), "(fill - mean) / std"


def test_fused_normalizes_rgb_per_channel():
    batch = torch.ones(2, 3, 28, 28)
    out = FusedAugment(degrees=0, resize=28, crop=28, mean=(0.5, 0.25, 0.0), std=(0.5, 0.25, 2.0))(batch)
    assert torch.allclose(out[:, :, 14, 14], torch.tensor([1.0, 3.0, 0.5]).expand(2, 3))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_fused_runs_on_the_gpu_like_on_the_cpu(mnist):
    batch = mnist[0][:256, None].float() / 255
    augment = FusedAugment(mean=(0.5,), std=(0.5,))
    params = augment.sample_params(256, torch.Generator().manual_seed(0))
    on_gpu = augment.apply(batch.cuda(), **{k: v.cuda() for k, v in params.items()})
    assert on_gpu.device.type == "cuda"
    assert torch.allclose(on_gpu.cpu(), augment.apply(batch, **params), atol=1e-4)
    drawn = augment(batch.cuda(), torch.Generator(device="cuda").manual_seed(0))
    assert drawn.device.type == "cuda" and drawn.shape == batch.shape


# --- sharpness and jaggedness ---------------------------------------------------------------------------


def test_blur_lowers_sharpness(mnist):
    images = mnist[0][:100, None].float() / 255
    blurred = F.avg_pool2d(images, 3, stride=1, padding=1)
    assert (sharpness(blurred) < sharpness(images)).all()


def test_nearest_rotation_is_more_jagged_than_bilinear_and_sharper(mnist):
    images, angles = mnist[0][:200], torch.linspace(-30, 30, 200)
    nearest = torch.stack([lecture_steps(i, float(a), interpolation="nearest") for i, a in zip(images, angles,
                                                                                                strict=True)])
    bilinear = torch.stack([lecture_steps(i, float(a)) for i, a in zip(images, angles, strict=True)])
    assert jaggedness(bilinear).mean() < 0.8 * jaggedness(nearest).mean()
    assert sharpness(nearest).mean() > 1.05 * sharpness(bilinear).mean()


def test_a_straight_edge_is_not_jagged_and_a_staircase_is():
    straight = torch.zeros(1, 1, 28, 28)
    straight[..., :, 14:] = 1.0
    rows = torch.arange(28).view(-1, 1)
    staircase = (torch.arange(28).view(1, -1) > rows // 3 * 3 + 4).float().view(1, 1, 28, 28)
    smooth = (torch.arange(28).view(1, -1) - rows / 3 - 4).clamp(0, 1).view(1, 1, 28, 28)
    assert jaggedness(straight) < 0.01
    assert jaggedness(staircase) > 2 * jaggedness(smooth)


# --- bad input -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("make, message", [
    (lambda: lecture_transform(split="val"), r"split='val' is unknown; allowed values: train, test"),
    (lambda: lecture_transform(api="v3"), r"api='v3' is unknown; allowed values: v1, v2"),
    (lambda: lecture_transform(interpolation="cubic"), r"interpolation='cubic' is unknown; allowed values: nearest"),
    (lambda: lecture_transform(resize=24), r"crop=28 is larger than the resized image \(resize=24\)"),
    (lambda: lecture_transform(degrees=(10, -10)), r"degrees=\(10, -10\): the minimum 10.0 exceeds the maximum"),
    (lambda: lecture_transform(mean=(0.5, 0.5), std=(0.5, 0.5)), r"mean=\(0.5, 0.5\) and std=.*1 \(grey\) or 3"),
    (lambda: angle_range(-5), r"degrees=-5 must lie in \[0, ∞\)"),
    (lambda: FusedAugment(degrees=(20, 10)), r"degrees=\(20, 10\): the minimum 20.0 exceeds the maximum 10.0"),
    (lambda: FusedAugment(crop=40), r"crop=40 is larger than the resized image \(resize=32\)"),
    (lambda: FusedAugment(interpolation="area"), r"interpolation='area' is unknown; allowed values: nearest, bil"),
    (lambda: FusedAugment(scale=(1.2, 0.8)), r"scale=\(1.2, 0.8\) must be a \(min, max\) pair"),
    (lambda: FusedAugment(mean=(0.5,)), r"mean and std must be given together"),
    (lambda: FusedAugment()(torch.zeros(5, 28, 28)), r"batch must be an image tensor N×C×H×W.*float32 \(5, 28, 28\)"),
    (lambda: FusedAugment()(torch.zeros(5, 1, 28, 28, dtype=torch.int64)), r"batch must be .*got torch.int64"),
    (lambda: FusedAugment()(torch.zeros(5, 2, 28, 28)), r"batch has 2 channels; allowed: 1 \(grey\) or 3 \(RGB\)"),
    (lambda: FusedAugment(mean=(0.5,), std=(0.5,))(torch.zeros(2, 3, 28, 28)), r"mean has 1 values but batch has 3"),
    (lambda: FusedAugment().apply(torch.zeros(1, 1, 28, 28), 0.0, interpolation="box"), r"interpolation='box'"),
    (lambda: lecture_steps(torch.zeros(28, 28, dtype=torch.uint8), translate=(3, 0)), r"translate=\(3, 0\) must be"),
    (lambda: lecture_steps(torch.zeros(28, 28, dtype=torch.uint8), translate=(0.5, 0)), r"must be whole pixels"),
    (lambda: lecture_steps(torch.zeros(28, 28)), r"image must be a uint8 image .*got float32"),
    (lambda: lecture_steps(torch.zeros(2, 28, 28, dtype=torch.uint8)), r"image must be a uint8 image"),
    (lambda: sharpness(torch.zeros(2, 28, 28, dtype=torch.uint8)), r"images must be float images"),
    (lambda: sharpness(torch.zeros(2, 4, 28, 28)), r"images has 4 channels; allowed: 1 \(grey\) or 3 \(RGB\)"),
    (lambda: jaggedness(torch.zeros(2, 28, 28), sigma=0), r"sigma=0 must lie in \(0, ∞\)"),
    (lambda: apply_each(lecture_transform("test"), []), r"images is empty"),
    (lambda: apply_each(lecture_transform("test"), torch.zeros(2, 28, 28)), r"images\[k\] must be a uint8 image"),
])
def test_bad_input_is_explained(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_a_fixed_zoom_is_drawn_as_that_zoom_not_dropped():
    params = FusedAugment(scale=(1.2, 1.2)).sample_params(50, torch.Generator().manual_seed(0))
    assert torch.equal(params["scale"], torch.full((50,), 1.2))
    ranged = FusedAugment(scale=(0.9, 1.1)).sample_params(2000, torch.Generator().manual_seed(0))["scale"]
    assert 0.9 <= ranged.min() < 0.91 and 1.09 < ranged.max() <= 1.1
