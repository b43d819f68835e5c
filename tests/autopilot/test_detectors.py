"""Every gap type of SPEC section 7 on a real repository that triggers it, and the negatives
that must stay quiet."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import pytest

from autopack.autopilot.gaps import Gap
from autopack.autopilot.session import open_workspace, scan_workspace
from tests.autopilot.conftest import gaps_of, run_json
from tests.conftest import git, write


def scan(root: Path) -> list[Gap]:
    gaps, _ = scan_workspace(open_workspace(root))
    return gaps


def of_type(gaps: list[Gap], gap_type: str) -> list[Gap]:
    return [g for g in gaps if g.gap_type == gap_type]


def needs(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} has not landed")


# --- the four enforcements ---------------------------------------------------------------------

ENFORCEMENT_CASES: dict[str, tuple[str, dict[str, str], str]] = {
    # gap type: (module, files, rule id expected in the evidence)
    "production_debug_config": ("autopack.debug_guard", {"deploy/.env.production": "DEBUG=1\n"}, "APD101"),
    "doc_drift": ("autopack.doc_drift", {"README.md": "# x\n\nSee [setup](docs/setup.md).\n"}, "APR201"),
    "catalog_invalid": ("autopack.catalog.hook", {"config/models.yaml": "model_aliases: [unclosed\n"}, "APC300"),
    "parallelism_policy_violation": (
        "autopack.parallel.lint",
        {"app/jobs.py": "from autopack.parallel import execute_parallel\n\nexecute_parallel([], workers=4)\n"},
        "APP401",
    ),
}


@pytest.mark.parametrize("gap_type", sorted(ENFORCEMENT_CASES))
def test_enforcement_findings_become_gaps(make_repo, gap_type: str):
    module, files, rule = ENFORCEMENT_CASES[gap_type]
    needs(module)
    repo = make_repo({"README.md": "# x\n", **files})
    found = of_type(scan(repo), gap_type)
    assert found, f"no {gap_type} gap"
    assert any(g.evidence["rule"] == rule for g in found), [g.evidence["rule"] for g in found]
    gap = found[0]
    assert gap.paths and gap.fix and not gap.blocks_autopilot
    clean = make_repo({"README.md": "# x\n"})
    assert not of_type(scan(clean), gap_type)


def test_missing_doc_drift_script_is_a_gap_with_script_not_found(make_repo):
    needs("autopack.doc_drift")
    repo = make_repo({
        "README.md": "# x\n",
        ".autopack.toml": '[doc-drift]\ncommands = [{run = ["python", "scripts/check_docs_drift.py"]}]\n',
    })
    code, summary = run_json(repo)
    drift = gaps_of(summary, "doc_drift")
    assert drift and code == 1
    evidence = drift[0]["evidence"]
    assert "script not found" in repr(evidence)
    assert evidence["data"]["evidence"]["status"] == "not-found"
    assert evidence["data"]["evidence"]["argv"] == ["python", "scripts/check_docs_drift.py"]
    checks = [a for a in summary["plan_proposal"]["actions"] if a["action_type"] == "run_check"]
    assert checks[0]["command"] == ["autopack-doc-drift", "--all-files"] and checks[0]["approval"] == "auto_approved"


def test_enforcement_with_invalid_section_is_skipped_and_reported_as_policy_drift(make_repo):
    needs("autopack.debug_guard")
    repo = make_repo({"README.md": "# x\n", ".env.production": "DEBUG=1\n",
                      ".autopack.toml": "[debug-guard]\nno-such-key = 1\n"})
    workspace = open_workspace(repo)
    gaps, context = scan_workspace(workspace)
    assert not of_type(gaps, "production_debug_config")
    statuses = {s.name: s.status for s in context.statuses}
    assert statuses["debug-guard"] == "skipped"
    drift = of_type(gaps, "baseline_policy_drift")
    assert len(drift) == 1 and "no-such-key" in drift[0].evidence["error"] and drift[0].blocks_autopilot


def test_disabled_enforcement_is_not_a_detector(make_repo):
    needs("autopack.debug_guard")
    repo = make_repo({"README.md": "# x\n", ".env.production": "DEBUG=1\n",
                      ".autopack.toml": "[debug-guard]\nenabled = false\n"})
    gaps, context = scan_workspace(open_workspace(repo))
    assert not of_type(gaps, "production_debug_config")
    assert {s.name: s.status for s in context.statuses}["debug-guard"] == "disabled"


# --- git state ---------------------------------------------------------------------------------

def _conflict(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "other")
    write(repo, {"shared.txt": "other\n"})
    git(repo, "commit", "-q", "-am", "other")
    git(repo, "checkout", "-q", "main")
    write(repo, {"shared.txt": "main\n"})
    git(repo, "commit", "-q", "-am", "main")


def test_merge_in_progress_blocks_the_autopilot(make_repo):
    repo = make_repo({"README.md": "# x\n", "shared.txt": "base\n"})
    _conflict(repo)
    assert git(repo, "merge", "other", check=False).returncode != 0
    code, summary = run_json(repo)
    titles = sorted(g["title"] for g in gaps_of(summary, "git_state_corruption"))
    assert titles == ["1 path(s) with unresolved merge conflicts", "a merge is in progress"]
    assert all(g["blocks_autopilot"] for g in gaps_of(summary, "git_state_corruption"))
    assert code == 1
    assert summary["session"]["executed_action_ids"] == []
    assert summary["session"]["status"] == "blocked_approval_required"
    assert all(a["approval"] != "auto_approved" for a in summary["plan_proposal"]["actions"])
    assert any(a["approval"] == "blocked" for a in summary["plan_proposal"]["actions"])


def test_rebase_in_progress_and_stale_index_lock(make_repo):
    repo = make_repo({"README.md": "# x\n", "shared.txt": "base\n"})
    _conflict(repo)
    assert git(repo, "rebase", "other", check=False).returncode != 0
    (repo / ".git/index.lock").write_bytes(b"")
    found = {g.title: g for g in of_type(scan(repo), "git_state_corruption")}
    assert "a rebase is in progress" in found
    lock = found[".git/index.lock exists: a git process is running or one crashed"]
    assert lock.evidence == {"lock": ".git/index.lock"} and lock.risk == "high" and lock.blocks_autopilot


def test_not_a_repository_and_a_corrupt_index(make_repo, tmp_path: Path):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "README.md").write_text("# x\n", encoding="utf-8")
    assert [g.title for g in of_type(scan(plain), "git_state_corruption")] == ["not a git repository"]
    repo = make_repo({"README.md": "# x\n"})
    (repo / ".git/index").write_bytes(b"garbage, not an index")
    broken = of_type(scan(repo), "git_state_corruption")
    assert [g.title for g in broken] == ["git cannot read the repository"] and broken[0].risk == "critical"
    assert "index" in broken[0].evidence["reason"]


def test_clean_repository_has_no_git_gap(make_repo):
    repo = make_repo({"README.md": "# x\n"})
    git(repo, "checkout", "-q", "--detach")
    assert not of_type(scan(repo), "git_state_corruption")


# --- protected paths ---------------------------------------------------------------------------

def test_uncommitted_changes_under_protected_paths(make_repo):
    repo = make_repo({"README.md": "# x\n", "src/a.py": "a = 1\n", "lib/b.py": "b = 1\n", "docs/old.md": "# o\n"})
    (repo / "src/a.py").write_text("a = 2\n", encoding="utf-8")
    write(repo, {"tests/test_new.py": "def test(): pass\n", "lib/b.py": "b = 2\n", "notes/n.md": "n\n"})
    git(repo, "mv", "docs/old.md", "guide.md")
    found = {g.paths[0]: g for g in of_type(scan(repo), "protected_path_violation")}
    assert sorted(found) == ["docs/old.md", "src/a.py", "tests/test_new.py"]
    assert found["src/a.py"].evidence["change"] == "modified" and found["src/a.py"].evidence["unstaged"]
    assert found["tests/test_new.py"].evidence["change"] == "untracked"
    assert found["docs/old.md"].evidence["change"] == "renamed to guide.md" and found["docs/old.md"].evidence["staged"]


def test_protected_paths_are_configurable(make_repo):
    repo = make_repo({"README.md": "# x\n", "lib/b.py": "b = 1\n", ".autopack.toml": '[autopilot]\nprotected-paths = ["lib/"]\n'})
    (repo / "lib/b.py").write_text("b = 2\n", encoding="utf-8")
    assert [g.paths for g in of_type(scan(repo), "protected_path_violation")] == [("lib/b.py",)]


# --- root clutter ------------------------------------------------------------------------------

TIDY_ROOT = {
    "README.md": "# x\n", "LICENSE": "MIT\n", "CHANGELOG.md": "# c\n", "pyproject.toml": "[project]\n",
    ".gitignore": "*.log\n", "Makefile": "all:\n", "Dockerfile": "FROM x\n", "package.json": "{}\n",
    "docker-compose.yml": "services: {}\n", ".pre-commit-config.yaml": "repos: []\n", "setup.cfg": "\n",
    "requirements-dev.txt": "\n", "manage.py": "\n", "tsconfig.json": "{}\n", "vite.config.ts": "\n",
    ".env.example": "A=1\n", "CODEOWNERS": "* @x\n", "go.mod": "module x\n", "src/notes.txt": "nested\n",
    ".golangci.yml": "run: {}\n", ".bumpversion.cfg": "[bumpversion]\n", "Cargo.lock": "\n", "ARCHITECTURE.md": "# a\n",
}


def test_root_clutter_flags_unexpected_root_files_only(make_repo):
    repo = make_repo({**TIDY_ROOT, "notes.txt": "n\n", "temp_fix.py": "\n", "output.csv": "a,b\n", ".DS_Store": b"\0\0\0\1Bud1"})
    (repo / "debug.log").write_text("ignored by .gitignore\n", encoding="utf-8")
    (repo / "scratch.md").write_text("untracked\n", encoding="utf-8")
    found = {g.paths[0]: g for g in of_type(scan(repo), "root_clutter")}
    assert sorted(found) == [".DS_Store", "notes.txt", "output.csv", "scratch.md", "temp_fix.py"]
    assert found["scratch.md"].evidence["untracked"] and not found["notes.txt"].evidence["untracked"]
    expected_id = "root_clutter-" + hashlib.sha256(b"notes.txt").hexdigest()[:12]
    assert found["notes.txt"].gap_id == expected_id and found["notes.txt"].risk == "low"


def test_go_sources_are_expected_beside_go_mod(make_repo):
    module = make_repo({"go.mod": "module x\n", "x.go": "package x\n", "x_test.go": "package x\n"})
    assert not of_type(scan(module), "root_clutter")
    loose = make_repo({"README.md": "# x\n", "x.go": "package x\n"})
    assert [g.paths for g in of_type(scan(loose), "root_clutter")] == [("x.go",)]


def test_root_allow_list_is_extensible(make_repo):
    repo = make_repo({"README.md": "# x\n", "notes.txt": "n\n", "Output.CSV": "a\n",
                      ".autopack.toml": '[autopilot]\nextend-root-allow = ["notes.txt", "*.csv", ".autopack.toml"]\n'})
    assert not of_type(scan(repo), "root_clutter")


# --- encodings ---------------------------------------------------------------------------------

def test_non_utf8_text_files_are_flagged_and_binaries_are_not(make_repo):
    repo = make_repo({
        "README.md": "# x\n",
        "data/latin.txt": "line one\ncaf\xe9 cr\xe8me\n".encode("cp1252"),
        "scripts/setup.bat": "\ufeffecho hi\r\n".encode("utf-16-le"),
        "scripts/bomless.ps1": "Write-Host 'hello world'\r\n".encode("utf-16-le"),
        "docs/utf8.md": "\ufeffcafé, naïve, 文件\n".encode("utf-8"),
        "img/logo.png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)),
        "blob.bin.dat": bytes(range(1, 256)) * 4,
        "legacy/old.txt": "d\xe9j\xe0 vu\n".encode("latin-1"),
        ".autopack.toml": '[autopilot]\nencoding-exclude = ["legacy/**"]\nextend-root-allow = ["*.dat", ".autopack.toml"]\n',
    })
    found = {g.paths[0]: g for g in of_type(scan(repo), "windows_encoding_issue")}
    assert sorted(found) == ["data/latin.txt", "scripts/bomless.ps1", "scripts/setup.bat"]
    latin = found["data/latin.txt"].evidence
    assert latin["line"] == 2 and latin["offset"] == len("line one\ncaf") and "cp1252" in latin["encoding"]
    assert found["scripts/setup.bat"].evidence["encoding"] == "utf-16-le"
    assert found["scripts/bomless.ps1"].evidence["encoding"] == "utf-16-le"


# --- baseline policy ---------------------------------------------------------------------------

def test_invalid_configuration_is_blocking_policy_drift(make_repo):
    repo = make_repo({"README.md": "# x\n", ".autopack.toml": "[autopilot\nbroken = \n"})
    code, summary = run_json(repo)
    drift = gaps_of(summary, "baseline_policy_drift")
    assert len(drift) == 1 and drift[0]["blocks_autopilot"] and drift[0]["risk"] == "high"
    assert ".autopack.toml" in drift[0]["evidence"]["error"] and str(repo) not in drift[0]["evidence"]["error"]
    assert code == 1


def test_unknown_autopilot_key_is_policy_drift_and_defaults_apply(make_repo):
    repo = make_repo({"README.md": "# x\n", "pyproject.toml": "[tool.autopack.autopilot]\nfail-onn = 'low'\n"})
    drift = of_type(scan(repo), "baseline_policy_drift")
    assert len(drift) == 1 and "fail-onn" in drift[0].evidence["error"] and drift[0].paths == ("pyproject.toml",)


def test_invalid_anchor_is_policy_drift_and_a_valid_one_is_not(make_repo):
    needs("autopack.parallel.anchor")
    bad = make_repo({"README.md": "# x\n", ".autopack/anchor.yaml": "id: a\nparallelism: {allowed: yes}\n"})
    drift = of_type(scan(bad), "baseline_policy_drift")
    assert len(drift) == 1 and drift[0].paths == (".autopack/anchor.yaml",)
    assert ".autopack/anchor.yaml" in drift[0].evidence["error"]
    good = make_repo({"README.md": "# x\n", ".autopack/anchor.yaml":
                      "id: a\nowner: team\nparallelism:\n  allowed: true\n  max_workers: 4\n"})
    assert not of_type(scan(good), "baseline_policy_drift")


# --- custom detectors --------------------------------------------------------------------------

def _detectors(*tables: str) -> str:
    return "".join(f"[[autopilot.detectors]]\n{t}\n" for t in tables)


def test_custom_detectors(make_repo):
    repo = make_repo({
        "README.md": "# x\n",
        "scripts/fails.py": "import sys\nprint('bad thing', file=sys.stderr)\nsys.exit(3)\n",
        "scripts/passes.py": "print('fine')\n",
        "scripts/writes.py": "open('marker.txt', 'w').write('ran')\n",
        "victim/keep.txt": "keep\n",
        ".autopack.toml": _detectors(
            'name = "fails"\nrun = "python scripts/fails.py"\nread-only = true\nrisk = "high"',
            'name = "passes"\nrun = ["python", "scripts/passes.py"]\nread-only = true',
            'name = "writes"\nrun = ["python", "scripts/writes.py"]',
            'name = "hostile"\nrun = "git status && rm -rf victim"\nread-only = true',
        ) + '[autopilot]\nextend-root-allow = [".autopack.toml"]\n',
    })
    code, summary = run_json(repo)
    found = {g["evidence"]["detector"]: g for g in gaps_of(summary, "unknown")}
    assert sorted(found) == ["fails", "hostile", "writes"]
    fails = found["fails"]
    assert fails["risk"] == "high" and fails["evidence"]["exit_code"] == 3 and fails["evidence"]["status"] == "failed"
    assert "bad thing" in fails["evidence"]["stderr_excerpt"]
    assert found["writes"]["risk"] == "info" and found["writes"]["evidence"]["status"] == "not-run"
    assert found["hostile"]["evidence"]["status"] == "refused"
    actions = {a["target_gap_ids"][0]: a for a in summary["plan_proposal"]["actions"] if a["action_type"] == "run_detector"}
    assert actions[fails["gap_id"]]["approval"] == "auto_approved"
    assert actions[found["writes"]["gap_id"]]["approval"] == "requires_approval"
    assert actions[found["hostile"]["gap_id"]]["approval"] == "blocked"
    results = {r["action_id"]: r for r in summary["session"]["results"]}
    assert results[actions[fails["gap_id"]]["action_id"]]["exit_code"] == 3
    assert not (repo / "marker.txt").exists() and (repo / "victim/keep.txt").exists()
    assert code == 1


def test_detector_without_a_command_is_policy_drift(make_repo):
    repo = make_repo({"README.md": "# x\n", ".autopack.toml": _detectors('name = "empty"')})
    drift = of_type(scan(repo), "baseline_policy_drift")
    assert len(drift) == 1 and "needs `run`" in drift[0].evidence["error"]


