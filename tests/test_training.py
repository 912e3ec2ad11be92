"""The batched learning-curve engine: same training as the one-model-at-a-time loop, checks, options."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn
from torch.func import functional_call, vmap
from torch.utils.data import DataLoader, TensorDataset

from helpers.batched import (
    autograd_gradients,
    dataloader_epoch_order,
    linear_layers,
    linear_stack_gradients,
    stacked_models,
)
from helpers.data import stratified_split
from helpers.loop import accuracy, train_plain
from helpers.training import (
    NAMED_MODELS,
    TEXT_PROGRESS_ENV,
    Engine,
    Training,
    _model_kind,
    _progress_bar,
    learning_curve,
    mlp_model,
    plan_learning_curve,
    small_cnn,
    softmax_model,
)

SIZES = [40, 100]  # with batch size 16: 2 full batches + 8, 6 full batches + 4
SMALL = Training(epochs=3, batch_size=16)
CPU = Engine(device="cpu", progress=False)


def small_curve(data, sizes, model="softmax", *, seed=0, training=SMALL, engine=CPU, **options):
    """A learning curve of 2 repeats per size on the test data: plan, then train."""
    images, labels, splits = data
    plan = plan_learning_curve(labels, splits["train"], splits["val"], sizes, repeats=2, seed=seed)
    return learning_curve(images, labels, plan, model, training, engine=engine, **options)


def tiny_cnn() -> nn.Module:
    return nn.Sequential(nn.Conv2d(1, 4, 5, stride=2), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 12 * 12, 10))


def mlp_without_bias() -> nn.Module:
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 16, bias=False), nn.ReLU(), nn.Linear(16, 10, bias=False))


@pytest.fixture(scope="module")
def data(mnist):
    images, labels = mnist
    return images, labels, stratified_split(labels, seed=0)


def course_loop(images, labels, subset, val_idx, seed, model, epochs, batch_size, lr, momentum):
    """The usual loop, one model at a time: returns (train accuracy, validation accuracy)."""
    x, y = images.float().div(255).unsqueeze(1), labels
    torch.manual_seed(seed)
    net = train_plain(_model_kind(model).build(), TensorDataset(x[subset], y[subset]), epochs, batch_size, lr,
                      momentum, seed)
    return tuple(accuracy(net, TensorDataset(x[i], y[i]), batch_size=len(i)) for i in (subset, val_idx))


@pytest.mark.parametrize(("model", "momentum"), [("softmax", 0.0), ("mlp", 0.0), ("softmax", 0.9), (tiny_cnn, 0.0),
                                                 (mlp_without_bias, 0.0)])
def test_batched_engine_matches_sequential_training_within_1pp(data, model, momentum):
    images, labels, splits = data
    curve = small_curve(data, SIZES, model, seed=3, training=Training(3, 16, lr=0.05, momentum=momentum))
    plan = plan_learning_curve(labels, splits["train"], splits["val"], SIZES, repeats=2, seed=3)
    for i, (subsets, seeds) in enumerate(zip(plan.subsets, plan.seeds, strict=True)):
        for r, (subset, seed) in enumerate(zip(subsets, seeds, strict=True)):
            train_acc, val_acc = course_loop(images, labels, subset, splits["val"], int(seed), model, 3, 16, 0.05,
                                             momentum)
            assert abs(curve.train_acc[i, r] - train_acc) <= 0.01, (model, i, r)
            assert abs(curve.val_acc[i, r] - val_acc) <= 0.01, (model, i, r)
    assert curve.val_acc.mean() > 0.2, "the models learned something (10 classes: chance is 0.1)"


def test_dataloader_epoch_order_is_the_dataloaders_shuffle():
    for n in (5, 16, 100):
        loader = DataLoader(range(n), batch_size=16, shuffle=True, generator=torch.Generator().manual_seed(n))
        ours = torch.Generator().manual_seed(n)
        for _ in range(3):
            assert torch.equal(torch.cat(list(loader)), dataloader_epoch_order(n, ours))


@pytest.mark.parametrize("model", ["softmax", "mlp"])
def test_hand_written_gradients_equal_autograd_through_vmap(model):
    template, params = stacked_models(_model_kind(model), [1, 2, 3], torch.device("cpu"))
    x, y = torch.rand(3, 7, 1, 28, 28), torch.randint(0, 10, (3, 7))
    weight = torch.rand(21)
    generic = vmap(lambda p, xb: functional_call(template, p, (xb,)))
    ours = linear_stack_gradients(linear_layers(template), params, x, y, weight)
    reference = autograd_gradients(generic, params, x, y, weight)
    assert ours.keys() == reference.keys()
    for name in ours:
        torch.testing.assert_close(ours[name], reference[name], rtol=1e-4, atol=1e-6)


def test_only_flatten_linear_relu_stacks_take_the_hand_written_path():
    assert linear_layers(mlp_model()) is not None and linear_layers(mlp_without_bias()) is not None
    assert linear_layers(tiny_cnn()) is None, "a CNN goes through vmap and autograd"
    assert linear_layers(nn.Sequential(nn.Linear(28, 10))) is None, "without Flatten, Linear acts on the last axis"


def test_models_start_from_the_weights_of_manual_seed_and_build():
    _, params = stacked_models(_model_kind("mlp"), [7, 8], torch.device("cpu"))
    torch.manual_seed(8)
    second = mlp_model()
    for name, value in second.named_parameters():
        assert torch.equal(params[name][1], value.detach())


def test_plan_draws_class_balanced_subsets_of_the_pool(data):
    _, labels, splits = data
    plan = plan_learning_curve(labels, splits["train"], splits["val"], [100, 1000], repeats=3, seed=0)
    pool = set(splits["train"].tolist())
    for n, subsets in zip(plan.sizes, plan.subsets, strict=True):
        assert len(subsets) == 3
        for subset in subsets:
            assert len(subset) == len(set(subset.tolist())) == n and set(subset.tolist()) <= pool
            assert torch.bincount(labels[subset], minlength=10).tolist() == [n // 10] * 10
        assert not torch.equal(subsets[0].sort().values, subsets[1].sort().values), "repeats get other subsets"
    assert len(set(plan.seeds.flatten().tolist())) == 6


def test_reproducible_for_a_seed_and_different_for_another(data):
    runs = [small_curve(data, SIZES, seed=s) for s in (0, 0, 1)]
    assert np.array_equal(runs[0].val_acc, runs[1].val_acc) and np.array_equal(runs[0].train_acc, runs[1].train_acc)
    assert not np.array_equal(runs[0].val_acc, runs[2].val_acc)


def test_result_shapes_and_fit_time(data):
    curve = small_curve(data, [20, 60, 300])
    assert curve.sizes.tolist() == [20, 60, 300] and curve.model == "softmax" and curve.epochs == 3
    assert curve.train_acc.shape == curve.val_acc.shape == curve.fit_time.shape == (3, 2)
    assert ((curve.val_acc >= 0) & (curve.val_acc <= 1)).all()
    assert (curve.fit_time > 0).all() and curve.fit_time[-1].mean() > curve.fit_time[0].mean()
    assert "300" in curve.summary().splitlines()[-1]


def test_augment_gets_every_training_batch_and_never_the_evaluation(data):
    calls = []

    def identity(batch: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        calls.append((tuple(batch.shape), batch.dtype, float(batch.min()), float(batch.max()), type(generator)))
        return batch

    plain = small_curve(data, SIZES)
    augmented = small_curve(data, SIZES, augment=identity)
    assert np.array_equal(plain.val_acc, augmented.val_acc), "an identity augmentation changes nothing"
    assert len(calls) == 3 * 7, "one call per training step: 3 epochs × 7 steps of the largest subset"
    assert calls[0][0] == (2 * 2 * 16, 1, 28, 28) and calls[-1][0] == (2 * 16, 1, 28, 28)
    assert all(c[1] == torch.float32 and 0 <= c[2] and c[3] <= 1 and c[4] is torch.Generator for c in calls)
    blank = small_curve(data, SIZES, augment=lambda batch, generator: torch.zeros_like(batch))
    assert blank.val_acc.max() < 0.2, "trained on blank images, the models cannot beat chance by much"


def test_cpu_threads_are_restored(data):
    before = torch.get_num_threads()
    small_curve(data, [20, 40], engine=Engine(device="cpu", progress=False, cpu_threads=1))
    assert torch.get_num_threads() == before


def test_a_builder_is_trained_and_named_after_the_function(data):
    curve = small_curve(data, [20, 40], tiny_cnn)
    assert curve.model == "tiny_cnn" and curve.val_acc.shape == (2, 2)
    lam = small_curve(data, [20, 40], lambda: tiny_cnn())
    assert lam.model == "custom" and np.array_equal(lam.val_acc, curve.val_acc), "same builder, same models"


def test_a_named_builder_gives_the_same_curve_as_its_name(data):
    by_name = small_curve(data, SIZES, "mlp")
    by_builder = small_curve(data, SIZES, mlp_model)
    assert by_builder.model == "mlp" and np.array_equal(by_name.val_acc, by_builder.val_acc)
    assert np.array_equal(by_name.train_acc, by_builder.train_acc)


def test_a_model_that_is_neither_a_name_nor_a_builder_is_a_type_error(data):
    with pytest.raises(TypeError, match="model=3 must be a name \\(softmax, mlp\\) or a zero-argument function"):
        small_curve(data, SIZES, 3)


def test_named_models_are_read_only():
    assert NAMED_MODELS["softmax"] is softmax_model and list(NAMED_MODELS) == ["softmax", "mlp"]
    with pytest.raises(TypeError):
        NAMED_MODELS["cnn"] = small_cnn


@pytest.mark.parametrize(("changes", "message"), [
    ({"sizes": [100, 5000]}, "sizes has 5000 but train_pool has only 3500"),
    ({"sizes": []}, "sizes is empty"),
    ({"sizes": [500, 100]}, "sizes=.* must be strictly increasing"),
    ({"sizes": [100, 100, 200]}, "sizes=.* has duplicates \\[100\\]"),
    ({"sizes": [0, 100]}, "sizes=.* must contain positive integers"),
    ({"repeats": 0}, "repeats=0 must be a positive integer"),
    ({"val_idx": "overlap"}, "val_idx shares 10 indices with train_pool"),
    ({"val_idx": []}, "val_idx is empty"),
    ({"epochs": 0}, "epochs=0 must be a positive integer"),
    ({"epochs": -2}, "epochs=-2 must be a positive integer"),
    ({"model": "resnet"}, "model='resnet' is unknown; allowed values: softmax, mlp"),
    ({"batch_size": 0}, "batch_size=0 must be a positive integer"),
    ({"lr": 0.0}, "lr=0.0 must lie in \\(0, ∞\\)"),
    ({"lr": float("inf")}, "lr=inf must lie in \\(0, ∞\\)"),
    ({"momentum": 1.0}, "momentum=1.0 must lie in \\[0, 1\\)"),
    ({"cpu_threads": 0}, "cpu_threads=0 must be None or a positive integer"),
    ({"device": "gpu"}, "device='gpu' is not a torch device; allowed: e.g. 'cpu', 'cuda'"),
    ({"images": "flat"}, "images must be N×H×W or N×C×H×W"),
])
def test_bad_input_names_the_parameter(data, changes, message):
    """Each value goes where it belongs — the plan, the Training record, the Engine record, the call."""
    images, labels, splits = data
    plan_args = {"train_pool": splits["train"], "val_idx": splits["val"], "sizes": [100, 200], "repeats": 2}
    training_args, engine_args, model = {"epochs": 1}, {"progress": False}, changes.get("model", "softmax")
    for key, value in changes.items():
        if key in plan_args:
            plan_args[key] = value
        elif key in ("epochs", "batch_size", "lr", "momentum"):
            training_args[key] = value
        elif key in ("device", "cpu_threads"):
            engine_args[key] = value
    if changes.get("val_idx") == "overlap":
        plan_args["val_idx"] = torch.cat([splits["val"], splits["train"][:10]])
    if changes.get("images") == "flat":
        images = images.flatten(1)
    with pytest.raises(ValueError, match=message):
        plan = plan_learning_curve(labels, **plan_args)
        learning_curve(images, labels, plan, model, Training(**training_args), engine=Engine(**engine_args))


def test_a_plan_drawn_from_other_labels_is_refused(data):
    images, labels, splits = data
    plan = plan_learning_curve(labels, splits["train"], splits["val"], [100, 200], repeats=2)
    with pytest.raises(ValueError, match=r"plan uses example \d+, but there are only 1000 labels; draw the plan "
                                         r"from these labels"):
        learning_curve(images[:1000], labels[:1000], plan, training=Training(epochs=1), engine=CPU)


def test_the_records_are_frozen_and_the_plan_keeps_its_split_and_seed(data):
    _, labels, splits = data
    with pytest.raises(AttributeError):
        SMALL.epochs = 5
    with pytest.raises(AttributeError):
        CPU.device = "cuda"
    plan = plan_learning_curve(labels, splits["train"], splits["val"], SIZES, repeats=2, seed=4)
    assert plan.seed == 4 and plan.repeats == 2 and torch.equal(plan.val_idx, splits["val"])


@pytest.mark.parametrize(("change", "message"), [
    # -100…-1 are the last 100 images: validation images, which the overlap check used to miss
    ("negative_pool", r"train_pool must lie in 0…4999 \(negative indices are not allowed\)"),
    ("mask_pool", r"train_pool must be integer indices, not a boolean mask — use torch.nonzero"),
    ("repeated_pool", r"train_pool has 200 repeated indices"),
    ("val_out_of_range", r"val_idx must lie in 0…4999 .*got values from .* to 5000"),
    ("float_val", r"val_idx must be integer indices, got dtype torch.float32"),
    ("repeated_val", r"val_idx has 5 repeated indices"),
])
def test_plan_refuses_bad_train_pool_and_val_idx(data, change, message):
    _, labels, splits = data
    pool, val, sizes = splits["train"], splits["val"], [100, 200]
    if change == "negative_pool":
        val = torch.arange(4900, 5000)
        pool = torch.cat([pool[~torch.isin(pool, val)][:3000], torch.arange(-100, 0)])
    elif change == "mask_pool":
        pool = torch.zeros(len(labels), dtype=torch.bool).index_fill_(0, pool, True)
    elif change == "repeated_pool":
        pool, sizes = torch.cat([pool[:200], pool[:200]]), [100, 400]
    elif change == "val_out_of_range":
        val = torch.cat([val, torch.tensor([5000])])
    elif change == "float_val":
        val = val.float()
    elif change == "repeated_val":
        val = torch.cat([val, val[:5]])
    with pytest.raises(ValueError, match=message):
        plan_learning_curve(labels, pool, val, sizes, repeats=2)


def three() -> nn.Module:
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 3))


@pytest.mark.parametrize(("change", "message"), [
    ("plus_one", r"labels must lie in 0…9 \(model='softmax' has 10 output classes\), got values from 1 to 10"),
    ("minus_one", r"labels must lie in 0…9 .*got values from -1 to 8"),
    ("float", r"labels must be integer class indices \(e.g. int64\), got dtype torch.float32"),
    ("column", r"labels must be 1-D, one class per image, got shape \(5000, 1\)"),
    ("three_classes", r"labels must lie in 0…2 \(model='three' has 3 output classes\), got values from 0 to 9"),
])
def test_bad_labels_name_the_parameter(data, change, message):
    images, labels, splits = data
    model = three if change == "three_classes" else "softmax"
    plan = plan_learning_curve(labels, splits["train"], splits["val"], SIZES, repeats=2)
    labels = {"plus_one": labels + 1, "minus_one": labels - 1, "float": labels.float(),
              "column": labels[:, None], "three_classes": labels}[change]
    with pytest.raises(ValueError, match=message):
        learning_curve(images, labels, plan, model, SMALL, engine=CPU)


def test_the_label_check_leaves_the_global_random_state_alone(data):
    images, labels, splits = data
    plan = plan_learning_curve(labels, splits["train"], splits["val"], [20], repeats=1)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    learning_curve(images, labels, plan, training=Training(epochs=1), engine=CPU)
    assert torch.rand(3).equal(expected)


def test_models_with_buffers_are_refused(data):
    def bn() -> nn.Module:
        return nn.Sequential(nn.Flatten(), nn.BatchNorm1d(784), nn.Linear(784, 10))

    with pytest.raises(ValueError, match="model='bn' has buffers"):
        small_curve(data, [20, 40], bn)


# --- trained models kept for evaluation on other images (04_augmentation_vs_more_data) ---------------


@pytest.mark.parametrize("model", ["softmax", tiny_cnn])
def test_kept_models_reproduce_the_validation_accuracy_in_plan_order(data, model):
    images, labels, splits = data
    curve = small_curve(data, [20, 60, 300], model, keep_models=True)
    val = splits["val"]
    assert curve.models.shape == (3, 2)
    np.testing.assert_allclose(curve.models.accuracy(images[val], labels[val]), curve.val_acc, atol=1e-9)
    float_images = images[val].unsqueeze(1).float() / 255  # float N×C×H×W gives the same as uint8 N×H×W
    np.testing.assert_allclose(curve.models.accuracy(float_images, labels[val]), curve.val_acc, atol=1e-9)
    plan = plan_learning_curve(labels, splits["train"], splits["val"], [20, 60, 300], repeats=2, seed=0)
    own = curve.models.predict(images[plan.subsets[0][1]])[0, 1]  # size 20, repeat 1 on its own subset
    assert float((own == labels[plan.subsets[0][1]]).double().mean()) == pytest.approx(curve.train_acc[0, 1])


def test_models_are_kept_only_when_asked(data):
    images, labels, _ = data
    curve = small_curve(data, SIZES)
    assert curve.models is None
    with pytest.raises(ValueError, match="keep_models=True"):
        curve.evaluated_on(images[:5], labels[:5])
    with pytest.raises(TypeError, match="keep_models must be True or False, got str"):
        small_curve(data, SIZES, keep_models="yes")


def test_evaluated_on_replaces_only_the_validation_accuracy(data):
    images, labels, splits = data
    curve = small_curve(data, SIZES, keep_models=True)
    test = splits["test"]
    moved = curve.evaluated_on(images[test], labels[test])
    np.testing.assert_allclose(moved.val_acc, curve.models.accuracy(images[test], labels[test]))
    assert not np.array_equal(moved.val_acc, curve.val_acc), "1,000 test digits are not the 500 validation digits"
    assert moved.train_acc is curve.train_acc and moved.models is curve.models and moved.sizes is curve.sizes
    blank = curve.evaluated_on(torch.zeros(10, 28, 28, dtype=torch.uint8), torch.arange(10))
    assert np.isin(blank.val_acc, [0.0, 0.1]).all(), "a blank image gets one class: 1 of 10 right at most"


def test_accuracy_checks_images_and_labels(data):
    images, labels, _ = data
    curve = small_curve(data, SIZES, keep_models=True)
    with pytest.raises(ValueError, match="labels must hold one class per image"):
        curve.models.accuracy(images[:5], labels[:4])
    with pytest.raises(ValueError, match="images must be a non-empty batch N×H×W or N×C×H×W"):
        curve.models.accuracy(images[:5].flatten(1), labels[:5])


def test_small_cnn_shapes_and_checks():
    assert small_cnn((3, 5))(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    assert [m.out_channels for m in small_cnn((3, 5)) if isinstance(m, nn.Conv2d)] == [3, 5]
    with pytest.raises(ValueError, match="channels=\\(8,\\) must be two positive integers"):
        small_cnn((8,))
    with pytest.raises(ValueError, match="channels=\\(8, 0\\) must be two positive integers"):
        small_cnn((8, 0))


def test_progress_is_text_with_its_final_state_when_tools_execute_asks(monkeypatch, capsys):
    monkeypatch.setenv(TEXT_PROGRESS_ENV, "1")
    assert list(_progress_bar(range(40), "4 mlp models", True)) == list(range(40))
    out = capsys.readouterr().out
    assert out.rstrip("\n").rsplit("\r", 1)[-1].startswith("4 mlp models: 100%|") and "40/40" in out
    monkeypatch.setenv(TEXT_PROGRESS_ENV, "0")
    list(_progress_bar(range(3), "off", False))
    assert capsys.readouterr().out == ""
