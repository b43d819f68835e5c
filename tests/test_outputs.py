"""Output never destroys: `--output`, `--also` and `--write-baseline` write through symlinks and
special files as users expect, replace regular files atomically (keeping their permissions), and
a directory target is a clear usage error naming the path given."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BIN, GIT_ENV, run_script

BAD = {".env.production": "DEBUG=1\n"}

# The three ways a run writes a file, each with the argv that writes `{}` and a check of the text.
WRITERS = {
    "--output": (["--format", "json", "--output", "{}"], lambda text: json.loads(text)[0]["rule"] == "APD101"),
    "--also": (["--also", "sarif={}"], lambda text: json.loads(text)["version"] == "2.1.0"),
    "--write-baseline": (["--write-baseline", "{}"], lambda text: len(json.loads(text)["findings"]) == 1),
}


def argv_for(flag: str, target: str) -> list[str]:
    return [arg.replace("{}", target) for arg in WRITERS[flag][0]]


@pytest.mark.parametrize("flag", WRITERS)
def test_a_symlink_to_a_shared_file_stays_a_link_and_its_target_gets_the_report(make_repo, tmp_path: Path, flag: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(BAD)
    shared = tmp_path / "shared" / "report.json"
    shared.parent.mkdir()
    shared.write_text("old\n", encoding="utf-8")
    shared.chmod(0o640)
    (repo / "link.json").symlink_to(shared)
    result = run_script("autopack", "check", *argv_for(flag, "link.json"), cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    assert (repo / "link.json").is_symlink() and os.readlink(repo / "link.json") == str(shared)
    assert WRITERS[flag][1](shared.read_text(encoding="utf-8"))
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640
    assert [p.name for p in shared.parent.iterdir()] == ["report.json"], "no temp file left behind"


@pytest.mark.parametrize("flag", WRITERS)
def test_a_dangling_symlink_gets_its_target_created(make_repo, tmp_path: Path, flag: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(BAD)
    target = tmp_path / "elsewhere.json"
    (repo / "link.json").symlink_to(target)
    assert run_script("autopack", "check", *argv_for(flag, "link.json"), cwd=repo).returncode in (0, 1)
    assert (repo / "link.json").is_symlink() and WRITERS[flag][1](target.read_text(encoding="utf-8"))


@pytest.mark.parametrize("flag", WRITERS)
def test_dev_stdout_and_a_pipe_are_written_in_place(make_repo, flag: str) -> None:  # type: ignore[no-untyped-def]
    """`--output /dev/stdout` through a pipe: the report reaches the reader and nothing is created."""
    repo = make_repo(BAD)
    completed = subprocess.run(
        [str(BIN / "autopack"), "check", *argv_for(flag, "/dev/stdout"), "--format", "json"],
        cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr
    assert any(WRITERS[flag][1](chunk) for chunk in json_documents(completed.stdout))


def json_documents(text: str) -> list[str]:
    """The JSON documents printed one after another (a report, then perhaps another)."""
    decoder, position, found = json.JSONDecoder(), 0, []
    while position < len(text):
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            break
        _, end = decoder.raw_decode(text, position)
        found.append(text[position:end])
        position = end
    return found


def test_dev_null_stays_a_device(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(BAD)
    result = run_script("autopack", "check", "--output", "/dev/null", "--also", "sarif=/dev/null", cwd=repo)
    assert result.returncode == 1 and stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("flag", WRITERS)
def test_a_directory_target_is_exit_2_naming_the_path_before_anything_runs(make_repo, flag: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(BAD)
    (repo / "reports").mkdir()
    result = run_script("autopack", "check", *argv_for(flag, "reports"), cwd=repo)
    assert result.returncode == 2
    assert f"{flag} reports: is a directory" in result.stderr and "Traceback" not in result.stderr
    assert list((repo / "reports").iterdir()) == []


def test_a_regular_file_is_replaced_atomically_and_keeps_its_mode(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(BAD)
    report = repo / "report.json"
    report.write_text("old\n", encoding="utf-8")
    report.chmod(0o600)
    inode = report.stat().st_ino
    assert run_script("autopack", "check", "--format", "json", "--output", "report.json", cwd=repo).returncode == 1
    assert json.loads(report.read_text(encoding="utf-8"))[0]["rule"] == "APD101"
    assert report.stat().st_ino != inode, "a new file renamed over the old one"
    assert stat.S_IMODE(report.stat().st_mode) == 0o600


def test_catalog_snapshot_output_follows_the_same_rules(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({"README.md": "x\n"})
    shared = tmp_path / "snapshot.json"
    shared.write_text("old\n", encoding="utf-8")
    (repo / "snap.json").symlink_to(shared)
    assert run_script("autopack", "catalog", "snapshot", "--output", "snap.json", cwd=repo).returncode == 0
    assert (repo / "snap.json").is_symlink() and json.loads(shared.read_text(encoding="utf-8"))
    (repo / "dir").mkdir()
    refused = run_script("autopack", "catalog", "snapshot", "--output", "dir", cwd=repo)
    assert refused.returncode == 2 and "cannot write dir: is a directory" in refused.stderr
