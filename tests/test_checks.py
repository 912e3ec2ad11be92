"""The homework self-checks: each passes a correct answer and names the typical wrong ones."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from fake_cuda import FakeCuda
from torch.utils.data import DataLoader, TensorDataset
from torchvision import transforms as v1
from torchvision.transforms import InterpolationMode, v2

from helpers.checks import check_task_1, check_task_2, check_task_3, check_task_4, check_task_5, grade_task
from helpers.checks.common import DECISIONS_3, _decision_hint, supported_decisions
from helpers.checks.task1 import infer_draws, run_seeded, sample_image, smooth_image
from helpers.curves import LearningCurve, gain_interval, gain_per_doubling
from helpers.data import ImageDataset, photo_patches, rgb_photos, stratified_split
from helpers.standardization import dataset_mean_std, mean_of_batch_stds
from helpers.training import Engine, Training, learning_curve, plan_learning_curve
from helpers.transforms import FusedAugment, lecture_transform
from helpers.worth import equivalent_size, equivalent_sizes, worth_intervals


def printed(capsys) -> str:
    return capsys.readouterr().out


def assert_hint(text: str, task: int, fragment: str) -> None:
    assert text.startswith(f"❌ Task {task} — not yet:"), text
    assert fragment in text, text


def assert_pass(text: str, task: int) -> None:
    assert text.startswith(f"✅ Task {task} passed:"), text


def assert_all_pass(text: str, task: int, checks: int) -> None:
    """Each of the ``checks`` checks printed one line, and every line says the task passed."""
    lines = text.splitlines()
    assert len(lines) == checks, text
    for line in lines:
        assert_pass(line, task)


# --------------------------------------------------------------------------------------------
# task 1
# --------------------------------------------------------------------------------------------
TO_FLOAT = [v2.ToImage(), v2.ToDtype(torch.float32, scale=True)]
HALF = v2.Normalize((0.5,), (0.5,))
BILINEAR = v2.RandomRotation(30, interpolation=InterpolationMode.BILINEAR)
TEST = lecture_transform("test")


def pipeline(*steps) -> v2.Compose:
    return v2.Compose(list(steps))


@pytest.mark.parametrize("api", ["v2", "v1"])
def test_task_1_passes_the_lecture_pipelines(capsys, api):
    check_task_1(lecture_transform("train", api=api), lecture_transform("test", api=api))
    assert_pass(printed(capsys), 1)


def test_task_1_passes_a_pipeline_written_by_hand(capsys):
    train = pipeline(v2.Resize((32, 32)), v2.RandomCrop((28, 28)), BILINEAR, *TO_FLOAT, HALF)
    test = v1.Compose([v1.Resize(32), v1.CenterCrop(28), v1.ToTensor(), v1.Normalize((0.5,), (0.5,))])
    check_task_1(train, test)
    assert_pass(printed(capsys), 1)


RIGHT_TASK_1 = {
    "ToImage first (torchvision's docs)": (
        pipeline(v2.ToImage(), v2.Resize((32, 32)), v2.RandomCrop((28, 28)), BILINEAR,
                 v2.ToDtype(torch.float32, scale=True), HALF),
        pipeline(v2.ToImage(), v2.Resize((32, 32)), v2.CenterCrop((28, 28)), v2.ToDtype(torch.float32, scale=True),
                 HALF)),
    "floats first, angles as a range": (
        pipeline(*TO_FLOAT, v2.Resize(32), v2.RandomCrop(28),
                 v2.RandomRotation((-30, 30), interpolation=InterpolationMode.BILINEAR), HALF),
        pipeline(*TO_FLOAT, v2.Resize(32), v2.CenterCrop(28), HALF)),
    "RandomAffine rotation only, nested Compose": (
        pipeline(pipeline(v2.Resize(32), v2.RandomCrop(28)),
                 v2.RandomAffine(degrees=30, interpolation=InterpolationMode.BILINEAR), *TO_FLOAT, HALF),
        pipeline(pipeline(v2.Resize(32), v2.CenterCrop(28)), *TO_FLOAT, v2.Normalize([0.5], [0.5]))),
}


@pytest.mark.parametrize("train, test", RIGHT_TASK_1.values(), ids=RIGHT_TASK_1.keys())
def test_task_1_passes_every_order_of_equivalent_steps(capsys, train, test):
    check_task_1(train, test)
    assert_pass(printed(capsys), 1)


def test_infer_draws_finds_the_crop_and_angle_of_the_spec():
    top, left, angle, misfit = infer_draws(run_seeded(lecture_transform("train"), smooth_image(), 1), smooth_image())
    assert misfit < 0.03
    crop = v2.functional.crop(v2.functional.resize(smooth_image(), [32, 32]), top, left, 28, 28)
    expected = v2.functional.rotate(crop, angle, interpolation=InterpolationMode.BILINEAR)
    assert torch.allclose(run_seeded(lecture_transform("train"), smooth_image(), 1),
                          v2.Compose(TO_FLOAT + [HALF])(expected), atol=0.5)


WRONG_TASK_1 = {
    "nearest interpolation": (pipeline(v2.Resize(32), v2.RandomCrop(28), v2.RandomRotation(30), *TO_FLOAT, HALF),
                              TEST, "uses nearest interpolation"),
    "±15°": (pipeline(v2.Resize(32), v2.RandomCrop(28),
                      v2.RandomRotation(15, interpolation=InterpolationMode.BILINEAR), *TO_FLOAT, HALF),
             TEST, "rotation angles stay within"),
    **{f"{degrees}": (pipeline(v2.Resize(32), v2.RandomCrop(28),
                               v2.RandomRotation(degrees, interpolation=InterpolationMode.BILINEAR), *TO_FLOAT, HALF),
                      TEST, fragment)
       for degrees, fragment in ((23, "rotation angles stay within -23°"), (25, "rotation angles stay within -25°"),
                                 ((0, 30), "angles are all positive"), ((-30, 0), "angles are all negative"))},
    "±45°": (pipeline(v2.Resize(32), v2.RandomCrop(28),
                      v2.RandomRotation(45, interpolation=InterpolationMode.BILINEAR), *TO_FLOAT, HALF),
             TEST, "rotation reaches 45°"),
    "Normalize before the rotation": (pipeline(*TO_FLOAT, HALF, v2.Resize(32), v2.RandomCrop(28), BILINEAR), TEST,
                                      "you normalize before you rotate"),
    "a fixed crop in training": (pipeline(v2.Resize(32), v2.CenterCrop(28), BILINEAR, *TO_FLOAT, HALF), TEST,
                                 "crop always starts at row 2, column 2"),
    "random noise": (lambda image: torch.rand(3, 5, 5), TEST, "returns shape (3, 5, 5)"),
    "test resized with nearest": (lecture_transform("train"), pipeline(
        v2.Resize(32, interpolation=InterpolationMode.NEAREST), v2.CenterCrop(28), *TO_FLOAT, HALF),
        "Resize uses nearest interpolation"),
    "float64 output": (lecture_transform("train"), pipeline(v2.Resize(32), v2.CenterCrop(28), v2.ToImage(),
                                                            v2.ToDtype(torch.float64, scale=True), HALF),
                       "returns torch.float64 values"),
    "rotate before crop": (pipeline(v2.Resize(32), BILINEAR, v2.RandomCrop(28), *TO_FLOAT, HALF), TEST,
                           "you rotate before you crop"),
    "no resize in train": (pipeline(v2.RandomCrop(28), BILINEAR, *TO_FLOAT, HALF), TEST, "has no Resize((32, 32))"),
    "no crop": (pipeline(v2.Resize(32), BILINEAR, *TO_FLOAT, HALF), TEST, "images are 32×32"),
    "not scaled": (pipeline(v2.Resize(32), v2.RandomCrop(28), BILINEAR, v2.ToImage(), v2.ToDtype(torch.float32),
                            HALF), TEST, "not scaled to [0, 1]"),
    "no Normalize": (pipeline(v2.Resize(32), v2.RandomCrop(28), BILINEAR, *TO_FLOAT), TEST,
                     "Normalize((0.5,), (0.5,)) is missing"),
    "MNIST Normalize": (pipeline(v2.Resize(32), v2.RandomCrop(28), BILINEAR, *TO_FLOAT,
                                 v2.Normalize((0.1307,), (0.3081,))), TEST, "Normalize uses mean [0.1307]"),
    "a PIL image": (pipeline(v2.Resize(32), v2.RandomCrop(28), BILINEAR), TEST, "returns a PIL image"),
    "train = test": (TEST, TEST, "train transform gives the same pixels every time"),
    "random test": (lecture_transform("train"), lecture_transform("train"), "your test transform is random"),
    "test without resize": (lecture_transform("train"), pipeline(v2.CenterCrop(28), *TO_FLOAT, HALF),
                            "your test images are not resized"),
    "a failing transform": (lambda image: 1 / 0, TEST, "failed: ZeroDivisionError"),
    "not a transform": ("Resize", TEST, "is a str, not a transform"),
}


@pytest.mark.parametrize("train, test, fragment", WRONG_TASK_1.values(), ids=WRONG_TASK_1.keys())
def test_task_1_names_the_mistake(capsys, train, test, fragment):
    check_task_1(train, test)
    assert_hint(printed(capsys), 1, fragment)


class RandomRotationByHand:
    """A hand-written rotation step without torchvision's attributes."""

    def __call__(self, image):
        return image.rotate(float(torch.empty(1).uniform_(-30, 30)))


