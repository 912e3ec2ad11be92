"""Task 1: the lecture's train/test pipelines, checked by their properties (the spec's pixels for some draw)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import torch
from PIL import Image
from torchvision.transforms import InterpolationMode, v2

from helpers.checks.common import Hint, _not_done, _report, _task, _unfinished

__all__ = ["check_task_1", "infer_draws", "run_seeded", "sample_image", "smooth_image"]

SPEC_TRAIN = ("Resize((32, 32)) → RandomCrop((28, 28)) → RandomRotation(30, bilinear) → "
              "ToImage() + ToDtype(torch.float32, scale=True) → Normalize((0.5,), (0.5,))")
SPEC_TEST = "Resize((32, 32)) → CenterCrop((28, 28)) → ToImage() + ToDtype(torch.float32, scale=True) → Normalize"


def sample_image(seed: int = 0) -> Image.Image:
    """A 28×28 grey test image of random pixels (every pixel tells where it came from).

    >>> sample_image().size
    (28, 28)
    """
    pixels = torch.randint(0, 256, (28, 28), generator=torch.Generator().manual_seed(seed), dtype=torch.uint8)
    return Image.fromarray(pixels.numpy())


def smooth_image(seed: int = 0) -> Image.Image:
    """A 28×28 grey test image of smooth, asymmetric blobs: a rotation and a shift of it are easy to measure.

    >>> smooth_image().size
    (28, 28)
    """
    low = torch.rand(1, 1, 6, 6, generator=torch.Generator().manual_seed(seed))
    pixels = torch.nn.functional.interpolate(low, size=(28, 28), mode="bicubic", align_corners=False)[0, 0]
    return Image.fromarray((pixels.clamp(0, 1) * 255).round().to(torch.uint8).numpy())


def spec_test_transform() -> v2.Compose:
    """The spec's deterministic test pipeline: Resize((32, 32)) → CenterCrop((28, 28)) → float → Normalize(0.5, 0.5).

    >>> spec_test_transform()(sample_image()).shape
    torch.Size([1, 28, 28])
    """
    return v2.Compose([v2.Resize((32, 32)), v2.CenterCrop((28, 28)), v2.ToImage(),
                       v2.ToDtype(torch.float32, scale=True), v2.Normalize((0.5,), (0.5,))])


def run_seeded(transform: Callable, image: Image.Image, seed: int) -> object:
    """``transform(image)`` with torch's global random generator set to ``seed`` — and restored afterwards.

    >>> run_seeded(spec_test_transform(), sample_image(), seed=0).shape
    torch.Size([1, 28, 28])
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return transform(image.copy())


def _resized(image: Image.Image) -> torch.Tensor:
    """The image as floats in [0, 1], resized to 32×32 (the spec's first step)."""
    return v2.functional.resize(v2.functional.to_dtype(v2.functional.to_image(image), torch.float32, scale=True),
                                [32, 32])


def _render(crops: torch.Tensor, angle: float) -> torch.Tensor:
    """The spec's last steps for given draws: rotate the 28×28 crops by ``angle``, then Normalize(0.5, 0.5)."""
    return v2.functional.rotate(crops, float(angle), interpolation=InterpolationMode.BILINEAR) * 2 - 1


CROP_OFFSETS = [(top, left) for top in range(5) for left in range(5)]  # RandomCrop((28, 28)) of 32×32


def infer_draws(output: torch.Tensor, image: Image.Image) -> tuple[int, int, float, float]:
    """The crop offset and rotation angle that make the spec's train pipeline give ``output``, and the misfit.

    Tries every crop of the 32×32 image and angles in ±45° (1° steps, then 0.02°); the misfit is the mean absolute
    pixel difference from the spec with those draws: a few thousandths for the spec, more for another pipeline.

    >>> spec = v2.Compose([v2.Resize((32, 32)), v2.RandomCrop((28, 28)),
    ...                    v2.RandomRotation(30, interpolation=InterpolationMode.BILINEAR),
    ...                    v2.ToImage(), v2.ToDtype(torch.float32, scale=True), v2.Normalize((0.5,), (0.5,))])
    >>> top, left, angle, misfit = infer_draws(run_seeded(spec, smooth_image(), 0), smooth_image())
    >>> (top, left, round(angle), misfit < MAX_MISFIT)
    (4, 4, -25, True)
    """
    return _infer_draws(output, _candidates(image), _resized(image))


