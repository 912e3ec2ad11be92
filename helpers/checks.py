"""Self-checks for the homework: ``check_task_N(answer, …)`` says whether an answer is right — and if not, why.

Each check verifies the properties the task asks for (for a pipeline: output shape,
dtype, value range, determinism, the spec's pixels and random draws; for a learning
curve: its sizes, model, settings and split; for datasets: which split each uses), so
every correct way of writing an answer passes. When an answer is wrong, the check
compares it with the *typical* wrong answers of that task, so the hint names the
mistake, e.g. "your std equals the mean of per-batch stds — compute it over all pixels
at once". A check prints one of

- ``✅ Task N passed: …`` (and what the answer means),
- ``❌ Task N — not yet: …`` with a specific hint,
- ``⏳ Task N: not done yet …`` while an answer is still ``...`` or ``None`` (the student stub).

A check never raises because of the answer (a wrong type or a transform that fails
is a hint, too); it raises ``ValueError`` only when the task's own inputs are unusable.
``grade_task(N, …)`` runs the same check for the autograder and raises ``AssertionError``
with the hint unless the task passed. Checks do not touch the notebook's random state.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image
from torchvision.transforms import InterpolationMode, v2

from helpers.curves import HOW, LearningCurve, equivalent_size, gain_interval, gain_per_doubling, worth_intervals
from helpers.standardization import mean_of_batch_stds
from helpers.training import Engine, Training, learning_curve, plan_learning_curve  # the grader re-measures a curve

PASS, HINT, TODO = "✅", "❌", "⏳"
SPEC_TRAIN = ("Resize((32, 32)) → RandomCrop((28, 28)) → RandomRotation(30, bilinear) → "
              "ToImage() + ToDtype(torch.float32, scale=True) → Normalize((0.5,), (0.5,))")
SPEC_TEST = "Resize((32, 32)) → CenterCrop((28, 28)) → ToImage() + ToDtype(torch.float32, scale=True) → Normalize"
CHECKS: dict[int, Callable[..., bool]] = {}  # task number → the check, returning whether it passed


@dataclass(frozen=True)
class Hint:
    """One recognised mistake: ``kind`` names it (checks branch on it, never on the wording); ``text`` says it.

    Example:
        >>> Hint("variance", "your std is the variance — take its square root").kind
        'variance'
    """

    kind: str
    text: str


# --------------------------------------------------------------------------------------------
# reporting
# --------------------------------------------------------------------------------------------
def _unfinished(*answers: object) -> bool:
    return any(answer is Ellipsis or answer is None for answer in answers)


def _report(task: int, hints: Sequence[Hint], success: str) -> bool:
    if hints:
        print(f"{HINT} Task {task} — not yet: " + "\n   ".join(hint.text for hint in hints))
    else:
        print(f"{PASS} Task {task} passed: {success}")
    return not hints


def _not_done(task: int, what: str = "replace each `...` with your answer, then run the cell again") -> bool:
    print(f"{TODO} Task {task}: not done yet — {what}.")
    return False


def _task(number: int) -> Callable:
    """Register a check as task ``number``'s; the public function prints and returns ``None``."""
    def register(check: Callable[..., bool]) -> Callable[..., None]:
        CHECKS[number] = check

        @functools.wraps(check)
        def printed_only(*args: object, **kwargs: object) -> None:
            with warnings.catch_warnings():  # the answer runs many times: its warnings would only repeat
                warnings.simplefilter("ignore")
                check(*args, **kwargs)
        return printed_only
    return register


def grade_task(task: int, *args: object, **kwargs: object) -> None:
    """Run task ``task``'s check silently; raise ``AssertionError`` with its message unless it passed.

    The hidden tests of the graded homework call this (after re-importing this module,
    so a check redefined in an answer cell does not count).

    Example:
        >>> grade_task(1, ..., ...)
        Traceback (most recent call last):
        ...
        AssertionError: ⏳ Task 1: not done yet — replace each `...` with your answer, then run the cell again.
    """
    if task not in CHECKS:
        raise ValueError(f"task={task!r} is unknown; allowed values: {sorted(CHECKS)}")
    with contextlib.redirect_stdout(io.StringIO()) as text, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbgrader counts any output on stderr as a failed test
        passed = CHECKS[task](*args, **kwargs)
    if not passed:
        raise AssertionError(text.getvalue().strip())


def _close(a: torch.Tensor, b: torch.Tensor, rtol: float = 1e-4) -> bool:
    return a.shape == b.shape and bool(torch.allclose(a, b, rtol=rtol, atol=1e-7))


def _fmt(values: torch.Tensor) -> str:
    return "(" + ", ".join(f"{v:.4f}" for v in values.flatten().tolist()[:6]) + (", …)" if values.numel() > 6 else ")")


# --------------------------------------------------------------------------------------------
# task 1 — the lecture's train/test pipelines, checked by their properties
# --------------------------------------------------------------------------------------------
def sample_image(seed: int = 0) -> Image.Image:
    """A 28×28 grey test image of random pixels (every pixel tells where it came from).

    Example:
        >>> sample_image().size
        (28, 28)
    """
    pixels = torch.randint(0, 256, (28, 28), generator=torch.Generator().manual_seed(seed), dtype=torch.uint8)
    return Image.fromarray(pixels.numpy())


def smooth_image(seed: int = 0) -> Image.Image:
    """A 28×28 grey test image of smooth, asymmetric blobs: a rotation and a shift of it are easy to measure.

    Example:
        >>> smooth_image().size
        (28, 28)
    """
    low = torch.rand(1, 1, 6, 6, generator=torch.Generator().manual_seed(seed))
    pixels = torch.nn.functional.interpolate(low, size=(28, 28), mode="bicubic", align_corners=False)[0, 0]
    return Image.fromarray((pixels.clamp(0, 1) * 255).round().to(torch.uint8).numpy())


def spec_test_transform() -> v2.Compose:
    """The spec's deterministic test pipeline: Resize((32, 32)) → CenterCrop((28, 28)) → float → Normalize(0.5, 0.5).

    Example:
        >>> spec_test_transform()(sample_image()).shape
        torch.Size([1, 28, 28])
    """
    return v2.Compose([v2.Resize((32, 32)), v2.CenterCrop((28, 28)), v2.ToImage(),
                       v2.ToDtype(torch.float32, scale=True), v2.Normalize((0.5,), (0.5,))])


def run_seeded(transform: Callable, image: Image.Image, seed: int) -> object:
    """``transform(image)`` with torch's global random generator set to ``seed`` — and restored afterwards.

    Example:
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


def _render(crops: torch.Tensor, angle: float, interpolation: InterpolationMode = InterpolationMode.BILINEAR
            ) -> torch.Tensor:
    """The spec's last steps for given draws: rotate the 28×28 crops by ``angle``, then Normalize(0.5, 0.5)."""
    return v2.functional.rotate(crops, float(angle), interpolation=interpolation) * 2 - 1


CROP_OFFSETS = [(top, left) for top in range(5) for left in range(5)]  # RandomCrop((28, 28)) of 32×32


