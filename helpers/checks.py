"""Self-checks for the homework: ``check_task_N(answer, …)`` says whether an answer is right — and if not, why.

Each check computes the right answer itself from the task's inputs (the same data the
student used), compares, and when the answer is wrong compares it with the *typical*
wrong answers of that task, so the hint names the mistake, e.g. "your std equals the
mean of per-batch stds — compute it over all pixels at once". A check prints one of

- ``✅ Task N passed: …`` (and what the answer means),
- ``❌ Task N — not yet: …`` with a specific hint,
- ``⏳ Task N: not done yet …`` while an answer is still ``...`` (the student stub).

A check never raises because of the answer (a wrong type or a transform that fails
is a hint, too); it raises ``ValueError`` only when the task's own inputs are unusable.
Checks do not touch the notebook's random state.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import torch
from PIL import Image
from torchvision.transforms import InterpolationMode, v2

from helpers.curves import LearningCurve
from helpers.standardization import mean_of_batch_stds
from helpers.transforms import lecture_transform

PASS, HINT, TODO = "✅", "❌", "⏳"
SEEDS = range(4)  # random seeds a transform is run with
SPEC_TRAIN = ("Resize((32, 32)) → RandomCrop((28, 28)) → RandomRotation(30, bilinear) → "
              "ToImage() + ToDtype(torch.float32, scale=True) → Normalize((0.5,), (0.5,))")
SPEC_TEST = "Resize((32, 32)) → CenterCrop((28, 28)) → ToImage() + ToDtype(torch.float32, scale=True) → Normalize"


# --------------------------------------------------------------------------------------------
# reporting
# --------------------------------------------------------------------------------------------
def _unfinished(*answers: object) -> bool:
    return any(answer is Ellipsis for answer in answers)


def _report(task: int, hints: Sequence[str], success: str) -> None:
    if hints:
        print(f"{HINT} Task {task} — not yet: " + "\n   ".join(hints))
    else:
        print(f"{PASS} Task {task} passed: {success}")


def _not_done(task: int, what: str = "replace each `...` with your answer, then run the cell again") -> None:
    print(f"{TODO} Task {task}: not done yet — {what}.")


def _close(a: torch.Tensor, b: torch.Tensor, rtol: float = 1e-4) -> bool:
    return a.shape == b.shape and bool(torch.allclose(a, b, rtol=rtol, atol=1e-7))


def _fmt(values: torch.Tensor) -> str:
    return "(" + ", ".join(f"{v:.4f}" for v in values.flatten().tolist()[:6]) + (", …)" if values.numel() > 6 else ")")


# --------------------------------------------------------------------------------------------
# task 1 — the lecture's train/test pipelines
# --------------------------------------------------------------------------------------------
def sample_image(seed: int = 0) -> Image.Image:
    """A 28×28 grey test image of random pixels (every pixel tells where it came from).

    Example:
        >>> sample_image().size
        (28, 28)
    """
    pixels = torch.randint(0, 256, (28, 28), generator=torch.Generator().manual_seed(seed), dtype=torch.uint8)
    return Image.fromarray(pixels.numpy())


def run_seeded(transform: Callable, image: Image.Image, seed: int) -> object:
    """``transform(image)`` with torch's global random generator set to ``seed`` — and restored afterwards.

    Example:
        >>> run_seeded(lecture_transform("test"), sample_image(), seed=0).shape
        torch.Size([1, 28, 28])
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return transform(image.copy())


def _outputs(transform: Callable, which: str, image: Image.Image) -> tuple[list, str | None]:
    """The transform's outputs for ``SEEDS`` — or a hint when calling it fails."""
    if not callable(transform):
        return [], (f"your {which} transform is a {type(transform).__name__}, not a transform — "
                    "build it with v2.Compose([...])")
    try:
        return [run_seeded(transform, image, seed) for seed in SEEDS], None
    except Exception as error:  # the student's code may fail in any way: that is a hint, too
        return [], f"calling your {which} transform on a PIL image failed: {type(error).__name__}: {error}"


