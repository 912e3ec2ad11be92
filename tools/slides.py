"""The RISE slide layout of the lecture notebooks, derived from each notebook's skeleton (so it can be re-applied).

    python -m tools.slides [NOTEBOOK ...]    (or: python tasks.py slides; default: every lecture notebook)

Only the standard library is used, so this runs before anything is installed.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
# RISE settings written into every lecture notebook (a notebook's own values win).
RISE_SETTINGS = {"scroll": True, "start_slideshow_at": "beginning", "transition": "none", "slideNumber": True}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# An ipywidget with controls (an explorer), told apart from a tqdm progress bar by its text/plain repr.
CONTROLS = re.compile(r"\b(interactive|\w*Slider|Dropdown|Checkbox|ToggleButtons|RadioButtons|Play)\(")
# A claim: an ``assert`` or a ``claim(...)`` of helpers.claims — shown on a key press.
CLAIM = re.compile(r"(assert\s|claim\()")
KINDS = ("slide", "subslide", "-", "fragment", "skip")


def lecture_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The numbered notebooks directly in ``folder`` (homework and deep dives are not presented)."""
    return sorted(folder.glob("[0-9]*.ipynb"))


def top_level_statements(source: str) -> list[str]:
    """The lines of a cell that start a statement: not indented, not a comment, not only closing brackets.

    Example:
        >>> top_level_statements("# note\\nclaim(x > 0,\\n      'positive')\\n)\\nprint(x)")
        ['claim(x > 0,', 'print(x)']
    """
    return [line for line in source.splitlines() if line.strip() and not line[0].isspace()
            and not line.startswith("#") and line.strip(")]} ")]


def is_claim_cell(cell: dict) -> bool:
    """A code cell whose statements are all claims (``assert …`` or ``claim(…)``)."""
    statements = top_level_statements("".join(cell["source"]))
    return cell["cell_type"] == "code" and bool(statements) and all(CLAIM.match(s) for s in statements)


def shows_controls(cell: dict) -> bool:
    """Whether a code cell's output is an ipywidget with controls (sliders, dropdowns, ``interact``)."""
    return any(WIDGET_VIEW in output.get("data", {}) and CONTROLS.search("".join(output["data"].get("text/plain", "")))
               for output in cell.get("outputs", []))


def slide_types(cells: list[dict]) -> list[str]:
    """The RISE slide type of every cell.

    Title cell and every ``## `` section: a new slide. The setup cell, further markdown and code that
    follows code: a sub-slide. Code right after its markdown: on the same slide (``-``). A cell of
    claims (``assert`` lines or ``claim(...)`` calls): a fragment (it appears on a key press). A cell
    showing ipywidget controls (not a progress bar): skipped — RISE renders ipywidgets 8 as text, so
    the slide before it shows a static preview.

    Example:
        >>> cells = [{"cell_type": "markdown", "source": "# 01 · Title"},
        ...          {"cell_type": "code", "source": "import torch", "outputs": []},
        ...          {"cell_type": "markdown", "source": "## 1. A section"},
        ...          {"cell_type": "code", "source": "acc = 0.9", "outputs": []},
        ...          {"cell_type": "code", "source": "claim(acc > 0.5, 'better than chance')", "outputs": []}]
        >>> slide_types(cells)
        ['slide', 'subslide', 'slide', '-', 'fragment']
    """
    first_code = next((i for i, c in enumerate(cells) if c["cell_type"] == "code"), None)
    types = []
    for i, cell in enumerate(cells):
        text = "".join(cell["source"])
        if i == 0 or (cell["cell_type"] == "markdown" and text.startswith("## ")):
            types.append("slide")
        elif cell["cell_type"] != "code":
            types.append("subslide")
        elif shows_controls(cell):
            types.append("skip")
        elif is_claim_cell(cell):
            types.append("fragment")
        elif i != first_code and cells[i - 1]["cell_type"] == "markdown":
            types.append("-")
        else:
            types.append("subslide")
    return types


def apply_slides(path: Path) -> str:
    """Write the slide metadata into the notebook at ``path``; returns a one-line report."""
    text = path.read_text(encoding="utf-8")
    notebook = json.loads(text)
    for cell, kind in zip(notebook["cells"], slide_types(notebook["cells"]), strict=True):
        cell["metadata"]["slideshow"] = {"slide_type": kind}
    notebook["metadata"]["rise"] = {**RISE_SETTINGS, **notebook["metadata"].get("rise", {})}
    new = json.dumps(notebook, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    if new != text:
        path.write_text(new, encoding="utf-8")
    kinds = [c["metadata"]["slideshow"]["slide_type"] for c in notebook["cells"]]
    counts = ", ".join(f"{kinds.count(k)} {k}" for k in KINDS)
    return f"slides: {path.name}: {counts} ({'updated' if new != text else 'unchanged'})"


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m tools.slides [NOTEBOOK ...]``."""
    parser = argparse.ArgumentParser(prog="python -m tools.slides", description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every lecture notebook")
    args = parser.parse_args(argv)
    for path in args.notebooks or lecture_notebooks():
        print(apply_slides(path), flush=True)


if __name__ == "__main__":
    main()
