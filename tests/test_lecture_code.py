"""The lecture's code written in notebook cells is the code the helpers export (d2l's "saved in the package").

00's ``ImageDataset`` is the lecture's short class; ``helpers.data.ImageDataset`` adds input
checks, so the two are compared by their outputs on valid input; so is 04's ``small_cnn``
(``helpers.training.small_cnn`` checks its ``channels``): same layers, same initial weights
under the same seed, same outputs. Elsewhere
"the same code" means the same Python syntax tree once docstrings are removed: comments,
blank lines and line breaks may differ (a notebook cell replaces the docstring by a
one-line comment), names, arguments, defaults, type hints and every statement may not.
"""

from __future__ import annotations

import ast
import inspect
import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from PIL import Image
from torch import nn
from torchvision import transforms as v1
from torchvision.transforms import v2

import helpers.data
import helpers.loop
import helpers.training
from helpers.transforms import lecture_transform

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def cell_sources(notebook: str) -> list[str]:
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def definition_in_notebook(notebook: str, name: str) -> ast.AST:
    """The top-level ``def``/``class`` called ``name`` in the notebook's code cells (exactly one)."""
    found = []
    for source in cell_sources(notebook):
        lines = [line[: len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!")) else line
                 for line in source.splitlines()]  # IPython magics and shell lines become `pass`
        tree = ast.parse("\n".join(lines))
        found += [node for node in tree.body if getattr(node, "name", None) == name]
    assert len(found) == 1, f"{notebook} defines {name} {len(found)} times, expected once"
    return found[0]


def without_docstrings(node: ast.AST) -> str:
    """``ast.dump`` of ``node`` with the docstring of every function and class removed."""
    node = ast.parse(ast.unparse(node)).body[0]  # a copy
    for child in ast.walk(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and child.body:
            first = child.body[0]
            value = first.value if isinstance(first, ast.Expr) else None
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                child.body = child.body[1:] or [ast.Pass()]
    return ast.dump(node, include_attributes=False)


def helper_definition(obj: object) -> ast.AST:
    return ast.parse(textwrap.dedent(inspect.getsource(obj))).body[0]


def test_docstrings_do_not_count_but_code_does():
    with_doc = ast.parse('def f(x):\n    """Doc."""\n    return x  # a comment\n').body[0]
    plain = ast.parse("def f(x):\n    return x\n").body[0]
    changed = ast.parse("def f(x):\n    return x + 1\n").body[0]
    assert without_docstrings(with_doc) == without_docstrings(plain)
    assert without_docstrings(changed) != without_docstrings(plain)


def notebook_00_dataset() -> type:
    """00's ``ImageDataset`` class, run from its cell (with the names 00's setup cell imports)."""
    node = definition_in_notebook("00_start_here.ipynb", "ImageDataset")
    namespace = {"torch": torch, "Image": Image, "Callable": Callable}
    exec(compile(ast.fix_missing_locations(ast.Module([node], type_ignores=[])), "00_start_here", "exec"), namespace)
    return namespace["ImageDataset"]


def test_notebook_00_dataset_is_the_lectures_short_class_without_checks():
    node = definition_in_notebook("00_start_here.ipynb", "ImageDataset")
    assert not [n for n in ast.walk(node) if isinstance(n, ast.Raise)], "input checks live in helpers.data"
    assert node.end_lineno - node.lineno + 1 <= 16, "the lecture's Dataset is a few lines"


TRANSFORMS = {
    "none": lambda: None,
    "v1 ToTensor": lambda: v1.Compose([v1.ToTensor(), v1.Normalize((0.5,), (0.5,))]),
    "v2 float": lambda: v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)]),
    "lecture train": lambda: lecture_transform("train", resize=32, crop=28, degrees=30, mean=(0.5,), std=(0.5,)),
}


@pytest.mark.parametrize("transform", TRANSFORMS)
@pytest.mark.parametrize("indices", ["tensor", "list", "repeated"])
def test_notebook_00_dataset_equals_helpers_image_dataset_on_valid_input(mnist, transform, indices):
    images, labels = mnist
    chosen = {"tensor": torch.tensor([4999, 0, 17, 2500]), "list": [3, 7, 1234],
              "repeated": torch.tensor([5, 5, 9])}[indices]
    ours = notebook_00_dataset()(images, labels, chosen, transform=TRANSFORMS[transform]())
    helper = helpers.data.ImageDataset(images, labels, chosen, transform=TRANSFORMS[transform]())
    assert len(ours) == len(helper) == len(chosen)
    for i in range(len(chosen)):
        torch.manual_seed(i)  # random transforms draw the same parameters for both
        a, label_a = ours[i]
        torch.manual_seed(i)
        b, label_b = helper[i]
        assert label_a == label_b == int(labels[chosen[i]])
        assert a.dtype == b.dtype and torch.equal(a, b), (transform, indices, i)


def test_the_equality_check_sees_a_difference():
    """The test above would fail if the notebook's class returned something else."""
    images, labels = torch.zeros(2, 28, 28, dtype=torch.uint8), torch.tensor([0, 1])
    ours = notebook_00_dataset()(images, labels, [1])
    helper = helpers.data.ImageDataset(images, labels, [0])
    assert ours[0][1] != helper[0][1]


