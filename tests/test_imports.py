"""Start-up cost: hooks are new processes on every commit, so imports must stay lean."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = {"yaml", "jsonschema", "markdown_it"}


def imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(output.split())


def test_import_autopack_pulls_in_neither_yaml_nor_jsonschema():
    assert not HEAVY & imported_after("import autopack")


@pytest.mark.parametrize("module", ["autopack.cli", "autopack.engine", "autopack.config", "autopack.files", "autopack.yamldoc", "autopack.schema"])
def test_core_modules_stay_light(module):
    assert not HEAVY & imported_after(f"import {module}")


def test_python_dash_m_autopack_runs():
    result = subprocess.run([sys.executable, "-m", "autopack", "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith("autopack ")


def test_unknown_subcommand_is_a_usage_error():
    result = subprocess.run([sys.executable, "-m", "autopack", "frobnicate"], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "unknown command 'frobnicate'" in result.stderr
