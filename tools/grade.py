"""Autograde a folder of submitted homework notebooks: ``grades.csv`` and one feedback file per student.

``python -m tools.grade SUBMISSIONS_DIR [--out DIR] [--timeout S] [--jobs N] [--source NOTEBOOK]``
(or ``python tasks.py grade …``). Each file in ``SUBMISSIONS_DIR`` is one student's submission,
under any name (as an LMS export gives them). For each, as nbgrader's ``autograde`` does, the
notebook that runs is the instructor's *source* notebook with only the student's answer cells
(nbgrader solution cells, matched by ``grade_id``) taken from the submission — so a student
cannot change a check cell, the setup or the settings.

Student code never shares a process or a writable file with the grading code:

- **The student's kernel** runs in a sandbox (``Sandbox``): a working folder of its own, the
  course code only as a read-only copy, limits on memory, processes, file size and output, and
  a time limit. Where the grader runs as root (a course server, CI) the kernel runs as an
  unprivileged user of its own, in a mount namespace where the course checkout, the source
  notebook, the submissions and the output folder are hidden. In place of each graded cell's
  hidden tests the kernel only *hands in* the answers those tests read, by value
  (``tools.judge.hand_in_source``).
- **The judge** (``tools.judge``), a fresh process that never ran student code, rebuilds the data
  from the source's locked cells, loads the handed-in answers without running any code of the
  student's, and runs the hidden tests with the pristine checks. A graded cell earns its points
  when its hidden tests pass; an answer that cannot come back by value is ``needs review``.
- Before ``grades.csv`` is written, the course files the grader used are hashed again; a change
  stops the grader with an error naming the file.

Writes into ``--out`` (default ``SUBMISSIONS_DIR/../grades``): ``grades.csv`` with one row per
file (student, points per task — or ``needs review`` —, total, status: one of ``STATUSES``),
``feedback/STUDENT.txt`` (each task's points and the hints of its failed checks) and
``graded/STUDENT.ipynb`` (the notebook as the student's kernel ran it). Submissions are only read.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil

from tools.judge import answer_names, hand_in_source, is_answer, is_graded_code, nbgrader_meta, split_hidden
from tools.notebooks import QUIET_DEBUGGER

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT / "notebooks" / "homework" / "hw1_data_solution.ipynb"
STATUSES = ("graded", "needs review", "timed out", "crashed", "not a notebook", "too large")
NEEDS_REVIEW = "needs review"
CHECK_SUFFIX = "_check"
MAX_SUBMISSION_BYTES = 20_000_000  # a homework notebook with its figures is ~1 MB; larger ones are not read
COURSE_CODE = ("helpers", "tools")  # what the kernel sees, as a read-only copy
LIMITS = {"as": 8 << 30, "nproc": 512, "fsize": 256 << 20, "nofile": 1024}  # per kernel: memory, processes, file size
SANDBOX_UIDS = range(61000, 65000)  # unprivileged users the kernels run as, when the grader is root
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass
class Result:
    """One student's grade: ``points`` per task column (``None``: needs review), the ``status`` and the feedback."""

    student: str
    status: str
    points: dict[str, float | None] = field(default_factory=dict)
    feedback: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(p for p in self.points.values() if p is not None)


class CourseFilesChanged(RuntimeError):
    """A course file the grader used changed while it graded: the grades cannot be trusted."""


def task_columns(source: nbformat.NotebookNode) -> dict[str, float]:
    """The autograded columns of ``source``: each graded code cell's ``grade_id`` (without ``_check``) → max points.

    Example:
        >>> cell = nbformat.v4.new_code_cell("check_task_1(x)")
        >>> cell.metadata["nbgrader"] = {"grade": True, "grade_id": "task1_check", "points": 2, "solution": False}
        >>> task_columns(nbformat.v4.new_notebook(cells=[cell]))
        {'task1': 2.0}
    """
    return {_column(nbgrader_meta(cell)["grade_id"]): float(nbgrader_meta(cell)["points"])
            for cell in source.cells if is_graded_code(cell)}


