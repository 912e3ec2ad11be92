"""Task 5: the bug — random training transforms at test time."""

from __future__ import annotations

import numpy as np
import torch

from helpers.checks.common import Hint, _not_done, _report, _task, _unfinished
from helpers.checks.task1 import _test_hints, _train_hints

__all__ = ["check_task_5"]


def _dataset_hint(dataset: object, name: str) -> Hint | None:
    if not all(hasattr(dataset, a) for a in ("images", "indices", "transform")) or not hasattr(dataset, "__getitem__"):
        return Hint("not a dataset", f"`{name}` must be an ImageDataset(images, labels, indices, transform=...), "
                                     f"got a {type(dataset).__name__}")
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
        return [Hint("shared examples", f"`train_set` and `val_set` share {len(shared)} examples — build them from "
                                        "splits['train'] and splits['val']")]
    if splits is None:
        return []
    parts = {name: _index_set(index) for name, index in splits.items()}
    hints = []
    for name, used, wanted in (("train_set", train, "train"), ("val_set", val, "val")):
        if used == parts.get(wanted):
            continue
        same = next((part for part, index in parts.items() if index == used), None)
        right = parts.get(wanted, set())
        hints.append(Hint("wrong split", f"`{name}` uses splits[{same!r}] — it must use splits[{wanted!r}]") if same
                     else Hint("wrong split", f"`{name}` holds {len(used)} examples, {len(used & right)} of them from "
                                              f"splits[{wanted!r}] ({len(right)} examples) — use exactly that split"))
    return hints


def _val_set_hints(val_set: object) -> list[Hint]:
    if val_set.transform is None:
        return [Hint("no val transform",
                     "`val_set` has no transform: the model would see raw uint8 pixels 0…255, not the normalized "
                     "28×28 floats it was trained on — give it the test pipeline of task 1")]
    hints = _test_hints(val_set.transform, which="validation")
    if hints and hints[0].kind == "random test":
        return [Hint("val random", "`val_set` still changes from one pass to the next: its transform is random "
                                   "(RandomCrop, RandomRotation), so every evaluation sees other images and the "
                                   "accuracy jumps — give it the deterministic test pipeline of task 1")]
    return hints


def _train_set_hints(train_set: object) -> list[Hint]:
    if train_set.transform is None:
        return [Hint("no train transform",
                     "`train_set` has no transform — keep the random train pipeline of task 1 there")]
    hints = _train_hints(train_set.transform, which="training")
    if hints and hints[0].kind == "not random":
        return [Hint("train not random", "you removed the augmentation from `train_set` too — keep the random train "
                                         "pipeline of task 1 there; only the evaluation data must be deterministic")]
    return hints


@_task(5)
def check_task_5(train_set: object, val_set: object, splits: dict | None = None) -> bool:
    """Task 5: the fixed datasets — the spec's random train pipeline for training, its test pipeline for validation.

    ``train_set`` must hold exactly ``splits["train"]`` and ``val_set`` exactly ``splits["val"]``; both transforms
    are checked as in task 1. Typical mistakes get their own hint: ``val_set`` still random (the bug) or without a
    transform, ``train_set`` made deterministic too, the two sets sharing examples, a set from another split.

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
