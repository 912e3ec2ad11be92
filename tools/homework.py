"""Release a homework: the student notebook is nbgrader's release of the solution notebook.

Instructors edit only the solution notebook (``notebooks/homework/*_solution.ipynb``), which
is the nbgrader *source* notebook: answer cells are nbgrader solution cells, check cells
are graded test cells with points whose ``### BEGIN HIDDEN TESTS`` part holds the stricter
checks, and the given cells (setup, settings, data) are read-only. ``python -m tools.homework``
runs nbgrader's release preprocessors on it:

- ``LockCells`` and ``ComputeChecksums`` (nbgrader's own);
- ``ClearHiddenTests`` (nbgrader's own): the hidden tests are removed;
- ``StubSolutions``, nbgrader's ``ClearSolutions`` with our stub: every
  ``### BEGIN SOLUTION`` … ``### END SOLUTION`` block in a code cell becomes its ``# HINT:``
  lines plus ``name = ...  # your code here`` for each name the block assigns (or
  ``pass  # your code here`` for a block that only updates names, e.g. inside a loop
  skeleton), so the unfinished notebook still runs top to bottom and each check prints
  "not done yet"; in a markdown cell it becomes *Your answer here.*

It then executes the student notebook (so it is committed with outputs). The student
notebook needs no grading package: it imports only ``helpers``.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import textwrap
from pathlib import Path

import nbformat
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions, ComputeChecksums, LockCells

ROOT = Path(__file__).resolve().parents[1]
HOMEWORK_DIR = ROOT / "notebooks" / "homework"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HINT_PREFIX = "# HINT:"
MARKDOWN_STUB = "*Your answer here.*"
SOLUTION_SUFFIX = "_solution.ipynb"


def student_path_for(solution_path: str) -> str:
    """``hw1_data_solution.ipynb`` → ``hw1_data.ipynb``.

    Example:
        >>> student_path_for("notebooks/homework/hw1_data_solution.ipynb")
        'notebooks/homework/hw1_data.ipynb'
    """
    if not str(solution_path).endswith(SOLUTION_SUFFIX):
        raise ValueError(f"solution_path must end with {SOLUTION_SUFFIX!r}, got {solution_path!r}")
    return str(solution_path)[: -len(SOLUTION_SUFFIX)] + ".ipynb"


class StubSolutions(ClearSolutions):
    """nbgrader's ``ClearSolutions`` that replaces each solution block by its own stub (see the module docstring)."""

    def _replace_solution_region(self, cell: nbformat.NotebookNode, language: str) -> bool:
        if BEGIN not in cell.source and END not in cell.source:
            return False
        cell.source = stub_source(cell.source, cell.cell_type)
        return True


def release(solution: nbformat.NotebookNode, solution_name: str | None = None) -> nbformat.NotebookNode:
    """The student notebook: nbgrader's release of the ``solution`` notebook (a copy; the input is not changed).

    With the ``solution_name`` (e.g. ``"hw1_data_solution.ipynb"``), links to it in markdown
    cells (the Colab badge) point to the student notebook, and ``" (solution)"`` is dropped
    from the title. Outputs of cells whose source changed are removed.

    Example:
        >>> cell = nbformat.v4.new_code_cell("### BEGIN SOLUTION\\nx = 1\\n### END SOLUTION")
        >>> cell.metadata["nbgrader"] = {"grade": False, "grade_id": "x", "locked": False, "schema_version": 3,
        ...                              "solution": True, "task": False}
        >>> release(nbformat.v4.new_notebook(cells=[cell])).cells[0].source
        'x = ...  # your code here'
    """
    student = nbformat.from_dict(nbformat.from_dict(solution))  # a deep copy
    student = nbformat.reads(nbformat.writes(student), as_version=4)
    before = [cell.source for cell in student.cells]
    resources: dict = {}
    for preprocessor in (LockCells(), StubSolutions(), ClearHiddenTests(), ComputeChecksums()):
        student, resources = preprocessor.preprocess(student, resources)
    for cell, source in zip(student.cells, before, strict=True):
        if cell.cell_type == "code" and cell.source != source:
            cell.outputs, cell.execution_count = [], None
        if solution_name and cell.cell_type == "markdown":
            cell.source = cell.source.replace(solution_name, Path(student_path_for(solution_name)).name)
            cell.source = cell.source.replace(" (solution)", "")
    return student