def _column(grade_id: str) -> str:
    return grade_id[: -len(CHECK_SUFFIX)] if grade_id.endswith(CHECK_SUFFIX) else grade_id


def read_submission(path: Path) -> nbformat.NotebookNode | None:
    """The submitted notebook, or ``None`` when the file is not a notebook (not JSON, no cells)."""
    try:
        notebook = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    except (UnicodeDecodeError, json.JSONDecodeError, nbformat.reader.NotJSONError, ValueError, KeyError,
            AttributeError, TypeError, RecursionError):
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
    answers = {nbgrader_meta(cell).get("grade_id"): cell for cell in submission.cells
               if isinstance(cell, dict) and isinstance(cell.get("metadata"), dict) and is_answer(cell)}
    same_layout = len(submission.cells) == len(graded.cells)
    for index, cell in enumerate(graded.cells):
        if not is_answer(cell):
            continue
        answer = answers.get(nbgrader_meta(cell)["grade_id"])
        if answer is None and same_layout and isinstance(submission.cells[index], dict):
            answer = submission.cells[index]
        text = answer.get("source", "") if answer is not None else ""
        cell.source = "".join(map(str, text)) if isinstance(text, list) else str(text)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.source = cell.source or "pass"
    return graded


def sandboxed_notebook(graded: nbformat.NotebookNode, source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``graded`` as the student's kernel runs it: each graded cell's hidden tests replaced by handing in its answers.

    The kernel never sees the hidden tests; it saves the answers they read (``tools.judge``) and
    the judge runs the tests in a process of its own.
    """
    names = answer_names(source)
    sandboxed = nbformat.from_dict(json.loads(json.dumps(graded)))
    for cell in sandboxed.cells:
        if is_graded_code(cell):
            grade_id = nbgrader_meta(cell)["grade_id"]
            visible, hidden = split_hidden(cell.source)
            cell.source = (visible if hidden is not None else "") + hand_in_source(grade_id, names[grade_id])
            cell.outputs, cell.execution_count = [], None
    return sandboxed


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


def thread_limits(threads: int | None) -> dict[str, str]:
    """The OpenMP/MKL thread variables for a kernel or judge: ``threads`` each, unless the grader sets either.

    Example:
        >>> thread_limits(None)
        {}
    """
    if threads is None or any(name in os.environ for name in THREAD_VARIABLES):
        return {}
    return dict.fromkeys(THREAD_VARIABLES, str(threads))


def course_hashes(source_path: Path) -> dict[str, str]:
    """SHA-256 of every course file the grader runs: ``helpers/``, ``tools/`` and the source notebook."""
    files = [p for name in COURSE_CODE for p in sorted((ROOT / name).rglob("*.py"))] + [Path(source_path)]
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else "missing" for p in files}


def check_unchanged(before: dict[str, str], source_path: Path) -> None:
    """Raise ``CourseFilesChanged`` naming the first course file whose content is not what it was."""
    after = course_hashes(source_path)
    changed = sorted(set(before) ^ set(after) | {p for p in before if after.get(p) != before[p]})
    if changed:
        raise CourseFilesChanged(f"{changed[0]} changed while grading ({len(changed)} course file(s) in all): "
                                 "a submission may have written to the course checkout — grades.csv was not "
                                 "written; restore the checkout (git status) and grade again")


class Sandbox:
    """Where and how student kernels run: one working folder each, the course code as a read-only copy.

    ``isolated`` (the grader is root, ``setpriv`` and ``unshare`` work): each kernel runs as an
    unprivileged user of its own, with no capabilities, in a mount namespace that hides ``hidden``
    (the course checkout, the source notebook, the submissions and the output folder), under
    ``LIMITS``. Otherwise the kernel runs as the grader's user with the same limits where ``prlimit``
    exists; then the checkout is protected only by the hash check (``check_unchanged``).
    """

    def __init__(self, hidden: list[Path]) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="course-grade-"))
        self.isolated = _can_isolate()
        self.hidden = outermost([p.resolve() for p in hidden if p.exists()])
        self.venv = Path(sys.prefix) if sys.prefix != sys.base_prefix else None
        view = self.base / "view"
        for name in COURSE_CODE:
            shutil.copytree(ROOT / name, view / "course" / name, ignore=shutil.ignore_patterns("__pycache__"))
        if self.venv is not None:
            (view / "venv").mkdir()
        _read_only(view / "course")
        self.view = view
        os.chmod(self.base, 0o711)

    @property
    def python(self) -> str:
        if self.venv is None or not self.isolated:
            return sys.executable
        return str(self.view / "venv" / Path(sys.executable).relative_to(self.venv))

    def close(self) -> None:
        """Remove every working folder (and the course copy); calling it again does nothing.

        Folders a kernel made unwritable are made writable first (without root, ``rmtree`` needs it);
        links are never followed, so a link a kernel left to a folder outside changes nothing there.
        """
        if not self.base.exists():
            return
        for folder, subfolders, _ in os.walk(self.base, followlinks=False):
            os.chmod(folder, 0o755)
            subfolders[:] = [name for name in subfolders if not os.path.islink(os.path.join(folder, name))]
        shutil.rmtree(self.base, ignore_errors=True)

    def workdir(self, index: int) -> tuple[Path, int | None]:
        """A fresh working folder for submission ``index``, and the user its kernel runs as (``None``: the grader's)."""
        folder = Path(tempfile.mkdtemp(prefix=f"s{index}-", dir=self.base))
        if not self.isolated:
            return folder, None
        uid = SANDBOX_UIDS[(os.getpid() * 37 + index) % len(SANDBOX_UIDS)]
        os.chown(folder, uid, uid)
        return folder, uid

    def command(self, runner: list[str], uid: int | None) -> list[str]:
        """The command line that runs ``runner`` in the sandbox."""
        limits = [f"--{name}={value}" for name, value in LIMITS.items()]
        limited = ["prlimit", *limits, "--", *runner] if shutil.which("prlimit") else runner
        if uid is None:
            return limited
        quote = shlex.quote
        mounts = []
        if self.venv is not None:  # before the checkout that may hold it is hidden
            mounts += [f"mount --bind {quote(str(self.venv))} {quote(str(self.view / 'venv'))}",
                       f"mount -o remount,bind,ro {quote(str(self.view / 'venv'))}"]
        for path in self.hidden:
            mounts.append(f"mount -t tmpfs -o size=64k,mode=0755 tmpfs {quote(str(path))}" if path.is_dir()
                          else f"mount --bind /dev/null {quote(str(path))}")
        drop = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
                "--bounding-set=-all", "--no-new-privs", "--"]
        script = " && ".join(mounts + ['exec "$@"'])
        return ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, "sandbox",
                *drop, *limited]

    def environment(self, folder: Path, threads: int | None) -> dict[str, str]:
        """The kernel's environment: nothing of the grader's but the locale, PATH and thread settings."""
        env = {name: os.environ[name] for name in ("LANG", "LC_ALL", "TZ", *THREAD_VARIABLES) if name in os.environ}
        bin_dir = str(Path(self.python).parent)
        env.update(PATH=os.pathsep.join([bin_dir, "/usr/local/bin", "/usr/bin", "/bin"]), HOME=str(folder),
                   PYTHONPATH=str(self.view / "course"), MPLCONFIGDIR=str(folder / ".matplotlib"),
                   IPYTHONDIR=str(folder / ".ipython"), JUPYTER_RUNTIME_DIR=str(folder / ".jupyter"),
                   XDG_CACHE_HOME=str(folder / ".cache"), TORCH_HOME=str(folder / ".torch"),
                   PYTHONDONTWRITEBYTECODE="1", **QUIET_DEBUGGER)
        env.update(thread_limits(threads))
        return env