def _output_problem(out: object, which: str, crop: str) -> str | None:
    """What is wrong with one output of a pipeline that should give a normalized 1×28×28 float tensor."""
    if not torch.is_tensor(out):
        kind = "PIL image" if isinstance(out, Image.Image) else type(out).__name__
        return (f"your {which} transform returns a {kind}, not a tensor — convert with "
                "ToImage() + ToDtype(torch.float32, scale=True) (v2) or ToTensor() (v1), then Normalize")
    if not out.is_floating_point():
        return (f"your {which} transform returns {out.dtype} pixels — convert them with "
                "ToDtype(torch.float32, scale=True)")
    if tuple(out.shape) == (1, 32, 32):
        return f"your {which} images are 32×32 — after Resize((32, 32)) crop back to 28×28 with {crop}((28, 28))"
    if tuple(out.shape) != (1, 28, 28):
        return f"your {which} transform returns shape {tuple(out.shape)}; the spec gives (1, 28, 28)"
    if float(out.max()) > 5:  # Normalize(0.5, 0.5) of [0, 1] ends at 1; of 0…255 at 509
        return (f"your {which} values reach {float(out.max()):.0f}: the pixels were not scaled to [0, 1] before "
                "Normalize — use ToDtype(torch.float32, scale=True) (scale=True divides by 255)")
    if float(out.min()) >= 0:
        return (f"your {which} values lie in [0, 1]: Normalize((0.5,), (0.5,)) is missing — "
                "it maps them to [−1, 1] as in the lecture")
    return None


def _steps(transform: object) -> list:
    """The steps of a (possibly nested) ``Compose``; ``[]`` for anything else."""
    steps = []
    for step in getattr(transform, "transforms", []) or []:
        steps += _steps(step) if hasattr(step, "transforms") else [step]
    return steps


def _names(steps: list) -> list[str]:
    return [type(step).__name__ for step in steps]


def _matches_reference(outs: list, split: str, image: Image.Image) -> bool:
    """Whether ``outs`` equal the lecture pipeline's (v2 or v1 API) for the same seeds."""
    for api in ("v2", "v1"):
        reference = lecture_transform(split, api=api)
        if all(torch.allclose(out, run_seeded(reference, image, seed), atol=1e-5)
               for out, seed in zip(outs, SEEDS, strict=True)):
            return True
    return False


def _is_random(outs: list) -> bool:
    return any(not torch.equal(outs[0], out) for out in outs[1:])


def _train_structure_hint(steps: list) -> str:
    """A hint from the steps of a train pipeline whose pixels differ from the spec's."""
    names = _names(steps)
    rotation = next((s for s in steps if "RandomRotation" in type(s).__name__), None)
    if rotation is None:
        return "your train transform has no RandomRotation — the spec rotates by a random angle in ±30°"
    low, high = (float(d) for d in rotation.degrees)
    if (low, high) != (-30.0, 30.0):
        return f"your rotation draws angles in [{low:g}°, {high:g}°] — the spec says ±30°: RandomRotation(30)"
    mode = getattr(rotation.interpolation, "value", rotation.interpolation)
    if mode != InterpolationMode.BILINEAR.value:
        return (f"your rotation uses {mode} interpolation (nearest is the default) — the spec asks for bilinear: "
                "RandomRotation(30, interpolation=InterpolationMode.BILINEAR)")
    if "RandomCrop" not in names:
        return "your train transform has no RandomCrop((28, 28)) after the Resize — the lecture's random shift"
    if names.index("RandomCrop") > names.index(type(rotation).__name__):
        return f"you rotate before you crop — the spec's order is {SPEC_TRAIN}"
    return _common_structure_hint(steps, "train") or (
        f"your train transform gives other pixels than the spec for the same random seed. "
        f"Your steps: {' → '.join(names)}; the spec: {SPEC_TRAIN}")