def _candidates(image: Image.Image) -> torch.Tensor:
    """The spec rendered for every crop offset and every whole angle in ±45°: 25 × 91 × 1 × 28 × 28."""
    base = _resized(image)
    crops = torch.stack([base[:, top:top + 28, left:left + 28] for top, left in CROP_OFFSETS])
    return torch.stack([_render(crops, angle) for angle in COARSE_ANGLES], dim=1)


COARSE_ANGLES = torch.arange(-45.0, 45.5, 1.0)


def _infer_draws(output: torch.Tensor, candidates: torch.Tensor, base: torch.Tensor) -> tuple[int, int, float, float]:
    """The draws of the closest candidate (whole degrees), its angle then refined to 0.1° and 0.02°."""
    offset, coarse = divmod(int((candidates - output).abs().mean(dim=(2, 3, 4)).argmin()), len(COARSE_ANGLES))
    (top, left), angle = CROP_OFFSETS[offset], float(COARSE_ANGLES[coarse])
    crop = base[:, top:top + 28, left:left + 28]
    for step in (0.1, 0.02):
        angles = angle + step * torch.arange(-10, 11)
        errors = torch.stack([(_render(crop, float(a)) - output).abs().mean() for a in angles])
        angle = float(angles[int(errors.argmin())])
    return top, left, angle, float(errors.min())


MAX_MISFIT = 0.03  # mean |Δ| per pixel: equivalent step orders stay below 0.02, nearest interpolation gives ~0.05
PIXEL_TOLERANCE = 0.02  # max |Δ| for the test pipeline: rounding of equivalent step orders (1 grey level = 0.008)
TRAIN_SEEDS = range(128)  # random seeds the train pipeline runs with: the range of its angles
FITTED_DRAWS = 24  # … of which the first are fitted to 0.02° (the pixels must be the spec's), the rest to 1°
TEST_SEEDS = range(4)  # … and the test pipeline (it must not change)
EDGE_ANGLE = 26.5  # of 128 uniform draws in ±30°, all stay below 26.5° on one side with probability 5e-4


def _outputs(transform: Callable, which: str, image: Image.Image, seeds: Iterable[int], crop: str
             ) -> tuple[list, list[Hint]]:
    """The transform's outputs for ``seeds`` and ``[]`` — or a hint when calling it fails or its output is off."""
    if not callable(transform):
        return [], [Hint("not callable", f"your {which} transform is a {type(transform).__name__}, not a transform "
                                         "— build it with v2.Compose([...])")]
    try:
        outs = [run_seeded(transform, image, seed) for seed in seeds]
    except Exception as error:  # the student's code may fail in any way: that is a hint, too
        return [], [Hint("call failed", f"calling your {which} transform on a PIL image failed: "
                                        f"{type(error).__name__}: {error}")]
    problem = _output_problem(outs[0], which, crop)
    if problem and problem.kind == "range":  # values outside [−1, 1]: the Normalize step's own hint, if there is one
        problem = _structure_hint(transform, which) or problem
    return outs, [problem] if problem else []