def infer_draws(output: torch.Tensor, image: Image.Image) -> tuple[int, int, float, float]:
    """The crop offset and rotation angle that make the spec's train pipeline give ``output``, and the misfit.

    Searches every crop position of the 32×32 image and angles in ±45° (1° steps, then
    0.02°); the misfit is the mean absolute pixel difference (values in [−1, 1]) between
    ``output`` and the spec rendered with the best draws — a few thousandths for the spec
    in any order of equivalent steps, more for another pipeline.

    Example:
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


def _coarse_draw(output: torch.Tensor, candidates: torch.Tensor) -> tuple[int, int, float, float]:
    """The crop offset and whole-degree angle of the candidate closest to ``output``, and its misfit."""
    misfit = (candidates - output).abs().mean(dim=(2, 3, 4))
    offset, coarse = divmod(int(misfit.argmin()), len(COARSE_ANGLES))
    return *CROP_OFFSETS[offset], float(COARSE_ANGLES[coarse]), float(misfit.min())


def _infer_draws(output: torch.Tensor, candidates: torch.Tensor, base: torch.Tensor) -> tuple[int, int, float, float]:
    top, left, angle, _ = _coarse_draw(output, candidates)
    crop = base[:, top:top + 28, left:left + 28]
    for step in (0.1, 0.02):
        angles = angle + step * torch.arange(-10, 11)
        errors = torch.stack([(_render(crop, float(a)) - output).abs().mean() for a in angles])
        angle = float(angles[int(errors.argmin())])
    return top, left, angle, float(errors.min())


RANGE_PROBLEM = "the spec's Normalize((0.5,), (0.5,)) of pixels in [0, 1] gives values in [−1, 1]"
MAX_MISFIT = 0.03  # mean |Δ| per pixel: equivalent step orders stay below 0.02, nearest interpolation gives ~0.05
PIXEL_TOLERANCE = 0.02  # max |Δ| for the test pipeline: rounding of equivalent step orders (1 grey level = 0.008)
TRAIN_SEEDS = range(128)  # random seeds the train pipeline runs with: the range of its angles
FITTED_DRAWS = 24  # … of which the first are fitted to 0.02° (the pixels must be the spec's), the rest to 1°
TEST_SEEDS = range(4)  # … and the test pipeline (it must not change)
EDGE_ANGLE = 26.5  # of 128 uniform draws in ±30°, all stay below 26.5° on one side with probability 5e-4


def _outputs(transform: Callable, which: str, image: Image.Image, seeds: Iterable[int]) -> tuple[list, Hint | None]:
    """The transform's outputs for ``seeds`` — or a hint when calling it fails."""
    if not callable(transform):
        return [], Hint("not callable", f"your {which} transform is a {type(transform).__name__}, not a transform "
                                        "— build it with v2.Compose([...])")
    try:
        return [run_seeded(transform, image, seed) for seed in seeds], None
    except Exception as error:  # the student's code may fail in any way: that is a hint, too
        return [], Hint("call failed", f"calling your {which} transform on a PIL image failed: "
                                       f"{type(error).__name__}: {error}")


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
        return Hint("range",
                    f"your {which} values span [{float(out.min()):.2f}, {float(out.max()):.2f}]; {RANGE_PROBLEM}")
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


def _range_hint(problem: Hint, transform: object, which: str) -> Hint:
    """For values outside [−1, 1], the Normalize step's own hint (e.g. MNIST's statistics) when there is one."""
    if problem.kind != "range":
        return problem
    return _safe_structure_hint(_common_structure_hint, transform, which) or problem


def _safe_structure_hint(hint: Callable[[list, str], Hint | None], transform: object, which: str) -> Hint | None:
    try:
        return hint(_steps(transform), which)
    except Exception:  # an unusual custom step: fall back to the general hint
        return None


def _test_hints(test_transform: Callable, which: str = "test") -> list[Hint]:
    """Hints for a pipeline that should equal the spec's deterministic test pipeline ([] when it does)."""
    image = sample_image()
    outs, failure = _outputs(test_transform, which, image, TEST_SEEDS)
    problem = failure or _output_problem(outs[0], which, "CenterCrop")
    if problem:
        return [_range_hint(problem, test_transform, which)]
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
    structure = _safe_structure_hint(_common_structure_hint, test_transform, which)
    return [structure or Hint("other pixels",
                              f"your {which} transform gives other pixels than the spec ({SPEC_TEST}); your steps: "
                         f"{' → '.join(_names(_steps(test_transform))) or type(test_transform).__name__}")]


