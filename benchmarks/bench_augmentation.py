"""Speed of augmentation on the 5,000 bundled MNIST digits: the lecture's PIL pipeline vs the fused batch.

(a) the lecture's training pipeline (``Resize(32)`` → ``RandomCrop(28)`` → ``RandomRotation(30)``
    → ``ToTensor`` → ``Normalize``) on PIL images, one sample at a time through a
    ``DataLoader(num_workers=0)``;
(b) ``FusedAugment``: the same random draws per sample, one affine resampling of each batch,
    starting from the same uint8 digits (shuffling, gathering the batch, conversion to float
    and ``Normalize`` are all inside the timed loop), with torch's default number of threads.

Both produce normalized ``N×1×28×28`` float batches of a shuffled epoch. (a) and (b) are timed in
interleaved rounds, so both see the same load from other processes, and the fastest epoch of
each is reported (the one least disturbed, as ``timeit`` does). Also printed: a sweep over batch
sizes, the untuned version, and (b) on one thread. The last line is
``augmentation speedup: N.Nx (A img/s vs B img/s)``. Takes about 15 s on a 2-core CPU.

Tuning (what (b) uses, from the sweep this script prints):
- batches of 1024 digits: big enough to hide Python's per-call overhead, small enough that
  the batch, its sampling grid and the output (~10 MB) stay close to the CPU caches;
- the digits stay uint8 ``N×1×28×28`` in memory and a batch is gathered with
  ``index_select`` (``images[index]`` is ~20× slower for uint8 on a CPU); the conversion to
  float, the 1/255 and Normalize's 1/std are one multiplication, its −mean/std one addition;
- the sampling grid is one matrix product (``affine_grid`` does N tiny 3×2 products) and stays
  in the layout it comes out in, x and y as separate planes, which ``grid_sample`` reads fastest.
On a 2-core machine shared with other processes, 2 threads are erratic (each parallel step
waits for the slower thread); the 1-thread line shows the steadier single-core figure.

    python benchmarks/bench_augmentation.py [--device cuda]
"""

from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader

from helpers.data import ImageDataset, load_mnist
from helpers.transforms import FusedAugment, lecture_transform

BATCH_SIZE = 1024
SWEEP = (64, 256, 512, 1024, 2048, 5000)
ROUNDS = 4  # rounds of: one epoch of (a), FUSED_EPOCHS epochs of (b)
FUSED_EPOCHS = 5


def best_rate(run_epoch, epochs: int) -> float:
    """Images per second of the fastest of ``epochs`` epochs."""
    rates = []
    for _ in range(epochs):
        start = time.perf_counter()
        count = run_epoch()
        rates.append(count / (time.perf_counter() - start))
    return max(rates)


def lecture_epoch(images: torch.Tensor, labels: torch.Tensor, batch_size: int, seed: int):
    """(a): the lecture's v1 pipeline on PIL images, per sample, through a DataLoader."""
    dataset = ImageDataset(images, labels, transform=lecture_transform("train", api="v1"))
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True, num_workers=0,
                        generator=torch.Generator().manual_seed(seed))

    def run() -> int:
        return sum(len(batch) for batch, _ in loader)

    return run


def fused_epoch(images: torch.Tensor, labels: torch.Tensor, batch_size: int, seed: int, device: torch.device):
    """(b): FusedAugment on batches gathered from the uint8 digits."""
    augment = FusedAugment(mean=(0.5,), std=(0.5,))
    generator = torch.Generator(device=device).manual_seed(seed)
    images, labels = images.unsqueeze(1).contiguous().to(device), labels.to(device)

    def run() -> int:
        count = 0
        order = torch.randperm(len(images), generator=generator, device=device)
        for index in order.split(batch_size):
            batch, targets = augment(images.index_select(0, index), generator), labels.index_select(0, index)
            count += min(len(batch), len(targets))
        if device.type == "cuda":
            torch.cuda.synchronize()
        return count

    return run


def plain_fused_epoch(images: torch.Tensor, labels: torch.Tensor, batch_size: int, seed: int,
                      device: torch.device):
    """The untuned version for comparison: fancy indexing, float first, ``F.affine_grid``, Normalize after."""
    augment = FusedAugment()
    generator = torch.Generator(device=device).manual_seed(seed)
    images, labels = images.to(device), labels.to(device)

    def run() -> int:
        count = 0
        order = torch.randperm(len(images), generator=generator, device=device)
        for index in order.split(batch_size):
            batch = images[index].unsqueeze(1).float().div(255)
            params = augment.sample_params(len(batch), generator)
            theta = augment.matrices(params["angle"], params["translate"], params["scale"], n=len(batch))
            grid = F.affine_grid(theta.to(device), [len(batch), 1, 28, 28], align_corners=False)
            out = F.grid_sample(batch, grid, align_corners=False).sub(0.5).div(0.5)
            count += min(len(out), len(labels[index]))
        if device.type == "cuda":
            torch.cuda.synchronize()
        return count

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", help="device of the fused batches (cpu or cuda)")
    device = torch.device(parser.parse_args().device)
    threads = torch.get_num_threads()
    images, labels = load_mnist()
    print(f"{len(images)} bundled MNIST digits · torch {torch.__version__} · {threads} CPU threads · fused on {device}")
    for batch_size in SWEEP:
        rate = best_rate(fused_epoch(images, labels, batch_size, 0, device), 5)
        print(f"  FusedAugment, batch {batch_size:5d}: {rate:12,.0f} img/s")
    plain = best_rate(plain_fused_epoch(images, labels, BATCH_SIZE, 0, device), 5)
    print(f"  untuned fused (affine_grid, fancy indexing), batch {BATCH_SIZE}: {plain:12,.0f} img/s")
    # interleaved rounds, so that both see the same load from other processes; the fastest epoch of each counts
    lecture_run, fused_run = lecture_epoch(images, labels, BATCH_SIZE, 0), fused_epoch(images, labels, BATCH_SIZE, 0,
                                                                                        device)
    lecture, fused, one_thread = 0.0, 0.0, 0.0
    for _ in range(ROUNDS):
        lecture = max(lecture, best_rate(lecture_run, 1))
        fused = max(fused, best_rate(fused_run, FUSED_EPOCHS))
        torch.set_num_threads(1)
        one_thread = max(one_thread, best_rate(fused_run, FUSED_EPOCHS))
        torch.set_num_threads(threads)
    print(f"  FusedAugment, batch {BATCH_SIZE}, on 1 CPU thread:  {one_thread:12,.0f} img/s "
          f"({one_thread / lecture:.0f}x; steadier than {threads} threads when other processes share the cores)")
    print(f"(a) lecture PIL pipeline, per sample, DataLoader(num_workers=0): {lecture:12,.0f} img/s")
    print(f"(b) FusedAugment, batch {BATCH_SIZE}, {threads} threads, one grid_sample per batch: {fused:12,.0f} img/s")
    print(f"augmentation speedup: {fused / lecture:.1f}x ({fused:,.0f} img/s vs {lecture:,.0f} img/s)")


if __name__ == "__main__":
    main()
