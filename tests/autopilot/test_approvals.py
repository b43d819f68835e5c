"""Closing the loop (issue 16): a session proposes, a person approves, `apply` carries out exactly
what was approved after a digest check, and the ledger and the apply report prove it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from autopack.autopilot import artifacts
from tests.autopilot.conftest import run_json, tree_fingerprint
from tests.conftest import BIN, GIT_ENV, git, run_script

NO_CI = {"CI": "", "GITHUB_ACTIONS": ""}
THREE = {
    "README.md": "# demo\n",
    ".env.production": "DEBUG=1\nSECRET_KEY=from-vault\n",
    "config/production.yaml": "app:\n  debug: true  # remove before launch\n  workers: 4\n",
    "deploy/prod/app.toml": "[server]\r\nport = 8080\r\ndebug = \"on\"\r\n",
}
FIXED = {
    ".env.production": b"DEBUG=0\nSECRET_KEY=from-vault\n",
    "config/production.yaml": b"app:\n  debug: false  # remove before launch\n  workers: 4\n",
    "deploy/prod/app.toml": b"[server]\r\nport = 8080\r\ndebug = \"off\"\r\n",
}


def autopack(repo: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_script("autopack", "autopilot", *args, cwd=repo, env={**NO_CI, **(env or {})})


def reviewer_repo(make_repo, files: dict[str, str] | None = None) -> Path:
    repo = make_repo(files or THREE)
    git(repo, "config", "user.name", "Pat Reviewer")
    git(repo, "config", "user.email", "pat@example.com")
    return repo


def pending(repo: Path, run: str | None = None) -> dict[str, dict[str, Any]]:
    result = autopack(repo, "approvals", *([run] if run else []), "--format", "json")
    assert result.returncode == 0, result.stderr
    return {row["target_paths"][0]: row for row in json.loads(result.stdout)["actions"]}


def test_approve_two_of_three_and_apply_changes_exactly_those(make_repo):
    repo = reviewer_repo(make_repo)
    code, summary = run_json(repo)
    assert code == 1
    run_dir = repo / summary["run_dir"]
    rows = pending(repo)
    assert sorted(rows) == sorted(FIXED) and {row["status"] for row in rows.values()} == {"pending"}
    assert rows[".env.production"]["change"] == "change: .env.production line 1: APD101 `1` -> `0`"
    approve = [rows[".env.production"]["action_id"], rows["config/production.yaml"]["action_id"]]
    before = tree_fingerprint(repo, skip=repo / ".autopack")

    decided = autopack(repo, "approve", *approve, "--reason", "reviewed")
    assert decided.returncode == 0, decided.stderr
    preview = autopack(repo, "apply", "--dry-run")
    assert preview.returncode == 0, preview.stderr
    assert "-DEBUG=1\n+DEBUG=0" in preview.stdout and "+  debug: false  # remove before launch" in preview.stdout
    assert "app.toml" not in preview.stdout
    assert tree_fingerprint(repo, skip=repo / ".autopack") == before, "--dry-run changes nothing"

    applied = autopack(repo, "apply", summary["run_dir"])
    assert applied.returncode == 0, applied.stdout + applied.stderr
    after = tree_fingerprint(repo, skip=repo / ".autopack")
    assert sorted(key for key in after if after[key] != before.get(key)) == [".env.production", "config/production.yaml"]
    for path in (".env.production", "config/production.yaml"):
        assert (repo / path).read_bytes() == FIXED[path]
    assert (repo / "deploy/prod/app.toml").read_bytes() == THREE["deploy/prod/app.toml"].encode()

    ledger = json.loads((run_dir / "approval_ledger_v1.json").read_text(encoding="utf-8"))
    artifacts.validate("approval_ledger_v1.json", ledger)
    assert [(e["sequence"], e["decision"]) for e in ledger["entries"]] == [
        (1, "approved"), (2, "approved"), (3, "applied"), (4, "applied")]
    first = ledger["entries"][0]
    assert first["who"] == {"name": "Pat Reviewer", "email": "pat@example.com"} and first["reason"] == "reviewed"
    assert first["workspace_digest"] == summary["gap_report"]["workspace_digest"]
    report = json.loads((run_dir / "apply_report_v1.json").read_text(encoding="utf-8"))
    artifacts.validate("apply_report_v1.json", report)
    assert report["workspace_digest_before"] == summary["gap_report"]["workspace_digest"]
    assert report["workspace_digest_after"] != report["workspace_digest_before"]
    assert report["summary"] == {"applied": 2, "failed": 0, "manual": 0, "gaps_resolved": 2, "gaps_remaining": 0}
    assert all(g["resolved"] for action in report["actions"] for g in action["gaps"])

    rows = pending(repo, summary["run_dir"])
    assert {path: row["status"] for path, row in rows.items()} == {
        ".env.production": "applied", "config/production.yaml": "applied", "deploy/prod/app.toml": "pending"}
    again = autopack(repo, "apply", summary["run_dir"])
    assert again.returncode == 2 and "changed since the plan" in again.stderr


def _whole_loop(repo: Path) -> dict[str, bytes]:
    _, summary = run_json(repo)
    run_dir = repo / summary["run_dir"]
    rows = pending(repo)
    assert autopack(repo, "approve", rows[".env.production"]["action_id"]).returncode == 0
    assert autopack(repo, "reject", rows["deploy/prod/app.toml"]["action_id"], "--reason", "not ours").returncode == 0
    assert autopack(repo, "apply", summary["run_dir"]).returncode == 0
    return {path.name: path.read_bytes() for path in run_dir.iterdir() if path.suffix == ".json"}


def test_two_runs_from_the_same_state_give_byte_identical_artifacts(make_repo):
    repo = reviewer_repo(make_repo)
    first = _whole_loop(repo)
    assert sorted(first) == sorted([*artifacts.SESSION_ARTIFACTS, "approval_ledger_v1.json", "apply_report_v1.json"])
    git(repo, "checkout", "--", ".")
    shutil.rmtree(repo / ".autopack")
    assert _whole_loop(repo) == first


def test_an_unrelated_edit_after_the_plan_refuses_decisions_and_apply(make_repo):
    repo = reviewer_repo(make_repo)
    run_json(repo)
    rows = pending(repo)
    action = rows[".env.production"]["action_id"]
    assert autopack(repo, "approve", action).returncode == 0
    _, summary = run_json(repo)  # the same state: the same run
    (repo / "README.md").write_text("# demo, edited\n", encoding="utf-8")
    before = tree_fingerprint(repo, skip=repo / ".autopack")
    refused = autopack(repo, "apply", summary["run_dir"])
    assert refused.returncode == 2 and "changed since the plan" in refused.stderr and "Traceback" not in refused.stderr
    assert "(README.md;" in refused.stderr  # names what changed
    assert tree_fingerprint(repo, skip=repo / ".autopack") == before
    decision = autopack(repo, "approve", rows["config/production.yaml"]["action_id"], "--run", summary["run_dir"])
    assert decision.returncode == 2 and "changed since the plan" in decision.stderr
    listing = autopack(repo, "approvals", summary["run_dir"])
    assert listing.returncode == 0 and "CHANGED since the plan" in listing.stdout


def test_decisions_are_checked(make_repo):
    repo = reviewer_repo(make_repo, {**THREE, "scripts/gen.py": "print('x')\n", ".autopack.toml":
                                     '[[autopilot.detectors]]\nname = "bad"\nrun = "git status; rm -rf x"\nread-only = true\n'})
    _, summary = run_json(repo)
    actions = {a["approval"]: a["action_id"] for a in summary["plan_proposal"]["actions"]}
    assert autopack(repo, "approve", "action-000000000000").returncode == 2
    blocked = autopack(repo, "approve", actions["blocked"])
    assert blocked.returncode == 2 and "can never be approved" in blocked.stderr
    no_reason = autopack(repo, "reject", actions["requires_approval"])
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    no_run = run_script("autopack", "autopilot", "approvals", "run-0123456789abcdef", cwd=repo)
    assert no_run.returncode == 2 and "no such run" in no_run.stderr


@pytest.mark.parametrize("variable", ["CI"])  # GITHUB_ACTIONS: the same refusal, tested with --fix
def test_apply_refuses_in_ci_unless_allowed(make_repo, variable: str):
    repo = reviewer_repo(make_repo)
    _, summary = run_json(repo)
    assert autopack(repo, "approve", pending(repo)[".env.production"]["action_id"]).returncode == 0
    refused = autopack(repo, "apply", env={variable: "true"})
    assert refused.returncode == 2 and "--allow-ci" in refused.stderr
    assert (repo / ".env.production").read_text(encoding="utf-8") == THREE[".env.production"]
    allowed = autopack(repo, "apply", "--allow-ci", env={variable: "true"})
    assert allowed.returncode == 0, allowed.stderr
    assert (repo / ".env.production").read_bytes() == FIXED[".env.production"]


def test_an_approved_detector_runs_in_a_snapshot_and_a_manual_action_is_left_to_a_person(make_repo):
    writes = "from pathlib import Path\nPath('docs').mkdir(exist_ok=True)\nPath('docs/generated.md').write_text('x')\n"
    repo = reviewer_repo(make_repo, {"README.md": "# x\n", "notes.txt": "scratch\n", "scripts/gen.py": writes,
                                     ".autopack.toml": '[[autopilot.detectors]]\nname = "gen"\nrun = "python scripts/gen.py"\n'})
    _, summary = run_json(repo)
    by_type = {a["action_type"]: a for a in summary["plan_proposal"]["actions"]}
    detector, tidy = by_type["run_detector"], by_type["tidy_root_file"]
    assert detector["approval"] == tidy["approval"] == "requires_approval"
    assert autopack(repo, "approve", detector["action_id"], tidy["action_id"]).returncode == 0
    applied = autopack(repo, "apply")
    assert applied.returncode == 1, applied.stdout + applied.stderr  # the clutter waits for a person
    assert "manual, not carried out" in applied.stdout
    assert not (repo / "docs").exists(), "the approved command wrote only into the snapshot"
    assert (repo / "notes.txt").exists()
    report = json.loads((repo / summary["run_dir"] / "apply_report_v1.json").read_text(encoding="utf-8"))
    actions = {a["action_type"]: a for a in report["actions"]}
    ran = actions["run_detector"]
    assert ran["status"] == "applied" and ran["command"]["exit_code"] == 0
    assert ran["gaps"] == [{"gap_id": detector["target_gap_ids"][0], "resolved": True}]
    assert actions["tidy_root_file"]["status"] == "manual"
    assert actions["tidy_root_file"]["gaps"] == [{"gap_id": tidy["target_gap_ids"][0], "resolved": False}]
    assert report["summary"]["manual"] == 1 and report["summary"]["gaps_remaining"] == 1
    assert report["workspace_digest_after"] == report["workspace_digest_before"]


def test_sigkill_during_apply_leaves_every_file_before_or_after_and_the_ledger_readable(make_repo):
    import signal
    import time

    count = 60
    names = [f"deploy/prod/svc_{i:03}.env" for i in range(count)]
    repo = reviewer_repo(make_repo, {"README.md": "# x\n", **{name: f"A={i}\nDEBUG=true\n" for i, name in enumerate(names)}})
    _, summary = run_json(repo)
    run_dir = repo / summary["run_dir"]
    ids = [row["action_id"] for row in pending(repo).values()]
    assert len(ids) == count and autopack(repo, "approve", *ids).returncode == 0
    env = {**os.environ, **GIT_ENV, **NO_CI}
    process = subprocess.Popen([str(BIN / "autopack"), "autopilot", "apply", summary["run_dir"]], cwd=repo, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    middle = repo / names[count // 2]  # files are written in path order: the kill lands halfway through the writes
    deadline = time.monotonic() + 120
    while middle.read_bytes().endswith(b"true\n") and process.poll() is None and time.monotonic() < deadline:
        pass
    os.killpg(process.pid, signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL, "apply finished before the kill"
    fixed = 0
    for i, name in enumerate(names):
        content = (repo / name).read_bytes()
        assert content in (f"A={i}\nDEBUG=true\n".encode(), f"A={i}\nDEBUG=false\n".encode()), name
        fixed += content.endswith(b"false\n")
    assert fixed > count // 2
    ledger = json.loads((run_dir / "approval_ledger_v1.json").read_text(encoding="utf-8"))
    artifacts.validate("approval_ledger_v1.json", ledger)
    applied = [e for e in ledger["entries"] if e["decision"] == "applied"]
    assert len(applied) <= fixed  # a file is written before its ledger entry
    assert [e["sequence"] for e in ledger["entries"]] == list(range(1, len(ledger["entries"]) + 1))


def test_an_approved_link_fix_follows_the_rename(make_repo):
    repo = reviewer_repo(make_repo, {"README.md": "# x\n\nRead [the guide](docs/guide.md#use).\n", "docs/guide.md": "# Use\n"})
    git(repo, "mv", "docs/guide.md", "docs/handbook.md")
    git(repo, "commit", "-q", "-m", "rename the guide")
    _, summary = run_json(repo)
    row = pending(repo)["README.md"]
    assert row["action_type"] == "update_docs"
    assert row["change"] == "change: README.md line 3: APR201 `docs/guide.md#use` -> `docs/handbook.md#use`"
    assert autopack(repo, "approve", row["action_id"]).returncode == 0
    applied = autopack(repo, "apply")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert (repo / "README.md").read_text(encoding="utf-8") == "# x\n\nRead [the guide](docs/handbook.md#use).\n"
    report = json.loads((repo / summary["run_dir"] / "apply_report_v1.json").read_text(encoding="utf-8"))
    assert report["summary"]["gaps_resolved"] == 1 and report["summary"]["gaps_remaining"] == 0
