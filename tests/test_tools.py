"""The maintainer tools under tools/: executing notebooks (final progress-bar states), the course address."""

from __future__ import annotations

import doctest
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.claims import STRICT_ENV
from helpers.training import TEXT_PROGRESS_ENV
from tools import course, execute, set_repo, slides
from tools.notebooks import QUIET_DEBUGGER, kernel_env, with_settings

ROOT = Path(__file__).resolve().parents[1]


def test_a_rewritten_line_keeps_only_its_final_state():
    bar = "9 mlp models:   0%|          | 0/9\r9 mlp models:  44%|####      | 4/9\r9 mlp models: 100%|##########| 9/9\n"
    assert execute.final_line_states(bar) == "9 mlp models: 100%|##########| 9/9\n"
    assert execute.final_line_states("a\r\nb\n") == "a\nb\n", "Windows line ends are not overwrites"
    assert execute.final_line_states("no carriage return\nat all") == "no carriage return\nat all"


def test_stream_outputs_are_joined_only_when_adjacent_and_of_the_same_name():
    figure = {"output_type": "display_data", "data": {"text/plain": "<Figure>"}, "metadata": {}}
    outputs = [{"output_type": "stream", "name": "stdout", "text": "bar  0%\r"},
               {"output_type": "stream", "name": "stdout", "text": "bar 100%\n"},
               {"output_type": "stream", "name": "stderr", "text": "warning\n"},
               figure,
               {"output_type": "stream", "name": "stdout", "text": "after the figure\n"}]
    original = json.dumps(outputs)
    assert [o.get("text") for o in execute.final_stream_outputs(outputs)] == [
        "bar 100%\n", "warning\n", None, "after the figure\n"]
    assert json.dumps(outputs) == original, "the input is left as it was"


@pytest.mark.slow
def test_execute_saves_the_final_progress_bar_as_text_with_strict_claims(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(f"import os\nprint(os.environ[{STRICT_ENV!r}], os.getcwd())"),
        nbformat.v4.new_code_cell("from helpers.training import _progress_bar\n"
                                  "for step in _progress_bar(range(200), '30 mlp models', True):\n"
                                  "    pass"),
    ]
    path = tmp_path / "run_me.ipynb"
    nbformat.write(notebook, path)
    seconds = execute.execute_notebook(path, timeout=120)
    saved = nbformat.read(path, as_version=4)
    assert seconds > 0 and [c.execution_count for c in saved.cells] == [1, 2]
    assert saved.cells[0].outputs[0].text == f"1 {tmp_path}\n", "strict claims, run in the notebook's folder"
    (bar,) = saved.cells[1].outputs
    assert bar.output_type == "stream" and "\r" not in bar.text
    assert bar.text.startswith("30 mlp models: 100%|") and "200/200" in bar.text and " 0%|" not in bar.text


def test_execute_main_refreshes_the_slides_of_lecture_notebooks_only(tmp_path, monkeypatch, capsys):
    lecture, other = tmp_path / "01_x.ipynb", tmp_path / "hw.ipynb"
    for path in (lecture, other):
        path.write_text("{}")
    monkeypatch.setattr(execute, "lecture_notebooks", lambda: [lecture])
    monkeypatch.setattr(execute, "execute_notebook", lambda path, timeout: 1.0)
    monkeypatch.setattr(execute, "apply_slides", lambda path: f"slides: {path.name}")
    execute.main([str(lecture), str(other)])
    assert capsys.readouterr().out.splitlines() == [f"executed {lecture} in 1 s", "slides: 01_x.ipynb",
                                                    f"executed {other} in 1 s"]


def test_colab_links_and_install_line_come_from_one_repo(capsys):
    assert course.colab_url("notebooks/a.ipynb", "me/x") == \
        "https://colab.research.google.com/github/me/x/blob/main/notebooks/a.ipynb"
    assert course.pip_install_url() == f"git+https://github.com/{course.GITHUB_REPO}"
    course.main([])
    lines = capsys.readouterr().out.splitlines()
    assert course.GITHUB_REPO in lines[0]
    assert course.colab_url("notebooks/00_start_here.ipynb") in lines


def test_set_repo_checks_the_name_before_changing_anything(tmp_path):
    (tmp_path / "tools").mkdir()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "tools" / "course.py").write_text('GITHUB_REPO = "old/repo"\n')
    (tmp_path / "README.md").write_text("see https://github.com/old/repo and github.com/old/repository-two\n")
    with pytest.raises(ValueError, match="repo='bad name' is not of the form OWNER/REPO"):
        set_repo.set_repo("bad name", tmp_path)
    assert set_repo.current_repo(tmp_path) == "old/repo"
    assert set_repo.set_repo("new/home", tmp_path) == ["tools/course.py", "README.md"]
    assert set_repo.current_repo(tmp_path) == "new/home"
    assert "github.com/new/home" in (tmp_path / "README.md").read_text()


def test_tools_run_as_modules():
    result = subprocess.run([sys.executable, "-m", "tools.set_repo", "--help"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0 and "OWNER/REPO" in result.stdout


@pytest.mark.parametrize("module", [course, execute, set_repo, slides], ids=lambda m: m.__name__)
def test_the_docstring_examples_of_the_tools_run(module):
    results = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert results.attempted > 0 and results.failed == 0


def test_with_settings_replaces_one_settings_line_and_refuses_an_unknown_or_repeated_name():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("DEGREES = 30  # angle\nEPOCHS = 40\n# next"),
                                               nbformat.v4.new_code_cell("print(EPOCHS)")])
    assert with_settings(notebook, DEGREES="0", EPOCHS="[1, 2]").cells[0].source == \
        "DEGREES = 0  # angle\nEPOCHS = [1, 2]\n# next"
    with pytest.raises(ValueError, match="setting NOPE is assigned in 0 code cells"):
        with_settings(notebook, NOPE="1")
    notebook.cells[1].source = "EPOCHS = 3"
    with pytest.raises(ValueError, match="setting EPOCHS is assigned in 2 code cells; allowed: exactly one"):
        with_settings(notebook, EPOCHS="1")


def test_the_kernel_of_a_lecture_run_has_no_strict_claims_and_the_test_run_has(monkeypatch):
    monkeypatch.setenv(STRICT_ENV, "1")
    lecture, strict = kernel_env(strict_claims=False), kernel_env(strict_claims=True, text_progress=True)
    assert STRICT_ENV not in lecture and TEXT_PROGRESS_ENV not in lecture
    assert strict[STRICT_ENV] == strict[TEXT_PROGRESS_ENV] == "1"


def test_tasks_py_keeps_the_same_kernel_variables_as_the_tools():
    """``tasks.py`` runs before anything is installed (standard library only), so it keeps its own copy."""
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    assert tasks.QUIET_DEBUGGER == QUIET_DEBUGGER
    assert QUIET_DEBUGGER.items() <= kernel_env(strict_claims=False, base={}).items()
