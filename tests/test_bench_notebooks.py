"""benchmarks/bench_notebooks.py: which notebooks it runs, and how it judges the course's time targets."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bench_notebooks", ROOT / "benchmarks" / "bench_notebooks.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_default_is_every_lecture_notebook_then_every_deep_dive():
    paths = bench.default_notebooks()
    lectures = [p for p in paths if p.parent.name == "notebooks"]
    deep_dives = [p for p in paths if p.parent.name == "deep_dives"]
    assert lectures and deep_dives and paths == lectures + deep_dives
    assert not [p for p in paths if "homework" in p.parts]


@pytest.mark.parametrize(("where", "cells", "met"), [
    ("notebooks", [(9.0, 1.0, "a"), (9.0, 1.0, "b")], True),
    ("notebooks", [(11.0, 1.0, "a")], False),  # one cell over 10 s
    ("notebooks", [(8.0, 1.0, "a")] * 4, False),  # 32 s in all
    ("deep_dives", [(25.0, 1.0, "a"), (25.0, 1.0, "b")], True),  # a deep dive may take 60 s, cells any length
    ("deep_dives", [(61.0, 1.0, "a")], False),
])
def test_report_judges_the_targets(where, cells, met, capsys):
    path = ROOT / "notebooks" / ("x.ipynb" if where == "notebooks" else "deep_dives/x.ipynb")
    assert bench.report(path, cells, slowest=1) is met
    assert ("met" if met else "MISSED") in capsys.readouterr().out