def _output_problem(out: object, which: str, crop: str) -> Hint | None:
    """What is wrong with one output of a pipeline that should give a normalized 1×28×28 float tensor."""
    if not torch.is_tensor(out):
        kind = "PIL image" if isinstance(out, Image.Image) else type(out).__name__
        return (Hint("not a tensor", f"your {which} transform returns a {kind}, not a tensor — convert with "
                "ToImage() + ToDtype(torch.float32, scale=True) (v2) or ToTensor() (v1), then Normalize"))
    if not out.is_floating_point():
        return (Hint("not float", f"your {which} transform returns {out.dtype} pixels — convert them with "
                "ToDtype(torch.float32, scale=True)"))
    if tuple(out.shape) == (1, 32, 32):
        return Hint("not cropped",
                    f"your {which} images are 32×32 — after Resize((32, 32)) crop back to 28×28 with {crop}((28, 28))")
    if tuple(out.shape) != (1, 28, 28):
        return Hint("wrong shape",
                    f"your {which} transform returns shape {tuple(out.shape)}; the spec gives (1, 28, 28)")
    if out.dtype != torch.float32:
        return Hint("wrong dtype", f"your {which} transform returns {out.dtype} values; the spec gives torch.float32")
    if not bool(torch.isfinite(out).all()):
        return Hint("not finite", f"your {which} transform returns NaN or infinite values")
    if float(out.max()) > 5:  # Normalize(0.5, 0.5) of [0, 1] ends at 1; of 0…255 at 509
        return (Hint("not scaled",
                     f"your {which} values reach {float(out.max()):.0f}: the pixels were not scaled to [0, 1] before "
                "Normalize — use ToDtype(torch.float32, scale=True) (scale=True divides by 255)"))
    if float(out.min()) >= 0:
        return (Hint("no normalize", f"your {which} values lie in [0, 1]: Normalize((0.5,), (0.5,)) is missing — "
                "it maps them to [−1, 1] as in the lecture"))
    if float(out.min()) < -1 - 1e-4 or float(out.max()) > 1 + 1e-4:
        return Hint("range", f"your {which} values span [{float(out.min()):.2f}, {float(out.max()):.2f}]; the spec's "
                             "Normalize((0.5,), (0.5,)) of pixels in [0, 1] gives values in [−1, 1]")
    return None


def _steps(transform: object) -> list:
    """The steps of a (possibly nested) ``Compose``; ``[]`` for anything else."""
    steps = []
    for step in getattr(transform, "transforms", []) or []:
        steps += _steps(step) if hasattr(step, "transforms") else [step]
    return steps


def _names(steps: list) -> list[str]:
    return [type(step).__name__ for step in steps]


def _is_random(outs: list) -> bool:
    return any(not torch.equal(outs[0], out) for out in outs[1:])


def _train_structure_hint(steps: list) -> Hint:
    """A hint from the steps of a train pipeline whose pixels are not the spec's for any random draw."""
    names = _names(steps)
    rotation = next((s for s in steps if "RandomRotation" in type(s).__name__), None)
    if rotation is None:
        return Hint("no rotation",
                    "your train transform has no RandomRotation — the spec rotates by a random angle in ±30°")
    mode = getattr(rotation.interpolation, "value", rotation.interpolation)
    if mode != InterpolationMode.BILINEAR.value:
        return (Hint("rotation interpolation",
                     f"your rotation uses {mode} interpolation (nearest is the default) — the spec asks for bilinear: "
                "RandomRotation(30, interpolation=InterpolationMode.BILINEAR)"))
    if "RandomCrop" not in names:
        return Hint("no random crop",
                    "your train transform has no RandomCrop((28, 28)) after the Resize — the lecture's random shift")
    if names.index("RandomCrop") > names.index(type(rotation).__name__):
        return Hint("rotate before crop", f"you rotate before you crop — the spec's order is {SPEC_TRAIN}")
    if "Normalize" in names and names.index("Normalize") < names.index(type(rotation).__name__):
        return (Hint("normalize before rotate",
                     "you normalize before you rotate: the corners the rotation fills with 0 become grey instead of "
                f"black (−1) — Normalize comes last: {SPEC_TRAIN}"))
    return _common_structure_hint(steps, "train") or (
        Hint("other pixels", f"your train transform gives other pixels than the spec for every crop and angle tried. "
        f"Your steps: {' → '.join(names)}; the spec: {SPEC_TRAIN}"))


