"""Hostile repositories: each gives a clear outcome, never a traceback, never a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import git, run_script, write

PLANTED = {".env.production": "DEBUG=1\n"}


def check_all(root: Path, *extra: str, expect: int = 0, timeout: float = 120):
    result = run_script("autopack", "check", "--all-files", *extra, cwd=root, timeout=timeout)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == expect, result.stdout + result.stderr
    return result


def test_symlink_loops_and_links_out_of_the_repository(make_repo, tmp_path):
    secret = tmp_path / "outside.env.production"
    secret.write_text("DEBUG=1\n")
    root = make_repo({"README.md": "# x\n"})
    (root / "loop").symlink_to(root / "loop")
    (root / "dir-loop").mkdir()
    (root / "dir-loop" / "back").symlink_to(root / "dir-loop")
    (root / "out.env.production").symlink_to(secret)
    result = check_all(root)
    assert "out.env.production" not in result.stdout


def test_fifo_in_the_tree_does_not_hang(make_repo):
    root = make_repo({"README.md": "# x\n"})
    os.mkfifo(root / "pipe.env.production")
    check_all(root, timeout=60)


def test_file_names_with_newlines_unicode_and_spaces(make_repo):
    root = make_repo({"dir with space/ünï cødé.env.production": "DEBUG=1\n", "new\nline.env.production": "DEBUG=1\n"})
    result = check_all(root, expect=1)
    assert "dir with space/ünï cødé.env.production:1:1: APD101" in result.stdout
    assert "new\\nline.env.production:1:1: APD101" in result.stdout  # one line per location


def test_a_100k_line_file(make_repo):
    root = make_repo({"big.env.production": "".join(f"KEY_{i}=value\n" for i in range(100_000)) + "DEBUG=1\n"})
    assert "big.env.production:100001:1: APD101" in check_all(root, expect=1).stdout


def test_a_20k_file_tree(make_repo):
    files = {f"pkg{i // 500}/mod{i}.txt": f"line {i}\n" for i in range(20_000)}
    root = make_repo(files)
    check_all(root, timeout=300)


def test_repository_without_commits(make_repo):
    root = make_repo(PLANTED, commit=False)
    check_all(root, expect=1)


def test_detached_head_worktree_and_shallow_clone(make_repo, tmp_path):
    root = make_repo({"a.txt": "a\n", **PLANTED})
    write(root, {"b.txt": "b\n"})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "second")
    git(root, "checkout", "-q", "--detach", "HEAD~1")
    check_all(root, expect=1)
    worktree = tmp_path / "worktree"
    git(root, "worktree", "add", "-q", str(worktree), "main")
    assert (worktree / ".git").is_file()
    check_all(worktree, expect=1)
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(shallow))
    check_all(shallow, expect=1)


def test_submodule_is_not_descended_into(make_repo, tmp_path):
    inner = make_repo({"inner.txt": "x\n"}, name="inner")
    root = make_repo({"a.txt": "a\n"}, name="outer")
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner), "sub")
    git(root, "commit", "-q", "-m", "submodule")
    check_all(root)


def test_no_git_at_all(tmp_path):
    write(tmp_path, {"a.txt": "a\n", **PLANTED})
    env_path = tmp_path / "bin"
    env_path.mkdir()
    result = run_script("autopack", "check", "--all-files", cwd=tmp_path, env={"PATH": str(env_path)})
    assert "Traceback" not in result.stderr
    assert result.returncode == 1 and ".env.production:1:1: APD101" in result.stdout


@pytest.mark.parametrize("content", [b"", b"\0\0\0binary", b"\xff\xfe\x00D\x00E", b"\xef\xbb\xbf", b"\r\n" * 100])
def test_odd_file_contents(make_repo, content):
    root = make_repo({"odd.env.production": content})
    check_all(root)


# --- files a user or the repository names: bounded, never blocking, never out of the repository ---


def test_a_baseline_that_is_a_fifo_or_a_device_is_refused_at_once(make_repo):
    """Attack: `--baseline` naming a FIFO hung the run; one linked to /dev/zero ate gigabytes."""
    root = make_repo(PLANTED)
    os.mkfifo(root / "fifo.json")
    (root / "zero.json").symlink_to("/dev/zero")
    for name in ("fifo.json", "zero.json"):
        result = check_all(root, "--baseline", name, expect=2, timeout=60)
        assert f"{name}: cannot read the baseline: not a regular file" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (".autopack.toml", "x = " + "[" * 50_000, ".autopack.toml: invalid TOML: arrays or tables nest too deeply"),
        ("baseline.json", "[" * 100_000, "baseline.json: not an autopack baseline: its JSON nests too deeply"),
    ],
)
def test_deep_nesting_is_a_clear_error_not_a_recursion_error(make_repo, name, content, message):
    """Attack: a deeply nested .autopack.toml or baseline gave a RecursionError traceback."""
    root = make_repo({**PLANTED, name: content})
    result = check_all(root, *(["--baseline", name] if name.endswith(".json") else []), expect=2)
    assert message in result.stderr


def test_configuration_through_a_symlink_out_of_the_repository_is_refused(make_repo, tmp_path):
    outside = tmp_path / "elsewhere.toml"
    outside.write_text("[debug-guard]\nenabled = false\n")
    root = make_repo(PLANTED)
    (root / ".autopack.toml").symlink_to(outside)
    result = check_all(root, expect=2)
    assert ".autopack.toml: cannot read the configuration: a symlink leads outside the repository" in result.stderr


def test_special_files_where_configuration_is_read_do_not_hang(make_repo):
    """A FIFO as .gitmodules (read by doc drift) or as the configuration file never blocks."""
    root = make_repo({"README.md": "# x\n[a](sub/x.md)\n"})
    os.mkfifo(root / ".gitmodules")
    check_all(root, expect=1, timeout=60)  # the broken link is still reported
    os.mkfifo(root / ".autopack.toml")
    assert "not a regular file" in check_all(root, expect=2, timeout=60).stderr


# --- no silent skip -------------------------------------------------------------------------------


def test_a_stray_nul_byte_does_not_hide_a_production_file(make_repo):
    """Attack: a NUL byte in a comment made the guard skip `prod/.env` as binary (exit 0), while
    bash and python-dotenv read on past it and enable debug."""
    root = make_repo({"prod/.env": b"# note \0 here\nDEBUG=1\n"})
    assert "prod/.env:2:1: APD101" in check_all(root, expect=1).stdout


def test_utf16_configuration_with_a_byte_order_mark_is_read(make_repo):
    """Windows tools save appsettings.*.json as UTF-16: it is NUL-laden, but not binary."""
    root = make_repo({"appsettings.Production.json": '\ufeff{"DetailedErrors": true}\n'.encode("utf-16-le")})
    assert "appsettings.Production.json:1:" in check_all(root, expect=1).stdout


def test_a_non_utf8_file_name_keeps_its_findings_in_every_format(make_repo, tmp_path):
    """Attack: a file name that is not UTF-8 made every finding disappear (exit 2, a
    UnicodeEncodeError) in every output format."""
    import json

    root = make_repo({"README.md": "# x\n"})
    (root / os.fsdecode(b"prod/\xff.env")).parent.mkdir()
    (root / os.fsdecode(b"prod/\xff.env")).write_bytes(b"DEBUG=1\n")
    assert "prod/\\xff.env:1:1: APD101" in check_all(root, expect=1).stdout
    for fmt in ("json", "sarif", "github", "markdown"):
        output = tmp_path / f"out.{fmt}"
        check_all(root, "--format", fmt, "--output", str(output), expect=1)
        text = output.read_text(encoding="utf-8")
        assert "\\xff.env" in text or "%FF.env" in text, (fmt, text)
    assert json.loads((tmp_path / "out.json").read_text())[0]["path"] == "prod/\\xff.env"
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "prod/%FF.env"
    check_all(root, "--write-baseline", str(tmp_path / "baseline.json"))
    check_all(root, "--baseline", str(tmp_path / "baseline.json"))  # the finding is baselined, not lost
