"""A synthetic class, autograded: ``python -m tools.grade`` gives the exact grades.csv.

The submissions are built from the released student notebook of a small-settings copy of
the solution (so the training tasks take a second): right answers in two formulations,
each task wrong in a typical way, unfinished, a crash, broken JSON, a file that is no
notebook, an empty and an oversized file, a name with spaces and non-ASCII letters — and
hostile submissions (``ADVERSARIAL``) that try to raise their own grade or change anyone
else's: deleting or editing the checks, patching torch's, numpy's and math's comparisons,
IPython hooks, a replaced ``sys.modules`` entry, writing into the course checkout, the
source notebook, the submissions and the output folder, fake "passed" text, a forged
hand-in file, a memory hog, an output flood and a process left running. Each must earn
nothing it did not answer right, the right submissions graded after them get full points,
and the course checkout is byte-identical afterwards. A submission that never finishes is
graded on its own, with a short time limit, so that it does not hold one of the class's two
workers for the whole limit.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import time
from pathlib import Path

import psutil
import pytest

nbformat = pytest.importorskip("nbformat")
grade = pytest.importorskip("tools.grade", reason="the autograder needs the instructors' extra: pip install .[grade]")
homework = pytest.importorskip("tools.homework", reason="releasing needs nbgrader: pip install .[grade]")
autograde_notebook, grade_folder, read_submission = grade.autograde_notebook, grade.grade_folder, grade.read_submission
task_columns, release = grade.task_columns, homework.release

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "notebooks" / "homework" / "hw1_data_solution.ipynb"
SMALL = {"SIZES = [125, 250, 500, 1000, 1500]": "SIZES = [50, 100, 200]", "REPEATS = 5": "REPEATS = 2",
         "EPOCHS = 30": "EPOCHS = 3", "PATCHES_PER_PHOTO = 300": "PATCHES_PER_PHOTO = 60"}
TIMEOUT = 150  # s per notebook; a normal one takes about 20 s on a busy 2-core machine
HANG_TIMEOUT = 8  # s: the limit for the submission that never finishes (graded on its own, so it holds no worker long)
HANG = "while True:\n    pass\n"
MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[^\n]*\n?", re.M)

ALT_TASK_1 = '''train_transform = v2.Compose([v2.ToImage(), v2.Resize(32), v2.RandomCrop(28),
                              v2.RandomRotation((-30, 30), interpolation=InterpolationMode.BILINEAR),
                              v2.ToDtype(torch.float32, scale=True), v2.Normalize([0.5], [0.5])])
test_transform = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True), v2.Resize((32, 32)),
                             v2.CenterCrop(28), v2.Normalize([0.5], [0.5])])'''
ALT_TASK_2 = '''everything = torch.cat([batch for (batch,) in train_loader]).double()
mean = everything.mean(dim=(0, 2, 3))
std = everything.std(dim=(0, 2, 3))'''
ALT_TASK_3 = '''val_acc = curve.val_acc.mean(axis=1)
gain_pp = float((val_acc[-1] - val_acc[-2]) * 100 / np.log2(curve.sizes[-1] / curve.sizes[-2]))
gain_range = list(gain_interval(curve, level=LEVEL, n_boot=2000, seed=1))
decision = ("Cannot tell yet" if gain_range[0] < MIN_GAIN_PP < gain_range[1]
            else "More data helps." if gain_range[0] >= MIN_GAIN_PP else "Does not help.")'''
CURVE_CALL = ('plan = plan_learning_curve(labels, splits["train"], splits["val"], {sizes}, REPEATS, seed=SEED)\n'
              'curve = learning_curve(images, labels, plan, "mlp", Training(epochs={epochs}, batch_size=BATCH_SIZE, '
              'lr=LR, momentum={momentum}), engine=Engine(device=DEVICE, progress=False))')
WRONG_STD = "mean, std = total / count, ...\n"
LINEAR_WORTH = ("aug_acc = aug_curve.val_acc.mean(axis=1)\n"
                "worth = np.interp(aug_acc, curve.val_acc.mean(axis=1), curve.sizes)\n"  # linear in size, clipped
                "rows = worth_intervals(aug_curve, curve, level=LEVEL, seed=SEED)\n"
                "worth_ranges = [((row.low, row.low_how), (row.high, row.high_how)) for row in rows]\n"
                "aug_decision = ['cannot tell yet'] * len(rows)\n")
PWNED = Path("/tmp/course-grading-test-pwned")  # a forged hand-in that ran code in the judge would create it


def adversarial(paths: dict[str, Path]) -> dict[str, list[tuple[str, str, str]]]:
    """Hostile submissions: name → [(answer cell, "right" or "wrong" answer, code appended to it)].

    ``paths``: the grader's folders and files, which a submission that knows the layout may try to write,
    and a private folder it leaves a link to.
    """
    targets = [paths["out"] / "grades.csv", paths["submissions"] / "alice_hw1.ipynb", paths["source"],
               ROOT / "helpers" / "checks" / "__init__.py", ROOT / "README.md"]
    return {
        "adv_patches": [  # wrong tasks 2 and 3, with torch's, numpy's and math's comparisons patched
            ("task2_answer", "wrong", "import torch\ntorch.allclose = lambda *a, **k: True\n"
                                      "torch.equal = lambda *a, **k: True\n"
                                      "print('✅ Task 2 passed: exact statistics')\nprint('task2: 2/2 points')\n"),
            ("task3_answer", "wrong", "import math\n\nimport numpy\n\n"
                                      "numpy.allclose = numpy.isclose = math.isclose = lambda *a, **k: True\n")],
        "adv_hooks": [  # wrong tasks 4 and 5, with IPython hooks and a fake checks module
            ("task4_answer", "wrong", "ip = get_ipython()\nip.set_custom_exc((BaseException,), lambda *a, **k: None)\n"
                                      "ip.events.register('post_run_cell', lambda *a: print('✅ Task 4 passed'))\n"),
            ("task5_answer", "wrong", "import sys\nimport types\n\nfake = types.SimpleNamespace(grade_task=lambda "
                                      "*a, **k: None, check_task_5=lambda *a, **k: print('✅ passed'))\n"
                                      "sys.modules['helpers.checks'] = fake\n")],
        "adv_check_files": [  # a wrong task 1; edits and deletes the checks
            ("task1_answer", "wrong", "import helpers.checks.common\n\npath = helpers.checks.common.__file__\n"
                                      "text = open(path).read().replace('if not passed:', 'if False:')\n"
                                      "open(path, 'w').write(text)\n"),
            ("task2_answer", "right", "import os\n\nimport helpers.checks\n\nos.remove(helpers.checks.__file__)\n")],
        "adv_outside": [  # right answers; writes into the grader's files, forges task 2's hand-in file
            ("task1_answer", "right", "for target in " + repr([str(t) for t in targets]) + ":\n"
                                      "    try:\n        open(target, 'a').write('pwned')\n"
                                      "    except OSError as error:\n        print(type(error).__name__)\n"),
            ("task5_answer", "right", "import io\nimport os\n\nimport torch\n\n\nclass Payload:\n"
                                      "    def __reduce__(self):\n        return (os.system, "
                                      f"('touch {PWNED}',))\n\n\nbuffer = io.BytesIO()\n"
                                      "torch.save(Payload(), buffer)\nos.makedirs('answers', exist_ok=True)\n"
                                      "torch.save({'values': {'mean': buffer.getvalue()}, 'missing': [], "
                                      "'failed': {}}, 'answers/task2_check.pt')\n")],
        "adv_resources": [  # right answers; a process left running, a memory hog, an output flood
            ("task1_answer", "right", "import os\nimport time\n\nif os.fork() == 0:\n    os.setsid()\n"
                                      "    while True:\n        time.sleep(0.2)\n"),
            ("task2_answer", "right", "hog = bytearray(12 * 2**30)\n"),
            ("task3_answer", "right", "for _ in range(300):\n    print('x' * 100_000)\n"
                                      f"import os\n\nos.symlink({str(paths['private'])!r}, 'link')\n"
                                      "os.makedirs('locked/inner')\nos.chmod('locked', 0o500)\n")],
    }


def tree_hashes(folders: list[Path]) -> dict[str, str]:
    """SHA-256 of every file below ``folders`` (the course checkout, byte for byte)."""
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for folder in folders for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts}


def solution_answers(source: nbformat.NotebookNode) -> dict[str, str]:
    """``grade_id`` → the solution's answer cell without its markers (what a right submission holds)."""
    return {cell.metadata["nbgrader"]["grade_id"]: MARKER.sub("", cell.source) for cell in source.cells
            if cell.metadata.get("nbgrader", {}).get("solution")}