def _draws_hint(draws: list[tuple[int, int, float, float]], which: str) -> Hint | None:
    """A hint when the random draws (crop offsets, angles) are not the spec's; ``None`` when they are.

    The angles must reach beyond ±``EDGE_ANGLE`` on *both* sides: of ``len(TRAIN_SEEDS)`` uniform
    draws in ±30°, all stay below 26.5° on one side with probability 5e-4, while a narrower or
    one-sided range (``RandomRotation(25)``, ``((0, 30))``) never gets there.
    """
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
    outs, failure = _outputs(train_transform, which, image, TRAIN_SEEDS)
    problem = failure or _output_problem(outs[0], which, "RandomCrop")
    if problem:
        return [_range_hint(problem, train_transform, which)]
    if not _is_random(outs):
        return [Hint("not random",
                     f"your {which} transform gives the same pixels every time — training data must be augmented at "
                "random: RandomCrop((28, 28)) and RandomRotation(30) after the Resize")]
    candidates, base = _candidates(image), _resized(image)
    draws = [_infer_draws(out, candidates, base) for out in outs[:FITTED_DRAWS]]  # to 0.02°, for the misfit
    if max(misfit for *_, misfit in draws) > MAX_MISFIT:
        return [_safe_structure_hint(lambda steps, _: _train_structure_hint(steps), train_transform, which)
                or Hint("other pixels",
                        f"your {which} transform gives other pixels than the spec for every crop and angle tried; "
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

    Checks properties, not one way of writing it: both pipelines turn a PIL image into a
    ``float32`` tensor 1×28×28 with values in [−1, 1]; the test pipeline is deterministic
    and gives the spec's pixels (up to rounding: ``ToImage()`` first, v1 or v2 all pass);
    every output of the train pipeline is the spec's Resize → crop → bilinear rotation →
    Normalize for *some* crop offset and angle, and over 128 draws those offsets vary and
    the angles fill ±30°. Recognised mistakes: no tensor / uint8 output, no crop (32×32),
    pixels not scaled, no or another ``Normalize``, Normalize before the rotation, a train
    pipeline without randomness, rotation range or interpolation (nearest, the default)
    off the spec, rotate-before-crop, a fixed crop, a random test pipeline, a test pipeline
    without ``Resize``. Returns whether the task passed.

    Example:
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


# --------------------------------------------------------------------------------------------
# task 2 — exact per-channel statistics of the training split
# --------------------------------------------------------------------------------------------
def _as_values(answer: object, name: str) -> tuple[torch.Tensor | None, Hint | None]:
    if isinstance(answer, (str, bytes)):
        return None, Hint("not numbers", f"`{name}` must be numbers (a tensor, array or list), got the text {answer!r}")
    try:
        values = torch.as_tensor(np.asarray(answer.detach().cpu() if torch.is_tensor(answer) else answer,
                                            dtype=np.float64))
    except (TypeError, ValueError):
        return None, Hint("not numbers", f"`{name}` must be numbers (a tensor, array or list), "
                                         f"got a {type(answer).__name__}")
    return values, None


def _batches(loader: Iterable, name: str) -> torch.Tensor:
    batches = [torch.as_tensor(b[0] if isinstance(b, (tuple, list)) else b).detach().cpu().double()
               for b in loader]
    if not batches or any(b.ndim != 4 for b in batches):
        raise ValueError(f"{name} must yield image batches N×C×H×W (or (images, labels) pairs); "
                         f"got {len(batches)} batches of shapes {[tuple(b.shape) for b in batches[:2]]}")
    return torch.cat(batches)


def _shape_hint(values: torch.Tensor, name: str, channels: int, image_shape: tuple) -> Hint | None:
    if values.numel() == channels:
        return None
    if values.numel() == 1:
        return (Hint("one value", f"`{name}` is one number for all channels — per channel means {channels} values: "
                "reduce over dims (0, 2, 3) (batch, height, width), not over the channels"))
    if values.numel() == math.prod(image_shape):
        return (Hint("per pixel",
                     f"`{name}` has one value per pixel (shape {tuple(values.shape)}) — per channel means {channels} "
                "values: reduce over height and width as well, dims (0, 2, 3)"))
    return (Hint("wrong shape",
                 f"`{name}` has shape {tuple(values.shape)}; per channel means {channels} values — reduce over "
            "dims (0, 2, 3) (batch, height, width)"))


def _stats_hints(mean: torch.Tensor, std: torch.Tensor, x: torch.Tensor, train_loader: Iterable,
                 all_images: torch.Tensor | None, splits: dict | None = None) -> list[Hint]:
    ref_mean, ref_std = x.mean(dim=(0, 2, 3)), x.std(dim=(0, 2, 3), correction=0)
    if not (_close(mean, ref_mean) and _close_std(std, x)):
        for names, images in _with_held_out(all_images, splits):
            if _close(mean, images.mean(dim=(0, 2, 3))) or _close_std(std, images):
                return [Hint("held-out data", f"your statistics include the {names} images — fit them on the "
                                              "training split only (the batches of `train_loader`); the held-out "
                                              "data must stay unseen")]
    hints = [] if _close(mean, ref_mean) else [_mean_hint(mean, ref_mean, train_loader)]
    if not _close_std(std, x):
        hints.append(_std_hint(std, ref_std, x, train_loader))
    return hints


def _close_std(std: torch.Tensor, images: torch.Tensor) -> bool:
    """Whether ``std`` is the per-channel std of ``images`` (either correction: /N or /(N − 1))."""
    return any(_close(std, images.std(dim=(0, 2, 3), correction=c)) for c in (0, 1))


def _with_held_out(all_images: torch.Tensor | None, splits: dict | None) -> list[tuple[str, torch.Tensor]]:
    """The training images together with held-out ones, named: "validation", "test", "validation and test"."""
    if all_images is None:
        return []
    every = torch.as_tensor(all_images).detach().cpu().double()
    if splits is None or not {"train", "val", "test"} <= set(splits):
        return [("validation and test", every)]
    train, val, test = (torch.as_tensor(splits[k]).long() for k in ("train", "val", "test"))
    return [("validation", every[torch.cat([train, val])]), ("test", every[torch.cat([train, test])]),
            ("validation and test", every)]


def _std_hint(std: torch.Tensor, ref_std: torch.Tensor, x: torch.Tensor, train_loader: Iterable) -> Hint:
    """The hint for a wrong per-channel ``std``: the typical mistake it matches (either std correction)."""
    batches = [_batches([b], "train_loader") for b in train_loader]
    guesses = {
        Hint("batch stds",
             "your std equals the mean of per-batch stds — that misses the spread between batches; compute it over "
        "all pixels at once (or merge each batch's count, sum and sum of squares)"): [mean_of_batch_stds(
            train_loader)] + [torch.stack([b.std(dim=(0, 2, 3)) for b in batches]).mean(0)],
        Hint("image stds",
             "your std is the average of per-image stds — it misses how images differ from each other; compute one "
        "std over all pixels of all training images, per channel"): [x.std(dim=(2, 3), correction=c).mean(0)
                                                                    for c in (0, 1)],
        Hint("variance", "your std is the variance — take its square root"): [ref_std**2],
        Hint("0…255 scale",
             "your std is on the 0…255 scale — the images are floats in [0, 1] (after ToTensor)"): [ref_std * 255],
    }
    return next((hint for hint, wrongs in guesses.items() if any(_close(std, wrong) for wrong in wrongs)),
                Hint("std wrong",
                     f"your std {_fmt(std)} is not the std of all training pixels per channel — square the deviations "
                "from the *overall* mean, average over all pixels, take the square root"))


def _mean_hint(mean: torch.Tensor, ref_mean: torch.Tensor, train_loader: Iterable) -> Hint:
    batch_means = torch.stack([_batches([b], "train_loader").mean(dim=(0, 2, 3)) for b in train_loader]).mean(0)
    if _close(mean, batch_means):
        return (Hint("batch means",
                     "your mean averages the batch means, but the last batch is smaller — weight each batch by its "
                "size (sum all pixels, divide by their count)"))
    if _close(mean, ref_mean * 255):
        return Hint("0…255 scale", "your mean is on the 0…255 scale — the images are floats in [0, 1] (after ToTensor)")
    return (Hint("mean wrong",
                 f"your mean {_fmt(mean)} is not the mean of all training pixels per channel — sum them all, "
            "divide by their count"))


@_task(2)
def check_task_2(mean: object, std: object, train_loader: Iterable, all_images: torch.Tensor | None = None,
                 splits: dict | None = None) -> bool:
    """Task 2: exact per-channel mean and std of all pixels of the training split.

    ``train_loader`` yields the training images in batches (``N×C×H×W`` floats, or
    ``(images, labels)``); ``all_images`` (optional) are the images of every split and
    ``splits`` (optional) their split indices, to recognise statistics fitted on more than the
    training data. Population (``/N``) and sample (``/(N−1)``) std both pass. Recognised
    mistakes: one value for all channels, one per pixel, the mean of per-batch stds, the mean
    of per-image stds, the variance, the 0…255 scale, unweighted batch means, statistics that
    include the validation images, the test images, or both.

    Example (in the homework)::

        check_task_2(mean, std, train_loader, all_images=patch_x, splits=patch_splits)
    """
    if _unfinished(mean, std):
        return _not_done(2)
    x = _batches(train_loader, "train_loader")
    if all_images is not None and (not torch.is_tensor(all_images) or all_images.ndim != 4):
        raise ValueError("all_images must be a tensor N×C×H×W of the images of every split (or None)")
    (mean, mean_error), (std, std_error) = _as_values(mean, "mean"), _as_values(std, "std")
    hints = [h for h in (mean_error, std_error) if h]
    if not hints:
        hints = [h for h in (_shape_hint(mean, "mean", x.shape[1], x.shape[1:]),
                             _shape_hint(std, "std", x.shape[1], x.shape[1:])) if h]
    if not hints:
        hints = _stats_hints(mean.flatten(), std.flatten(), x, train_loader, all_images, splits)
    if hints:
        return _report(2, hints, "")
    return _report(2, [], f"mean {_fmt(mean.flatten())} and std {_fmt(std.flatten())} are the exact per-channel "
                          f"statistics of the {len(x)} training images ({x[:, 0].numel():,} pixels per channel).")


# --------------------------------------------------------------------------------------------
# task 3 — a learning curve for an MLP, and a decision with a number
# --------------------------------------------------------------------------------------------
def _curve_hint(curve: object, name: str, model: str = "mlp") -> Hint | None:
    if not isinstance(curve, LearningCurve):
        return Hint("not a curve",
                    f"`{name}` must be the LearningCurve that learning_curve(...) returns, got a "
                    f"{type(curve).__name__}")
    if curve.model != model:
        return Hint("wrong model",
                    f"`{name}` is a learning curve of model={curve.model!r} — the task asks for model={model!r}")
    return None


def _settings_hint(curve: LearningCurve, name: str, sizes: Sequence[int] | None, epochs: int | None,
                   repeats: int | None, sizes_setting: str = "the settings cell") -> Hint | None:
    """A hint when the curve's recorded sizes, repeats or epochs are not the ones the task asks for."""
    if sizes is not None and list(np.asarray(curve.sizes).tolist()) != [int(n) for n in sizes]:
        return (Hint("wrong sizes",
                     f"`{name}` was measured at sizes {np.asarray(curve.sizes).tolist()}; the task asks for "
                f"{[int(n) for n in sizes]} ({sizes_setting})"))
    if epochs is not None and curve.epochs != epochs:
        return Hint("wrong epochs",
                    f"the models of `{name}` trained {curve.epochs} epochs; the task asks for {epochs} (EPOCHS)")
    if repeats is not None and curve.repeats != repeats:
        return Hint("wrong repeats",
                    f"`{name}` has {curve.repeats} repeats per size; the task asks for {repeats} (REPEATS)")
    if sizes is None and (len(curve.sizes) < 3 or curve.repeats < 2):
        return (Hint("too few sizes",
                     f"`{name}` has {len(curve.sizes)} sizes and {curve.repeats} repeats — measure at least 3 sizes "
                "with at least 2 repeats each, or the last step is mostly noise"))
    return None


def _reproduction_hint(curve: LearningCurve, name: str, reproduce: dict | None) -> Hint | None:
    """Re-measure ``curve`` with the task's settings (``reproduce``: ``learning_curve`` arguments); hint if it differs.

    This catches what the curve does not record: the learning rate, momentum, batch size,
    seed, augmentation and the split it was trained and evaluated on.
    """
    if reproduce is None:
        return None
    r = reproduce  # the task's settings by name; the curve records sizes, repeats, epochs and model itself
    plan = plan_learning_curve(r["labels"], r["train_pool"], r["val_idx"], curve.sizes.tolist(), curve.repeats,
                               r.get("seed", 0))
    training = Training(curve.epochs, **{k: r[k] for k in ("batch_size", "lr", "momentum") if k in r})
    with torch.random.fork_rng(devices=[]):
        expected = learning_curve(r["images"], r["labels"], plan, curve.model, training, augment=r.get("augment"),
                                  engine=Engine(device=r.get("device"), progress=False))
    if expected.val_acc.shape == curve.val_acc.shape and np.allclose(curve.val_acc, expected.val_acc, atol=1e-3) \
            and np.allclose(curve.train_acc, expected.train_acc, atol=1e-3):
        return None
    hint = _split_hint(curve, name, {"val": reproduce["val_idx"]})
    if hint:
        return hint
    n_val = len(reproduce["val_idx"])
    counts = np.asarray(curve.val_acc, dtype=float) * n_val
    if not np.allclose(counts, np.round(counts), atol=1e-3):
        return Hint("not validation", f"`{name}` was not evaluated on the validation split (its accuracies are not "
                                      f"counts out of its {n_val} digits) — pass splits[\"train\"] and splits[\"val\"]")
    shown = {k: v for k, v in reproduce.items() if isinstance(v, (int, float, str)) and not isinstance(v, bool)}
    if reproduce.get("augment") is not None:
        shown["augment"] = reproduce["augment"]
    return Hint("settings differ", f"`{name}` differs from learning_curve(...) with the task's settings "
                                   f"({', '.join(f'{k}={v!r}' for k, v in shown.items())}, the train pool "
                                   "splits[\"train\"], evaluated on splits[\"val\"]) — check each argument of your "
                                   "call against the task")


def _split_hint(curve: LearningCurve, name: str, splits: dict | None) -> Hint | None:
    """A hint when ``curve`` was not evaluated on the validation split: it records how many digits each model saw."""
    if splits is None or curve.n_val is None or "val" not in splits or curve.n_val == len(splits["val"]):
        return None
    if "test" in splits and curve.n_val == len(splits["test"]):
        return Hint("test split", f"`{name}` was evaluated on {curve.n_val:,} digits — the test split; decisions are "
                                  f"made on the validation split ({len(splits['val']):,} digits): pass "
                                  "splits[\"val\"], and keep the test split for the very end")
    return Hint("not validation", f"`{name}` was evaluated on {curve.n_val:,} digits, but the validation split has "
                                  f"{len(splits['val']):,} — pass splits[\"val\"] as the held-out set")


def _gain_hint(gain: float, curve: LearningCurve) -> Hint:
    ref = gain_per_doubling(curve)
    val = curve.val_acc.mean(axis=1)
    doublings = math.log2(curve.sizes[-1] / curve.sizes[-2])
    guesses = {
        Hint("fraction", "your number is a fraction — give percentage points (multiply by 100)"): ref / 100,
        Hint("training accuracy", "your number comes from the training accuracy — the question is about new data: "
             "use val_acc"): gain_per_doubling(curve, "train"),
        Hint("wrong sign", "your number has the wrong sign — largest size minus second largest"): -ref,
        Hint("whole curve", "your number is the gain over the whole curve — the question is about the last step "
        "(the two largest sizes)"): (val[-1] - val[0]) * 100,
        Hint("one repeat", "your number comes from one repeat — average over the repeats first (val_acc.mean(axis=1))"):
            (curve.val_acc[-1, 0] - curve.val_acc[-2, 0]) * 100 / doublings,
        Hint("not per doubling", "your number is the gain between the two largest sizes, not per doubling — divide by "
        "log2(n_largest / n_second)"): (val[-1] - val[-2]) * 100,
    }
    return next((hint for hint, wrong in guesses.items() if math.isclose(gain, wrong, rel_tol=1e-3, abs_tol=1e-4)),
                Hint("gain wrong",
                     f"your gain {gain:.2f} pp is not the validation-accuracy gain per doubling of the two largest "
                     f"sizes"))


LEVEL = 0.9  # tasks 3 and 4: the level of the interval the tasks ask for
DECISIONS_3 = ("more data helps", "does not help", "cannot tell yet")  # task 3: the decisions an interval supports
DECISIONS_4 = ("augmentation helps", "does not help", "cannot tell yet")  # task 4: per augmented size
# How wide a student's 90 % interval may be, as a multiple of the reference method's width (``gain_interval``
# with seed 0; for task 4 ``worth_intervals`` in log size, plus WIDTH_SLACK_4). Measured over seeds 100–119 with
# the homework's settings (``python benchmarks/bench_calibration.py --only homework`` prints the ratios): the
# reference method with other seeds or draws, or without the small-sample widening, gives 0.81–1.11 (task 3) and
# 0.80–1.37 (task 4); an interval from the repeats alone, without the validation sample's noise, 0.41–0.66 (task 4:
# 0.33–0.93), so it passes only now and then; ±1 standard error of the repeats 0.25–0.42; a 99 % interval of the
# reference method is 1.57 times as wide. The range admits every variant of the right method with a margin and
# refuses ±1 SE and 99 %.
WIDTH_RANGE_3 = (0.6, 1.5)
WIDTH_RANGE_4 = (0.6, 1.5)
WIDTH_SLACK_4 = 0.1  # log size: rounding, and ends near the edges of the measured sizes
ESTIMATE_TOLERANCE_PP = 0.05  # an interval rounded to 0.1 pp still contains its number


def _check_level(level: object) -> None:
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ValueError(f"level={level!r} must be the intervals' level, a number strictly between 0 and 1 (LEVEL)")


def decision_text(answer: object, allowed: Sequence[str]) -> str | None:
    """``answer`` as one of ``allowed`` (any case, spaces or a final full stop), else ``None``.

    Example:
        >>> decision_text(" Cannot tell yet. ", DECISIONS_3), decision_text(True, DECISIONS_3)
        ('cannot tell yet', None)
    """
    if not isinstance(answer, str):
        return None
    text = " ".join(answer.lower().replace("’", "'").split()).rstrip(".!").replace("doesn't", "does not")
    return text if text in allowed else None


def supported_decisions(low: float, high: float, threshold: float, allowed: Sequence[str]) -> set[str]:
    """The decisions an interval ``low … high`` supports against ``threshold``: ``allowed[0]`` when it lies
    entirely above, ``allowed[1]`` entirely below, ``allowed[2]`` ("cannot tell yet") when it straddles it (an
    end exactly on the threshold admits both readings).

    Example:
        >>> supported_decisions(1.2, 4.0, 1.0, DECISIONS_3), supported_decisions(-0.4, 5.1, 1.0, DECISIONS_3)
        ({'more data helps'}, {'cannot tell yet'})
    """
    found = set()
    if low >= threshold:
        found.add(allowed[0])
    if high <= threshold:
        found.add(allowed[1])
    if low <= threshold <= high and not (low == high == threshold):
        found.add(allowed[2])
    return found or {allowed[2]}


def _pair(answer: object) -> tuple[float, float] | None:
    """``answer`` as ``(low, high)`` if it is two numbers (tuple, list, array or tensor), else ``None``."""
    if isinstance(answer, (str, bytes, dict)):
        return None
    try:
        values = np.asarray(answer.detach().cpu() if torch.is_tensor(answer) else answer, dtype=float)
    except (TypeError, ValueError):
        return None
    return (float(values.ravel()[0]), float(values.ravel()[1])) if values.size == 2 else None


def _interval_hint(interval: object, gain: float, curve: LearningCurve, level: float = LEVEL) -> Hint | None:
    """``None`` when ``interval`` is a reasonable 90 % interval of the gain ``gain``, else what is wrong with it."""
    pair = _pair(interval)
    if pair is None:
        return Hint("interval not a pair", "`gain_range` must be two numbers, (low, high) in percentage points — got "
                                           f"{str(interval)[:60]}")
    low, high = pair
    if not (math.isfinite(low) and math.isfinite(high)):
        return Hint("interval not finite", f"`gain_range` must be two finite numbers, got ({low}, {high})")
    if low > high:
        return Hint("interval reversed", f"`gain_range` is ({low:.2f}, {high:.2f}): give the low end first")
    if not low - ESTIMATE_TOLERANCE_PP <= gain <= high + ESTIMATE_TOLERANCE_PP:
        fraction = low * 100 - ESTIMATE_TOLERANCE_PP <= gain <= high * 100 + ESTIMATE_TOLERANCE_PP
        return Hint("interval misses the estimate",
                    f"your interval {low:.2f} … {high:.2f} does not contain your number {gain:.2f} pp" +
                    (" — it looks like a fraction: give percentage points (multiply by 100)" if fraction else
                     " — an interval of the gain per doubling is centred near it (bootstrap the repeats and the "
                     "validation digits, or use gain_interval)"))
    ref_low, ref_high = gain_interval(curve, level=level, seed=0)
    ratio = (high - low) / (ref_high - ref_low)
    if ratio < WIDTH_RANGE_3[0]:
        return Hint("interval too narrow",
                    f"your interval {low:.2f} … {high:.2f} pp is {ratio:.2f}× as wide as a {LEVEL:.0%} interval of "
                    f"this curve ({ref_low:.1f} … {ref_high:.1f} pp from gain_interval) — too narrow for {LEVEL:.0%}: "
                    "does it hold both sources of noise, the repeats *and* the validation digits every model was "
                    "scored on (the repeats alone give about half the width)? ±1 standard error is only a 68 % "
                    "interval (use ±1.645)")
    if ratio > WIDTH_RANGE_3[1]:
        return Hint("interval too wide",
                    f"your interval {low:.2f} … {high:.2f} pp is {ratio:.1f}× as wide as a {LEVEL:.0%} interval of "
                    f"this curve ({ref_low:.1f} … {ref_high:.1f} pp from gain_interval) — too wide for {LEVEL:.0%}: "
                    "the range of the per-repeat gains or a 99 % interval says less than the data know")
    return None


def _decision_hint(answer: object, low: float, high: float, threshold: float, allowed: Sequence[str], name: str,
                   what: str, estimate: float | None = None, shown: str | None = None) -> Hint | None:
    """``None`` when the decision ``answer`` is one that the interval ``low … high`` supports, else a hint
    (``shown``: the interval as the hint prints it; ``estimate``: the number, to spot a decision read off it)."""
    text = decision_text(answer, allowed)
    if text is None:
        return Hint("decision unknown", f"`{name}` must be one of {', '.join(repr(d) for d in allowed)} — got "
                                        f"{answer!r:.60}")
    supported = supported_decisions(low, high, threshold, allowed)
    if text in supported:
        return None
    right = sorted(supported)[0]
    if right == allowed[2]:
        why = f"it contains {what}, so the data cannot tell yet which side the truth is on: {right!r}"
    else:
        side = "above" if right == allowed[0] else "below"
        why = f"it lies entirely {side} {what}, so the data can tell: {right!r}"
    hint_kind = "decision contradicts the interval"
    if estimate is not None and text == (allowed[0] if estimate >= threshold else allowed[1]):
        hint_kind, why = "decision from the number", f"your decision follows from the number alone — decide from " \
                                                     f"the interval: {why}"
    shown = shown or f"{low:.2f} … {high:.2f}"
    return Hint(hint_kind, f"your interval {shown} does not support {text!r}: {why}")


@_task(3)
def check_task_3(curve: object, gain_pp: object, gain_range: object, decision: object, min_gain_pp: float = 1.0,
                 sizes: Sequence[int] | None = None, epochs: int | None = None, repeats: int | None = None,
                 splits: dict | None = None, reproduce: dict | None = None, level: float = LEVEL) -> bool:
    """Task 3: an MLP learning curve, its last gain per doubling (pp of validation accuracy), its 90 % interval
    and the decision that interval supports.

    ``gain_range`` is ``(low, high)`` in percentage points (tuple, list, array or tensor): any reasonable
    90 % interval passes — it must contain ``gain_pp`` and be ``WIDTH_RANGE_3`` times as wide as
    ``helpers.curves.gain_interval``'s (a bootstrap of the repeats and the validation digits). ``decision``
    is one of ``DECISIONS_3`` (any case): "more data helps" when the interval lies entirely above
    ``min_gain_pp``, "does not help" when entirely below, "cannot tell yet" when it contains it — decided from
    the student's own interval. ``sizes``, ``epochs`` and ``repeats`` are the task's settings, compared with
    what the curve records; without ``sizes`` at least 3 sizes and 2 repeats are needed. ``splits`` (the
    task's split indices): the curve must be evaluated on as many digits as ``splits["val"]`` holds.
    ``level`` is the task's ``LEVEL`` (the width is compared with the reference at that level).
    ``reproduce`` (the grader's hidden test) holds the other ``learning_curve`` arguments (``images``,
    ``labels``, ``train_pool``, ``val_idx``, ``batch_size``, ``lr``, ``momentum``, ``seed``, ``device``):
    the curve is measured again and must agree. Recognised mistakes: not a ``LearningCurve``, a softmax
    curve, other sizes, epochs or repeats than asked, another split (the test split, by the count of
    evaluated digits) or other training settings, the gain as a fraction, from training accuracy, with the
    wrong sign, over the whole curve, from one repeat, not per doubling; an interval that is not two finite
    numbers, reversed, misses the number, is far too narrow (±1 standard error) or too wide; a decision that
    is not one of the three, or that the interval does not support (e.g. read off the number alone).

    Example (in the homework)::

        check_task_3(curve, gain_pp, gain_range, decision, min_gain_pp=MIN_GAIN_PP, sizes=SIZES, epochs=EPOCHS,
                     repeats=REPEATS, splits=splits)
    """
    if not isinstance(min_gain_pp, (int, float)) or not math.isfinite(min_gain_pp):
        raise ValueError(f"min_gain_pp={min_gain_pp!r} must be a finite number of percentage points")
    _check_level(level)
    if _unfinished(curve, gain_pp, gain_range, decision):
        return _not_done(3)
    hint = _curve_hint(curve, "curve") or _settings_hint(curve, "curve", sizes, epochs, repeats)
    hint = hint or _split_hint(curve, "curve", splits)
    gain = _scalar(gain_pp)
    if hint is None and (gain is None or not math.isfinite(gain)):
        hint = Hint("gain not a number",
                    f"`gain_pp` must be one number (finite, in percentage points), got {gain_pp!r:.40}")
    if hint is None and not math.isclose(gain, gain_per_doubling(curve), rel_tol=1e-3, abs_tol=1e-4):
        hint = _gain_hint(gain, curve)
    hint = hint or _interval_hint(gain_range, gain, curve, level)
    if hint is None:
        low, high = _pair(gain_range)
        hint = _decision_hint(decision, low, high, min_gain_pp, DECISIONS_3, "decision",
                              f"the {min_gain_pp:g} pp per doubling that make more data worth collecting", gain)
    hint = hint or _reproduction_hint(curve, "curve", reproduce)
    if hint:
        return _report(3, [hint], "")
    low, high = _pair(gain_range)
    said = decision_text(decision, DECISIONS_3)
    return _report(3, [], f"your number ({gain:.1f} pp per doubling between the two largest sizes), its interval "
                          f"({low:.1f} … {high:.1f} pp) and your decision agree: {said!r} "
                          f"(threshold {min_gain_pp:g} pp).")


def _scalar(value: object) -> float | None:
    """``value`` as a float if it is one number (Python, NumPy or a one-element tensor), else ``None``."""
    if isinstance(value, (bool, str, bytes)):
        return None
    try:
        array = np.asarray(value.detach().cpu() if torch.is_tensor(value) else value, dtype=float)
    except (TypeError, ValueError):
        return None
    return float(array.reshape(())) if array.size == 1 else None


# --------------------------------------------------------------------------------------------
# task 4 — what augmentation is worth in examples
# --------------------------------------------------------------------------------------------
BOUND = re.compile(r"^\s*(fewer than|less than|<|more than|>)\s*([0-9][0-9,_]*(?:\.[0-9]+)?)\s*$")
BOUND_WORDS = {"fewer than": "fewer than", "less than": "fewer than", "<": "fewer than", "more than": "more than",
               ">": "more than"}


def worth_entry(item: object) -> tuple[float, str | None] | None:
    """One entry of a task-4 ``worth`` answer as ``(size, how)``; ``how`` is ``None`` for a plain number.

    Accepted: a number; the pair ``(size, how)`` that ``helpers.curves.equivalent_size`` returns; a text
    bound such as ``"fewer than 125"``, ``"< 125"`` or ``"more than 1,500"``. ``None`` for anything else.

    Example:
        >>> worth_entry(180.4), worth_entry((125.0, "fewer than")), worth_entry("> 1,500")
        ((180.4, None), (125.0, 'fewer than'), (1500.0, 'more than'))
    """
    if isinstance(item, str):
        found = BOUND.match(item.lower())
        return (float(found.group(2).replace(",", "").replace("_", "")), BOUND_WORDS[found.group(1)]) if found else None
    if isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[1], str) and item[1] in HOW:
        size = _scalar(item[0])
        return None if size is None else (size, item[1])
    size = _scalar(item)
    return None if size is None else (size, None)


def _worth_entries(worth: object, count: int) -> tuple[list[tuple[float, str | None]] | None, Hint | None]:
    """The entries of ``worth`` (one per augmented size), or a hint when it is not that."""
    if count == 1 and worth_entry(worth) is not None:
        worth = [worth]
    items = worth.detach().cpu().flatten().tolist() if torch.is_tensor(worth) else (
        np.asarray(worth).ravel().tolist() if isinstance(worth, np.ndarray) else worth)
    if not isinstance(items, (list, tuple)):
        return None, Hint("not a list", f"`worth` must be a list with one entry per augmented size, got a "
                                        f"{type(worth).__name__}")
    entries = [worth_entry(item) for item in items]
    if len(entries) != count or None in entries:
        return None, Hint("worth length", f"`worth` needs one entry per size of aug_curve ({count}): a number of "
                                          "examples, or a bound such as (125, 'fewer than') where the curve has no "
                                          f"number — got {str(worth)[:80]}")
    return entries, None


def _interpolate(accuracy: np.ndarray, curve_acc: np.ndarray, sizes: np.ndarray, log_size: bool = True) -> np.ndarray:
    sizes = np.asarray(sizes, dtype=float)
    return np.exp(np.interp(accuracy, curve_acc, np.log(sizes))) if log_size else np.interp(accuracy, curve_acc, sizes)


def _bound_hint(value: float, how: str | None, size: int, bound: float, rule: str) -> Hint:
    """The hint for an entry where the curve gives only a bound (``rule``: "fewer than" or "more than")."""
    says = f"{rule} {bound:,.0f}"
    where = "below the whole" if rule == "fewer than" else "above the whole"
    if how is not None:
        return Hint("wrong bound", f"for {size} augmented examples the un-augmented curve says '{says}', not "
                                   f"'{how} {value:,.0f}'")
    if not math.isfinite(value):
        return Hint("unbounded", f"for {size} augmented examples your worth is {value} — the augmented accuracy lies "
                                 f"{where} un-augmented curve, so the data bound it on one side only, '{says}': "
                                 f"give ({bound:.0f}, '{rule}') (what equivalent_size returns)")
    if math.isclose(value, bound, rel_tol=5e-3, abs_tol=1.0):
        return Hint("clipped", f"for {size} augmented examples your worth is {value:,.0f}, the edge of the measured "
                               f"sizes — but the augmented accuracy lies {where} un-augmented curve: the data only say "
                               f"'{says}'. Give ({bound:.0f}, '{rule}') (what equivalent_size returns), not a clipped "
                               "size (np.interp clips)")
    return Hint("extrapolated", f"for {size} augmented examples your worth {value:,.0f} lies outside the measured "
                                f"sizes, where the curve says nothing — the data only say '{says}': give "
                                f"({bound:.0f}, '{rule}')")


def _worth_hint(entries: list[tuple[float, str | None]], aug_curve: LearningCurve, curve: LearningCurve
                ) -> Hint | None:
    """``None`` when ``worth`` is what the un-augmented curve says (the one rule: ``equivalent_size``), else a hint."""
    acc, n = aug_curve.val_acc.mean(axis=1), aug_curve.sizes.astype(float)
    expected = [equivalent_size(curve, float(a)) for a in acc]
    for (value, how), (bound, rule), size in zip(entries, expected, aug_curve.sizes, strict=True):
        if rule != "interpolated" and not (how == rule and math.isclose(value, bound, rel_tol=5e-3, abs_tol=1.0)):
            return _bound_hint(value, how, int(size), bound, rule)
    inside = [i for i, (_, rule) in enumerate(expected) if rule == "interpolated"]
    values = np.array([entries[i][0] for i in inside])
    ref = np.array([expected[i][0] for i in inside])
    if any(entries[i][1] not in (None, "interpolated") for i in inside):
        i = next(i for i in inside if entries[i][1] not in (None, "interpolated"))
        return Hint("wrong bound", f"for {aug_curve.sizes[i]} augmented examples the curve has a number, "
                                   f"{ref[inside.index(i)]:,.0f} examples, not a bound ('{entries[i][1]}')")
    if np.allclose(values, ref, rtol=5e-3, atol=1.0):
        return None
    plain, sizes = curve.val_acc.mean(axis=1), curve.sizes
    guesses = {
        Hint("linear size", "you interpolated in the size itself — interpolate in log(size) (learning curves are "
                            "close to straight lines against log size), or use equivalent_size"):
            _interpolate(acc, plain, sizes, log_size=False),
        Hint("extra examples", "your numbers are the *extra* examples augmentation is worth — the question asks "
                               "for the total number of un-augmented examples that reach the same accuracy"): ref - n,
        Hint("factors", "your numbers are factors — the question asks for numbers of examples (factor × size)"):
            ref / n,
        Hint("training accuracy", "your numbers come from training accuracy — use the validation accuracy of both "
                                  "curves"): _interpolate(aug_curve.train_acc.mean(axis=1), curve.train_acc.mean(1),
                                                         sizes),
        Hint("accuracy differences", "your numbers are accuracy differences — convert them into examples: which "
                                     "size of the un-augmented curve reaches the augmented accuracy?"):
            (acc - np.interp(n, sizes, plain)) * 100,
    }
    return next((hint for hint, wrong in guesses.items()
                 if np.allclose(values, np.asarray(wrong)[inside], rtol=5e-3, atol=1e-3)),
                Hint("worth wrong", f"your numbers {np.round(values).tolist()} are not what the un-augmented curve "
                                    "says: it reaches the augmented accuracies "
                                    f"{np.round(acc[inside] * 100, 1).tolist()} % at about {np.round(ref).tolist()} "
                                    "examples (interpolate its mean val_acc in log size: equivalent_size)"))


def _aug_curve_hint(aug_curve: LearningCurve, curve: LearningCurve, sizes: Sequence[int] | None,
                    augment: object = None) -> Hint | None:
    if aug_curve.epochs != curve.epochs:
        return Hint("epochs differ", f"compare like with like: the augmented models trained {aug_curve.epochs} "
                                     f"epochs, the un-augmented ones {curve.epochs}")
    if aug_curve.repeats != curve.repeats:
        return Hint("repeats differ", f"compare like with like: `aug_curve` has {aug_curve.repeats} repeats per "
                                      f"size, `curve` {curve.repeats}")
    if None not in (curve.n_val, aug_curve.n_val) and curve.n_val != aug_curve.n_val:
        return Hint("other digits", f"compare like with like: `curve` was scored on {curve.n_val:,} digits and "
                                    f"`aug_curve` on {aug_curve.n_val:,} — evaluate both on splits[\"val\"], so that "
                                    "the intervals can draw the same validation digits for both")
    if sizes is not None and (settings := _settings_hint(aug_curve, "aug_curve", sizes, None, None, "AUG_SIZES")):
        return settings
    k = len(aug_curve.sizes)
    if aug_curve.augment is None or (
            np.array_equal(aug_curve.sizes, curve.sizes[:k]) and np.array_equal(aug_curve.val_acc, curve.val_acc[:k])):
        return Hint("no augmentation", "your augmented curve was trained without augmentation — pass "
                                       "augment=FusedAugment(...) to learning_curve")
    if augment is not None and aug_curve.augment != repr(augment):
        return Hint("other augmentation", f"`aug_curve` was trained with {aug_curve.augment}; the task asks for "
                                          f"{augment!r} — keep resize=28, crop=28 (no zoom): learning_curve evaluates "
                                          "on the plain 28×28 digits, so training digits must keep that scale")
    return None


def _end(item: object, side: str) -> tuple[float, str] | None:
    """One end of a task-4 interval as ``(log size, how)``: ``how`` is "interpolated" for a number, or the bound;
    an open end (``inf`` above, ``0`` below, or a bound) has the log size ``±inf``."""
    entry = worth_entry(item)
    if entry is None:
        return None
    value, how = entry
    if how in (None, HOW[0]):
        if math.isnan(value) or value < 0 or (side == "low" and value == math.inf):
            return None
        return (math.log(value) if value > 0 else -math.inf), HOW[0]
    return {HOW[1]: -math.inf, HOW[2]: math.inf}[how], how


def _end_text(key: float, how: str, sizes: np.ndarray) -> str:
    if how == HOW[1] or key == -math.inf:
        return f"fewer than {sizes[0]:,.0f}"
    if how == HOW[2] or key == math.inf:
        return f"more than {sizes[-1]:,.0f}"
    return f"{math.exp(key):,.0f}"


def _worth_ranges(worth_ranges: object, count: int) -> tuple[list | None, Hint | None]:
    """The ends of ``worth_ranges`` (one ``(low, high)`` per augmented size) as ``(key, how)`` pairs, or a hint."""
    items = worth_ranges.tolist() if isinstance(worth_ranges, np.ndarray) else (
        worth_ranges.detach().cpu().tolist() if torch.is_tensor(worth_ranges) else worth_ranges)
    if count == 1 and isinstance(items, (list, tuple)) and len(items) == 2 and _end(items[0], "low") is not None:
        items = [items]
    wanted = ("`worth_ranges` needs one 90 % interval (low, high) per size of aug_curve "
              f"({count}), each end a number of examples or, where the curve cannot bound it, a bound such as "
              "(1500, 'more than') — got ")
    if not isinstance(items, (list, tuple)) or len(items) != count:
        return None, Hint("ranges length", wanted + f"{str(worth_ranges)[:80]}")
    ends = []
    for item in items:
        if isinstance(item, np.ndarray) or torch.is_tensor(item):
            item = item.tolist()
        pair = list(item) if isinstance(item, (list, tuple)) and len(item) == 2 else None
        low, high = (_end(pair[0], "low"), _end(pair[1], "high")) if pair else (None, None)
        if low is None or high is None:
            return None, Hint("ranges length", wanted + f"{str(item)[:80]}")
        ends.append((low, high))
    return ends, None


def _ranges_hint(ends: list, aug_curve: LearningCurve, curve: LearningCurve, level: float = LEVEL) -> Hint | None:
    """``None`` when every interval is a reasonable 90 % interval of its worth (the one rule's), else a hint."""
    sizes = curve.sizes.astype(float)
    edges = math.log(sizes[0]), math.log(sizes[-1])
    shared = None not in (curve.n_val, aug_curve.n_val)  # both record the same digits (checked before): resample them
    reference = worth_intervals(aug_curve, curve, level=level, seed=0, validation_noise=None if shared else False)
    for ((low, low_how), (high, high_how)), row, n in zip(ends, reference, aug_curve.sizes, strict=True):
        shown = f"{_end_text(low, low_how, sizes)} … {_end_text(high, high_how, sizes)}"
        estimate = _log_key(row.equivalent, row.how)
        ref_low, ref_high = _log_key(row.low, row.low_how), _log_key(row.high, row.high_how)
        if low > high:
            return Hint("interval reversed", f"for {n} augmented examples your interval is {shown}: give the low end "
                                             "first")
        for key, how, ref, side in ((low, low_how, ref_low, "low"), (high, high_how, ref_high, "high")):
            if how != HOW[0] or not math.isfinite(key):
                continue
            if key < edges[0] - 0.005 or key > edges[1] + 0.005:
                return Hint("extrapolated end", f"for {n} augmented examples the {side} end {math.exp(key):,.0f} lies "
                                                "outside the measured sizes, where the curve says nothing — give "
                                                f"the bound there, e.g. ({sizes[0 if key < edges[0] else -1]:.0f}, "
                                                f"'{'fewer than' if key < edges[0] else 'more than'}')")
            if not math.isfinite(ref) and min(abs(key - edges[0]), abs(key - edges[1])) < 0.005:
                rule = HOW[1] if ref < 0 else HOW[2]
                return Hint("clipped end", f"for {n} augmented examples your {side} end {math.exp(key):,.0f} is the "
                                           f"edge of the measured sizes, but there the curve only bounds it: say "
                                           f"({sizes[0 if ref < 0 else -1]:.0f}, '{rule}') — the interval is open "
                                           "on that side")
        if not low - 0.01 <= estimate <= high + 0.01:
            return Hint("interval misses the estimate",
                        f"for {n} augmented examples your interval {shown} does not contain the worth "
                        f"{_end_text(estimate, row.how, sizes)} — bootstrap both curves and read each draw off "
                        "with the same rule (worth_intervals does it)")
        width = min(high, edges[1]) - max(low, edges[0])
        ref_width = min(ref_high, edges[1]) - max(ref_low, edges[0])
        if not WIDTH_RANGE_4[0] * ref_width - WIDTH_SLACK_4 <= width <= WIDTH_RANGE_4[1] * ref_width + WIDTH_SLACK_4:
            which = "narrow" if width < ref_width else "wide"
            return Hint(f"interval too {which}",
                        f"for {n} augmented examples your interval {shown} is too {which} for {LEVEL:.0%}: a "
                        f"{LEVEL:.0%} interval of this worth is about {_end_text(ref_low, row.low_how, sizes)} … "
                        f"{_end_text(ref_high, row.high_how, sizes)} (worth_intervals: the repeats and the "
                        "validation digits of both curves)")
    return None


def _log_key(size: float, how: str) -> float:
    return {HOW[0]: math.log(size) if size > 0 else -math.inf, HOW[1]: -math.inf, HOW[2]: math.inf}[how]


def _aug_decisions_hint(aug_decision: object, ends: list, aug_curve: LearningCurve, curve: LearningCurve,
                        worth: list) -> Hint | None:
    """``None`` when each size's decision is one its interval supports (against the size itself), else a hint."""
    count = len(aug_curve.sizes)
    decisions = [aug_decision] if count == 1 and isinstance(aug_decision, str) else aug_decision
    if not isinstance(decisions, (list, tuple)) or len(decisions) != count:
        return Hint("decisions length", f"`aug_decision` needs one decision per size of aug_curve ({count}), each one "
                                        f"of {', '.join(repr(d) for d in DECISIONS_4)} — got {str(aug_decision)[:80]}")
    sizes = curve.sizes.astype(float)
    for answer, ((low, low_how), (high, high_how)), n, (value, how) in zip(decisions, ends, aug_curve.sizes, worth,
                                                                          strict=True):
        estimate = _log_key(value, how)
        hint = _decision_hint(answer, low, high, math.log(n), DECISIONS_4, "aug_decision",
                              f"{n:,} — the examples the augmented models trained on", estimate,
                              f"{_end_text(low, low_how, sizes)} … {_end_text(high, high_how, sizes)} examples")
        if hint:
            return Hint(hint.kind, f"for {n} augmented examples: {hint.text}")
    return None


@_task(4)
def check_task_4(aug_curve: object, worth: object, worth_ranges: object, aug_decision: object, curve: object,
                 sizes: Sequence[int] | None = None, augment: object = None, reproduce: dict | None = None,
                 level: float = LEVEL) -> bool:
    """Task 4: an augmented MLP curve at small sizes, how many un-augmented examples each size is worth, the
    90 % interval of each worth, and whether each interval says that augmentation helps.

    ``curve`` is the un-augmented MLP curve of task 3; ``worth`` holds, per size of ``aug_curve``,
    what the course's one rule (``helpers.curves.equivalent_size``) says of ``curve`` at the augmented
    models' mean validation accuracy: a number of examples inside the measured accuracies
    (interpolated in log size), and only a bound outside them — ``(125, "fewer than")`` (or the text
    ``"fewer than 125"``) below the smallest size, ``(1500, "more than")`` above the largest; a clipped
    size, ``inf``/``nan`` or an extrapolated number does not pass there. ``worth_ranges`` holds one 90 %
    interval ``(low, high)`` per size, each end a number of examples or, where the curve cannot bound it, a
    bound (``(1500, "more than")``, ``"more than 1,500"``; ``inf`` above or ``0`` below also say "open"): it
    must contain the worth and be about as wide as ``helpers.curves.worth_intervals``' (``WIDTH_RANGE_4``
    times, in log size). ``aug_decision`` holds per size one of ``DECISIONS_4`` (any case): "augmentation
    helps" when the interval lies entirely above the size itself (the augmented examples are worth more
    plain ones than they are), "does not help" when entirely below, "cannot tell yet" when it contains it.
    ``sizes`` are the task's ``AUG_SIZES``, ``augment`` the augmentation it asks for (compared with what
    the curve records); ``reproduce`` (the grader's hidden test) holds the other ``learning_curve``
    arguments, ``augment`` included: ``aug_curve`` is measured again and must agree. Recognised mistakes:
    not a ``LearningCurve``, other epochs or repeats than ``curve``, other sizes, no or another augmentation
    (the lecture's zoom), another split, a clipped, infinite or extrapolated size where the curve gives
    only a bound, interpolation in linear size, the extra examples instead of the total, factors,
    training accuracy, accuracy differences; an interval that misses the worth, is reversed, far too narrow
    or wide, or states a number where the curve gives only a bound; a decision the interval does not support.

    Example (in the homework)::

        check_task_4(aug_curve, worth, worth_ranges, aug_decision, curve, sizes=AUG_SIZES,
                     augment=FusedAugment(degrees=AUG_DEGREES, resize=28, crop=28))
    """
    _check_level(level)
    if _unfinished(curve):
        return _not_done(4, "it needs `curve`, the un-augmented MLP learning curve of task 3, first")
    if _unfinished(aug_curve, worth, worth_ranges, aug_decision):
        return _not_done(4)
    hint = _curve_hint(curve, "curve") or _curve_hint(aug_curve, "aug_curve")
    hint = hint or _aug_curve_hint(aug_curve, curve, sizes, augment)
    entries, error = _worth_entries(worth, len(aug_curve.sizes)) if hint is None else (None, None)
    hint = hint or error or _worth_hint(entries, aug_curve, curve)
    ends, error = _worth_ranges(worth_ranges, len(aug_curve.sizes)) if hint is None else (None, None)
    hint = hint or error or _ranges_hint(ends, aug_curve, curve, level)
    expected = [] if hint else [equivalent_size(curve, float(a)) for a in aug_curve.val_acc.mean(axis=1)]
    hint = hint or _aug_decisions_hint(aug_decision, ends, aug_curve, curve, expected)
    hint = hint or _reproduction_hint(aug_curve, "aug_curve", reproduce)
    if hint:
        return _report(4, [hint], "")
    bounds = [how for _, how in expected if how != "interpolated"]
    note = f" — and only a bound where the augmented accuracy lies outside the measured curve ({bounds[0]})" \
        if bounds else ""
    decisions = [aug_decision] if isinstance(aug_decision, str) else list(aug_decision)
    said = ", ".join(f"{n}: {decision_text(d, DECISIONS_4)!r}" for n, d in zip(aug_curve.sizes, decisions,
                                                                             strict=True))
    return _report(4, [], "`worth` holds, per augmented size, how many un-augmented examples reach the same "
                          f"validation accuracy (interpolated in log size){note}; each interval contains it, and "
                          f"your decisions are the ones the intervals support ({said}).")


# --------------------------------------------------------------------------------------------
# task 5 — the bug: random training transforms at test time
# --------------------------------------------------------------------------------------------
def _dataset_hint(dataset: object, name: str) -> Hint | None:
    if not all(hasattr(dataset, a) for a in ("images", "indices", "transform")) or not hasattr(dataset, "__getitem__"):
        return (Hint("not a dataset", f"`{name}` must be an ImageDataset(images, labels, indices, transform=...), "
                f"got a {type(dataset).__name__}"))
    if len(dataset) == 0:
        return Hint("empty dataset", f"`{name}` is empty — give it the indices of its split")
    return None


def _index_set(indices: object) -> set[int]:
    return {int(i) for i in np.asarray(torch.as_tensor(indices).cpu()).ravel()}


def _split_hints(train_set: object, val_set: object, splits: dict | None) -> list[Hint]:
    """Which split each dataset uses: train_set exactly splits['train'], val_set exactly splits['val']."""
    train, val = _index_set(train_set.indices), _index_set(val_set.indices)
    shared = train & val
    if shared:
        return [Hint("shared examples",
                     f"`train_set` and `val_set` share {len(shared)} examples — build them from splits['train'] and "
                "splits['val']")]
    if splits is None:
        return []
    parts = {name: _index_set(index) for name, index in splits.items()}
    hints = []
    for name, used, wanted in (("train_set", train, "train"), ("val_set", val, "val")):
        if used == parts.get(wanted):
            continue
        same = next((part for part, index in parts.items() if index == used), None)
        hints.append(Hint("wrong split",
                          f"`{name}` uses splits[{same!r}] — it must use splits[{wanted!r}]") if same else
                     Hint("wrong split",
                          f"`{name}` holds {len(used)} examples, {len(used & parts.get(wanted, set()))} of them from "
                     f"splits[{wanted!r}] ({len(parts.get(wanted, set()))} examples) — use exactly that split"))
    return hints


def _val_set_hints(val_set: object) -> list[Hint]:
    if val_set.transform is None:
        return [Hint("no val transform",
                     "`val_set` has no transform: the model would see raw uint8 pixels 0…255, not the normalized "
                "28×28 floats it was trained on — give it the test pipeline of task 1")]
    hints = _test_hints(val_set.transform, which="validation")
    if hints and hints[0].kind == "random test":
        return [Hint("val random",
                     "`val_set` still changes from one pass to the next: its transform is random (RandomCrop, "
                "RandomRotation), so every evaluation sees other images and the accuracy jumps — give it the "
                "deterministic test pipeline of task 1")]
    return hints


def _train_set_hints(train_set: object) -> list[Hint]:
    if train_set.transform is None:
        return [Hint("no train transform",
                     "`train_set` has no transform — keep the random train pipeline of task 1 there")]
    hints = _train_hints(train_set.transform, which="training")
    if hints and hints[0].kind == "not random":
        return [Hint("train not random",
                     "you removed the augmentation from `train_set` too — keep the random train pipeline of task 1 "
                "there; only the evaluation data must be deterministic")]
    return hints


@_task(5)
def check_task_5(train_set: object, val_set: object, splits: dict | None = None) -> bool:
    """Task 5: the fixed datasets — the spec's random train pipeline for training, its test pipeline for validation.

    ``splits`` (the task's split indices): ``train_set`` must hold exactly ``splits["train"]``
    and ``val_set`` exactly ``splits["val"]``. Both transforms are checked as in task 1.
    Recognised mistakes: ``val_set`` still random (the bug), without a transform, on another
    scale (no ``Normalize``), not resized (digits smaller than in training); ``train_set``
    made deterministic too (augmentation lost) or with a transform off the spec (e.g. random
    noise); the two sets sharing examples; a set built from another split.

    Example (in the homework)::

        check_task_5(train_set, val_set, splits)
    """
    if _unfinished(train_set, val_set):
        return _not_done(5)
    hint = _dataset_hint(train_set, "train_set") or _dataset_hint(val_set, "val_set")
    if hint:
        return _report(5, [hint], "")
    hints = _split_hints(train_set, val_set, splits) + _val_set_hints(val_set) + _train_set_hints(train_set)
    return _report(5, hints, "the validation images are now the same on every pass (Resize → CenterCrop → "
                             "Normalize), and the training set still augments at random, as the spec says.")