def _common_structure_hint(steps: list, which: str) -> str | None:
    """Resize and Normalize, shared by the train and test pipelines."""
    resize = next((s for s in steps if type(s).__name__ == "Resize"), None)
    if resize is None:
        return (f"your {which} transform has no Resize((32, 32)) — without it the crop cuts the digit "
                "instead of shifting it, and train and test digits differ in size")
    if list(np.atleast_1d(resize.size)) not in ([32], [32, 32]):
        return f"your {which} transform resizes to {resize.size}; the spec resizes to (32, 32)"
    normalize = next((s for s in steps if type(s).__name__ == "Normalize"), None)
    if normalize is not None and (list(normalize.mean), list(normalize.std)) != ([0.5], [0.5]):
        return (f"your {which} Normalize uses mean {list(normalize.mean)} and std {list(normalize.std)}; "
                "the spec: Normalize((0.5,), (0.5,))")
    return None


def _test_hints(test_transform: Callable, image: Image.Image, which: str = "test") -> list[str]:
    """Hints for a pipeline that should equal the lecture's deterministic test pipeline ([] when it does)."""
    outs, failure = _outputs(test_transform, which, image)
    problem = failure or _output_problem(outs[0], which, "CenterCrop")
    if problem:
        return [problem]
    if _is_random(outs):
        random_steps = [n for n in _names(_steps(test_transform)) if n.startswith("Random")] or ["a random step"]
        return [f"your {which} transform is random ({', '.join(random_steps)}): the same image gives different "
                f"pixels on every pass — use CenterCrop((28, 28)) and no rotation: {SPEC_TEST}"]
    if _matches_reference(outs, "test", image):
        return []
    no_resize = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True), v2.Normalize((0.5,), (0.5,))])
    if torch.allclose(outs[0], no_resize(image.copy()), atol=1e-5):
        return [f"your {which} images are not resized: Resize((32, 32)) then CenterCrop((28, 28)) — otherwise "
                "the digits look smaller than in training (the lecture's reason to resize the test data too)"]
    steps = _steps(test_transform)
    try:
        structure = _common_structure_hint(steps, which)
    except Exception:  # an unusual custom step: fall back to the general hint
        structure = None
    return [structure or f"your {which} transform gives other pixels than the spec ({SPEC_TEST}); your steps: "
                         f"{' → '.join(_names(steps)) or type(test_transform).__name__}"]


def _train_hints(train_transform: Callable, image: Image.Image) -> list[str]:
    """Hints for the train pipeline ([] when it equals the lecture's for every seed)."""
    outs, failure = _outputs(train_transform, "train", image)
    problem = failure or _output_problem(outs[0], "train", "RandomCrop")
    if problem:
        return [problem]
    if not _is_random(outs):
        return ["your train transform gives the same pixels every time — training data must be augmented at random: "
                "RandomCrop((28, 28)) and RandomRotation(30) after the Resize"]
    if _matches_reference(outs, "train", image):
        return []
    try:
        return [_train_structure_hint(_steps(train_transform))]
    except Exception:  # an unusual custom step: fall back to the general hint
        return [f"your train transform gives other pixels than the spec for the same seed; the spec: {SPEC_TRAIN}"]


def check_task_1(train_transform: Callable, test_transform: Callable) -> None:
    """Task 1: the lecture's train and test pipelines for MNIST, built to the spec.

    Pass: for the same random seeds, ``train_transform`` gives the pixels of
    ``lecture_transform("train")`` (v2 or v1 API), and ``test_transform`` is deterministic
    and gives those of ``lecture_transform("test")``. Recognised mistakes: no tensor / uint8
    output, no crop (32×32), pixels not scaled (``scale=False``), no ``Normalize``, a train
    pipeline without randomness, rotation range or interpolation (nearest, the default) off
    the spec, rotate-before-crop, a random test pipeline, a test pipeline without ``Resize``.

    Example:
        >>> check_task_1(lecture_transform("train"), lecture_transform("test"))  # doctest: +ELLIPSIS
        ✅ Task 1 passed: ...
    """
    if _unfinished(train_transform, test_transform):
        return _not_done(1)
    image = sample_image()
    hints = _train_hints(train_transform, image) + _test_hints(test_transform, image)
    _report(1, hints, "your train pipeline gives the lecture's pixels for every random seed tried, and your test "
                      "pipeline is deterministic — the same Resize → CenterCrop → Normalize every time.")