def submission(student: nbformat.NotebookNode, answers: dict[str, str], **changes: str) -> str:
    """The released notebook with ``answers`` (updated by ``changes``) in its answer cells, as JSON text."""
    notebook = nbformat.from_dict(json.loads(nbformat.writes(student)))
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in {**answers, **changes}:
            cell.source = {**answers, **changes}[grade_id]
    return nbformat.writes(notebook)


def build_class(folder: Path, source: nbformat.NotebookNode, paths: dict[str, Path]) -> dict[str, list[str]]:
    """Write the synthetic class into ``folder``; return each student's expected grades.csv row."""
    student = release(source)
    right = solution_answers(source)
    task2_right = right["task2_answer"]
    batch_stds = task2_right.replace("std = (total_sq / count - mean**2).sqrt()",
                                     "std = torch.stack([b.std(dim=(0, 2, 3)) for (b,) in train_loader]).mean(0)")
    files = {
        "alice_hw1.ipynb": submission(student, right),
        "Bob Bäker - hw1 data.ipynb": submission(student, right, task1_answer=ALT_TASK_1, task2_answer=ALT_TASK_2,
                                                 task3_answer=ALT_TASK_3),
        "carol.ipynb": nbformat.writes(student),  # unfinished: the release as it is
        "dave_nearest.ipynb": submission(student, right, task1_answer=right["task1_answer"].replace(
            "v2.RandomRotation(30, interpolation=InterpolationMode.BILINEAR)", "v2.RandomRotation(30)")),
        "erin_batch_stds.ipynb": submission(student, right, task2_answer=batch_stds),
        "frank_tiny_curve.ipynb": submission(student, right, task3_curve=CURVE_CALL.format(
            sizes="[10, 20, 40]", epochs=1, momentum="MOMENTUM")),
        "grace_no_momentum.ipynb": submission(student, right, task3_curve=CURVE_CALL.format(
            sizes="SIZES", epochs="EPOCHS", momentum=0.0)),
        "heidi_fraction.ipynb": submission(student, right, task3_answer=right["task3_answer"].replace(
            "* 100 / np.log2", "/ np.log2")),
        "ivan_linear.ipynb": submission(student, right, task4_answer=LINEAR_WORTH),
        "judy_bug_kept.ipynb": submission(student, right, task5_answer=right["task5_answer"].replace(
            "transform=test_transform", "transform=train_transform")),
        "mallory_noise.ipynb": submission(student, right, task5_answer=right["task5_answer"].replace(
            "transform=train_transform", "transform=lambda im: torch.rand(3, 5, 5)")),
        "niaj_test_split.ipynb": submission(student, right, task5_answer=right["task5_answer"].replace(
            'splits["val"]', 'splits["test"]')),
        "olivia_import_error.ipynb": submission(student, right, task1_answer="import not_a_module\n"
                                                + right["task1_answer"]),
        "rupert_crash.ipynb": submission(student, right, task2_answer="import os\n\nos._exit(1)\n"),
        "sybil_broken.ipynb": submission(student, right)[:2000],  # cut off: not valid JSON
        "trent_report.pdf": "%PDF-1.4 not a notebook",
        "uma_deletes_files.ipynb": submission(student, right, task2_answer=task2_right
                                              + "\nimport os\n\nfor name in os.listdir('.'):\n    os.remove(name)\n"),
        "victor_redefines.ipynb": submission(student, right, task2_answer=batch_stds + (
            "\nimport helpers.checks\n\n\ndef check_task_2(*args, **kwargs):\n    print('✅ Task 2 passed')\n\n\n"
            "helpers.checks.grade_task = lambda *args, **kwargs: None\nhelpers.checks.common._CHECKS.clear()\n")),
        "wendy_wrong_settings.ipynb": submission(student, right, task3_curve=CURVE_CALL.format(
            sizes="SIZES", epochs="EPOCHS", momentum="MOMENTUM").replace('splits["val"]', 'splits["test"]')),
    }
    wrong = {"task1_answer": files_answer(files["dave_nearest.ipynb"], "task1_answer"),
             "task2_answer": batch_stds,
             "task3_answer": files_answer(files["heidi_fraction.ipynb"], "task3_answer"),
             "task4_answer": files_answer(files["ivan_linear.ipynb"], "task4_answer"),
             "task5_answer": files_answer(files["judy_bug_kept.ipynb"], "task5_answer")}
    for name, changes in adversarial(paths).items():
        answers = {cell: (right if base == "right" else wrong)[cell] + "\n" + code for cell, base, code in changes}
        files[f"{name}.ipynb"] = submission(student, right, **answers)
    files["empty.ipynb"] = ""
    files["huge.ipynb"] = submission(student, right).replace('"cells": [', '"padding": "' + "x" * 21_000_000
                                                               + '", "cells": [', 1)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    full = ["2", "2", "2", "2", "2", "10", "graded"]

    def row(status: str = "graded", **zero: int) -> list[str]:
        if status != "graded":
            return ["0"] * 6 + [status]
        points = [("0" if f"task{k}" in zero else "2") for k in range(1, 6)]
        return points + [str(sum(int(p) for p in points)), status]

    return {
        "alice_hw1": full, "Bob Bäker - hw1 data": full, "carol": ["0"] * 6 + ["graded"],
        "dave_nearest": row(task1=0, task5=0), "erin_batch_stds": row(task2=0),
        "frank_tiny_curve": row(task3=0, task4=0), "grace_no_momentum": row(task3=0),
        "heidi_fraction": row(task3=0), "ivan_linear": row(task4=0), "judy_bug_kept": row(task5=0),
        "mallory_noise": ["2", "2", "2", "2", "needs review", "8", "needs review"], "niaj_test_split": row(task5=0),
        "olivia_import_error": row(task1=0, task5=0),
        "rupert_crash": row("crashed"), "sybil_broken": row("not a notebook"),
        "trent_report.pdf": row("not a notebook"), "uma_deletes_files": full,
        "victor_redefines": row(task2=0),
        "wendy_wrong_settings": row(task3=0, task4=0),  # task 4's intervals need both curves on the same digits
        "adv_patches": row(task2=0, task3=0), "adv_hooks": row(task4=0, task5=0),
        "adv_check_files": row(task1=0, task5=0),
        "adv_outside": ["2", "needs review", "2", "2", "2", "8", "needs review"],
        "adv_resources": full,
        "empty": row("not a notebook"),
        "huge": row("too large"),
    }