def test_task_1_falls_back_to_the_spec_for_an_unusual_step(capsys):
    check_task_1(pipeline(v2.Resize(32), v2.RandomCrop(28), RandomRotationByHand(), *TO_FLOAT, HALF), TEST)
    assert_hint(printed(capsys), 1, "gives other pixels than the spec for every crop and angle tried; the spec: "
                                    "Resize((32, 32))")


def test_task_1_reports_both_pipelines_when_both_are_wrong(capsys):
    check_task_1(TEST, lecture_transform("train"))
    text = printed(capsys)
    assert "train transform gives the same pixels" in text and "test transform is random" in text


def test_unfinished_tasks_print_not_done_yet_and_do_not_raise(capsys):
    for check, answers in [(check_task_1, (..., ...)), (check_task_2, (..., ..., [torch.zeros(1, 3, 2, 2)])),
                           (check_task_3, (..., ..., ..., ...)), (check_task_4, (..., ..., ..., ..., CURVE)),
                           (check_task_5, (..., ...))]:
        check(*answers)
    lines = printed(capsys).splitlines()
    assert [line[:24] for line in lines] == [f"⏳ Task {k}: not done yet —" for k in range(1, 6)], lines


def test_none_is_not_done_yet_never_a_number(capsys):
    check_task_1(None, TEST)
    check_task_2(None, None, [torch.zeros(1, 3, 2, 2)])
    check_task_3(CURVE, GAIN, None, "cannot tell yet")
    check_task_4(AUG, None, [(100, 200), (200, 300)], ["cannot tell yet"] * 2, CURVE)
    check_task_5(None, None)
    lines = printed(capsys).splitlines()
    assert [line[:24] for line in lines] == [f"⏳ Task {k}: not done yet —" for k in range(1, 6)], lines
    assert "nan" not in " ".join(lines).lower()


def test_grade_task_raises_with_the_hint_unless_the_task_passed(capsys):
    grade_task(3, CURVE, *RIGHT_3)
    with pytest.raises(AssertionError, match="your number is a fraction"):
        grade_task(3, CURVE, GAIN / 100, *RIGHT_3[1:])
    with pytest.raises(AssertionError, match="does not support 'cannot tell yet'"):
        grade_task(3, CURVE, GAIN, RANGE_3, "cannot tell yet")
    with pytest.raises(AssertionError, match="not done yet"):
        grade_task(3, CURVE, ..., RANGE_3, "more data helps")
    assert printed(capsys) == "", "the autograder's checks print nothing"
    with pytest.raises(ValueError, match="task=6 is unknown; allowed values: \\[1, 2, 3, 4, 5\\]"):
        grade_task(6)


def test_checks_leave_the_global_random_state_alone():
    torch.manual_seed(123)
    state = torch.get_rng_state()
    check_task_1(lecture_transform("train"), TEST)
    assert torch.equal(torch.get_rng_state(), state)


def test_run_seeded_repeats_a_random_transform_exactly():
    train = lecture_transform("train")
    assert torch.equal(run_seeded(train, sample_image(), 3), run_seeded(train, sample_image(), 3))
    assert not torch.equal(run_seeded(train, sample_image(), 3), run_seeded(train, sample_image(), 4))


# --------------------------------------------------------------------------------------------
# task 2
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def patches() -> dict:
    images, labels = photo_patches(rgb_photos(), size=16, per_photo=50, seed=0)
    x = images.permute(0, 3, 1, 2).float() / 255
    splits = stratified_split(labels, sizes={"train": 150, "val": 50, "test": 50}, seed=0)
    train = splits["train"]
    loader = DataLoader(TensorDataset(x[train.sort().values]), batch_size=64)  # last batch: 22 patches
    return {"x": x, "train": x[train], "loader": loader, "splits": splits}


def test_task_2_passes_exact_statistics_whichever_way_they_are_computed(capsys, patches):
    train, loader = patches["train"], patches["loader"]
    check_task_2(*dataset_mean_std(loader), loader, patches["x"])
    check_task_2(train.mean(dim=(0, 2, 3)), train.std(dim=(0, 2, 3)), loader, patches["x"])  # sample std
    check_task_2(train.mean(dim=(0, 2, 3)).tolist(), train.std(dim=(0, 2, 3)).numpy(), loader)
    assert_all_pass(printed(capsys), 2, checks=3)


