"""How long each notebook takes top to bottom, and its slowest cells (a measurement, not a timed test).

Executes each notebook with nbclient in a fresh kernel (on a copy: nothing is written back),
with ``COURSE_STRICT_CLAIMS`` unset so that a false claim prints ❌ instead of stopping, and
prints one table per notebook: total seconds (kernel start not included), the slowest cells
with their first line, and the targets of the course (lecture notebooks ≤ 30 s with no cell
over 10 s; deep dives ≤ 60 s). Wall-clock times: on a shared machine they vary with the load.

    python benchmarks/bench_notebooks.py                       # all lecture notebooks and deep dives
    python benchmarks/bench_notebooks.py notebooks/02_augmentation_preview.ipynb --slowest 5
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
LECTURE_LIMIT_S, CELL_LIMIT_S, DEEP_DIVE_LIMIT_S = 30.0, 10.0, 60.0


def default_notebooks() -> list[Path]:
    """Every lecture notebook (``notebooks/NN_*.ipynb``), then every deep dive."""
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted(
        (ROOT / "notebooks" / "deep_dives").glob("*.ipynb"))


def time_cells(path: Path, timeout: int = 600) -> list[tuple[float, str]]:
    """Run ``path`` top to bottom; return (seconds, first source line) for each code cell."""
    nb = nbformat.read(path, as_version=4)
    resources = {"metadata": {"path": str(path.parent)}}
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources=resources)
    timings = []
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            start = time.perf_counter()
            client.execute_cell(cell, index)
            first = next((line for line in cell.source.splitlines() if line.strip()), "")
            timings.append((time.perf_counter() - start, first))
    return timings


def report(path: Path, timings: list[tuple[float, str]], slowest: int) -> bool:
    """Print the table for one notebook; return whether it meets its target."""
    total = sum(t for t, _ in timings)
    deep_dive = path.parent.name == "deep_dives"
    limit = DEEP_DIVE_LIMIT_S if deep_dive else LECTURE_LIMIT_S
    worst = max((t for t, _ in timings), default=0.0)
    ok = total <= limit and (deep_dive or worst <= CELL_LIMIT_S)
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    target = f"≤ {limit:.0f} s" + ("" if deep_dive else f", cells ≤ {CELL_LIMIT_S:.0f} s")
    print(f"\n{name}: {total:.1f} s in {len(timings)} code cells (target {target}: {'met' if ok else 'MISSED'})")
    print(f"  {'cell s':>7}  first line")
    for t, first in sorted(timings, key=lambda item: -item[0])[:slowest]:
        print(f"  {t:7.2f}  {first[:90]}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: all lecture notebooks and deep dives")
    parser.add_argument("--slowest", type=int, default=3, help="how many of the slowest cells to list (default 3)")
    args = parser.parse_args()
    os.environ.pop("COURSE_STRICT_CLAIMS", None)
    paths = [p.resolve() for p in args.notebooks] or default_notebooks()
    summary = []
    for path in paths:
        timings = time_cells(path)
        summary.append((path, sum(t for t, _ in timings), max((t for t, _ in timings), default=0.0),
                        report(path, timings, args.slowest)))
    print(f"\n{'notebook':<55} {'total s':>8} {'slowest cell s':>15}  target")
    for path, total, worst, ok in summary:
        print(f"{path.name:<55} {total:8.1f} {worst:15.1f}  {'met' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
