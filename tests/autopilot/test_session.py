"""A whole session end to end on real repositories: artifacts, schemas, determinism, output, exit."""

from __future__ import annotations

import json
import os
from pathlib import Path

from jsonschema import Draft202012Validator

from autopack.autopilot import artifacts
from tests.autopilot.conftest import ARTIFACTS, ISO_DATE, autopilot, gaps_of, load_artifacts, run_dir_of, run_json
from tests.conftest import git, run_script

MESSY = {
    "README.md": "# demo\n\nSee [the guide](docs/guide.md).\n",
    "docs/guide.md": "# Guide\n",
    ".env.production": "DEBUG=1\n",
    "scratch_notes.txt": "remember\n",
    "src/app.py": "print('hi')\n",
}


def test_schemas_are_valid_draft_2020_12():
    for name in ARTIFACTS:
        Draft202012Validator.check_schema(artifacts.schema(name))


def test_session_writes_valid_artifacts_and_is_byte_identical_across_runs(make_repo):
    repo = make_repo(MESSY)
    (repo / "src/app.py").write_text("print('changed')\n", encoding="utf-8")
    code1, first = run_json(repo)
    run_dir = run_dir_of(repo, first)
    assert run_dir.parent == repo / ".autopack/runs" and run_dir.name == first["run_id"]
    documents = load_artifacts(run_dir)
    bytes1 = {name: (run_dir / name).read_bytes() for name in ARTIFACTS}

    code2, second = run_json(repo)
    assert second["run_id"] == first["run_id"]
    assert {name: (run_dir / name).read_bytes() for name in ARTIFACTS} == bytes1
    assert code1 == code2 == 1  # DEBUG=1 in production is critical
    assert sorted(p.name for p in run_dir.iterdir()) == sorted([*ARTIFACTS, ".gitignore"])

    report = documents["gap_report_v1.json"]
    assert {"production_debug_config", "protected_path_violation", "root_clutter"} <= set(report["summary"]["by_type"])
    risks = [g["risk"] for g in report["gaps"]]
    order = ["critical", "high", "medium", "low", "info"]
    assert risks == sorted(risks, key=order.index)
    for gap in report["gaps"]:
        assert gap["gap_id"].startswith(gap["gap_type"] + "-") and len(gap["gap_id"].rsplit("-", 1)[1]) == 12
    session = documents["autopilot_session_v1.json"]
    assert session["run_id"] == report["run_id"] == documents["plan_proposal_v1.json"]["run_id"]
    assert session["workspace_digest"] == report["workspace_digest"]
    assert session["proof_metrics"] == {"files_changed": 1, "changed_files": ["src/app.py"], "metrics_placeholder": False}
    assert session["executed_action_ids"], "the read-only re-checks ran"
    checks = [r for r in session["results"] if r["argv"] == ["autopack-debug-guard", "--all-files"]]
    assert checks[0]["exit_code"] == 1 and "APD101" in checks[0]["stdout_excerpt"]
    assert session["status"] == "blocked_approval_required"
    pending = {a["action_id"] for a in documents["pending_approvals.json"]["approvals"]}
    assert pending == {a["action_id"] for a in session["approval_requests"]} and pending
    for document in documents.values():
        assert not ISO_DATE.search(json.dumps(document))


def test_same_state_same_run_id_and_a_change_gives_a_new_one(make_repo):
    repo = make_repo({"README.md": "# ok\n"})
    _, first = run_json(repo)
    _, again = run_json(repo)
    assert again["run_id"] == first["run_id"]
    (repo / "README.md").write_text("# changed\n", encoding="utf-8")
    _, changed = run_json(repo)
    assert changed["run_id"] != first["run_id"]
    (repo / ".autopack.toml").write_text('[autopilot]\nfail-on = "low"\n', encoding="utf-8")
    _, configured = run_json(repo)
    assert configured["run_id"] not in (first["run_id"], changed["run_id"])


def test_clean_repository_exits_0_with_completed_session(make_repo):
    repo = make_repo({"README.md": "# clean\n", "pyproject.toml": "[project]\nname = 'x'\n"})
    code, summary = run_json(repo)
    assert code == 0, summary["gap_report"]["gaps"]
    assert summary["session"]["status"] == "completed"
    assert summary["gap_report"]["summary"]["total"] == 0


def test_fail_on_threshold_decides_the_exit_code(make_repo):
    repo = make_repo({"README.md": "# x\n", "stray.log": "log\n"})  # root clutter only: low risk
    assert autopilot(repo).returncode == 0
    assert autopilot(repo, "--fail-on", "low").returncode == 1
    config = '[autopilot]\nfail-on = "low"\nextend-root-allow = [".autopack.toml"]\n'
    (repo / ".autopack.toml").write_text(config, encoding="utf-8")
    assert autopilot(repo).returncode == 1