def wrong_statistics(p: dict) -> dict:
    train, loader = p["train"], p["loader"]
    mean, std = dataset_mean_std(loader)
    batch_means = torch.stack([b.mean(dim=(0, 2, 3)) for (b,) in loader]).mean(0)
    return {
        "mean of batch stds": (mean, mean_of_batch_stds(loader), "your std equals the mean of per-batch stds"),
        "batch stds, torch default": (mean, torch.stack([b.std(dim=(0, 2, 3)) for (b,) in loader]).mean(0),
                                      "mean of per-batch stds"),
        "per-image stds": (mean, train.std(dim=(2, 3)).mean(0), "average of per-image stds"),
        "all splits": (*dataset_mean_std([p["x"]]), "include the validation and test images"),
        "train and validation": (*dataset_mean_std([p["x"][torch.cat([p["splits"]["train"], p["splits"]["val"]])]]),
                                 "include the validation images"),
        "variance": (mean, std**2, "your std is the variance"),
        "0…255": (mean * 255, std * 255, "your mean is on the 0…255 scale"),
        "one number": (train.mean(), train.std(), "`mean` is one number for all channels"),
        "per pixel": (train.mean(0), train.std(0), "`mean` has one value per pixel"),
        "unweighted batch means": (batch_means, std, "your mean averages the batch means"),
        "not numbers": ("0.5", std, "`mean` must be numbers"),
        "something else": (mean, std * 1.1, "is not the std of all training pixels"),
    }


WRONG_TASK_2 = ["mean of batch stds", "batch stds, torch default", "per-image stds", "all splits",
                "train and validation", "variance", "0…255",
                "one number", "per pixel", "unweighted batch means", "not numbers", "something else"]


@pytest.mark.parametrize("case", WRONG_TASK_2)
def test_task_2_names_the_mistake(capsys, patches, case):
    mean, std, fragment = wrong_statistics(patches)[case]
    check_task_2(mean, std, patches["loader"], all_images=patches["x"], splits=patches["splits"])
    assert_hint(printed(capsys), 2, fragment)


def test_task_2_rejects_unusable_inputs_of_the_task(patches):
    mean, std = dataset_mean_std(patches["loader"])
    with pytest.raises(ValueError, match="train_loader must yield image batches N×C×H×W"):
        check_task_2(mean, std, [])
    with pytest.raises(ValueError, match="train_loader must yield image batches N×C×H×W"):
        check_task_2(mean, std, [torch.zeros(4, 3)])
    with pytest.raises(ValueError, match=r"all_images must be a tensor N×C×H×W .* got shape \(4, 3\)"):
        check_task_2(mean, std, patches["loader"], all_images=torch.zeros(4, 3))
    with pytest.raises(TypeError, match="all_images must be a tensor N×C×H×W .* got ndarray"):
        check_task_2(mean, std, patches["loader"], all_images=patches["x"].numpy())


# --------------------------------------------------------------------------------------------
# tasks 3 and 4 — learning curves (made up: the checks only read them)
# --------------------------------------------------------------------------------------------
def make_curve(val: list, sizes: list | None = None, model: str = "mlp", epochs: int = 30, train=None,
               augment: str | None = None) -> LearningCurve:
    val = np.array(val, dtype=float)
    sizes = np.array(sizes if sizes is not None else [125, 250, 500, 1000, 2000][:len(val)])
    train = np.array(train, dtype=float) if train is not None else np.clip(val + 0.1, 0, 1)
    return LearningCurve(model, sizes, train, val, np.zeros_like(val), epochs, augment=augment)


ROTATE_15 = repr(FusedAugment(degrees=15, resize=28, crop=28))


def one_rule(plain: LearningCurve, augmented: LearningCurve) -> list[tuple[float, str]]:
    """The right task-4 answer: ``equivalent_size`` of ``plain`` at each augmented mean accuracy."""
    return [equivalent_size(plain, float(acc)) for acc in augmented.val_acc.mean(axis=1)]


CURVE = make_curve([[.78, .80, .79], [.83, .84, .835], [.86, .87, .865], [.89, .90, .895], [.91, .92, .925]],
                   train=[[1, 1, 1], [.99, .99, .99], [.98, .98, .98], [.97, .975, .98], [.96, .965, .97]])
GAIN = (0.91 + 0.92 + 0.925 - 0.89 - 0.90 - 0.895) / 3 * 100  # 2.33 pp per doubling
WHOLE_CURVE = (CURVE.val_acc[-1].mean() - CURVE.val_acc[0].mean()) * 100
RANGE_3 = gain_interval(CURVE)  # the repeats agree closely: about 1.5 … 3.2 pp, entirely above 1 pp
RIGHT_3 = (GAIN, RANGE_3, "more data helps")


def task_3(curve: LearningCurve, gain: object, **settings: object) -> None:
    """Task 3's check with ``gain`` and the right interval and decision for ``curve`` (the reference method's)."""
    low, high = gain_interval(curve)
    decision = sorted(supported_decisions(low, high, settings.get("min_gain_pp", 1.0), DECISIONS_3))[0]
    check_task_3(curve, gain, (low, high), decision, **settings)


def task_4(aug_curve: object, worth: object, curve: object, **settings: object) -> None:
    """Task 4's check with ``worth`` and the right intervals and decisions (the reference method's, worth_intervals)."""
    try:
        rows = worth_intervals(aug_curve, curve)
    except (TypeError, ValueError):  # not curves: the check says so before it reads the intervals
        rows = []
    ranges = [((r.low, r.low_how), (r.high, r.high_how)) for r in rows] or [(100, 200)] * 2
    decisions = [aug_decision(r) for r in rows] or ["cannot tell yet"] * 2
    check_task_4(aug_curve, worth, ranges, decisions, curve, **settings)


def aug_decision(row) -> str:
    """The decision a ``worth_intervals`` row supports against its own size, written out as the solution does."""
    if row.low_how == "more than" or (row.low_how == "interpolated" and row.low >= row.size):
        return "augmentation helps"
    if row.high_how == "fewer than" or (row.high_how == "interpolated" and row.high <= row.size):
        return "does not help"
    return "cannot tell yet"


def test_gain_per_doubling_divides_by_the_number_of_doublings():
    assert gain_per_doubling(CURVE) == pytest.approx(GAIN)
    curve = make_curve([[.8, .8], [.85, .85], [.9, .9]], sizes=[100, 1000, 4000])  # 1000 → 4000: two doublings
    assert gain_per_doubling(curve) == pytest.approx(2.5)
    assert gain_per_doubling(CURVE, "train") == pytest.approx(-1.0)


def test_gain_per_doubling_rejects_an_unknown_accuracy():
    with pytest.raises(ValueError, match="accuracy='test' is unknown; allowed values: val, train"):
        gain_per_doubling(CURVE, "test")


def test_task_3_passes_the_number_and_the_decision_that_follows(capsys):
    check_task_3(CURVE, GAIN, RANGE_3, "more data helps")
    check_task_3(CURVE, np.float64(GAIN), list(RANGE_3), "Does not help.", min_gain_pp=4.0)
    check_task_3(CURVE, torch.tensor(GAIN), torch.tensor(RANGE_3), "  CANNOT tell yet ", min_gain_pp=2.0)
    check_task_3(CURVE, GAIN, np.round(RANGE_3, 1), "More data helps")
    check_task_3(CURVE, GAIN, np.array(RANGE_3), "more data helps")
    text = printed(capsys)
    assert_all_pass(text, 3, checks=5)
    lines = text.splitlines()
    assert "'more data helps'" in lines[0] and "'does not help'" in lines[1] and "'cannot tell yet'" in lines[2]


