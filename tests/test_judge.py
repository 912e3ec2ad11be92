"""The judge takes answers by value only: data and allowed records load, code never runs.

Fast unit tests of ``tools.judge`` and of the grader's hash check (the synthetic class in
``test_grading.py`` runs the whole pipeline with real kernels).
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
import torch
from torchvision.transforms import InterpolationMode, v2

nbformat = pytest.importorskip("nbformat")
grade = pytest.importorskip("tools.grade", reason="the autograder needs the instructors' extra: pip install .[grade]")
from tools.judge import hand_in_source, judge, judge_cell, load_answers  # noqa: E402

MARKER = Path("/tmp/course-judge-test-ran-code")


class Payload:
    """A pickle that runs a command when it is loaded — what a forged hand-in would hold."""

    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


def hand_in(folder: Path, grade_id: str = "task_check", **answers: object) -> Path:
    """Run the kernel's hand-in code in ``folder`` with ``answers`` defined; the file it wrote."""
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        exec(hand_in_source(grade_id, sorted(answers) + ["not_defined"]), dict(answers))
    finally:
        os.chdir(cwd)
    return folder / "answers" / f"{grade_id}.pt"


def test_plain_answers_and_torchvision_pipelines_come_back_by_value(tmp_path):
    pipeline = v2.Compose([v2.Resize((32, 32)), v2.RandomRotation(30, interpolation=InterpolationMode.BILINEAR),
                           v2.ToImage(), v2.ToDtype(torch.float32, scale=True), v2.Normalize((0.5,), (0.5,))])
    answers, missing, failed = load_answers(hand_in(tmp_path, mean=torch.tensor([0.5, 0.25]), gain=2.5,
                                                    pipeline=pipeline, pair=(125.0, "fewer than")))
    assert missing == ["not_defined"] and failed == {}
    assert torch.equal(answers["mean"], torch.tensor([0.5, 0.25])) and answers["gain"] == 2.5
    assert answers["pair"] == (125.0, "fewer than")
    assert answers["pipeline"].transforms[1].interpolation == InterpolationMode.BILINEAR


def test_code_in_an_answer_is_refused_and_never_run(tmp_path):
    MARKER.unlink(missing_ok=True)
    answers, _, failed = load_answers(hand_in(tmp_path, step=v2.Lambda(lambda x: x), ok=1.0))
    assert answers == {"ok": 1.0} and "step" in failed, "a lambda cannot come back by value"
    buffer = io.BytesIO()
    torch.save(Payload(), buffer)
    forged = tmp_path / "forged.pt"
    torch.save({"values": {"mean": buffer.getvalue()}, "missing": [], "failed": {}}, forged)
    answers, _, failed = load_answers(forged)
    assert answers == {} and "posix.system" in failed["mean"]
    assert not MARKER.exists(), "loading a forged answer ran its code"


def test_hidden_tests_run_with_the_answers_in_a_namespace_of_their_own():
    trusted = {"LIMIT": 3}
    assert judge_cell("assert x < LIMIT", trusted, {"x": 2}, []) == ("passed", "")
    assert judge_cell("assert x < LIMIT, 'x is too big'", trusted, {"x": 5}, []) == ("failed", "x is too big")
    assert judge_cell("assert x is ...", trusted, {}, ["x"]) == ("passed", ""), "a missing answer is `...`"
    assert "x" not in trusted


def test_grading_stops_when_a_course_file_changed(tmp_path, monkeypatch):
    source = tmp_path / "source.ipynb"
    source.write_text("{}", encoding="utf-8")
    before = grade.course_hashes(source)
    grade.check_unchanged(before, source)  # unchanged: no error
    source.write_text('{"cells": []}', encoding="utf-8")
    with pytest.raises(grade.CourseFilesChanged, match=r"source\.ipynb changed while grading"):
        grade.check_unchanged(before, source)


def test_an_answer_that_makes_the_hidden_tests_run_long_is_stopped_and_left_for_review(tmp_path):
    """A student can make the student-side check a no-op, so the judge's time is limited per submission."""
    answer = nbformat.v4.new_code_cell("pipeline = v2.Resize((16000, 16000))")
    answer.metadata["nbgrader"] = {"solution": True, "grade_id": "task_answer"}
    check = nbformat.v4.new_code_cell("### BEGIN HIDDEN TESTS\nfrom PIL import Image\n\nfor _ in range(1000):\n"
                                      "    pipeline(Image.new('L', (28, 28)))\n### END HIDDEN TESTS\n")
    check.metadata["nbgrader"] = {"grade": True, "grade_id": "task_check", "points": 1}
    source = tmp_path / "source.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[answer, check]), source)
    hand_in(tmp_path, pipeline=v2.Resize((16000, 16000)))
    start = time.monotonic()
    verdicts = judge(source, tmp_path / "answers", seconds=2)
    assert time.monotonic() - start < 30
    assert verdicts == [{"grade_id": "task_check", "verdict": "needs review", "message": verdicts[0]["message"]}]
    assert "ran longer than 2 s" in verdicts[0]["message"]
