"""Support for tests/test_browser.py: a throw-away JupyterLab server and a locked-down headless Chromium.

Nothing here reads from or writes to the home folder: every Jupyter, IPython and matplotlib
directory lives in a temporary folder, the server listens on 127.0.0.1 only with a random token,
and the browser may only talk to 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tools.notebooks import QUIET_DEBUGGER

CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))  # Debian's chromium package
NO_CHROMIUM = (f"no Chromium at {CHROMIUM}: install Debian's 'chromium' package (.ci/run does, as root) "
               "to run the real-browser tests")
BROWSER_TEST_MARKS = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)]
"""``pytestmark`` of a test file that drives JupyterLab in Chromium: marked ``browser``, skipped without Chromium."""
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
LOCAL_HOST = "127.0.0.1"

# JupyterLab user settings written into the temporary settings folder: no news or update checks,
# no toasts, no autosave (the test runs on a copy anyway), and every cell kept in the page.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False,
                                                    "doNotDisturbMode": True},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOCAL_HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab: its base URL, token and log file."""

    url: str
    token: str
    root_dir: Path
    log: Path
    process: subprocess.Popen = field(repr=False)

    def status(self, path: str, token: str | None = None) -> int:
        """The HTTP status of a GET request to ``path`` (with ``token`` when given)."""
        query = f"?token={token}" if token else ""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
        try:
            with opener.open(f"{self.url}{path}{query}", timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:  # not listening (yet)
            return 0

    def shutdown(self) -> None:
        """``POST /api/shutdown``: the server stops its kernels (they run in sessions of their own), then exits."""
        request = urllib.request.Request(f"{self.url}/api/shutdown", method="POST",
                                         headers={"Authorization": f"token {self.token}"})
        try:
            urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10).close()
        except OSError:
            pass  # not running any more, or not answering: stop() falls back to signals

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


def isolated_env(home: Path) -> dict[str, str]:
    """Environment variables that point every Jupyter/IPython/matplotlib folder into ``home``."""
    folders = {
        "JUPYTER_CONFIG_DIR": "jupyter-config", "JUPYTER_DATA_DIR": "jupyter-data",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime", "IPYTHONDIR": "ipython", "MPLCONFIGDIR": "matplotlib",
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings", "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
        "XDG_CACHE_HOME": "cache", "XDG_CONFIG_HOME": "config",
    }
    env = {**os.environ, "HOME": str(home), **QUIET_DEBUGGER}
    for name, folder in folders.items():
        (home / folder).mkdir(parents=True, exist_ok=True)
        env[name] = str(home / folder)
    for plugin, settings in LAB_SETTINGS.items():
        target = home / "lab-settings" / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(settings))
    return env


@contextmanager
def running_lab(root_dir: Path, home: Path, start_timeout_s: float = 90) -> Iterator[Lab]:
    """Start JupyterLab on ``root_dir``; always stop it (and its kernels) when the block ends."""
    env = isolated_env(home)
    token, port = secrets.token_hex(24), free_port()
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--ip={LOCAL_HOST}",
        f"--port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root_dir}", "--ServerApp.terminals_enabled=False",
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.user_settings_dir={env['JUPYTERLAB_SETTINGS_DIR']}",
        f"--LabApp.workspaces_dir={env['JUPYTERLAB_WORKSPACES_DIR']}",
    ]
    env["JUPYTER_TOKEN"] = token  # IdentityProvider.token, kept out of the process list
    log = home / "jupyter-lab.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(command, cwd=root_dir, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    lab = Lab(url=f"http://{LOCAL_HOST}:{port}", token=token, root_dir=root_dir, log=log, process=process)
    try:
        deadline = time.monotonic() + start_timeout_s
        while lab.status("/api/status", token) != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not start (exit code {process.poll()}):\n{lab.log_tail()}")
            time.sleep(0.3)
        yield lab
    finally:
        stop(lab)


def stop(lab: Lab) -> None:
    """Ask the server to shut down with its kernels; else SIGTERM it; then SIGKILL what is left of its group."""
    process = lab.process
    for ask in (lab.shutdown, process.terminate):
        if process.poll() is None:
            ask()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # only the session started above (kernels have their own)
    except ProcessLookupError:
        pass
    process.wait(timeout=5)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == LOCAL_HOST


@contextmanager
def local_only_browser(viewport: dict[str, int] | None = None, color_scheme: str = "light"):
    """A Playwright browser context on Debian's Chromium that aborts every request not to 127.0.0.1; its pages
    prefer the ``color_scheme`` ("light" or "dark").

    Yields ``(context, blocked)``, where ``blocked`` collects the URLs that were refused.
    """
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def guard(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800},
                                          color_scheme=color_scheme)
            context.route("**/*", guard)
            yield context, blocked
        finally:
            browser.close()


# JavaScript run in the page; `window.jupyterapp` exists because of --LabApp.expose_app_in_browser.
KERNEL_IDLE_JS = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  return !!panel && !!panel.sessionContext && panel.sessionContext.session?.kernel?.status === 'idle';
}"""
ALL_RAN_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.sessionContext || panel.sessionContext.session?.kernel?.status !== 'idle') return false;
  const prompts = [...panel.node.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent);
  return prompts.length > 0 && !prompts.some(p => p.includes('*')) && /[0-9]/.test(prompts[0]);
}"""
# Per code cell of the open notebook: error outputs, unrun cells, cells showing a widget (``widgetMime``), and the
# first code cell whose source contains ``marker`` (an empty marker: the first code cell).
CELLS_JS = """([widgetMime, marker]) => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  const report = {errors: [], unrun: 0, marker: -1, widgetCells: []};
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    if (report.marker < 0 && cell.sharedModel.getSource().includes(marker)) report.marker = i;
    if (cell.executionCount === null) report.unrun += 1;
    for (const output of cell.outputs.toJSON()) {
      if (output.output_type === 'error') report.errors.push(`cell ${i}: ${output.ename}: ${output.evalue}`);
      if (output.data && output.data[widgetMime]) report.widgetCells.push(i);
    }
  }
  return report;
}"""