WRONG_TASK_3 = {
    "a fraction": (CURVE, GAIN / 100, True, "your number is a fraction"),
    "training accuracy": (CURVE, -1.0, False, "comes from the training accuracy"),
    "wrong sign": (CURVE, -GAIN, False, "has the wrong sign"),
    "whole curve": (CURVE, WHOLE_CURVE, True, "the gain over the whole curve"),
    "one repeat": (CURVE, 2.0, True, "comes from one repeat"),
    "not per doubling": (make_curve([[.8, .8], [.85, .85], [.9, .9]], sizes=[100, 1000, 4000]), 5.0, True,
                         "not per doubling"),
    "decision contradicts": (CURVE, GAIN, "does not help", "does not support 'does not help': it lies entirely "
                                                            "above the 1 pp"),
    "decision not one of three": (CURVE, GAIN, "yes", "`decision` must be one of 'more data helps', 'does not help', "
                                                      "'cannot tell yet'"),
    "decision a bool": (CURVE, GAIN, True, "`decision` must be one of"),
    "softmax": (make_curve(CURVE.val_acc, model="softmax"), GAIN, True, "model='softmax'"),
    "two sizes": (make_curve(CURVE.val_acc[3:], sizes=[1000, 2000]), 2.0, True, "at least 3 sizes"),
    "not a curve": ([0.8, 0.9], GAIN, True, "must be the LearningCurve"),
    "gain not a number": (CURVE, "2.3", True, "`gain_pp` must be one number"),
    "one gain per repeat": (CURVE, [2.0, 2.0, 3.0], True, "`gain_pp` must be one number"),
    "something else": (CURVE, 7.0, True, "is not the validation-accuracy gain per doubling"),
}


@pytest.mark.parametrize("curve, gain, decision, fragment", WRONG_TASK_3.values(), ids=WRONG_TASK_3.keys())
def test_task_3_names_the_mistake(capsys, curve, gain, decision, fragment):
    check_task_3(curve, gain, RANGE_3, decision)
    assert_hint(printed(capsys), 3, fragment)


SETTINGS = dict(sizes=[125, 250, 500, 1000, 2000], epochs=30, repeats=3)
TINY = make_curve([[.5, .5, .5], [.6, .6, .6], [.7, .7, .7]], sizes=[10, 20, 40], epochs=1)
WRONG_SETTINGS_TASK_3 = {
    "sizes 10/20/40 and 1 epoch": (TINY, "was measured at sizes [10, 20, 40]; the task asks for [125, 250, 500"),
    "1 epoch": (make_curve(CURVE.val_acc, epochs=1, train=CURVE.train_acc), "trained 1 epochs; the task asks for 30"),
    "2 repeats": (make_curve(CURVE.val_acc[:, :2], train=CURVE.train_acc[:, :2]), "2 repeats per size; the task asks "
                                                                                   "for 3"),
}


@pytest.mark.parametrize("curve, fragment", WRONG_SETTINGS_TASK_3.values(), ids=WRONG_SETTINGS_TASK_3.keys())
def test_task_3_checks_the_settings_the_curve_records(capsys, curve, fragment):
    task_3(curve, gain_per_doubling(curve), **SETTINGS)
    assert_hint(printed(capsys), 3, fragment)


def test_task_3_passes_with_the_settings_asked_for(capsys):
    check_task_3(CURVE, *RIGHT_3, **SETTINGS)
    assert_pass(printed(capsys), 3)


def test_task_3_per_doubling_hint_fires_when_the_last_step_is_not_a_doubling(capsys):
    curve = make_curve(CURVE.val_acc, sizes=[125, 250, 500, 1000, 1500], train=CURVE.train_acc)
    task_3(curve, (curve.val_acc[-1].mean() - curve.val_acc[-2].mean()) * 100)
    assert_hint(printed(capsys), 3, "not per doubling — divide by log2(n_largest / n_second)")


@pytest.fixture(scope="module")
def small_curves(mnist) -> dict:
    """Real small MLP curves: the task's settings, and the same call with one argument wrong."""
    images, labels = mnist
    splits = stratified_split(labels, seed=0)
    # the task's settings by name, as the grader's hidden test passes them (reproduce=...)
    common = dict(images=images, labels=labels, train_pool=splits["train"], val_idx=splits["val"], batch_size=32,
                  lr=0.1, momentum=0.9, seed=0, device="cpu")

    def mlp_curve(sizes=(20, 40, 80), val="val", seed=0, momentum=0.9, augment=None):
        plan = plan_learning_curve(labels, splits["train"], splits[val], list(sizes), repeats=2, seed=seed)
        return learning_curve(images, labels, plan, "mlp", Training(epochs=2, batch_size=32, lr=0.1, momentum=momentum),
                              augment=augment, engine=Engine(device="cpu", progress=False))

    augment = FusedAugment(degrees=15, resize=28, crop=28)
    return {
        "common": common, "augment": augment,
        "right": mlp_curve(),
        "no momentum": mlp_curve(momentum=0.0),
        "other seed": mlp_curve(seed=1),
        "test split": mlp_curve(val="test"),
        "aug": mlp_curve([20, 40], augment=augment),
        "aug 30°": mlp_curve([20, 40], augment=FusedAugment(degrees=30, resize=28, crop=28)),
        "zoom": mlp_curve([20, 40], augment=FusedAugment(degrees=15)),
    }


def test_task_3_remeasures_the_curve_in_the_hidden_test(capsys, small_curves):
    right = small_curves["right"]
    task_3(right, gain_per_doubling(right), sizes=[20, 40, 80], epochs=2,
                 repeats=2, reproduce=small_curves["common"])
    assert_pass(printed(capsys), 3)


@pytest.mark.parametrize("case, fragment", [("no momentum", "momentum=0.9"), ("other seed", "seed=0"),
                                            ("test split", "was evaluated on 1,000 digits, but the validation split "
                                                           "has 500")])
def test_task_3_hidden_test_catches_what_the_curve_does_not_record(capsys, small_curves, case, fragment):
    curve = small_curves[case]
    task_3(curve, gain_per_doubling(curve), sizes=[20, 40, 80], epochs=2, repeats=2,
           reproduce=small_curves["common"])
    assert_hint(printed(capsys), 3, fragment)


def test_task_3_sees_the_test_split_student_side_by_the_count_of_evaluated_digits(capsys, small_curves, mnist):
    splits = stratified_split(mnist[1], seed=0)
    for case, passes in (("right", True), ("test split", False)):
        curve = small_curves[case]
        task_3(curve, gain_per_doubling(curve), sizes=[20, 40, 80], epochs=2, repeats=2, splits=splits)
        text = printed(capsys)
        assert_pass(text, 3) if passes else assert_hint(text, 3, "evaluated on 1,000 digits — the test split")


