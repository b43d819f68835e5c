"""Errors tell the truth: a skipped file's note names the real reason with a fix that fits it,
git-only modes outside git say so, a missing program is "not on PATH", `autopack rules ID`
shows that rule with its documentation, and `autopack config` stays readable."""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import git, run_script

BAD = "DEBUG=1\n"


def notes(repo, *args: str) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    result = run_script("autopack", "check", "--format", "json", *args, cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    return {item["path"]: item for item in json.loads(result.stdout) if item["rule"] == "APX002"}


def test_a_file_over_the_size_limit_says_so_and_how_to_raise_it(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({".autopack.toml": "max-file-size = 100\n", "prod/.env": BAD + "#" * 200 + "\n"})
    note = notes(repo)["prod/.env"]
    assert note["message"] == "not checked: the file is over the 100-byte size limit (`max-file-size`)"
    assert note["fix"].startswith("Raise `max-file-size` (now 100)")


def test_a_binary_file_over_the_size_limit_is_skipped_quietly(make_repo) -> None:  # type: ignore[no-untyped-def]
    """A committed executable (`bin/cwebp`, extensionless: a Python script to the parallel lint
    until read) or archive over the limit is no text a check could read: no note."""
    binary = (b"\x7fELF\x02\x01\x01" + b"\0" * 9 + b"\x02\0>\0\x01\0\0\0") * 64  # an ELF header's run of NULs
    repo = make_repo({".autopack.toml": "max-file-size = 100\n", "bin/cwebp": binary, "prod/.env": b"DEBUG=1\n" + binary})
    assert notes(repo) == {}


def test_a_missing_file_is_named_as_missing_with_a_git_fix(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({"prod/.env": BAD, "README.md": "# x\n"})
    (repo / "prod" / ".env").unlink()  # deleted, not staged: git still lists it
    note = notes(repo)["prod/.env"]
    assert "the file does not exist" in note["message"]
    assert "git restore" in note["fix"] and "git rm" in note["fix"]
    named = notes(repo, "deploy/prod.env")["deploy/prod.env"]
    assert "does not exist" in named["message"]


def test_a_broken_symlink_is_named_as_such(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({"README.md": "# x\n"})
    (repo / "prod").mkdir()
    (repo / "prod" / ".env").symlink_to("../secrets/prod.env")
    git(repo, "add", "-A")
    note = notes(repo)["prod/.env"]
    assert note["message"] == "not checked: broken symlink: its target ../secrets/prod.env does not exist"
    assert note["fix"] == "Point the symlink at a file that exists, or remove the symlink."


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_named_as_unreadable(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({"prod/.env": BAD})
    (repo / "prod" / ".env").chmod(0)
    try:
        note = notes(repo)["prod/.env"]
    finally:
        (repo / "prod" / ".env").chmod(0o644)
    assert "permission denied" in note["message"] and "chmod" in note["fix"]


@pytest.mark.parametrize("flag", [["--diff-base", "main"], ["--staged"]])
def test_git_modes_outside_git_say_it_is_not_a_git_repository(tmp_path, flag: list[str]) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".env.production").write_text(BAD, encoding="utf-8")
    result = run_script("autopack", "check", *flag, cwd=tmp_path, env={"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)})
    assert result.returncode == 2
    assert f"{flag[0]}" in result.stderr and "is not a git repository" in result.stderr
    assert "is it fetched" not in result.stderr and "Traceback" not in result.stderr


def test_a_doc_command_whose_program_is_missing_says_it_is_not_on_path(make_repo) -> None:  # type: ignore[no-untyped-def]
    config = '[doc-drift]\n[[doc-drift.commands]]\nrun = "mkdocs-nowhere build --strict"\n'
    repo = make_repo({".autopack.toml": config, "README.md": "# x\n"})
    result = run_script("autopack", "doc-drift", cwd=repo)
    assert result.returncode == 1
    assert "program not found: `mkdocs-nowhere` is not on PATH" in result.stdout
    assert "script not found" not in result.stdout


def test_rules_with_an_id_shows_that_rule_and_its_documentation(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({"README.md": "# x\n"})
    result = run_script("autopack", "rules", "APD101", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("APD101  debug-enabled-in-production  [error]")
    assert "APD102" not in result.stdout.split("\n", 1)[0]
    assert "suppress: `autopack: ignore[APD101]`" in result.stdout
    assert "docs: " in result.stdout and "debug-guard.md#apd101" in result.stdout
    assert "### APD101" in result.stdout, "the rule's section of docs/debug-guard.md, from this checkout"
    assert "### APD102" not in result.stdout
    by_name = run_script("autopack", "rules", "file-skipped", cwd=repo)
    assert by_name.stdout.startswith("APX002  file-skipped")
    unknown = run_script("autopack", "rules", "APD11", cwd=repo)
    assert unknown.returncode == 2 and "no rule 'APD11' (did you mean 'APD101'?)" in unknown.stderr


def test_config_groups_long_lists_and_stays_json(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({"README.md": "# x\n"})
    result = run_script("autopack", "config", cwd=repo)
    assert result.returncode == 0, result.stderr
    effective = json.loads(result.stdout)
    assert len(effective["autopilot"]["root-allow"]) > 50 and len(effective["exclude"]) > 10
    lines = result.stdout.splitlines()
    assert len(lines) < 200, "a list takes a few lines, not one per item"
    assert all(len(line) <= 100 for line in lines)
    assert any(line.strip().startswith('"exclude": [') for line in lines)
