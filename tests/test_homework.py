"""Releasing the homework with nbgrader (solution → student notebook), and the drift test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
homework = pytest.importorskip("tools.homework", reason="releasing needs nbgrader: pip install .[grade]")

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "notebooks" / "homework").glob("*_solution.ipynb"))


def cell(source: str, cell_type: str = "code", solution: bool = True, grade: bool = False) -> dict:
    """A cell with outputs and nbgrader metadata (a solution cell unless ``solution=False``)."""
    made = nbformat.v4.new_code_cell(source) if cell_type == "code" else nbformat.v4.new_markdown_cell(source)
    if cell_type == "code":
        made.outputs, made.execution_count = [nbformat.v4.new_output("stream", text="42\n")], 3
    if solution or grade:
        made.metadata["nbgrader"] = {"grade": grade or cell_type == "markdown", "grade_id": f"c{id(made)}",
                                     "locked": False, "schema_version": 3, "solution": solution, "task": False,
                                     **({"points": 1} if grade or cell_type == "markdown" else {})}
    return made


def released(*cells: dict, name: str | None = None) -> list:
    return homework.release(nbformat.v4.new_notebook(cells=list(cells)), name).cells


def test_code_solution_becomes_hint_and_ellipsis_assignments_without_outputs():
    source = ("loader = make_loader()\n### BEGIN SOLUTION\n# HINT: one pass, float64 sums\n"
              "total = sum(x for x in loader)\nmean, std = total / 2, 1.0\n### END SOLUTION\ncheck_task_2(mean, std)")
    student = released(cell(source))[0]
    assert student.source == ("loader = make_loader()\n# HINT: one pass, float64 sums\n"
                              "total = ...  # your code here\nmean = ...  # your code here\n"
                              "std = ...  # your code here\ncheck_task_2(mean, std)")
    assert student.outputs == [] and student.execution_count is None


def test_a_loop_skeleton_stays_a_loop_with_a_pass_body():
    source = ("count = 0\nfor batch in loader:\n    ### BEGIN SOLUTION\n    count += len(batch)\n"
              "    ### END SOLUTION\n### BEGIN SOLUTION\nmean = count / 2\n### END SOLUTION")
    assert released(cell(source))[0].source == ("count = 0\nfor batch in loader:\n    pass  # your code here\n"
                                                "mean = ...  # your code here")


def test_hidden_tests_are_removed_and_visible_checks_kept():
    check = cell("check_task_1(a)\n### BEGIN HIDDEN TESTS\ngrade_task(1, a)\n### END HIDDEN TESTS", solution=False,
                 grade=True)
    student = released(check)[0]
    assert student.source == "check_task_1(a)"
    assert student.metadata["nbgrader"]["checksum"], "nbgrader's checksum lets the grader spot an untouched answer"


def test_markdown_answers_are_replaced_and_other_cells_untouched():
    question = cell("Would more data help?\n### BEGIN SOLUTION\nYes, +2 pp.\n### END SOLUTION\n", "markdown")
    given = cell("print(42)", solution=False)
    notebook = nbformat.v4.new_notebook(cells=[question, given])
    student = homework.release(notebook).cells
    assert student[0].source == "Would more data help?\n*Your answer here.*\n"
    assert student[1].source == "print(42)" and student[1].outputs == given.outputs
    assert "Yes" in notebook.cells[0].source, "the solution notebook itself is not changed"


def test_title_and_badge_point_to_the_student_notebook():
    title = cell("# HW1 · Data (solution)\n[badge](https://x/notebooks/homework/hw1_data_solution.ipynb)", "markdown",
                 solution=False)
    student = released(title, name="hw1_data_solution.ipynb")[0].source
    assert student == "# HW1 · Data\n[badge](https://x/notebooks/homework/hw1_data.ipynb)"


def test_a_solution_region_outside_a_solution_cell_is_refused():
    with pytest.raises(RuntimeError, match="Solution region detected in a non-solution cell"):
        released(cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", solution=False))


def test_unbalanced_markers_are_reported():
    with pytest.raises(ValueError, match="needs its own '### END SOLUTION'"):
        released(cell("### BEGIN SOLUTION\nx = 1\n"))


def test_markers_in_the_wrong_order_are_reported():
    source = "### END SOLUTION\nx = 1\n### BEGIN SOLUTION\ny = 2\n### END SOLUTION\n### BEGIN SOLUTION\n"
    with pytest.raises(ValueError, match="the solution markers are out of order"):
        released(cell(source))


def test_assigned_names_cover_tuples_annotations_but_not_updates():
    assert homework.assigned_names("a, (b, c) = f()\nd: int = 1\ne += 1\nprint(g)") == ["a", "b", "c", "d"]


def test_assigned_names_skip_subscripts_and_attributes():
    assert homework.assigned_names("x[i] = 1\nmodel.weight = w\na, *rest = f()\n[p, q.r] = g()") == ["a", "rest", "p"]


def test_blocks_that_define_import_or_loop_are_stubbed_not_passed():
    block = ("def f():\n    inner = 1\nclass C: pass\nimport numpy as np\nimport os\n"
             "for i, (j, k) in pairs:\n    total = i\nwith open(p) as fh:\n    text = fh.read()\n")
    assert homework.assigned_names(block) == ["f", "C", "np", "fh", "text"], "loop variables are not answers"
    assert homework.assigned_names("for i, (j, k) in pairs:\n    total = i\n") == ["i", "j", "k", "total"]


def test_student_path_must_come_from_a_solution_path():
    with pytest.raises(ValueError, match="solution_path must end with '_solution.ipynb'"):
        homework.student_path_for("hw1.ipynb")


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_committed_student_notebook_is_a_fresh_release_of_its_solution(solution):
    student_file = Path(homework.student_path_for(str(solution)))
    assert student_file.exists(), f"{student_file.name} is missing: run `python -m tools.homework`"
    expected = homework.release(nbformat.read(solution, as_version=4), solution.name)
    committed = json.loads(student_file.read_text(encoding="utf-8"))
    sources = [("".join(c["source"]), c["cell_type"], c["metadata"].get("nbgrader")) for c in committed["cells"]]
    wanted = [(c.source, c.cell_type, c.metadata.get("nbgrader")) for c in expected.cells]
    assert sources == wanted, f"{student_file.name} is out of date: run `python -m tools.homework`"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_the_student_notebook_imports_no_grading_package_and_no_answer(solution):
    cells = nbformat.read(Path(homework.student_path_for(str(solution))), as_version=4).cells
    student = "\n".join(cell.source for cell in cells if cell.cell_type == "code")
    for name in ("nbgrader", "lecture_transform", "dataset_mean_std", "equivalent_examples", "gain_per_doubling",
                 "grade_task", "BEGIN HIDDEN TESTS"):
        assert name not in student, f"the student notebook's code mentions {name}"
