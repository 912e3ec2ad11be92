"""The autograder's judge: hidden tests on answers handed in *by value*, in a process that never ran student code.

``python -m tools.judge SOURCE.ipynb REPORT.json ANSWERS_DIR [ANSWERS_DIR …]`` (the grader calls it once its
student kernels have ended, with one hand-in folder per submission; for each):

1. runs the *locked* code cells of the instructor's source notebook (setup, settings, data —
   trusted code) to rebuild the data the hidden tests need, from the pristine course code;
2. for each graded cell, loads the answers that the student's kernel handed in
   (``ANSWERS_DIR/<grade_id>.pt``, written by ``hand_in_source``) with
   ``torch.load(weights_only=True)``
   and an allow-list of plain record and transform classes (``SAFE_GLOBALS``): loading can build
   tensors, arrays, numbers, strings, torchvision transforms and the course's records, but never
   runs code of the student's (a lambda, a class of the student's or anything else not on the
   list is refused, and the task is marked ``needs review``);
3. runs the cell's hidden tests (the part between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``,
   or the whole cell where there is none) with those answers, in a fresh copy of the trusted data, and
   writes one verdict per graded cell to ``REPORT.json``: ``passed``, ``failed`` (with the message),
   ``missing`` (the kernel stopped first) or ``needs review`` (an answer could not come back by value).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import os
import re
import signal
import sys
import threading
import traceback
import warnings
from pathlib import Path

import nbformat

HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[^\n]*\n(.*?)^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.S | re.M)
VERDICTS = ("passed", "failed", "missing", "needs review")


def nbgrader_meta(cell: nbformat.NotebookNode) -> dict:
    """The cell's nbgrader metadata (``{}`` for a cell without it)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def is_answer(cell: nbformat.NotebookNode) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def is_graded_code(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and bool(nbgrader_meta(cell).get("grade"))


def is_trusted_code(cell: nbformat.NotebookNode) -> bool:
    """A locked code cell of the instructor's (setup, settings, data): neither an answer nor a graded cell."""
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("locked")) and not meta.get("solution") and not meta.get("grade")


def split_hidden(source: str) -> tuple[str, str | None]:
    """``(visible part, hidden tests)`` of a graded cell; ``None`` when it has no hidden tests.

    Example:
        >>> split_hidden("check(x)\\n### BEGIN HIDDEN TESTS\\ngrade(x)\\n### END HIDDEN TESTS\\n")
        ('check(x)\\n', 'grade(x)\\n')
        >>> split_hidden("assert x == 1")
        ('assert x == 1', None)
    """
    found = HIDDEN.search(source)
    if found is None:
        return source, None
    return source[: found.start()] + source[found.end():], found.group(1)


