"""Argument checks shared by the helpers, one wording per kind of error (``ValueError`` for a bad value,
``TypeError`` for a wrong kind), each naming the parameter, what was found and what is allowed."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import torch

__all__ = ["check_choice", "check_finite_images", "check_generator", "check_in_range", "check_int", "check_setting",
           "check_type", "check_uint8_or_float"]


def check_choice(name: str, value: object, allowed: Iterable[object], hint: str = "") -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``allowed``; the message lists them, then ``hint``.

    >>> check_choice("split", "train", ("train", "test"))
    >>> check_choice("split", "val", ("train", "test"))
    Traceback (most recent call last):
    ValueError: split='val' is unknown; allowed values: train, test
    """
    allowed = tuple(allowed)
    if value not in allowed:
        message = f"{name}={value!r} is unknown; allowed values: {', '.join(str(a) for a in allowed)}"
        raise ValueError(f"{message} {hint}" if hint else message)


def check_type(name: str, value: object, kinds: type | tuple[type, ...], what: str) -> None:
    """Raise ``TypeError`` unless ``isinstance(value, kinds)``; ``what`` says in words what is accepted.

    >>> check_type("images", torch.zeros(2), torch.Tensor, "a torch.Tensor")
    >>> check_type("images", [0.0, 1.0], torch.Tensor, "a torch.Tensor (e.g. torch.as_tensor(x))")
    Traceback (most recent call last):
    TypeError: images must be a torch.Tensor (e.g. torch.as_tensor(x)), got list
    """
    if not isinstance(value, kinds):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")


def check_int(name: str, value: object, low: int = 1, optional: bool = False) -> None:
    """Raise unless ``value`` is a whole number ``≥ low`` (numpy integers too; ``None`` too when ``optional``).

    ``TypeError`` for another kind (``2.0``, a ``str``, a ``bool``), ``ValueError`` for a whole number below ``low``.

    >>> check_int("steps", 300)
    >>> check_int("steps", 0)
    Traceback (most recent call last):
    ValueError: steps=0 must be a positive integer
    >>> check_int("steps", 2.5)
    Traceback (most recent call last):
    TypeError: steps must be a positive integer, got float
    >>> check_int("n_boot", 5, low=10)
    Traceback (most recent call last):
    ValueError: n_boot=5 must be an integer ≥ 10
    >>> check_int("cpu_threads", 0, optional=True)
    Traceback (most recent call last):
    ValueError: cpu_threads=0 must be None or a positive integer
    """
    if optional and value is None:
        return
    words = {0: "a non-negative integer", 1: "a positive integer"}.get(low, f"an integer ≥ {low}")
    words = f"None or {words}" if optional else words
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {words}, got {type(value).__name__}")
    if value < low:
        raise ValueError(f"{name}={value!r} must be {words}")


def check_in_range(name: str, value: object, low: float, high: float, low_closed: bool = True,
                   high_closed: bool = True, optional: bool = False) -> None:
    """Raise unless ``value`` is a real number from ``low`` to ``high`` (``None`` too when ``optional``).

    ``math.inf`` is an open end. ``TypeError`` for another kind (a ``str``, a ``bool``, a tensor), ``ValueError``
    for a number outside (NaN included).

    >>> check_in_range("momentum", 0.9, 0, 1, high_closed=False)
    >>> check_in_range("momentum", 1.0, 0, 1, high_closed=False)
    Traceback (most recent call last):
    ValueError: momentum=1.0 must lie in [0, 1)
    >>> check_in_range("lr", 0, 0, math.inf, low_closed=False)
    Traceback (most recent call last):
    ValueError: lr=0 must lie in (0, ∞)
    >>> check_in_range("lr", "0.1", 0, math.inf, low_closed=False)
    Traceback (most recent call last):
    TypeError: lr must be a number in (0, ∞), got str
    """
    if optional and value is None:
        return
    ends = f"{'[' if low_closed else '('}{_end(low)}, {_end(high)}{']' if high_closed and high != math.inf else ')'}"
    words = f"None or a number in {ends}" if optional else f"a number in {ends}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {words}, got {type(value).__name__}")
    above = low <= value if low_closed else low < value
    below = value <= high if high_closed else value < high
    if not (above and below):
        where = f"be None or lie in {ends}" if optional else f"lie in {ends}"
        raise ValueError(f"{name}={value!r} must {where}")


