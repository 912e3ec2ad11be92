"""A lecturer's view in a real browser: JupyterLab runs the augmentation preview, its angle slider
changes the picture, presentation mode shows it, and the notebook plays as a RISE slideshow.

Headless Chromium (Debian's ``chromium`` package, driven by Playwright) talks to a throw-away
JupyterLab on 127.0.0.1 that works on a temporary copy of the notebook; every request that is not to
127.0.0.1 is refused. Screenshots go to ``artifacts/browser/`` (git-ignored), also when a step fails
(``FAILED-*.png``). Without Chromium the tests are skipped with the reason; ``.ci/run`` installs it.
"""

from __future__ import annotations

import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from lab_browser import ALL_RAN_JS, BROWSER_TEST_MARKS, CELLS_JS, KERNEL_IDLE_JS, local_only_browser, running_lab

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = Path(os.environ.get("BROWSER_TEST_NOTEBOOK", ROOT / "notebooks" / "02_augmentation_preview.ipynb"))
ARTIFACTS = ROOT / "artifacts" / "browser"
WIDGET_IMAGES = ".widget-interact .jp-OutputArea-output img"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
TIMEOUT_MS = 120_000

pytestmark = BROWSER_TEST_MARKS
pytest.importorskip("playwright.sync_api", reason="the 'playwright' package is not installed")
pytest.importorskip("jupyterlab_rise", reason="JupyterLab and RISE (the 'lab' extra) are not installed")

PRESENTATION_JS = """async () => {
  const commands = window.jupyterapp.commands;
  await commands.execute('application:set-mode', {mode: 'single-document'});
  if (!commands.isToggled('application:toggle-presentation-mode'))
    await commands.execute('application:toggle-presentation-mode');
  if (commands.isToggled('application:toggle-left-area')) await commands.execute('application:toggle-left-area');
}"""
RUN_CELL_JS = """async (index) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  notebook.activeCellIndex = index;
  notebook.mode = 'command';
  await window.jupyterapp.commands.execute('notebook:run-cell');
}"""
IMAGES_CHANGED_JS = """([selector, before]) => {
  const now = [...document.querySelectorAll(selector)].map(img => img.getAttribute('src'));
  return now.length > 0 && JSON.stringify(now) !== JSON.stringify(before);
}"""


@contextmanager
def screenshot_on_failure(page, name: str):
    """Save what the browser showed when a step failed (artifacts/browser/FAILED-name.png)."""
    try:
        yield
    except Exception:
        page.screenshot(path=ARTIFACTS / f"FAILED-{name}.png")
        raise


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a temporary copy of the notebook; stopped in all cases when the module ends."""
    if not NOTEBOOK.exists():
        pytest.fail(f"{NOTEBOOK} does not exist: the browser test drives its widget explorer")
    work = tmp_path_factory.mktemp("lab")
    (work / "notebooks").mkdir()
    shutil.copy(NOTEBOOK, work / "notebooks" / NOTEBOOK.name)
    with running_lab(work / "notebooks", work / "home") as server:
        yield server


@pytest.fixture(scope="module")
def browser_context():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with local_only_browser() as (context, blocked):
        context.set_default_timeout(TIMEOUT_MS)
        yield context
        print(f"\nrequests refused (not to 127.0.0.1): {len(blocked)}", *sorted(set(blocked))[:5], sep="\n  ")


@pytest.fixture(scope="module")
def lab_page(lab, browser_context):
    """The notebook open in JupyterLab with every cell run (one page, shared by the lab-view tests)."""
    page = browser_context.new_page()
    with screenshot_on_failure(page, "lab-run-all"):
        page.goto(f"{lab.url}/lab/tree/{NOTEBOOK.name}?reset&token={lab.token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell")
        page.wait_for_function(KERNEL_IDLE_JS, polling=250)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(ALL_RAN_JS, polling=250)
    return page


def widget_images(page) -> list[str]:
    return [img.get_attribute("src") for img in page.locator(WIDGET_IMAGES).all()]


def move_angle_slider(page) -> tuple[list[str], list[str]]:
    """Press → on the angle slider (the first slider labelled 'angle', else the first slider).

    Returns the widget's image data (``src`` of its output images) before and after.
    """
    page.wait_for_selector(WIDGET_IMAGES)
    before = widget_images(page)
    angle = page.locator(".widget-slider", has=page.locator(".widget-label", has_text="angle"))
    handle = (angle if angle.count() else page.locator(".widget-slider")).first.locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function(IMAGES_CHANGED_JS, arg=[WIDGET_IMAGES, before], polling=100)
    return before, widget_images(page)


def test_server_refuses_requests_without_the_token(lab):
    assert lab.status("/api/contents") == 403
    assert lab.status("/api/contents", token="wrong-" + lab.token) == 403
    assert lab.status("/api/contents", token=lab.token) == 200


def test_every_cell_runs_without_an_error_in_jupyterlab(lab_page):
    report = lab_page.evaluate(CELLS_JS, [WIDGET_VIEW, ""])
    assert report["errors"] == [], f"cells show errors: {report['errors']}"
    assert report["unrun"] == 0, f"{report['unrun']} code cells did not run"
    assert report["widgetCells"], "no cell shows an ipywidget"
    assert lab_page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count() == 0


def test_moving_the_angle_slider_changes_the_image(lab_page):
    with screenshot_on_failure(lab_page, "lab-slider"):
        before, after = move_angle_slider(lab_page)
    assert before and after and after != before, "the widget's image did not change when the slider moved"
    lab_page.locator(".widget-interact").first.screenshot(path=ARTIFACTS / "lab-widget-explorer.png")
    lab_page.screenshot(path=ARTIFACTS / "lab-notebook.png")


def test_presentation_mode_shows_the_working_widget(lab_page):
    page = lab_page
    page.evaluate(PRESENTATION_JS)
    assert page.locator(".jp-LabShell.jp-mod-presentationMode").count() == 1, "presentation mode is not on"
    widget_cell = page.evaluate(CELLS_JS, [WIDGET_VIEW, ""])["widgetCells"][0]
    page.evaluate(RUN_CELL_JS, widget_cell)
    cell = page.locator(".jp-Notebook .jp-Cell").nth(widget_cell)
    with screenshot_on_failure(page, "lab-presentation-mode"):
        page.wait_for_function(ALL_RAN_JS, polling=250)
        before, after = move_angle_slider(page)
    assert after != before, "in presentation mode the widget's image did not change when the slider moved"
    cell.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "lab-presentation-mode.png")


def test_rise_slideshow_plays_the_notebook(lab, browser_context):
    metadata = json.loads((lab.root_dir / NOTEBOOK.name).read_text(encoding="utf-8"))["metadata"]
    assert "rise" in metadata, f"{NOTEBOOK.name} has no slide metadata: run `python tasks.py slides`"
    page = browser_context.new_page()
    present = ".reveal .slides section.present"
    with screenshot_on_failure(page, "rise"):
        page.goto(f"{lab.url}/rise/{NOTEBOOK.name}?token={lab.token}")
        page.wait_for_selector(f"{present} .jp-Cell")
        first = page.locator(present).last.inner_text()
        for _ in range(2):
            page.keyboard.press("Space")
            page.wait_for_timeout(400)
        text = page.locator(present).last.inner_text()
        assert text.strip() and text != first, "the slideshow did not advance to a slide with content"
        rendered = page.locator(f"{present} .jp-RenderedHTMLCommon, {present} .jp-OutputArea-output")
        assert rendered.count() > 0, "the slide shows no rendered markdown or output"
    page.screenshot(path=ARTIFACTS / "rise-slide.png")
    page.close()
