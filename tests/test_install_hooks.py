"""`autopack install-hooks`: the hooks land where git runs them (core.hooksPath, worktrees), own
hooks are updated idempotently, foreign hooks are refused without --force and backed up with it."""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
from pathlib import Path

import pytest

from autopack import install_hooks
from tests.conftest import BIN, GIT_ENV, REPO_ROOT, git, run_script, write

FOREIGN = "#!/bin/sh\necho 'my own hook'\n"


def recording_of(text: str) -> install_hooks.Recorded:
    """What an installed hook records, from its `python=...` and `install=...` lines."""
    values = {}
    for key in ("python", "install"):
        line = next(line for line in text.splitlines() if line.startswith(f"{key}="))
        values[key] = shlex.split(line.removeprefix(f"{key}="))[0]
    return install_hooks.Recorded(**values)


def installed(path: Path, name: str) -> bool:
    """The hook is ours, executable, and runs the Python of this test session's autopack."""
    hook = path / name
    if not hook.is_file():
        return False
    text = hook.read_text(encoding="utf-8")
    recording = recording_of(text)
    return (
        Path(recording.python).parent == BIN
        and recording.install.startswith(f"{recording.python} -m pip install ")
        and text == install_hooks.render(install_hooks.HOOKS[name], recording)
        and bool(hook.stat().st_mode & stat.S_IXUSR)
    )


def test_repository_hooks_are_the_rendered_templates_and_executable() -> None:
    for name, spec in install_hooks.HOOKS.items():
        path = REPO_ROOT / "hooks" / name
        assert path.read_bytes() == install_hooks.render(spec).encode("utf-8"), f"hooks/{name} is out of date"
        assert install_hooks.MARKER in path.read_text(encoding="utf-8")
        mode = git(REPO_ROOT, "ls-files", "-s", f"hooks/{name}").stdout.split(" ")[0]
        assert mode == "100755", f"hooks/{name} must be committed executable"