def test_task_4_remeasures_the_augmented_curve_in_the_hidden_test(capsys, small_curves):
    right, reproduce = small_curves["right"], {**small_curves["common"], "augment": small_curves["augment"]}
    for case, passes in (("aug", True), ("aug 30°", False)):
        aug = small_curves[case]
        task_4(aug, one_rule(right, aug), right, sizes=[20, 40], reproduce=reproduce)
        text = printed(capsys)
        assert_pass(text, 4) if passes else assert_hint(text, 4, "augment=FusedAugment(degrees=(-15.0, 15.0)")


def test_task_4_names_the_lectures_zoom_from_what_the_curve_records(capsys, small_curves):
    """The lecture's zoom (resize 32 → crop 28) where the task asks for resize=28, crop=28: caught student-side."""
    right, zoom = small_curves["right"], small_curves["zoom"]
    task_4(zoom, one_rule(right, zoom), right, sizes=[20, 40], augment=small_curves["augment"])
    assert_hint(printed(capsys), 4, "keep resize=28, crop=28 (no zoom)")
    aug = small_curves["aug"]
    task_4(aug, one_rule(right, aug), right, sizes=[20, 40], augment=small_curves["augment"])
    assert_pass(printed(capsys), 4)


BELOW = make_curve([[.70, .71, .72], [.845, .85, .855]], train=[[.99] * 3, [.98] * 3], augment=ROTATE_15)
BEYOND = make_curve([[.95, .95, .95], [.96, .96, .96]], train=[[.99] * 3, [.98] * 3], augment=ROTATE_15)


@pytest.mark.parametrize("worth", [[(125.0, "fewer than"), None], ["fewer than 125", None], ["< 125", None]],
                         ids=["pair", "words", "sign"])
def test_task_4_accepts_exactly_a_one_sided_answer_below_the_smallest_size(capsys, worth):
    worth[1] = equivalent_sizes(CURVE, BELOW.val_acc.mean(axis=1))[1]
    task_4(BELOW, worth, CURVE)
    assert_pass(printed(capsys), 4)


@pytest.mark.parametrize("first, fragment", [(125.0, "not a clipped size"), (np.inf, "bound it on one side"),
                                             (90.0, "lies outside the measured sizes"),
                                             ((125.0, "more than"), "says 'fewer than 125'")],
                         ids=["clipped by np.interp", "inf", "extrapolated", "wrong side"])
def test_task_4_refuses_a_clipped_infinite_or_extrapolated_size_below_the_curve(capsys, first, fragment):
    task_4(BELOW, [first, equivalent_sizes(CURVE, BELOW.val_acc.mean(axis=1))[1]], CURVE)
    assert_hint(printed(capsys), 4, fragment)


def test_task_4_above_the_largest_size_only_more_than_passes(capsys):
    task_4(BEYOND, [(2000, "more than"), "more than 2,000"], CURVE)
    assert_pass(printed(capsys), 4)
    for worth in ([2000, 2000], [np.nan, np.nan], [np.inf, np.inf]):
        task_4(BEYOND, worth, CURVE)
        assert_hint(printed(capsys), 4, "'more than 2,000'")


def test_task_4_checks_the_augmented_sizes(capsys):
    task_4(AUG, equivalent_sizes(CURVE, AUG.val_acc.mean(axis=1)), CURVE, sizes=[125, 250, 500])
    assert_hint(printed(capsys), 4, "`aug_curve` was measured at sizes [125, 250]; the task asks for [125, 250, 500] "
                                    "(AUG_SIZES)")


def test_task_3_rejects_a_threshold_that_is_not_a_number():
    with pytest.raises(ValueError, match="min_gain_pp=nan must be a finite number"):
        check_task_3(CURVE, *RIGHT_3, min_gain_pp=float("nan"))


AUG = make_curve([[.80, .81, .82], [.845, .85, .855]], train=[[.99, .99, .99], [.98, .98, .98]], augment=ROTATE_15)


def test_task_4_passes_exact_and_rounded_numbers_and_the_rules_pairs(capsys):
    worth = equivalent_sizes(CURVE, AUG.val_acc.mean(axis=1))
    plain = CURVE.val_acc.mean(axis=1)
    assert worth[0] == pytest.approx(np.exp(np.log(125) + (0.81 - plain[0]) / (plain[1] - plain[0]) * np.log(2)))
    task_4(AUG, worth, CURVE)
    task_4(AUG, np.round(worth).tolist(), CURVE)
    task_4(AUG, [(w, "interpolated") for w in worth], CURVE)
    assert_all_pass(printed(capsys), 4, checks=3)


def wrong_worth() -> dict:
    acc, n = AUG.val_acc.mean(axis=1), AUG.sizes
    worth = equivalent_sizes(CURVE, acc)
    return {
        "extra examples": (AUG, worth - n, "the *extra* examples"),
        "a factor": (AUG, worth / n, "your numbers are factors"),
        "linear size": (AUG, np.interp(acc, CURVE.val_acc.mean(1), CURVE.sizes), "interpolated in the size itself"),
        "training accuracy": (AUG, np.exp(np.interp(AUG.train_acc.mean(1), CURVE.train_acc.mean(1),
                                                    np.log(CURVE.sizes.astype(float)))), "come from training accuracy"),
        "accuracy difference": (AUG, (acc - CURVE.val_acc.mean(1)[:2]) * 100, "accuracy differences"),
        "one number for two sizes": (AUG, worth[0], "one entry per augmented size"),
        "no augmentation": (make_curve(CURVE.val_acc[:2]), n, "trained without augmentation"),
        "other epochs": (make_curve(AUG.val_acc, epochs=10, augment=ROTATE_15), worth, "trained 10 epochs"),
        "not a curve": (acc, worth, "`aug_curve` must be the LearningCurve"),
        "something else": (AUG, worth * 1.5, "not what the un-augmented curve says"),
    }


@pytest.mark.parametrize("case", list(wrong_worth()))
def test_task_4_names_the_mistake(capsys, case):
    aug_curve, worth, fragment = wrong_worth()[case]
    task_4(aug_curve, worth, CURVE)
    assert_hint(printed(capsys), 4, fragment)


def test_task_4_waits_for_the_curve_of_task_3(capsys):
    check_task_4(AUG, [150.0, 300.0], [(140, 160), (280, 320)], ["cannot tell yet"] * 2, ...)
    assert "needs `curve`, the un-augmented MLP learning curve of task 3" in printed(capsys)


def test_task_4_spots_a_real_curve_trained_without_augmentation(capsys, mnist):
    """The same sizes, seed and settings without ``augment`` give exactly the first rows of the plain curve."""
    images, labels = mnist
    splits = stratified_split(labels, seed=0)
    common = dict(model="mlp", training=Training(epochs=2), engine=Engine(device="cpu", progress=False))
    plans = {n: plan_learning_curve(labels, splits["train"], splits["val"], [50, 100, 200][:n], repeats=2, seed=0)
             for n in (2, 3)}
    curve = learning_curve(images, labels, plans[3], **common)
    plain = learning_curve(images, labels, plans[2], **common)
    augmented = learning_curve(images, labels, plans[2], **common, augment=FusedAugment(degrees=15, resize=28, crop=28))
    task_4(plain, [50, 100], curve)
    assert_hint(printed(capsys), 4, "trained without augmentation")
    task_4(augmented, one_rule(curve, augmented), curve)
    assert_pass(printed(capsys), 4)