def _python(source: str) -> str:
    """Cell source as plain Python (IPython magics such as ``%pip`` become function calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def _names(source: str, kind: type) -> set[str]:
    """The names ``source`` reads (``kind=ast.Load``) or binds (``ast.Store``: assignments and imports)."""
    try:
        tree = ast.parse(_python(source))
    except SyntaxError:
        return set()
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, kind)}
    if kind is ast.Store:
        names |= {(alias.asname or alias.name).split(".")[0] for node in ast.walk(tree)
                  if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    return names


def needed_cells(cells: list[str], wanted: set[str]) -> list[int]:
    """Indices of the cells that bind ``wanted`` names, or names those cells read, in order (a backward slice).

    Example:
        >>> needed_cells(["a = 1", "b = a + 1", "fig = show(b)", "c = b * 2"], {"c"})
        [0, 1, 3]
    """
    keep, wanted = [], set(wanted)
    for index in range(len(cells) - 1, -1, -1):
        binds = _names(cells[index], ast.Store)
        if binds & wanted:
            keep.append(index)
            wanted |= _names(cells[index], ast.Load)
    return keep[::-1]


def answer_names(source_notebook: nbformat.NotebookNode) -> dict[str, list[str]]:
    """``grade_id`` of each graded code cell → the answer names its hidden tests read, in sorted order.

    An answer name is one that an answer (solution) cell of the source assigns; the graded cell's
    tests (hidden part, or the whole cell) read it. These are what the kernel hands in.

    Example:
        >>> answer = nbformat.v4.new_code_cell("x = 1\\ny = x + 1")
        >>> answer.metadata["nbgrader"] = {"solution": True, "grade_id": "a"}
        >>> check = nbformat.v4.new_code_cell("show(x)\\n### BEGIN HIDDEN TESTS\\nassert y == 2\\n### END HIDDEN TESTS")
        >>> check.metadata["nbgrader"] = {"grade": True, "grade_id": "a_check", "points": 1}
        >>> answer_names(nbformat.v4.new_notebook(cells=[answer, check]))
        {'a_check': ['y']}
    """
    assigned = set().union(*[_names(c.source, ast.Store) for c in source_notebook.cells
                             if c.cell_type == "code" and is_answer(c)])
    result = {}
    for cell in source_notebook.cells:
        if is_graded_code(cell):
            visible, hidden = split_hidden(cell.source)
            result[nbgrader_meta(cell)["grade_id"]] = sorted(_names(hidden or visible, ast.Load) & assigned)
    return result


def hand_in_source(grade_id: str, names: list[str]) -> str:
    """The code the sandboxed kernel runs in place of a graded cell's hidden tests: save the answers by value.

    Each answer is pickled on its own with ``torch.save`` into ``answers/<grade_id>.pt`` (relative to the
    kernel's working folder); an answer that is not defined (or still ``...``) is listed as missing, one
    that cannot be pickled is listed with the reason.
    """
    return f'''
def __hand_in(names, scope):
    import enum, io, os, pickle, types, torch

    class ByValue(pickle.Pickler):  # an enum member by its class and value, never through getattr
        def reducer_override(self, obj):
            return (type(obj), (obj.value,)) if isinstance(obj, enum.Enum) else NotImplemented

    values, missing, failed = {{}}, [], {{}}
    for name in names:
        if name not in scope or scope[name] is ...:
            missing.append(name)
            continue
        try:
            buffer = io.BytesIO()
            torch.save(scope[name], buffer, pickle_module=types.SimpleNamespace(Pickler=ByValue, __name__="pickle"))
            values[name] = buffer.getvalue()
        except Exception as error:
            failed[name] = f"{{type(error).__name__}}: {{error}}"[:300]
    os.makedirs("answers", exist_ok=True)
    handed_in = {{"values": values, "missing": missing, "failed": failed}}
    torch.save(handed_in, os.path.join("answers", {grade_id + ".pt"!r}))
__hand_in({names!r}, globals())
del __hand_in
'''


def safe_globals() -> list:
    """What an answer may be built from when it is loaded: records, transforms and plain numbers — no functions."""
    import numpy as np
    import torch
    from torchvision import transforms as v1
    from torchvision import tv_tensors
    from torchvision.transforms import v2

    from helpers.curves import LearningCurve
    from helpers.data import ImageDataset
    from helpers.transforms import FusedAugment

    def transform_classes(module: object) -> list[type]:
        """The module's transform classes (``nn.Module``), without those that hold arbitrary callables."""
        found = [getattr(module, name) for name in dir(module) if name not in ("Lambda", "RandomApply", "RandomChoice")]
        return [obj for obj in found if isinstance(obj, type) and issubclass(obj, torch.nn.Module)]

    numpy_types = [np.ndarray, np.dtype, np._core.multiarray._reconstruct, np._core.multiarray.scalar]
    numpy_types += [type(np.dtype(kind)) for kind in ("float64", "float32", "int64", "int32", "bool", "uint8")]
    tv = [getattr(tv_tensors, name) for name in ("Image", "Video", "Mask", "BoundingBoxes", "TVTensor")
          if hasattr(tv_tensors, name)]
    return (transform_classes(v2) + transform_classes(v1) + numpy_types + tv
            + [LearningCurve, ImageDataset, FusedAugment, v1.InterpolationMode, torch.nn.Identity])


def load_answers(path: Path) -> tuple[dict, list[str], dict[str, str]]:
    """``(answers by name, missing names, name → why it could not come back by value)`` from a hand-in file."""
    import torch

    outer = torch.load(path, weights_only=True)
    if not isinstance(outer, dict) or not isinstance(outer.get("values"), dict):
        raise ValueError(f"{path.name} is not a hand-in file")
    failed = {str(k): str(v) for k, v in dict(outer.get("failed", {})).items()}
    answers, allowed = {}, safe_globals()
    with torch.serialization.safe_globals(allowed):
        for name, data in outer["values"].items():
            try:
                answers[str(name)] = torch.load(io.BytesIO(data), weights_only=True)
            except Exception:
                failed[str(name)] = _not_loadable(data, allowed)
    missing = [str(name) for name in outer.get("missing", [])]
    return answers, missing, failed


def _not_loadable(data: bytes, allowed: list) -> str:
    """Why a pickled answer cannot be loaded: the code it refers to (names of functions or classes not allowed)."""
    import torch

    known = {f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', getattr(obj, '__name__', ''))}"
             for obj in allowed}
    try:
        refused = [name for name in torch.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data))
                   if name not in known]
    except Exception as error:
        return f"it could not be read ({type(error).__name__})"
    return "it refers to " + ", ".join(sorted(refused)[:5]) if refused else "it could not be rebuilt safely"