def outermost(paths: list[Path]) -> list[Path]:
    """``paths`` without those inside another of them (hiding a folder hides what it holds).

    Example:
        >>> [str(p) for p in outermost([Path("/c"), Path("/c/nb.ipynb"), Path("/s"), Path("/s/out"), Path("/o")])]
        ['/c', '/s', '/o']
    """
    return [p for p in paths if not any(other != p and other in p.parents for other in paths)]


def _read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode
        os.chmod(path, mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) | stat.S_IROTH
                 | (stat.S_IXOTH if path.is_dir() else 0))


def _can_isolate() -> bool:
    """Whether kernels can run as another user in a mount namespace of their own (root, setpriv and unshare work)."""
    if os.name != "posix" or os.geteuid() != 0 or not (shutil.which("setpriv") and shutil.which("unshare")):
        return False
    probe = ["unshare", "--mount", "--propagation", "private", "--", "setpriv", f"--reuid={SANDBOX_UIDS[0]}",
             f"--regid={SANDBOX_UIDS[0]}", "--clear-groups", "--", "true"]
    return subprocess.run(probe, capture_output=True).returncode == 0


def _kill_user_processes(process: subprocess.Popen, uid: int | None) -> None:
    """Kill ``process``, everything it started, and — for a sandbox user — every process that user still runs."""
    try:
        family = psutil.Process(process.pid).children(recursive=True) + [psutil.Process(process.pid)]
    except psutil.NoSuchProcess:
        family = []
    if uid is not None:
        family += [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == uid]
    for member in family:
        try:
            member.kill()
        except psutil.NoSuchProcess:
            pass
    process.wait()


