"""Shared fixtures for the unit tests."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
import torch

from helpers.data import load_mnist
from tools.grade import kernel_threads, thread_limits
from tools.notebooks import kernel_env, run_notebook, stream_lines, with_settings

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
RunKey = tuple[str, tuple[tuple[str, str], ...]]


def run_key(marker: pytest.Mark) -> RunKey:
    (name,) = marker.args
    return name, tuple(sorted(marker.kwargs.items()))


def run_lines(key: RunKey, workers: int = 1) -> list[str]:
    """Execute one run (without strict claims, as in a live lecture: a false claim prints ❌, the run goes on;
    an error in a cell stops it) and return every line it printed. With ``workers`` runs at a time, each kernel
    gets its share of the cores as OpenMP/MKL threads (as the grader's kernels do): two kernels of two threads
    each on two cores took the runs of this suite from 49 s to 72 s."""
    name, settings = key
    path = NOTEBOOKS / name
    notebook = with_settings(nbformat.read(path, as_version=4), **dict(settings))
    env = {**kernel_env(strict_claims=False), **thread_limits(kernel_threads(jobs=workers))}
    status = run_notebook(notebook, path.parent, timeout=600, max_output=None, env=env, allow_errors=False)
    if status != "ran":
        raise RuntimeError(f"{name} with {dict(settings)}: a cell {status}")
    return stream_lines(notebook)


class NotebookRuns:
    """The notebook runs that the selected tests ask for, executed together the first time one is needed.

    The engine trains on one CPU thread, and a kernel's start and imports use one core, so one notebook
    leaves the other cores of a machine idle: the runs go ``workers`` at a time (the machine's cores, at
    most 4), and all of them finish before the first test reads its run, so none competes with a later
    test for the cores (the site build and the grader have time limits).
    """

    def __init__(self, keys: list[RunKey], workers: int) -> None:
        self.keys, self.workers = list(dict.fromkeys(keys)), workers
        self.outcomes: dict[RunKey, list[str] | BaseException] | None = None

    def _run_all(self) -> None:
        def outcome(key: RunKey) -> list[str] | BaseException:
            try:
                return run_lines(key, self.workers)
            except Exception as error:  # handed to the test that asked for this run
                return error

        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            self.outcomes = dict(zip(self.keys, pool.map(outcome, self.keys), strict=True))

    def lines(self, key: RunKey) -> list[str]:
        if self.outcomes is None:
            self._run_all()
        outcome = self.outcomes[key] if key in self.outcomes else run_lines(key)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "notebook_run(name, **settings): the test reads that run of the notebook "
                                       "(tests/conftest.py: notebook_run)")


@pytest.fixture(scope="session")
def notebook_runs(request: pytest.FixtureRequest) -> NotebookRuns:
    markers = [item.get_closest_marker("notebook_run") for item in request.session.items]
    workers = max(1, min(4, os.cpu_count() or 1))
    return NotebookRuns([run_key(marker) for marker in markers if marker is not None], workers)


@pytest.fixture
def notebook_run(request: pytest.FixtureRequest, notebook_runs: NotebookRuns) -> Callable[[], list[str]]:
    """The run that the test's mark ``@pytest.mark.notebook_run("NN_name.ipynb", SETTING="value", ...)`` names.

    Call it for every line the run printed, or for the error (nbclient's ``CellExecutionError``) that
    stopped it. Every run the selected tests ask for is executed once, before the first of them reads
    its run, several at a time (``NotebookRuns``).
    """
    marker = request.node.get_closest_marker("notebook_run")
    if marker is None:
        raise ValueError(f"{request.node.nodeid} uses the notebook_run fixture without a notebook_run mark")
    key = run_key(marker)
    return lambda: notebook_runs.lines(key)


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
