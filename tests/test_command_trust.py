"""Configured commands are code from the repository: they run in a scrubbed environment, and not
at all where they are turned off (`--no-commands`, AUTOPACK_NO_COMMANDS=1), which is reported."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from autopack import engine
from autopack.environment import action_commands_off, command_environment
from tests.conftest import run_script

# A doc check that lists the environment it was given (on stderr, kept in the evidence) and
# fails, so the evidence is in the findings; it also tries to write the runner's command files.
SHOW_ENVIRONMENT = """import os, sys
for name in ("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_STATE", "GITHUB_STEP_SUMMARY"):
    if os.environ.get(name):
        open(os.environ[name], "a").write("BASH_ENV=/tmp/evil.sh\\n")
open("ran.txt", "w").write("ran")
print(" ".join(sorted(os.environ)), file=sys.stderr)
sys.exit(1)
"""
CONFIG = """pass-env = ["MY_TOOL_*"]

[[doc-drift.commands]]
run = "python show_env.py"
"""
HOSTILE_ENVIRONMENT = {
    "GITHUB_TOKEN": "ghs_x", "ACTIONS_RUNTIME_TOKEN": "x", "ACTIONS_ID_TOKEN_REQUEST_URL": "https://x",
    "ACTIONS_CACHE_URL": "https://x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_ACCESS_KEY_ID": "x", "NPM_TOKEN": "x",
    "MY_TOOL_API_KEY": "x", "SSH_AUTH_SOCK": "/tmp/agent", "GIT_ASKPASS": "/bin/echo", "GIT_CONFIG_COUNT": "1",
    "GIT_CONFIG_KEY_0": "http.extraheader", "GIT_CONFIG_VALUE_0": "AUTHORIZATION: basic x", "BASH_ENV": "/tmp/evil.sh",
    "ENV": "/tmp/evil.sh", "DATABASE_URL": "postgres://u:p@h/db", "SOME_UNRELATED": "x",
}
PASSED_THROUGH = {"PATH", "HOME", "LANG", "GIT_AUTHOR_NAME", "MY_TOOL_HOME", "AUTOPACK_SOMETHING"}


@pytest.fixture
def repo(make_repo):  # type: ignore[no-untyped-def]
    root = make_repo({".autopack.toml": CONFIG, "show_env.py": SHOW_ENVIRONMENT, "README.md": "# x\n"})
    (root / ".git" / "info" / "exclude").write_text("ran.txt\n", encoding="utf-8")
    return root


def test_a_configured_command_sees_only_the_scrubbed_environment(repo: Path, tmp_path: Path) -> None:
    """Attack: a doc check ran with the step's whole environment: it could read job secrets and
    write GITHUB_ENV / GITHUB_OUTPUT (BASH_ENV for every later step of the job)."""
    runner_files = {name: tmp_path / name.lower() for name in ("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_STATE", "GITHUB_STEP_SUMMARY")}
    for path in runner_files.values():
        path.write_text("", encoding="utf-8")
    env = {**HOSTILE_ENVIRONMENT, **{name: str(path) for name, path in runner_files.items()},
           "MY_TOOL_HOME": "/opt/tool", "AUTOPACK_SOMETHING": "1", "LANG": "C.UTF-8"}
    result = run_script("autopack", "check", "--format", "json", cwd=repo, env=env)
    assert result.returncode == 1, result.stderr
    (finding,) = [f for f in json.loads(result.stdout) if f["rule"] == "APR200"]
    seen = set(finding["data"]["evidence"]["stderr_excerpt"].split())
    assert PASSED_THROUGH <= seen, PASSED_THROUGH - seen
    assert not seen & {*HOSTILE_ENVIRONMENT, *runner_files}, seen & {*HOSTILE_ENVIRONMENT, *runner_files}
    assert all(path.read_text(encoding="utf-8") == "" for path in runner_files.values())


def test_pass_env_cannot_name_a_secret_or_a_runner_file(repo: Path) -> None:
    (repo / ".autopack.toml").write_text('pass-env = ["GITHUB_TOKEN", "GITHUB_ENV", "LANG"]\n', encoding="utf-8")
    result = run_script("autopack", "check", cwd=repo)
    assert result.returncode == 2
    assert ".autopack.toml:1: `pass-env` names GITHUB_TOKEN, GITHUB_ENV:" in result.stderr, result.stderr


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_turned_off_commands_do_not_run_and_each_is_reported(repo: Path, how: str) -> None:
    args, env = (["--no-commands"], {}) if how == "flag" else ([], {"AUTOPACK_NO_COMMANDS": "1"})
    result = run_script("autopack", "check", *args, cwd=repo, env=env)
    assert not (repo / "ran.txt").exists()
    assert result.returncode == 0, result.stdout + result.stderr  # a note: nothing failed, nothing passed silently
    assert ".autopack.toml:3: APR206 [note] doc check `python show_env.py`: skipped: configured commands are turned off" in result.stdout
    hook = run_script("autopack-doc-drift", *args, cwd=repo, env=env)
    assert "APR206" in hook.stdout and not (repo / "ran.txt").exists()


def test_the_flag_does_not_outlive_its_run(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    monkeypatch.delenv("AUTOPACK_NO_COMMANDS", raising=False)
    assert engine.run(["doc-drift"], ["--no-commands"], prog="autopack-doc-drift", description="") == 0
    assert "AUTOPACK_NO_COMMANDS" not in os.environ
    assert not (repo / "ran.txt").exists()


def test_turned_off_autopilot_detectors_are_reported_not_run(make_repo) -> None:  # type: ignore[no-untyped-def]
    config = '[[autopilot.detectors]]\nname = "mark"\nrun = ["python", "mark.py"]\nread-only = true\n'
    root = make_repo({".autopack.toml": config, "mark.py": "open('ran.txt', 'w').write('x')\n"})
    (root / ".git" / "info" / "exclude").write_text("ran.txt\n", encoding="utf-8")
    result = run_script("autopack", "autopilot", "--format", "json", "--run-dir", ".autopack/runs/t", cwd=root, env={"AUTOPACK_NO_COMMANDS": "1"})
    assert result.returncode in (0, 1), result.stderr
    assert not (root / "ran.txt").exists()
    detectors = json.loads(result.stdout)["gap_report"]["detectors"]
    assert {"name": "detector:mark", "status": "skipped"}.items() <= next(d for d in detectors if d["name"] == "detector:mark").items()


def test_command_environment_keeps_what_programs_need() -> None:
    base = {**HOSTILE_ENVIRONMENT, "PATH": "/bin", "LC_ALL": "C", "GIT_INDEX_FILE": ".git/index", "NODE_OPTIONS": "x"}
    assert command_environment(base) == {"PATH": "/bin", "LC_ALL": "C", "GIT_INDEX_FILE": ".git/index"}
    assert command_environment(base, ["NODE_*", "MY_TOOL_*"]) == {"PATH": "/bin", "LC_ALL": "C", "GIT_INDEX_FILE": ".git/index", "NODE_OPTIONS": "x"}


@pytest.mark.parametrize(
    "setting, event_name, payload, off",
    [
        ("auto", "push", {}, False),
        ("auto", "pull_request", {"pull_request": {"head": {"repo": {"full_name": "o/r"}}, "base": {"repo": {"full_name": "o/r"}}}}, False),
        ("auto", "pull_request", {"pull_request": {"head": {"repo": {"full_name": "fork/r"}}, "base": {"repo": {"full_name": "o/r"}}}}, True),
        ("auto", "pull_request", {"pull_request": {"head": {"repo": None}, "base": {"repo": {"full_name": "o/r"}}}}, True),
        ("auto", "pull_request", None, True),
        ("auto", "pull_request_target", {}, True),
        ("auto", "workflow_run", {"workflow_run": {"head_repository": {"full_name": "fork/r"}}, "repository": {"full_name": "o/r"}}, True),
        ("auto", "workflow_run", {"workflow_run": {"head_repository": {"full_name": "o/r"}}, "repository": {"full_name": "o/r"}}, False),
        ("true", "pull_request_target", {}, False),
        ("false", "push", {}, True),
    ],
)
def test_action_decision_from_the_event(tmp_path: Path, setting: str, event_name: str, payload: object, off: bool) -> None:
    event = tmp_path / "event.json"
    if payload is not None:
        event.write_text(json.dumps(payload), encoding="utf-8")
    assert bool(action_commands_off(setting, event_name, str(event))) is off