def files_sorted_after(folder: Path, name: str, prefix: str) -> bool:
    """Whether ``name`` comes after every file starting with ``prefix`` in the grader's (sorted) order."""
    order = sorted(p.name for p in folder.iterdir())
    return all(order.index(name) > i for i, other in enumerate(order) if other.startswith(prefix))


def files_answer(text: str, grade_id: str) -> str:
    """The answer cell ``grade_id`` of a submission given as JSON text."""
    return next(c.source for c in nbformat.reads(text, as_version=4).cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.fixture(scope="module")
def small_source(tmp_path_factory) -> Path:
    """The solution notebook with small settings (the instructor's source for this class)."""
    source = nbformat.read(SOLUTION, as_version=4)
    settings = next(c for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "settings")
    for old, new in SMALL.items():
        assert old in settings.source, f"the settings cell changed: {old!r} is gone"
        settings.source = settings.source.replace(old, new)
    path = tmp_path_factory.mktemp("source") / "hw1_data_solution.ipynb"
    nbformat.write(source, path)
    return path


@pytest.mark.slow
def test_a_synthetic_class_gets_exactly_the_expected_grades(tmp_path, small_source):
    submissions, out = tmp_path / "submissions", tmp_path / "out"
    submissions.mkdir()
    PWNED.unlink(missing_ok=True)
    private = tmp_path / "private"  # a folder the grader must not touch through a link a kernel leaves
    private.mkdir(mode=0o700)
    paths = {"submissions": submissions, "out": out, "source": small_source, "private": private}
    expected = build_class(submissions, nbformat.read(small_source, as_version=4), paths)
    before = {p.name: p.read_bytes() for p in submissions.iterdir()}
    course = [ROOT / name for name in ("helpers", "tools", "notebooks", "tests")]
    checkout, source_bytes = tree_hashes(course), small_source.read_bytes()
    start = time.monotonic()
    results = grade_folder(submissions, out, small_source, timeout=TIMEOUT, jobs=2)
    print(f"graded {len(results)} submissions in {time.monotonic() - start:.0f} s")
    with (out / "grades.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["student", "task1", "task2", "task3", "task4", "task5", "total", "status"]
    got = {row[0]: row[1:] for row in rows[1:]}
    assert got == expected, "\n".join(f"{s}: got {got.get(s)}, expected {e}" for s, e in expected.items()
                                      if got.get(s) != e)
    assert {p.name: p.read_bytes() for p in submissions.iterdir()} == before, "submissions are never modified"
    assert tree_hashes(course) == checkout and small_source.read_bytes() == source_bytes, "the checkout is unchanged"
    assert not PWNED.exists(), "a forged hand-in file ran code in the judge"
    assert private.stat().st_mode & 0o777 == 0o700, "cleaning up followed a link a kernel left"
    assert not [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and
                p.info["uids"].real in grade.SANDBOX_UIDS], "a process a submission left running was not stopped"
    assert len(results) == len(expected)
    assert files_sorted_after(submissions, "alice_hw1.ipynb", "adv_"), "a right submission is graded after the cheats"

    def feedback(student: str) -> str:
        return (out / "feedback" / f"{student}.txt").read_text(encoding="utf-8")

    erin = feedback("erin_batch_stds")
    assert "task2: 0/2 points" in erin and "mean of per-batch stds" in erin
    cheat = feedback("victor_redefines")
    assert "mean of per-batch stds" in cheat and "✅" not in cheat, "a redefined check's output is not feedback"
    assert "momentum=0.9" in feedback("grace_no_momentum")
    assert "task4_answer raised ValueError" in feedback("wendy_wrong_settings"), "worth_intervals: other digits"
    assert "task1_answer raised ModuleNotFoundError" in feedback("olivia_import_error")
    assert "task2: needs review" in feedback("adv_outside") and "posix.system" in feedback("adv_outside")
    assert "task5: needs review" in feedback("mallory_noise") and "cannot take this answer by value" in feedback(
        "mallory_noise"), "a lambda in an answer is for the instructor to review, never run by the grader"
    assert "raised MemoryError" in feedback("adv_resources")
    assert (out / "graded" / "adv_resources.ipynb").stat().st_size < 5_000_000, "output is capped"
    assert "more than 20,000,000" in feedback("huge") and "not a Jupyter notebook" in feedback("empty")


def test_a_submission_that_never_finishes_is_stopped_at_the_limit(tmp_path, small_source):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    source = nbformat.read(small_source, as_version=4)
    (submissions / "peggy_hang.ipynb").write_text(
        submission(release(source), solution_answers(source), task2_answer=HANG), encoding="utf-8")
    results = grade_folder(submissions, tmp_path / "out", small_source, timeout=HANG_TIMEOUT, jobs=1)
    with (tmp_path / "out" / "grades.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[1:] == [["peggy_hang"] + ["0"] * 6 + ["timed out"]] and len(results) == 1
    feedback = (tmp_path / "out" / "feedback" / "peggy_hang.txt").read_text(encoding="utf-8")
    assert f"did not finish within {HANG_TIMEOUT} s" in feedback


def test_autograde_notebook_keeps_the_source_outside_answer_cells(small_source):
    source = nbformat.read(small_source, as_version=4)
    student = nbformat.reads(submission(release(source), solution_answers(source)), as_version=4)
    check = next(c for c in student.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "task1_check")
    check.source = "print('✅ Task 1 passed')"  # a student who edits a check cell
    graded = autograde_notebook(source, student)
    graded_check = next(c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "task1_check")
    assert "### BEGIN HIDDEN TESTS" in graded_check.source and "grade_task(1," in graded_check.source
    assert [c.source for c in graded.cells if not c.metadata.get("nbgrader", {}).get("solution")] == \
        [c.source for c in source.cells if not c.metadata.get("nbgrader", {}).get("solution")]


def test_the_students_kernel_never_sees_the_hidden_tests_it_only_hands_in_answers(small_source):
    source = nbformat.read(small_source, as_version=4)
    student = nbformat.reads(submission(release(source), solution_answers(source)), as_version=4)
    kernel = grade.sandboxed_notebook(autograde_notebook(source, student), source)
    code = "\n".join(cell.source for cell in kernel.cells if cell.cell_type == "code")
    assert "BEGIN HIDDEN TESTS" not in code and "grade_task" not in code and "reproduce=" not in code
    check = next(c for c in kernel.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "task4_check")
    assert check.source.startswith("check_task_4(aug_curve, worth, worth_ranges, aug_decision, curve"), \
        "the student-side check still runs"
    assert "__hand_in(['aug_curve', 'aug_decision', 'curve', 'worth', 'worth_ranges'], globals())" in check.source


def test_task_columns_and_unreadable_files(tmp_path, small_source):
    assert task_columns(nbformat.read(small_source, as_version=4)) == {f"task{k}": 2.0 for k in range(1, 6)}
    (tmp_path / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    (tmp_path / "binary.ipynb").write_bytes(b"\xff\xfe\x00")
    assert read_submission(tmp_path / "broken.ipynb") is None and read_submission(tmp_path / "binary.ipynb") is None


def test_grade_folder_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="SUBMISSIONS_DIR='.*missing' is not a folder"):
        grade_folder(tmp_path / "missing", tmp_path / "out")
    with pytest.raises(ValueError, match="timeout=0 must be a positive number of seconds"):
        grade_folder(tmp_path, tmp_path / "out", timeout=0)
    with pytest.raises(ValueError, match="jobs=0 must be at least 1"):
        grade_folder(tmp_path, tmp_path / "out", jobs=0)


def test_a_kernel_runs_with_the_source_inside_the_checkout_and_sees_neither(tmp_path):
    """The default layout: the solution notebook lives in the course checkout, both are hidden from the kernel."""
    secret = SOLUTION.read_text(encoding="utf-8")[:200]
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import pathlib\n"
        f"for path in {[str(SOLUTION), str(ROOT / 'README.md'), str(tmp_path / 'submissions')]!r}:\n"
        "    try:\n        print(path, len(pathlib.Path(path).read_text()))\n"
        "    except OSError as error:\n        print(path, type(error).__name__)\n"
        "import helpers.checks\nprint('course copy:', helpers.checks.__file__)")])
    (tmp_path / "submissions").mkdir()
    sandbox = grade.Sandbox(hidden=[ROOT, SOLUTION, tmp_path / "submissions"])
    try:
        status, executed, _ = grade.execute(probe, sandbox, 0, timeout=120)
    finally:
        sandbox.close()
    assert status == "graded"
    text = "".join(output.get("text", "") for output in executed.cells[0].outputs)
    assert f"course copy: {sandbox.view}" in text and secret not in text
    if sandbox.isolated:  # as root: hidden (or behind a folder it may not enter); else only the hash check guards
        for path in (SOLUTION, ROOT / "README.md"):
            assert re.search(rf"^{re.escape(str(path))} (FileNotFoundError|PermissionError)$", text, re.M), text


def test_each_kernel_gets_its_share_of_the_cores_unless_the_environment_says(monkeypatch):
    """Two kernels that each spin OpenMP threads on every core slow each other down many times over."""
    for name in grade.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os, torch\nprint(os.environ.get('OMP_NUM_THREADS'), os.environ.get('MKL_NUM_THREADS'), "
        "torch.get_num_threads())")])
    sandbox = grade.Sandbox(hidden=[])

    def seen(threads):
        status, executed, _ = grade.execute(probe, sandbox, 0, timeout=120, threads=threads)
        assert status == "graded"
        return executed.cells[0].outputs[0]["text"].split()

    try:
        assert seen(1) == ["1", "1", "1"]
        monkeypatch.setenv("OMP_NUM_THREADS", "2")  # the instructor's own setting wins
        assert seen(1) == ["2", "None", "2"]
    finally:
        sandbox.close()
    assert grade.kernel_threads(jobs=1) >= grade.kernel_threads(jobs=2) >= 1
