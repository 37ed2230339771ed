"""The shape of the code: apps depend one way, and production never imports the benchmarks."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lower layers first. A module may import its own layer or any layer below it, never above.
LAYERS = {
    "govuk": 0,  # GOV.UK building blocks: no models, imports no app
    "strategy": 0,
    "accounts": 1,
    "themes": 2,
    "actions": 3,
    "evidence": 3,  # evidence files on progress records: beside actions, imports none of it
    "monitoring": 4,
    "discussion": 4,  # comments on actions (issue 13)
    "indicators": 4,  # indicators with targets and measured values (issue 13)
    "duties": 4,  # equality impact assessments and social value (issue 15): on actions
    "risks": 4,  # the risk register at strategy and action level (issue 15)
    "reports": 5,
    "publication": 5,  # the public site and open data (issue 14): reads reports' figures
    "imports": 5,  # the plan and progress in from a spreadsheet (issue 14)
    "demo": 6,  # made-up demo progress (load_demo), development only
    "config": 6,  # settings, root URLs and service-wide views: the top
    "benchmarks": 6,  # development only (installed when DEBUG is on)
    "api": 6,  # the REST API and API tokens (issue 14): reads and writes through the services
    "backups": 6,  # manage.py backup and restore (issue 16): the whole database and storage
    "privacy": 6,  # data protection (issue 15): reads every app's records to export or erase
}


def project_imports(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) for every import of a project package in the module.

    Imports under `if TYPE_CHECKING:` are type hints, not dependencies, and are skipped.
    """
    tree = ast.parse(path.read_text(), filename=str(path))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(child) for child in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(node.lineno, name.split(".")[0]) for name in names]
    return [(line, package) for line, package in found if package in LAYERS]


def modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_apps_import_only_their_own_layer_or_below(package):
    upward = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for path in modules(package)
        for line, imported in project_imports(path)
        if LAYERS[imported] > LAYERS[package]
    ]
    assert upward == []


def test_no_production_module_imports_the_benchmarks():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for package in LAYERS
        if package != "benchmarks"
        for path in modules(package)
        for line, imported in project_imports(path)
        if imported == "benchmarks"
    ]
    assert offenders == []


def manage_py_commands(**env_overrides) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(ENV_FILE=os.devnull, **env_overrides)
    result = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_has_no_benchmark_commands():
    production = manage_py_commands(DEBUG="false", SECRET_KEY="x" * 60)
    development = manage_py_commands(DEBUG="true")

    assert {"bench", "seed_synthetic"} <= set(development)
    assert not {"bench", "seed_synthetic"} & set(production)
    assert "send_update_reminders" in production
    assert "send_discussion_digests" in production


def test_the_checker_sees_an_upward_import(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "from actions.models import StrategyAction\n"
        "if TYPE_CHECKING:\n"
        "    from reports.models import CabinetReport\n"
    )
    assert project_imports(module) == [(2, "actions")]
