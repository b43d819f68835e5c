"""Attacks on the autopilot's promises (issue 15), each a regression test: where the run directory
may go, what a symlinked anchor may leak, and concurrent sessions of the same state."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from autopack.autopilot.executor import SafeActionExecutor
from autopack.autopilot.plan import APPROVAL, AUTO, Action, Governance, approve, new_action
from tests.autopilot.conftest import ARTIFACTS, autopilot, load_artifacts, run_dir_of, run_json, tree_fingerprint
from tests.conftest import BIN, GIT_ENV, git, run_script

PROTECTED = ("docs/", "config/", "src/", "tests/", ".github/")

SECRET = "s3cr3t-token-9f8e7d"


def test_ten_concurrent_sessions_of_the_same_state_all_succeed(make_repo):
    # The same state means the same run directory: a session cleaning up a killed writer's temp
    # files must never remove a live writer's (5 of 10 crashed before the run directory lock).
    repo = make_repo({"README.md": "# x\n", ".env.production": "DEBUG=1\n",
                      **{f"clutter_{i:03}.txt": f"{i}\n" for i in range(20)}})
    env = {**os.environ, **GIT_ENV}
    processes = [
        subprocess.Popen([str(BIN / "autopack-autopilot"), "--format", "json"], cwd=repo, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(10)
    ]
    outcomes = [(*p.communicate(timeout=300), p.returncode) for p in processes]
    outcomes = [(code, out, err) for out, err, code in outcomes]
    assert [code for code, _, _ in outcomes] == [1] * 10, [err for _, _, err in outcomes]
    assert not any("Traceback" in err for _, _, err in outcomes)
    run_dirs = {json.loads(out)["run_dir"] for _, out, _ in outcomes}
    assert len(run_dirs) == 1, [  # the same state: the same digest and run id (what differed, if not)
        (json.loads(out)["gap_report"]["workspace_digest"], [g["title"] for g in json.loads(out)["gap_report"]["gaps"]
                                                             if "clutter_" not in g["title"]]) for _, out, _ in outcomes]
    run_dir = repo / run_dirs.pop()
    load_artifacts(run_dir)
    assert sorted(p.name for p in run_dir.iterdir()) == sorted([*ARTIFACTS, ".gitignore"])


def test_concurrent_sessions_that_run_configured_commands_take_turns_with_the_snapshot(make_repo):
    repo = make_repo({"README.md": "# x\n", "scripts/check.py": "import os\nprint(sorted(os.listdir('.')))\n",
                      ".autopack.toml": '[[autopilot.detectors]]\nname = "ls"\nrun = "python scripts/check.py"\n'
                                        'read-only = true\n'})
    env = {**os.environ, **GIT_ENV}
    processes = [subprocess.Popen([str(BIN / "autopack-autopilot"), "--format", "json"], cwd=repo, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outcomes = [(*p.communicate(timeout=300), p.returncode) for p in processes]
    assert [code for _, _, code in outcomes] == [0] * 4, [err for _, err, _ in outcomes]
    sessions = [json.loads(out)["session"] for out, _, _ in outcomes]
    assert all(s == sessions[0] for s in sessions) and sessions[0]["workspace_integrity"]["unchanged"]
    run_dir = repo / json.loads(outcomes[0][0])["run_dir"]
    assert sorted(p.name for p in run_dir.iterdir()) == sorted([*ARTIFACTS, ".gitignore"])


def test_configured_runs_dir_outside_the_repository_is_refused(make_repo, tmp_path: Path):
    outside = tmp_path / "elsewhere"
    for runs_dir in ("../elsewhere", str(outside)):
        repo = make_repo({"README.md": "# x\n", ".autopack.toml": f'[autopilot]\nruns-dir = "{runs_dir}"\n'})
        result = autopilot(repo)
        assert result.returncode == 2, (runs_dir, result.stdout)
        assert "outside the repository" in result.stderr and "Traceback" not in result.stderr
        assert not outside.exists()


def test_run_dir_symlinked_into_a_protected_path_is_refused(make_repo):
    repo = make_repo({"README.md": "# x\n", "docs/guide.md": "# Guide\n"})
    (repo / "out").symlink_to("docs", target_is_directory=True)
    (repo / ".autopack.toml").write_text('[autopilot]\nruns-dir = "out/runs"\n', encoding="utf-8")
    before = tree_fingerprint(repo / "docs")
    for args in ((), ("--run-dir", "out")):
        result = autopilot(repo, *args)
        assert result.returncode == 2, result.stdout
        assert "protected path docs/" in result.stderr and "Traceback" not in result.stderr
    assert tree_fingerprint(repo / "docs") == before


def test_run_dir_that_holds_other_files_is_refused(make_repo):
    repo = make_repo({"README.md": "# x\n", "scripts/.gitignore": "keep-me\n", "scripts/run.sh": "echo\n"})
    result = autopilot(repo, "--run-dir", "scripts")
    assert result.returncode == 2 and "not an autopilot run directory" in result.stderr
    assert (repo / "scripts/.gitignore").read_text(encoding="utf-8") == "keep-me\n"
    assert git(repo, "status", "--porcelain").stdout == ""


def test_explicit_run_dir_outside_the_repository_stays_allowed_for_the_person_running_it(make_repo, tmp_path: Path):
    repo = make_repo({"README.md": "# x\n"})
    result = autopilot(repo, "--run-dir", str(tmp_path / "artifacts"))  # the Action keeps runs in RUNNER_TEMP
    assert result.returncode == 0, result.stderr
    load_artifacts(tmp_path / "artifacts")


def test_anchor_symlinked_out_of_the_repository_never_leaks_its_target(make_repo, tmp_path: Path):
    secret = tmp_path / "secret.yaml"
    secret.write_text(f"{SECRET}\n", encoding="utf-8")  # a one-line file, as a token file is
    repo = make_repo({"README.md": "# x\n"})
    (repo / ".autopack").mkdir()
    (repo / ".autopack/anchor.yaml").symlink_to(secret)
    absolute = make_repo({"README.md": "# x\n", ".autopack.toml": f'[autopilot]\nanchor = "{secret}"\n'})
    for target in (repo, absolute):
        result = autopilot(target, "--format", "json")
        assert SECRET not in result.stdout + result.stderr
        summary = json.loads(result.stdout)
        for name in ARTIFACTS:
            assert SECRET not in (target / summary["run_dir"] / name).read_text(encoding="utf-8")
        drift = [g for g in summary["gap_report"]["gaps"] if g["gap_type"] == "baseline_policy_drift"]
        assert [g["title"] for g in drift] == ["the parallelism anchor lies outside the repository"]
        assert "was not read" in drift[0]["evidence"]["error"]


def test_a_session_refused_for_its_run_dir_writes_nothing(make_repo, tmp_path: Path):
    repo = make_repo({"README.md": "# x\n", ".autopack.toml": '[autopilot]\nruns-dir = "../escape"\n'})
    assert autopilot(repo).returncode == 2
    assert not (tmp_path / "escape").exists() and not (repo / ".autopack").exists()


# --- the allowlist parses commands with autopack's own parser ----------------------------------

WALKAROUNDS = [
    # (command a plan might carry, the file it would write if it ran)
    (["autopack", "check", "--all-files", "--outp", "docs/pwned.json"], "docs/pwned.json"),
    (["autopack", "check", "--all-files", "--out=src/pwned.json"], "src/pwned.json"),
    (["autopack-debug-guard", "--all-files", "--also", "json=docs/pwned.json"], "docs/pwned.json"),
    (["autopack", "debug-guard", "--all-files", "--also=sarif=config/pwned.sarif"], "config/pwned.sarif"),
    (["autopack-debug-guard", "--all-files", "--write-b", "src/pwned.json"], "src/pwned.json"),
    (["autopack", "catalog", "validate", "--write-baseline=config/pwned.json"], "config/pwned.json"),
    (["autopack-debug-guard", "--diff-base=--output=docs/pwned.json"], "docs/pwned.json...HEAD"),
    (["git", "diff", "--outp=docs/pwned.json"], "docs/pwned.json"),
    (["git", "log", "-p", "--out", "docs/pwned.json"], "docs/pwned.json"),
]


@pytest.mark.parametrize(("command", "written"), WALKAROUNDS, ids=lambda c: " ".join(c) if isinstance(c, list) else c)
def test_abbreviated_and_joined_write_options_are_never_auto_approved(make_repo, command, written):
    repo = make_repo({"README.md": "# x\n", ".env.production": "DEBUG=1\n", "docs/keep.md": "# k\n",
                      "src/keep.py": "x = 1\n", "config/keep.yaml": "a: 1\n"})
    git(repo, "commit", "-q", "--allow-empty", "-m", "second")
    run_dir = repo / ".autopack/runs/run-0"
    run_dir.mkdir(parents=True)
    governance = Governance(repo, run_dir, ".autopack/runs/run-0", PROTECTED, frozenset())
    approval, reason = approve(new_action("run_check", [], "", command=command), governance)
    assert approval != AUTO, reason
    executor = SafeActionExecutor(repo, run_dir, protected_paths=PROTECTED)
    forged = Action("action-000000000009", "run_check", (), (), tuple(command), "forged", AUTO, "the plan says so")
    result = executor.execute(forged)
    assert result.status == "refused", result
    assert not (repo / written).exists()
    assert git(repo, "status", "--porcelain").stdout == ""


def test_the_same_commands_writing_into_the_run_directory_stay_auto_approved(make_repo):
    repo = make_repo({"README.md": "# x\n"})
    run_dir = repo / ".autopack/runs/run-0"
    run_dir.mkdir(parents=True)
    governance = Governance(repo, run_dir, ".autopack/runs/run-0", PROTECTED, frozenset())
    for command in (["autopack", "check", "--outp", ".autopack/runs/run-0/a.json"],
                    ["autopack-debug-guard", "--also", "json=.autopack/runs/run-0/b.json", "--all-files"],
                    ["autopack", "catalog", "validate", "--config", "pyproject.toml"]):
        assert approve(new_action("run_check", [], "", command=command), governance)[0] == AUTO, command


@pytest.mark.parametrize("command", [
    ["make", "docs"],
    ["autopack", "catalog", "snapshot", "--output", "x.json"],
    ["autopack", "check", "--no-such-flag"],
    ["autopack", "check", "--also", "xml=.autopack/runs/run-0/a.xml"],
    ["autopack", "autopilot"],
    ["./autopack-debug-guard", "--all-files"],
])
def test_unknown_or_unparseable_commands_wait_for_approval(tmp_path: Path, command):
    run_dir = tmp_path / ".autopack/runs/run-0"
    run_dir.mkdir(parents=True)
    governance = Governance(tmp_path, run_dir, ".autopack/runs/run-0", PROTECTED, frozenset())
    assert approve(new_action("run_check", [], "", command=command), governance)[0] == APPROVAL


def test_a_diff_base_that_is_an_option_never_reaches_git_as_one(make_repo):
    repo = make_repo({"README.md": "# x\n", ".env.production": "DEBUG=0\n"})
    result = run_script("autopack-debug-guard", "--diff-base=--output=pwned", cwd=repo)
    assert result.returncode == 2 and "--output=pwned" in result.stderr
    assert sorted(p.name for p in repo.iterdir()) == [".env.production", ".git", "README.md"]


# --- configured commands run in a disposable snapshot; the working tree is hashed before/after -

EDITS_DOCS = (  # a "check" that rewrites a tracked file where it runs
    "from pathlib import Path\n"
    "Path('docs/guide.md').write_text('# rewritten by a check\\n')\n"
    "Path('new_file.txt').write_text('made by a check\\n')\n"
)
ESCAPES_SNAPSHOT = (  # finds the real repository through the borrowed objects and writes there
    "from pathlib import Path\n"
    "borrowed = Path('.git/objects/info/alternates')\n"
    "root = Path(borrowed.read_text().strip()).parent.parent if borrowed.exists() else Path('.')\n"
    "root.joinpath('docs', 'pwned.md').write_text('pwned\\n')\n"
)


def test_a_doc_check_that_edits_tracked_files_edits_only_the_snapshot(make_repo):
    repo = make_repo({
        "README.md": "# x\n", "docs/guide.md": "# Guide\n", "scripts/check_docs.py": EDITS_DOCS,
        ".autopack.toml": '[[doc-drift.commands]]\nrun = "python scripts/check_docs.py"\nread-only = true  # it is not\n'
                          '[autopilot]\nextend-root-allow = [".autopack.toml"]\n',
    })
    before = tree_fingerprint(repo, skip=repo / ".autopack")
    code, summary = run_json(repo)
    assert tree_fingerprint(repo, skip=repo / ".autopack") == before
    integrity = summary["session"]["workspace_integrity"]
    assert integrity["unchanged"] and integrity["digest_before"] == integrity["digest_after"]
    assert not [g for g in summary["gap_report"]["gaps"] if g["gap_type"] == "read_only_violation"]
    assert {"doc-drift": "ran in the snapshot (configured commands)"}.items() <= {
        d["name"]: d["detail"] for d in summary["gap_report"]["detectors"]}.items()
    assert sorted(p.name for p in run_dir_of(repo, summary).iterdir()) == sorted([*ARTIFACTS, ".gitignore"])
    assert code == 0


def test_a_doc_check_not_marked_read_only_waits_for_approval(make_repo):
    repo = make_repo({
        "README.md": "# x\n", "docs/guide.md": "# Guide\n", "scripts/check_docs.py": EDITS_DOCS,
        "scripts/reads.py": "print('fine')\n",
        ".autopack.toml": '[[doc-drift.commands]]\nname = "edits"\nrun = "python scripts/check_docs.py"\n'
                          '[[doc-drift.commands]]\nrun = "python scripts/reads.py"\nread-only = true\n',
    })
    before = tree_fingerprint(repo, skip=repo / ".autopack")
    code, summary = run_json(repo)
    assert tree_fingerprint(repo, skip=repo / ".autopack") == before
    waiting = [g for g in summary["gap_report"]["gaps"] if g["gap_type"] == "doc_drift"]
    assert [g["evidence"]["rule"] for g in waiting] == ["APR206"] and "not marked read-only" in waiting[0]["title"]
    action = next(a for a in summary["plan_proposal"]["actions"] if a["action_type"] == "run_doc_check")
    assert action["command"] == ["python", "scripts/check_docs.py"] and action["approval"] == "requires_approval"
    check = next(r for r in summary["session"]["results"] if r["argv"][0] == "autopack-doc-drift")
    assert check["status"] == "passed", check  # the re-check ran the read-only one and skipped the other
    assert code == 0


def test_a_read_only_detector_that_writes_the_working_tree_is_a_critical_gap(make_repo):
    repo = make_repo({
        "README.md": "# x\n", "docs/guide.md": "# Guide\n", "scripts/escape.py": ESCAPES_SNAPSHOT,
        ".autopack.toml": '[[autopilot.detectors]]\nname = "sneaky"\nrun = "python scripts/escape.py"\nread-only = true\n'
                          '[autopilot]\nextend-root-allow = [".autopack.toml"]\n',
    })
    code, summary = run_json(repo)
    assert (repo / "docs/pwned.md").exists(), "the command escaped the snapshot (it is not a sandbox)"
    integrity = summary["session"]["workspace_integrity"]
    assert not integrity["unchanged"] and integrity["changed_paths"] == ["docs/pwned.md"]
    violation = [g for g in summary["gap_report"]["gaps"] if g["gap_type"] == "read_only_violation"]
    assert len(violation) == 1 and violation[0]["risk"] == "critical" and violation[0]["blocks_autopilot"]
    assert violation[0]["paths"] == ["docs/pwned.md"]
    remedy = [a for a in summary["plan_proposal"]["actions"] if violation[0]["gap_id"] in a["target_gap_ids"]]
    assert [a["approval"] for a in remedy] == ["requires_approval"]
    load_artifacts(run_dir_of(repo, summary))
    assert code == 1


def test_commands_in_the_snapshot_give_byte_identical_evidence_across_runs(make_repo):
    prints_where = "import os, sys\nprint(os.getcwd())\nsys.exit(1)\n"
    repo = make_repo({
        "README.md": "# x\n", "scripts/where.py": prints_where,
        ".autopack.toml": '[[autopilot.detectors]]\nname = "where"\nrun = "python scripts/where.py"\nread-only = true\n'
                          '[[doc-drift.commands]]\nrun = "python scripts/where.py"\n'
                          '[autopilot]\nextend-root-allow = [".autopack.toml"]\n',
    })
    _, first = run_json(repo)
    run_dir = run_dir_of(repo, first)
    contents = {name: (run_dir / name).read_bytes() for name in ARTIFACTS}
    _, second = run_json(repo)
    assert second["run_id"] == first["run_id"]
    assert {name: (run_dir / name).read_bytes() for name in ARTIFACTS} == contents
    detector = next(g for g in first["gap_report"]["gaps"] if g["gap_type"] == "unknown")
    assert "snapshot" in detector["evidence"]["stdout_excerpt"]


SHOWS_FLAVOUR = ("import os, sys\nprint('flavour=' + os.environ.get('DOCS_FLAVOUR', '<unset>'), "
                 "'other=' + os.environ.get('SOME_UNRELATED', '<unset>'))\nsys.exit(int(sys.argv[1]))\n")
PASS_ENV_CONFIG = ('pass-env = ["DOCS_FLAVOUR"]\n'
                   '[[autopilot.detectors]]\nname = "flavour"\nrun = "python scripts/flavour.py 1"\nread-only = true\n'
                   '[[autopilot.detectors]]\nname = "approved"\nrun = "python scripts/flavour.py 0"\n'
                   '[autopilot]\nextend-root-allow = [".autopack.toml"]\n')


def _decide_and_apply(repo: Path, action_id: str, *apply_args: str) -> dict:
    no_ci = {"CI": "", "GITHUB_ACTIONS": "", "DOCS_FLAVOUR": "mkdocs", "SOME_UNRELATED": "x"}
    assert run_script("autopack", "autopilot", "approve", action_id, cwd=repo, env=no_ci).returncode == 0
    applied = run_script("autopack", "autopilot", "apply", *apply_args, cwd=repo, env=no_ci)
    assert applied.returncode in (0, 1) and "Traceback" not in applied.stderr, applied.stdout + applied.stderr
    run_dir = next((repo / ".autopack" / "runs").iterdir())
    report = json.loads((run_dir / "apply_report_v1.json").read_text(encoding="utf-8"))
    return next(a for a in report["actions"] if a["action_id"] == action_id)


def test_commands_the_autopilot_runs_again_see_the_configured_pass_env(make_repo):
    # Attack (a leftover of issue 15): the executor re-ran a read-only detector, and apply ran an
    # approved one, with the scrubbed environment but without the `pass-env` names, so a check
    # that needs them failed there while it passed in `autopack check` and in the scan.
    repo = make_repo({"README.md": "# x\n", "scripts/flavour.py": SHOWS_FLAVOUR, ".autopack.toml": PASS_ENV_CONFIG})
    env = {"DOCS_FLAVOUR": "mkdocs", "SOME_UNRELATED": "x"}
    _, summary = run_json(repo, env=env)
    rerun = next(a for a in summary["plan_proposal"]["actions"]
                 if a["action_type"] == "run_detector" and a["approval"] == "auto_approved")
    result = next(r for r in summary["session"]["results"] if r["action_id"] == rerun["action_id"])
    assert result["stdout_excerpt"] == "flavour=mkdocs other=<unset>\n", result
    waiting = next(a for a in summary["plan_proposal"]["actions"]
                   if a["action_type"] == "run_detector" and a["approval"] == "requires_approval")
    ran = _decide_and_apply(repo, waiting["action_id"])
    assert ran["status"] == "applied" and ran["command"]["exit_code"] == 0, ran


def test_no_commands_turns_off_the_autopilots_configured_commands_like_check(make_repo):
    # Attack (a leftover of issue 15): `autopack autopilot` had no `--no-commands` (only the
    # AUTOPACK_NO_COMMANDS variable), so a person could not turn repository code off the way
    # `autopack check --no-commands` does; nor could `apply`.
    repo = make_repo({"README.md": "# x\n", "scripts/flavour.py": SHOWS_FLAVOUR, ".autopack.toml": PASS_ENV_CONFIG})
    _, summary = run_json(repo, "--no-commands")
    detectors = {d["name"]: d for d in summary["gap_report"]["detectors"]}
    assert detectors["detector:flavour"]["status"] == "skipped" and "turned off" in detectors["detector:flavour"]["detail"]
    assert "AUTOPACK_NO_COMMANDS" not in os.environ
    waiting = next(a for a in summary["plan_proposal"]["actions"]
                   if a["action_type"] == "run_detector" and a["approval"] == "requires_approval")
    refused = _decide_and_apply(repo, waiting["action_id"], "--no-commands")
    assert refused["status"] == "failed" and refused["command"]["status"] == "refused", refused
    assert "turned off" in refused["detail"]
