"""Run notebooks in place and save them with their outputs, as they are committed.

    python -m tools.execute [NOTEBOOK ...]   (or: python tasks.py execute; default: every lecture notebook)

Each notebook runs top to bottom in a fresh kernel (``nbclient``) started in the notebook's folder,
with ``COURSE_STRICT_CLAIMS=1`` (a false claim stops the run) and ``COURSE_TEXT_PROGRESS=1`` (the
learning-curve engine draws its progress bar as text). Stream outputs are saved as a terminal
would show them: a line rewritten with ``\\r`` keeps only its last state, so a progress bar is
committed as ``30 mlp models: 100%|██████████| 1650/1650 …``, never as ``0%``. Lecture notebooks
then get their slide layout refreshed (``tools.slides``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import nbformat

from tools.notebooks import kernel_env, run_notebook
from tools.slides import apply_slides, lecture_notebooks


def final_line_states(text: str) -> str:
    """Stream text as a terminal shows it: each line keeps what follows its last carriage return.

    Example:
        >>> final_line_states("models:   0%|  | 0/9\\rmodels: 100%|##| 9/9\\ndone\\r\\n")
        'models: 100%|##| 9/9\\ndone\\n'
    """
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(line.rstrip("\r").rsplit("\r", 1)[-1] for line in lines)


def final_stream_outputs(outputs: list[dict]) -> list[dict]:
    """``outputs`` with adjacent stream outputs of the same name joined and their lines in their final state.

    Example:
        >>> outs = [{"output_type": "stream", "name": "stdout", "text": "bar  0%\\r"},
        ...         {"output_type": "stream", "name": "stdout", "text": "bar 100%\\n"}]
        >>> final_stream_outputs(outs)
        [{'output_type': 'stream', 'name': 'stdout', 'text': 'bar 100%\\n'}]
    """
    merged: list[dict] = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream" and previous.get("name") == output.get("name")):
            merged[-1] = {**previous, "text": previous["text"] + output["text"]}
        else:
            merged.append(dict(output))
    for output in merged:
        if output.get("output_type") == "stream":
            output["text"] = final_line_states(output["text"])
    return [output for output in merged if output.get("output_type") != "stream" or output["text"]]


def execute_notebook(path: Path, timeout: int = 600) -> float:
    """Run the notebook at ``path`` in a fresh kernel and save it with its outputs; returns the seconds taken."""
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    status = run_notebook(notebook, Path(path).resolve().parent, timeout, max_output=None,
                          env=kernel_env(strict_claims=True, text_progress=True), allow_errors=False)
    if status != "ran":
        raise RuntimeError(f"{path} did not run to the end: a cell {status} (limit {timeout} s per cell)"
                           if status == "timed out" else f"{path} did not run to the end: its kernel died")
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(o) for o in final_stream_outputs(cell.outputs)]
    nbformat.write(notebook, path)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m tools.execute [NOTEBOOK ...] [--timeout SECONDS]``."""
    parser = argparse.ArgumentParser(prog="python -m tools.execute", description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every lecture notebook")
    parser.add_argument("--timeout", type=int, default=600, help="seconds one cell may take (default 600)")
    args = parser.parse_args(argv)
    lectures = {p.resolve() for p in lecture_notebooks()}
    for path in args.notebooks or lecture_notebooks():
        seconds = execute_notebook(path, args.timeout)
        print(f"executed {path} in {seconds:.0f} s", flush=True)
        if path.resolve() in lectures:
            print(apply_slides(path), flush=True)


if __name__ == "__main__":
    main()
