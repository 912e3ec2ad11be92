"""The repository's set-up: dependencies in step, one place for the GitHub repo, the CI entry point."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from tools.course import GITHUB_REPO, colab_url, pip_install_url

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
CONDA_TO_PIP = {"pytorch": "torch", "python-build": "build"}
REQUIREMENT = re.compile(r"^([A-Za-z0-9_.-]+)\s*(?:>=\s*([0-9][^,;\s]*))?")


def parse(requirement: str) -> tuple[str, str | None]:
    name, lower = REQUIREMENT.match(requirement.strip()).groups()
    name = name.lower().replace("_", "-")
    return CONDA_TO_PIP.get(name, name), lower


def pyproject_requirements() -> dict[str, str | None]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return dict(parse(r) for r in listed if "python_version <" not in r)


def conda_requirements() -> dict[str, str | None]:
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    entries = []
    for item in spec["dependencies"]:
        entries += item["pip"] if isinstance(item, dict) else [item]
    return dict(parse(e) for e in entries if not e.startswith("-") and parse(e)[0] not in ("python", "pip"))


def test_environment_yml_and_pyproject_list_the_same_packages_and_lower_bounds():
    assert conda_requirements() == pyproject_requirements()


def test_torch_requirement_stays_lenient_for_colab():
    requirements = pyproject_requirements()
    assert requirements["torch"] == "2.2" and requirements["torchvision"] == "0.17"
    text = (ROOT / "pyproject.toml").read_text()
    assert not re.search(r'"torch(vision)?\s*(==|<)', text), "never pin or cap torch in pyproject.toml"


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^(python3? tasks\.py (?:lab|test))$", readme, re.M)
    assert sorted(set(commands)) == ["python tasks.py lab", "python tasks.py test"]
    ci_lines = [line for line in (ROOT / ".ci/run").read_text().splitlines()
                if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))]
    assert ci_lines[-1] == "exec python3 tasks.py test"
    before = "\n".join(ci_lines[:-1])
    assert "tasks.py" not in before and "pip" not in before and "pytest" not in before, \
        "before the README's command .ci/run only installs Chromium for the browser tests"
    assert "apt-get install -y -qq chromium" in before


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_ci_goes_on_to_the_tests_when_chromium_cannot_be_installed(tmp_path):
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci/run", tmp_path / ".ci/run")
    (tmp_path / "tasks.py").write_text("import sys; print('tasks.py', *sys.argv[1:])\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("apt-get", "id"):  # apt-get fails; `id -u` says root, so .ci/run tries to install
        (bin_dir / tool).write_text("#!/bin/sh\n" + ("echo 0\n" if tool == "id" else "exit 100\n"))
        (bin_dir / tool).chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
               COURSE_CHROMIUM=str(tmp_path / "no-chromium"))
    result = subprocess.run(["bash", str(tmp_path / ".ci/run")], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "could not install chromium" in result.stderr and result.stdout == "tasks.py test\n"


def copy_repo(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "notebooks", copy / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "tools", copy / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "README.md", copy / "README.md")
    shutil.copy(ROOT / "tasks.py", copy / "tasks.py")
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def test_set_repo_repoints_every_badge_and_install_line(tmp_path):
    copy = copy_repo(tmp_path)
    result = subprocess.run([sys.executable, "tasks.py", "set-repo", "someone/fork-of-course"],
                            cwd=copy, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert 'GITHUB_REPO = "someone/fork-of-course"' in (copy / "tools/course.py").read_text()
    assert "someone/fork-of-course in " in result.stdout and "tools/course.py" in result.stdout
    files = [copy / "README.md", *sorted((copy / "notebooks").rglob("*.ipynb"))]
    assert len(files) > 1
    for path in files:
        text = path.read_text()
        assert GITHUB_REPO not in text, f"{path.name} still names {GITHUB_REPO}"
    for notebook in (copy / "notebooks").rglob("*.ipynb"):
        relative = notebook.relative_to(copy).as_posix()
        assert colab_url(relative, "someone/fork-of-course") in notebook.read_text()
        assert pip_install_url("someone/fork-of-course") in notebook.read_text()


def test_set_repo_rejects_a_malformed_name(tmp_path):
    copy = copy_repo(tmp_path)
    result = subprocess.run([sys.executable, "tasks.py", "set-repo", "not a repo"], cwd=copy,
                            capture_output=True, text=True)
    assert result.returncode != 0 and "OWNER/REPO" in result.stderr
    assert GITHUB_REPO in (copy / "tools/course.py").read_text(), "nothing is changed"


def test_importing_helpers_prints_nothing_and_downloads_nothing(tmp_path):
    code = ("import socket\n"
            "def refuse(*a, **k): raise OSError('no network in this test')\n"
            "socket.socket.connect = refuse\n"
            "import helpers, helpers.data, helpers.plotting, helpers.standardization, helpers.env, helpers.curves\n"
            "import pkgutil, importlib\n"
            "for m in pkgutil.iter_modules(helpers.__path__): importlib.import_module('helpers.' + m.name)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert list(tmp_path.iterdir()) == [], "importing helpers must not write files"


def test_lab_opens_the_notebooks_folder_and_allows_root_only_for_root(monkeypatch):
    tasks = load_tasks()
    calls = []
    monkeypatch.setattr(tasks, "run", lambda command, env=None: calls.append(command))
    for uid in (0, 1000):
        monkeypatch.setattr(tasks.os, "geteuid", lambda uid=uid: uid, raising=False)
        tasks.command_lab("python", ["--no-browser"])
    as_root, as_user = calls
    assert as_root[:3] == ["python", "-m", "jupyter"] and f"--notebook-dir={ROOT / 'notebooks'}" in as_root
    assert "--allow-root" in as_root and "--allow-root" not in as_user and as_user[-1] == "--no-browser"


def load_tasks():
    sys.path.insert(0, str(ROOT))
    try:
        import tasks
    finally:
        sys.path.remove(str(ROOT))
    return tasks


def test_tasks_py_is_a_thin_standard_library_launcher():
    source = (ROOT / "tasks.py").read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 120
    tree = ast.parse(source)
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)
    programs = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "\n" in node.value.strip():
            try:
                body = ast.parse(node.value).body
            except SyntaxError:
                continue
            if any(not isinstance(statement, ast.Expr) for statement in body):
                programs.append(node.value[:60])
    assert programs == [], f"a Python program in a string: {programs}"


@pytest.mark.parametrize(("argv", "module"), [
    (["execute", "notebooks/00_start_here.ipynb"], "tools.execute"), (["slides"], "tools.slides"),
    (["set-repo", "a/b"], "tools.set_repo"), (["homework"], "tools.homework"),
    (["grade", "submissions/"], "tools.grade"), (["site"], "tools.site"),
])
def test_every_maintainer_command_runs_its_tool_module(monkeypatch, argv, module):
    tasks = load_tasks()
    calls = []
    monkeypatch.setattr(tasks, "run", lambda command, env=None: calls.append(command))
    monkeypatch.setattr(tasks, "ensure_environment", lambda here: "venv-python")
    tasks.main(argv)
    (command,) = calls
    python = sys.executable if argv[0] in ("slides", "set-repo") else "venv-python"
    assert command == [python, "-m", module, *argv[1:]]
    assert (ROOT / "tools" / "__init__.py").exists()


@pytest.mark.parametrize(("free", "warned"), [(6e8, "only 0.6 GB free"), (7.9e9, "only 7.9 GB free"), (8e9, None),
                                              (100e9, None)])
def test_a_low_disk_is_named_before_the_install(monkeypatch, tmp_path, capsys, free, warned):
    tasks = load_tasks()
    commands = []
    monkeypatch.setattr(tasks, "run", lambda command, env=None: commands.append(command))
    monkeypatch.setattr(tasks.sys, "prefix", str(tmp_path))  # no install stamp there: it installs
    measured = []
    monkeypatch.setattr(tasks.shutil, "disk_usage", lambda path: measured.append(path) or SimpleNamespace(free=free))
    tasks.ensure_environment(here=True)
    err = capsys.readouterr().err
    assert measured == [tmp_path], "the free space is measured where the install goes"
    assert len(commands) == 1 and (tmp_path / tasks.install_stamp()).exists()
    assert (warned in err and "No space left on device" in err) if warned else err == ""