def trusted_namespace(source_notebook: nbformat.NotebookNode) -> dict:
    """Run the source's locked code cells (setup, settings, data) that the tests need, in a fresh namespace."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    trusted = [cell for cell in source_notebook.cells if is_trusted_code(cell)]
    wanted = set().union(*[_names(split_hidden(c.source)[1] or c.source, ast.Load) for c in source_notebook.cells
                           if is_graded_code(c)])
    namespace: dict = {"__name__": "__main__"}
    for index in needed_cells([cell.source for cell in trusted], wanted):  # what the tests need, nothing else
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(_python(trusted[index].source), f"<cell {index}>", "exec"), namespace)
        plt.close("all")
    return namespace


def judge_cell(tests: str, trusted: dict, answers: dict, missing: list[str]) -> tuple[str, str]:
    """Run one graded cell's tests with the answers; ``(verdict, message)``."""
    namespace = {**trusted, **answers, **dict.fromkeys(missing, Ellipsis)}
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(_python(tests), "<hidden tests>", "exec"), namespace)
    except AssertionError as error:
        return "failed", str(error).strip() or "a hidden test failed"
    except Exception as error:
        return "failed", f"{type(error).__name__}: {error}"[:2000]
    return "passed", ""


class JudgeTimeout(BaseException):
    """Judging one submission's answers took longer than its time limit (a BaseException: no test catches it)."""


@contextlib.contextmanager
def time_limit(seconds: float | None):
    """Raise ``JudgeTimeout`` in the block once ``seconds`` have passed (POSIX main thread; else no limit)."""
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise JudgeTimeout

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def judge(source_path: Path, answers_dir: Path, seconds: float | None = None) -> list[dict]:
    """One verdict per graded code cell of the source: ``{"grade_id", "verdict", "message"}``.

    ``seconds`` limits the hidden tests of one submission in all: an answer that makes them run
    longer (a transform that resizes to 16,000 pixels, say) gets ``needs review`` for every task.
    """
    source = nbformat.read(source_path, as_version=4)
    names = answer_names(source)
    trusted = trusted_namespace(source)
    cells = [(nbgrader_meta(cell)["grade_id"], split_hidden(cell.source)) for cell in source.cells
             if is_graded_code(cell)]
    try:
        with time_limit(seconds):
            return [{"grade_id": grade_id, **_verdict(hidden or visible, trusted, answers_dir / f"{grade_id}.pt",
                                                      names[grade_id])} for grade_id, (visible, hidden) in cells]
    except JudgeTimeout:
        return [{"grade_id": grade_id, "verdict": "needs review",
                 "message": f"the hidden tests ran longer than {seconds:g} s on your answers (a transform that makes "
                            "huge images, say) — your instructor reviews them"} for grade_id, _ in cells]


def _verdict(tests: str, trusted: dict, hand_in: Path, names: list[str]) -> dict:
    if names and not hand_in.is_file():
        return {"verdict": "missing", "message": "the notebook stopped before this task's check ran"}
    try:
        answers, missing, failed = load_answers(hand_in) if names else ({}, [], {})
    except Exception as error:
        return {"verdict": "needs review", "message": f"the hand-in file could not be read ({type(error).__name__})"}
    answers = {name: answers[name] for name in names if name in answers}
    if failed:
        reasons = "; ".join(f"`{name}`: {why}" for name, why in sorted(failed.items()))
        return {"verdict": "needs review", "message": "the autograder cannot take this answer by value (it holds "
                f"code of yours, e.g. a lambda or a class of your own) — your instructor reviews it: {reasons}"}
    verdict, message = judge_cell(tests, trusted, answers, [n for n in names if n not in answers])
    return {"verdict": verdict, "message": message}


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m tools.judge", description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the instructor's source (solution) notebook")
    parser.add_argument("report", type=Path, help="where the verdicts go (JSON)")
    parser.add_argument("answers", type=Path, nargs="+", help="one hand-in folder per submission")
    parser.add_argument("--seconds", type=float, default=None, help="time limit per submission")
    args = parser.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        verdicts = {str(folder): judge(args.source, folder, args.seconds) for folder in args.answers}
    except Exception:
        args.report.write_text(json.dumps({"error": traceback.format_exc()[-3000:]}), encoding="utf-8")
        return 1
    args.report.write_text(json.dumps({"verdicts": verdicts}, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
