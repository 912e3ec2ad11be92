"""The homework generator (solution → student notebook) and the drift test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.homework import assigned_names, make_student_notebook, student_path_for

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "notebooks" / "homework").glob("*_solution.ipynb"))


def cell(source: str, cell_type: str = "code") -> dict:
    extra = {"outputs": [{"output_type": "stream", "name": "stdout", "text": "42\n"}], "execution_count": 3}
    return {"cell_type": cell_type, "source": source, "metadata": {}, **(extra if cell_type == "code" else {})}


def test_code_solution_becomes_hint_and_ellipsis_assignments_without_outputs():
    source = ("loader = make_loader()\n### BEGIN SOLUTION\n# HINT: one pass, float64 sums\n"
              "total = sum(x for x in loader)\nmean, std = total / 2, 1.0\n### END SOLUTION\ncheck_task_2(mean, std)")
    student = make_student_notebook({"cells": [cell(source)]})["cells"][0]
    assert student["source"] == ("loader = make_loader()\n# HINT: one pass, float64 sums\n"
                                 "total = ...  # your code here\nmean = ...  # your code here\n"
                                 "std = ...  # your code here\ncheck_task_2(mean, std)")
    assert student["outputs"] == [] and student["execution_count"] is None


def test_indented_blocks_keep_their_indentation():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    y = x + 1\n    ### END SOLUTION\n    return y"
    student = make_student_notebook({"cells": [cell(source)]})["cells"][0]["source"]
    assert student == "def f(x):\n    y = ...  # your code here\n    return y"


def test_markdown_answers_are_replaced_and_other_cells_untouched():
    notebook = {"cells": [cell("Would more data help?\n### BEGIN SOLUTION\nYes, +2 pp.\n### END SOLUTION\n",
                               "markdown"), cell("print(42)")]}
    student = make_student_notebook(notebook)
    assert student["cells"][0]["source"] == "Would more data help?\n*Your answer here.*\n"
    assert student["cells"][1] == notebook["cells"][1]
    assert "Yes" in notebook["cells"][0]["source"], "the solution notebook itself is not changed"


def test_title_and_badge_point_to_the_student_notebook():
    title = cell("# HW1 · Data (solution)\n[badge](https://x/notebooks/homework/hw1_data_solution.ipynb)", "markdown")
    student = make_student_notebook({"cells": [title]}, "hw1_data_solution.ipynb")["cells"][0]["source"]
    assert student == "# HW1 · Data\n[badge](https://x/notebooks/homework/hw1_data.ipynb)"


def test_unbalanced_markers_are_reported():
    with pytest.raises(ValueError, match="needs its own '### END SOLUTION'"):
        make_student_notebook({"cells": [cell("### BEGIN SOLUTION\nx = 1\n")]})


def test_assigned_names_cover_tuples_annotations_and_augmented_assignments():
    assert assigned_names("a, (b, c) = f()\nd: int = 1\na += 1\nprint(e)") == ["a", "b", "c", "d"]


def test_student_path_must_come_from_a_solution_path():
    with pytest.raises(ValueError, match="solution_path must end with '_solution.ipynb'"):
        student_path_for("hw1.ipynb")


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_committed_student_notebook_is_up_to_date_with_its_solution(solution):
    student_file = Path(student_path_for(str(solution)))
    assert student_file.exists(), f"{student_file.name} is missing: run `python tasks.py homework`"
    expected = make_student_notebook(json.loads(solution.read_text()), solution.name)
    committed = json.loads(student_file.read_text())
    sources = [("".join(c["source"]), c["cell_type"]) for c in committed["cells"]]
    wanted = [("".join(c["source"]), c["cell_type"]) for c in expected["cells"]]
    assert sources == wanted, f"{student_file.name} is out of date: run `python tasks.py homework`"


def test_assigned_names_skip_subscripts_and_attributes():
    assert assigned_names("x[i] = 1\nmodel.weight = w\na, *rest = f()\n[p, q.r] = g()") == ["a", "rest", "p"]


def test_blocks_that_define_import_or_loop_are_stubbed_not_passed():
    block = ("def f():\n    inner = 1\nclass C: pass\nimport numpy as np\nimport os\n"
             "for i, (j, k) in pairs:\n    total = i\nwith open(p) as fh:\n    text = fh.read()\n")
    assert assigned_names(block) == ["f", "C", "np", "fh", "text"], "loop variables are not answers"
    assert assigned_names("for i, (j, k) in pairs:\n    total = i\n") == ["i", "j", "k", "total"], \
        "a block that only loops still gets stubs, so its check finds the names"
    source = "### BEGIN SOLUTION\ndef loss(x):\n    return x\n### END SOLUTION\ncheck(loss)"
    student = make_student_notebook({"cells": [cell(source)]})["cells"][0]["source"]
    assert student == "loss = ...  # your code here\ncheck(loss)"


def test_markers_in_the_wrong_order_are_reported():
    source = "### END SOLUTION\nx = 1\n### BEGIN SOLUTION\ny = 2\n### END SOLUTION\n### BEGIN SOLUTION\n"
    with pytest.raises(ValueError, match="the solution markers are out of order"):
        make_student_notebook({"cells": [cell(source)]})
