"""Default deny: writes to the working tree wait for approval and never run; the executor refuses
hostile commands even when a plan marks them auto-approved."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autopack.autopilot.allowlist import check_command
from autopack.autopilot.executor import SafeActionExecutor
from autopack.autopilot.plan import APPROVAL, AUTO, BLOCKED, Action, Governance, approve, new_action
from tests.autopilot.conftest import gaps_of, run_dir_of, run_json, tree_fingerprint
from tests.conftest import git, write

PROTECTED = ("docs/", "config/", "src/", "tests/", ".github/")


def test_session_never_writes_outside_its_run_directory(make_repo):
    repo = make_repo({
        "README.md": "# x\n",
        **{f"{p}keep.txt": "v1\n" for p in PROTECTED},
        ".env.production": "DEBUG=true\n",
        "notes.tmp": "clutter\n",
    })
    for prefix in PROTECTED:  # uncommitted work under every protected path
        (repo / f"{prefix}keep.txt").write_text("v2\n", encoding="utf-8")
    git(repo, "add", "docs/keep.txt")  # one staged, the rest unstaged
    before = tree_fingerprint(repo, skip=repo / ".autopack")

    code, summary = run_json(repo)

    run_dir = run_dir_of(repo, summary)
    assert tree_fingerprint(repo, skip=repo / ".autopack") == before, "nothing outside the run directory changed"
    assert sorted(p.relative_to(repo).as_posix() for p in (repo / ".autopack").rglob("*")) == sorted(
        [".autopack/runs", run_dir.relative_to(repo).as_posix()]
        + [f"{run_dir.relative_to(repo).as_posix()}/{n}" for n in (
            ".gitignore", "gap_report_v1.json", "plan_proposal_v1.json", "autopilot_session_v1.json", "pending_approvals.json")]
    )
    protected_gaps = {g["paths"][0] for g in gaps_of(summary, "protected_path_violation")}
    assert protected_gaps == {f"{p}keep.txt" for p in PROTECTED}
    actions = summary["plan_proposal"]["actions"]
    writes = [a for a in actions if a["target_paths"]]
    assert writes and all(a["approval"] == APPROVAL for a in writes)
    executed = set(summary["session"]["executed_action_ids"])
    assert not executed & {a["action_id"] for a in writes}
    assert executed, "the session went on and ran its read-only checks"
    for prefix in PROTECTED:
        assert any(prefix in a["approval_reason"] for a in writes), prefix
    assert code == 1


@pytest.fixture
def governance(tmp_path: Path) -> Governance:
    root = tmp_path / "repo"
    run_dir = root / ".autopack/runs/run-0"
    run_dir.mkdir(parents=True)
    return Governance(root, run_dir, ".autopack/runs/run-0", PROTECTED, frozenset({("python", "scripts/ro.py")}))


@pytest.mark.parametrize("target", [*(f"{p}x.md" for p in PROTECTED), "README.md", "../outside.txt", "/etc/passwd"])
def test_writes_outside_the_run_directory_require_approval(governance: Governance, target: str):
    approval, reason = approve(new_action("edit", [], "edit a file", paths=[target]), governance)
    assert approval == APPROVAL
    assert "protected path" in reason or "outside the run directory" in reason or "leaves the repository" in reason


def test_run_local_writes_and_read_only_commands_are_auto(governance: Governance):
    assert approve(new_action("note", [], "", paths=[".autopack/runs/run-0/extra.json"]), governance)[0] == AUTO
    assert approve(new_action("check", [], "", command=["git", "status"]), governance)[0] == AUTO
    assert approve(new_action("check", [], "", command=["autopack-debug-guard", "--all-files"]), governance)[0] == AUTO
    assert approve(new_action("check", [], "", command=["python", "scripts/ro.py"]), governance)[0] == AUTO
    assert approve(new_action("check", [], "", command=["python", "scripts/other.py"]), governance)[0] == APPROVAL
    output = ["autopack", "check", "--output", "docs/report.sarif"]
    assert approve(new_action("check", [], "", command=output), governance)[0] == APPROVAL
    assert approve(new_action("check", [], "", command=["git", "push"]), governance)[0] == BLOCKED


HOSTILE = [
    "git status && rm -rf x",
    ["git", "status", "&&", "rm", "-rf", "x"],
    ["git", "log", "$(rm -rf x)"],
    ["git", "log", "`rm -rf x`"],
    ["git", "status", ";", "rm", "-rf", "x"],
    "git status; rm -rf x",
    ["git", "status", ">", "x"],
    ["git", "diff", "--output=x"],
    ["git", "status", "2>&1"],
    ["git", "log", "|", "sh"],
    ["git", "push"],
    ["git", "push", "--force", "origin", "main"],
    ["git", "clean", "-fdx"],
    ["pip", "install", "evil"],
    ["python", "-m", "pip", "install", "evil"],
    ["python3.12", "-m", "pip", "uninstall", "-y", "autopack"],
    ["npm", "install"],
    ["git", "diff", "../other-repo"],
    ["git", "diff", "--no-index", "/etc/passwd", "x"],
    ["/bin/rm", "-rf", "x"],
    ["rm", "-rf", "x"],
    ["bash", "-c", "rm -rf x"],
    ["python", "-c", "import shutil; shutil.rmtree('x')"],
    ["python", "scripts/ro.py", "~/secrets"],
    ["curl", "https://example.com"],
]


@pytest.mark.parametrize("command", HOSTILE, ids=lambda c: c if isinstance(c, str) else " ".join(c))
def test_executor_refuses_hostile_commands_marked_auto(tmp_path: Path, command):
    repo = tmp_path / "repo"
    write(repo, {"x/keep.txt": "precious\n", "scripts/ro.py": "print('ok')\n"})
    run_dir = repo / ".autopack/runs/run-0"
    run_dir.mkdir(parents=True)
    executor = SafeActionExecutor(repo, run_dir, protected_paths=PROTECTED,
                                  readonly_commands=frozenset({("python", "scripts/ro.py", "~/secrets")}))
    forged = Action("action-000000000000", "run_check", (), (), command, "forged", AUTO, "the plan says so")
    result = executor.execute(forged)
    assert result.status == "refused", result
    assert result.exit_code is None and result.stdout_sha256 is None and result.detail
    assert (repo / "x/keep.txt").read_text(encoding="utf-8") == "precious\n"


def test_executor_refuses_a_write_through_a_symlink_out_of_the_run_directory(make_repo, tmp_path: Path):
    repo = make_repo({"README.md": "# x\n"})
    run_dir = repo / ".autopack/runs/run-0"
    run_dir.mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (run_dir / "escape").symlink_to(outside, target_is_directory=True)
    executor = SafeActionExecutor(repo, run_dir, protected_paths=PROTECTED)
    target = ".autopack/runs/run-0/escape/report.json"
    via_paths = Action("action-000000000001", "write", (), (target,), ("git", "status"), "", AUTO, "forged")
    via_flag = Action("action-000000000002", "check", (), (), ("autopack", "check", "--output", target), "", AUTO, "forged")
    for action in (via_paths, via_flag):
        result = executor.execute(action)
        assert result.status == "refused" and "symlink" in result.detail
    assert list(outside.iterdir()) == []


def test_executor_refuses_what_the_plan_did_not_auto_approve(make_repo):
    repo = make_repo({"README.md": "# x\n"})
    run_dir = repo / ".autopack/runs/run-0"
    run_dir.mkdir(parents=True)
    executor = SafeActionExecutor(repo, run_dir, protected_paths=PROTECTED)
    for approval in (APPROVAL, BLOCKED):
        action = Action("action-000000000003", "check", (), (), ("git", "status"), "", approval, "")
        assert executor.execute(action).status == "refused"
    allowed = executor.execute(Action("action-000000000004", "check", (), (), ("git", "status"), "", AUTO, ""))
    assert allowed.status == "passed" and allowed.exit_code == 0


def test_executor_runs_a_run_local_write(make_repo):
    repo = make_repo({"README.md": "# x\n", ".env.production": "DEBUG=1\n"})
    run_dir = repo / ".autopack/runs/run-0"
    run_dir.mkdir(parents=True)
    executor = SafeActionExecutor(repo, run_dir, protected_paths=PROTECTED)
    command = ("autopack", "check", "--all-files", "--format", "json", "--output", ".autopack/runs/run-0/checks.json")
    result = executor.execute(Action("action-000000000005", "record_checks", (), (), command, "", AUTO, ""))
    assert result.status == "failed" and result.exit_code == 1, result  # the check ran and found APD101
    assert "APD101" in (run_dir / "checks.json").read_text(encoding="utf-8")


SHELL_CHARACTERS = ";&|`$<>\n"


@given(st.lists(st.text(min_size=1, max_size=12), min_size=0, max_size=4), st.sampled_from(SHELL_CHARACTERS),
       st.text(max_size=6), st.text(max_size=6))
def test_any_shell_syntax_anywhere_is_hostile(args, character, before, after):
    argv = ["git", "status", *args, before + character + after]
    verdict = check_command(argv, readonly_commands={tuple(argv)})
    assert verdict.hostile and not verdict.allowed


@given(st.lists(st.from_regex(r"[A-Za-z0-9_.-]{1,8}", fullmatch=True), min_size=0, max_size=3),
       st.lists(st.from_regex(r"[A-Za-z0-9_.-]{1,8}", fullmatch=True), min_size=0, max_size=3),
       st.sampled_from(["/", "\\\\"]), st.booleans())
def test_parent_and_absolute_paths_are_hostile(head, tail, separator, absolute):
    path = separator.join([*head, "..", *tail])
    if absolute:
        path = "/" + "/".join([*head, *tail, "x"])
    assert check_command(["git", "diff", "--", path]).hostile
    assert check_command(["git", "diff", f"--relative={path}"]).hostile


def test_global_git_options_are_refused_and_subcommand_options_are_not():
    assert check_command(["git", "-c", "core.pager=evil", "log"]).hostile
    assert check_command(["git", "-C", "elsewhere", "status"]).hostile
    assert check_command(["git", "log", "-C", "--stat"]).allowed  # -C here: find copies