@pytest.mark.parametrize("name", ["train_plain", "accuracy"])
def test_notebook_01_plain_loop_is_helpers_loop(name):
    cell = definition_in_notebook("01_learning_curves.ipynb", name)
    assert without_docstrings(cell) == without_docstrings(helper_definition(getattr(helpers.loop, name)))


def notebook_02_pipelines(resize: int, crop: int, degrees: float, mean, std) -> dict:
    """Run 02's settings-dependent pipeline cell (the first code cell typing ``v2.Compose``) with given settings."""
    source = next(s for s in cell_sources("02_augmentation_preview.ipynb") if "v2.Compose([" in s)
    namespace = {"RESIZE": resize, "CROP": crop, "DEGREES": degrees, "MEAN": mean, "STD": std}
    exec("import torch\nfrom torchvision.transforms import v2\n" + source, namespace)
    return namespace


@pytest.mark.parametrize(("resize", "crop", "degrees"), [(32, 28, 30), (36, 28, 10)])
def test_notebook_02_typed_pipelines_equal_lecture_transform_pixel_for_pixel(mnist, resize, crop, degrees):
    images, _ = mnist
    mean, std = (0.5,), (0.5,)
    typed = notebook_02_pipelines(resize, crop, degrees, mean, std)
    for split in ("train", "test"):
        ours = typed[f"{split}_tf"]
        helper = lecture_transform(split, resize=resize, crop=crop, degrees=degrees, mean=mean, std=std)
        for k in range(20):
            digit = Image.fromarray(images[k].numpy())
            torch.manual_seed(k)
            a = ours(digit)
            torch.manual_seed(k)
            b = helper(digit)
            assert torch.equal(a, b), (split, k)


def test_notebook_02_train_pipeline_is_random_and_differs_from_test(mnist):
    typed = notebook_02_pipelines(32, 28, 30, (0.5,), (0.5,))
    digit = Image.fromarray(mnist[0][0].numpy())
    torch.manual_seed(0)
    first, second = typed["train_tf"](digit), typed["train_tf"](digit)
    assert not torch.equal(first, second), "the training pipeline draws new parameters each call"
    assert torch.equal(typed["test_tf"](digit), typed["test_tf"](digit)), "the test pipeline is deterministic"


def notebook_04_small_cnn() -> Callable[..., nn.Module]:
    """04's ``small_cnn``, run from its cell (with the names 04's setup cell imports)."""
    node = definition_in_notebook("04_augmentation_vs_more_data.ipynb", "small_cnn")
    namespace = {"nn": nn}
    exec(compile(ast.fix_missing_locations(ast.Module([node], type_ignores=[])), "04_augmentation", "exec"), namespace)
    return namespace["small_cnn"]


def same_model(build_a: Callable[[], nn.Module], build_b: Callable[[], nn.Module], seed: int) -> bool:
    """Built under the same seed: the same layers, the same initial weights and the same logits on random digits."""
    torch.manual_seed(seed)
    a = build_a()
    torch.manual_seed(seed)
    b = build_b()
    if repr(a) != repr(b) or a.state_dict().keys() != b.state_dict().keys():
        return False
    if not all(torch.equal(a.state_dict()[k], b.state_dict()[k]) for k in a.state_dict()):
        return False
    x = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(seed))
    return torch.equal(a(x), b(x))


@pytest.mark.parametrize("channels", [None, (8, 16), (32, 64), (1, 3)])
def test_notebook_04_small_cnn_is_helpers_training_small_cnn_on_valid_input(channels):
    ours = notebook_04_small_cnn()
    args = () if channels is None else (channels,)  # None: both defaults
    for seed in (0, 7):
        assert same_model(lambda: ours(*args), lambda: helpers.training.small_cnn(*args), seed=seed), (channels, seed)


def test_the_model_comparison_sees_a_difference():
    """The test above would fail if the notebook's model had other layers, or initialized them otherwise."""
    ours = notebook_04_small_cnn()

    def other_activation():
        return nn.Sequential(nn.Conv2d(1, 8, 5, stride=2), nn.ReLU(), nn.Conv2d(8, 16, 3, stride=2), nn.Tanh(),
                             nn.Flatten(), nn.Linear(400, 10))

    def other_initialization():
        model = helpers.training.small_cnn((8, 16))
        nn.init.zeros_(model[-1].bias)
        return model

    assert not same_model(lambda: ours((8, 16)), lambda: helpers.training.small_cnn((16, 8)), seed=0)
    assert not same_model(lambda: ours((8, 16)), other_activation, seed=0)
    assert not same_model(lambda: ours((8, 16)), other_initialization, seed=0)


def test_notebook_04_small_cnn_is_the_lectures_short_model_without_checks():
    node = definition_in_notebook("04_augmentation_vs_more_data.ipynb", "small_cnn")
    assert not [n for n in ast.walk(node) if isinstance(n, ast.Raise)], "input checks live in helpers.training"
