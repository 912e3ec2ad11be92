"""The environment a notebook runs in: device choice and a version report.

Used in 00_start_here and in the setup cell of every notebook.
"""

from __future__ import annotations

import platform
import sys
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
