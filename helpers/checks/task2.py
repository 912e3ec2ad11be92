"""Task 2: exact per-channel statistics of the training split."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import torch

from helpers.checks.common import Hint, _close, _fmt, _not_done, _report, _task, _unfinished
from helpers.standardization import mean_of_batch_stds
from helpers.validation import check_type

__all__ = ["check_task_2"]


def _as_values(answer: object, name: str) -> tuple[torch.Tensor | None, Hint | None]:
    if isinstance(answer, (str, bytes)):
        return None, Hint("not numbers", f"`{name}` must be numbers (a tensor, array or list), got the text {answer!r}")
    try:
        values = np.asarray(answer.detach().cpu() if torch.is_tensor(answer) else answer, dtype=np.float64)
    except (TypeError, ValueError):
        return None, Hint("not numbers", f"`{name}` must be numbers (a tensor, array or list), got a "
                                         f"{type(answer).__name__}")
    return torch.as_tensor(values), None


def _batches(loader: Iterable, name: str) -> torch.Tensor:
    batches = [torch.as_tensor(b[0] if isinstance(b, (tuple, list)) else b).detach().cpu().double()
               for b in loader]
    if not batches or any(b.ndim != 4 for b in batches):
        raise ValueError(f"{name} must yield image batches N×C×H×W (or (images, labels) pairs); "
                         f"got {len(batches)} batches of shapes {[tuple(b.shape) for b in batches[:2]]}")
    return torch.cat(batches)


def _shape_hint(values: torch.Tensor, name: str, image_shape: tuple) -> Hint | None:
    """A hint unless ``values`` holds one number per channel of images ``image_shape`` (C×H×W)."""
    channels = image_shape[0]
    if values.numel() == channels:
        return None
    if values.numel() == 1:
        return Hint("one value", f"`{name}` is one number for all channels — per channel means {channels} values: "
                                 "reduce over dims (0, 2, 3) (batch, height, width), not over the channels")
    if values.numel() == math.prod(image_shape):
        return Hint("per pixel", f"`{name}` has one value per pixel (shape {tuple(values.shape)}) — per channel means "
                                 f"{channels} values: reduce over height and width as well, dims (0, 2, 3)")
    return Hint("wrong shape", f"`{name}` has shape {tuple(values.shape)}; per channel means {channels} values — "
                               "reduce over dims (0, 2, 3) (batch, height, width)")


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
                Hint("std wrong", f"your std {_fmt(std)} is not the std of all training pixels per channel — "
                                  "square the deviations from the *overall* mean, average over all pixels, take the "
                                  "square root"))


def _mean_hint(mean: torch.Tensor, ref_mean: torch.Tensor, train_loader: Iterable) -> Hint:
    batch_means = torch.stack([_batches([b], "train_loader").mean(dim=(0, 2, 3)) for b in train_loader]).mean(0)
    if _close(mean, batch_means):
        return Hint("batch means", "your mean averages the batch means, but the last batch is smaller — weight each "
                                   "batch by its size (sum all pixels, divide by their count)")
    if _close(mean, ref_mean * 255):
        return Hint("0…255 scale", "your mean is on the 0…255 scale — the images are floats in [0, 1] (after ToTensor)")
    return Hint("mean wrong", f"your mean {_fmt(mean)} is not the mean of all training pixels per channel — sum them "
                              "all, divide by their count")


@_task(2)
def check_task_2(mean: object, std: object, train_loader: Iterable, all_images: torch.Tensor | None = None,
                 splits: dict | None = None) -> bool:
    """Task 2: exact per-channel mean and std of all pixels of the training split.

    ``train_loader`` yields the training images in batches (``N×C×H×W`` floats, or ``(images, labels)``);
    ``all_images`` (the images of every split) and ``splits`` (their indices) let the check recognise statistics
    fitted on held-out images too. Population (``/N``) and sample (``/(N−1)``) std both pass; typical mistakes
    (one value for all channels, per-batch or per-image stds, the variance, the 0…255 scale, …) get their own hint.

    Example (in the homework)::

        check_task_2(mean, std, train_loader, all_images=patch_x, splits=patch_splits)
    """
    if _unfinished(mean, std):
        return _not_done(2)
    x = _batches(train_loader, "train_loader")
    wanted = "a tensor N×C×H×W of the images of every split (or None)"
    check_type("all_images", all_images, (torch.Tensor, type(None)), wanted)
    if all_images is not None and all_images.ndim != 4:
        raise ValueError(f"all_images must be {wanted}, got shape {tuple(all_images.shape)}")
    (mean, mean_error), (std, std_error) = _as_values(mean, "mean"), _as_values(std, "std")
    hints = [h for h in (mean_error, std_error) if h]
    if not hints:
        hints = [h for h in (_shape_hint(mean, "mean", x.shape[1:]), _shape_hint(std, "std", x.shape[1:])) if h]
    if not hints:
        hints = _stats_hints(mean.flatten(), std.flatten(), x, train_loader, all_images, splits)
    if hints:
        return _report(2, hints, "")
    return _report(2, [], f"mean {_fmt(mean.flatten())} and std {_fmt(std.flatten())} are the exact per-channel "
                          f"statistics of the {len(x)} training images ({x[:, 0].numel():,} pixels per channel).")

