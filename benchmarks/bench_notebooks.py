"""How long each notebook takes top to bottom, and its slowest cells (a measurement, not a timed test).

Executes each notebook with ``tools.notebooks.run_notebook`` in a fresh kernel (on a copy: nothing is
written back), without strict claims so that a false claim prints ❌ instead of stopping, and
prints one table per notebook: total seconds (kernel start not included), the slowest cells
with their first line, and the targets of the course (lecture notebooks ≤ 30 s with no cell
over 10 s; deep dives ≤ 60 s), judged on wall-clock time. On a shared machine wall-clock
times grow with the load; the kernel's CPU seconds (all its threads, from psutil) are printed
beside them because they depend much less on what else runs.

    python benchmarks/bench_notebooks.py                       # all lecture notebooks and deep dives
    python benchmarks/bench_notebooks.py notebooks/02_augmentation_preview.ipynb --slowest 5
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the course's tools

from tools.notebooks import kernel_env, run_notebook  # noqa: E402

LECTURE_LIMIT_S, CELL_LIMIT_S, DEEP_DIVE_LIMIT_S = 30.0, 10.0, 60.0


def default_notebooks() -> list[Path]:
    """Every lecture notebook (``notebooks/NN_*.ipynb``), then every deep dive."""
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted(
        (ROOT / "notebooks" / "deep_dives").glob("*.ipynb"))


def time_cells(path: Path, timeout: int = 600) -> list[tuple[float, float, str]]:
    """Run ``path`` top to bottom; return (wall s, kernel CPU s, first source line) for each code cell.

    A cell that raises stops the run (``CellExecutionError``), as a cell that runs past ``timeout`` does."""
    timings: list = []
    status = run_notebook(nbformat.read(path, as_version=4), path.parent, timeout, max_output=None,
                          env=kernel_env(strict_claims=False), allow_errors=False, timings=timings)
    if status != "ran":
        raise RuntimeError(f"{path.name}: a cell {status} (limit {timeout} s per cell)")
    return [(t.wall_s, t.cpu_s, t.first_line) for t in timings]


def report(path: Path, timings: list[tuple[float, float, str]], slowest: int) -> bool:
    """Print the table for one notebook; return whether it meets its target."""
    total, cpu = sum(t for t, _, _ in timings), sum(c for _, c, _ in timings)
    deep_dive = path.parent.name == "deep_dives"
    limit = DEEP_DIVE_LIMIT_S if deep_dive else LECTURE_LIMIT_S
    worst = max((t for t, _, _ in timings), default=0.0)
    ok = total <= limit and (deep_dive or worst <= CELL_LIMIT_S)
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    target = f"≤ {limit:.0f} s" + ("" if deep_dive else f", cells ≤ {CELL_LIMIT_S:.0f} s")
    print(f"\n{name}: {total:.1f} s wall, {cpu:.1f} s kernel CPU in {len(timings)} code cells "
          f"(target {target}: {'met' if ok else 'MISSED'})")
    print(f"  {'wall s':>7}  {'CPU s':>6}  first line")
    for t, c, first in sorted(timings, key=lambda item: -item[0])[:slowest]:
        print(f"  {t:7.2f}  {c:6.2f}  {first[:90]}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: all lecture notebooks and deep dives")
    parser.add_argument("--slowest", type=int, default=3, help="how many of the slowest cells to list (default 3)")
    args = parser.parse_args()
    paths = [p.resolve() for p in args.notebooks] or default_notebooks()
    summary = []
    for path in paths:
        timings = time_cells(path)
        summary.append((path, sum(t for t, _, _ in timings), sum(c for _, c, _ in timings),
                        max((t for t, _, _ in timings), default=0.0), report(path, timings, args.slowest)))
    print(f"\n{'notebook':<40} {'wall s':>7} {'CPU s':>6} {'slowest cell s':>15}  target")
    for path, total, cpu, worst, ok in summary:
        print(f"{path.name:<40} {total:7.1f} {cpu:6.1f} {worst:15.1f}  {'met' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