def execute(notebook: nbformat.NotebookNode, sandbox: Sandbox, index: int, timeout: float,
            threads: int | None = None) -> tuple[str, nbformat.NotebookNode | None, Path]:
    """Run ``notebook`` in a fresh kernel in the sandbox; ``(status, executed notebook or None, working folder)``.

    ``threads`` limits the kernel's OpenMP and MKL threads, unless the environment already sets either.
    """
    folder, uid = sandbox.workdir(index)
    nbformat.write(notebook, folder / "submission.ipynb")
    if uid is not None:
        os.chown(folder / "submission.ipynb", uid, uid)
    runner = [sandbox.python, "-m", "tools.notebooks", "submission.ipynb", "executed.ipynb",
              "--timeout", str(int(timeout) + 1)]
    process = subprocess.Popen(sandbox.command(runner, uid), cwd=folder, env=sandbox.environment(folder, threads),
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_user_processes(process, uid)
        return "timed out", None, folder
    _kill_user_processes(process, uid)  # whatever it left running (a daemon) goes too
    executed = _read_executed(folder / "executed.ipynb")
    if process.returncode == 3:
        return "timed out", None, folder
    if process.returncode != 0 or executed is None:
        return "crashed", None, folder
    return "graded", executed, folder


def _read_executed(path: Path) -> nbformat.NotebookNode | None:
    if not path.is_file() or path.is_symlink() or path.stat().st_size > LIMITS["fsize"]:
        return None
    return read_submission(path)


def run_judges(source_path: Path, folders: list[Path], jobs: int, seconds: float,
               threads: int | None = None) -> dict[str, list]:
    """Judge the hand-in ``folders`` with ``tools.judge``: ``jobs`` fresh processes with the pristine course code.

    Each submission's hidden tests get ``seconds``; the processes run under ``LIMITS``. A process
    that dies (an answer that exhausts its memory, say) is re-run one folder at a time, and a folder
    that still stops it gets ``needs review``. Returns each folder's verdicts (keyed by ``str(folder)``).
    """
    chunks = [folders[k::jobs] for k in range(jobs) if folders[k::jobs]]
    verdicts: dict[str, list] = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for part in pool.map(lambda chunk: _judge_chunk(source_path, chunk, seconds, threads), chunks):
            verdicts.update(part)
    return verdicts


def _judge_chunk(source_path: Path, chunk: list[Path], seconds: float, threads: int | None) -> dict[str, list]:
    verdicts = _run_judge(source_path, chunk, seconds, threads)
    if verdicts is not None:
        return verdicts
    alone = {}
    for folder in chunk:
        found = _run_judge(source_path, [folder], seconds, threads) if len(chunk) > 1 else None
        alone[str(folder)] = found[str(folder)] if found else [
            {"grade_id": grade_id, "verdict": NEEDS_REVIEW, "message": "the judge process stopped on your answers "
             "(they exhaust its memory or time) — your instructor reviews them"}
            for grade_id in answer_names(nbformat.read(source_path, as_version=4))]
    return alone


def _run_judge(source_path: Path, folders: list[Path], seconds: float, threads: int | None) -> dict | None:
    """One judge process over ``folders``: the verdicts, or ``None`` when it died or ran out of time."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "MPLBACKEND": "Agg"}
    env.update(thread_limits(threads))
    report = folders[0].parent / f"report-{folders[0].name}-{len(folders)}.json"
    command = [sys.executable, "-m", "tools.judge", str(source_path), str(report), *map(str, folders),
               "--seconds", str(seconds)]
    limits = ["prlimit", f"--as={LIMITS['as']}", "--"] if shutil.which("prlimit") else []
    try:
        subprocess.run(limits + command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=seconds * len(folders) + 120)
    except subprocess.TimeoutExpired:
        return None
    result = json.loads(report.read_text(encoding="utf-8")) if report.exists() else None
    if result is not None and "error" in result:
        raise RuntimeError(f"the judge failed on the instructor's source notebook: {result['error']}")
    return None if result is None else result["verdicts"]


def score(executed: nbformat.NotebookNode, verdicts: list[dict],
          columns: dict[str, float]) -> tuple[dict[str, float | None], list[str]]:
    """Points per task column from the judge's verdicts, and the feedback lines (answer cells' errors first)."""
    points, feedback = {}, []
    for cell in executed.cells:
        if cell.cell_type == "code" and is_answer(cell):
            feedback += [f"your answer cell {nbgrader_meta(cell)['grade_id']} raised {o.get('ename')}: "
                         f"{str(o.get('evalue'))[:300]}" for o in cell.get("outputs", []) if o.output_type == "error"]
    for verdict in verdicts:
        column = _column(verdict["grade_id"])
        maximum = columns[column]
        if verdict["verdict"] == NEEDS_REVIEW:
            points[column] = None
            feedback.append(f"{column}: needs review (0/{maximum:g} points until then)")
        else:
            points[column] = maximum if verdict["verdict"] == "passed" else 0.0
            feedback.append(f"{column}: {points[column]:g}/{maximum:g} points")
        if verdict["verdict"] != "passed":
            feedback += ["    " + line for line in verdict["message"].splitlines()]
    return points, feedback


def student_name(path: Path) -> str:
    """The student's name in ``grades.csv``: the file name without ``.ipynb``."""
    return path.stem if path.suffix == ".ipynb" else path.name