def _end(bound: float) -> str:
    """An end of an interval as written in a message: ``0``, ``0.5``, ``∞``, ``−∞``."""
    return "∞" if bound == math.inf else "−∞" if bound == -math.inf else f"{bound:g}"


def check_generator(name: str, generator: object) -> None:
    """Raise ``TypeError`` unless ``generator`` is a ``torch.Generator`` or ``None`` (a seed is not one).

    >>> check_generator("generator", torch.Generator().manual_seed(0))
    >>> check_generator("generator", 0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    TypeError: generator must be a torch.Generator or None, got int; for a seed s pass torch.Generator()...
    """
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"{name} must be a torch.Generator or None, got {type(generator).__name__}; "
                        "for a seed s pass torch.Generator().manual_seed(s)")


def check_uint8_or_float(name: str, images: torch.Tensor) -> None:
    """Raise ``ValueError`` unless the images are ``uint8`` (pixels 0…255) or floats.

    Other integer dtypes would pass unscaled where ``uint8`` is scaled to ``[0, 1]``; the message says how to convert.

    >>> check_uint8_or_float("images", torch.zeros(1, 2, 2, dtype=torch.uint8))
    >>> check_uint8_or_float("images", torch.zeros(1, 2, 2, dtype=torch.int64))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: images has dtype torch.int64; allowed: torch.uint8 (pixels 0…255) or a float dtype — ...
    """
    check_type(name, images, torch.Tensor, "a torch.Tensor")
    if images.dtype != torch.uint8 and not images.is_floating_point():
        code = name if name.isidentifier() else ""  # "images.float()", or ".float()" for "loader batch 3"
        raise ValueError(f"{name} has dtype {images.dtype}; allowed: torch.uint8 (pixels 0…255) or a float dtype "
                         f"— convert pixels 0…255 with {code}.to(torch.uint8), other numbers with {code}.float()")


def check_finite_images(name: str, images: torch.Tensor) -> None:
    """Raise ``ValueError`` if float ``images`` hold NaN or ±inf, counting them and naming the first image with one.

    >>> check_finite_images("images", torch.zeros(3, 2, 2))
    >>> check_finite_images("images", torch.tensor([[0.0, 1.0], [float("nan"), float("inf")]]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: images has 1 NaN and 1 ±inf values (the first in images[1]); allowed: finite numbers only ...
    """
    check_type(name, images, torch.Tensor, "a torch.Tensor")
    if not (images.is_floating_point() or images.is_complex()):
        return
    bad = ~torch.isfinite(images)
    if not bool(bad.any()):
        return
    nan = int(torch.isnan(images).sum())
    first = int(torch.nonzero(bad.reshape(len(images), -1).any(1))[0]) if images.ndim else 0
    where = f"{name}[{first}]" if name.isidentifier() else f"example {first}"
    raise ValueError(f"{name} has {nan} NaN and {int(bad.sum()) - nan} ±inf values (the first in {where}); "
                     "allowed: finite numbers only — look at the step that made them (e.g. a division by a zero std)")


def check_setting(name: str, value: object, low: float, high: float, integer: bool = True) -> None:
    """Raise ``ValueError`` unless a notebook's Settings value is in ``low … high`` (whole, if ``integer``).

    ``high`` may be ``math.inf``. At the end of a Settings cell it stops "Run all" at once, not three sections later.

    >>> check_setting("SEED", 101, 0, 2**31 - 1)
    >>> check_setting("TARGET_ACCURACY", 0.85, 0.5, 0.95, integer=False)
    >>> check_setting("REPEATS", 1, 2, 20)
    Traceback (most recent call last):
    ValueError: REPEATS = 1 is outside its range; allowed: an integer from 2 to 20
    >>> check_setting("SEED", 1.5, 0, 2**31 - 1)
    Traceback (most recent call last):
    ValueError: SEED = 1.5 is outside its range; allowed: an integer from 0 to 2147483647
    """
    whole = isinstance(value, int) and not isinstance(value, bool)
    number = whole or (isinstance(value, float) and value == value)
    ok = (whole if integer else number) and low <= value <= high  # type: ignore[operator]
    if not ok:
        kind = "an integer" if integer else "a number"
        upper = "" if high == float("inf") else f" to {high:g}" if not integer else f" to {int(high)}"
        lower = f"{low:g}" if not integer else f"{int(low)}"
        raise ValueError(f"{name} = {value!r} is outside its range; allowed: {kind} from {lower}{upper}"
                         + (" upwards" if high == float("inf") else ""))
