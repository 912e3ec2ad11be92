"""Root pytest hooks: a closing line that says how many notebooks and unit tests ran."""

from __future__ import annotations

import os
from collections import Counter

import pytest

from helpers.claims import STRICT_ENV

# A false ✅-claim in a notebook fails the run (kernels started by nbval inherit this); see helpers/claims.py.
os.environ[STRICT_ENV] = "1"


@pytest.fixture(autouse=True, scope="session")
def _helpers_doctest_namespace(doctest_namespace: dict) -> None:
    """Names every docstring example of ``helpers/`` may use without importing them (``--doctest-modules``)."""
    import numpy as np
    import torch
    from PIL import Image

    from helpers.data import ImageDataset, load_mnist, stratified_split
    from helpers.transforms import FusedAugment, lecture_steps, lecture_transform

    doctest_namespace.update(np=np, torch=torch, Image=Image, load_mnist=load_mnist, ImageDataset=ImageDataset,
                             stratified_split=stratified_split, lecture_transform=lecture_transform,
                             lecture_steps=lecture_steps, FusedAugment=FusedAugment)


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ARG001 — pytest hook signature
    outcomes: Counter[str] = Counter()
    notebooks: set[str] = set()
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if outcome == "passed" and report.when != "call":
                continue
            path = report.nodeid.split("::")[0]
            kind = "notebook cells" if path.endswith(".ipynb") else "unit tests"
            if kind == "notebook cells":
                notebooks.add(path)
            outcomes[(kind, outcome)] += 1
    cells = sum(n for (kind, _), n in outcomes.items() if kind == "notebook cells")
    units = sum(n for (kind, _), n in outcomes.items() if kind == "unit tests")
    terminalreporter.write_line(
        f"course tests: {len(notebooks)} notebooks ({cells} cells) and {units} unit tests ran; "
        + ", ".join(f"{k} {o}: {n}" for (k, o), n in sorted(outcomes.items()))
    )
