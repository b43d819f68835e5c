"""`autopack check` end to end: real repositories, the installed console script."""

from __future__ import annotations

import json

from tests.conftest import git, run_script, write

BAD_ENV = {".env.production": "DEBUG=1\n"}
BAD_CATALOG = {"config/models.yaml": "model_aliases: [\n"}


def test_check_finds_and_exits_1_then_passes_when_fixed(make_repo):
    root = make_repo(BAD_ENV)
    result = run_script("autopack", "check", "--all-files", cwd=root)
    assert result.returncode == 1
    assert result.stdout.startswith(".env.production:1:1: APD101 ")
    write(root, {".env.production": "DEBUG=0\n"})
    assert run_script("autopack", "check", "--all-files", cwd=root).returncode == 0


def test_select_narrows_the_checks_and_rejects_unknown_names(make_repo):
    root = make_repo({**BAD_ENV, **BAD_CATALOG})
    only_catalog = run_script("autopack", "check", "--select", "catalog", cwd=root)
    assert "APC300" in only_catalog.stdout and "APD101" not in only_catalog.stdout
    both = run_script("autopack", "check", "--select", "debug-guard, catalog,parallel-lint", cwd=root)
    assert "APC300" in both.stdout and "APD101" in both.stdout
    bad = run_script("autopack", "check", "--select", "nope", cwd=root)
    assert bad.returncode == 2 and "--select 'nope': unknown check" in bad.stderr


def test_fixed_set_checks_run_only_when_a_named_file_can_affect_them(make_repo):
    root = make_repo({**BAD_CATALOG, "a.txt": "a\n"})
    assert run_script("autopack", "check", "a.txt", cwd=root).returncode == 0
    assert "APC300" in run_script("autopack", "check", "config/models.yaml", cwd=root).stdout
    assert "APC300" in run_script("autopack-catalog", cwd=root).stdout


def test_staged_mode_checks_the_index_not_the_working_tree(make_repo):
    root = make_repo({"a.txt": "a\n"})
    write(root, BAD_ENV)
    git(root, "add", ".env.production")
    write(root, {".env.production": "DEBUG=0\n"})
    assert run_script("autopack", "check", "--staged", cwd=root).returncode == 1
    git(root, "add", ".env.production")
    assert run_script("autopack", "check", "--staged", cwd=root).returncode == 0


def test_also_writes_other_formats_in_the_same_run(make_repo, tmp_path):
    root = make_repo(BAD_ENV)
    sarif, report = tmp_path / "out.sarif", tmp_path / "out.json"
    result = run_script("autopack", "check", "--format", "github", "--also", f"sarif={sarif}", "--also", f"json={report}", cwd=root)
    assert result.returncode == 1 and "::error file=.env.production" in result.stdout
    assert json.loads(sarif.read_text())["runs"][0]["results"][0]["ruleId"] == "APD101"
    assert json.loads(report.read_text())[0]["rule"] == "APD101"


def test_baseline_round_trip_on_the_command_line(make_repo, tmp_path):
    root = make_repo(BAD_ENV)
    baseline, summary = tmp_path / "baseline.json", tmp_path / "summary.md"
    wrote = run_script("autopack", "check", "--write-baseline", str(baseline), "--also", f"markdown={summary}", cwd=root)
    assert wrote.returncode == 0 and "APD101" in summary.read_text()
    assert run_script("autopack", "check", "--baseline", str(baseline), cwd=root).returncode == 0
    write(root, {".env.production": "# new line above\nDEBUG=1\nFLASK_DEBUG=1\n"})
    fresh = run_script("autopack", "check", "--baseline", str(baseline), cwd=root)
    assert fresh.returncode == 1
    assert "APD102" in fresh.stdout and "APD101" not in fresh.stdout


def test_unwritable_output_is_exit_2_with_the_path(make_repo):
    root = make_repo(BAD_ENV)
    result = run_script("autopack", "check", "--output", "/proc/no/such/report.json", cwd=root)
    assert result.returncode == 2
    assert "cannot write /proc/no/such/report.json" in result.stderr and "Traceback" not in result.stderr


def test_file_outside_the_repository_is_a_usage_error(make_repo, tmp_path):
    root = make_repo({"a.txt": "a"})
    result = run_script("autopack", "check", str(tmp_path), cwd=root)
    assert result.returncode == 2 and "outside the repository" in result.stderr


def test_fail_on_warning_turns_warnings_into_failure(make_repo):
    root = make_repo({"config/models.yaml": "model_aliases:\n  haiku: a\n  sonnet: b\n  opus: c\n",
                      "config/pricing.yaml": "anthropic:\n  a: {input_per_1k: 1, output_per_1k: 1}\n  b: {input_per_1k: 1, output_per_1k: 1}\n  c: {input_per_1k: 1, output_per_1k: 1}\n  unused: {input_per_1k: 1, output_per_1k: 2}\n"})
    default = run_script("autopack", "check", "--select", "catalog", cwd=root)
    assert default.returncode == 0 and "APC304" in default.stdout
    assert run_script("autopack", "check", "--select", "catalog", "--fail-on", "warning", cwd=root).returncode == 1


def test_output_is_byte_identical_across_processes(make_repo):
    root = make_repo({**BAD_ENV, **BAD_CATALOG, "docs/a.md": "[gone](nowhere.md)\n", "jobs.py": "execute_parallel(t, workers=4)\n"})
    for fmt in ("text", "json", "sarif", "github", "markdown"):
        runs = [run_script("autopack", "check", "--all-files", "--format", fmt, cwd=root, env={"PYTHONHASHSEED": seed}) for seed in ("1", "2")]
        assert runs[0].returncode == runs[1].returncode == 1
        assert runs[0].stdout == runs[1].stdout, fmt
        assert all(rule in runs[0].stdout for rule in ("APD101", "APC300", "APR201", "APP401")), fmt


def test_a_closed_pipe_ends_quietly(make_repo):
    import subprocess

    from tests.conftest import BIN

    root = make_repo({f"svc{i}/.env.production": "DEBUG=1\n" * 50 for i in range(40)})
    process = subprocess.Popen([str(BIN / "autopack"), "check", "--all-files"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stdout.readline().startswith(b"svc0/.env.production:1:1: APD101")
    process.stdout.close()
    _, stderr = process.communicate(timeout=60)
    assert b"Traceback" not in stderr and b"BrokenPipe" not in stderr
    assert process.returncode == 1


def test_suppressions_apply_to_files_a_fixed_set_check_reads(make_repo):
    bare = "autopack: " + "ignore"
    root = make_repo({
        "docs/a.md": "<!-- autopack: ignore[APR201] -->\n[gone](nowhere.md)\n\n[also gone](missing.md) <!-- " + bare + " -->\n",
    })
    result = run_script("autopack", "check", "--select", "doc-drift", "--format", "json", cwd=root)
    found = [(f["rule"], f["line"]) for f in json.loads(result.stdout)]
    assert found == [("APR201", 4), ("APX001", 4)]