@dataclass
class Run:
    """What a submission's kernel left: its result so far, the executed notebook and the handed-in answers."""

    result: Result
    executed: nbformat.NotebookNode | None = None
    answers: Path | None = None


def run_one(path: Path, index: int, source: nbformat.NotebookNode, sandbox: Sandbox, out: Path, staging: Path,
            timeout: float, threads: int | None = None) -> Run:
    """Run one submitted file (read only) in the sandbox; its answers are copied to ``staging`` for the judge."""
    student = student_name(path)
    if path.stat().st_size > MAX_SUBMISSION_BYTES:
        return Run(Result(student, "too large", feedback=[
            f"{path.name} has {path.stat().st_size:,} bytes, more than {MAX_SUBMISSION_BYTES:,} — clear its outputs "
            "(Edit → Clear Outputs of All Cells) and hand it in again; nothing was graded"]))
    submission = read_submission(path)
    if submission is None:
        return Run(Result(student, "not a notebook", feedback=[f"{path.name} is not a Jupyter notebook (.ipynb "
                                                               "JSON) — nothing was graded"]))
    graded = autograde_notebook(source, submission)
    start = time.monotonic()
    status, executed, folder = execute(sandboxed_notebook(graded, source), sandbox, index, timeout, threads)
    seconds = time.monotonic() - start
    if executed is None:
        why = (f"it did not finish within {timeout:g} s" if status == "timed out"
               else "its kernel stopped (the notebook crashed Python)")
        return Run(Result(student, status, feedback=[f"not graded: {why} — run it top to bottom yourself first"]))
    nbformat.write(executed, out / "graded" / f"{student}.ipynb")
    answers = staging / f"s{index}"
    _copy_answers(folder / "answers", answers)
    return Run(Result(student, status, feedback=[f"(ran in {seconds:.0f} s)"]), executed, answers)