# --------------------------------------------------------------------------------------------
# task 2 — exact per-channel statistics of the training split
# --------------------------------------------------------------------------------------------
def _as_values(answer: object, name: str) -> tuple[torch.Tensor | None, str | None]:
    if isinstance(answer, (str, bytes)):
        return None, f"`{name}` must be numbers (a tensor, array or list), got the text {answer!r}"
    try:
        values = torch.as_tensor(np.asarray(answer.detach().cpu() if torch.is_tensor(answer) else answer,
                                            dtype=np.float64))
    except (TypeError, ValueError):
        return None, f"`{name}` must be numbers (a tensor, array or list), got a {type(answer).__name__}"
    return values, None


def _batches(loader: Iterable, name: str) -> torch.Tensor:
    batches = [torch.as_tensor(b[0] if isinstance(b, (tuple, list)) else b).detach().cpu().double()
               for b in loader]
    if not batches or any(b.ndim != 4 for b in batches):
        raise ValueError(f"{name} must yield image batches N×C×H×W (or (images, labels) pairs); "
                         f"got {len(batches)} batches of shapes {[tuple(b.shape) for b in batches[:2]]}")
    return torch.cat(batches)


def _shape_hint(values: torch.Tensor, name: str, channels: int, image_shape: tuple) -> str | None:
    if values.numel() == channels:
        return None
    if values.numel() == 1:
        return (f"`{name}` is one number for all channels — per channel means {channels} values: "
                "reduce over dims (0, 2, 3) (batch, height, width), not over the channels")
    if values.numel() == math.prod(image_shape):
        return (f"`{name}` has one value per pixel (shape {tuple(values.shape)}) — per channel means {channels} "
                "values: reduce over height and width as well, dims (0, 2, 3)")
    return (f"`{name}` has shape {tuple(values.shape)}; per channel means {channels} values — reduce over "
            "dims (0, 2, 3) (batch, height, width)")


def _stats_hints(mean: torch.Tensor, std: torch.Tensor, x: torch.Tensor, train_loader: Iterable,
                 all_images: torch.Tensor | None) -> list[str]:
    ref_mean, ref_std = x.mean(dim=(0, 2, 3)), x.std(dim=(0, 2, 3), correction=0)
    if all_images is not None:
        every = torch.as_tensor(all_images).detach().cpu().double()
        if _close(mean, every.mean(dim=(0, 2, 3))) and not _close(mean, ref_mean):
            return ["your statistics include the validation and test images — fit them on the training split "
                    "only (the batches of `train_loader`); the held-out data must stay unseen"]
    mean_ok = _close(mean, ref_mean)
    hints = [] if mean_ok else [_mean_hint(mean, ref_mean, train_loader)]
    if not any(_close(std, x.std(dim=(0, 2, 3), correction=c)) for c in (0, 1)):
        hints.append(_std_hint(std, ref_std, x, train_loader, all_images))
    return hints


def _std_hint(std: torch.Tensor, ref_std: torch.Tensor, x: torch.Tensor, train_loader: Iterable,
              all_images: torch.Tensor | None) -> str:
    """The hint for a wrong per-channel ``std``: the typical mistake it matches (either std correction)."""
    batches = [_batches([b], "train_loader") for b in train_loader]
    guesses = {
        "your std equals the mean of per-batch stds — that misses the spread between batches; compute it over "
        "all pixels at once (or merge each batch's count, sum and sum of squares)": [mean_of_batch_stds(
            train_loader)] + [torch.stack([b.std(dim=(0, 2, 3)) for b in batches]).mean(0)],
        "your std is the average of per-image stds — it misses how images differ from each other; compute one "
        "std over all pixels of all training images, per channel": [x.std(dim=(2, 3), correction=c).mean(0)
                                                                    for c in (0, 1)],
        "your std is the variance — take its square root": [ref_std**2],
        "your std is on the 0…255 scale — the images are floats in [0, 1] (after ToTensor)": [ref_std * 255],
    }
    if all_images is not None:
        every = torch.as_tensor(all_images).detach().cpu().double()
        guesses["your std includes the validation and test images — use the training split only"] = [
            every.std(dim=(0, 2, 3), correction=c) for c in (0, 1)]
    return next((hint for hint, wrongs in guesses.items() if any(_close(std, wrong) for wrong in wrongs)),
                f"your std {_fmt(std)} is not the std of all training pixels per channel — square the deviations "
                "from the *overall* mean, average over all pixels, take the square root")