def test_text_summary_shows_gaps_plan_approvals_and_artifacts(make_repo):
    repo = make_repo(MESSY)
    result = autopilot(repo)
    assert result.returncode == 1
    out = result.stdout
    assert "CRITICAL production_debug_config-" in out
    assert "plan:" in out and "auto_approved" in out and "requires_approval" in out
    assert "ran:" in out and "waiting for approval:" in out
    assert "artifacts: .autopack/runs/run-" in out
    assert "result: exit 1" in out


def test_autopack_autopilot_subcommand_and_run_dir_flag(make_repo):
    repo = make_repo({"README.md": "# x\n"})
    result = run_script("autopack", "autopilot", "--run-dir", "out/run", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["run_dir"] == "out/run"
    load_artifacts(repo / "out/run")
    assert git(repo, "status", "--porcelain").stdout == "", "the run directory ignores itself"


def test_run_dir_under_a_protected_path_is_a_usage_error(make_repo):
    repo = make_repo({"README.md": "# x\n"})
    result = autopilot(repo, "--run-dir", "docs/runs")
    assert result.returncode == 2
    assert "protected path docs/" in result.stderr and "Traceback" not in result.stderr
    assert not (repo / "docs").exists()


def test_run_dir_symlinked_out_of_the_repository_is_refused(make_repo, tmp_path: Path):
    repo = make_repo({"README.md": "# x\n"})
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (repo / ".autopack").mkdir()
    (repo / ".autopack/runs").symlink_to(outside, target_is_directory=True)
    result = autopilot(repo)
    assert result.returncode == 2
    assert "outside the repository" in result.stderr
    assert list(outside.iterdir()) == []


def test_bad_flags_and_missing_config_are_usage_errors(make_repo):
    repo = make_repo({"README.md": "# x\n"})
    assert autopilot(repo, "--format", "xml").returncode == 2
    missing = autopilot(repo, "--config", "nope.toml")
    assert missing.returncode == 2 and "nope.toml" in missing.stderr and "Traceback" not in missing.stderr


def test_main_in_process_and_disabled_autopilot(make_repo, monkeypatch, capsys):
    from autopack.autopilot.cli import main

    repo = make_repo({"README.md": "# x\n", ".env.production": "DEBUG=on\n"})
    monkeypatch.chdir(repo / ".")
    assert main(["--format", "json"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["exit_code"] == 1 and summary["run_dir"].startswith(".autopack/runs/run-")
    (repo / ".autopack.toml").write_text("[autopilot]\nenabled = false\n", encoding="utf-8")
    assert main([]) == 0
    assert "disabled" in capsys.readouterr().out


def test_edge_repositories_never_crash(make_repo, tmp_path: Path):
    unborn = make_repo({"README.md": "# x\n", "src/ünï côde.py": "x = 1\n"}, commit=False)
    (unborn / os.fsdecode(b"bad\xffname.txt")).write_bytes(b"x")  # a file name that is not UTF-8
    base = make_repo({"README.md": "# x\n"})
    worktree = tmp_path / "wt"
    git(base, "worktree", "add", "-q", str(worktree), "-b", "feature")
    gitdir = Path(git(worktree, "rev-parse", "--absolute-git-dir").stdout.strip())
    (gitdir / "index.lock").write_bytes(b"")
    for repo in (unborn, worktree):
        result = autopilot(repo, "--format", "json")
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
        summary = json.loads(result.stdout)
        load_artifacts(repo / summary["run_dir"])
    session = summary["session"]
    assert any("index.lock" in g["title"] for g in summary["gap_report"]["gaps"]), "the worktree's own lock"
    assert session["status"] == "blocked_approval_required"
    unborn_summary = json.loads(autopilot(unborn, "--format", "json").stdout)
    assert unborn_summary["session"]["proof_metrics"]["metrics_placeholder"] is True
    assert {g["paths"][0] for g in unborn_summary["gap_report"]["gaps"] if g["gap_type"] == "protected_path_violation"} == {
        "src/ünï côde.py"}


def test_explicit_config_reaches_the_re_checks(make_repo):
    repo = make_repo({"README.md": "# x\n", ".env.live": "DEBUG=1\n",
                      "ci/autopack.toml": '[debug-guard]\nproduction-tokens = ["live"]\n'})
    assert not gaps_of(run_json(repo)[1], "production_debug_config")
    code, summary = run_json(repo, "--config", "ci/autopack.toml")
    assert [g["paths"] for g in gaps_of(summary, "production_debug_config")] == [[".env.live"]]
    check = next(r for r in summary["session"]["results"] if r["argv"][0] == "autopack-debug-guard")
    assert check["argv"] == ["autopack-debug-guard", "--all-files", "--config", "ci/autopack.toml"]
    assert check["exit_code"] == 1 and ".env.live" in check["stdout_excerpt"]
