"""A fast learning-curve engine: many small models trained together, one tensor op per step.

Trained one by one through a ``DataLoader``, the models of a curve spend most of their time in per-sample
Python (PIL, ``ToTensor``, collate) and per-step overhead. Here the images become floats once, and each
step updates all models at once: one gather of all minibatches, one batched forward and gradient
(``helpers.batched``), an optional batched augmentation, one SGD update. A call takes a plan
(``plan_learning_curve``), the SGD settings (``Training``) and where it runs (``Engine``).
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import torch
from torch import nn
from tqdm import tqdm as text_tqdm
from tqdm.auto import tqdm

from helpers import batched
from helpers.curves import LearningCurve
from helpers.data import check_indices, stratified_split
from helpers.env import pick_device, torch_threads
from helpers.loop import mlp
from helpers.validation import (
    check_choice,
    check_finite_images,
    check_in_range,
    check_int,
    check_type,
    check_uint8_or_float,
)

__all__ = [
    "Engine", "learning_curve", "mlp_model", "NAMED_MODELS", "plan_learning_curve", "small_cnn", "softmax_model",
    "TEXT_PROGRESS_ENV", "TrainedModels", "Training",
]

MLP_HIDDEN = 64
EVAL_CHUNK = 4096
Augment = Callable[[torch.Tensor, torch.Generator], torch.Tensor]
# Set (to "1") by ``tools.execute``: progress bars are written as text, so a saved notebook keeps their final state.
TEXT_PROGRESS_ENV = "COURSE_TEXT_PROGRESS"


def softmax_model() -> nn.Module:
    """Softmax regression for 28×28 digits: flatten, one linear layer to 10 logits (``model="softmax"``).

    >>> softmax_model()(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """
    return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 10))


def mlp_model() -> nn.Module:
    """A small multilayer perceptron: 784 → ``MLP_HIDDEN`` (ReLU) → 10 logits (``model="mlp"``).

    >>> [tuple(p.shape) for p in mlp_model().parameters()]
    [(64, 784), (64,), (10, 64), (10,)]
    """
    return mlp(28 * 28, MLP_HIDDEN, 10)


def small_cnn(channels: Sequence[int] = (8, 16)) -> nn.Module:
    """A small CNN for 28×28 digits: conv 5×5 stride 2 → ReLU → conv 3×3 stride 2 → ReLU → linear to 10 logits.

    ``channels = (c1, c2)`` are the feature maps of the two convolutions (28 → 12 → 5 pixels). No pooling,
    BatchNorm or dropout, so ``learning_curve(..., model=small_cnn)`` can train many copies at once (other
    channels: a zero-argument ``def`` that calls it).

    >>> small_cnn((8, 16))(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """
    if len(channels) != 2 or any(not isinstance(c, int) or c < 1 for c in channels):
        raise ValueError(f"channels={tuple(channels)!r} must be two positive integers (c1, c2), e.g. (8, 16)")
    c1, c2 = channels
    return nn.Sequential(nn.Conv2d(1, c1, 5, stride=2), nn.ReLU(), nn.Conv2d(c1, c2, 3, stride=2), nn.ReLU(),
                         nn.Flatten(), nn.Linear(c2 * 5 * 5, 10))


NAMED_MODELS: Mapping[str, batched.Build] = MappingProxyType({"softmax": softmax_model, "mlp": mlp_model})
"""The models ``learning_curve(..., model=name)`` knows by name (read-only; pass a builder for any other)."""


@dataclass(frozen=True)
class Training:
    """How every model of a learning curve trains: minibatch SGD, ``epochs`` passes over its own subset.

    Each model's optimizer is ``torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)``; checked when made.

    >>> Training(epochs=30, lr=0.05, momentum=0.9)
    Training(epochs=30, batch_size=64, lr=0.05, momentum=0.9)
    >>> Training(epochs=2.5)
    Traceback (most recent call last):
    TypeError: epochs must be a positive integer, got float
    >>> Training(momentum=1.0)
    Traceback (most recent call last):
    ValueError: momentum=1.0 must lie in [0, 1)
    """

    epochs: int = 10
    batch_size: int = 64
    lr: float = 0.1
    momentum: float = 0.0

    def __post_init__(self) -> None:
        check_int("epochs", self.epochs)
        check_int("batch_size", self.batch_size)
        check_in_range("lr", self.lr, 0, math.inf, low_closed=False, high_closed=False)
        check_in_range("momentum", self.momentum, 0, 1, high_closed=False)


@dataclass(frozen=True)
class Engine:
    """Where and how ``learning_curve`` runs: knobs of speed and display, not of what is trained.

    ``device``: ``None`` for ``pick_device()``; another device trains the same models up to rounding.
    ``progress``: a tqdm bar over the training steps. ``cpu_threads``: torch threads while training on a
    CPU (restored afterwards), ``None`` keeps torch's setting. One thread is the robust default for these
    small per-step tensors: more were a little faster on an idle CPU, far slower beside another process.

    >>> Engine(device="cpu", progress=False)
    Engine(device='cpu', progress=False, cpu_threads=1)
    >>> Engine(progress="no")
    Traceback (most recent call last):
    TypeError: progress must be True or False, got str
    """

    device: str | torch.device | None = None
    progress: bool = True
    cpu_threads: int | None = 1

    def __post_init__(self) -> None:
        check_type("device", self.device, (str, torch.device, type(None)),
                   "a device name such as 'cpu' or 'cuda', a torch.device, or None (pick_device())")
        if isinstance(self.device, str):
            try:
                torch.device(self.device)
            except RuntimeError:
                raise ValueError(f"device={self.device!r} is not a torch device; allowed: e.g. 'cpu', 'cuda', "
                                 "'cuda:1', 'mps', or None (pick_device())") from None
        check_type("progress", self.progress, bool, "True or False")
        check_int("cpu_threads", self.cpu_threads, optional=True)


def _model_kind(model: str | batched.Build) -> batched.ModelKind:
    """``model`` (a key of ``NAMED_MODELS`` or a zero-argument builder) with the name the curve reports."""
    if isinstance(model, str):
        check_choice("model", model, NAMED_MODELS, hint="(or a zero-argument function that builds an nn.Module)")
        return batched.ModelKind(model, NAMED_MODELS[model])
    if not callable(model):
        raise TypeError(f"model={model!r} must be a name ({', '.join(NAMED_MODELS)}) or a zero-argument "
                         "function that builds an nn.Module")
    known = next((name for name, build in NAMED_MODELS.items() if build is model), None)
    name = known or getattr(model, "__name__", "custom")
    return batched.ModelKind("custom" if name == "<lambda>" else name, model)


@dataclass(frozen=True)
class CurvePlan:
    """What each model of a learning curve trains on and is evaluated on (from ``plan_learning_curve``).

    Model ``(i, r)`` (size ``sizes[i]``, repeat ``r``) trains on ``subsets[i][r]`` (indices into the images)
    from ``seeds[i, r]`` (initial weights and shuffling); all are evaluated on ``val_idx``; ``seed`` drew
    the plan and also seeds the random augmentations.
    """

    sizes: tuple[int, ...]
    subsets: tuple[tuple[torch.Tensor, ...], ...]
    seeds: torch.Tensor
    val_idx: torch.Tensor
    seed: int

    @property
    def repeats(self) -> int:
        """Models per training size."""
        return int(self.seeds.shape[1])


@dataclass(frozen=True, eq=False)
class TrainedModels:
    """The trained weights of all models of a learning curve, stacked, to evaluate them on any images.

    ``params[name][i * repeats + r]`` is parameter ``name`` of the model for size ``i``, repeat ``r``;
    ``template`` is one model of the kind, the function these weights are plugged into.

    >>> images, labels = load_mnist()
    >>> parts = stratified_split(labels, seed=0)
    >>> plan = plan_learning_curve(labels, parts["train"], parts["val"], [50, 100], repeats=2)
    >>> curve = learning_curve(images, labels, plan, "softmax", Training(epochs=1), keep_models=True,
    ...                        engine=Engine(device="cpu", progress=False))
    >>> bool(np.allclose(curve.models.accuracy(images[parts["val"]], labels[parts["val"]]), curve.val_acc))
    True
    """

    model: str
    template: nn.Module
    params: dict[str, torch.Tensor]
    shape: tuple[int, int]
    subsets: tuple[tuple[torch.Tensor, ...], ...] | None = None

    @torch.no_grad()
    def predict(self, images: torch.Tensor) -> torch.Tensor:
        """Class predictions of every model for the same images: ``int64`` ``sizes × repeats × N``.

        ``images`` as for ``learning_curve``, already through whatever test pipeline the models expect.
        """
        images = torch.as_tensor(images)
        if images.ndim not in (3, 4) or len(images) == 0:
            raise ValueError(f"images must be a non-empty batch N×H×W or N×C×H×W, got shape {tuple(images.shape)}")
        x = batched.as_float_images(images).to(next(iter(self.params.values())).device)
        forward, repeats = batched.batched_forward(self.template), self.shape[1]
        rows = []
        for start in range(0, self.shape[0] * repeats, repeats):  # one size at a time, all its repeats
            params = {name: p[start:start + repeats] for name, p in self.params.items()}
            chunks = [forward(params, x[k:k + EVAL_CHUNK].expand(repeats, -1, -1, -1, -1)).argmax(-1)
                      for k in range(0, len(x), EVAL_CHUNK)]
            rows.append(torch.cat(chunks, dim=1))
        return torch.stack(rows).cpu()

    def accuracy(self, images: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
        """Accuracy in ``[0, 1]`` of every model on the same labelled images, ``sizes × repeats``.

        E.g. on the validation digits rotated by 30° (``FusedAugment`` from ``helpers.transforms``)::

            curve.models.accuracy(FusedAugment(resize=28).apply(images[val, None] / 255, angle=30.0), labels[val])
        """
        return self.correct(images, labels).mean(-1, dtype=float)

    def train_accuracy(self, images: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
        """Accuracy of every model on **its own** training subset, ``sizes × repeats``, with the images given.

        ``images``/``labels``: the whole dataset, indexed as in ``learning_curve`` — e.g. all digits through
        the test pipeline of models trained with augmentation, to measure them as they see digits at test time::

            zoomed_all = FusedAugment(resize=32, crop=28).apply(images[:, None] / 255, angle=0.0)
            curve.models.train_accuracy(zoomed_all, labels)
        """
        if self.subsets is None:
            raise ValueError("these models do not know their training subsets; train them with learning_curve")
        labels = torch.as_tensor(labels).cpu()
        if len(labels) != len(images):
            raise ValueError(f"labels must hold one class per image: got {len(labels)} labels for {len(images)} images")
        used = torch.cat([s for row in self.subsets for s in row]).unique()
        position = torch.full((len(labels),), -1, dtype=torch.long)
        position[used] = torch.arange(len(used))
        predicted = self.predict(torch.as_tensor(images)[used])  # sizes × repeats × used
        return np.array([[float((predicted[i, r, position[s]] == labels[s]).double().mean()) for r, s in enumerate(row)]
                         for i, row in enumerate(self.subsets)])

    def correct(self, images: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
        """Whether every model classifies each labelled image correctly: ``bool`` ``sizes × repeats × N``
        (what a bootstrap over the images needs, e.g. ``helpers.curves.bootstrap_val_acc``)."""
        labels = torch.as_tensor(labels).cpu()  # predict() answers on the CPU
        if labels.ndim != 1 or len(labels) != len(images) or len(labels) == 0:
            raise ValueError(f"labels must hold one class per image: got {tuple(labels.shape)} labels "
                             f"for {len(images)} images (at least one)")
        return (self.predict(images) == labels).numpy()


def plan_learning_curve(labels: torch.Tensor, train_pool: torch.Tensor | Sequence[int],
                        val_idx: torch.Tensor | Sequence[int], sizes: Sequence[int], repeats: int = 5,
                        seed: int = 0) -> CurvePlan:
    """Draw the class-balanced training subsets and per-model seeds of a learning curve: its ``CurvePlan``.

    Each of the ``repeats`` models of a size gets its own subset of ``train_pool``, initial weights and
    shuffling; ``seed`` makes them all reproducible, and the augmentations of ``learning_curve`` too.
    ``val_idx``: the held-out indices every model is evaluated on (the validation split; the test split only
    once, at the very end), disjoint from ``train_pool``. ``sizes``: strictly increasing, at most
    ``len(train_pool)``. Wrong kinds (``sizes=[100.0]``, ``seed="0"``) raise ``TypeError``, bad values ``ValueError``.

    >>> _, labels = load_mnist()
    >>> parts = stratified_split(labels)
    >>> plan = plan_learning_curve(labels, parts["train"], parts["val"], [100, 500], repeats=2)
    >>> [len(s) for s in plan.subsets[1]], tuple(plan.seeds.shape), plan.repeats, len(plan.val_idx)
    ([500, 500], (2, 2), 2, 500)
    """
    labels = torch.as_tensor(labels)
    # in range and unique (a repeated index makes a "size n" subset of fewer examples), so the overlap check is real
    train_pool = check_indices(train_pool, "train_pool", len(labels), unique=True)
    val_idx = check_indices(val_idx, "val_idx", len(labels), unique=True)
    _check_plan_args(train_pool, val_idx, sizes, repeats, seed)
    generator = torch.Generator().manual_seed(int(seed))
    seeds = torch.randint(0, 2**31 - 1, (len(sizes), repeats), generator=generator)
    pool_labels = labels[train_pool]
    subsets = tuple(
        tuple(train_pool[stratified_split(pool_labels, {"train": int(n)}, seed=int(s))["train"]] for s in row)
        for n, row in zip(sizes, seeds, strict=True)
    )
    return CurvePlan(tuple(int(n) for n in sizes), subsets, seeds, val_idx, int(seed))


def _check_plan_args(train_pool: torch.Tensor, val_idx: torch.Tensor, sizes: Sequence[int], repeats: int,
                     seed: int) -> None:
    if isinstance(sizes, str | bytes) or not isinstance(sizes, Iterable):
        raise TypeError(f"sizes must be a list of training sizes, e.g. [100, 500, 1000], got {type(sizes).__name__}")
    sizes = list(sizes)
    if not sizes:
        raise ValueError("sizes is empty; give at least one training size, e.g. [100, 500, 1000]")
    wrong = next((n for n in sizes if not isinstance(n, int | np.integer) or isinstance(n, bool)), None)
    if wrong is not None:
        raise TypeError(f"sizes={sizes} must contain integers only, got {type(wrong).__name__} {wrong!r}")
    if any(n < 1 for n in sizes):
        raise ValueError(f"sizes={sizes} must contain positive integers only")
    duplicates = sorted({n for n in sizes if sizes.count(n) > 1})
    if duplicates:
        raise ValueError(f"sizes={sizes} has duplicates {duplicates}; each training size may appear once")
    if any(b <= a for a, b in zip(sizes, sizes[1:], strict=False)):
        raise ValueError(f"sizes={sizes} must be strictly increasing, e.g. [100, 250, 500]")
    if sizes[-1] > len(train_pool):
        raise ValueError(f"sizes has {sizes[-1]} but train_pool has only {len(train_pool)} examples; "
                         f"allowed: sizes up to {len(train_pool)}")
    check_int("repeats", repeats)
    check_int("seed", seed, low=0)
    if len(val_idx) == 0:
        raise ValueError("val_idx is empty; give the indices of the held-out validation set")
    overlap = np.intersect1d(train_pool.numpy(), val_idx.numpy())
    if len(overlap):
        raise ValueError(f"val_idx shares {len(overlap)} indices with train_pool (e.g. {overlap[:3].tolist()}); "
                         "the validation set must be disjoint from the training data")


def learning_curve(images: torch.Tensor, labels: torch.Tensor, plan: CurvePlan, model: str | batched.Build = "softmax",
                   training: Training = Training(), *, augment: Augment | None = None, keep_models: bool = False,
                   engine: Engine = Engine()) -> LearningCurve:
    """Train the ``len(plan.sizes) × plan.repeats`` models of a plan together and measure their accuracy.

    Each model trains exactly as the course's one-model loop, so the result equals that loop's up to rounding:
    model ``(i, r)`` starts from the weights ``torch.manual_seed(plan.seeds[i, r]); build()`` gives and sees
    the minibatches of ``DataLoader(subset, batch_size, shuffle=True, generator=Generator().manual_seed(
    plan.seeds[i, r]))``, epoch after epoch (the last, smaller batch included), its loss averaged over its own
    batch, SGD as ``torch.optim.SGD``. Models on small subsets finish early and drop out of the stack.

    Args:
        images: ``uint8`` images ``N×H×W`` or ``N×C×H×W`` (scaled to ``[0, 1]``), or floats.
        labels: class of each image, ``int64`` ``N`` — the labels the plan was drawn from.
        model: ``"softmax"``/``"mlp"`` (``NAMED_MODELS``) or a zero-argument function building one fresh
            ``nn.Module`` without buffers (no BatchNorm) from images ``N×C×H×W`` to logits ``N×classes``, e.g.
            ``small_cnn``; reported by its ``NAMED_MODELS`` name, else ``__name__`` (a ``lambda``: ``"custom"``).
            A Sequential of Flatten/Linear/ReLU runs as batched matrix products, others through ``vmap``.
        augment: ``augment(images_batch, generator)`` for every training minibatch (never for evaluation):
            ``float`` images ``B×C×H×W`` in ``[0, 1]`` on the device (the minibatches of all models still
            training, stacked, each padded with all-zero images to a full batch) and a ``torch.Generator``
            there, seeded from ``plan.seed``; returns images of the same shape.
        keep_models: also return the trained models (``curve.models``, a ``TrainedModels``) to evaluate
            them on other images, e.g. the held-out digits through a test pipeline.
        engine: the default trains on ``pick_device()`` with a progress bar and one CPU thread.

    A record or model of the wrong kind raises ``TypeError``, a bad value ``ValueError``. The curve also
    records which validation examples each model got right (``val_correct``, ``sizes × repeats ×
    len(plan.val_idx)``), so its uncertainty can include the validation set's noise.

    >>> images, labels = load_mnist()
    >>> parts = stratified_split(labels)
    >>> plan = plan_learning_curve(labels, parts["train"], parts["val"], [100, 1000], repeats=2)
    >>> curve = learning_curve(images, labels, plan, small_cnn, Training(epochs=1),
    ...                        engine=Engine(device="cpu", progress=False))
    >>> curve.model, curve.val_acc.shape
    ('small_cnn', (2, 2))
    """
    check_type("plan", plan, CurvePlan, "a CurvePlan from plan_learning_curve(labels, train_pool, val_idx, sizes, "
                                        "repeats, seed)")
    kind = _model_kind(model)
    check_type("training", training, Training, "a Training record, e.g. Training(epochs=10, lr=0.1)")
    check_type("engine", engine, Engine, "an Engine record, e.g. Engine(device='cpu', progress=False)")
    check_type("keep_models", keep_models, bool, "True or False")
    _check_training_args(images, labels, kind, augment, plan)
    device = torch.device(engine.device) if engine.device is not None else pick_device()
    with torch_threads(engine.cpu_threads if device.type == "cpu" else None):
        run = _BatchedRun(images, labels, plan, kind, device)
        fit_time = run.train(training, augment, engine.progress)
        train_acc, val_correct = run.evaluate()
    shape = (len(plan.sizes), plan.repeats)
    models = run.trained_models(plan) if keep_models else None
    val_correct = val_correct.reshape(*shape, -1)
    return LearningCurve(kind.name, np.array(plan.sizes), train_acc.reshape(shape), val_correct.mean(-1, dtype=float),
                         fit_time.reshape(shape), training.epochs, models, val_correct,
                         augment=None if augment is None else repr(augment))


def _check_training_args(images, labels, kind: batched.ModelKind, augment, plan: CurvePlan) -> None:
    if augment is not None and not callable(augment):
        raise TypeError(f"augment={augment!r} must be None or a callable augment(images_batch, generator)")
    images = torch.as_tensor(images)
    if images.ndim not in (3, 4) or len(images) != len(labels):
        raise ValueError(f"images must be N×H×W or N×C×H×W with one label each; got images of shape "
                         f"{tuple(images.shape)} and {len(labels)} labels")
    check_uint8_or_float("images", images)  # int64 pixels would train unscaled (0…255)
    check_finite_images("images", images)
    _check_labels(torch.as_tensor(labels), kind, images)
    largest = max(int(index.max()) for index in (plan.val_idx, *(s for row in plan.subsets for s in row)))
    if largest >= len(labels):
        raise ValueError(f"plan uses example {largest}, but there are only {len(labels)} labels; draw the plan from "
                         "these labels: plan_learning_curve(labels, train_pool, val_idx, sizes, repeats, seed)")


def _check_labels(labels: torch.Tensor, kind: batched.ModelKind, images: torch.Tensor) -> None:
    """Labels must be 1-D integer classes of the model (else ``scatter_add_`` fails, on CUDA breaking the context)."""
    if labels.dtype == torch.bool or labels.is_floating_point() or labels.is_complex():
        raise ValueError(f"labels must be integer class indices (e.g. int64), got dtype {labels.dtype}")
    if labels.ndim != 1:
        raise ValueError(f"labels must be 1-D, one class per image, got shape {tuple(labels.shape)}")
    if len(labels) == 0:
        return
    with torch.random.fork_rng(devices=[]), torch.no_grad():  # one throwaway model on one image; global RNG kept
        template = kind.build().eval()
        classes = int(template(batched.as_float_images(images[:1].cpu())).shape[-1])
    low, high = int(labels.min()), int(labels.max())
    if low < 0 or high >= classes:
        raise ValueError(f"labels must lie in 0…{classes - 1} (model={kind.name!r} has {classes} output classes), "
                         f"got values from {low} to {high}")


class _BatchedRun:
    """The state of one batched training run: inputs on the device, stacked parameters, schedule.

    Models are ordered from the largest training size down, so the models still training at
    any step are always a prefix ``[:k]`` of the stack (``k`` shrinks as small subsets finish).
    """

    def __init__(self, images, labels, plan: CurvePlan, kind: batched.ModelKind, device: torch.device) -> None:
        self.device, self.model, self.repeats, self.seed = device, kind.name, plan.repeats, plan.seed
        self.groups = list(range(len(plan.sizes)))[::-1]  # size indices, largest first
        self.sizes = [plan.sizes[i] for i in self.groups]
        images, labels = torch.as_tensor(images), torch.as_tensor(labels)
        used = torch.cat([s for row in plan.subsets for s in row] + [plan.val_idx]).unique()
        position = torch.full((len(images),), -1, dtype=torch.long)
        position[used] = torch.arange(len(used))
        x = batched.as_float_images(images[used])
        self.pad = len(used)  # index of an all-zero example that pads the short last batch of an epoch
        self.x = torch.cat([x, torch.zeros_like(x[:1])]).to(device)
        self.y = torch.cat([labels[used], labels[:1]]).to(device)
        self.subsets = [[position[s] for s in plan.subsets[i]] for i in self.groups]
        self.val = position[plan.val_idx].to(device)
        self.seeds = [[int(s) for s in plan.seeds[i]] for i in self.groups]
        self.template, self.params = batched.stacked_models(kind, [s for row in self.seeds for s in row], device)
        self.forward = batched.batched_forward(self.template)
        self.layers = batched.linear_layers(self.template)

    def train(self, training: Training, augment: Augment | None, progress: bool) -> np.ndarray:
        """Run all steps (augmentations seeded by ``plan.seed``); returns each model's share of the wall time (s)."""
        batch_size = training.batch_size
        steps_per_epoch = [math.ceil(n / batch_size) for n in self.sizes]
        total = [training.epochs * s for s in steps_per_epoch]
        shufflers = [[torch.Generator().manual_seed(s) for s in row] for row in self.seeds]
        orders: list[torch.Tensor] = [torch.empty(0)] * len(self.sizes)
        buffers = {k: torch.zeros_like(p) for k, p in self.params.items()} if training.momentum else None
        aug_generator = torch.Generator(device=self.device).manual_seed(self.seed) if augment else None
        fit_time, clock = np.zeros(len(self.sizes) * self.repeats), _ShareClock(self.device)
        for t in _progress_bar(range(total[0]), f"{len(fit_time)} {self.model} models", progress):
            active = [g for g in range(len(self.sizes)) if t < total[g]]
            clock.switch(fit_time, len(active) * self.repeats)
            rows = []
            for g in active:
                k = t % steps_per_epoch[g]
                if k == 0:  # a new epoch for the models of this size
                    orders[g] = self._epoch_order(g, shufflers[g], steps_per_epoch[g] * batch_size)
                rows.append(orders[g][:, k * batch_size:(k + 1) * batch_size])
            self._step(torch.cat(rows), training, buffers, augment, aug_generator)
        clock.switch(fit_time, 0)
        return fit_time.reshape(len(self.sizes), self.repeats)[::-1].ravel()  # back to plan order

    def _epoch_order(self, group: int, generators: list, length: int) -> torch.Tensor:
        """Each model's shuffled positions for one epoch, padded to ``length`` with the pad example."""
        order = torch.full((self.repeats, length), self.pad, dtype=torch.long)
        for r, (subset, generator) in enumerate(zip(self.subsets[group], generators, strict=True)):
            order[r, :len(subset)] = subset[batched.dataloader_epoch_order(len(subset), generator)]
        return order.to(self.device)

    def _step(self, index, training: Training, buffers, augment: Augment | None, aug_generator) -> None:
        """One SGD step of the first ``len(index)`` models, each on its own minibatch ``index[m]``."""
        k = len(index)
        valid = index != self.pad
        weight = (valid / valid.sum(1, keepdim=True)).flatten()  # each model's loss is the mean over its batch
        x = self.x.index_select(0, index.flatten())
        if augment is not None:
            x = augment(x, aug_generator)
        x, y = x.view(*index.shape, *x.shape[1:]), self.y[index]
        params = {name: p[:k] for name, p in self.params.items()}
        if self.layers is not None:
            grads = batched.linear_stack_gradients(self.layers, params, x, y, weight)
        else:
            grads = batched.autograd_gradients(self.forward, params, x, y, weight)
        with torch.no_grad():
            for name, p in params.items():
                g = grads[name]
                if buffers is not None:  # torch.optim.SGD's momentum (dampening 0, no Nesterov)
                    g = buffers[name][:k].mul_(training.momentum).add_(g)
                p.add_(g, alpha=-training.lr)

    @torch.no_grad()
    def evaluate(self) -> tuple[np.ndarray, np.ndarray]:
        """Each model's accuracy on its own subset and whether it got each held-out example right, in plan order."""
        train_acc, val_correct = [], []
        for g, subsets in enumerate(self.subsets):
            rows = slice(g * self.repeats, (g + 1) * self.repeats)
            params = {name: p[rows] for name, p in self.params.items()}
            train_acc.insert(0, self._correct(params, torch.stack(subsets).to(self.device)).double().mean(1))
            val_correct.insert(0, self._correct(params, self.val.expand(self.repeats, -1)))
        return torch.cat(train_acc).numpy(), torch.cat(val_correct).numpy()

    def trained_models(self, plan: CurvePlan) -> TrainedModels:
        """The stacked trained parameters, reordered to plan order, with their subsets."""
        order = torch.arange(len(self.groups) * self.repeats).view(len(self.groups), self.repeats).flip(0).flatten()
        params = {name: p.index_select(0, order.to(p.device)) for name, p in self.params.items()}
        return TrainedModels(self.model, self.template, params, (len(self.groups), self.repeats), plan.subsets)

    def _correct(self, params: dict, index: torch.Tensor) -> torch.Tensor:
        """``bool`` ``models × examples``: model ``m`` classifies example ``index[m, j]`` correctly."""
        correct = []
        for start in range(0, index.shape[1], EVAL_CHUNK):
            chunk = index[:, start:start + EVAL_CHUNK]
            x = self.x.index_select(0, chunk.flatten()).view(*chunk.shape, *self.x.shape[1:])
            correct.append(self.forward(params, x).argmax(-1) == self.y[chunk])
        return torch.cat(correct, dim=1).cpu()


class _ShareClock:
    """Shares wall time among the models that were training: ``switch`` when their number changes."""

    def __init__(self, device: torch.device) -> None:
        self.device, self.active, self.start = device, 0, time.perf_counter()

    def switch(self, fit_time: np.ndarray, active: int) -> None:
        if active == self.active:
            return
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        now = time.perf_counter()
        if self.active:
            fit_time[:self.active] += (now - self.start) / self.active
        self.active, self.start = active, now


def _progress_bar(steps: Iterable[int], desc: str, enabled: bool) -> Iterable[int]:
    """tqdm over the training steps: a widget, or text on stdout when ``TEXT_PROGRESS_ENV`` is ``"1"`` (see there)."""
    if os.environ.get(TEXT_PROGRESS_ENV) == "1":
        return text_tqdm(steps, desc=desc, disable=not enabled, mininterval=0.5, file=sys.stdout)
    return tqdm(steps, desc=desc, disable=not enabled, mininterval=0.5)
