"""A synthetic class, autograded: ``python -m tools.grade`` gives the exact grades.csv.

The submissions are built from the released student notebook of a small-settings copy of
the solution (so the training tasks take a second): right answers in two formulations,
each task wrong in a typical way, unfinished, a crash, broken JSON, a file that is no
notebook, an answer that deletes the files of its working folder and one that redefines
the checks. A submission that never finishes is graded on its own, with a short time limit,
so that it does not hold one of the class's two workers for the whole limit.
"""

from __future__ import annotations

import csv
import json
import re
import time
from pathlib import Path

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
HANG_TIMEOUT = 15  # s: the limit for the submission that never finishes (graded on its own, so it holds no worker long)
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
more_data_helps = gain_pp >= MIN_GAIN_PP'''
CURVE_CALL = ('curve = learning_curve(images, labels, splits["train"], splits["val"], {sizes}, model="mlp", '
              'repeats=REPEATS, epochs={epochs}, batch_size=BATCH_SIZE, lr=LR, momentum={momentum}, seed=SEED, '
              'device=DEVICE, progress=False)')
WRONG_STD = "mean, std = total / count, ...\n"


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


def build_class(folder: Path, source: nbformat.NotebookNode) -> dict[str, list[str]]:
    """Write the synthetic class into ``folder``; return each student's expected grades.csv row."""
    student = release(source)
    right = solution_answers(source)
    task2_right = right["task2_answer"]
    batch_stds = task2_right.replace("std = (total_sq / count - mean**2).sqrt()",
                                     "std = torch.stack([b.std(dim=(0, 2, 3)) for (b,) in train_loader]).mean(0)")
    files = {
        "alice_hw1.ipynb": submission(student, right),
        "Bob Baker - hw1_data.ipynb": submission(student, right, task1_answer=ALT_TASK_1, task2_answer=ALT_TASK_2,
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
        "ivan_linear.ipynb": submission(student, right, task4_answer=right["task4_answer"].replace(
            "np.exp(np.interp(aug_acc, curve.val_acc.mean(axis=1), np.log(curve.sizes)))",
            "np.interp(aug_acc, curve.val_acc.mean(axis=1), curve.sizes)")),
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
            "helpers.checks.grade_task = lambda *args, **kwargs: None\nhelpers.checks.CHECKS.clear()\n")),
        "wendy_wrong_settings.ipynb": submission(student, right, task3_curve=CURVE_CALL.format(
            sizes="SIZES", epochs="EPOCHS", momentum="MOMENTUM").replace('splits["val"]', 'splits["test"]')),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    full = ["2", "2", "2", "2", "2", "10", "graded"]

    def row(status: str = "graded", **zero: int) -> list[str]:
        if status != "graded":
            return ["0"] * 6 + [status]
        points = [("0" if f"task{k}" in zero else "2") for k in range(1, 6)]
        return points + [str(sum(int(p) for p in points)), status]

    return {
        "alice_hw1": full, "Bob Baker - hw1_data": full, "carol": ["0"] * 6 + ["graded"],
        "dave_nearest": row(task1=0, task5=0), "erin_batch_stds": row(task2=0),
        "frank_tiny_curve": row(task3=0, task4=0), "grace_no_momentum": row(task3=0),
        "heidi_fraction": row(task3=0), "ivan_linear": row(task4=0), "judy_bug_kept": row(task5=0),
        "mallory_noise": row(task5=0), "niaj_test_split": row(task5=0),
        "olivia_import_error": row(task1=0, task5=0),
        "rupert_crash": row("crashed"), "sybil_broken": row("not a notebook"),
        "trent_report.pdf": row("not a notebook"), "uma_deletes_files": full,
        "victor_redefines": row(task2=0), "wendy_wrong_settings": row(task3=0),
    }


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
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    expected = build_class(submissions, nbformat.read(small_source, as_version=4))
    before = {p.name: p.read_bytes() for p in submissions.iterdir()}
    start = time.monotonic()
    results = grade_folder(submissions, tmp_path / "out", small_source, timeout=TIMEOUT, jobs=2)
    print(f"graded {len(results)} submissions in {time.monotonic() - start:.0f} s")
    with (tmp_path / "out" / "grades.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["student", "task1", "task2", "task3", "task4", "task5", "total", "status"]
    got = {row[0]: row[1:] for row in rows[1:]}
    assert got == expected, "\n".join(f"{s}: got {got.get(s)}, expected {e}" for s, e in expected.items()
                                      if got.get(s) != e)
    assert {p.name: p.read_bytes() for p in submissions.iterdir()} == before, "submissions are never modified"
    assert len(results) == len(expected)
    feedback = (tmp_path / "out" / "feedback" / "erin_batch_stds.txt").read_text(encoding="utf-8")
    assert "task2: 0/2 points" in feedback and "mean of per-batch stds" in feedback
    cheat = (tmp_path / "out" / "feedback" / "victor_redefines.txt").read_text(encoding="utf-8")
    assert "mean of per-batch stds" in cheat and "✅" not in cheat, "a redefined check's output is not feedback"
    assert "momentum=0.9" in (tmp_path / "out" / "feedback" / "grace_no_momentum.txt").read_text()
    assert "task1_answer raised ModuleNotFoundError" in (tmp_path / "out" / "feedback" /
                                                         "olivia_import_error.txt").read_text()


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


def test_each_kernel_gets_its_share_of_the_cores_unless_the_environment_says(tmp_path, monkeypatch):
    """Two kernels that each spin OpenMP threads on every core slow each other down many times over."""
    for name in grade.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os, torch\nprint(os.environ.get('OMP_NUM_THREADS'), os.environ.get('MKL_NUM_THREADS'), "
        "torch.get_num_threads())")])

    def seen(threads):
        status, executed = grade.execute(probe, tmp_path, timeout=120, threads=threads)
        assert status == "graded"
        return executed.cells[0].outputs[0]["text"].split()

    assert seen(1) == ["1", "1", "1"]
    monkeypatch.setenv("OMP_NUM_THREADS", "2")  # the instructor's own setting wins
    assert seen(1) == ["2", "None", "2"]
    assert grade.kernel_threads(jobs=1) >= grade.kernel_threads(jobs=2) >= 1
