"""Say what happened: a run whose stderr is a terminal (a real pseudo-terminal here) ends with one
summary line there — findings by severity, files checked, checks run, what the baseline hid and
the time — also with --output; --quiet drops it, and stdout (machine formats) never has it."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
from pathlib import Path

from tests.conftest import BIN, GIT_ENV, run_script, write

FILES = {".env.production": "DEBUG=1\nAPP_ENV=local\n", "README.md": "# demo\n", "prod/settings.py": "DEBUG = False\n"}


def run_on_a_terminal(repo: Path, *args: str) -> tuple[int, str, str]:
    """autopack with stderr on a pseudo-terminal; returns exit code, stdout and the terminal's text."""
    controller, terminal = pty.openpty()
    try:
        completed = subprocess.run(
            [str(BIN / "autopack"), *args], cwd=repo, env={**os.environ, **GIT_ENV}, stdout=subprocess.PIPE,
            stderr=terminal, timeout=120, check=False,
        )
        os.close(terminal)
        seen = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the terminal is closed and drained
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(controller)
    return completed.returncode, completed.stdout.decode(), seen.decode().replace("\r\n", "\n")


def test_a_terminal_gets_one_summary_line_with_counts_and_time(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(FILES)
    code, stdout, terminal = run_on_a_terminal(repo, "check", "--format", "json")
    assert code == 1
    assert json.loads(stdout)[0]["rule"] == "APD101", "stdout is the report only"
    assert "autopack:" not in stdout
    lines = terminal.strip().splitlines()
    assert len(lines) == 1
    assert re.fullmatch(r"autopack: 2 findings \(2 errors\) in \d+ files \(4 checks\) in \d+\.\d s", lines[0]), lines[0]


def test_the_summary_counts_what_the_baseline_hid_and_comes_with_output_too(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(FILES)
    assert run_script("autopack", "check", "--write-baseline", "base.json", cwd=repo).returncode == 0
    write(repo, {".autopack.toml": 'baseline = "base.json"\n', "prod/.env": "DEBUG=true\n"})
    code, stdout, terminal = run_on_a_terminal(repo, "check", "--output", "report.txt")
    assert code == 1 and stdout == ""
    assert re.fullmatch(
        r"autopack: 1 finding \(1 error\) in \d+ files \(4 checks\), 2 more hidden by the baseline, in \d+\.\d s\n", terminal
    ), terminal
    assert "prod/.env:1:1: APD101" in (repo / "report.txt").read_text(encoding="utf-8")


def test_a_clean_run_of_one_hook_says_so(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(FILES)
    code, _, terminal = run_on_a_terminal(repo, "debug-guard", "prod/settings.py")
    assert code == 0
    assert re.fullmatch(r"autopack: 0 findings in 1 file \(1 check\) in \d+\.\d s\n", terminal), terminal


def test_quiet_drops_it_and_a_pipe_never_gets_it(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(FILES)
    code, _, terminal = run_on_a_terminal(repo, "check", "--quiet", "--format", "sarif")
    assert code == 1 and terminal == ""
    piped = run_script("autopack", "check", cwd=repo)
    assert "autopack:" not in piped.stderr and "autopack:" not in piped.stdout