def _mean_hint(mean: torch.Tensor, ref_mean: torch.Tensor, train_loader: Iterable) -> str:
    batch_means = torch.stack([_batches([b], "train_loader").mean(dim=(0, 2, 3)) for b in train_loader]).mean(0)
    if _close(mean, batch_means):
        return ("your mean averages the batch means, but the last batch is smaller — weight each batch by its "
                "size (sum all pixels, divide by their count)")
    if _close(mean, ref_mean * 255):
        return "your mean is on the 0…255 scale — the images are floats in [0, 1] (after ToTensor)"
    return (f"your mean {_fmt(mean)} is not the mean of all training pixels per channel — sum them all, "
            "divide by their count")


def check_task_2(mean: object, std: object, train_loader: Iterable, all_images: torch.Tensor | None = None) -> None:
    """Task 2: exact per-channel mean and std of all pixels of the training split.

    ``train_loader`` yields the training images in batches (``N×C×H×W`` floats, or
    ``(images, labels)``); ``all_images`` (optional) are the images of every split, to
    recognise statistics fitted on more than the training data. Population (``/N``) and
    sample (``/(N−1)``) std both pass. Recognised mistakes: one value for all channels, one
    per pixel, the mean of per-batch stds, the mean of per-image stds, the variance, the
    0…255 scale, unweighted batch means, statistics over all splits.

    Example (illustrative, not run)::

            check_task_2(mean, std, train_loader, all_images=patch_x)
            # ✅ Task 2 passed: …
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
        hints = _stats_hints(mean.flatten(), std.flatten(), x, train_loader, all_images)
    if hints:
        return _report(2, hints, "")
    _report(2, [], f"mean {_fmt(mean.flatten())} and std {_fmt(std.flatten())} are the exact per-channel statistics "
                   f"of the {len(x)} training images ({x[:, 0].numel():,} pixels per channel).")


# --------------------------------------------------------------------------------------------
# task 3 — a learning curve for an MLP, and a decision with a number
# --------------------------------------------------------------------------------------------
def gain_per_doubling(curve: LearningCurve, accuracy: str = "val") -> float:
    """Percentage points of mean accuracy gained per doubling of the data between the two largest sizes.

    ``(acc[-1] − acc[-2]) · 100 / log2(n[-1] / n[-2])``: with sizes 1000 and 2000 simply the
    difference. ``accuracy="train"`` reads the training accuracy instead.

    Example (illustrative, not run)::

            gain_per_doubling(curve)  # e.g. 84.0 % at 1000, 87.5 % at 2000
            # 3.5
    """
    if accuracy not in ("val", "train"):
        raise ValueError(f"accuracy={accuracy!r} is unknown; allowed values: val, train")
    acc = (curve.val_acc if accuracy == "val" else curve.train_acc).mean(axis=1)
    return float((acc[-1] - acc[-2]) * 100 / math.log2(curve.sizes[-1] / curve.sizes[-2]))


def _curve_hint(curve: object, name: str, model: str = "mlp") -> str | None:
    if not isinstance(curve, LearningCurve):
        return f"`{name}` must be the LearningCurve that learning_curve(...) returns, got a {type(curve).__name__}"
    if curve.model != model:
        return f"`{name}` is a learning curve of model={curve.model!r} — the task asks for model={model!r}"
    return None


def _gain_hint(gain: float, curve: LearningCurve) -> str:
    ref = gain_per_doubling(curve)
    val = curve.val_acc.mean(axis=1)
    doublings = math.log2(curve.sizes[-1] / curve.sizes[-2])
    guesses = {
        "your number is a fraction — give percentage points (multiply by 100)": ref / 100,
        "your number comes from the training accuracy — the question is about new data: use val_acc": gain_per_doubling(
            curve, "train"),
        "your number has the wrong sign — largest size minus second largest": -ref,
        "your number is the gain over the whole curve — the question is about the last doubling "
        "(the two largest sizes)": (val[-1] - val[0]) * 100,
        "your number comes from one repeat — average over the repeats first (val_acc.mean(axis=1))":
            (curve.val_acc[-1, 0] - curve.val_acc[-2, 0]) * 100 / doublings,
        "your number is the gain between the two largest sizes, not per doubling — divide by "
        "log2(n_largest / n_second)": (val[-1] - val[-2]) * 100,
    }
    return next((hint for hint, wrong in guesses.items() if math.isclose(gain, wrong, rel_tol=1e-3, abs_tol=1e-4)),
                f"your gain {gain:.2f} pp is not the validation-accuracy gain per doubling of the two largest sizes")


def check_task_3(curve: object, gain_pp: object, more_data_helps: object, min_gain_pp: float = 1.0) -> None:
    """Task 3: an MLP learning curve, its last gain per doubling (pp of validation accuracy), and a decision.

    ``more_data_helps`` must be ``gain_pp >= min_gain_pp``. Recognised mistakes: not a
    ``LearningCurve``, a softmax curve, fewer than 3 sizes or 1 repeat, the gain as a
    fraction, from training accuracy, with the wrong sign, over the whole curve, from one
    repeat, not per doubling; a decision that is not a bool or contradicts the number.

    Example (illustrative, not run)::

            check_task_3(curve, gain_per_doubling(curve), gain_per_doubling(curve) >= 1.0)
            # ✅ Task 3 passed: …
    """
    if not isinstance(min_gain_pp, (int, float)) or not math.isfinite(min_gain_pp):
        raise ValueError(f"min_gain_pp={min_gain_pp!r} must be a finite number of percentage points")
    if _unfinished(curve, gain_pp, more_data_helps):
        return _not_done(3)
    hint = _curve_hint(curve, "curve")
    if hint is None and (len(curve.sizes) < 3 or curve.repeats < 2):
        hint = (f"your curve has {len(curve.sizes)} sizes and {curve.repeats} repeats — measure at least 3 sizes "
                "with at least 2 repeats each, or the last step is mostly noise")
    gain = _scalar(gain_pp)
    if hint is None and gain is None:
        hint = f"`gain_pp` must be one number (percentage points), got a {type(gain_pp).__name__}"
    if hint is None and not math.isclose(gain, gain_per_doubling(curve), rel_tol=1e-3, abs_tol=1e-4):
        hint = _gain_hint(gain, curve)
    if hint is None and not isinstance(more_data_helps, (bool, np.bool_)):
        hint = f"`more_data_helps` must be True or False, got {more_data_helps!r}"
    if hint:
        return _report(3, [hint], "")
    helps = gain >= min_gain_pp
    if bool(more_data_helps) != helps:
        return _report(3, [f"your decision does not follow from your number: {gain:.1f} pp per doubling is "
                           f"{'at least' if helps else 'below'} the {min_gain_pp:g} pp that make more data worth "
                           f"collecting, so more_data_helps should be {helps}"], "")
    verdict = "more data would help" if helps else "more data would hardly help"
    _report(3, [], "your number is the validation-accuracy gain per doubling between the two largest sizes, and "
                   f"your decision follows from it: {verdict} (threshold {min_gain_pp:g} pp).")


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
def equivalent_examples(curve: LearningCurve, accuracy: float | Sequence[float], log_size: bool = True) -> np.ndarray:
    """How many un-augmented examples reach ``accuracy`` on ``curve`` (its mean validation accuracy).

    Interpolates linearly in log size (``log_size=False``: in size) between the measured
    sizes; outside them it gives the smallest or largest size. Where noise makes the
    curve dip, its running maximum is used (``np.interp`` needs rising values).

    Example (illustrative, not run)::

            equivalent_examples(curve, [0.80, 0.85]).round(1)  # curve: 78.9 % at 125, 83.6 % at 250, 86.5 % at 500
            # array([147. , 349.4])
    """
    accuracy = np.asarray(accuracy, dtype=float)
    if not ((accuracy >= 0) & (accuracy <= 1)).all():
        raise ValueError(f"accuracy={accuracy.tolist()} must lie in [0, 1]")
    return _interpolate(accuracy, np.maximum.accumulate(curve.val_acc.mean(axis=1)), curve.sizes, log_size)


def _interpolate(accuracy: np.ndarray, curve_acc: np.ndarray, sizes: np.ndarray, log_size: bool = True) -> np.ndarray:
    sizes = np.asarray(sizes, dtype=float)
    return np.exp(np.interp(accuracy, curve_acc, np.log(sizes))) if log_size else np.interp(accuracy, curve_acc, sizes)


def _worth_hint(worth: np.ndarray, aug_curve: LearningCurve, curve: LearningCurve) -> str | None:
    """``None`` when ``worth`` is what the un-augmented curve says, else the hint for the mistake it matches."""
    acc, n = aug_curve.val_acc.mean(axis=1), aug_curve.sizes.astype(float)
    plain = curve.val_acc.mean(axis=1)
    refs = [equivalent_examples(curve, acc), _interpolate(acc, plain, curve.sizes)]
    if any(np.allclose(worth, ref, rtol=5e-3, atol=1.0) for ref in refs):
        return None
    ref = refs[0]
    guesses = {
        "you interpolated in the size itself — interpolate in log(size) (learning curves are close to straight "
        "lines against log size): np.exp(np.interp(acc, val_acc, np.log(sizes)))": _interpolate(
            acc, plain, curve.sizes, log_size=False),
        "your numbers are the *extra* examples augmentation is worth — the question asks for the total number "
        "of un-augmented examples that reach the same accuracy": ref - n,
        "your numbers are factors — the question asks for numbers of examples (factor × size)": ref / n,
        "your numbers come from training accuracy — use the validation accuracy of both curves": _interpolate(
            aug_curve.train_acc.mean(axis=1), curve.train_acc.mean(axis=1), curve.sizes),
        "your numbers are accuracy differences — convert them into examples: which size of the un-augmented "
        "curve reaches the augmented accuracy?": (acc - np.interp(n, curve.sizes, plain)) * 100,
    }
    return next((hint for hint, wrong in guesses.items() if np.allclose(worth, wrong, rtol=5e-3, atol=1e-3)),
                f"your numbers {np.round(worth).tolist()} are not what the un-augmented curve says: it reaches the "
                f"augmented accuracies {np.round(acc * 100, 1).tolist()} % at about {np.round(ref).tolist()} "
                "examples (interpolate its mean val_acc in log size)")


def _aug_curve_hint(aug_curve: LearningCurve, curve: LearningCurve) -> str | None:
    if aug_curve.epochs != curve.epochs:
        return (f"compare like with like: the augmented models trained {aug_curve.epochs} epochs, the un-augmented "
                f"ones {curve.epochs}")
    k = len(aug_curve.sizes)
    same_plan = np.array_equal(aug_curve.sizes, curve.sizes[:k]) and aug_curve.repeats == curve.repeats
    if same_plan and np.array_equal(aug_curve.val_acc, curve.val_acc[:k]):
        return ("your augmented curve is identical to the un-augmented one — pass augment=FusedAugment(...) to "
                "learning_curve")
    return None


def check_task_4(aug_curve: object, worth: object, curve: object) -> None:
    """Task 4: an augmented MLP curve at small sizes, and how many un-augmented examples each size is worth.

    ``curve`` is the un-augmented MLP curve of task 3; ``worth`` holds, per size of
    ``aug_curve``, the size at which ``curve`` reaches the augmented models' mean validation
    accuracy (interpolated in log size; beyond the measured range: the largest or smallest
    size). Recognised mistakes: not a ``LearningCurve``, other epochs than ``curve``, no
    augmentation (identical to ``curve`` for the same sizes and seed), interpolation in
    linear size, the extra examples instead of the total, factors, training accuracy,
    accuracy differences.

    Example (illustrative, not run)::

            check_task_4(aug_curve, equivalent_examples(curve, aug_curve.val_acc.mean(axis=1)), curve)
            # ✅ Task 4 passed: …
    """
    if _unfinished(curve):
        return _not_done(4, "it needs `curve`, the un-augmented MLP learning curve of task 3, first")
    if _unfinished(aug_curve, worth):
        return _not_done(4)
    hint = _curve_hint(curve, "curve") or _curve_hint(aug_curve, "aug_curve")
    hint = hint or _aug_curve_hint(aug_curve, curve)
    values, error = _as_values(worth, "worth") if hint is None else (None, None)
    if hint is None and (error or values.numel() != len(aug_curve.sizes)):
        hint = error or (f"`worth` needs one number per size of aug_curve ({aug_curve.sizes.tolist()}), "
                         f"got {values.numel()}")
    hint = hint or _worth_hint(values.flatten().numpy(), aug_curve, curve)
    if hint:
        return _report(4, [hint], "")
    beyond = aug_curve.val_acc.mean(axis=1).max() > curve.val_acc.mean(axis=1).max()
    capped = " (capped at the largest measured size — add larger SIZES)" if beyond else ""
    _report(4, [], "`worth` holds, per augmented size, how many un-augmented examples reach the same validation "
                   f"accuracy (interpolated in log size){capped}.")


# --------------------------------------------------------------------------------------------
# task 5 — the bug: random training transforms at test time
# --------------------------------------------------------------------------------------------
def _dataset_hint(dataset: object, name: str) -> str | None:
    if not all(hasattr(dataset, a) for a in ("images", "indices", "transform")) or not hasattr(dataset, "__getitem__"):
        return (f"`{name}` must be an ImageDataset(images, labels, indices, transform=...), "
                f"got a {type(dataset).__name__}")
    if len(dataset) == 0:
        return f"`{name}` is empty — give it the indices of its split"
    return None


def _raw_image(dataset: object, i: int = 0) -> Image.Image:
    return Image.fromarray(torch.as_tensor(dataset.images[int(dataset.indices[i])]).numpy())


def _val_set_hints(val_set: object) -> list[str]:
    transform = val_set.transform
    if transform is None:
        return ["`val_set` has no transform: the model would see raw uint8 pixels 0…255, not the normalized "
                "28×28 floats it was trained on — give it the lecture's test pipeline"]
    hints = _test_hints(transform, _raw_image(val_set), which="validation")
    if hints and "is random" in hints[0]:
        return ["`val_set` still changes from one pass to the next: its transform is the random training pipeline "
                "(RandomCrop, RandomRotation), so every evaluation sees other images and the accuracy jumps — "
                "give it the deterministic test pipeline, lecture_transform(\"test\")"]
    return hints


def check_task_5(train_set: object, val_set: object) -> None:
    """Task 5: the fixed pipeline — random augmentation for training, the deterministic test pipeline for validation.

    Recognised mistakes: ``val_set`` still random (the bug), without a transform, on
    another scale (no ``Normalize``), not resized (digits smaller than in training);
    ``train_set`` made deterministic too (augmentation lost); the two sets sharing examples.

    Example (illustrative, not run)::

            check_task_5(ImageDataset(images, labels, splits["train"], transform=lecture_transform("train")),
                         ImageDataset(images, labels, splits["val"], transform=lecture_transform("test")))
            # ✅ Task 5 passed: …
    """
    if _unfinished(train_set, val_set):
        return _not_done(5)
    hint = _dataset_hint(train_set, "train_set") or _dataset_hint(val_set, "val_set")
    if hint:
        return _report(5, [hint], "")
    shared = np.intersect1d(np.asarray(train_set.indices), np.asarray(val_set.indices))
    hints = [f"`train_set` and `val_set` share {len(shared)} examples — build them from splits['train'] and "
             "splits['val']"] if len(shared) else []
    hints += _val_set_hints(val_set)
    train_outs, failure = _outputs(train_set.transform or (lambda image: image), "training", _raw_image(train_set))
    if failure or not torch.is_tensor(train_outs[0]) or not _is_random(train_outs):
        hints.append(failure or "you removed the augmentation from `train_set` too — keep lecture_transform(\"train\") "
                                "there; only the evaluation data must be deterministic")
    _report(5, hints, "the validation images are now the same on every pass (Resize → CenterCrop → Normalize), and "
                      "the training set still augments at random.")
