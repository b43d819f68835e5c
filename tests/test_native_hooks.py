"""The native git hooks in `hooks/`, run by a real `git commit` / `git push` in a temporary
repository whose core.hooksPath points at them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BIN, GIT_ENV, REPO_ROOT, git, write

BAD = "DEBUG=1\n"
GOOD = "DEBUG=false\n"


def run_git(repo: Path, *args: str, env: dict[str, str] | None = None, **variables: str) -> tuple[int, str]:
    """git started from `env` (default: ours, with the venv that has autopack first on PATH)
    plus `variables`; returns the exit code and the output (git sends a hook's stdout to stderr)."""
    if env is None:
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    completed = subprocess.run(
        ["git", *args], cwd=repo, env={**env, **GIT_ENV, **variables}, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120, check=False,
    )
    return completed.returncode, completed.stdout


def without(*names: str) -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in names}


@pytest.fixture
def repo(make_repo) -> Path:  # type: ignore[no-untyped-def]
    root = make_repo({".env.production": GOOD, "README.md": "# demo\n"})
    git(root, "config", "core.hooksPath", str(REPO_ROOT / "hooks"))
    return root


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def committed(repo: Path, path: str) -> str:
    return git(repo, "show", f"HEAD:{path}").stdout


def test_bad_content_staged_refuses_the_commit_with_the_finding(repo: Path) -> None:
    before = head(repo)
    write(repo, {".env.production": BAD})
    git(repo, "add", ".env.production")
    code, output = run_git(repo, "commit", "-m", "enable debug")
    assert code != 0
    assert ".env.production:1:" in output and "APD101" in output
    assert "autopack pre-commit: refused" in output
    assert head(repo) == before


def test_bad_content_staged_is_refused_even_when_the_working_tree_is_fixed(repo: Path) -> None:
    write(repo, {".env.production": BAD})
    git(repo, "add", ".env.production")
    write(repo, {".env.production": GOOD + "# fixed, but not staged\n"})
    code, output = run_git(repo, "commit", "-m", "sneaky")
    assert code != 0 and "APD101" in output


def test_bad_content_only_in_the_working_tree_lets_the_commit_through(repo: Path) -> None:
    write(repo, {".env.production": "DEBUG=0\n"})
    git(repo, "add", ".env.production")
    write(repo, {".env.production": BAD})
    code, output = run_git(repo, "commit", "-m", "disable debug explicitly")
    assert code == 0, output
    assert committed(repo, ".env.production") == "DEBUG=0\n"
    assert (repo / ".env.production").read_text(encoding="utf-8") == BAD


def test_commit_of_a_path_checks_what_that_commit_records(repo: Path) -> None:
    """`git commit PATH` records the working-tree file through a temporary index: the hook must
    see that content, not the (good) content staged in the real index."""
    write(repo, {".env.production": BAD})
    code, output = run_git(repo, "commit", "-m", "by path", ".env.production")
    assert code != 0 and "APD101" in output


def test_autopack_skip_and_no_verify_let_a_bad_commit_through(repo: Path) -> None:
    write(repo, {".env.production": BAD})
    git(repo, "add", ".env.production")
    code, output = run_git(repo, "commit", "-m", "skip", AUTOPACK_SKIP="1")
    assert code == 0, output
    assert "autopack pre-commit: skipped (AUTOPACK_SKIP=1)" in output
    write(repo, {"prod/.env": BAD})
    git(repo, "add", "prod/.env")
    assert run_git(repo, "commit", "-m", "no verify", "--no-verify")[0] == 0
    assert committed(repo, "prod/.env") == BAD


def test_missing_autopack_names_how_to_install_it(repo: Path, tmp_path: Path) -> None:
    """PATH without autopack, and a python3 that cannot import it (the base interpreter under
    our venv), so neither the command nor `python3 -m autopack` works."""
    bare = tmp_path / "bare-bin"
    bare.mkdir()
    base_python = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    (bare / "python3").symlink_to(base_python)
    clean = without("PYTHONPATH", "VIRTUAL_ENV")
    probe = subprocess.run(
        [str(bare / "python3"), "-c", "import autopack"], cwd=repo, env=clean, capture_output=True, timeout=60, check=False
    )
    assert probe.returncode != 0, "the base interpreter must not have autopack for this test"
    git_bin = Path(shutil.which("git") or "git").parent
    write(repo, {".env.production": BAD})
    git(repo, "add", ".env.production")
    code, output = run_git(repo, "commit", "-m", "no autopack", env={**clean, "PATH": f"{bare}{os.pathsep}{git_bin}"})
    assert code != 0
    assert "autopack pre-commit: autopack is not installed" in output
    assert "python3 -m pip install autopack" in output
    assert "git commit --no-verify" in output


def test_pre_push_runs_the_full_check(repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    assert run_git(repo, "push", "-q", "origin", "main")[0] == 0
    write(repo, {"deploy/production.env": BAD})
    git(repo, "add", "-A")
    assert run_git(repo, "commit", "-q", "-m", "bad, unchecked", "--no-verify")[0] == 0
    code, output = run_git(repo, "push", "origin", "main")
    assert code != 0
    assert "deploy/production.env:1:" in output and "autopack pre-push: refused" in output
    assert run_git(repo, "push", "-q", "origin", "main", AUTOPACK_SKIP="1")[0] == 0
