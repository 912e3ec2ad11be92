"""Autograde a folder of submitted homework notebooks: ``grades.csv`` and one feedback file per student.

``python -m tools.grade SUBMISSIONS_DIR [--out DIR] [--timeout S] [--jobs N] [--source NOTEBOOK]``
(or ``python tasks.py grade …``). Each file in ``SUBMISSIONS_DIR`` is one student's
submission, under any name (as an LMS export gives them). For each, as nbgrader's ``autograde``
does, the notebook that runs is the instructor's *source* notebook (the solution notebook,
hidden tests included) with only the student's answer cells (nbgrader solution cells, matched by
``grade_id``) taken from the submission — so a student cannot change a check cell, the setup or
the settings. It runs in a fresh kernel, in an empty working folder of its own, with a time
limit, several at a time (``--jobs``, default: the number of CPU cores), each kernel limited to
its share of the cores (``kernel_threads``). A graded cell earns its nbgrader points when it
runs without an error (``nbgrader.utils.determine_grade``); the hidden tests re-import
``helpers.checks``, so a check redefined in an answer cell does not count.

Writes into ``--out`` (default ``SUBMISSIONS_DIR/../grades``): ``grades.csv`` with one row per
file (student, points per task, total, status: ``graded``, ``timed out``, ``crashed`` or
``not a notebook``), ``feedback/STUDENT.txt`` (each task's points and the hints of its failed
checks) and ``graded/STUDENT.ipynb`` (the executed notebook). Submissions are only read.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
from nbgrader.utils import determine_grade, is_grade, is_solution

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT / "notebooks" / "homework" / "hw1_data_solution.ipynb"
STATUSES = ("graded", "timed out", "crashed", "not a notebook")
CHECK_SUFFIX = "_check"


@dataclass
class Result:
    """One student's grade: ``points`` per task column, the ``status`` and the feedback lines."""

    student: str
    status: str
    points: dict[str, float] = field(default_factory=dict)
    feedback: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(self.points.values())


def task_columns(source: nbformat.NotebookNode) -> dict[str, float]:
    """The autograded columns of ``source``: each graded code cell's ``grade_id`` (without ``_check``) → max points.

    Example:
        >>> cell = nbformat.v4.new_code_cell("check_task_1(x)")
        >>> cell.metadata["nbgrader"] = {"grade": True, "grade_id": "task1_check", "points": 2, "solution": False}
        >>> task_columns(nbformat.v4.new_notebook(cells=[cell]))
        {'task1': 2.0}
    """
    return {_column(cell): float(cell.metadata["nbgrader"]["points"])
            for cell in source.cells if cell.cell_type == "code" and is_grade(cell)}


def _column(cell: nbformat.NotebookNode) -> str:
    grade_id = cell.metadata["nbgrader"]["grade_id"]
    return grade_id[: -len(CHECK_SUFFIX)] if grade_id.endswith(CHECK_SUFFIX) else grade_id


def read_submission(path: Path) -> nbformat.NotebookNode | None:
    """The submitted notebook, or ``None`` when the file is not a notebook (not JSON, no cells)."""
    try:
        notebook = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    except (UnicodeDecodeError, json.JSONDecodeError, nbformat.reader.NotJSONError, ValueError, KeyError,
            AttributeError, TypeError):
        return None
    return notebook if isinstance(notebook.get("cells"), list) else None