# --------------------------------------------------------------------------------------------
# task 5
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mnist_splits(mnist) -> tuple:
    images, labels = mnist
    return images, labels, stratified_split(labels, seed=0)


def datasets(mnist_splits, train_transform, val_transform, val_part: str = "val") -> tuple:
    images, labels, splits = mnist_splits
    return (ImageDataset(images, labels, splits["train"], transform=train_transform),
            ImageDataset(images, labels, splits[val_part][:100], transform=val_transform))


def test_task_5_passes_random_training_and_deterministic_validation(capsys, mnist_splits):
    check_task_5(*datasets(mnist_splits, lecture_transform("train"), lecture_transform("test")))
    check_task_5(*datasets(mnist_splits, lecture_transform("train", api="v1"), lecture_transform("test", api="v1")))
    assert_all_pass(printed(capsys), 5, checks=2)


WRONG_TASK_5 = {
    "the colleague's bug": (lecture_transform("train"), lecture_transform("train"), "val", "still changes from one "
                                                                                          "pass to the next"),
    "augmentation removed": (TEST, TEST, "val", "you removed the augmentation from `train_set` too"),
    "no transform": (lecture_transform("train"), None, "val", "`val_set` has no transform"),
    "no Normalize": (lecture_transform("train"), pipeline(v2.Resize(32), v2.CenterCrop(28), *TO_FLOAT), "val",
                     "Normalize((0.5,), (0.5,)) is missing"),
    "no resize": (lecture_transform("train"), pipeline(*TO_FLOAT, HALF), "val", "validation images are not resized"),
    "shared examples": (lecture_transform("train"), TEST, "train", "share 100 examples"),
}


@pytest.mark.parametrize("train, val, part, fragment", WRONG_TASK_5.values(), ids=WRONG_TASK_5.keys())
def test_task_5_names_the_mistake(capsys, mnist_splits, train, val, part, fragment):
    check_task_5(*datasets(mnist_splits, train, val, part))
    assert_hint(printed(capsys), 5, fragment)


RIGHT_TASK_5 = {
    "ToImage first": (RIGHT_TASK_1["ToImage first (torchvision's docs)"]),
    "floats first": (RIGHT_TASK_1["floats first, angles as a range"]),
    "v1": (lecture_transform("train", api="v1"), lecture_transform("test", api="v1")),
}


@pytest.mark.parametrize("train, val", RIGHT_TASK_5.values(), ids=RIGHT_TASK_5.keys())
def test_task_5_passes_the_spec_pipelines_on_exactly_the_right_splits(capsys, mnist_splits, train, val):
    images, labels, splits = mnist_splits
    check_task_5(ImageDataset(images, labels, splits["train"], transform=train),
                 ImageDataset(images, labels, splits["val"].flip(0), transform=val), splits)
    assert_pass(printed(capsys), 5)


WRONG_SPLITS_TASK_5 = {
    "random noise for training": (lambda image: torch.rand(3, 5, 5), TEST, "train", "val",
                                  "training transform returns shape (3, 5, 5)"),
    "disjoint but not the validation split": (lecture_transform("train"), TEST, "train", "val[:100]",
                                              "`val_set` holds 100 examples, 100 of them from splits['val']"),
    "the test split": (lecture_transform("train"), TEST, "train", "test", "`val_set` uses splits['test']"),
    "training on the validation split": (lecture_transform("train"), TEST, "test", "val",
                                         "`train_set` uses splits['test']"),
    "a training pipeline off the spec": (pipeline(v2.Resize(32), v2.RandomCrop(28), v2.RandomRotation(30), *TO_FLOAT,
                                                  HALF), TEST, "train", "val", "uses nearest interpolation"),
    "no transform for training": (None, TEST, "train", "val", "`train_set` has no transform"),
}


@pytest.mark.parametrize("train, val, train_part, val_part, fragment", WRONG_SPLITS_TASK_5.values(),
                         ids=WRONG_SPLITS_TASK_5.keys())
def test_task_5_checks_which_split_each_set_uses_and_the_training_pipeline(capsys, mnist_splits, train, val,
                                                                            train_part, val_part, fragment):
    images, labels, splits = mnist_splits
    index = {"train": splits["train"], "val": splits["val"], "test": splits["test"], "val[:100]": splits["val"][:100]}
    check_task_5(ImageDataset(images, labels, index[train_part], transform=train),
                 ImageDataset(images, labels, index[val_part], transform=val), splits)
    assert_hint(printed(capsys), 5, fragment)


def test_task_5_wants_datasets(capsys, mnist_splits):
    train_set, _ = datasets(mnist_splits, lecture_transform("train"), TEST)
    check_task_5(train_set, [1, 2, 3])
    assert_hint(printed(capsys), 5, "`val_set` must be an ImageDataset")


def test_messages_are_one_of_three_kinds(capsys):
    """A check never returns a bare False: it prints, and returns nothing."""
    assert check_task_3(CURVE, *RIGHT_3) is None
    assert math.isclose(GAIN, gain_per_doubling(CURVE))
    assert printed(capsys).startswith("✅")


def test_task_2_does_not_raise_for_statistics_and_images_on_another_device(capsys, patches):
    train = patches["train"]
    loader = [(b.as_subclass(FakeCuda),) for (b,) in patches["loader"]]
    all_images = patches["x"].as_subclass(FakeCuda)
    check_task_2(train.mean(dim=(0, 2, 3)).as_subclass(FakeCuda), train.std(dim=(0, 2, 3)), loader, all_images)
    assert_pass(printed(capsys), 2)
    check_task_2(train.mean(dim=(0, 2, 3)), train.std(dim=(0, 2, 3)) * 1.1, loader, all_images)
    assert_hint(printed(capsys), 2, "is not the std of all training pixels")


# --------------------------------------------------------------------------------------------
# tasks 3 and 4 — the interval and the decision it supports
# --------------------------------------------------------------------------------------------
LOW_3, HIGH_3 = RANGE_3
MID_3, HALF_3 = (LOW_3 + HIGH_3) / 2, (HIGH_3 - LOW_3) / 2


@pytest.mark.parametrize("interval", [RANGE_3, list(RANGE_3), np.array(RANGE_3), torch.tensor(RANGE_3),
                                      np.round(RANGE_3, 1), (MID_3 - 0.7 * HALF_3, MID_3 + 0.7 * HALF_3),
                                      (LOW_3 - 0.4 * HALF_3, HIGH_3 + 0.4 * HALF_3)],
                         ids=["tuple", "list", "array", "tensor", "rounded", "0.7 as wide", "1.4 as wide"])
def test_task_3_accepts_any_reasonable_interval_in_any_container(capsys, interval):
    check_task_3(CURVE, GAIN, interval, "more data helps")
    assert_pass(printed(capsys), 3)


