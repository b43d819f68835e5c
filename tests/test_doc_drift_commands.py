"""Doc drift, configured checks: real scripts in real git repositories, run without a shell."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autopack import commands, doc_drift
from autopack.config import load_config
from tests.conftest import run_script

FAIL_SCRIPT = "import sys\nprint('checked 3 docs')\nsys.stderr.write('docs/a.md: stale section\\n')\nsys.exit(3)\n"
OK_SCRIPT = "print('all docs fresh')\n"


def config_with(*entries: str, preset: str | None = None) -> str:
    head = "[doc-drift]\n" + (f'preset = "{preset}"\n' if preset else "")
    return head + "".join(f"\n[[doc-drift.commands]]\n{entry}\n" for entry in entries)


def json_run(repo: Path, *args: str) -> tuple[int, list[dict]]:
    result = run_script("autopack-doc-drift", "--format", "json", *args, cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def evidence_of(findings: list[dict]) -> list[dict]:
    return [f["data"]["evidence"] for f in findings if f["rule"] in ("APR200", "APR204", "APR205")]


def test_passing_command_gives_no_finding(make_repo):
    repo = make_repo({"scripts/check_docs.py": OK_SCRIPT, ".autopack.toml": config_with('run = "python scripts/check_docs.py"')})
    code, findings = json_run(repo)
    assert (code, findings) == (0, [])
    settings = load_config(repo).section("doc-drift", doc_drift.SETTINGS)
    [(spec, evidence)] = doc_drift.run_configured(repo, load_config(repo), settings)
    assert spec.argv == ("python", "scripts/check_docs.py")
    assert (evidence.status, evidence.exit_code, evidence.stdout_bytes) == ("passed", 0, len("all docs fresh\n"))


def test_failing_command_evidence_has_exit_code_and_stderr_hash(make_repo):
    repo = make_repo({"scripts/check_docs.py": FAIL_SCRIPT, ".autopack.toml": config_with('run = "python scripts/check_docs.py"\nname = "drift"')})
    code, findings = json_run(repo)
    assert code == 1
    [finding] = findings
    assert finding["rule"] == "APR200" and finding["path"] == ".autopack.toml" and finding["line"] == 3
    assert "exit code 3" in finding["message"] and "docs/a.md: stale section" in finding["message"]
    evidence = finding["data"]["evidence"]
    assert evidence["argv"] == ["python", "scripts/check_docs.py"]
    assert (evidence["status"], evidence["exit_code"]) == ("failed", 3)
    assert evidence["stderr_excerpt"] == "docs/a.md: stale section\n"
    import hashlib

    assert evidence["stderr_excerpt_sha256"] == hashlib.sha256(b"docs/a.md: stale section\n").hexdigest()
    assert evidence["stdout_sha256"] == hashlib.sha256(b"checked 3 docs\n").hexdigest()
    assert not any(key in json.dumps(evidence) for key in ("duration", "time", "elapsed"))


def test_evidence_is_byte_identical_across_runs(make_repo):
    repo = make_repo({"scripts/check_docs.py": FAIL_SCRIPT, ".autopack.toml": config_with('run = ["python", "scripts/check_docs.py"]')})
    first = run_script("autopack-doc-drift", "--format", "json", cwd=repo)
    second = run_script("autopack-doc-drift", "--format", "json", cwd=repo)
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout
    assert "stderr_excerpt_sha256" in first.stdout


def _alive(pid: int) -> bool:
    """A process that exists and is not a zombie (Linux /proc; elsewhere a signal probe)."""
    stat = Path(f"/proc/{pid}/stat")
    if stat.parent.parent.is_dir() and Path("/proc/self").exists():
        try:
            return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except (OSError, IndexError):
            return False
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_timeout_kills_the_whole_process_group(make_repo, tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    script = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "print('waiting', flush=True)\n"
        "time.sleep(120)\n"
    )
    repo = make_repo({"scripts/slow.py": script, ".autopack.toml": config_with('run = "python scripts/slow.py"\ntimeout = 5')})
    started = time.monotonic()
    code, findings = json_run(repo)
    assert time.monotonic() - started < 60  # a generous hang bound, not a timing assertion
    [finding] = findings
    assert (code, finding["rule"]) == (1, "APR204")
    evidence = finding["data"]["evidence"]
    assert (evidence["status"], evidence["exit_code"]) == ("timeout", None)
    assert evidence["stdout_excerpt"] == "waiting\n"
    grandchild = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(grandchild)


def test_missing_script_is_not_found_never_a_pass(make_repo):
    repo = make_repo({"README.md": "# x\n", ".autopack.toml": config_with('run = "python scripts/check_docs_drift.py"')})
    code, findings = json_run(repo)
    [finding] = findings
    assert (code, finding["rule"]) == (1, "APR205")
    evidence = finding["data"]["evidence"]
    assert evidence["status"] == "not-found"
    assert evidence["detail"] == "script not found: scripts/check_docs_drift.py"


def test_missing_interpreter_is_not_found(make_repo):
    repo = make_repo({"scripts/x.py": OK_SCRIPT, ".autopack.toml": config_with('run = "python9.97-nowhere scripts/x.py"')})
    code, findings = json_run(repo)
    [evidence] = evidence_of(findings)
    assert code == 1 and evidence["status"] == "not-found"
    assert evidence["detail"] == "program not found: `python9.97-nowhere` is not on PATH"
    assert "program not found: `python9.97-nowhere` is not on PATH" in findings[0]["message"]
    assert "script not found" not in findings[0]["message"]


def test_seed_preset_runs_the_trio_and_flags_the_missing_script(make_repo):
    repo = make_repo({
        "scripts/check_docs_drift.py": OK_SCRIPT,
        ".autopack.toml": config_with(preset="autopack-seed"),
    })
    config = load_config(repo)
    results = doc_drift.run_configured(repo, config, config.section("doc-drift", doc_drift.SETTINGS))
    assert [(spec.name, evidence.status) for spec, evidence in results] == [
        ("check_docs_drift", "passed"),
        ("docs-tests", "skipped"),  # tests/docs is absent: `if-exists` skips it
        ("sot_summary_refresh", "not-found"),
    ]
    code, findings = json_run(repo)
    assert code == 1 and [f["rule"] for f in findings] == ["APR205"]
    assert "script not found: scripts/tidy/sot_summary_refresh.py" in findings[0]["message"]


def test_output_of_50_mb_keeps_memory_bounded(make_repo):
    script = (
        "import sys\nblock = b'x' * (1 << 20)\n"
        "for _ in range(50):\n    sys.stdout.buffer.write(block)\n    sys.stderr.buffer.write(block[:1 << 18])\n"
        "sys.exit(1)\n"
    )
    repo = make_repo({"scripts/noisy.py": script})
    probe = (
        "import json, sys\nfrom pathlib import Path\nfrom autopack.commands import run_command\n"
        "ev = run_command([sys.executable, 'scripts/noisy.py'], Path('.'), 120)\n"
        "status = Path('/proc/self/status')\n"  # VmHWM: this process's peak RSS (ru_maxrss can inherit the parent's)
        "peak = [l.split()[1] for l in status.read_text().splitlines() if l.startswith('VmHWM')] if status.exists() else []\n"
        "print(json.dumps({'rss_kib': int(peak[0]) if peak else None, **ev.to_dict()}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=repo, capture_output=True, text=True, timeout=120, check=True)
    evidence = json.loads(result.stdout)
    assert evidence["stdout_bytes"] == 50 << 20 and evidence["stderr_bytes"] == 50 << 18
    assert evidence["status"] == "failed" and evidence["exit_code"] == 1
    assert len(evidence["stderr_excerpt"]) <= commands.EXCERPT_BYTES + 64
    assert len(evidence["stdout_excerpt"]) <= commands.EXCERPT_BYTES + 64
    assert "bytes omitted" in evidence["stderr_excerpt"]
    if evidence["rss_kib"] is not None:  # Linux
        assert evidence["rss_kib"] < 45 * 1024  # holding the 50 MB would need more than that


def test_non_utf8_output_is_evidence_not_a_crash(make_repo):
    script = "import sys\nsys.stderr.buffer.write(b'bad \\xff\\xfe bytes \\x80\\n\\x1b[31mred\\x1b[0m\\n')\nsys.stdout.buffer.write(b'\\xc3')\nsys.exit(2)\n"
    repo = make_repo({"scripts/latin.py": script, ".autopack.toml": config_with('run = "python scripts/latin.py"')})
    code, findings = json_run(repo)
    [evidence] = evidence_of(findings)
    assert code == 1 and evidence["exit_code"] == 2
    assert evidence["stderr_excerpt"] == "bad \ufffd\ufffd bytes \ufffd\n\x1b[31mred\x1b[0m\n"
    assert findings[0]["message"].endswith("exit code 2: red")
    import hashlib

    assert evidence["stdout_sha256"] == hashlib.sha256(b"\xc3").hexdigest()


def test_if_exists_cwd_and_argv_list_without_a_shell(make_repo):
    repo = make_repo({
        "site/check.py": "import os, sys\nprint(os.getcwd())\nsys.exit(0 if sys.argv[1] == 'a b;echo' else 5)\n",
        ".autopack.toml": config_with(
            'run = ["python", "check.py", "a b;echo"]\ncwd = "site"',
            'run = "pytest -q tests/docs/"\nif-exists = "tests/docs"',
            "run = \"python site/check.py 'a b;echo'\"",
        ),
    })
    config = load_config(repo)
    results = doc_drift.run_configured(repo, config, config.section("doc-drift", doc_drift.SETTINGS))
    assert [evidence.status for _, evidence in results] == ["passed", "skipped", "passed"]
    assert results[0][1].cwd == "site"
    assert json_run(repo) == (0, [])


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ('name = "no run"', "`doc-drift.commands[0].run` is required"),
        ('run = "python \\"unclosed"', "`doc-drift.commands[0].run` cannot be split"),
        ('run = ""', "`doc-drift.commands[0].run` is empty"),
        ("run = 3", "`doc-drift.commands[0].run` must be a string or a list of strings"),
        ('run = "true"\ncwd = "../elsewhere"', "`doc-drift.commands[0].cwd` '../elsewhere' leaves the repository"),
        ('run = "true"\ntimeout = 0', "`doc-drift.commands[0].timeout` must be a positive number"),
        ('run = "true"\nshell = true', "`doc-drift.commands[0].shell` is not a known key"),
    ],
)
def test_bad_command_configuration_is_a_clear_error(make_repo, entry, expected):
    repo = make_repo({".autopack.toml": config_with(entry)})
    result = run_script("autopack-doc-drift", cwd=repo)
    assert result.returncode == 2
    assert expected in result.stderr and ".autopack.toml:" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_preset_is_a_configuration_error(make_repo):
    repo = make_repo({"pyproject.toml": '[tool.autopack.doc-drift]\npreset = "seed"\n'})
    result = run_script("autopack-doc-drift", cwd=repo)
    assert result.returncode == 2 and "tool.autopack.doc-drift.preset" in result.stderr


def test_script_argument_detection():
    assert commands.script_argument(["python", "-W", "ignore", "scripts/x.py", "--check"]) == "scripts/x.py"
    assert commands.script_argument(["python3.12", "-u", "x.py"]) == "x.py"
    assert commands.script_argument(["python", "-m", "pytest", "tests"]) is None
    assert commands.script_argument(["bash", "-c", "echo hi"]) is None
    assert commands.script_argument(["node", "tools/check.js"]) == "tools/check.js"
    assert commands.script_argument(["pytest", "tests/docs"]) is None
    assert commands.script_argument(["bash", "-e", "-o", "pipefail", "scripts/x.sh"]) == "scripts/x.sh"
    assert commands.script_argument(["node", "-e", "console.log(1)"]) is None
    assert commands.script_argument(["/usr/bin/python3", "--", "-odd.py"]) == "-odd.py"


def test_killed_by_a_signal_and_not_executable_are_failures(make_repo):
    repo = make_repo({
        "scripts/die.py": "import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n",
        "scripts/plain.sh": "echo not executable\n",
        ".autopack.toml": config_with('run = "python scripts/die.py"', 'run = "./scripts/plain.sh"'),
    })
    code, findings = json_run(repo)
    assert code == 1 and [f["rule"] for f in findings] == ["APR200", "APR200"]
    denied, killed = sorted((f["data"]["evidence"] for f in findings), key=lambda e: e["command"])
    assert (killed["exit_code"], killed["detail"]) == (-15, "killed by signal 15")
    assert "killed by signal 15" in findings[0]["message"] + findings[1]["message"]
    assert denied["exit_code"] is None and denied["detail"].startswith("cannot execute `./scripts/plain.sh`")


def test_suppression_comment_silences_a_configured_check(make_repo):
    repo = make_repo({
        "scripts/check_docs.py": FAIL_SCRIPT,
        ".autopack.toml": "[doc-drift]\n\n# known failure, tracked in #12: autopack: ignore[APR200]\n[[doc-drift.commands]]\nrun = \"python scripts/check_docs.py\"\n",
    })
    assert json_run(repo) == (0, [])


@given(data=st.binary(max_size=6000), cuts=st.lists(st.integers(min_value=0, max_value=6000), max_size=12))
def test_bounded_capture_is_independent_of_how_output_arrives(data, cuts):
    """Whatever the pipe's chunking, the sink keeps the same head, tail, size and hash."""
    import hashlib

    sink = commands._BoundedSink(commands.EXCERPT_BYTES)
    previous = 0
    for cut in sorted({min(cut, len(data)) for cut in cuts}) + [len(data)]:
        sink.feed(data[previous:cut])
        previous = cut
    half = commands.EXCERPT_BYTES // 2
    assert sink.size == len(data) and sink.digest.hexdigest() == hashlib.sha256(data).hexdigest()
    assert bytes(sink.head) == data[:half]
    assert bytes(sink.tail) == (data[half:][-half:] if len(data) > half else b"")
    assert len(sink.excerpt().encode("utf-8")) <= 3 * commands.EXCERPT_BYTES + 64