def stub_source(text: str, cell_type: str) -> str:
    """Replace every solution block in one cell's ``text`` by its stub.

    Example:
        >>> stub_source("a = 1\\n### BEGIN SOLUTION\\n# HINT: add\\nb = a + 1\\n### END SOLUTION\\nprint(b)", "code")
        'a = 1\\n# HINT: add\\nb = ...  # your code here\\nprint(b)'
    """
    pattern = re.compile(rf"^([ \t]*){re.escape(BEGIN)}[^\n]*\n(.*?)^[ \t]*{re.escape(END)}[^\n]*(\n|$)",
                         re.S | re.M)
    if text.count(BEGIN) != text.count(END) or not pattern.search(text):
        raise ValueError(f"each {BEGIN!r} needs its own {END!r} on a later line; cell:\n{text}")

    def replace(match: re.Match) -> str:
        indent, block, newline = match.group(1), match.group(2), match.group(3)
        if cell_type == "markdown":
            return MARKDOWN_STUB + newline
        return "\n".join(indent + line for line in code_stub(block)) + newline

    stubbed = pattern.sub(replace, text)
    if BEGIN in stubbed or END in stubbed:
        raise ValueError(f"the solution markers are out of order: each {BEGIN!r} needs its own {END!r} on a later "
                         f"line, with no marker left over; cell:\n{text}")
    return stubbed


def code_stub(block: str) -> list[str]:
    """The stub lines for one solution ``block``: its hints, then ``name = ...`` per assigned name.

    Example:
        >>> code_stub("# HINT: sum them\\ntotal += x\\n")
        ['# HINT: sum them', 'pass  # your code here']
    """
    lines = [line.strip() for line in block.splitlines() if line.strip().startswith(HINT_PREFIX)]
    names = assigned_names(block)
    lines += [f"{name} = ...  # your code here" for name in names] or ["pass  # your code here"]
    return lines


def assigned_names(block: str) -> list[str]:
    r"""Names the ``block`` binds at the top level, in order, without repeats.

    Plain assignment targets (also inside tuples, lists and ``*rest``; not ``x[i]`` or
    ``obj.attr``, which change an existing object, and not ``x += …``, which updates a name
    bound before the block), ``def``/``class`` names, ``import … as`` names and ``with … as``
    names. Names bound only inside ``for``/``while``/``if``/``try`` (loop variables, running
    sums) are stubbed only when the block binds nothing else, so a student sees stubs for
    the answers, not for the loop variables of the solution.

    Example:
        >>> assigned_names("x[i] = 1\nfor k, v in d.items():\n    total = v\ndef f(): pass")
        ['f']
        >>> assigned_names("for k, v in d.items():\n    total = v")
        ['k', 'v', 'total']
        >>> assigned_names("count += 1")
        []
    """
    names: list[str] = []

    def add(name: str) -> None:
        if name not in names:
            names.append(name)

    def targets(node: ast.AST | None) -> None:
        if isinstance(node, ast.Name):
            add(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                targets(element)
        elif isinstance(node, ast.Starred):
            targets(node.value)

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    targets(target)
            elif isinstance(node, ast.AnnAssign):
                targets(node.target)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.asname:
                        add(alias.asname)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                targets(node.target)
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    targets(item.optional_vars)
                visit(node.body)
            elif isinstance(node, (ast.While, ast.If)):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)

    statements = ast.parse(textwrap.dedent(block)).body
    compound = (ast.For, ast.AsyncFor, ast.While, ast.If, ast.Try)
    visit([node for node in statements if not isinstance(node, compound)])
    if not names:  # only loops or branches bind names: stub those, so the check still finds them
        visit(statements)
    return names


def release_file(solution_path: Path, execute: bool = True, timeout: int = 600) -> Path:
    """Write (and by default execute, in a fresh kernel) the student notebook of ``solution_path``; return its path."""
    solution_path = Path(solution_path)
    solution = nbformat.read(solution_path, as_version=4)
    student = release(solution, solution_path.name)
    target = Path(student_path_for(str(solution_path)))
    if execute:
        from tools.notebooks import run_notebook

        if run_notebook(student, target.parent, timeout, max_output=None, allow_errors=False) != "ran":
            raise RuntimeError(f"the released {target.name} did not run to the end (a cell ran past {timeout} s, "
                               "or its kernel died)")
    nbformat.write(student, target)
    return target


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.homework [SOLUTION.ipynb ...] [--no-execute]``: release the student notebooks."""
    parser = argparse.ArgumentParser(prog="python -m tools.homework", description=__doc__.splitlines()[0])
    parser.add_argument("solutions", nargs="*", type=Path,
                        help=f"solution notebooks (default: notebooks/homework/*{SOLUTION_SUFFIX})")
    parser.add_argument("--no-execute", action="store_true", help="write the student notebook without running it")
    args = parser.parse_args(argv)
    solutions = args.solutions or sorted(HOMEWORK_DIR.glob(f"*{SOLUTION_SUFFIX}"))
    for solution in solutions:
        target = release_file(solution, execute=not args.no_execute)
        print(f"released {solution.name} → {target.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
