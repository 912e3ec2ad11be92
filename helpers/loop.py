"""The plain training loop of the course, as notebook 01 writes it in a cell (a test checks), and its one MLP.

The batched engine (``helpers.training``) trains many models at once and must give the same accuracies.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, Dataset

__all__ = ["accuracy", "mlp", "train_plain"]


def train_plain(model: nn.Module, train_set: Dataset, epochs: int, batch_size: int, lr: float,
                momentum: float = 0.0, seed: int = 0) -> nn.Module:
    """Train ``model`` in place with minibatch SGD for ``epochs`` passes over ``train_set``; return it.

    >>> from torch.utils.data import TensorDataset
    >>> data = TensorDataset(torch.rand(20, 1, 28, 28), torch.arange(20) % 10)
    >>> _ = torch.manual_seed(0)
    >>> model = train_plain(nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), data, epochs=50, batch_size=5, lr=0.5)
    >>> accuracy(model, data)
    1.0
    """
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))
    for _ in range(epochs):
        for x, y in loader:
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model


@torch.no_grad()
def accuracy(model: nn.Module, dataset: Dataset, batch_size: int = 1000) -> float:
    """The fraction of ``dataset``'s examples that ``model`` classifies correctly.

    >>> from torch.utils.data import TensorDataset
    >>> always_zero = nn.Sequential(nn.Flatten(), nn.Linear(4, 10))
    >>> _ = nn.init.zeros_(always_zero[1].weight), nn.init.zeros_(always_zero[1].bias)
    >>> accuracy(always_zero, TensorDataset(torch.rand(4, 2, 2), torch.tensor([0, 0, 1, 2])))
    0.5
    """
    correct = 0
    for x, y in DataLoader(dataset, batch_size=batch_size):
        correct += int((model(x).argmax(1) == y).sum())
    return correct / len(dataset)


def mlp(inputs: int, hidden: int, classes: int) -> nn.Module:
    """A one-hidden-layer perceptron: flatten, ``inputs`` → ``hidden`` (ReLU) → ``classes`` logits.

    Initialised from torch's global random generator (seed it, or fork it, first).

    >>> [tuple(p.shape) for p in mlp(784, 64, 10).parameters()]
    [(64, 784), (64,), (10, 64), (10,)]
    """
    return nn.Sequential(nn.Flatten(), nn.Linear(inputs, hidden), nn.ReLU(), nn.Linear(hidden, classes))
