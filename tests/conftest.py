"""Shared test fixtures: real git repositories in tmp dirs, real subprocess calls of our entry
points, and one snapshot of this repository for `pre-commit try-repo`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Fuzz tests are derandomized with a fixed, bounded number of examples so CI is repeatable and
# quick; AUTOPACK_FUZZ_RANDOM=1 and a larger AUTOPACK_FUZZ_EXAMPLES hunt for new cases locally.
settings.register_profile(
    "autopack",
    derandomize=not os.environ.get("AUTOPACK_FUZZ_RANDOM"),
    max_examples=int(os.environ.get("AUTOPACK_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("autopack")

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run real git in `cwd` with a fixed identity and no user configuration."""
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", *args], cwd=cwd, env=env, text=True, capture_output=True, check=check)


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """`make_repo({"path": "content"}, commit=True)` → a real git repository with those files."""
    counter = iter(range(1000))

    def factory(files: dict[str, str | bytes] | None = None, commit: bool = True, name: str | None = None) -> Path:
        root = tmp_path / (name or f"repo{next(counter)}")
        root.mkdir(parents=True)
        git(root, "init", "-q", "-b", "main")
        write(root, files or {})
        if commit and files:
            git(root, "add", "-A")
            git(root, "commit", "-q", "-m", "initial")
        return root

    return factory


def run_script(name: str, *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run an installed console script (e.g. `autopack-debug-guard`) as a real subprocess."""
    return subprocess.run(
        [str(BIN / name), *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV, **(env or {})},
        text=True,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This repository's working tree committed into a temporary git repository, so every
    `pre-commit try-repo` in the session uses one revision and pre-commit installs it once."""
    snapshot = tmp_path_factory.mktemp("autopack-hook-repo")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for relative in filter(None, listed):
        source = REPO_ROOT / relative
        if source.is_file():
            target = snapshot / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(snapshot, "init", "-q", "-b", "main")
    git(snapshot, "add", "-A")
    git(snapshot, "commit", "-q", "-m", "snapshot")
    rev = git(snapshot, "rev-parse", "HEAD").stdout.strip()
    return snapshot, rev


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def try_repo(hook_repo: tuple[Path, str], pre_commit_home: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`try_repo(repo, "--all-files")` runs the real `pre-commit try-repo` on every hook of ours
    (each call installs the hooks' environment afresh: try-repo keeps no store)."""
    snapshot, rev = hook_repo

    def runner(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return run_script(
            "pre-commit", "try-repo", str(snapshot), "--ref", rev, "--color", "never", *args,
            cwd=repo, env={"PRE_COMMIT_HOME": str(pre_commit_home)}, timeout=600,
        )

    return runner


@pytest.fixture
def pre_commit_run(hook_repo: tuple[Path, str], pre_commit_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`pre_commit_run(repo, "debug-guard", "--all-files")` runs the real `pre-commit run` with a
    configuration naming the snapshot of our hooks at its revision, as a user's configuration
    does; the store is shared by the session, so pre-commit installs the environment once."""
    snapshot, rev = hook_repo

    def runner(repo: Path, hook_id: str, *args: str) -> subprocess.CompletedProcess[str]:
        config = tmp_path_factory.mktemp("pre-commit-config") / ".pre-commit-config.yaml"
        config.write_text(f"repos:\n- repo: {snapshot}\n  rev: {rev}\n  hooks:\n  - id: {hook_id}\n", encoding="utf-8")
        return run_script(
            "pre-commit", "run", hook_id, "--config", str(config), "--color", "never", *args,
            cwd=repo, env={"PRE_COMMIT_HOME": str(pre_commit_home)}, timeout=600,
        )

    return runner


@pytest.fixture
def scan(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., list[tuple[str, str, int | None, str]]]:
    """`scan(files)` → (rule, path, line, first `quoted` part of the message) of each finding of
    `autopack-doc-drift --all-files` in a real repository holding `files`."""
    import json

    from autopack import doc_drift

    def run(files: dict[str, str | bytes]) -> list[tuple[str, str, int | None, str]]:
        repo = make_repo(files)
        monkeypatch.chdir(repo)
        code = doc_drift.main(["--all-files", "--format", "json"])
        findings = json.loads(capsys.readouterr().out)
        assert code == (1 if findings else 0)
        return [(f["rule"], f["path"], f["line"], f["message"].split("`")[1]) for f in findings]

    return run