@pytest.mark.parametrize("decision", ["more data helps", "More data helps.", "  MORE DATA   HELPS ", "more data helps!",
                                      "more   data helps\n"])
def test_task_3_accepts_the_decision_in_any_case_and_spacing(capsys, decision):
    check_task_3(CURVE, GAIN, RANGE_3, decision)
    assert_pass(printed(capsys), 3)


WRONG_INTERVAL_3 = {
    "misses the number": ((GAIN + 1.0, GAIN + 4.0), "does not contain your number"),
    "a fraction": ((LOW_3 / 100, HIGH_3 / 100), "it looks like a fraction"),
    "±1 standard error": ((MID_3 - 0.3 * HALF_3, MID_3 + 0.3 * HALF_3), "too narrow for 90%"),
    "far too wide": ((LOW_3 - 2 * HALF_3, HIGH_3 + 2 * HALF_3), "too wide for 90%"),
    "reversed": ((HIGH_3, LOW_3), "give the low end first"),
    "one number": (GAIN, "must be two numbers"),
    "three numbers": ([1.0, 2.0, 3.0], "must be two numbers"),
    "text": ("1.5 to 3.2", "must be two numbers"),
    "open": ((LOW_3, math.inf), "two finite numbers"),
}


@pytest.mark.parametrize("interval, fragment", WRONG_INTERVAL_3.values(), ids=WRONG_INTERVAL_3.keys())
def test_task_3_names_what_is_wrong_with_the_interval(capsys, interval, fragment):
    check_task_3(CURVE, GAIN, interval, "more data helps")
    assert_hint(printed(capsys), 3, fragment)


def test_task_3_and_4_hints_name_the_level_they_were_given(capsys):
    """The reference interval is computed at ``level``; the hint says that level, not the module's 90 %."""
    low, high = gain_interval(CURVE, level=0.8)
    middle, half = (low + high) / 2, (high - low) / 2
    check_task_3(CURVE, GAIN, (middle - 0.3 * half, middle + 0.3 * half), "more data helps", level=0.8)
    assert_hint(printed(capsys), 3, "too narrow for 80%")
    check_task_4(AUG, WORTH_4, [170.0, 350.0], ["cannot tell yet"] * 2, CURVE, level=0.8)
    assert_hint(printed(capsys), 4, "needs one 80 % interval (low, high) per size")


STRADDLES = (0.5, 4.5)  # wider than the reference on a curve whose repeats are noisier: see NOISY
NOISY = make_curve([[.78, .80, .79], [.83, .84, .835], [.86, .87, .865], [.87, .90, .92], [.88, .93, .925]],
                   train=CURVE.train_acc)
WRONG_DECISION_3 = {
    "helps, but the interval contains the threshold": (NOISY, "more data helps", "decision from the number",
                                                       "it contains the 1 pp per doubling"),
    "cannot tell, but the interval lies above": (CURVE, "cannot tell yet", "decision contradicts the interval",
                                                 "it lies entirely above the 1 pp"),
    "does not help, but the interval lies above": (CURVE, "does not help", "decision contradicts the interval",
                                                   "the data can tell: 'more data helps'"),
}


@pytest.mark.parametrize("curve, decision, kind, fragment", WRONG_DECISION_3.values(), ids=WRONG_DECISION_3.keys())
def test_task_3_accepts_only_the_decision_the_students_own_interval_supports(capsys, curve, decision, kind, fragment):
    interval = gain_interval(curve)
    check_task_3(curve, gain_per_doubling(curve), interval, decision)
    text = printed(capsys)
    assert_hint(text, 3, fragment)
    assert f"does not support {decision!r}" in text

    low, high = interval
    assert _decision_hint(decision, low, high, 1.0, DECISIONS_3, "decision", "x", gain_per_doubling(curve)).kind == kind


def test_task_3_the_decision_follows_the_students_interval_not_the_reference(capsys):
    """Two reasonable intervals of the same curve may support different decisions: each passes with its own.

    With a threshold just above the reference's low end, the reference straddles it while the same interval
    moved up by 0.1 of its width (within CENTRE_TOLERANCE_3, 0.15 of the width) lies entirely above it."""
    low, high = gain_interval(NOISY)
    threshold = low + 0.05 * (high - low)
    check_task_3(NOISY, gain_per_doubling(NOISY), (low, high), "cannot tell yet", min_gain_pp=threshold)
    moved = (low + 0.1 * (high - low), high + 0.1 * (high - low))
    check_task_3(NOISY, gain_per_doubling(NOISY), moved, "more data helps", min_gain_pp=threshold)
    assert_all_pass(printed(capsys), 3, checks=2)


def test_task_3_rejects_an_interval_slid_until_it_supports_a_decision(capsys):
    """Width and the number inside are not enough: an interval moved until its low end reaches the threshold (here
    0.46 of its width; another bootstrap seed moves it by at most 0.064) would let any decision pass."""
    low, high = gain_interval(NOISY)
    assert low < 1.0 < high  # the data cannot tell
    slid = (1.0, 1.0 + (high - low))
    check_task_3(NOISY, gain_per_doubling(NOISY), slid, "more data helps")
    assert_hint(printed(capsys), 3, "don't move it")
    for seed in (1, 2, 3):  # the right method with other bootstrap draws still passes
        check_task_3(NOISY, gain_per_doubling(NOISY), gain_interval(NOISY, seed=seed), "cannot tell yet")
        assert_pass(printed(capsys), 3)


@pytest.mark.parametrize("low, high, threshold, expected", [(1.2, 4.0, 1.0, {"more data helps"}),
                                                            (-3.0, 0.5, 1.0, {"does not help"}),
                                                            (-0.4, 5.1, 1.0, {"cannot tell yet"}),
                                                            (1.0, 4.0, 1.0, {"more data helps", "cannot tell yet"})])
def test_supported_decisions_read_the_interval_against_the_threshold(low, high, threshold, expected):
    assert supported_decisions(low, high, threshold, DECISIONS_3) == expected


def test_task_3_and_4_reject_a_level_outside_0_and_1():
    with pytest.raises(ValueError, match="level=1.5 must be the intervals' level"):
        check_task_3(CURVE, *RIGHT_3, level=1.5)
    with pytest.raises(ValueError, match="level=0 must be the intervals' level"):
        check_task_4(AUG, [150.0, 300.0], [(140, 160), (280, 320)], ["cannot tell yet"] * 2, CURVE, level=0)


RIGHT_RANGES_4 = [((r.low, r.low_how), (r.high, r.high_how)) for r in worth_intervals(AUG, CURVE)]
WORTH_4 = [equivalent_size(CURVE, float(a)) for a in AUG.val_acc.mean(axis=1)]
(L0, _), (H0, _) = RIGHT_RANGES_4[0]
(L1, _), (H1, _) = RIGHT_RANGES_4[1]


