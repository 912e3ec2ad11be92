"""A stand-in for a CUDA tensor, so device bugs show on a CPU-only machine (shared by several test files)."""

from __future__ import annotations

import torch


class FakeCuda(torch.Tensor):
    """Acts like a CUDA tensor on a CPU-only machine: ``.numpy()`` and mixing it with CPU tensors raise."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func is torch.Tensor.numpy:
            raise TypeError("can't convert cuda:0 device type tensor to numpy")
        with torch._C.DisableTorchFunctionSubclass():
            if func is torch.Tensor.cpu:
                return args[0].as_subclass(torch.Tensor).clone()
            flat = [*args, *(a for arg in args if isinstance(arg, (list, tuple)) for a in arg),
                    *(kwargs or {}).values()]
            tensors = [t for t in flat if isinstance(t, torch.Tensor) and t.ndim > 0]
            if any(type(t) is FakeCuda for t in tensors) and any(type(t) is not FakeCuda for t in tensors):
                raise RuntimeError("Expected all tensors to be on the same device, but found cuda:0 and cpu")
        return super().__torch_function__(func, types, args, kwargs)