def finish(run: Run, verdicts: dict[str, list], columns: dict[str, float]) -> Result:
    """The submission's grade from the judge's verdicts on its answers."""
    if run.answers is None:
        return run.result
    points, feedback = score(run.executed, verdicts[str(run.answers)], columns)
    status = NEEDS_REVIEW if any(p is None for p in points.values()) else run.result.status
    return Result(run.result.student, status, points, feedback + run.result.feedback)


def _copy_answers(handed_in: Path, answers: Path) -> None:
    """Copy the plain hand-in files (no links, no folders, at most ``LIMITS['fsize']`` each) out of the sandbox."""
    answers.mkdir()
    if not handed_in.is_dir() or handed_in.is_symlink():
        return
    for path in handed_in.iterdir():
        if path.suffix == ".pt" and path.is_file() and not path.is_symlink() and path.stat().st_size <= LIMITS["fsize"]:
            shutil.copyfile(path, answers / path.name)


def write_reports(results: list[Result], columns: dict[str, float], out: Path) -> Path:
    """``grades.csv`` (sorted by student) and ``feedback/STUDENT.txt``; returns the CSV's path."""
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    table = out / "grades.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *columns, "total", "status"])
        for result in sorted(results, key=lambda r: r.student):
            cells = [NEEDS_REVIEW if result.points.get(c, 0.0) is None else f"{result.points.get(c, 0.0):g}"
                     for c in columns]
            writer.writerow([result.student, *cells, f"{result.total:g}", result.status])
    maximum = sum(columns.values())
    for result in results:
        text = [f"{result.student}: {result.total:g}/{maximum:g} points ({result.status})", *result.feedback]
        (out / "feedback" / f"{result.student}.txt").write_text("\n".join(text) + "\n", encoding="utf-8")
    return table


def grade_folder(submissions: Path, out: Path, source_path: Path = DEFAULT_SOURCE, timeout: float = 300,
                 jobs: int | None = None) -> list[Result]:
    """Grade every file in ``submissions``; write ``out/grades.csv``, feedback and graded notebooks."""
    submissions, out, source_path = Path(submissions), Path(out), Path(source_path)
    if not submissions.is_dir():
        raise ValueError(f"SUBMISSIONS_DIR={str(submissions)!r} is not a folder")
    if not timeout > 0:
        raise ValueError(f"timeout={timeout!r} must be a positive number of seconds")
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if jobs < 1:
        raise ValueError(f"jobs={jobs!r} must be at least 1")
    if out.resolve() == submissions.resolve():
        raise ValueError("--out must not be the submissions folder (submissions are never modified)")
    hashes = course_hashes(source_path)
    source = nbformat.read(source_path, as_version=4)
    files = sorted(p for p in submissions.iterdir() if p.is_file() and not p.name.startswith("."))
    if (out / "graded").exists():
        shutil.rmtree(out / "graded")
    (out / "graded").mkdir(parents=True)
    sandbox = Sandbox(hidden=[ROOT, source_path, submissions, out])
    staging = Path(tempfile.mkdtemp(prefix="course-judge-"))
    threads = kernel_threads(jobs)
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            runs = list(pool.map(lambda item: run_one(item[1], item[0], source, sandbox, out, staging, timeout,
                                                      threads), enumerate(files)))
        sandbox.close()
        handed_in = [run.answers for run in runs if run.answers is not None]
        verdicts = run_judges(source_path, handed_in, jobs, timeout, threads) if handed_in else {}
        results = [finish(run, verdicts, task_columns(source)) for run in runs]
    finally:
        sandbox.close()
        shutil.rmtree(staging, ignore_errors=True)
    check_unchanged(hashes, source_path)
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
