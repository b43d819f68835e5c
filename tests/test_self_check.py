"""This repository obeys its own rules, checked on a clean snapshot (as CI's clone sees it:
no git-ignored files such as virtual environments or bench work trees)."""

from __future__ import annotations

from tests.conftest import run_script


def test_autopack_check_all_files_passes_on_this_repository(hook_repo):
    snapshot, _ = hook_repo
    result = run_script("autopack", "check", "--all-files", cwd=snapshot)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