def _common_structure_hint(steps: list, which: str) -> Hint | None:
    """Resize and Normalize, shared by the train and test pipelines."""
    resize = next((s for s in steps if type(s).__name__ == "Resize"), None)
    if resize is None:
        return (Hint("no resize",
                     f"your {which} transform has no Resize((32, 32)) — without it the crop cuts the digit "
                "instead of shifting it, and train and test digits differ in size"))
    if list(np.atleast_1d(resize.size)) not in ([32], [32, 32]):
        return Hint("resize size", f"your {which} transform resizes to {resize.size}; the spec resizes to (32, 32)")
    mode = getattr(resize.interpolation, "value", resize.interpolation)
    if mode != InterpolationMode.BILINEAR.value:
        return (Hint("resize interpolation",
                     f"your {which} Resize uses {mode} interpolation — the spec resizes with the default, bilinear "
                "(with antialiasing)"))
    normalize = next((s for s in steps if type(s).__name__ == "Normalize"), None)
    if normalize is not None and (list(normalize.mean), list(normalize.std)) != ([0.5], [0.5]):
        return (Hint("normalize statistics",
                     f"your {which} Normalize uses mean {list(normalize.mean)} and std {list(normalize.std)}; "
                "the spec: Normalize((0.5,), (0.5,))"))
    return None


def _structure_hint(transform: object, which: str, train: bool = False) -> Hint | None:
    """The hint the pipeline's steps give: the train pipeline's, or those shared with the test pipeline."""
    try:
        steps = _steps(transform)
        return _train_structure_hint(steps) if train else _common_structure_hint(steps, which)
    except Exception:  # an unusual custom step: fall back to the general hint
        return None


def _test_hints(test_transform: Callable, which: str = "test") -> list[Hint]:
    """Hints for a pipeline that should equal the spec's deterministic test pipeline ([] when it does)."""
    image = sample_image()
    outs, hints = _outputs(test_transform, which, image, TEST_SEEDS, "CenterCrop")
    if hints:
        return hints
    if _is_random(outs):
        random_steps = [n for n in _names(_steps(test_transform)) if n.startswith("Random")] or ["a random step"]
        return [Hint("random test",
                     f"your {which} transform is random ({', '.join(random_steps)}): the same image gives different "
                f"pixels on every pass — use CenterCrop((28, 28)) and no rotation: {SPEC_TEST}")]
    references = [spec_test_transform()(image.copy()),  # PIL steps first, as in the lecture
                  _resized(image)[:, 2:30, 2:30] * 2 - 1]  # ToImage + ToDtype first: resized as floats
    if any(float((outs[0] - ref).abs().max()) <= PIXEL_TOLERANCE for ref in references):
        return []
    no_resize = v2.functional.to_dtype(v2.functional.to_image(image), torch.float32, scale=True) * 2 - 1
    if float((outs[0] - no_resize).abs().max()) <= PIXEL_TOLERANCE:
        return [Hint("test not resized",
                     f"your {which} images are not resized: Resize((32, 32)) then CenterCrop((28, 28)) — otherwise "
                "the digits look smaller than in training (the lecture's reason to resize the test data too)")]
    return [_structure_hint(test_transform, which) or Hint(
        "other pixels", f"your {which} transform gives other pixels than the spec ({SPEC_TEST}); your steps: "
        f"{' → '.join(_names(_steps(test_transform))) or type(test_transform).__name__}")]


def _draws_hint(draws: list[tuple[int, int, float, float]], which: str) -> Hint | None:
    """A hint when the crop offsets or angles are not the spec's: the angles must pass ±``EDGE_ANGLE`` on both sides."""
    angles = np.array([angle for _, _, angle, _ in draws])
    offsets = {(top, left) for top, left, _, _ in draws}
    low, high = float(angles.min()), float(angles.max())
    spec = "the spec draws them uniformly in ±30°: RandomRotation(30) (a number d means [−d, d], a pair (a, b) [a, b])"
    if max(-low, high) < 0.5:
        return Hint("no rotation", f"your {which} transform does not rotate — the spec rotates by a random angle "
                                   "in ±30°: RandomRotation(30)")
    if max(-low, high) > 31:
        return Hint("angles too wide", f"your {which} rotation reaches {max(-low, high):.0f}° — {spec}")
    if low > -0.5 or high < 0.5:
        side = "positive" if low > -0.5 else "negative"
        return Hint("one-sided angles", f"your {which} rotation angles are all {side} ({low:.0f}° … {high:.0f}° in "
                                        f"{len(draws)} draws) — {spec}")
    if min(-low, high) < EDGE_ANGLE:
        return Hint("angles too narrow", f"your {which} rotation angles stay within {low:.0f}° … {high:.0f}° in "
                                         f"{len(draws)} draws — {spec}")
    if len(offsets) == 1:
        top, left = offsets.pop()
        return Hint("fixed crop", f"your {which} crop always starts at row {top}, column {left} — the spec shifts "
                                  "the digit at random: RandomCrop((28, 28)) after Resize((32, 32))")
    return None


