"""Shared fixtures for the unit tests."""

from __future__ import annotations

import socket

import pytest
import torch

from helpers.data import load_mnist


@pytest.fixture(scope="session")
def mnist() -> tuple[torch.Tensor, torch.Tensor]:
    """The 5,000 bundled MNIST digits (loaded once per test session)."""
    return load_mnist("bundled")


@pytest.fixture
def no_network(monkeypatch):
    """Any connection attempt fails, as on a machine without network."""
    def refuse(*args, **kwargs):
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
