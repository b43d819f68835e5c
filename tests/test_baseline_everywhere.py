"""One baseline everywhere: the `baseline` configuration key is honoured by `autopack check`, every
hook command, pre-commit, the native hooks, the Action and the autopilot, so adopting autopack on a
repository with old findings blocks nothing old and still catches everything new."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git, run_script, write

OLD_FINDINGS = {
    ".env.production": "DEBUG=1\n",  # APD101
    "README.md": "# demo\n\nsee [the guide](missing.md)\n",  # APR201
    "config/models.yaml": "model_aliases: [1, 2]\n",  # APC301 (+ APC300: no pricing file)
    "app.py": "from autopack.parallel import execute_parallel\nexecute_parallel(tasks, workers=4)\n",  # APP401
}
HOOKS = ("debug-guard", "doc-drift", "catalog", "parallel-lint")
BASELINE = ".autopack/baseline.json"


@pytest.fixture
def adopted(make_repo) -> Path:  # type: ignore[no-untyped-def]
    """A repository with one old finding per enforcement, recorded in the configured baseline."""
    repo = make_repo(OLD_FINDINGS)
    assert run_script("autopack", "check", cwd=repo).returncode == 1
    recorded = run_script("autopack", "check", "--write-baseline", BASELINE, cwd=repo)
    assert recorded.returncode == 0, recorded.stderr
    assert len(json.loads((repo / BASELINE).read_text(encoding="utf-8"))["findings"]) == 5
    write(repo, {".autopack.toml": f'baseline = "{BASELINE}"\n'})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "adopt autopack with a baseline")
    return repo


def test_check_and_every_hook_command_apply_the_configured_baseline(adopted: Path) -> None:
    assert run_script("autopack", "check", cwd=adopted).returncode == 0
    for hook in HOOKS:
        result = run_script(f"autopack-{hook}", "--all-files", cwd=adopted)
        assert result.returncode == 0, f"{hook}: {result.stdout}{result.stderr}"
    write(adopted, {"deploy/prod/.env": "DEBUG=true\n"})
    new = run_script("autopack-debug-guard", "deploy/prod/.env", ".env.production", cwd=adopted)
    assert new.returncode == 1
    assert "deploy/prod/.env:1:1: APD101" in new.stdout and ".env.production" not in new.stdout


def test_an_explicit_baseline_flag_wins_over_the_key(adopted: Path) -> None:
    write(adopted, {"empty.json": '{"version": 1, "findings": []}\n'})
    result = run_script("autopack", "check", "--baseline", "empty.json", "--select", "debug-guard", cwd=adopted)
    assert result.returncode == 1 and "APD101" in result.stdout


def test_a_configured_baseline_that_is_missing_is_exit_2_saying_how_to_create_it(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({".autopack.toml": 'baseline = "base.json"\n', ".env.production": "DEBUG=1\n"})
    result = run_script("autopack-debug-guard", ".env.production", cwd=repo)
    assert result.returncode == 2
    assert "base.json: baseline not found (the `baseline` key of" in result.stderr
    assert "autopack check --write-baseline base.json" in result.stderr


@pytest.mark.parametrize("hook", HOOKS)
def test_pre_commit_hooks_apply_the_configured_baseline(adopted: Path, pre_commit_run, hook: str) -> None:  # type: ignore[no-untyped-def]
    result = pre_commit_run(adopted, hook, "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_autopilot_sees_no_gap_in_a_baselined_finding_but_sees_a_new_one(adopted: Path) -> None:
    enforcement_gaps = {"production_debug_config", "doc_drift", "catalog_invalid", "parallelism_policy_violation"}

    def gaps() -> list[dict[str, object]]:
        run = run_script("autopack", "autopilot", "--format", "json", "--run-dir", ".autopack/runs/t", cwd=adopted)
        assert run.returncode in (0, 1), run.stderr
        report = json.loads((adopted / ".autopack/runs/t/gap_report_v1.json").read_text(encoding="utf-8"))
        return [gap for gap in report["gaps"] if gap["gap_type"] in enforcement_gaps]

    assert gaps() == []
    write(adopted, {"deploy/prod/.env": "DEBUG=true\n"})
    found = gaps()
    assert [gap["evidence"]["path"] for gap in found] == ["deploy/prod/.env"]  # type: ignore[index]


def test_the_action_passes_with_only_baselined_findings_and_fails_on_a_new_one(adopted: Path, tmp_path: Path) -> None:
    from tests.test_action import FAST, run_action

    run = run_action(adopted, tmp_path / "runner", FAST)
    assert run.returncode == 0, run.log
    assert run.outputs["findings"] == "0"
    write(adopted, {"deploy/prod/.env": "DEBUG=true\n"})
    run = run_action(adopted, tmp_path / "runner2", FAST)
    assert run.returncode == 1, run.log
    assert run.outputs["findings"] == "1" and "deploy/prod/.env" in run.summary


def test_both_native_hooks_apply_the_configured_baseline(adopted: Path, tmp_path: Path) -> None:
    from tests.conftest import REPO_ROOT
    from tests.test_native_hooks import run_git

    git(adopted, "config", "core.hooksPath", str(REPO_ROOT / "hooks"))
    write(adopted, {"README.md": "# demo\n\nsee [the guide](missing.md)\n\nmore words\n", ".env.production": "DEBUG=1\nLOG=1\n"})
    git(adopted, "add", "-A")
    code, output = run_git(adopted, "commit", "-m", "touch files with baselined findings")
    assert code == 0, output
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(adopted, "remote", "add", "origin", str(remote))
    code, output = run_git(adopted, "push", "origin", "main")  # a new remote: every file is checked
    assert code == 0, output
    write(adopted, {"deploy/prod/.env": "DEBUG=true\n"})
    git(adopted, "add", "-A")
    code, output = run_git(adopted, "commit", "-m", "new problem")
    assert code != 0 and "deploy/prod/.env:1:1: APD101" in output
