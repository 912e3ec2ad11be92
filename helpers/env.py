"""The environment a notebook runs in: device choice and a version report.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata

import torch

REPORTED_PACKAGES = ("torch", "torchvision", "numpy", "matplotlib", "ipywidgets", "scipy", "mlxtend",
                     "scikit-image")


def pick_device() -> torch.device:
    """``cuda`` when a GPU is available, else ``cpu`` — never hard-coded.

    Example:
        >>> pick_device().type in ("cuda", "cpu")
        True
    """
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def environment_report() -> dict[str, str]:
    """Python, OS, device and the versions of the packages the notebooks use.

    Example:
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


@contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run the block with ``threads`` torch CPU threads, restoring the setting afterwards.

    Tiny models are faster on one thread (their matrices are small), are not slowed down
    when other programs share the cores, and add up in the same order on every machine.
    ``None`` leaves the setting as it is.

    Example:
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
