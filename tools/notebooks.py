"""Run a notebook top to bottom in a fresh kernel: the one runner the autograder's sandbox uses.

``python -m tools.notebooks IN.ipynb OUT.ipynb [--timeout S] [--max-output BYTES]`` executes ``IN``
in a fresh ``python3`` kernel started in ``IN``'s folder (errors do not stop the run, as with
nbgrader's autograde) and writes ``OUT``. Outputs are capped: once a notebook's outputs hold
``--max-output`` bytes, further outputs are dropped and one line says so, so a submission that
prints a gigabyte cannot fill the disk or the grader's memory. Exit status: 0 ran to the end,
3 a cell ran past ``--timeout`` seconds, 4 the kernel died. It imports only nbclient, nbformat and
the standard library (``kernel_env`` reads two names from ``helpers``, ``timings=`` needs psutil, both
only when called), so it runs inside the grader's sandbox, where nothing but the Python environment
and a read-only copy of the course code can be seen.

Everything in the course that executes a notebook goes through ``run_notebook``: the grader's sandbox,
``tools.execute``, ``tools.homework``, ``benchmarks/bench_notebooks.py`` (``timings=``) and the tests
that run a notebook with an exercise's setting or another seed (``with_settings``, ``kernel_env``).
Only nbval (``pytest notebooks/``) and the browser tests (JupyterLab) run notebooks their own way.
``tools.site`` executes nothing: the website shows the outputs committed with the notebooks.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

EXIT_TIMEOUT, EXIT_DEAD = 3, 4
MAX_OUTPUT_BYTES = 2_000_000
TRUNCATED = "\n[the autograder dropped further output: this notebook printed more than {limit:,} bytes]\n"
QUIET_DEBUGGER = {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}  # no debugger start-up warning in a kernel's stderr


class CellTiming(NamedTuple):
    """How long one code cell took: wall-clock seconds, the kernel's CPU seconds (all threads), its first line."""

    index: int
    wall_s: float
    cpu_s: float
    first_line: str


