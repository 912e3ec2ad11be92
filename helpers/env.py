"""The environment a notebook runs in: device choice, thread count and a version report."""

from __future__ import annotations

import platform
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata

import torch

__all__ = ["check_versions", "environment_report", "MINIMUM_VERSIONS", "pick_device", "release", "torch_threads"]

REPORTED_PACKAGES = ("torch", "torchvision", "numpy", "matplotlib", "ipywidgets", "scipy", "mlxtend", "scikit-image")
MINIMUM_VERSIONS = {"torchvision": "0.21"}
"""The oldest versions the notebooks need: torchvision 0.21 made ``make_params`` of v2 transforms public (02)."""


def pick_device() -> torch.device:
    """``cuda`` when a GPU is available, else ``cpu`` — never hard-coded.

    >>> pick_device().type in ("cuda", "cpu")
    True
    """
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def environment_report() -> dict[str, str]:
    """Python, OS, device and the versions of the packages the notebooks use.

    >>> environment_report()["python"].startswith("3.")
    True
    """
    report = {"python": platform.python_version(), "platform": platform.platform(terse=True),
              "device": str(pick_device()), "on colab": str("google.colab" in sys.modules)}
    for name in REPORTED_PACKAGES:
        try:
            report[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            report[name] = "not installed"
    return report


def release(version: str) -> tuple[int, ...]:
    """The numeric release of a version string, for comparing versions (``0.9`` < ``0.21``).

    >>> release("0.21.0+cu124"), release("0.9"), release("2.6.0a0")
    ((0, 21, 0), (0, 9), (2, 6, 0))
    """
    match = re.match(r"\d+(\.\d+)*", version.strip())
    if match is None:
        raise ValueError(f"version={version!r} does not start with a release number like 0.21.0")
    return tuple(int(part) for part in match.group().split("."))


def check_versions(minimums: dict[str, str] | None = None) -> dict[str, str]:
    """The installed version of each package in ``minimums`` (default ``MINIMUM_VERSIONS``).

    ``RuntimeError`` naming the package, both versions and the fix if one is older or missing.

    >>> check_versions({"torch": "1.0"})["torch"] == environment_report()["torch"]
    True
    """
    minimums = MINIMUM_VERSIONS if minimums is None else minimums
    installed = {}
    for name, minimum in minimums.items():
        try:
            installed[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            raise RuntimeError(f"{name} is not installed; the notebooks need {name}>={minimum}") from None
        if release(installed[name]) < release(minimum):
            raise RuntimeError(f"{name} {installed[name]} is too old: the notebooks need {name}>={minimum} — "
                               f"run `pip install -U {name}` and restart the kernel")
    return installed


@contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run the block with ``threads`` torch CPU threads (``None``: as it is), restoring the setting afterwards.

    Tiny models are faster on one thread, are not slowed down by other programs on the cores, and add up in
    the same order on every machine.

    >>> with torch_threads(1):
    ...     torch.get_num_threads()
    1
    """
    before = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)
