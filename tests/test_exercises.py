"""The settings that the exercises of notebooks 00–02 suggest work, and their hints run as written.

A notebook run with an exercise's setting must finish without an error; its claims print
❌ only where the notebook says that the claim should flip (for 02 with ``RESIZE = 36``:
nowhere — the exercise says every claim still holds). The run (the ``notebook_run`` fixture of
tests/conftest.py, which calls ``tools.notebooks.run_notebook``) has no strict claims, as in a live
lecture, so that a flipped claim is seen as a ❌ line instead of stopping the run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers.training import Engine, Training

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def markdown_of(notebook: str) -> str:
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def committed_crop(notebook: str) -> str:
    """``CROP`` as the committed Settings cell sets it (``RESIZE, CROP = 32, 28`` → ``"28"``)."""
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return re.search(r"^RESIZE, CROP = \d+, (\d+)", code, re.MULTILINE).group(1)


@pytest.mark.slow
@pytest.mark.notebook_run("02_augmentation_preview.ipynb",
                          **{"RESIZE, CROP": f"36, {committed_crop('02_augmentation_preview.ipynb')}"})
def test_02_with_resize_36_runs_and_every_claim_still_holds(notebook_run):
    assert "Change `RESIZE` to 36" in markdown_of("02_augmentation_preview.ipynb"), "the exercise this test is for"
    lines = notebook_run()
    claims = [line for line in lines if line.startswith(("✅", "❌"))]
    assert len(claims) >= 5 and not [line for line in claims if line.startswith("❌")], claims
    shift_claim = next(line for line in claims if "RandomCrop" in line)
    assert "[-4, -3, -2, -1, 0, 1, 2, 3, 4]" in shift_claim, "the shifts follow RESIZE: 36 - 28 + 1 = 9 positions"


def exercise_hint_code(notebook: str, number: int) -> list[str]:
    """The code spans (between backticks) of the hint of exercise ``number``."""
    text = markdown_of(notebook).split("## Exercises", 1)[1]
    exercise = re.search(rf"^{number}\. (.*)$", text, re.MULTILINE).group(1)
    return re.findall(r"`([^`]+)`", exercise.split("*Hint:", 1)[1])


def setup_namespace(notebook: str) -> dict:
    """The notebook's setup cell run (its Colab-only install lines left out)."""
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    setup = "".join(next(c for c in cells if c["cell_type"] == "code")["source"])
    namespace: dict = {}
    exec("\n".join(line for line in setup.splitlines() if "%pip" not in line and "google.colab" not in line), namespace)
    return namespace


def test_01_exercise_4_hint_runs_as_written_after_the_setup_cell(mnist):
    namespace = setup_namespace("01_learning_curves.ipynb")
    builder, model_arg = exercise_hint_code("01_learning_curves.ipynb", 4)[0], exercise_hint_code(
        "01_learning_curves.ipynb", 4)[-1]
    exec(builder, namespace)
    images, labels = mnist
    splits = namespace["stratified_split"](labels, seed=0)
    plan = namespace["plan_learning_curve"](labels, splits["train"], splits["val"], [100], repeats=1)
    curve = namespace["learning_curve"](images, labels, plan, training=Training(epochs=1),
                                        engine=Engine(device="cpu", progress=False),
                                        **eval(f"dict({model_arg})", namespace))
    assert curve.model == "wide_mlp" and curve.val_acc.shape == (1, 1)