def kernel_env(strict_claims: bool, text_progress: bool = False,
               base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a notebook's kernel: ``base`` (default: this process's) with the course's switches.

    ``strict_claims``: a false claim raises (the test run, ``tools.execute``) or prints ❌ and the run goes on
    (a live lecture). ``text_progress``: the learning-curve engine draws its progress bar as text, so a saved
    notebook shows its final state. The variables' names come from the modules that read them
    (``helpers.claims.STRICT_ENV``, ``helpers.training.TEXT_PROGRESS_ENV``), never typed again.

    Example:
        >>> from helpers.claims import STRICT_ENV
        >>> env = kernel_env(strict_claims=False, base={STRICT_ENV: "1", "HOME": "/home/me"})
        >>> STRICT_ENV in env, env["HOME"]
        (False, '/home/me')
        >>> kernel_env(strict_claims=True, base={})[STRICT_ENV]
        '1'
    """
    from helpers.claims import STRICT_ENV
    from helpers.training import TEXT_PROGRESS_ENV

    env = {**(os.environ if base is None else base), **QUIET_DEBUGGER}
    for name, on in ((STRICT_ENV, strict_claims), (TEXT_PROGRESS_ENV, text_progress)):
        if on:
            env[name] = "1"
        else:
            env.pop(name, None)
    return env


def with_settings(notebook: nbformat.NotebookNode, **values: str) -> nbformat.NotebookNode:
    """``notebook`` with each ``NAME = ...`` line of its Settings cell replaced by ``NAME = value`` (in place).

    Each name must be assigned at the start of a line in exactly one code cell (the Settings cell);
    the line's comment is kept. This is how a test runs a notebook with the setting an exercise suggests.

    Raises ``ValueError`` naming the setting when it is set in no code cell or in several.

    Example:
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("DEGREES = 30  # angle\\nEPOCHS = 4")])
        >>> with_settings(nb, DEGREES="0").cells[0].source
        'DEGREES = 0  # angle\\nEPOCHS = 4'
        >>> with_settings(nb, NOPE="1")
        Traceback (most recent call last):
        ...
        ValueError: setting NOPE is assigned in 0 code cells; allowed: exactly one (the Settings cell)
    """
    for name, value in values.items():
        pattern = re.compile(rf"^{re.escape(name)} = [^#\n]*?([ \t]*#.*)?$", re.MULTILINE)
        cells = [cell for cell in notebook.cells if cell.cell_type == "code" and pattern.search(cell.source)]
        if len(cells) != 1:
            raise ValueError(f"setting {name} is assigned in {len(cells)} code cells; allowed: exactly one "
                             "(the Settings cell)")
        line = f"{name} = {value}"
        cells[0].source = pattern.sub(lambda match, line=line: line + (match.group(1) or ""), cells[0].source,
                                      count=1)
    return notebook


def stream_lines(notebook: nbformat.NotebookNode) -> list[str]:
    """Every line the code cells of ``notebook`` printed (stdout and stderr), in order.

    Example:
        >>> cell = nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output("stream", text="✅ a\\n❌ b\\n")])
        >>> stream_lines(nbformat.v4.new_notebook(cells=[cell]))
        ['✅ a', '❌ b']
    """
    text = "".join(output.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                   for output in cell.get("outputs", []) if output.get("output_type") == "stream")
    return text.splitlines()


class CappedClient(NotebookClient):
    """``NotebookClient`` that keeps at most ``max_output`` bytes of outputs in the whole notebook."""

    def __init__(self, notebook: nbformat.NotebookNode, max_output: float, timings: list[CellTiming] | None = None,
                 **kwargs: object) -> None:
        super().__init__(notebook, **kwargs)
        self.max_output, self.kept, self.truncated, self.timings = max_output, 0, False, timings

    async def async_execute_cell(self, cell: nbformat.NotebookNode, cell_index: int, *args: object,
                                 **kwargs: object) -> nbformat.NotebookNode:
        """Run one cell; with ``timings``, append its wall-clock and kernel CPU seconds."""
        if self.timings is None or cell.cell_type != "code":
            return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        import psutil  # only to time cells (benchmarks): the grader's runner never needs it

        kernel = psutil.Process(self.km.provisioner.process.pid)
        start, cpu_start = time.perf_counter(), sum(kernel.cpu_times()[:2])
        result = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        first = next((line for line in cell.source.splitlines() if line.strip()), "")
        self.timings.append(CellTiming(cell_index, time.perf_counter() - start,
                                       sum(kernel.cpu_times()[:2]) - cpu_start, first))
        return result

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> nbformat.NotebookNode | None:
        size = len(json.dumps(msg.get("content", {}), default=str))
        if self.kept + size <= self.max_output:
            self.kept += size
            return super().output(outs, msg, display_id, cell_index)
        if not self.truncated:
            self.truncated = True
            outs.append(nbformat.v4.new_output("stream", name="stderr",
                                               text=TRUNCATED.format(limit=self.max_output)))
        return None


def run_notebook(notebook: nbformat.NotebookNode, folder: Path, timeout: float,
                 max_output: int | None = MAX_OUTPUT_BYTES, env: Mapping[str, str] | None = None,
                 allow_errors: bool = True, timings: list[CellTiming] | None = None) -> str:
    """Execute ``notebook`` in place in a fresh kernel started in ``folder``; ``"ran"``, ``"timed out"`` or ``"died"``.

    The one way the course runs a notebook: the grader's sandbox, ``tools.execute``, ``tools.homework``,
    the benchmarks and the tests call it. ``max_output=None`` keeps every output; ``env`` is the kernel's
    whole environment (default: this process's; see ``kernel_env``); ``allow_errors=False`` raises
    nbclient's ``CellExecutionError`` at the first cell that fails (a committed notebook must run clean);
    ``timings``, a list, receives a ``CellTiming`` for each code cell run (needs psutil).

    Example:
        >>> import tempfile
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('x' * 50)")])
        >>> run_notebook(nb, Path(tempfile.gettempdir()), timeout=60, max_output=20)
        'ran'
        >>> nb.cells[0].outputs[0].text.strip()[:40]
        '[the autograder dropped further output: '
        >>> times = []
        >>> run_notebook(nb, Path(tempfile.gettempdir()), timeout=60, timings=times)
        'ran'
        >>> [(t.index, t.first_line) for t in times], times[0].wall_s > 0
        ([(0, "print('x' * 50)")], True)
    """
    client = CappedClient(notebook, max_output if max_output is not None else float("inf"), timings,
                          timeout=int(timeout), kernel_name="python3", allow_errors=allow_errors,
                          record_timing=False, resources={"metadata": {"path": str(folder)}})
    try:
        client.execute(**({"env": dict(env)} if env is not None else {}))
    except CellTimeoutError:
        return "timed out"
    except DeadKernelError:
        return "died"
    return "ran"


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m tools.notebooks", description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--timeout", type=float, default=600, help="seconds one cell may take (default 600)")
    parser.add_argument("--max-output", type=int, default=MAX_OUTPUT_BYTES, help="bytes of outputs kept in all")
    args = parser.parse_args(argv)
    notebook = nbformat.read(args.notebook, as_version=4)
    status = run_notebook(notebook, args.notebook.resolve().parent, args.timeout, args.max_output)
    nbformat.write(notebook, args.out)
    return {"ran": 0, "timed out": EXIT_TIMEOUT, "died": EXIT_DEAD}[status]


if __name__ == "__main__":
    sys.exit(main())
