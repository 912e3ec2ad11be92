"""Shared fixtures for the unit tests."""

from __future__ import annotations

import pytest
import torch

from helpers.data import load_mnist


@pytest.fixture(scope="session")
def mnist() -> tuple[torch.Tensor, torch.Tensor]:
    """The 5,000 bundled MNIST digits (loaded once per test session)."""
    return load_mnist("bundled")