def _train_hints(train_transform: Callable, which: str = "train") -> list[Hint]:
    """Hints for a pipeline that should follow the spec's random train pipeline ([] when it does)."""
    image = smooth_image()
    outs, hints = _outputs(train_transform, which, image, TRAIN_SEEDS, "RandomCrop")
    if hints:
        return hints
    if not _is_random(outs):
        return [Hint("not random",
                     f"your {which} transform gives the same pixels every time — training data must be augmented at "
                "random: RandomCrop((28, 28)) and RandomRotation(30) after the Resize")]
    candidates, base = _candidates(image), _resized(image)
    draws = [_infer_draws(out, candidates, base) for out in outs[:FITTED_DRAWS]]  # to 0.02°, for the misfit
    if max(misfit for *_, misfit in draws) > MAX_MISFIT:
        return [_structure_hint(train_transform, which, train=True) or Hint(
            "other pixels", f"your {which} transform gives other pixels than the spec for every crop and angle tried; "
            f"the spec: {SPEC_TRAIN}")]
    flat = candidates.reshape(-1, candidates[0, 0].numel())
    norms = (flat * flat).sum(dim=1)  # for the nearest candidate by squared distance: one matrix product per draw
    nearest = [divmod(int((norms - 2 * flat @ out.reshape(-1)).argmin()), len(COARSE_ANGLES))
               for out in outs[FITTED_DRAWS:]]
    coarse = [(*CROP_OFFSETS[offset], float(COARSE_ANGLES[angle]), float("nan")) for offset, angle in nearest]
    hint = _draws_hint(draws + coarse, which)  # the rest to 1°
    return [hint] if hint else []


@_task(1)
def check_task_1(train_transform: Callable, test_transform: Callable) -> bool:
    """Task 1: the lecture's train and test pipelines for MNIST, built to the spec.

    Checks properties, not one way of writing it: both pipelines turn a PIL image into a ``float32`` tensor
    1×28×28 with values in [−1, 1]; the test pipeline is deterministic and gives the spec's pixels (up to rounding:
    ``ToImage()`` first, v1 or v2 all pass); every train output is the spec's Resize → crop → bilinear rotation →
    Normalize for *some* crop offset and angle, and over 128 draws the offsets vary and the angles fill ±30°.
    Typical mistakes get their own hint (uint8 output, no crop, no or another ``Normalize``, nearest rotation,
    rotate before crop, a random test pipeline, …). Returns whether the task passed.

    >>> spec = v2.Compose([v2.ToImage(), v2.Resize((32, 32)), v2.RandomCrop((28, 28)),
    ...                    v2.RandomRotation(30, interpolation=InterpolationMode.BILINEAR),
    ...                    v2.ToDtype(torch.float32, scale=True), v2.Normalize((0.5,), (0.5,))])
    >>> check_task_1(spec, spec_test_transform())  # doctest: +ELLIPSIS
    ✅ Task 1 passed: your train pipeline is the spec's for every random draw ...
    """
    if _unfinished(train_transform, test_transform):
        return _not_done(1)
    hints = _train_hints(train_transform) + _test_hints(test_transform)
    return _report(1, hints, "your train pipeline is the spec's for every random draw (crop offsets vary, angles "
                             "fill ±30°), and your test pipeline is deterministic and gives the spec's pixels.")

