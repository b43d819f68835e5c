"""The workspace digest and the phase proof metrics, with git and without it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from autopack.autopilot.digest import SENTINEL_DIGEST, workspace_digest
from autopack.autopilot.proof_metrics import count_changed_files, list_changed_files, proof_metrics
from tests.autopilot.conftest import ARTIFACTS, ISO_DATE, autopilot, load_artifacts
from tests.conftest import git, run_script

UNICODE = "ünïcødé 文件.txt"


def test_sentinel_is_the_hash_of_the_documented_text():
    assert hashlib.sha256(b"unknown|git_unavailable").hexdigest() == SENTINEL_DIGEST


def test_digest_follows_head_index_and_working_tree_content(make_repo):
    repo = make_repo({"a.txt": "a\n", "b.txt": "b\n"})
    clean = workspace_digest(repo)
    assert workspace_digest(repo) == clean
    assert run_script("autopack", "digest", cwd=repo).stdout.strip() == clean
    (repo / "a.txt").write_text("a2\n", encoding="utf-8")
    modified = workspace_digest(repo)
    (repo / "a.txt").write_text("a3\n", encoding="utf-8")  # same status line, different content
    assert len({clean, modified, workspace_digest(repo)}) == 3
    git(repo, "add", "a.txt")
    staged = workspace_digest(repo)
    (repo / "new.txt").write_text("n\n", encoding="utf-8")
    untracked = workspace_digest(repo)
    git(repo, "commit", "-q", "-m", "second")
    committed = workspace_digest(repo)
    assert len({clean, staged, untracked, committed}) == 4
    (repo / "sub").mkdir()
    assert workspace_digest(repo / "sub") == committed, "any directory of the repository gives its digest"
    run_dir = repo / ".autopack/runs/run-x"  # a run directory hides itself from git, so it never counts
    run_dir.mkdir(parents=True)
    (run_dir / ".gitignore").write_text("*\n", encoding="utf-8")
    (run_dir / "gap_report_v1.json").write_text("{}", encoding="utf-8")
    assert workspace_digest(repo) == committed
    (repo / "a.txt").write_text("changed again\n", encoding="utf-8")
    assert workspace_digest(repo / "sub") == workspace_digest(repo) != committed


def test_digest_in_a_repository_without_commits_is_not_the_sentinel(make_repo):
    repo = make_repo({"a.txt": "a\n"}, commit=False)
    assert workspace_digest(repo) not in ("", SENTINEL_DIGEST)


def test_git_unavailable_gives_sentinel_placeholders_and_no_crash(make_repo, no_git_path: str):
    repo = make_repo({"README.md": "# x\n", "src/a.py": "x = 1\n"})
    (repo / "src/a.py").write_text("x = 2\n", encoding="utf-8")
    env = {"PATH": no_git_path}
    digest = run_script("autopack", "digest", cwd=repo, env=env)
    assert digest.returncode == 0 and digest.stdout.strip() == hashlib.sha256(b"unknown|git_unavailable").hexdigest()

    result = autopilot(repo, "--format", "json", env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    summary = json.loads(result.stdout)
    documents = load_artifacts(repo / summary["run_dir"])
    session = documents["autopilot_session_v1.json"]
    assert session["workspace_digest"] == SENTINEL_DIGEST
    assert documents["gap_report_v1.json"]["workspace_digest"] == SENTINEL_DIGEST
    assert session["proof_metrics"] == {"files_changed": 0, "changed_files": [], "metrics_placeholder": True}
    git_gaps = [g for g in documents["gap_report_v1.json"]["gaps"] if g["gap_type"] == "git_state_corruption"]
    assert [g["title"] for g in git_gaps] == ["git is not available"] and git_gaps[0]["blocks_autopilot"]
    for name in ARTIFACTS:
        assert not ISO_DATE.search((repo / summary["run_dir"] / name).read_text(encoding="utf-8"))
    again = json.loads(autopilot(repo, "--format", "json", env=env).stdout)
    assert again["run_id"] == summary["run_id"]


def test_proof_metrics_match_git_diff_name_only_head(make_repo):
    repo = make_repo({
        "mod_unstaged.txt": "1\n", "mod_staged.txt": "1\n", "del_unstaged.txt": "1\n", "del_staged.txt": "1\n",
        "rename_me.txt": "same content for the rename\n" * 5, UNICODE: "1\n", "with space.txt": "1\n",
        "both.txt": "1\n",
    })
    (repo / "mod_unstaged.txt").write_text("2\n", encoding="utf-8")
    (repo / "mod_staged.txt").write_text("2\n", encoding="utf-8")
    git(repo, "add", "mod_staged.txt")
    (repo / "del_unstaged.txt").unlink()
    git(repo, "rm", "-q", "del_staged.txt")
    git(repo, "mv", "rename_me.txt", "renamed.txt")
    (repo / UNICODE).write_text("2\n", encoding="utf-8")
    (repo / "with space.txt").write_text("2\n", encoding="utf-8")
    (repo / "added.txt").write_text("new\n", encoding="utf-8")
    git(repo, "add", "added.txt")
    (repo / "both.txt").write_text("2\n", encoding="utf-8")
    git(repo, "add", "both.txt")
    (repo / "both.txt").write_text("3\n", encoding="utf-8")
    (repo / "untracked.txt").write_text("not counted\n", encoding="utf-8")

    lines = git(repo, "diff", "--name-only", "HEAD").stdout.splitlines()  # what `| wc -l` counts
    names = sorted(git(repo, "-c", "core.quotepath=off", "diff", "--name-only", "-z", "HEAD").stdout.split("\0")[:-1])
    assert len(lines) == 9  # a staged rename is one line: the new name
    assert count_changed_files(repo) == len(lines)
    assert list_changed_files(repo, limit=100) == names
    assert list_changed_files(repo) == names[:10]
    assert list_changed_files(repo, limit=3) == names[:3]
    assert UNICODE in names and "renamed.txt" in names and "rename_me.txt" not in names
    metrics = proof_metrics(repo, limit=10)
    assert metrics == {"files_changed": 9, "changed_files": names, "metrics_placeholder": False}


def test_proof_metrics_without_git_repository_are_placeholders(tmp_path: Path):
    assert proof_metrics(tmp_path) == {"files_changed": 0, "changed_files": [], "metrics_placeholder": True}
    assert count_changed_files(tmp_path) == 0 and list_changed_files(tmp_path) == []
