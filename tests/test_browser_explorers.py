"""The live explorers of 01, 03 and 04 in a real browser: JupyterLab runs each notebook, one control of
its explorer is moved, and the explorer's picture changes with no error anywhere in the notebook.

Like tests/test_browser.py (whose JupyterLab and Chromium set-up in tests/lab_browser.py it shares):
a throw-away JupyterLab on 127.0.0.1 works on temporary copies of the notebooks, every request not
to 127.0.0.1 is refused, and screenshots go to ``artifacts/browser/`` (git-ignored): ``explorer-01.png``,
``explorer-03.png``, ``explorer-04.png`` (the explorer after the move) and ``FAILED-explorer-*.png``.

The explorer is found by its class name in a code cell (``EXPLORERS``); its widget is the first
ipywidget shown by that cell or a later one. The copies run with the lighter Settings of ``LIGHT_SETTINGS``
(fewer epochs, repeats and bootstrap draws) and claims that do not stop the run: this test is about the
explorer in the browser; the claims at full settings are nbval's and test_claims_any_seed's.
With ``BROWSER_APPEND_EXPLORERS=1`` the cells of
``EXPLORER_CELLS`` are appended to a copy that has no explorer yet (to try the explorers on
notebooks they have not been inserted into).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
from lab_browser import ALL_RAN_JS, BROWSER_TEST_MARKS, CELLS_JS, KERNEL_IDLE_JS, local_only_browser, running_lab

from helpers.claims import STRICT_ENV
from tools.notebooks import with_settings

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts" / "browser"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
RUN_TIMEOUT_MS = 900_000  # a whole notebook on a shared 2-core CPU (04 trains CNNs)
STEP_TIMEOUT_MS = 60_000

EXPLORERS = {  # notebook → the class name that marks its explorer cell
    "01_learning_curves.ipynb": "ExtrapolationExplorer",
    "03_standardization_math.ipynb": "ScalingExplorer",
    "04_augmentation_vs_more_data.ipynb": "AngleExplorer",
}

LIGHT_SETTINGS = {  # notebook → Settings for a quicker run (the explorer needs the same variables, not the numbers)
    "01_learning_curves.ipynb": {"REPEATS": "2", "EPOCHS": "5", "BOOTSTRAP": "20"},
    "03_standardization_math.ipynb": {"REPEATS": "2", "LEARNING_RATES": "[0.1, 0.3]"},
    "04_augmentation_vs_more_data.ipynb": {"EPOCHS": "4", "BOOTSTRAP": "20"},
}

PREVIEW_MARKDOWN = ("**Explore it yourself.** The figure below is a static preview of the explorer (slides and "
                    "GitHub show it); in JupyterLab or Colab, the cell after it is live: {what}")
EXPLORER_CELLS = {  # the cells to insert, using each notebook's own variables (see the lead's merge notes)
    "01_learning_curves.ipynb": [
        ("markdown", PREVIEW_MARKDOWN.format(what="move the slider to fit the power law to the sizes measured up "
                                             "to N only, then tick *reveal* to see the sizes measured beyond N.")),
        ("code", "from helpers.explorers import ExtrapolationExplorer\n\n"
                 "explorer = ExtrapolationExplorer(curve, n_boot=BOOTSTRAP, seed=SEED)\n"
                 "fig = explorer.preview(reveal=True)"),
        ("code", "explorer.widget"),
    ],
    "03_standardization_math.ipynb": [
        ("markdown", PREVIEW_MARKDOWN.format(what="pick a scaling of the two wine features and a learning rate; "
                                             "the caption says after how many steps gradient descent got there, "
                                             "or that it diverged.")),
        ("code", "from helpers.explorers import ScalingExplorer\n\n"
                 "scalings = {\"raw\": lambda x: x, \"standardized (μ, σ)\": lambda x: (x - x.mean(0)) / x.std(0)}\n"
                 "explorer = ScalingExplorer(features, target, scalings,\n"
                 "                           feature_names=(\"alcohol\", \"alcalinity of ash\"))\n"
                 "fig = explorer.preview(scaling=\"raw\", lr=1e-3)"),
        ("code", "explorer.widget"),
    ],
    "04_augmentation_vs_more_data.ipynb": [
        ("markdown", PREVIEW_MARKDOWN.format(what="rotate the validation digits and compare the CNNs trained with "
                                             "and without augmentation, on all digits and on a few.")),
        ("code", "from helpers.explorers import AngleExplorer\n\n"
                 "explorer = AngleExplorer({\"without augmentation\": cnn_plain.models, "
                 "\"with augmentation\": cnn_aug.models},\n"
                 "                         val_images, val_labels, pipelines=rotate, trained_range=DEGREES)\n"
                 "fig = explorer.preview(angle=45)"),
        ("code", "explorer.widget"),
    ],
}

pytestmark = BROWSER_TEST_MARKS
pytest.importorskip("playwright.sync_api", reason="the 'playwright' package is not installed")
pytest.importorskip("jupyterlab", reason="JupyterLab (the 'lab' extra) is not installed")

IMAGES_CHANGED_JS = """([cellIndex, before]) => {
  const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[cellIndex];
  const now = [...cell.querySelectorAll('.widget-interact .jp-OutputArea-output img')].map(i => i.getAttribute('src'));
  return now.length > 0 && JSON.stringify(now) !== JSON.stringify(before);
}"""
WIDGET_IMAGES = ".widget-interact .jp-OutputArea-output img"


def notebook_copy(name: str, target: Path) -> None:
    """Copy notebook ``name`` to ``target`` with its ``LIGHT_SETTINGS``; append its explorer cells if asked to and
    it has none."""
    notebook = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    for cell in notebook["cells"]:  # nbformat's sources are lists of lines on disk, strings in memory
        cell["source"] = "".join(cell["source"])
    notebook = json.loads(json.dumps(with_settings(nbformat.from_dict(notebook), **LIGHT_SETTINGS[name])))
    has_explorer = any(EXPLORERS[name] in "".join(cell["source"]) for cell in notebook["cells"]
                       if cell["cell_type"] == "code")
    if not has_explorer and os.environ.get("BROWSER_APPEND_EXPLORERS") == "1":
        for kind, source in EXPLORER_CELLS[name]:
            cell = {"cell_type": kind, "metadata": {}, "source": source}
            if kind == "code":
                cell.update(execution_count=None, outputs=[])
            notebook["cells"].append(cell)
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on temporary copies of 01, 03 and 04; stopped in all cases when the module ends."""
    work = tmp_path_factory.mktemp("lab-explorers")
    (work / "notebooks").mkdir()
    for name in EXPLORERS:
        notebook_copy(name, work / "notebooks" / name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(STRICT_ENV, "0")  # the lighter settings may turn a claim ❌; the kernels inherit the server's env
        with running_lab(work / "notebooks", work / "home") as server:
            yield server


@pytest.fixture(scope="module")
def browser_context():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with local_only_browser(viewport={"width": 1280, "height": 900}) as (context, blocked):
        context.set_default_timeout(STEP_TIMEOUT_MS)
        yield context
        print(f"\nrequests refused (not to 127.0.0.1): {len(blocked)}", *sorted(set(blocked))[:5], sep="\n  ")


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_moving_the_explorer_changes_its_picture_without_an_error(lab, browser_context, name):
    page = browser_context.new_page()
    label = name[:2]
    try:
        page.goto(f"{lab.url}/lab/tree/{name}?reset&token={lab.token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell")
        page.wait_for_function(KERNEL_IDLE_JS, polling=250)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(ALL_RAN_JS, polling=500, timeout=RUN_TIMEOUT_MS)
        report = page.evaluate(CELLS_JS, [WIDGET_VIEW, EXPLORERS[name]])
        assert report["marker"] >= 0, (f"{name} has no code cell with {EXPLORERS[name]}: insert its explorer cells "
                                       "(tests/test_browser_explorers.py, EXPLORER_CELLS)")
        assert report["errors"] == [] and report["unrun"] == 0, f"errors {report['errors']}, {report['unrun']} unrun"
        widget_cells = [i for i in report["widgetCells"] if i >= report["marker"]]
        assert widget_cells, f"no cell from {report['marker']} on shows the {EXPLORERS[name]} widget"
        cell = page.locator(".jp-Notebook .jp-Cell").nth(widget_cells[0])
        cell.locator(WIDGET_IMAGES).first.wait_for()
        before = [img.get_attribute("src") for img in cell.locator(WIDGET_IMAGES).all()]
        handle = cell.locator(".widget-interact .noUi-handle").first
        handle.scroll_into_view_if_needed()
        handle.focus()
        handle.press("ArrowRight")
        page.wait_for_function(IMAGES_CHANGED_JS, arg=[widget_cells[0], before], polling=100)
        after = page.evaluate(CELLS_JS, [WIDGET_VIEW, EXPLORERS[name]])
        assert after["errors"] == [], f"moving the control gave errors: {after['errors']}"
        assert cell.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count() == 0
        cell.locator(".widget-interact").first.screenshot(path=ARTIFACTS / f"explorer-{label}.png")
    except Exception:
        page.screenshot(path=ARTIFACTS / f"FAILED-explorer-{label}.png")
        raise
    finally:
        page.close()
