"""Run a notebook top to bottom in a fresh kernel: the one runner the autograder's sandbox uses.

``python -m tools.notebooks IN.ipynb OUT.ipynb [--timeout S] [--max-output BYTES]`` executes ``IN``
in a fresh ``python3`` kernel started in ``IN``'s folder (errors do not stop the run, as with
nbgrader's autograde) and writes ``OUT``. Outputs are capped: once a notebook's outputs hold
``--max-output`` bytes, further outputs are dropped and one line says so, so a submission that
prints a gigabyte cannot fill the disk or the grader's memory. Exit status: 0 ran to the end,
3 a cell ran past ``--timeout`` seconds, 4 the kernel died. It imports only nbclient and nbformat,
so it runs inside the grader's sandbox, where nothing but the Python environment and a read-only
copy of the course code can be seen.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

EXIT_TIMEOUT, EXIT_DEAD = 3, 4
MAX_OUTPUT_BYTES = 2_000_000
TRUNCATED = "\n[the autograder dropped further output: this notebook printed more than {limit:,} bytes]\n"


class CappedClient(NotebookClient):
    """``NotebookClient`` that keeps at most ``max_output`` bytes of outputs in the whole notebook."""

    def __init__(self, notebook: nbformat.NotebookNode, max_output: float, **kwargs: object) -> None:
        super().__init__(notebook, **kwargs)
        self.max_output, self.kept, self.truncated = max_output, 0, False

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
                 max_output: int | None = MAX_OUTPUT_BYTES, env: dict[str, str] | None = None,
                 allow_errors: bool = True) -> str:
    """Execute ``notebook`` in place in a fresh kernel started in ``folder``; ``"ran"``, ``"timed out"`` or ``"died"``.

    The one way the course runs a notebook: the grader's sandbox, ``tools.execute`` and ``tools.homework``
    call it. ``max_output=None`` keeps every output; ``allow_errors=False`` raises nbclient's
    ``CellExecutionError`` at the first cell that fails (a committed notebook must run clean).

    Example:
        >>> import tempfile
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('x' * 50)")])
        >>> run_notebook(nb, Path(tempfile.gettempdir()), timeout=60, max_output=20)
        'ran'
        >>> nb.cells[0].outputs[0].text.strip()[:40]
        '[the autograder dropped further output: '
    """
    client = CappedClient(notebook, max_output if max_output is not None else float("inf"), timeout=int(timeout),
                          kernel_name="python3", allow_errors=allow_errors, record_timing=False,
                          resources={"metadata": {"path": str(folder)}})
    try:
        client.execute(**({"env": env} if env is not None else {}))
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