@pytest.mark.parametrize("ranges, decisions", [
    (RIGHT_RANGES_4, ["augmentation helps"] * 2),
    ([(L0, H0), (L1, H1)], ["Augmentation helps", "augmentation helps."]),
    ([[round(L0), round(H0)], np.array([L1, H1])], ["augmentation helps"] * 2),
    (np.array([[L0, H0], [L1, H1]]), ("augmentation helps", "augmentation helps")),
    ([(L0 * 0.97, H0 * 1.03), (L1 * 0.97, H1 * 1.03)], ["augmentation helps"] * 2),
    ([("fewer than 125", H0), (L1, H1)], ["cannot tell yet", "augmentation helps"]),
], ids=["the rule's pairs", "numbers", "rounded, list and array", "one array", "a little wider",
        "open below, straddling the size"])
def test_task_4_accepts_reasonable_intervals_and_the_decisions_they_support(capsys, ranges, decisions):
    check_task_4(AUG, WORTH_4, ranges, decisions, CURVE)
    assert_pass(printed(capsys), 4)


def test_task_4_open_ends_pass_as_bounds_inf_or_zero(capsys):
    for below in ([(125.0, "fewer than"), (125.0, "fewer than")], ["fewer than 125", "< 125"], [0.0, "fewer than 125"]):
        ranges = [tuple(below), RIGHT_RANGES_4[1]]
        check_task_4(BELOW, [(125.0, "fewer than"), WORTH_4[1]], ranges, ["does not help", "augmentation helps"],
                     CURVE)
    check_task_4(BEYOND, [(2000, "more than")] * 2, [((2000, "more than"), np.inf), ("more than 2,000",) * 2],
                 ["augmentation helps"] * 2, CURVE)
    assert_all_pass(printed(capsys), 4, checks=4)


WRONG_RANGES_4 = {
    "misses the worth": ([(200.0, 260.0), RIGHT_RANGES_4[1]], "does not contain the worth 170"),
    "far too narrow": ([(168.0, 172.0), RIGHT_RANGES_4[1]], "too narrow for 90%"),
    "far too wide": ([((125.0, "fewer than"), (2000.0, "more than")), RIGHT_RANGES_4[1]], "too wide for 90%"),
    "reversed": ([(H0, L0), RIGHT_RANGES_4[1]], "give the low end first"),
    "extrapolated end": ([(L0, H0), (L1, 3000.0)], "lies outside the measured sizes"),
    "one interval for two sizes": ([(L0, H0)], "needs one 90 % interval (low, high) per size"),
    "a number per size": ([170.0, 350.0], "needs one 90 % interval"),
}


@pytest.mark.parametrize("ranges, fragment", WRONG_RANGES_4.values(), ids=WRONG_RANGES_4.keys())
def test_task_4_names_what_is_wrong_with_the_intervals(capsys, ranges, fragment):
    check_task_4(AUG, WORTH_4, ranges, ["cannot tell yet"] * 2, CURVE)
    assert_hint(printed(capsys), 4, fragment)


def test_task_4_rejects_an_interval_slid_until_it_supports_a_decision(capsys):
    """As in task 3: an interval that contains the worth and has the right width, moved until its low end reaches the
    size itself, would let "augmentation helps" pass where the data cannot tell. Here it moves 0.48 in log size,
    more than CENTRE_TOLERANCE_4 of the reference's width plus WIDTH_SLACK_4 / 2 (0.43); other bootstrap seeds pass."""
    aug = make_curve([[.80, .81, .82], [.795, .8375, .88]], train=[[.99] * 3, [.98] * 3], augment=ROTATE_15)
    worth = [equivalent_size(CURVE, float(a)) for a in aug.val_acc.mean(axis=1)]
    first, second = worth_intervals(aug, CURVE)
    assert second.low < 250 < worth[1][0] < second.high  # the data cannot tell at 250
    ranges = [(first.low, first.high), (250.0, 250.0 * second.high / second.low)]
    check_task_4(aug, worth, ranges, ["augmentation helps"] * 2, CURVE)
    assert_hint(printed(capsys), 4, "sits above a 90% interval of this worth")
    for seed in (1, 2, 3):
        rows = worth_intervals(aug, CURVE, seed=seed)
        check_task_4(aug, worth, [(r.low, r.high) for r in rows], ["augmentation helps", "cannot tell yet"], CURVE)
        assert_pass(printed(capsys), 4)


def test_task_3_and_4_refuse_a_threshold_or_level_of_the_wrong_kind():
    with pytest.raises(TypeError, match="min_gain_pp must be a finite number of percentage points, got str"):
        check_task_3(CURVE, *RIGHT_3, min_gain_pp="1")
    with pytest.raises(TypeError, match="level must be the intervals' level, .* got str"):
        check_task_3(CURVE, *RIGHT_3, level="0.9")
    with pytest.raises(TypeError, match="level must be .* got bool"):
        check_task_4(AUG, [150.0, 300.0], [(140, 160), (280, 320)], ["cannot tell yet"] * 2, CURVE, level=True)


def test_task_4_refuses_a_number_where_the_curve_only_bounds_the_end(capsys):
    worth = [(125.0, "fewer than"), WORTH_4[1]]
    check_task_4(BELOW, worth, [(125.0, 125.0), RIGHT_RANGES_4[1]], ["does not help", "augmentation helps"], CURVE)
    assert_hint(printed(capsys), 4, "there the curve only bounds it: say (125, 'fewer than')")


WRONG_DECISIONS_4 = {
    "cannot tell, but the interval lies above the size": (["cannot tell yet", "augmentation helps"],
                                                          "it lies entirely above 125"),
    "does not help, but it lies above": (["augmentation helps", "does not help"],
                                         "for 250 augmented examples: your interval 315 … 397 examples does not "
                                         "support 'does not help'"),
    "one decision for two sizes": ("augmentation helps", "needs one decision per size of aug_curve (2)"),
    "a bool": ([True, True], "`aug_decision` must be one of 'augmentation helps'"),
}


@pytest.mark.parametrize("decisions, fragment", WRONG_DECISIONS_4.values(), ids=WRONG_DECISIONS_4.keys())
def test_task_4_accepts_only_the_decisions_the_intervals_support(capsys, decisions, fragment):
    check_task_4(AUG, WORTH_4, RIGHT_RANGES_4, decisions, CURVE)
    assert_hint(printed(capsys), 4, fragment)


def test_task_4_a_straddling_interval_needs_cannot_tell_yet(capsys):
    ranges = [((125.0, "fewer than"), H0), RIGHT_RANGES_4[1]]  # contains 125: the data cannot tell
    check_task_4(AUG, WORTH_4, ranges, ["augmentation helps"] * 2, CURVE)
    assert_hint(printed(capsys), 4, "it contains 125 — the examples the augmented models trained on, so the data "
                                    "cannot tell yet")


def test_task_4_wants_both_curves_scored_on_the_same_validation_digits(capsys, small_curves, mnist):
    """A `curve` evaluated on the test split (1,000 digits) cannot share a draw of digits with `aug_curve`."""
    on_test, aug = small_curves["test split"], small_curves["aug"]
    check_task_4(aug, one_rule(on_test, aug), [(20, 40), (20, 40)], ["cannot tell yet"] * 2, on_test)
    assert_hint(printed(capsys), 4, "`curve` was scored on 1,000 digits and `aug_curve` on 500")
