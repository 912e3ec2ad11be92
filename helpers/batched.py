"""Many small models as one (``helpers.training``'s engine): stacked weights, one batched forward and gradient."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call, stack_module_state, vmap

__all__ = [
    "as_float_images", "autograd_gradients", "batched_forward", "Build", "dataloader_epoch_order", "linear_layers",
    "linear_stack_gradients", "ModelKind", "stacked_models",
]

Build = Callable[[], nn.Module]


@dataclass(frozen=True)
class ModelKind:
    """The models of one curve: the name they are reported under and the function that builds one.

    >>> ModelKind("softmax", lambda: nn.Sequential(nn.Flatten(), nn.Linear(4, 3))).build()[1]
    Linear(in_features=4, out_features=3, bias=True)
    """

    name: str
    build: Build


def as_float_images(images: torch.Tensor) -> torch.Tensor:
    """``N×H×W`` or ``N×C×H×W`` images as float ``N×C×H×W``; ``uint8`` is scaled to ``[0, 1]``.

    >>> x = as_float_images(torch.full((2, 28, 28), 255, dtype=torch.uint8))
    >>> x.shape, x.dtype, float(x.max())
    (torch.Size([2, 1, 28, 28]), torch.float32, 1.0)
    """
    x = images.unsqueeze(1) if images.ndim == 3 else images
    return x.float().div(255) if x.dtype == torch.uint8 else x.float()


def dataloader_epoch_order(n: int, generator: torch.Generator) -> torch.Tensor:
    """The order of ``n`` examples in one epoch of ``DataLoader(data, shuffle=True, generator=generator)``.

    It draws from ``generator`` exactly as that DataLoader does (a unit test checks it against a real one):
    its iterator draws a base seed, its ``RandomSampler`` one permutation, and one more that it discards.

    >>> dataloader_epoch_order(5, torch.Generator().manual_seed(0)).sort().values
    tensor([0, 1, 2, 3, 4])
    """
    torch.empty((), dtype=torch.int64).random_(generator=generator)
    order = torch.randperm(n, generator=generator)
    torch.randperm(n, generator=generator)
    return order


def stacked_models(kind: ModelKind, seeds: list[int], device: torch.device) -> tuple[nn.Module, dict]:
    """One model per seed, each initialised as ``torch.manual_seed(seed); build()``, stacked.

    >>> kind = ModelKind("softmax", lambda: nn.Sequential(nn.Flatten(), nn.Linear(4, 3)))
    >>> template, params = stacked_models(kind, [0, 1], torch.device("cpu"))
    >>> {name: tuple(p.shape) for name, p in params.items()}  # 2 models: weights 3×4, biases 3
    {'1.weight': (2, 3, 4), '1.bias': (2, 3)}
    >>> _ = torch.manual_seed(1)
    >>> torch.equal(params["1.weight"][1], kind.build()[1].weight)
    True
    """
    models = []
    with torch.random.fork_rng(devices=[]):
        for seed in seeds:
            torch.default_generator.manual_seed(seed)  # = torch.manual_seed(seed) for a model built on the CPU
            models.append(kind.build())
    params, buffers = stack_module_state(models)
    if buffers:
        raise ValueError(f"model={kind.name!r} has buffers {list(buffers)}; use a model without BatchNorm-like state")
    return models[0].to(device), {name: p.detach().to(device) for name, p in params.items()}


def linear_layers(template: nn.Module) -> list[nn.Module] | None:
    """The layers of a ``Sequential`` of ``Flatten()`` then Linear/ReLU layers only (else ``None``).

    >>> len(linear_layers(nn.Sequential(nn.Flatten(), nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))))
    4
    >>> linear_layers(nn.Sequential(nn.Conv2d(1, 1, 3))) is None
    True
    """
    layers = list(template) if isinstance(template, nn.Sequential) else []
    if (len(layers) > 1 and isinstance(layers[0], nn.Flatten) and layers[0].start_dim == 1
            and all(isinstance(m, nn.Linear | nn.ReLU) for m in layers[1:])):
        return layers
    return None


def batched_forward(template: nn.Module) -> Callable[[dict, torch.Tensor], torch.Tensor]:
    """``forward(params, x)``: logits ``K×B×classes`` of ``K`` stacked models on their own ``x`` ``K×B×…``.

    >>> kind = ModelKind("softmax", lambda: nn.Sequential(nn.Flatten(), nn.Linear(4, 3)))
    >>> template, params = stacked_models(kind, [0, 1], torch.device("cpu"))
    >>> x = torch.rand(2, 5, 1, 2, 2)  # 5 images for each of the 2 models
    >>> logits = batched_forward(template)(params, x)
    >>> _ = torch.manual_seed(1)
    >>> logits.shape, torch.allclose(logits[1], kind.build()(x[1]))  # model 1 alone gives the same logits
    (torch.Size([2, 5, 3]), True)
    """
    layers = linear_layers(template)
    if layers is not None:
        return lambda params, x: _linear_stack_forward(layers, params, x)[0].mT
    return vmap(lambda p, xb: functional_call(template, p, (xb,)))


def _linear_stack_forward(layers: list[nn.Module], params: dict, x: torch.Tensor) -> tuple[torch.Tensor, list]:
    """A Sequential of Flatten/Linear/ReLU as batched matrix products, one ``baddbmm`` per layer.

    Activations are ``K×features×B`` (on a CPU a softmax over dimension 1 of this layout is far faster than
    over a short last one). Returns the logits ``K×classes×B`` and, for the backward pass, the input of every
    Linear and the output of every ReLU.
    """
    saved = []
    x = x.flatten(2).mT  # K×features×B, a view
    for i, layer in enumerate(layers[1:], start=1):
        if isinstance(layer, nn.ReLU):
            x = x.relu()
            saved.append((i, x))
        elif isinstance(layer, nn.Linear):
            saved.append((i, x))
            weight, bias = params[f"{i}.weight"], params.get(f"{i}.bias")
            x = weight @ x if bias is None else torch.baddbmm(bias.unsqueeze(2), weight, x)
    return x, saved


def linear_stack_gradients(layers, params: dict, x, y, weight) -> dict[str, torch.Tensor]:
    """Gradients of ``sum(weight · cross_entropy)`` for a linear stack, written out by hand.

    Autograd's numbers in fewer, faster ops: the gradient of softmax cross-entropy is ``softmax(logits) −
    onehot(y)``, and none is formed for the input images. ``weight`` is ``K·B`` (each model's loss weights).

    >>> kind = ModelKind("softmax", lambda: nn.Sequential(nn.Flatten(), nn.Linear(4, 3)))
    >>> template, params = stacked_models(kind, [0, 1], torch.device("cpu"))
    >>> x, y, weight = torch.rand(2, 5, 1, 2, 2), torch.randint(0, 3, (2, 5)), torch.full((10,), 0.2)
    >>> by_hand = linear_stack_gradients(linear_layers(template), params, x, y, weight)
    >>> by_autograd = autograd_gradients(batched_forward(template), params, x, y, weight)
    >>> all(torch.allclose(by_hand[name], by_autograd[name], atol=1e-6) for name in params)
    True
    """
    logits, saved = _linear_stack_forward(layers, params, x)
    grad = logits.softmax(1)  # K×classes×B
    grad.scatter_add_(1, y.unsqueeze(1), torch.full_like(grad[:, :1], -1.0))
    grad.mul_(weight.view(y.shape[0], 1, y.shape[1]))
    grads = {}
    first_linear = next(i for i, m in enumerate(layers) if isinstance(m, nn.Linear))
    for i, inputs in reversed(saved):
        if isinstance(layers[i], nn.ReLU):
            grad = grad * (inputs > 0)
            continue
        grads[f"{i}.weight"] = grad @ inputs.mT
        if f"{i}.bias" in params:
            grads[f"{i}.bias"] = grad.sum(2)
        if i != first_linear:
            grad = params[f"{i}.weight"].mT @ grad
    return grads


def autograd_gradients(forward, params: dict, x, y, weight) -> dict[str, torch.Tensor]:
    """Gradients of ``sum(weight · cross_entropy)`` for any module, through autograd (and vmap); see
    ``linear_stack_gradients`` for an example."""
    leaves = {name: p.detach().requires_grad_() for name, p in params.items()}
    logits = forward(leaves, x)
    loss = F.cross_entropy(logits.flatten(0, 1), y.flatten(), reduction="none")
    grads = torch.autograd.grad((loss * weight).sum(), list(leaves.values()))
    return dict(zip(leaves, grads, strict=True))
