"""Make the student version of a homework notebook from its solution notebook.

Instructors edit only the solution notebook. Inside its cells, the lines between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` are the solution:

- in a **code** cell they become a stub: a ``# HINT: …`` line of the block is kept,
  and every name the block assigns at top level is set to ``...`` — so the check that
  follows prints "not done yet" instead of crashing the notebook;
- in a **markdown** cell they become ``*Your answer here.*``.

Outputs of changed cells are removed. ``python tasks.py homework`` regenerates (and
re-executes) every student notebook; a test fails when a committed student notebook
is out of date with its solution.

Used for notebooks/homework/.
"""

from __future__ import annotations

import ast
import copy
import re

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
    if not solution_path.endswith(SOLUTION_SUFFIX):
        raise ValueError(f"solution_path must end with {SOLUTION_SUFFIX!r}, got {solution_path!r}")
    return solution_path[: -len(SOLUTION_SUFFIX)] + ".ipynb"


def make_student_notebook(solution: dict, solution_name: str | None = None) -> dict:
    """Return a copy of the ``solution`` notebook (nbformat dict) with solutions stubbed out.

    With the ``solution_name`` (e.g. ``"hw1_data_solution.ipynb"``), links to it in
    markdown cells (the Colab badge) point to the student notebook instead, and
    ``" (solution)"`` is dropped from the title.

    Example:
        >>> nb = {"cells": [{"cell_type": "code", "source": "### BEGIN SOLUTION\\nx = 1\\n### END SOLUTION",
        ...                  "outputs": [], "execution_count": 1, "metadata": {}}]}
        >>> make_student_notebook(nb)["cells"][0]["source"]
        'x = ...  # your code here'
    """
    student = copy.deepcopy(solution)
    for cell in student["cells"]:
        text = "".join(cell["source"])
        if solution_name and cell["cell_type"] == "markdown":
            text = text.replace(solution_name, student_path_for(solution_name)).replace(" (solution)", "")
            cell["source"] = text
        if BEGIN not in text:
            continue
        cell["source"] = stub_source(text, cell["cell_type"])
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return student


def stub_source(text: str, cell_type: str) -> str:
    """Replace every solution block in one cell's ``text`` by its stub."""
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
    """The stub lines for one solution ``block``: its hints, then ``name = ...`` per assigned name."""
    lines = [line.strip() for line in block.splitlines() if line.strip().startswith(HINT_PREFIX)]
    names = assigned_names(block)
    lines += [f"{name} = ...  # your code here" for name in names] or ["pass  # your code here"]
    return lines


def assigned_names(block: str) -> list[str]:
    r"""Names the ``block`` binds at the top level, in order, without repeats.

    Plain assignment targets (also inside tuples, lists and ``*rest``; not ``x[i]`` or
    ``obj.attr``, which change an existing object), ``def``/``class`` names, ``import … as``
    names and ``with … as`` names. Names bound only inside ``for``/``while``/``if``/``try``
    (loop variables, running sums) are stubbed only when the block binds nothing else, so
    a student sees stubs for the answers, not for the loop variables of the solution.

    Example:
        >>> assigned_names("x[i] = 1\nfor k, v in d.items():\n    total = v\ndef f(): pass")
        ['f']
        >>> assigned_names("for k, v in d.items():\n    total = v")
        ['k', 'v', 'total']
    """
    import textwrap

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
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
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