def autograde_notebook(source: nbformat.NotebookNode, submission: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook to run: ``source`` with each answer (solution) cell's source taken from ``submission``.

    Answer cells are matched by their nbgrader ``grade_id`` (a submission whose cells lost
    their metadata but kept the layout is matched by position); an answer cell that cannot
    be found becomes empty (not answered). Every other cell — setup, settings, check cells
    with their hidden tests — is the source's, whatever the submission did to it.

    Example:
        >>> answer = nbformat.v4.new_code_cell("x = 1")
        >>> answer.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "a"}
        >>> student = nbformat.from_dict(nbformat.v4.new_notebook(cells=[answer]))
        >>> student.cells[0].source = "x = 2"
        >>> autograde_notebook(nbformat.v4.new_notebook(cells=[answer]), student).cells[0].source
        'x = 2'
    """
    graded = nbformat.from_dict(json.loads(json.dumps(source)))
    answers = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell for cell in submission.cells
               if isinstance(cell.get("metadata"), dict) and is_solution(cell)}
    same_layout = len(submission.cells) == len(graded.cells)
    for index, cell in enumerate(graded.cells):
        if not is_solution(cell):
            continue
        answer = answers.get(cell.metadata["nbgrader"]["grade_id"])
        if answer is None and same_layout:
            answer = submission.cells[index]
        text = answer.get("source", "") if answer is not None else ""
        cell.source = "".join(text) if isinstance(text, list) else str(text)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.source = cell.source or "pass"
    return graded


def _kill_tree(process: subprocess.Popen) -> None:
    """Kill ``process`` and everything it started (the kernel runs in a session of its own)."""
    try:
        family = psutil.Process(process.pid).children(recursive=True) + [psutil.Process(process.pid)]
    except psutil.NoSuchProcess:
        family = []
    for member in family:
        try:
            member.kill()
        except psutil.NoSuchProcess:
            pass
    process.wait()


THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")


def kernel_threads(jobs: int) -> int:
    """CPU threads for each notebook when ``jobs`` notebooks run at once: the cores shared out, at least 1.

    PyTorch's OpenMP threads busy-wait, so kernels that each use every core slow one another down
    many times over: on a 2-core machine, 4 submissions graded with ``jobs=2`` took 195 s with
    2 threads per kernel and 28 s with 1.

    Example:
        >>> kernel_threads(jobs=os.cpu_count() or 1), kernel_threads(jobs=1) == (os.cpu_count() or 1)
        (1, True)
    """
    return max(1, (os.cpu_count() or 1) // jobs)


def execute(notebook: nbformat.NotebookNode, workdir: Path, timeout: float,
            threads: int | None = None) -> tuple[str, nbformat.NotebookNode | None]:
    """Run ``notebook`` in a fresh kernel inside ``workdir``; ``(status, executed notebook or None)``.

    ``threads`` limits the kernel's OpenMP and MKL threads, unless the environment already sets either.
    """
    nbformat.write(notebook, workdir / "submission.ipynb")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    if threads is not None and not any(name in os.environ for name in THREAD_VARIABLES):
        env.update(dict.fromkeys(THREAD_VARIABLES, str(threads)))
    command = [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
               f"--ExecutePreprocessor.timeout={int(timeout) + 1}", "--output", "executed.ipynb", "submission.ipynb"]
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(process)
        return "timed out", None
    executed = workdir / "executed.ipynb"
    if process.returncode != 0 or not executed.exists():
        return ("timed out" if b"CellTimeoutError" in errors else "crashed"), None
    return "graded", nbformat.read(executed, as_version=4)


def score(executed: nbformat.NotebookNode) -> tuple[dict[str, float], list[str]]:
    """Points per task column (nbgrader's ``determine_grade``) and the feedback lines of the executed notebook."""
    points, feedback = {}, []
    for cell in executed.cells:
        if cell.cell_type == "code" and is_solution(cell):
            feedback += [f"your answer cell {cell.metadata['nbgrader']['grade_id']} raised {o.ename}: {o.evalue}"
                         for o in cell.outputs if o.output_type == "error"]
        if cell.cell_type != "code" or not is_grade(cell):
            continue
        column = _column(cell)
        earned, maximum = determine_grade(cell)
        points[column] = float(earned or 0)
        feedback.append(f"{column}: {points[column]:g}/{maximum:g} points")
        if points[column] < maximum:
            feedback += ["    " + line for line in _failure_text(cell).splitlines()]
    return points, feedback


def _failure_text(cell: nbformat.NotebookNode) -> str:
    """What a failed check cell says: its printed hint and the error of the hidden test."""
    printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
    errors = [o for o in cell.outputs if o.output_type == "error"]
    hidden_test_failed = any(error.ename == "AssertionError" for error in errors)
    lines = [printed.strip()] if printed.strip() and not hidden_test_failed else []  # the hidden test has the say
    for error in errors:
        message = error.evalue.strip()
        if message and message not in lines:
            lines.append(message if error.ename == "AssertionError" else f"{error.ename}: {message}")
    return "\n".join(lines) or "this cell failed"


def grade_one(path: Path, source: nbformat.NotebookNode, out: Path, timeout: float,
              threads: int | None = None) -> Result:
    """Grade one submitted file (read only) in a temporary working folder of its own."""
    student = path.stem if path.suffix == ".ipynb" else path.name
    submission = read_submission(path)
    if submission is None:
        return Result(student, "not a notebook", feedback=[f"{path.name} is not a Jupyter notebook (.ipynb JSON) "
                                                           "— nothing was graded"])
    with tempfile.TemporaryDirectory(prefix="grade-") as folder:
        start = time.monotonic()
        status, executed = execute(autograde_notebook(source, submission), Path(folder), timeout, threads)
        seconds = time.monotonic() - start
    if executed is None:
        why = (f"it did not finish within {timeout:g} s" if status == "timed out"
               else "its kernel stopped (the notebook crashed Python)")
        return Result(student, status, feedback=[f"not graded: {why} — run it top to bottom yourself first"])
    nbformat.write(executed, out / "graded" / f"{student}.ipynb")
    points, feedback = score(executed)
    return Result(student, status, points, feedback + [f"(ran in {seconds:.0f} s)"])


def write_reports(results: list[Result], columns: dict[str, float], out: Path) -> Path:
    """``grades.csv`` (sorted by student) and ``feedback/STUDENT.txt``; returns the CSV's path."""
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    table = out / "grades.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *columns, "total", "status"])
        for result in sorted(results, key=lambda r: r.student):
            writer.writerow([result.student, *(f"{result.points.get(c, 0.0):g}" for c in columns),
                             f"{result.total:g}", result.status])
    maximum = sum(columns.values())
    for result in results:
        text = [f"{result.student}: {result.total:g}/{maximum:g} points ({result.status})", *result.feedback]
        (out / "feedback" / f"{result.student}.txt").write_text("\n".join(text) + "\n", encoding="utf-8")
    return table


def grade_folder(submissions: Path, out: Path, source_path: Path = DEFAULT_SOURCE, timeout: float = 300,
                 jobs: int | None = None) -> list[Result]:
    """Grade every file in ``submissions``; write ``out/grades.csv``, feedback and graded notebooks."""
    submissions, out = Path(submissions), Path(out)
    if not submissions.is_dir():
        raise ValueError(f"SUBMISSIONS_DIR={str(submissions)!r} is not a folder")
    if not timeout > 0:
        raise ValueError(f"timeout={timeout!r} must be a positive number of seconds")
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if jobs < 1:
        raise ValueError(f"jobs={jobs!r} must be at least 1")
    source = nbformat.read(source_path, as_version=4)
    files = sorted(p for p in submissions.iterdir() if p.is_file() and not p.name.startswith("."))
    if out.resolve() == submissions.resolve():
        raise ValueError("--out must not be the submissions folder (submissions are never modified)")
    if (out / "graded").exists():
        shutil.rmtree(out / "graded")
    (out / "graded").mkdir(parents=True)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda path: grade_one(path, source, out, timeout, kernel_threads(jobs)), files))
    write_reports(results, task_columns(source), out)
    return results


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m tools.grade", description=__doc__.splitlines()[0])
    parser.add_argument("submissions", type=Path, help="folder with one submitted notebook per student")
    parser.add_argument("--out", type=Path, help="where grades.csv, feedback/ and graded/ go "
                                                 "(default: a folder 'grades' next to SUBMISSIONS_DIR)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds one notebook may run (default 300)")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks graded at once (default: CPU cores)")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="the nbgrader source (solution) notebook (default: the HW1 solution)")
    args = parser.parse_args(argv)
    out = args.out or args.submissions.resolve().parent / "grades"
    start = time.monotonic()
    results = grade_folder(args.submissions, out, args.source, args.timeout, args.jobs)
    counts = {status: sum(r.status == status for r in results) for status in STATUSES}
    print(f"{len(results)} submissions in {time.monotonic() - start:.0f} s: "
          + ", ".join(f"{n} {status}" for status, n in counts.items() if n) + f" → {out / 'grades.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
