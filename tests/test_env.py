"""Device choice and the environment report."""

from __future__ import annotations

import re

import pytest
import torch

import helpers.env
from helpers.env import MINIMUM_VERSIONS, check_versions, environment_report, pick_device, release, torch_threads


def test_device_follows_cuda_availability(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert pick_device() == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert pick_device() == torch.device("cuda")


def test_report_names_python_device_and_package_versions():
    report = environment_report()
    assert report["torch"] == torch.__version__.split("+")[0] or report["torch"] == torch.__version__
    assert report["device"] in ("cpu", "cuda") and report["python"].count(".") == 2


def test_torch_threads_sets_and_restores_even_after_an_error():
    before = torch.get_num_threads()
    try:
        with torch_threads(1):
            assert torch.get_num_threads() == 1
            raise RuntimeError("inside the block")
    except RuntimeError:
        pass
    assert torch.get_num_threads() == before
    with torch_threads(None):
        assert torch.get_num_threads() == before


def test_installed_torchvision_is_new_enough_for_make_params():
    from torchvision.transforms import v2

    assert MINIMUM_VERSIONS["torchvision"] == "0.21"
    assert check_versions()["torchvision"] == environment_report()["torchvision"]
    assert callable(v2.RandomCrop((2, 2)).make_params), "02 calls make_params, public since torchvision 0.21"


@pytest.mark.parametrize("installed", ["0.20.1", "0.9.0", "0.17.2+cu121"])
def test_a_too_old_torchvision_fails_the_check_naming_the_fix(monkeypatch, installed):
    monkeypatch.setattr(helpers.env.metadata, "version", lambda name: installed)
    with pytest.raises(RuntimeError, match=rf"torchvision {re.escape(installed)} is too old: .*torchvision>=0.21"
                                           r".*pip install -U torchvision"):
        check_versions()


@pytest.mark.parametrize("installed", ["0.21.0", "0.21.0+cpu", "0.29.1", "1.0"])
def test_a_new_enough_torchvision_passes(monkeypatch, installed):
    monkeypatch.setattr(helpers.env.metadata, "version", lambda name: installed)
    assert check_versions() == {"torchvision": installed}


def test_a_missing_package_fails_the_check(monkeypatch):
    def missing(name):
        raise helpers.env.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(helpers.env.metadata, "version", missing)
    with pytest.raises(RuntimeError, match=r"torchvision is not installed"):
        check_versions()


def test_release_compares_numbers_not_strings():
    assert release("0.9") < release("0.21") < release("0.21.1") < release("1.0")
    with pytest.raises(ValueError, match=r"version='dev' does not start with a release number"):
        release("dev")