def test_installs_both_hooks_then_is_idempotent(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({"README.md": "# demo\n"})
    first = run_script("autopack", "install-hooks", cwd=repo)
    assert first.returncode == 0, first.stderr
    hooks = repo / ".git" / "hooks"
    assert installed(hooks, "pre-commit") and installed(hooks, "pre-push")
    assert first.stdout.count(": installed") == 2
    install = recording_of((hooks / "pre-push").read_text(encoding="utf-8")).install
    source = install.split(" -m pip install ", 1)[1]
    if source.startswith("-e "):  # this test session's editable install: its checkout
        assert (Path(source.removeprefix("-e ")) / "pyproject.toml").is_file()
    second = run_script("autopack", "install-hooks", cwd=repo)
    assert second.returncode == 0 and second.stdout.count("already up to date") == 2


def test_an_older_autopack_hook_is_updated_without_force(make_repo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({"README.md": "# demo\n"})
    write(repo, {".git/hooks/pre-commit": f"#!/bin/sh\n{install_hooks.MARKER}\nautopack check --staged\n"})
    monkeypatch.chdir(repo)
    assert install_hooks.main(["--hook", "pre-commit"]) == 0
    assert installed(repo / ".git" / "hooks", "pre-commit")
    assert not (repo / ".git" / "hooks" / "pre-push").exists()


def test_foreign_hook_is_refused_without_force_and_nothing_is_written(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({"README.md": "# demo\n"})
    write(repo, {".git/hooks/pre-push": FOREIGN})
    refused = run_script("autopack", "install-hooks", cwd=repo)
    assert refused.returncode == 1
    assert "pre-push: a hook that autopack did not write is already there" in refused.stderr
    assert "--force" in refused.stderr and "Traceback" not in refused.stderr
    assert (repo / ".git" / "hooks" / "pre-push").read_text(encoding="utf-8") == FOREIGN
    assert not (repo / ".git" / "hooks" / "pre-commit").exists(), "all or nothing"


def test_force_replaces_a_foreign_hook_and_keeps_a_backup(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({"README.md": "# demo\n"})
    write(repo, {".git/hooks/pre-commit": FOREIGN})
    forced = run_script("autopack", "install-hooks", "--force", cwd=repo)
    assert forced.returncode == 0, forced.stderr
    hooks = repo / ".git" / "hooks"
    assert installed(hooks, "pre-commit")
    assert (hooks / f"pre-commit{install_hooks.BACKUP_SUFFIX}").read_text(encoding="utf-8") == FOREIGN
    assert "previous hook was moved to" in forced.stdout


def test_core_hooks_path_is_respected_from_a_subdirectory(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({"src/app.py": "print('hi')\n"})
    git(repo, "config", "core.hooksPath", ".githooks")
    result = run_script("autopack", "install-hooks", cwd=repo / "src")
    assert result.returncode == 0, result.stderr
    assert installed(repo / ".githooks", "pre-commit") and installed(repo / ".githooks", "pre-push")
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()
    assert not (repo / "src" / ".githooks").exists()


def test_worktree_installs_into_the_shared_hooks_and_its_commits_are_checked(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({".env.production": "DEBUG=false\n"})
    worktree = tmp_path / "feature"
    git(repo, "worktree", "add", "-q", "-b", "feature", str(worktree))
    result = run_script("autopack", "install-hooks", cwd=worktree)
    assert result.returncode == 0, result.stderr
    assert installed(repo / ".git" / "hooks", "pre-commit")
    write(worktree, {".env.production": "DEBUG=true\n"})
    git(worktree, "add", ".env.production")
    env = {**os.environ, **GIT_ENV, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    commit = subprocess.run(
        ["git", "commit", "-m", "debug on"], cwd=worktree, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert commit.returncode != 0 and "APD101" in commit.stderr


def test_outside_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    result = run_script("autopack", "install-hooks", cwd=tmp_path, env={"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)})
    assert result.returncode == 2
    assert "not inside a git repository" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("argv", [["--hook", "post-commit"], ["--nope"]])
def test_bad_arguments_are_a_usage_error(argv: list[str], make_repo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(make_repo({"README.md": "x\n"}))
    with pytest.raises(SystemExit) as stop:
        install_hooks.main(argv)
    assert stop.value.code == 2


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        ({"url": "file:///src/auto%20pack", "dir_info": {"editable": True}}, "-e '/src/auto pack'"),
        ({"url": "file:///src/autopack", "dir_info": {}}, "/src/autopack"),
        (
            {"url": "https://github.com/org/autopack", "vcs_info": {"vcs": "git", "requested_revision": "v1.2.0", "commit_id": "a" * 40}},
            "git+https://github.com/org/autopack@v1.2.0",
        ),
        ({"url": "https://example.org/autopack-1.2.0.tar.gz", "archive_info": {}}, "https://example.org/autopack-1.2.0.tar.gz"),
        (None, "autopack==9.9.9"),
    ],
)
def test_the_install_advice_installs_autopack_from_where_it_came_from(tmp_path: Path, direct_url, expected: str) -> None:  # type: ignore[no-untyped-def]
    """PEP 610's direct_url.json of the installed distribution decides the pip argument."""
    import json
    import sys

    dist = tmp_path / "site" / "autopack-9.9.9.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: autopack\nVersion: 9.9.9\n", encoding="utf-8")
    if direct_url is not None:
        (dist / "direct_url.json").write_text(json.dumps(direct_url), encoding="utf-8")
    probe = subprocess.run(
        [sys.executable, "-c", "from autopack.install_hooks import install_source; print(install_source())"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": f"{dist.parent}{os.pathsep}{REPO_ROOT}"},
        capture_output=True, text=True, timeout=60, check=True,
    )
    if expected == "autopack==9.9.9":
        from autopack import __version__

        expected = f"autopack=={__version__}"  # the running code's version, not the metadata's
    assert probe.stdout.strip() == expected
